//! The typed API for records, variants, enums and flags: derived and
//! `flags!` types passed host -> guest (`get_typed_func`) and guest -> host
//! (`func_wrap`) through a hand-written component whose exports forward
//! their argument to the host import of the same type, and the errors for
//! Rust types that do not match the component's.

use std::sync::{Arc, Mutex};

use myrt_canonical_abi::component::{
    Component, ComponentParams, ComponentResult, Engine, Error, Instance, Linker, LinkerInstance,
    Store,
};
use myrt_canonical_abi::{ComponentValue, flags};

/// Each `via-host-*` export passes its argument to the `host-*` import and
/// returns what the host returned. Records and variants come back through a
/// return pointer (more than one flat result).
const FORWARDING_GUEST: &str = r#"(component
  (type $point' (record (field "x" s32) (field "y-coord" s32)))
  (import "point" (type $point (eq $point')))
  (type $shape' (variant (case "circle" f64) (case "rect" $point) (case "nothing")))
  (import "shape" (type $shape (eq $shape')))
  (type $color' (enum "red" "green" "dark-blue"))
  (import "color" (type $color (eq $color')))
  (type $perms' (flags "read" "write" "exec"))
  (import "perms" (type $perms (eq $perms')))
  (import "host-point" (func $host-point (param "p" $point) (result $point)))
  (import "host-shape" (func $host-shape (param "s" $shape) (result $shape)))
  (import "host-color" (func $host-color (param "c" $color) (result $color)))
  (import "host-perms" (func $host-perms (param "f" $perms) (result $perms)))
  (core module $memory (memory (export "mem") 1))
  (core instance $memory (instantiate $memory))
  (core func $point (canon lower (func $host-point) (memory $memory "mem")))
  (core func $shape (canon lower (func $host-shape) (memory $memory "mem")))
  (core func $color (canon lower (func $host-color)))
  (core func $perms (canon lower (func $host-perms)))
  (core module $m
    (import "" "point" (func $point (param i32 i32 i32)))
    (import "" "shape" (func $shape (param i32 i64 i32 i32)))
    (import "" "color" (func $color (param i32) (result i32)))
    (import "" "perms" (func $perms (param i32) (result i32)))
    (func (export "point") (param i32 i32) (result i32)
      (call $point (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "shape") (param i32 i64 i32) (result i32)
      (call $shape (local.get 0) (local.get 1) (local.get 2) (i32.const 32))
      (i32.const 32))
    (func (export "color") (param i32) (result i32) (call $color (local.get 0)))
    (func (export "perms") (param i32) (result i32) (call $perms (local.get 0))))
  (core instance $i (instantiate $m (with "" (instance
    (export "point" (func $point)) (export "shape" (func $shape))
    (export "color" (func $color)) (export "perms" (func $perms))))))
  (func (export "via-host-point") (param "p" $point) (result $point)
    (canon lift (core func $i "point") (memory $memory "mem")))
  (func (export "via-host-shape") (param "s" $shape) (result $shape)
    (canon lift (core func $i "shape") (memory $memory "mem")))
  (func (export "via-host-color") (param "c" $color) (result $color)
    (canon lift (core func $i "color")))
  (func (export "via-host-perms") (param "f" $perms) (result $perms)
    (canon lift (core func $i "perms")))
)"#;

#[derive(ComponentValue, Clone, Copy, Debug, PartialEq)]
#[component(record)]
struct Point {
    x: i32,
    #[component(name = "y-coord")]
    y: i32,
}

#[derive(ComponentValue, Clone, Copy, Debug, PartialEq)]
#[component(variant)]
enum Shape {
    Circle(f64),
    Rect(Point),
    Nothing,
}

#[derive(ComponentValue, Clone, Copy, Debug, PartialEq)]
#[component(enum)]
enum Color {
    Red,
    Green,
    DarkBlue,
}

flags! {
    Perms {
        const READ;
        const WRITE;
        #[component(name = "exec")]
        const EXECUTE;
    }
}

/// What the host functions received, in order.
#[derive(Debug, PartialEq)]
enum Received {
    Point(Point),
    Shape(Shape),
    Color(Color),
    Perms(Perms),
}

type Log = Arc<Mutex<Vec<Received>>>;

fn load(engine: &Engine, wat: &str) -> Component {
    let bytes = wat::parse_str(wat).expect("test component parses");
    Component::new(engine, &bytes).expect("component loads")
}

/// The host side: each import logs its argument and transforms it, so the
/// result shows the host's answer came back. All but the import `except`.
fn forwarding_linker(engine: &Engine, log: &Log, except: &str) -> Linker<()> {
    let mut linker = Linker::new(engine);
    let mut root = linker.root();
    let mut define = |name: &str, define: &dyn Fn(&mut LinkerInstance<'_, ()>, &str)| {
        if name != except {
            define(&mut root, name);
        }
    };
    define("host-point", &|root, name| {
        let l = Arc::clone(log);
        root.func_wrap(name, move |_, (p,): (Point,)| {
            l.lock().unwrap().push(Received::Point(p));
            Ok(Point { x: p.y, y: p.x })
        })
        .unwrap();
    });
    define("host-shape", &|root, name| {
        let l = Arc::clone(log);
        root.func_wrap(name, move |_, (s,): (Shape,)| {
            l.lock().unwrap().push(Received::Shape(s));
            Ok(match s {
                Shape::Circle(r) => Shape::Circle(r * 2.0),
                Shape::Rect(p) => Shape::Rect(Point { x: p.y, y: p.x }),
                Shape::Nothing => Shape::Circle(0.5),
            })
        })
        .unwrap();
    });
    define("host-color", &|root, name| {
        let l = Arc::clone(log);
        root.func_wrap(name, move |_, (c,): (Color,)| {
            l.lock().unwrap().push(Received::Color(c));
            Ok(match c {
                Color::Red => Color::Green,
                Color::Green => Color::DarkBlue,
                Color::DarkBlue => Color::Red,
            })
        })
        .unwrap();
    });
    define("host-perms", &|root, name| {
        let l = Arc::clone(log);
        root.func_wrap(name, move |_, (f,): (Perms,)| {
            l.lock().unwrap().push(Received::Perms(f));
            Ok(!f)
        })
        .unwrap();
    });
    linker
}

fn forwarding_instance() -> (Store<()>, Instance, Log) {
    let engine = Engine::default();
    let component = load(&engine, FORWARDING_GUEST);
    let log = Log::default();
    let mut store = Store::new(&engine, ());
    let instance = forwarding_linker(&engine, &log, "")
        .instantiate(&mut store, &component)
        .expect("component instantiates");
    (store, instance, log)
}

/// Calls `via-host-{name}` with `value`; returns the result and what the
/// host received.
fn via_host<V: ComponentValue>(
    store: &mut Store<()>,
    instance: &Instance,
    log: &Log,
    name: &str,
    value: V,
) -> (V, Option<Received>) {
    let export = format!("via-host-{name}");
    let func = instance
        .get_typed_func::<(V,), V>(&*store, &[&export])
        .unwrap_or_else(|e| panic!("{export}: {e}"));
    let result = func
        .call(store, (value,))
        .unwrap_or_else(|e| panic!("{export}: {e}"));
    (result, log.lock().unwrap().pop())
}

#[test]
fn records_cross_both_ways() {
    let (mut store, instance, log) = forwarding_instance();
    let p = Point { x: -3, y: i32::MAX };
    assert_eq!(
        via_host(&mut store, &instance, &log, "point", p),
        (Point { x: i32::MAX, y: -3 }, Some(Received::Point(p)))
    );
}

#[test]
fn variants_cross_both_ways() {
    let (mut store, instance, log) = forwarding_instance();
    let rect = Point { x: 1, y: 2 };
    for (sent, returned) in [
        (Shape::Circle(1.25), Shape::Circle(2.5)),
        (Shape::Rect(rect), Shape::Rect(Point { x: 2, y: 1 })),
        (Shape::Nothing, Shape::Circle(0.5)),
    ] {
        assert_eq!(
            via_host(&mut store, &instance, &log, "shape", sent),
            (returned, Some(Received::Shape(sent)))
        );
    }
}

#[test]
fn enums_cross_both_ways() {
    let (mut store, instance, log) = forwarding_instance();
    for (sent, returned) in [
        (Color::Red, Color::Green),
        (Color::Green, Color::DarkBlue),
        (Color::DarkBlue, Color::Red),
    ] {
        assert_eq!(
            via_host(&mut store, &instance, &log, "color", sent),
            (returned, Some(Received::Color(sent)))
        );
    }
}

#[test]
fn flags_cross_both_ways() {
    let (mut store, instance, log) = forwarding_instance();
    for sent in [Perms::empty(), Perms::READ | Perms::EXECUTE, Perms::all()] {
        assert_eq!(
            via_host(&mut store, &instance, &log, "perms", sent),
            (!sent, Some(Received::Perms(sent)))
        );
    }
}

#[test]
fn flags_have_bit_operations_and_labels() {
    assert_eq!(Perms::LABELS, ["read", "write", "exec"]);
    assert_eq!(Perms::READ.bits(), 1);
    assert_eq!(Perms::EXECUTE.bits(), 4);
    let mut rw = Perms::READ;
    rw |= Perms::WRITE;
    assert!(rw.contains(Perms::WRITE) && !rw.contains(Perms::all()));
    assert_eq!(rw & Perms::WRITE, Perms::WRITE);
    assert_eq!(rw ^ Perms::all(), Perms::EXECUTE);
    assert_eq!(rw - Perms::READ, Perms::WRITE);
    assert_eq!(!Perms::all(), Perms::empty());
    assert_eq!(Perms::from_bits_truncate(0xff), Perms::all());
    assert!(Perms::default().is_empty());
    assert_eq!(
        format!("{:?}", Perms::READ | Perms::EXECUTE),
        "Perms(READ | EXECUTE)"
    );
}

/// A component needs a label of every flag, in order: a 32-label flags
/// type uses every bit.
#[test]
fn flags_may_have_32_labels() {
    flags! {
        Wide {
            const F0; const F1; const F2; const F3; const F4; const F5; const F6; const F7;
            const F8; const F9; const F10; const F11; const F12; const F13; const F14; const F15;
            const F16; const F17; const F18; const F19; const F20; const F21; const F22; const F23;
            const F24; const F25; const F26; const F27; const F28; const F29; const F30; const F31;
        }
    }
    assert_eq!(Wide::all().bits(), u32::MAX);
    assert_eq!(Wide::F31.bits(), 1 << 31);
    assert_eq!(Wide::LABELS[31], "f31");
}

// Rust types that resemble the component's but differ in a name or a type.

#[derive(ComponentValue, Clone, Copy, Debug, PartialEq)]
#[component(record)]
struct PlainPoint {
    x: i32,
    y: i32,
}

#[derive(ComponentValue, Clone, Copy, Debug, PartialEq)]
#[component(variant)]
enum FloatShape {
    Circle(f32),
    Rect(Point),
    Nothing,
}

#[derive(ComponentValue, Clone, Copy, Debug, PartialEq)]
#[component(enum)]
enum Rgb {
    Red,
    Green,
    Blue,
}

flags! {
    Rwx {
        const READ;
        const WRITE;
        const EXECUTE;
    }
}

fn typed_error<P: ComponentParams, R: ComponentResult>(name: &str) -> String {
    let (store, instance, _) = forwarding_instance();
    match instance.get_typed_func::<P, R>(&store, &[name]) {
        Ok(_) => panic!("{name}: a mismatched typed function was accepted"),
        Err(err) => err.to_string(),
    }
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "`{part}` missing from: {message}");
    }
}

#[test]
fn typed_calls_reject_mismatched_names_and_types() {
    assert_mentions(
        &typed_error::<(PlainPoint,), Point>("via-host-point"),
        &[
            "function `via-host-point`",
            "parameter `p`",
            "`y`",
            "`y-coord`",
            "PlainPoint",
        ],
    );
    assert_mentions(
        &typed_error::<(Point,), PlainPoint>("via-host-point"),
        &["function `via-host-point`", "result", "PlainPoint"],
    );
    assert_mentions(
        &typed_error::<(FloatShape,), FloatShape>("via-host-shape"),
        &[
            "parameter `s`",
            "case `circle` of `FloatShape`",
            "expected F32, found F64",
        ],
    );
    assert_mentions(
        &typed_error::<(Rgb,), Rgb>("via-host-color"),
        &["parameter `c`", "`blue`", "`dark-blue`", "Rgb"],
    );
    assert_mentions(
        &typed_error::<(Rwx,), Rwx>("via-host-perms"),
        &["parameter `f`", "`execute`", "`exec`", "Rwx"],
    );
    assert_mentions(
        &typed_error::<(Color,), Color>("via-host-perms"),
        &["parameter `f`", "an enum (Rust `Color`)", "Flags"],
    );
    assert_mentions(
        &typed_error::<(Point, u32), Point>("via-host-point"),
        &[
            "function `via-host-point`",
            "expected 2 parameters, found 1",
        ],
    );
}

#[test]
fn typed_host_functions_reject_mismatched_imports() {
    let engine = Engine::default();
    let component = load(&engine, FORWARDING_GUEST);
    let log = Log::default();
    let instantiate = |linker: &Linker<()>| {
        let mut store = Store::new(&engine, ());
        match linker.instantiate(&mut store, &component) {
            Ok(_) => panic!("a mismatched typed host function was accepted"),
            Err(Error::Link(message)) => message,
            Err(other) => panic!("not a link error: {other}"),
        }
    };

    // Every import right but one, defined with a lookalike Rust type.
    let mut wrong = forwarding_linker(&engine, &log, "host-color");
    wrong
        .root()
        .func_wrap("host-color", |_, (c,): (Rgb,)| Ok(c))
        .unwrap();
    assert_mentions(
        &instantiate(&wrong),
        &[
            "import `host-color` has the wrong type",
            "parameter `c`",
            "`blue`",
            "`dark-blue`",
        ],
    );
    let mut wrong = forwarding_linker(&engine, &log, "host-point");
    wrong
        .root()
        .func_wrap("host-point", |_, (p,): (Point,)| {
            Ok(PlainPoint { x: p.x, y: p.y })
        })
        .unwrap();
    assert_mentions(
        &instantiate(&wrong),
        &[
            "import `host-point` has the wrong type",
            "result",
            "PlainPoint",
            "`y-coord`",
        ],
    );
    let mut wrong = forwarding_linker(&engine, &log, "host-perms");
    wrong
        .root()
        .func_wrap("host-perms", |_, (f, _): (Perms, u8)| Ok(f))
        .unwrap();
    assert_mentions(
        &instantiate(&wrong),
        &[
            "import `host-perms` has the wrong type",
            "expected 2 parameters, found 1",
        ],
    );
}

/// WIT results without an ok and/or err type: each export forwards its
/// argument to the host import of the same type.
const RESULTS_GUEST: &str = r#"(component
  (import "host-no-ok" (func $host-no-ok (param "r" (result (error u32))) (result (result (error u32)))))
  (import "host-no-err" (func $host-no-err (param "r" (result u32)) (result (result u32))))
  (import "host-bare" (func $host-bare (param "r" (result)) (result (result))))
  (core module $memory (memory (export "mem") 1))
  (core instance $memory (instantiate $memory))
  (core func $no-ok (canon lower (func $host-no-ok) (memory $memory "mem")))
  (core func $no-err (canon lower (func $host-no-err) (memory $memory "mem")))
  (core func $bare (canon lower (func $host-bare)))
  (core module $m
    (import "" "no-ok" (func $no-ok (param i32 i32 i32)))
    (import "" "no-err" (func $no-err (param i32 i32 i32)))
    (import "" "bare" (func $bare (param i32) (result i32)))
    (func (export "no-ok") (param i32 i32) (result i32)
      (call $no-ok (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "no-err") (param i32 i32) (result i32)
      (call $no-err (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "bare") (param i32) (result i32) (call $bare (local.get 0))))
  (core instance $i (instantiate $m (with "" (instance
    (export "no-ok" (func $no-ok)) (export "no-err" (func $no-err)) (export "bare" (func $bare))))))
  (func (export "via-host-no-ok") (param "r" (result (error u32))) (result (result (error u32)))
    (canon lift (core func $i "no-ok") (memory $memory "mem")))
  (func (export "via-host-no-err") (param "r" (result u32)) (result (result u32))
    (canon lift (core func $i "no-err") (memory $memory "mem")))
  (func (export "via-host-bare") (param "r" (result)) (result (result))
    (canon lift (core func $i "bare")))
)"#;

fn results_instance() -> (Store<()>, Instance) {
    let engine = Engine::default();
    let component = load(&engine, RESULTS_GUEST);
    let mut linker = Linker::new(&engine);
    let mut root = linker.root();
    root.func_wrap("host-no-ok", |_, (r,): (Result<(), u32>,)| {
        Ok(match r {
            Ok(()) => Err(7),
            Err(0) => Ok(()),
            Err(e) => Err(e + 1),
        })
    })
    .unwrap();
    root.func_wrap("host-no-err", |_, (r,): (Result<u32, ()>,)| {
        Ok(match r {
            Ok(0) => Err(()),
            Ok(x) => Ok(x * 2),
            Err(()) => Ok(1),
        })
    })
    .unwrap();
    root.func_wrap("host-bare", |_, (r,): (Result<(), ()>,)| {
        Ok(match r {
            Ok(()) => Err(()),
            Err(()) => Ok(()),
        })
    })
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("component instantiates");
    (store, instance)
}

fn round_trip<V: ComponentValue>(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    value: V,
) -> V {
    let export = format!("via-host-{name}");
    instance
        .get_typed_func::<(V,), V>(&*store, &[&export])
        .unwrap_or_else(|e| panic!("{export}: {e}"))
        .call(store, (value,))
        .unwrap_or_else(|e| panic!("{export}: {e}"))
}

#[test]
fn results_without_payloads_cross_both_ways() {
    let (mut store, instance) = results_instance();
    let mut no_ok = |r: Result<(), u32>| round_trip(&mut store, &instance, "no-ok", r);
    assert_eq!(no_ok(Ok(())), Err(7));
    assert_eq!(no_ok(Err(0)), Ok(()));
    assert_eq!(no_ok(Err(41)), Err(42));
    let mut no_err = |r: Result<u32, ()>| round_trip(&mut store, &instance, "no-err", r);
    assert_eq!(no_err(Ok(21)), Ok(42));
    assert_eq!(no_err(Ok(0)), Err(()));
    assert_eq!(no_err(Err(())), Ok(1));
    let mut bare = |r: Result<(), ()>| round_trip(&mut store, &instance, "bare", r);
    assert_eq!(bare(Ok(())), Err(()));
    assert_eq!(bare(Err(())), Ok(()));
}

#[test]
fn result_payloads_must_match() {
    let (store, instance) = results_instance();
    let error = |name: &str, check: &dyn Fn(&Instance, &str) -> Option<Error>| {
        check(&instance, name)
            .unwrap_or_else(|| panic!("{name}: a mismatched typed function was accepted"))
            .to_string()
    };
    assert_mentions(
        &error("via-host-no-ok", &|i, name| {
            i.get_typed_func::<(Result<u32, u32>,), Result<u32, u32>>(&store, &[name])
                .err()
        }),
        &[
            "function `via-host-no-ok`",
            "parameter `r`",
            "result ok payload",
            "expected a value of Rust type `u32`, found none",
        ],
    );
    assert_mentions(
        &error("via-host-no-err", &|i, name| {
            i.get_typed_func::<(Result<(), ()>,), Result<u32, ()>>(&store, &[name])
                .err()
        }),
        &[
            "parameter `r`",
            "result ok payload",
            "expected none, found U32",
        ],
    );
    assert_mentions(
        &error("via-host-bare", &|i, name| {
            i.get_typed_func::<(Result<(), ()>,), Option<u32>>(&store, &[name])
                .err()
        }),
        &["function `via-host-bare`", "result", "an option"],
    );
}

/// `Func::typed` names the function by the export path it was looked up by.
#[test]
fn typed_views_of_looked_up_functions_name_them() {
    let (store, instance, _) = forwarding_instance();
    let func = instance
        .get_func(&store, "via-host-color")
        .expect("exported");
    let err = func
        .typed::<(u32,), u32>(&store)
        .err()
        .expect("wrong types");
    assert_mentions(
        &err.to_string(),
        &["function `via-host-color`", "parameter `c`", "U32"],
    );
}
