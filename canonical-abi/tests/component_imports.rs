//! Host functions imported by components, instances linked into other
//! components, nested components, and the reentrance rules.

use std::sync::{Arc, Mutex};

use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{Component, Engine, Error, Func, Instance, Linker, Store};

const LIBC: &str = r#"
  (core module $libc
    (memory (export "mem") 4)
    (global $next (mut i32) (i32.const 4096))
    (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (global.set $next (i32.add (local.get $ptr) (local.get $new_size)))
      (if (local.get $old)
        (then (memory.copy (local.get $ptr) (local.get $old) (local.get $old_size))))
      (local.get $ptr)))
  (core instance $libc (instantiate $libc))
"#;

fn load(engine: &Engine, wat: &str) -> Component {
    let bytes = wat::parse_str(wat).expect("test component parses");
    Component::new(engine, &bytes).expect("component loads")
}

fn call1<T: 'static>(
    store: &mut Store<T>,
    instance: &Instance,
    name: &str,
    args: &[Val],
) -> Result<Val, Error> {
    let func = instance
        .get_func(&*store, name)
        .unwrap_or_else(|| panic!("no export {name}"));
    let mut results = [Val::Bool(false)];
    func.call(store, args, &mut results)?;
    Ok(results[0].clone())
}

fn host_calls_component() -> String {
    format!(
        r#"(component
      (import "host-add" (func $add (param "a" u32) (param "b" u32) (result u32)))
      (import "log" (func $log (param "msg" string)))
      (import "demo:strings/ops@0.1.0" (instance $s
        (export "concat" (func (param "a" string) (param "b" string) (result string)))))
      {LIBC}
      (core func $add_lowered (canon lower (func $add)))
      (core func $log_lowered (canon lower (func $log) (memory $libc "mem")))
      (alias export $s "concat" (func $concat))
      (core func $concat_lowered (canon lower (func $concat) (memory $libc "mem") (realloc (func $libc "realloc"))))
      (core module $main
        (import "host" "add" (func $add (param i32 i32) (result i32)))
        (import "host" "log" (func $log (param i32 i32)))
        (import "host" "concat" (func $concat (param i32 i32 i32 i32 i32)))
        (import "libc" "mem" (memory 1))
        (data (i32.const 100) "hi from guest")
        (func (export "run") (param i32) (result i32)
          (call $log (i32.const 100) (i32.const 13))
          (call $add (local.get 0) (i32.const 1)))
        (func (export "concat") (param i32 i32 i32 i32) (result i32)
          (call $concat (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 200))
          (i32.const 200)))
      (core instance $main (instantiate $main
        (with "host" (instance
          (export "add" (func $add_lowered))
          (export "log" (func $log_lowered))
          (export "concat" (func $concat_lowered))))
        (with "libc" (instance $libc))))
      (func (export "run") (param "x" u32) (result u32) (canon lift (core func $main "run")))
      (func (export "concat") (param "a" string) (param "b" string) (result string)
        (canon lift (core func $main "concat") (memory $libc "mem") (realloc (func $libc "realloc"))))
    )"#
    )
}

fn host_linker(engine: &Engine) -> Linker<Vec<String>> {
    let mut linker = Linker::<Vec<String>>::new(engine);
    let mut root = linker.root();
    root.func_new("host-add", |_store, args, results| {
        let (Val::U32(a), Val::U32(b)) = (&args[0], &args[1]) else {
            return Err(Error::Other("add wants two u32".into()));
        };
        results[0] = Val::U32(a + b);
        Ok(())
    })
    .unwrap();
    root.func_new("log", |store, args, _results| {
        if let Val::String(message) = &args[0] {
            store.data_mut().push(message.clone());
        }
        Ok(())
    })
    .unwrap();
    root.instance("demo:strings/ops@0.1.0")
        .unwrap()
        .func_new("concat", |_store, args, results| {
            let (Val::String(a), Val::String(b)) = (&args[0], &args[1]) else {
                return Err(Error::Other("concat wants two strings".into()));
            };
            results[0] = Val::String(format!("{a}{b}"));
            Ok(())
        })
        .unwrap();
    linker
}

#[test]
fn host_functions_are_called_with_lifted_values() {
    let engine = Engine::default();
    let component = load(&engine, &host_calls_component());
    let linker = host_linker(&engine);
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    assert_eq!(
        call1(&mut store, &instance, "run", &[Val::U32(41)]).unwrap(),
        Val::U32(42)
    );
    assert_eq!(store.data(), &["hi from guest".to_string()]);
    assert_eq!(
        call1(
            &mut store,
            &instance,
            "concat",
            &[Val::String("Grüß ".into()), Val::String("Gott 😀".into())]
        )
        .unwrap(),
        Val::String("Grüß Gott 😀".into())
    );
}

