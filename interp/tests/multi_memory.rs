//! Modules with several memories (multi-memory): accesses, growth and
//! copies on each, and memories imported and exported through the Linker.

use myrt_interp::{Config, Engine, Error, Linker, Memory, MemoryType, Module, Store, TrapCode};

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, &wat::parse_str(wat).expect("test wat parses"))
        .expect("test module is valid")
}

fn trap_code<T: std::fmt::Debug>(result: Result<T, Error>) -> TrapCode {
    match result {
        Err(Error::Trap(trap)) => trap.code,
        other => panic!("expected a trap, got {other:?}"),
    }
}

/// Three memories of 1, 2 and 1 pages; each function names the memory it uses.
const THREE: &str = r#"(module
    (memory $a (export "a") 1)
    (memory $b (export "b") 2 4)
    (memory $c (export "c") 1)
    (data (memory $b) (i32.const 65536) "\2a")
    (func (export "store") (param $mem i32) (param $addr i32) (param $value i64)
        (if (i32.eqz (local.get $mem))
            (then (i64.store $a (local.get $addr) (local.get $value)) (return)))
        (if (i32.eq (local.get $mem) (i32.const 1))
            (then (i64.store $b (local.get $addr) (local.get $value)) (return)))
        (i64.store $c (local.get $addr) (local.get $value)))
    (func (export "load") (param $mem i32) (param $addr i32) (result i64)
        (if (i32.eqz (local.get $mem)) (then (return (i64.load $a (local.get $addr)))))
        (if (i32.eq (local.get $mem) (i32.const 1)) (then (return (i64.load $b (local.get $addr)))))
        (i64.load $c (local.get $addr)))
    ;; Loads and stores whose operands and results travel in the accumulator.
    (func (export "sum8") (param $addr i32) (result i32)
        (i32.add
            (i32.load8_u $b (i32.add (local.get $addr) (i32.const 1)))
            (i32.load8_u $c offset=1 (local.get $addr))))
    (func (export "store_imm") (param $addr i32)
        (i32.store16 $c (i32.add (local.get $addr) (i32.const 2)) (i32.const 0x1234)))
    (func (export "sizes") (result i32 i32 i32)
        (memory.size $a) (memory.size $b) (memory.size $c))
    (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
    (func (export "copy_b_to_c") (param $dst i32) (param $src i32) (param $len i32)
        (memory.copy $c $b (local.get $dst) (local.get $src) (local.get $len)))
    (func (export "fill_c") (param $dst i32) (param $value i32) (param $len i32)
        (memory.fill $c (local.get $dst) (local.get $value) (local.get $len))))"#;

#[test]
fn loads_and_stores_reach_the_memory_they_name() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module(&engine, THREE))
        .unwrap();
    let write = instance
        .get_typed_func::<(i32, i32, i64), ()>(&store, "store")
        .unwrap();
    let read = instance
        .get_typed_func::<(i32, i32), i64>(&store, "load")
        .unwrap();
    for mem in 0..3 {
        write
            .call(&mut store, (mem, 8, 100 + i64::from(mem)))
            .unwrap();
    }
    for mem in 0..3 {
        assert_eq!(
            read.call(&mut store, (mem, 8)).unwrap(),
            100 + i64::from(mem)
        );
    }
    // The data segment went to memory 1 only, in its second page.
    assert_eq!(read.call(&mut store, (1, 65536)).unwrap(), 42);
    assert_eq!(
        trap_code(read.call(&mut store, (0, 65536))),
        TrapCode::MemoryOutOfBounds
    );
    assert_eq!(
        trap_code(read.call(&mut store, (2, 65536))),
        TrapCode::MemoryOutOfBounds
    );
    // Each memory is bounds-checked against its own length.
    assert_eq!(
        trap_code(write.call(&mut store, (2, 65529, 0))),
        TrapCode::MemoryOutOfBounds
    );
    write.call(&mut store, (1, 65529, 7)).unwrap();

    let sum8 = instance.get_typed_func::<i32, i32>(&store, "sum8").unwrap();
    assert_eq!(sum8.call(&mut store, 7).unwrap(), 101 + 102);
    let store_imm = instance
        .get_typed_func::<i32, ()>(&store, "store_imm")
        .unwrap();
    store_imm.call(&mut store, 30).unwrap();
    let c = instance.get_memory(&store, "c").unwrap();
    assert_eq!(c.data(&store)[32..34], [0x34, 0x12]);
    assert_eq!(
        instance.get_memory(&store, "a").unwrap().data(&store)[32..34],
        [0, 0]
    );
}

