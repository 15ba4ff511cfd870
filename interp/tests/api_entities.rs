//! Globals, tables and memories through the public API, and how instantiation
//! initializes them (no wasm code runs in these tests).

use myrt_interp::{
    Engine, Error, ExternRef, Global, GlobalType, Linker, Memory, MemoryType, Module, RefType,
    Store, Table, TableType, TrapCode, Val, ValType,
};

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, &wat::parse_str(wat).expect("test wat parses"))
        .expect("test module is valid")
}

fn trap_code(result: Result<myrt_interp::Instance, Error>) -> TrapCode {
    match result {
        Err(Error::Trap(trap)) => trap.code,
        Err(other) => panic!("expected a trap, got {other}"),
        Ok(_) => panic!("expected a trap, instantiation succeeded"),
    }
}

#[test]
fn globals_check_types_and_mutability() {
    let mut store = Store::new(&Engine::default(), ());
    let constant = Global::new(
        &mut store,
        GlobalType {
            content: ValType::I64,
            mutable: false,
        },
        Val::I64(-1),
    )
    .unwrap();
    assert_eq!(constant.get(&store).i64(), Some(-1));
    assert!(constant.set(&mut store, Val::I64(2)).is_err());

    let var = Global::new(
        &mut store,
        GlobalType {
            content: ValType::F64,
            mutable: true,
        },
        1.5f64.into(),
    )
    .unwrap();
    var.set(&mut store, 2.5f64.into()).unwrap();
    assert_eq!(var.get(&store).f64(), Some(2.5));
    assert!(var.set(&mut store, Val::I32(0)).is_err());
    assert!(
        Global::new(
            &mut store,
            GlobalType {
                content: ValType::I32,
                mutable: false
            },
            Val::I64(0)
        )
        .is_err()
    );
}

#[test]
fn tables_grow_within_their_limits() {
    let mut store = Store::new(&Engine::default(), ());
    let ty = TableType {
        element: RefType::ExternRef,
        min: 2,
        max: Some(4),
        table64: false,
    };
    let table = Table::new(&mut store, ty, Val::ExternRef(None)).unwrap();
    let host = ExternRef::new(&mut store, "hello");
    table.set(&mut store, 1, host.into()).unwrap();
    let got = table
        .get(&store, 1)
        .and_then(|v| v.externref())
        .flatten()
        .unwrap();
    assert_eq!(got.data(&store).downcast_ref::<&str>(), Some(&"hello"));
    assert!(table.get(&store, 2).is_none());
    assert!(table.set(&mut store, 2, Val::ExternRef(None)).is_err());
    assert!(
        table.set(&mut store, 0, Val::FuncRef(None)).is_err(),
        "element type is checked"
    );

    assert_eq!(table.grow(&mut store, 2, host.into()).unwrap(), 2);
    assert_eq!(table.size(&store), 4);
    assert!(
        table
            .get(&store, 3)
            .unwrap()
            .externref()
            .flatten()
            .is_some()
    );
    assert!(table.grow(&mut store, 1, Val::ExternRef(None)).is_err());
    assert_eq!(table.grow(&mut store, 0, Val::ExternRef(None)).unwrap(), 4);
    assert_eq!(table.ty(&store).min, 4, "the current size is the minimum");
}

#[test]
fn memories_grow_to_at_most_65536_pages() {
    let mut store = Store::new(&Engine::default(), ());
    let ty = MemoryType::new(1, Some(3));
    let memory = Memory::new(&mut store, ty).unwrap();
    assert_eq!(memory.data(&store).len(), 65536);
    memory.write(&mut store, 65530, b"wasm!!").unwrap();
    assert!(memory.write(&mut store, 65531, b"wasm!!").is_err());
    let mut buf = [0; 4];
    memory.read(&store, 65530, &mut buf).unwrap();
    assert_eq!(&buf, b"wasm");
    assert_eq!(memory.grow(&mut store, 2).unwrap(), 1);
    assert_eq!(memory.size(&store), 3);
    assert!(memory.grow(&mut store, 1).is_err());
    memory.data_mut(&mut store)[3 * 65536 - 1] = 9;

    let unbounded = MemoryType { max: None, ..ty };
    let memory = Memory::new(&mut store, unbounded).unwrap();
    assert!(
        memory.grow(&mut store, 65536).is_err(),
        "65537 pages exceed 4 GiB"
    );
    let too_big = MemoryType {
        min: 65537,
        ..unbounded
    };
    assert!(Memory::new(&mut store, too_big).is_err());
}

