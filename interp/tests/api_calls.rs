//! Calls between the host and wasm through the public API. Calls that run
//! wasm code need the engine's executor.

use myrt_interp::{
    Caller, Engine, Error, Extern, Func, FuncType, Linker, Module, Store, TrapCode, Val, ValType,
};

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, &wat::parse_str(wat).expect("test wat parses"))
        .expect("test module is valid")
}

#[test]
fn dynamic_calls_check_arguments() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let add = Func::wrap(&mut store, |a: i32, b: i32| a + b);
    let err = add
        .call(&mut store, &[Val::I32(1)], &mut [Val::I32(0)])
        .unwrap_err();
    assert_eq!(err.to_string(), "expected 2 arguments, got 1");
    let err = add
        .call(&mut store, &[Val::I32(1), Val::I64(2)], &mut [Val::I32(0)])
        .unwrap_err();
    assert_eq!(err.to_string(), "argument 1 has type i64, expected i32");
    assert!(
        add.call(&mut store, &[Val::I32(1), Val::I32(2)], &mut [])
            .is_err()
    );
    assert!(add.typed::<(i32, i32), i64>(&store).is_err());
    assert!(add.typed::<(i32, i32), i32>(&store).is_ok());
}

#[test]
fn wasm_calls_host_functions_with_caller_access() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, Vec::<i64>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "log", |mut caller: Caller<'_, Vec<i64>>, v: i64| {
            caller.data_mut().push(v);
        })
        .unwrap()
        .func_wrap(
            "host",
            "peek",
            |mut caller: Caller<'_, Vec<i64>>, addr: u32| -> Result<i32, Error> {
                let Some(Extern::Memory(mem)) = caller.get_export("mem") else {
                    return Err(Error::host("no exported memory"));
                };
                Ok(mem.data(&caller)[addr as usize] as i32)
            },
        )
        .unwrap();
    let m = module(
        &engine,
        r#"(module
            (import "host" "log" (func $log (param i64)))
            (import "host" "peek" (func $peek (param i32) (result i32)))
            (memory (export "mem") 1)
            (data (i32.const 5) "\2a")
            (func (export "run") (param i64) (result i32)
                (call $log (local.get 0))
                (call $log (i64.add (local.get 0) (i64.const 1)))
                (call $peek (i32.const 5))))"#,
    );
    let instance = linker.instantiate(&mut store, &m).unwrap();
    let run = instance.get_typed_func::<i64, i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, 10).unwrap(), 42);
    assert_eq!(store.data(), &[10, 11]);
}

#[test]
fn dynamic_host_functions_and_typed_calls() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let ty = FuncType::new([ValType::F64, ValType::F64], [ValType::F64]);
    linker
        .func_new("host", "max", ty, |_, args, results| {
            let (a, b) = (args[0].f64().unwrap_or(0.0), args[1].f64().unwrap_or(0.0));
            results[0] = a.max(b).into();
            Ok(())
        })
        .unwrap();
    let m = module(
        &engine,
        r#"(module
            (import "host" "max" (func $max (param f64 f64) (result f64)))
            (func (export "clamp") (param f64) (result f64 i32)
                (call $max (local.get 0) (f64.const 0))
                (i32.const 7)))"#,
    );
    let instance = linker.instantiate(&mut store, &m).unwrap();
    let clamp = instance.get_func(&store, "clamp").unwrap();
    let mut results = [Val::F64(0), Val::I32(0)];
    clamp
        .call(&mut store, &[(-3.0f64).into()], &mut results)
        .unwrap();
    assert_eq!(results[0].f64(), Some(0.0));
    assert_eq!(results[1].i32(), Some(7));
    let typed = clamp.typed::<f64, (f64, i32)>(&store).unwrap();
    assert_eq!(typed.call(&mut store, 2.5).unwrap(), (2.5, 7));
}

#[test]
fn host_errors_and_traps_reach_the_embedder() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "fail", || -> Result<(), Error> {
            Err(Error::host("denied"))
        })
        .unwrap();
    let m = module(
        &engine,
        r#"(module
            (import "host" "fail" (func $fail))
            (func (export "fail") (call $fail))
            (func $div (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"#,
    );
    let instance = linker.instantiate(&mut store, &m).unwrap();
    let fail = instance.get_typed_func::<(), ()>(&store, "fail").unwrap();
    let err = fail.call(&mut store, ()).unwrap_err();
    assert!(matches!(err, Error::Host(_)), "{err}");
    assert_eq!(err.to_string(), "host function failed: denied");

    let div = instance
        .get_typed_func::<(i32, i32), i32>(&store, "div")
        .unwrap();
    assert_eq!(div.call(&mut store, (7, 2)).unwrap(), 3);
    let err = div.call(&mut store, (1, 0)).unwrap_err();
    assert_eq!(
        err.as_trap().map(|t| t.code),
        Some(TrapCode::IntegerDivisionByZero)
    );
    assert!(
        err.to_string()
            .starts_with("integer divide by zero\nwasm backtrace:\n    0: "),
        "{err}"
    );
}

#[test]
fn start_function_runs_at_instantiation_and_can_trap() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "tick", |mut caller: Caller<'_, u32>| {
            *caller.data_mut() += 1
        })
        .unwrap();
    let m = module(
        &engine,
        r#"(module (import "host" "tick" (func $tick)) (start $tick))"#,
    );
    linker.instantiate(&mut store, &m).unwrap();
    assert_eq!(*store.data(), 1);

    let m = module(
        &engine,
        r#"(module (func $boom unreachable) (start $boom))"#,
    );
    let err = linker.instantiate(&mut store, &m).unwrap_err();
    assert_eq!(err.as_trap().map(|t| t.code), Some(TrapCode::Unreachable));
}

#[test]
fn host_functions_can_call_back_into_wasm() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "twice",
            |mut caller: Caller<'_, ()>, x: i32| -> Result<i32, Error> {
                let inc = caller
                    .get_export("inc")
                    .and_then(Extern::into_func)
                    .ok_or_else(|| Error::host("no inc"))?;
                let inc = inc.typed::<i32, i32>(&caller)?;
                let once = inc.call(&mut caller, x)?;
                inc.call(&mut caller, once)
            },
        )
        .unwrap();
    let m = module(
        &engine,
        r#"(module
            (import "host" "twice" (func $twice (param i32) (result i32)))
            (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
            (func (export "run") (param i32) (result i32) (call $twice (call $twice (local.get 0)))))"#,
    );
    let instance = linker.instantiate(&mut store, &m).unwrap();
    let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, 10).unwrap(), 14);
}
