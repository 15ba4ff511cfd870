//! Traps inside lifted calls (with wasm backtraces), Canonical ABI traps,
//! and link errors.

use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{Component, Engine, Error, Linker, ResourceType, Store};

fn load(engine: &Engine, wat: &str) -> Component {
    let bytes = wat::parse_str(wat).expect("test component parses");
    Component::new(engine, &bytes).expect("component loads")
}

const TRAPPING: &str = r#"(component
  (core module $m
    (memory (export "mem") 1)
    (func $deep (unreachable))
    (func $middle (call $deep))
    (func (export "boom") (param i32) (result i32) (call $middle) (local.get 0))
    ;; returns a string that runs past the end of memory
    (func (export "bad-string") (result i32)
      (i32.store (i32.const 0) (i32.const 65530))
      (i32.store (i32.const 4) (i32.const 100))
      (i32.const 0))
    (func (export "bad-char") (result i32) (i32.const 0xD800)))
  (core instance $i (instantiate $m))
  (func (export "boom") (param "x" u32) (result u32) (canon lift (core func $i "boom")))
  (func (export "bad-string") (result string) (canon lift (core func $i "bad-string") (memory $i "mem")))
  (func (export "bad-char") (result char) (canon lift (core func $i "bad-char")))
)"#;

#[test]
fn traps_in_core_code_carry_a_backtrace() {
    let engine = Engine::default();
    let component = load(&engine, TRAPPING);
    let mut store = Store::new(&engine, ());
    let instance = Linker::<()>::new(&engine)
        .instantiate(&mut store, &component)
        .unwrap();
    let boom = instance.get_func(&store, "boom").unwrap();
    let err = boom
        .call(&mut store, &[Val::U32(1)], &mut [Val::Bool(false)])
        .unwrap_err();
    let Error::Trap(trap) = &err else {
        panic!("not a core trap: {err:?}")
    };
    assert_eq!(trap.code, myrt_interp::TrapCode::Unreachable);
    assert!(err.backtrace().len() >= 3, "{err}");
    assert!(err.to_string().contains("wasm backtrace"), "{err}");
    // A trap poisons the instance: it cannot be entered again.
    let err = boom
        .call(&mut store, &[Val::U32(1)], &mut [Val::Bool(false)])
        .unwrap_err();
    assert!(
        err.to_string().contains("cannot enter component instance"),
        "{err}"
    );
}

#[test]
fn bad_guest_values_trap_in_the_canonical_abi() {
    let engine = Engine::default();
    let component = load(&engine, TRAPPING);
    let mut store = Store::new(&engine, ());
    for (name, message) in [
        ("bad-string", "out of bounds"),
        ("bad-char", "Unicode scalar value"),
    ] {
        // A fresh instance each time: a trap poisons the instance.
        let instance = Linker::<()>::new(&engine)
            .instantiate(&mut store, &component)
            .unwrap();
        let f = instance.get_func(&store, name).unwrap();
        let err = f
            .call(&mut store, &[], &mut [Val::Bool(false)])
            .unwrap_err();
        assert!(
            matches!(&err, Error::Abi(myrt_canonical_abi::Error::Trap(m)) if m.contains(message)),
            "{name}: {err:?}"
        );
    }
}

const IMPORTER: &str = r#"(component
  (import "f" (func (param "x" u32)))
  (import "iface" (instance
    (export "g" (func (result string)))
    (export "res" (type (sub resource)))))
)"#;