#[test]
fn imports_and_exports_are_listed() {
    use myrt_canonical_abi::component::ComponentItem;
    use myrt_canonical_abi::{FuncType, Type};
    let engine = Engine::default();
    let component = load(&engine, &host_calls_component());
    let imports = component.imports();
    let names: Vec<&str> = imports.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["host-add", "log", "demo:strings/ops@0.1.0"]);
    assert_eq!(
        imports[1].1,
        ComponentItem::Func(FuncType {
            params: vec![("msg".into(), Type::String)],
            result: None
        })
    );
    let ComponentItem::Instance(members) = &imports[2].1 else {
        panic!("{:?}", imports[2])
    };
    assert_eq!(members[0].0, "concat");
    let exports = component.exports();
    assert_eq!(
        exports[0],
        (
            "run".into(),
            ComponentItem::Func(FuncType {
                params: vec![("x".into(), Type::U32)],
                result: Some(Type::U32)
            })
        )
    );
}

#[test]
fn host_errors_propagate_to_the_caller() {
    let engine = Engine::default();
    let component = load(&engine, &host_calls_component());
    let mut failing = Linker::<Vec<String>>::new(&engine);
    failing
        .root()
        .func_new("host-add", |_, _, _| {
            Err(Error::Other("host refuses".into()))
        })
        .unwrap();
    failing.root().func_new("log", |_, _, _| Ok(())).unwrap();
    failing
        .root()
        .instance("demo:strings/ops@0.1.0")
        .unwrap()
        .func_new("concat", |_, _, _| Ok(()))
        .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let instance = failing.instantiate(&mut store, &component).unwrap();
    let err = call1(&mut store, &instance, "run", &[Val::U32(1)]).unwrap_err();
    assert!(err.to_string().contains("host refuses"), "{err}");
}

/// One component instance linked into another with `define_instance`, and
/// a nested component instantiated with arguments, calling each other.
#[test]
fn components_call_components() {
    let engine = Engine::default();
    let provider = load(&engine, &provider_wat());
    let consumer = format!(
        r#"(component
      (import "api" (instance $api
        (export "double" (func (param "x" u32) (result u32)))
        (export "len" (func (param "s" string) (result u32)))))
      {LIBC}
      (alias export $api "double" (func $double))
      (alias export $api "len" (func $len))
      (core func $double_lowered (canon lower (func $double)))
      (core func $len_lowered (canon lower (func $len) (memory $libc "mem")))
      (core module $m
        (import "api" "double" (func $double (param i32) (result i32)))
        (import "api" "len" (func $len (param i32 i32) (result i32)))
        (func (export "quad-len") (param i32 i32) (result i32)
          (call $double (call $double (call $len (local.get 0) (local.get 1))))))
      (core instance $m (instantiate $m (with "api" (instance
        (export "double" (func $double_lowered))
        (export "len" (func $len_lowered))))))
      (func (export "quad-len") (param "s" string) (result u32)
        (canon lift (core func $m "quad-len") (memory $libc "mem") (realloc (func $libc "realloc"))))
    )"#
    );
    let linker = Linker::<()>::new(&engine);
    let mut store = Store::new(&engine, ());
    let provided = linker.instantiate(&mut store, &provider).unwrap();
    assert!(
        provided.get_func(&store, "api").is_none(),
        "an instance is not a function"
    );
    let double = provided.get_func_path(&["api", "double"]).unwrap();
    let mut out = [Val::Bool(false)];
    double.call(&mut store, &[Val::U32(21)], &mut out).unwrap();
    assert_eq!(out[0], Val::U32(42));

    let mut linker = Linker::<()>::new(&engine);
    linker.define_instance("api", provided).unwrap();
    let consumer_component = load(&engine, &consumer);
    let instance = linker.instantiate(&mut store, &consumer_component).unwrap();
    assert_eq!(
        call1(
            &mut store,
            &instance,
            "quad-len",
            &[Val::String("hello".into())]
        )
        .unwrap(),
        Val::U32(20)
    );

    // The same composition inside one component: nested components and
    // an instantiation argument.
    let nested = format!(
        r#"(component
      (component $provider {provider_body})
      (component $consumer {consumer_body})
      (instance $p (instantiate $provider))
      (alias export $p "api" (instance $api))
      (instance $c (instantiate $consumer (with "api" (instance $api))))
      (alias export $c "quad-len" (func $f))
      (export "quad-len" (func $f))
    )"#,
        provider_body = strip_component(&provider_wat()),
        consumer_body = strip_component(&consumer),
    );
    let nested = load(&engine, &nested);
    let instance = Linker::<()>::new(&engine)
        .instantiate(&mut store, &nested)
        .unwrap();
    assert_eq!(
        call1(
            &mut store,
            &instance,
            "quad-len",
            &[Val::String("hey".into())]
        )
        .unwrap(),
        Val::U32(12)
    );
}