#[test]
fn size_grow_copy_and_fill_apply_to_the_memory_they_name() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module(&engine, THREE))
        .unwrap();
    let sizes = instance
        .get_typed_func::<(), (i32, i32, i32)>(&store, "sizes")
        .unwrap();
    let grow_b = instance
        .get_typed_func::<i32, i32>(&store, "grow_b")
        .unwrap();
    assert_eq!(sizes.call(&mut store, ()).unwrap(), (1, 2, 1));
    assert_eq!(grow_b.call(&mut store, 1).unwrap(), 2);
    assert_eq!(
        grow_b.call(&mut store, 2).unwrap(),
        -1,
        "beyond memory 1's maximum of 4"
    );
    assert_eq!(sizes.call(&mut store, ()).unwrap(), (1, 3, 1));

    let copy = instance
        .get_typed_func::<(i32, i32, i32), ()>(&store, "copy_b_to_c")
        .unwrap();
    copy.call(&mut store, (100, 65536, 1)).unwrap();
    let c = instance.get_memory(&store, "c").unwrap();
    assert_eq!(c.data(&store)[100], 42);
    // The source range is checked against memory 1 (3 pages), the destination against memory 2.
    copy.call(&mut store, (0, 3 * 65536 - 4, 4)).unwrap();
    assert_eq!(
        trap_code(copy.call(&mut store, (65533, 0, 4))),
        TrapCode::MemoryOutOfBounds
    );
    assert_eq!(
        trap_code(copy.call(&mut store, (0, 3 * 65536 - 3, 4))),
        TrapCode::MemoryOutOfBounds
    );

    let fill = instance
        .get_typed_func::<(i32, i32, i32), ()>(&store, "fill_c")
        .unwrap();
    fill.call(&mut store, (200, 7, 3)).unwrap();
    assert_eq!(c.data(&store)[199..204], [0, 7, 7, 7, 0]);
    assert_eq!(
        trap_code(fill.call(&mut store, (65535, 0, 2))),
        TrapCode::MemoryOutOfBounds
    );
}

#[test]
fn memories_are_imported_and_exported_through_the_linker() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let host = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let exporter = Linker::new(&engine)
        .instantiate(&mut store, &module(&engine, THREE))
        .unwrap();
    let mut linker = Linker::new(&engine);
    linker.define(&store, "host", "mem", host).unwrap();
    linker.instance(&mut store, "three", exporter).unwrap();
    // Memory 0 is the host's, memory 1 the exporter's memory "c", memory 2 its own.
    let importer = module(
        &engine,
        r#"(module
            (import "host" "mem" (memory 1))
            (import "three" "c" (memory 1))
            (memory 1)
            (func (export "move") (param $addr i32)
                (i32.store8 2 (local.get $addr) (i32.load8_u 1 (local.get $addr)))
                (i32.store8 0 (local.get $addr) (i32.add (i32.load8_u 2 (local.get $addr)) (i32.const 1))))
            (func (export "grow_c") (result i32) (memory.grow 1 (i32.const 1))))"#,
    );
    let instance = linker.instantiate(&mut store, &importer).unwrap();
    let c = exporter.get_memory(&store, "c").unwrap();
    c.data_mut(&mut store)[5] = 9;
    instance
        .get_typed_func::<i32, ()>(&store, "move")
        .unwrap()
        .call(&mut store, 5)
        .unwrap();
    assert_eq!(host.data(&store)[5], 10);

    let grow_c = instance
        .get_typed_func::<(), i32>(&store, "grow_c")
        .unwrap();
    assert_eq!(grow_c.call(&mut store, ()).unwrap(), 1);
    assert_eq!(c.size(&store), 2, "the importer grew the exporter's memory");
}

#[test]
fn one_store_memory_imported_twice_stays_coherent() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let shared = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define(&store, "m", "mem", shared).unwrap();
    // Growing through index 1 moves memory 0's buffer: its cached view must follow.
    let module = module(
        &engine,
        r#"(module
            (import "m" "mem" (memory 1))
            (import "m" "mem" (memory 1))
            (func (export "run") (result i32)
                (drop (memory.grow 1 (i32.const 3)))
                (i32.store 0 (i32.const 196608) (i32.const 77))
                (memory.copy 1 0 (i32.const 0) (i32.const 196608) (i32.const 4))
                (i32.add (i32.load 1 (i32.const 0)) (memory.size 0))))"#,
    );
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 77 + 4);
}

#[test]
fn a_second_memory_is_rejected_with_multi_memory_off() {
    let strict = Engine::new(Config::new().wasm_multi_memory(false));
    let Err(err) = Module::new(
        &strict,
        &wat::parse_str("(module (memory 1) (memory 1))").unwrap(),
    ) else {
        panic!("a second memory accepted with multi-memory off");
    };
    assert!(err.to_string().contains("multiple memories"), "{err}");
}