#[test]
fn missing_imports_are_named() {
    let engine = Engine::default();
    let component = load(&engine, IMPORTER);
    let mut store = Store::new(&engine, ());
    let err = Linker::<()>::new(&engine)
        .instantiate(&mut store, &component)
        .err()
        .unwrap();
    let Error::Link(message) = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("`f`") && message.contains("a func"),
        "{message}"
    );

    let mut linker = Linker::<()>::new(&engine);
    linker.root().func_new("f", |_, _, _| Ok(())).unwrap();
    linker
        .root()
        .instance("iface")
        .unwrap()
        .func_new("g", |_, _, _| Ok(()))
        .unwrap();
    let err = linker.instantiate(&mut store, &component).err().unwrap();
    let Error::Link(message) = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("iface") && message.contains("`res`") && message.contains("resource"),
        "{message}"
    );

    linker
        .root()
        .instance("iface")
        .unwrap()
        .resource("res", ResourceType::host(), |_, _| Ok(()))
        .unwrap();
    linker
        .instantiate(&mut store, &component)
        .expect("all imports defined");
}

#[test]
fn imports_of_the_wrong_kind_or_type_are_rejected() {
    let engine = Engine::default();
    let component = load(&engine, IMPORTER);
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::<()>::new(&engine);
    linker.root().instance("f").unwrap();
    let err = linker.instantiate(&mut store, &component).err().unwrap();
    let Error::Link(message) = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("expected a func, found an instance"),
        "{message}"
    );

    // A component function of the wrong type, from another instance.
    let provider = load(
        &engine,
        r#"(component
      (core module $m (func (export "f") (param i32 i32)))
      (core instance $i (instantiate $m))
      (core module $mem (memory (export "mem") 1) (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0)))
      (core instance $mem (instantiate $mem))
      (func (export "f") (param "x" string)
        (canon lift (core func $i "f") (memory $mem "mem") (realloc (func $mem "realloc"))))
    )"#,
    );
    let consumer = load(
        &engine,
        r#"(component (import "dep" (instance (export "f" (func (param "x" u32))))))"#,
    );
    let mut linker = Linker::<()>::new(&engine);
    let provided = linker.instantiate(&mut store, &provider).unwrap();
    linker.define_instance("dep", provided).unwrap();
    let err = linker.instantiate(&mut store, &consumer).err().unwrap();
    let Error::Link(message) = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("wrong type") && message.contains("U32") && message.contains("String"),
        "{message}"
    );
}

/// The validator runs when a component is loaded.
#[test]
fn invalid_components_are_rejected_on_load() {
    let nested = r#"(component
      (component $needs-u32
        (import "f" (func (param "x" u32))))
      (core module $m (func (export "f") (param i32 i32)))
      (core instance $i (instantiate $m))
      (core module $mem (memory (export "mem") 1) (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 0)))
      (core instance $mem (instantiate $mem))
      (func $takes-string (param "x" string)
        (canon lift (core func $i "f") (memory $mem "mem") (realloc (func $mem "realloc"))))
      (instance (instantiate $needs-u32 (with "f" (func $takes-string))))
    )"#;
    let bytes = wat::parse_str(nested).unwrap();
    let err = Component::new(&Engine::default(), &bytes).err().unwrap();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
}

/// A validation error points at the failing definition, not at the start of
/// the component holding it, also inside a nested component.
#[test]
fn validation_errors_carry_the_offset_of_the_failing_definition() {
    let engine = Engine::default();
    // The export of a function that does not exist is the last definition
    // (no `$names`, so no name section follows it).
    let bytes = wat::parse_str(
        r#"(component
          (core module (func (export "f")) (memory 1) (data (i32.const 0) "padding padding"))
          (type (func (param "x" u32)))
          (export "g" (func 7)))"#,
    )
    .unwrap();
    let err = Component::new(&engine, &bytes).err().unwrap();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    let offset = err.offset().unwrap();
    let export_item = bytes.len() - 8;
    assert!(
        (export_item..bytes.len()).contains(&offset),
        "offset {offset:#x} should be in the export section item at the end (binary of {:#x} bytes): {err}",
        bytes.len()
    );
    assert!(err.to_string().contains(&format!("{offset:#x}")), "{err}");

    // The same mistake in a nested component: the offset is inside it.
    let nested = wat::parse_str(
        r#"(component
          (core module (func (export "f")))
          (component
            (type (func))
            (export "g" (func 3)))
          (instance (instantiate 0)))"#,
    )
    .unwrap();
    let err = Component::new(&engine, &nested).err().unwrap();
    let offset = err.offset().unwrap();
    let inner_start = nested
        .windows(4)
        .skip(8)
        .position(|w| w == b"\0asm")
        .map(|p| p + 8)
        .expect("the nested component's header");
    assert!(
        offset > inner_start + 8,
        "offset {offset:#x}, nested component at {inner_start:#x}: {err}"
    );
}

