//! Engine configuration through the public API.

use myrt_interp::{Config, Engine, Error, Linker, Module, Store, TrapCode};

const RECURSE: &str = r#"(module
    (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
            (then (i32.const 0))
            (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))"#;

#[test]
fn call_depth_is_limited_by_the_config() {
    let engine = Engine::new(Config::new().max_call_depth(100));
    let module = Module::new(&engine, &wat::parse_str(RECURSE).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
    assert_eq!(down.call(&mut store, 50).unwrap(), 50);
    let err = down.call(&mut store, 1000).unwrap_err();
    assert_eq!(err.as_trap().map(|t| t.code), Some(TrapCode::StackOverflow));
    assert!(err.to_string().starts_with("call stack exhausted"), "{err}");
    // The store stays usable after a trap.
    assert_eq!(down.call(&mut store, 3).unwrap(), 3);
}

#[test]
fn eager_translation_validates_and_translates_at_load() {
    let engine = Engine::new(Config::new().lazy_translation(false));
    let module = Module::new(&engine, &wat::parse_str(RECURSE).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
    assert_eq!(down.call(&mut store, 7).unwrap(), 7);

    let invalid = wat::parse_str("(module (func (drop)))").unwrap();
    assert!(matches!(
        Module::new(&engine, &invalid),
        Err(Error::Invalid(_))
    ));
}

/// The argument's copy is one instruction with the call (`CopyCallInternal`):
/// its slow paths (first call, depth limit) work the same.
#[test]
fn deep_recursion_with_a_copied_argument_traps() {
    let engine = Engine::default();
    let wasm =
        wat::parse_str(r#"(module (func $g (export "g") (param i32) (call $g (local.get 0))))"#)
            .unwrap();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let g = instance.get_typed_func::<i32, ()>(&store, "g").unwrap();
    let shown = g.call(&mut store, 7).unwrap_err().to_string();
    assert!(
        shown.starts_with("call stack exhausted\nwasm backtrace:\n    0: g (and "),
        "{shown}"
    );
}

#[test]
fn deep_recursion_backtrace_collapses_identical_frames() {
    let engine = Engine::default();
    let wasm = wat::parse_str(r#"(module (func $f (export "f") (call $f)))"#).unwrap();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    let error = f.call(&mut store, &[], &mut []).unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.starts_with("call stack exhausted\nwasm backtrace:\n    0: f (and "),
        "{shown}"
    );
    assert_eq!(shown.lines().count(), 3, "{shown}");
}

#[test]
fn recursion_through_host_functions_traps_instead_of_overflowing() {
    let engine = Engine::default();
    let wasm = wat::parse_str(
        r#"(module
            (import "host" "reenter" (func $reenter))
            (func (export "f") (call $reenter)))"#,
    )
    .unwrap();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "reenter",
            |mut caller: myrt_interp::Caller<'_, ()>| -> Result<(), Error> {
                let f = caller
                    .get_export("f")
                    .and_then(|e| e.into_func())
                    .expect("f is exported");
                f.call(&mut caller, &[], &mut [])
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    let error = f.call(&mut store, &[], &mut []).unwrap_err();
    assert!(
        error.to_string().contains("call stack exhausted"),
        "{error}"
    );
    // The store stays usable afterwards.
    let error = f.call(&mut store, &[], &mut []).unwrap_err();
    assert!(
        error.to_string().contains("call stack exhausted"),
        "{error}"
    );
}

/// Dynamically linked code (componentize-py's libpython, `wasm-tools
/// component link` output) places data and globals at `base + offset`.
const EXTENDED_CONST: &str = r#"(module
    (memory 1)
    (global $g i32 (i32.add (i32.const 40) (i32.const 2)))
    (global $h i64 (i64.mul (i64.sub (i64.const 10) (i64.const 3)) (i64.const 6)))
    (data (i32.add (i32.const 8) (i32.const 8)) "\2a")
    (func (export "get") (result i32 i64 i32)
        (global.get $g) (global.get $h) (i32.load8_u (i32.const 16))))"#;

#[test]
fn extended_const_expressions_are_accepted_by_default_and_evaluated() {
    let engine = Engine::default();
    let module = Module::new(&engine, &wat::parse_str(EXTENDED_CONST).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let get = instance
        .get_typed_func::<(), (i32, i64, i32)>(&store, "get")
        .unwrap();
    assert_eq!(get.call(&mut store, ()).unwrap(), (42, 42, 42));

    let strict = Engine::new(Config::new().wasm_extended_const(false));
    let Err(err) = Module::new(&strict, &wat::parse_str(EXTENDED_CONST).unwrap()) else {
        panic!("extended-const accepted with the feature off");
    };
    assert!(
        err.to_string().contains("constant expression required"),
        "{err}"
    );
}

#[test]
fn prevalidated_modules_still_validate_each_body_when_it_is_translated() {
    let engine = Engine::default();
    let wasm = wat::parse_str(
        r#"(module (func (export "ok") (result i32) i32.const 1)
                   (func (export "bad") (drop)))"#,
    )
    .unwrap();
    assert!(matches!(
        Module::new(&engine, &wasm),
        Err(Error::Invalid(_))
    ));
    // The component validator has checked the bodies of the modules it passes
    // here; were it wrong, the first call of the body reports the error.
    let module = Module::new_prevalidated(&engine, &wasm).expect("module-level rules hold");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let ok = instance.get_typed_func::<(), i32>(&store, "ok").unwrap();
    assert_eq!(ok.call(&mut store, ()).unwrap(), 1);
    let bad = instance.get_typed_func::<(), ()>(&store, "bad").unwrap();
    let err = bad.call(&mut store, ()).unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err}");
}

#[test]
fn backtraces_show_rust_symbols_demangled() {
    let wasm = wat::parse_str(
        r#"(module (func $_ZN7rustapp6nested17h0123456789abcdefE (export "f") unreachable))"#,
    )
    .unwrap();
    let engine = Engine::default();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let f = instance.get_typed_func::<(), ()>(&store, "f").unwrap();
    let err = f.call(&mut store, ()).unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert_eq!(trap.backtrace[0].to_string(), "rustapp::nested");
}
