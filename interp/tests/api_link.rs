//! Module loading, import resolution and link errors through the public API.

use myrt_interp::{
    Engine, Error, ExternType, Func, FuncType, Global, GlobalType, Linker, Memory, MemoryType,
    Module, RefType, Store, Table, TableType, Val, ValType,
};

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, &wat::parse_str(wat).expect("test wat parses"))
        .expect("test module is valid")
}

fn link_error(result: Result<myrt_interp::Instance, Error>) -> String {
    match result {
        Err(Error::Link(message)) => message,
        Err(other) => panic!("expected a link error, got {other}"),
        Ok(_) => panic!("expected a link error, instantiation succeeded"),
    }
}

fn table_type(min: u64, max: Option<u64>) -> TableType {
    TableType {
        element: RefType::FuncRef,
        min,
        max,
        table64: false,
    }
}

#[test]
fn malformed_and_invalid_modules_are_rejected() {
    let engine = Engine::default();
    assert!(matches!(
        Module::new(&engine, b"\0asm\x02\0\0\0"),
        Err(Error::Decode(_))
    ));
    let invalid = wat::parse_str("(module (func (result i32) i64.const 0))").unwrap();
    let err = Module::new(&engine, &invalid)
        .err()
        .expect("type mismatch is invalid");
    assert!(matches!(err, Error::Invalid(_)), "{err}");
    assert!(err.to_string().starts_with("invalid module: "), "{err}");
}

#[test]
fn imports_and_exports_report_their_types() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module
            (import "env" "f" (func (param i32) (result i64)))
            (import "env" "m" (memory 1 2))
            (global (export "g") (mut f32) (f32.const 1))
            (table (export "t") 3 funcref)
            (func (export "h")))"#,
    );
    let imports: Vec<_> = m
        .imports()
        .map(|i| (i.module().to_owned(), i.name().to_owned(), i.ty()))
        .collect();
    assert_eq!(
        imports[0],
        (
            "env".into(),
            "f".into(),
            ExternType::Func(FuncType::new([ValType::I32], [ValType::I64]))
        )
    );
    assert_eq!(
        imports[1].2,
        ExternType::Memory(MemoryType::new(1, Some(2)))
    );
    let exports: Vec<_> = m.exports().map(|e| (e.name().to_owned(), e.ty())).collect();
    assert_eq!(
        exports[0].1,
        ExternType::Global(GlobalType {
            content: ValType::F32,
            mutable: true
        })
    );
    assert_eq!(exports[1].1, ExternType::Table(table_type(3, None)));
    assert_eq!(exports[2].1, ExternType::Func(FuncType::new([], [])));
}

#[test]
fn missing_import_is_an_unknown_import() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let m = module(&engine, r#"(module (import "spectest" "foo" (func)))"#);
    let message = link_error(Linker::new(&engine).instantiate(&mut store, &m));
    assert_eq!(
        message,
        "unknown import: `spectest`.`foo` has not been defined"
    );
}