/// An invalid function body in a nested core module: the offset is the
/// operator's, in the outermost binary.
#[test]
fn errors_in_nested_core_modules_point_into_the_module() {
    let bytes = wat::parse_str(
        r#"(component
          (type (func))
          (core module
            (memory 1)
            (func (export "ok") (result i32) (i32.const 1))
            (func (export "bad") (result i32) (i64.const 1))))"#,
    )
    .unwrap();
    let err = Component::new(&Engine::default(), &bytes).err().unwrap();
    let offset = err.offset().unwrap();
    let i64_const = bytes
        .windows(2)
        .rposition(|w| w == [0x42, 0x01])
        .expect("the i64.const 1 of the bad body");
    assert!(
        (i64_const..i64_const + 4).contains(&offset),
        "offset {offset:#x}, i64.const at {i64_const:#x}: {err}"
    );
}

#[test]
fn malformed_components_give_the_offset_of_the_bad_byte() {
    let engine = Engine::default();
    // A valid header, then a section id no component has.
    let err = Component::new(&engine, b"\0asm\x0d\0\x01\0\xff\x00")
        .err()
        .unwrap();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert_eq!(err.offset(), Some(8), "{err}");
}

/// No host can provide or instantiate a component, so a root-level
/// component import or export is refused on load, as wasmtime does; nested
/// components may still import and export components.
#[test]
fn root_level_component_imports_and_exports_are_refused() {
    let engine = Engine::default();
    for (wat, message) in [
        (
            r#"(component (import "x" (component)))"#,
            "root-level component imports are not supported",
        ),
        (
            r#"(component (component (export "x")))"#,
            "exporting a component from the root component is not supported",
        ),
    ] {
        let err = Component::new(&engine, &wat::parse_str(wat).unwrap())
            .err()
            .unwrap();
        assert!(err.to_string().contains(message), "{err}");
    }
    let nested = r#"(component
      (component $outer
        (import "c" (component $c))
        (export "again" (component $c))))"#;
    Component::new(&engine, &wat::parse_str(nested).unwrap()).expect("nested use is fine");
}