#[test]
fn instantiation_evaluates_initializers_and_segments() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let m = module(
        &engine,
        r#"(module
            (global (export "ext") i64 (i64.const 42))
            (global (export "f") funcref (ref.func $f))
            (memory (export "mem") 1)
            (table (export "t") 4 funcref)
            (func $f)
            (elem (i32.const 1) $f $f)
            (elem declare func $f)
            (data (i32.const 8) "abc")
            (data (i32.const 16) "z"))"#,
    );
    let instance = Linker::new(&engine).instantiate(&mut store, &m).unwrap();
    assert_eq!(
        instance
            .get_global(&store, "ext")
            .unwrap()
            .get(&store)
            .i64(),
        Some(42)
    );
    let f = instance
        .get_global(&store, "f")
        .unwrap()
        .get(&store)
        .funcref()
        .flatten();
    assert!(f.is_some());
    let mem = instance.get_memory(&store, "mem").unwrap();
    assert_eq!(&mem.data(&store)[8..11], b"abc");
    assert_eq!(mem.data(&store)[16], b'z');
    let table = instance.get_table(&store, "t").unwrap();
    assert!(table.get(&store, 0).unwrap().funcref().flatten().is_none());
    assert_eq!(table.get(&store, 1).unwrap().funcref().flatten(), f);
    assert_eq!(table.get(&store, 2).unwrap().funcref().flatten(), f);
}

#[test]
fn out_of_bounds_segments_trap_but_earlier_writes_stay() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let table = Table::new(
        &mut store,
        TableType {
            element: RefType::FuncRef,
            min: 2,
            max: None,
            table64: false,
        },
        Val::FuncRef(None),
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .define(&store, "m", "mem", memory)
        .unwrap()
        .define(&store, "m", "t", table)
        .unwrap();

    let data = module(
        &engine,
        r#"(module (import "m" "mem" (memory 1))
            (data (i32.const 0) "first")
            (data (i32.const 65535) "xx"))"#,
    );
    assert_eq!(
        trap_code(linker.instantiate(&mut store, &data)),
        TrapCode::MemoryOutOfBounds
    );
    assert_eq!(&memory.data(&store)[..5], b"first");

    let elems = module(
        &engine,
        r#"(module (import "m" "t" (table 2 funcref)) (func $f)
            (elem (i32.const 0) $f)
            (elem (i32.const 1) $f $f)
            (data))"#,
    );
    let err = linker.instantiate(&mut store, &elems).err().unwrap();
    assert_eq!(err.to_string(), "out of bounds table access");
    assert!(table.get(&store, 0).unwrap().funcref().flatten().is_some());
    assert!(table.get(&store, 1).unwrap().funcref().flatten().is_none());
}

#[test]
fn trap_display_is_the_spec_message_with_a_backtrace() {
    let mut trap = myrt_interp::Trap::new(TrapCode::IntegerDivisionByZero);
    assert_eq!(trap.to_string(), "integer divide by zero");
    trap.backtrace = vec![
        myrt_interp::FrameInfo {
            func_index: 3,
            func_name: Some("div".into()),
            module_name: None,
        },
        myrt_interp::FrameInfo {
            func_index: 0,
            func_name: None,
            module_name: None,
        },
    ];
    assert_eq!(
        trap.to_string(),
        "integer divide by zero\nwasm backtrace:\n    0: div\n    1: <module>!func[0]"
    );
    assert_eq!(
        TrapCode::IndirectCallToNull.message(),
        "uninitialized element"
    );
    assert_eq!(TrapCode::StackOverflow.message(), "call stack exhausted");
}