fn provider_wat() -> String {
    format!(
        r#"(component
          {LIBC}
          (core module $m
            (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
            (func (export "len") (param i32 i32) (result i32) (local.get 1)))
          (core instance $m (instantiate $m))
          (func $double (param "x" u32) (result u32) (canon lift (core func $m "double")))
          (func $len (param "s" string) (result u32)
            (canon lift (core func $m "len") (memory $libc "mem") (realloc (func $libc "realloc"))))
          (instance $api (export "double" (func $double)) (export "len" (func $len)))
          (export "api" (instance $api))
          (export "double" (func $double))
          (export "len" (func $len))
        )"#
    )
}

/// The body of `(component ...)`, to nest it in another.
fn strip_component(wat: &str) -> &str {
    let wat = wat.trim();
    &wat["(component".len()..wat.len() - 1]
}

/// A host function that calls back into the instance that called it.
#[test]
fn reentering_an_instance_traps() {
    let engine = Engine::default();
    let component = load(
        &engine,
        r#"(component
      (import "callback" (func $cb))
      (core func $cb (canon lower (func $cb)))
      (core module $m
        (import "" "cb" (func $cb))
        (func (export "outer") (call $cb))
        (func (export "inner")))
      (core instance $m (instantiate $m (with "" (instance (export "cb" (func $cb))))))
      (func (export "outer") (canon lift (core func $m "outer")))
      (func (export "inner") (canon lift (core func $m "inner")))
    )"#,
    );
    let slot: Arc<Mutex<Option<Func>>> = Arc::default();
    let mut linker = Linker::<()>::new(&engine);
    let target = Arc::clone(&slot);
    linker
        .root()
        .func_new("callback", move |store, _, _| {
            let inner = target
                .lock()
                .unwrap()
                .clone()
                .expect("set after instantiation");
            inner.call(store, &[], &mut [])
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let inner = instance.get_func(&store, "inner").unwrap();
    inner
        .call(&mut store, &[], &mut [])
        .expect("a direct call enters");
    *slot.lock().unwrap() = Some(inner);
    let outer = instance.get_func(&store, "outer").unwrap();
    let err = outer.call(&mut store, &[], &mut []).unwrap_err();
    assert!(err.is_trap(), "{err:?}");
    assert!(
        err.to_string().contains("cannot enter component instance"),
        "{err}"
    );
    // The trap poisoned the instance.
    let err = instance
        .get_func(&store, "inner")
        .unwrap()
        .call(&mut store, &[], &mut [])
        .unwrap_err();
    assert!(
        err.to_string().contains("cannot enter component instance"),
        "{err}"
    );
}

/// `realloc` runs while the instance may not leave: calling an import then
/// traps.
#[test]
fn leaving_during_realloc_traps() {
    let engine = Engine::default();
    let component = load(
        &engine,
        r#"(component
      (import "ping" (func $ping))
      (core func $ping (canon lower (func $ping)))
      (core module $m
        (import "" "ping" (func $ping))
        (memory (export "mem") 1)
        (func (export "realloc") (param i32 i32 i32 i32) (result i32)
          (call $ping)
          (i32.const 64))
        (func (export "len") (param i32 i32) (result i32) (local.get 1)))
      (core instance $m (instantiate $m (with "" (instance (export "ping" (func $ping))))))
      (func (export "len") (param "s" string) (result u32)
        (canon lift (core func $m "len") (memory $m "mem") (realloc (func $m "realloc"))))
    )"#,
    );
    let mut linker = Linker::<()>::new(&engine);
    linker.root().func_new("ping", |_, _, _| Ok(())).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let err = call1(&mut store, &instance, "len", &[Val::String("abc".into())]).unwrap_err();
    assert!(
        err.to_string().contains("cannot leave component instance"),
        "{err}"
    );
}