/// wasmtime refuses a root export that is, or holds, a function the host
/// provides: myrt does the same, so that a component loads in both or in
/// neither. Every way of passing an import through is followed: aliases,
/// exports, instances built from exports, imported instances re-exported,
/// nested components forwarding their imports (also through a component
/// taken by an outer alias).
#[test]
fn root_reexports_of_imported_functions_are_refused() {
    let engine = Engine::default();
    for (wat, export) in [
        (
            r#"(component (import "f" (func $f)) (export "x" (func $f)))"#,
            "x",
        ),
        (
            r#"(component
             (import "i" (instance $i (export "g" (func))))
             (alias export $i "g" (func $g))
             (export "g" (func $g)))"#,
            "g",
        ),
        (
            r#"(component
             (import "f" (func $f))
             (export $e "e" (func $f))
             (export "again" (func $e)))"#,
            "e",
        ),
        (
            r#"(component
             (import "i" (instance $i (export "t" (type (sub resource))) (export "g" (func))))
             (export "i" (instance $i)))"#,
            "i.g",
        ),
        (
            r#"(component
             (import "f" (func $f))
             (instance $inner (export "h" (func $f)))
             (instance $i (export "inner" (instance $inner)))
             (export "i" (instance $i)))"#,
            "i.inner.h",
        ),
        (
            r#"(component
             (import "f" (func $f))
             (component $c
               (import "f" (func $f))
               (export "g" (func $f)))
             (instance $c (instantiate $c (with "f" (func $f))))
             (export "g" (func $c "g")))"#,
            "g",
        ),
        (
            r#"(component
             (import "f" (func $f))
             (component $forward
               (import "f" (func $f))
               (export "g" (func $f)))
             (component $outer
               (import "f" (func $f))
               (alias outer 1 $forward (component $forward))
               (instance $c (instantiate $forward (with "f" (func $f))))
               (export "c" (instance $c)))
             (instance $o (instantiate $outer (with "f" (func $f))))
             (export "o" (instance $o)))"#,
            "o.c.g",
        ),
    ] {
        let err = Component::new(&engine, &wat::parse_str(wat).unwrap())
            .err()
            .unwrap_or_else(|| panic!("a re-exported import is refused: {wat}"));
        let expected = format!(
            "component export `{export}` is a reexport of an imported function which is not implemented"
        );
        assert!(err.to_string().contains(&expected), "{err}");
    }
    // Imports used inside the component, forwarded between nested
    // components, or re-exported as instances without functions are fine.
    for wat in [
        r#"(component
          (import "f" (func $f))
          (component $c
            (import "f" (func $f))
            (export "f" (func $f)))
          (instance (instantiate $c (with "f" (func $f)))))"#,
        r#"(component
          (import "i" (instance $i (export "t" (type (sub resource)))))
          (import "j" (instance $j (export "k" (instance))))
          (export "i" (instance $i))
          (export "j" (instance $j)))"#,
        r#"(component
          (import "f" (func $f (result u32)))
          (core func $lowered (canon lower (func $f)))
          (core module $m
            (import "" "f" (func $f (result i32)))
            (export "f" (func $f)))
          (core instance $i (instantiate $m (with "" (instance (export "f" (func $lowered))))))
          (func $lifted (result u32) (canon lift (core func $i "f")))
          (component $c
            (import "f" (func $f (result u32)))
            (export "g" (func $f)))
          (instance $c (instantiate $c (with "f" (func $lifted))))
          (export "g" (func $c "g")))"#,
    ] {
        Component::new(&engine, &wat::parse_str(wat).unwrap())
            .unwrap_or_else(|err| panic!("{err}: {wat}"));
    }
}

#[test]
fn linker_names_are_defined_once() {
    let engine = Engine::default();
    let mut linker = Linker::<()>::new(&engine);
    linker.root().func_new("f", |_, _, _| Ok(())).unwrap();
    assert!(matches!(
        linker.root().func_new("f", |_, _, _| Ok(())),
        Err(Error::Link(_))
    ));
    assert!(linker.root().instance("f").is_err());
}

#[test]
fn malformed_components_are_decode_errors() {
    let engine = Engine::default();
    assert!(matches!(
        Component::new(&engine, b"\0asm\x0d\0\x01\0\xff"),
        Err(Error::Decode(_))
    ));
}