#[test]
fn function_import_must_have_the_same_type() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("m", "f", || {}).unwrap();
    let m = module(&engine, r#"(module (import "m" "f" (func (param i32))))"#);
    let message = link_error(linker.instantiate(&mut store, &m));
    assert_eq!(
        message,
        "incompatible import type for `m`.`f`: expected (func (param i32)), found (func)"
    );

    let m = module(&engine, r#"(module (import "m" "f" (global i32)))"#);
    let message = link_error(linker.instantiate(&mut store, &m));
    assert!(
        message.starts_with("incompatible import type for `m`.`f`"),
        "{message}"
    );
}

#[test]
fn memory_import_limits_follow_subtyping() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, MemoryType::new(1, Some(4))).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define(&store, "m", "mem", memory).unwrap();

    for ok in ["(memory 1)", "(memory 0 4)", "(memory 1 5)"] {
        let m = module(&engine, &format!(r#"(module (import "m" "mem" {ok}))"#));
        linker
            .instantiate(&mut store, &m)
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for bad in ["(memory 2)", "(memory 1 3)"] {
        let m = module(&engine, &format!(r#"(module (import "m" "mem" {bad}))"#));
        let message = link_error(linker.instantiate(&mut store, &m));
        assert!(
            message.starts_with("incompatible import type for `m`.`mem`: expected"),
            "{message}"
        );
    }

    // The current size counts as the minimum: after growing, a larger minimum matches.
    memory.grow(&mut store, 1).unwrap();
    let m = module(&engine, r#"(module (import "m" "mem" (memory 2)))"#);
    linker.instantiate(&mut store, &m).unwrap();

    let unbounded = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    linker.define(&store, "m", "mem", unbounded).unwrap();
    let m = module(&engine, r#"(module (import "m" "mem" (memory 1 10)))"#);
    let message = link_error(linker.instantiate(&mut store, &m));
    assert_eq!(
        message,
        "incompatible import type for `m`.`mem`: expected (memory 1 10), found (memory 1)"
    );
}

#[test]
fn table_and_global_imports_check_element_type_and_mutability() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let table = Table::new(&mut store, table_type(10, Some(20)), Val::FuncRef(None)).unwrap();
    let global = Global::new(
        &mut store,
        GlobalType {
            content: ValType::I32,
            mutable: false,
        },
        Val::I32(7),
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .define(&store, "m", "t", table)
        .unwrap()
        .define(&store, "m", "g", global)
        .unwrap();

    let ok = module(
        &engine,
        r#"(module (import "m" "t" (table 5 25 funcref)) (import "m" "g" (global i32)))"#,
    );
    linker.instantiate(&mut store, &ok).unwrap();
    for bad in [
        "(table 5 externref)",
        "(table 11 funcref)",
        "(table 5 15 funcref)",
    ] {
        let m = module(&engine, &format!(r#"(module (import "m" "t" {bad}))"#));
        link_error(linker.instantiate(&mut store, &m));
    }
    for bad in ["(global (mut i32))", "(global i64)"] {
        let m = module(&engine, &format!(r#"(module (import "m" "g" {bad}))"#));
        let message = link_error(linker.instantiate(&mut store, &m));
        assert!(message.contains("found (global i32)"), "{message}");
    }
}

#[test]
fn registered_instances_satisfy_imports() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let provider = module(
        &engine,
        r#"(module (global (export "g") i32 (i32.const 42)) (memory (export "mem") 1) (func (export "f")))"#,
    );
    let instance = linker.instantiate(&mut store, &provider).unwrap();
    linker.instance(&store, "provider", instance).unwrap();
    let names: Vec<_> = instance
        .exports(&store)
        .map(|(name, _)| name.to_owned())
        .collect();
    assert_eq!(names, ["g", "mem", "f"]);

    let consumer = module(
        &engine,
        r#"(module
            (import "provider" "g" (global $g i32))
            (import "provider" "mem" (memory 1))
            (import "provider" "f" (func))
            (global (export "copy") i32 (global.get $g)))"#,
    );
    let instance = linker.instantiate(&mut store, &consumer).unwrap();
    let copy = instance.get_global(&store, "copy").unwrap();
    assert_eq!(copy.get(&store).i32(), Some(42));
    let shared = linker
        .get(&mut store, "provider", "mem")
        .and_then(|e| e.into_memory());
    assert!(shared.is_some());
}

#[test]
fn host_functions_get_a_func_per_store() {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "add", |a: i32, b: i32| a.wrapping_add(b))
        .unwrap();
    let mut store = Store::new(&engine, ());
    let func = linker
        .get(&mut store, "host", "add")
        .and_then(|e| e.into_func())
        .unwrap();
    assert_eq!(
        func.ty(&store),
        FuncType::new([ValType::I32, ValType::I32], [ValType::I32])
    );
    let direct = Func::wrap(&mut store, |x: f64| -> (f64, i64) { (x, x as i64) });
    assert_eq!(
        direct.ty(&store),
        FuncType::new([ValType::F64], [ValType::F64, ValType::I64])
    );
}

#[test]
fn handles_from_another_store_are_rejected() {
    let engine = Engine::default();
    let mut first = Store::new(&engine, ());
    let mut second = Store::new(&engine, ());
    let func = Func::wrap(&mut first, |x: i32| x);
    assert_eq!(
        func.call(&mut second, &[Val::I32(1)], &mut [Val::I32(0)])
            .unwrap_err()
            .to_string(),
        "a handle or reference from another store was used with this store"
    );
    assert!(
        Linker::new(&engine)
            .define(&second, "m", "f", func)
            .is_err()
    );
    let global = Global::new(
        &mut second,
        GlobalType {
            content: ValType::FUNCREF,
            mutable: true,
        },
        Val::FuncRef(None),
    )
    .unwrap();
    assert!(global.set(&mut second, Val::FuncRef(Some(func))).is_err());
    let typed = func.typed::<i32, i32>(&first).unwrap();
    assert!(typed.call(&mut second, 1).is_err());
}