/// Host functions with Rust types, checked against the import, and typed
/// calls of exports.
#[test]
fn typed_host_functions_and_calls() {
    let engine = Engine::default();
    let component = load(&engine, &host_calls_component());
    let mut linker = Linker::<Vec<String>>::new(&engine);
    let mut root = linker.root();
    root.func_wrap("host-add", |_store, (a, b): (u32, u32)| {
        Ok(a.wrapping_add(b))
    })
    .unwrap();
    root.func_wrap(
        "log",
        |store: &mut Store<Vec<String>>, (message,): (String,)| {
            store.data_mut().push(message);
            Ok(())
        },
    )
    .unwrap();
    root.instance("demo:strings/ops@0.1.0")
        .unwrap()
        .func_wrap("concat", |_store, (a, b): (String, String)| Ok(a + &b))
        .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let run = instance
        .get_func(&store, "run")
        .unwrap()
        .typed::<(u32,), u32>(&store)
        .unwrap();
    assert_eq!(run.call(&mut store, (9,)).unwrap(), 10);
    assert_eq!(store.data(), &["hi from guest".to_string()]);
    let concat = instance
        .get_func(&store, "concat")
        .unwrap()
        .typed::<(String, String), String>(&store)
        .unwrap();
    assert_eq!(
        concat.call(&mut store, ("a".into(), "b".into())).unwrap(),
        "ab"
    );
    assert!(
        instance
            .get_func(&store, "run")
            .unwrap()
            .typed::<(String,), u32>(&store)
            .is_err()
    );

    let mut wrong = Linker::<()>::new(&engine);
    wrong
        .root()
        .func_wrap("host-add", |_store, (a,): (u64,)| Ok(a))
        .unwrap();
    wrong.root().func_new("log", |_, _, _| Ok(())).unwrap();
    wrong
        .root()
        .instance("demo:strings/ops@0.1.0")
        .unwrap()
        .func_new("concat", |_, _, _| Ok(()))
        .unwrap();
    let err = wrong
        .instantiate(&mut Store::new(&engine, ()), &component)
        .err()
        .unwrap();
    let Error::Link(message) = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("host-add") && message.contains("wrong type"),
        "{message}"
    );
}

/// Outer aliases reach the enclosing component's modules and types; the
/// component's start function runs during instantiation.
#[test]
fn outer_aliases_and_start_functions() {
    let engine = Engine::default();
    let component = load(
        &engine,
        r#"(component $outer
      (import "started" (func $started))
      (core module $m (func (export "f") (result i32) (i32.const 7)))
      (type $ty (func (result u32)))
      (component $inner
        (alias outer $outer $m (core module $m))
        (alias outer $outer $ty (type $ty))
        (core instance $i (instantiate $m))
        (func (export "f") (type $ty) (canon lift (core func $i "f"))))
      (instance $x (instantiate $inner))
      (alias export $x "f" (func $f))
      (export "f" (func $f))
      (core func $started (canon lower (func $started)))
      (core module $s (import "" "started" (func $started)) (func (export "go") (call $started)))
      (core instance $s (instantiate $s (with "" (instance (export "started" (func $started))))))
      (func $go (canon lift (core func $s "go")))
      (start $go)
    )"#,
    );
    let mut linker = Linker::<u32>::new(&engine);
    linker
        .root()
        .func_new("started", |store, _, _| {
            *store.data_mut() += 1;
            Ok(())
        })
        .unwrap();
    let mut store = Store::new(&engine, 0);
    let instance = linker.instantiate(&mut store, &component).unwrap();
    assert_eq!(*store.data(), 1, "the start function ran once");
    assert_eq!(call1(&mut store, &instance, "f", &[]).unwrap(), Val::U32(7));
}

/// An interface import is satisfied by a semver-compatible version.
#[test]
fn versioned_imports_match_compatible_versions() {
    let engine = Engine::default();
    let component = load(
        &engine,
        r#"(component
      (import "demo:x/api@0.2.3" (instance $api (export "f" (func (result u32)))))
      (alias export $api "f" (func $f))
      (core func $f_lowered (canon lower (func $f)))
      (core module $m
        (import "api" "f" (func $f (result i32)))
        (export "f" (func $f)))
      (core instance $i (instantiate $m (with "api" (instance (export "f" (func $f_lowered))))))
      (func (export "f") (result u32) (canon lift (core func $i "f")))
    )"#,
    );
    let mut store = Store::new(&engine, ());
    for (defined, compatible) in [
        ("demo:x/api@0.2.0", true),
        ("demo:x/api@0.3.0", false),
        ("demo:x/api", false),
    ] {
        let mut linker = Linker::<()>::new(&engine);
        linker
            .root()
            .instance(defined)
            .unwrap()
            .func_wrap("f", |_, (): ()| Ok(7u32))
            .unwrap();
        let instance = linker.instantiate(&mut store, &component);
        assert_eq!(instance.is_ok(), compatible, "{defined}");
        if let Ok(instance) = instance {
            assert_eq!(call1(&mut store, &instance, "f", &[]).unwrap(), Val::U32(7));
        }
    }
}