/// A parent calling into its child, and a child calling its parent, are
/// recursive reentrance (`call_might_be_recursive`); siblings may call
/// each other.
const FAMILY: &str = r#"(component
  (core module $leaf (func (export "f")))
  (core instance $leaf (instantiate $leaf))
  (func $parent-f (canon lift (core func $leaf "f")))

  (component $callee
    (core module $m (func (export "f")))
    (core instance $i (instantiate $m))
    (func (export "f") (canon lift (core func $i "f"))))
  (component $caller
    (import "f" (func $f))
    (core func $f' (canon lower (func $f)))
    (core module $m
      (import "" "f" (func $f))
      (func (export "g") (call $f)))
    (core instance $i (instantiate $m (with "" (instance (export "f" (func $f'))))))
    (func (export "g") (canon lift (core func $i "g"))))

  (instance $callee (instantiate $callee))
  (instance $sibling (instantiate $caller (with "f" (func $callee "f"))))
  (instance $child (instantiate $caller (with "f" (func $parent-f))))

  (core func $callee-f (canon lower (func $callee "f")))
  (core module $outer
    (import "" "f" (func $f))
    (func (export "g") (call $f)))
  (core instance $outer (instantiate $outer (with "" (instance (export "f" (func $callee-f))))))
  (func (export "parent-to-child") (canon lift (core func $outer "g")))
  (export "child-to-parent" (func $child "g"))
  (export "sibling" (func $sibling "g"))
)"#;

#[test]
fn calls_between_an_instance_and_its_ancestors_trap() {
    let engine = Engine::default();
    let component = load(&engine, FAMILY);
    let mut store = Store::new(&engine, ());
    for (name, traps) in [
        ("sibling", false),
        ("parent-to-child", true),
        ("child-to-parent", true),
    ] {
        // A fresh instance each time: a trap poisons the instance.
        let instance = Linker::<()>::new(&engine)
            .instantiate(&mut store, &component)
            .unwrap();
        let f = instance.get_func(&store, name).unwrap();
        let result = f.call(&mut store, &[], &mut []);
        match result {
            Err(err) if traps => assert!(
                err.is_trap() && err.to_string().contains("cannot enter component instance"),
                "{name}: {err}"
            ),
            Ok(()) if !traps => {}
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn instances_that_need_nothing_link_without_a_definition() {
    let engine = Engine::default();
    let component = load(
        &engine,
        r#"(component
          (type $t u64)
          (import "empty" (instance))
          (import "nested" (instance (export "x" (instance))))
          (import "types" (instance
            (type $u u64)
            (export "a" (type $a (eq $u)))
            (export "b" (type (eq $a)))))
        )"#,
    );
    let mut store = Store::new(&engine, ());
    Linker::<()>::new(&engine)
        .instantiate(&mut store, &component)
        .expect("no import needs a definition");
}

#[test]
fn module_imports_are_checked_against_their_module_type() {
    let engine = Engine::default();
    let component = load(
        &engine,
        r#"(component
          (import "m" (core module
            (import "env" "mem" (memory 2))
            (export "f" (func (param i32)))
            (export "t" (table 1 funcref))))
        )"#,
    );
    let mut store = Store::new(&engine, ());
    let link = |store: &mut Store<()>, wat: &str| {
        let bytes = wat::parse_str(wat).expect("test module parses");
        let module = myrt_interp::Module::new(&engine, &bytes).expect("module loads");
        let mut linker = Linker::<()>::new(&engine);
        linker.root().module("m", &module).unwrap();
        linker.instantiate(store, &component).map(|_| ())
    };
    // Imports may be fewer and looser, exports more and tighter.
    link(
        &mut store,
        r#"(module (import "env" "mem" (memory 1))
             (func (export "f") (param i32)) (func (export "g"))
             (table (export "t") 2 3 funcref))"#,
    )
    .expect("a matching module links");
    for (wat, message) in [
        (
            r#"(module (table (export "t") 1 funcref))"#,
            "module export `f` not defined",
        ),
        (
            r#"(module (func (export "f")) (table (export "t") 1 funcref))"#,
            "module export `f` has the wrong type",
        ),
        (
            r#"(module (func (export "f") (param i32)) (global (export "t") i32 (i32.const 0)))"#,
            "module export `t` has the wrong type",
        ),
        (
            r#"(module (import "env" "other" (func))
                 (func (export "f") (param i32)) (table (export "t") 1 funcref))"#,
            "module import `env::other` not defined",
        ),
        (
            r#"(module (import "env" "mem" (memory 3))
                 (func (export "f") (param i32)) (table (export "t") 1 funcref))"#,
            "module import `env::mem` has the wrong type",
        ),
    ] {
        let err = link(&mut store, wat).unwrap_err();
        assert!(
            matches!(&err, Error::Link(m) if m.contains(message)),
            "{message}: {err:?}"
        );
    }
}
