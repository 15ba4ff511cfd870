//! A Rust guest built with wit-bindgen (`tests/guests/roundtrip`, world
//! `roundtrip` in its `wit/`) round-trips every component value type in both
//! directions: each export passes its argument to the host import of the same
//! type and returns what the host returned. A call from the host therefore
//! lowers into the guest, the guest lowers into the host, and both results come
//! back, through wit-bindgen's code on one side and ours on the other.
//!
//! The host's imports are given once as typed functions (`func_wrap`) and once
//! as dynamic ones (`func_new`); the exports are called through
//! `get_typed_func` and through `Func::call` with `Val`s. Every host import logs
//! what it received, so each direction is checked on its own.
//!
//! The guest is compiled to wasm32-unknown-unknown by a nested cargo and made a
//! component with wit-component; Rust guests use utf8 strings (the utf16 and
//! latin1+utf16 encodings are covered by the hand-written components of
//! `component_values.rs`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use myrt_canonical_abi::component::{
    Component, Engine, Error, Instance, Linker, LinkerInstance, ResourceType, Store,
};
use myrt_canonical_abi::{ComponentValue, Resource, Type, Val, flags};
use myrt_guest_build::{GuestBuild, outer_target_dir};

const GUEST_TARGET: &str = "wasm32-unknown-unknown";
const HOST: &str = "myrt:roundtrip/host";
const GUEST: &str = "myrt:roundtrip/guest";

/// The component, built once per test process.
fn component_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    let built = BYTES.get_or_init(|| {
        let guests_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guests");
        let target_dir = outer_target_dir()?.join("component-guests");
        let out = GuestBuild {
            guests_dir: &guests_dir,
            target: GUEST_TARGET,
            target_dir: &target_dir,
            args: &["--release", "--quiet"],
        }
        .run()?;
        let module_path = out.join("roundtrip_guest.wasm");
        let module = std::fs::read(&module_path)
            .map_err(|e| format!("cannot read {}: {e}", module_path.display()))?;
        wit_component::ComponentEncoder::default()
            .module(&module)
            .and_then(|encoder| encoder.validate(true).encode())
            .map_err(|e| format!("wrapping {} into a component: {e:#}", module_path.display()))
    });
    match built {
        Ok(bytes) => bytes,
        Err(message) => panic!("{message}"),
    }
}

/// What a host import received: a typed import's value becomes a `Val`
/// once the test has its type.
type Received = Box<dyn FnOnce(&Type) -> Val + Send>;

/// What the host saw: each import's name and argument, and the host counters.
#[derive(Default)]
struct HostState {
    received: Vec<(String, Received)>,
    /// Live host counters: rep -> value.
    counters: HashMap<u32, u32>,
    next_rep: u32,
    /// Reps whose destructor ran, in order.
    dropped: Vec<u32>,
}

type Shared = Arc<Mutex<HostState>>;

/// How the host defines its echo imports.
#[derive(Clone, Copy, Debug)]
enum HostStyle {
    Typed,
    Dynamic,
}

/// The echo imports of interface `host` that take and return a value of one
/// type, with the name of that type in `guest_roundtrip`'s WIT.
const ECHOES: [&str; 24] = [
    "bool",
    "u8",
    "s8",
    "u16",
    "s16",
    "u32",
    "s32",
    "u64",
    "s64",
    "f32",
    "f64",
    "char",
    "string",
    "list-u32",
    "list-string",
    "point",
    "tuple",
    "shape",
    "color",
    "option",
    "result",
    "small",
    "wide",
    "many",
];

fn echo_dynamic(host: &mut LinkerInstance<'_, ()>, state: &Shared, name: &str) {
    let state = Arc::clone(state);
    let import = format!("echo-{name}");
    let logged = import.clone();
    host.func_new(&import, move |_, args, results| {
        state
            .lock()
            .unwrap()
            .received
            .push((logged.clone(), received(args[0].clone())));
        results[0] = args[0].clone();
        Ok(())
    })
    .unwrap();
}

fn received(value: Val) -> Received {
    Box::new(move |_| value)
}

fn echo_typed<V: ComponentValue + Clone + Send>(
    host: &mut LinkerInstance<'_, ()>,
    state: &Shared,
    name: &str,
) {
    let state = Arc::clone(state);
    let import = format!("echo-{name}");
    let logged = import.clone();
    host.func_wrap(&import, move |_, (v,): (V,)| {
        state
            .lock()
            .unwrap()
            .received
            .push((logged.clone(), typed_received(v.clone())));
        Ok(v)
    })
    .unwrap();
}

fn typed_received<V: ComponentValue + Send>(value: V) -> Received {
    Box::new(move |ty| value.into_val(ty).expect("a received value converts back"))
}

/// Rust types for the WIT types of `types`, so typed code can use them.
#[derive(ComponentValue, Clone, Debug, PartialEq)]
#[component(record)]
struct Point {
    x: i32,
    y: i32,
    label: String,
}

#[derive(ComponentValue, Clone, Debug, PartialEq)]
#[component(variant)]
enum Shape {
    Circle(f64),
    Rect(Point),
    Group(Vec<ShapeLeaf>),
    Nothing,
}

#[derive(ComponentValue, Clone, Debug, PartialEq)]
#[component(variant)]
enum ShapeLeaf {
    Dot((u8, char)),
    Tagged(Option<Result<String, Color>>),
    None,
}

#[derive(ComponentValue, Clone, Copy, Debug, PartialEq)]
#[component(enum)]
enum Color {
    Red,
    Green,
    Blue,
}

flags! {
    Small {
        const A;
        const B;
        const C;
    }
}

flags! {
    Wide {
        const F0; const F1; const F2; const F3; const F4; const F5; const F6; const F7;
        const F8; const F9; const F10; const F11; const F12; const F13; const F14; const F15;
        const F16; const F17; const F18; const F19; const F20; const F21; const F22; const F23;
        const F24; const F25; const F26; const F27; const F28; const F29; const F30; const F31;
    }
}

#[derive(ComponentValue, Clone, Debug, PartialEq)]
#[component(record)]
struct Many {
    a: u64,
    b: u64,
    c: u64,
    d: u64,
    e: u64,
    f: u64,
    g: u64,
    h: u64,
    i: u64,
    j: u64,
    k: u64,
    l: u64,
    m: u64,
    n: u64,
    o: u64,
    p: u64,
    q: String,
}

/// The host resource `host-counter` as a Rust type.
struct HostCounter;

fn linker(engine: &Engine, style: HostStyle, state: &Shared) -> Linker<()> {
    let mut linker = Linker::<()>::new(engine);
    let mut root = linker.root();
    let mut host = root.instance(HOST).unwrap();
    match style {
        HostStyle::Dynamic => {
            for name in ECHOES {
                echo_dynamic(&mut host, state, name);
            }
        }
        HostStyle::Typed => {
            echo_typed::<bool>(&mut host, state, "bool");
            echo_typed::<u8>(&mut host, state, "u8");
            echo_typed::<i8>(&mut host, state, "s8");
            echo_typed::<u16>(&mut host, state, "u16");
            echo_typed::<i16>(&mut host, state, "s16");
            echo_typed::<u32>(&mut host, state, "u32");
            echo_typed::<i32>(&mut host, state, "s32");
            echo_typed::<u64>(&mut host, state, "u64");
            echo_typed::<i64>(&mut host, state, "s64");
            echo_typed::<f32>(&mut host, state, "f32");
            echo_typed::<f64>(&mut host, state, "f64");
            echo_typed::<char>(&mut host, state, "char");
            echo_typed::<String>(&mut host, state, "string");
            echo_typed::<Vec<u32>>(&mut host, state, "list-u32");
            echo_typed::<Vec<String>>(&mut host, state, "list-string");
            echo_typed::<Point>(&mut host, state, "point");
            echo_typed::<(u8, String, f64)>(&mut host, state, "tuple");
            echo_typed::<Shape>(&mut host, state, "shape");
            echo_typed::<Color>(&mut host, state, "color");
            echo_typed::<Option<Option<u32>>>(&mut host, state, "option");
            echo_typed::<Result<String, u16>>(&mut host, state, "result");
            echo_typed::<Small>(&mut host, state, "small");
            echo_typed::<Wide>(&mut host, state, "wide");
            echo_typed::<Many>(&mut host, state, "many");
        }
    }
    match style {
        HostStyle::Dynamic => dynamic_host_counter(&mut host, state),
        HostStyle::Typed => typed_host_counter(&mut host, state),
    }
    linker
}

fn destroy_host_counter(state: &Shared, rep: u32) {
    let mut state = state.lock().unwrap();
    state.counters.remove(&rep);
    state.dropped.push(rep);
}

fn host_counter_value(state: &Shared, rep: u32) -> Result<u32, Error> {
    let state = state.lock().unwrap();
    let value = state.counters.get(&rep);
    value
        .copied()
        .ok_or_else(|| Error::Other(format!("no host counter {rep}")))
}

/// `host-counter` through `Resource<HostCounter>` in typed host functions.
fn typed_host_counter(host: &mut LinkerInstance<'_, ()>, state: &Shared) {
    let destructor_state = Arc::clone(state);
    host.resource(
        "host-counter",
        ResourceType::of::<HostCounter>(),
        move |_, rep| {
            destroy_host_counter(&destructor_state, rep);
            Ok(())
        },
    )
    .unwrap();
    let constructor_state = Arc::clone(state);
    host.func_wrap("[constructor]host-counter", move |_, (start,): (u32,)| {
        let rep = new_host_counter(&mut constructor_state.lock().unwrap(), start);
        Ok(Resource::<HostCounter>::new_own(rep))
    })
    .unwrap();
    let method_state = Arc::clone(state);
    host.func_wrap(
        "[method]host-counter.get",
        move |_, (counter,): (Resource<HostCounter>,)| {
            assert!(!counter.owned(), "a method receives a borrow");
            host_counter_value(&method_state, counter.rep())
        },
    )
    .unwrap();
}

fn dynamic_host_counter(host: &mut LinkerInstance<'_, ()>, state: &Shared) {
    let destructor_state = Arc::clone(state);
    host.resource("host-counter", ResourceType::host(), move |_, rep| {
        destroy_host_counter(&destructor_state, rep);
        Ok(())
    })
    .unwrap();
    let constructor_state = Arc::clone(state);
    host.func_new("[constructor]host-counter", move |_, args, results| {
        let Val::U32(start) = args[0] else {
            return Err(Error::Other(format!("start: {:?}", args[0])));
        };
        let rep = new_host_counter(&mut constructor_state.lock().unwrap(), start);
        results[0] = Val::Own(rep);
        Ok(())
    })
    .unwrap();
    let method_state = Arc::clone(state);
    host.func_new("[method]host-counter.get", move |_, args, results| {
        let Val::Borrow(rep) = args[0] else {
            return Err(Error::Other(format!("self: {:?}", args[0])));
        };
        results[0] = Val::U32(host_counter_value(&method_state, rep)?);
        Ok(())
    })
    .unwrap();
}

fn new_host_counter(state: &mut HostState, start: u32) -> u32 {
    state.next_rep += 1;
    let rep = 100 + state.next_rep;
    state.counters.insert(rep, start);
    rep
}

fn instantiate(style: HostStyle) -> (Store<()>, Instance, Shared) {
    let engine = Engine::default();
    let component = Component::new(&engine, component_bytes()).expect("the guest component loads");
    let state = Shared::default();
    let linker = linker(&engine, style, &state);
    let mut store = Store::new(&engine, ());
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("the guest component instantiates");
    (store, instance, state)
}

/// Calls the guest export `name` with `Func::call`.
fn call(store: &mut Store<()>, instance: &Instance, name: &str, args: &[Val]) -> Option<Val> {
    let func = instance
        .get_func_path(&[GUEST, name])
        .unwrap_or_else(|| panic!("no export {name}"));
    let mut results = vec![Val::Bool(false); usize::from(func.ty(&*store).result.is_some())];
    func.call(store, args, &mut results)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    results.pop()
}

fn f32_nan(bits: u32) -> f32 {
    f32::from_bits(bits)
}

/// The canonical NaNs of CanonicalABI.md `canonicalize_nan32/64`.
const CANONICAL_NAN32: u32 = 0x7fc0_0000;
const CANONICAL_NAN64: u64 = 0x7ff8_0000_0000_0000;

fn non_ascii_text() -> String {
    "Grüße, 世界! Ωμέγα — 😀🦀 ĉu vi? é\u{301}".to_string()
}

fn long_text() -> String {
    "añ€😀".repeat(25_000)
}

fn big_list() -> Vec<u32> {
    (0..100_000u32)
        .map(|i| i.wrapping_mul(2_654_435_761))
        .collect()
}

fn rec(fields: &[(&str, Val)]) -> Val {
    Val::Record(
        fields
            .iter()
            .map(|(n, v)| ((*n).to_string(), v.clone()))
            .collect(),
    )
}

fn some(v: Val) -> Val {
    Val::Option(Some(Box::new(v)))
}

fn case(name: &str, payload: Option<Val>) -> Val {
    Val::Variant(name.to_string(), payload.map(Box::new))
}

fn flags(names: &[&str]) -> Val {
    Val::Flags(names.iter().map(|n| n.to_string()).collect())
}

fn wide_flags(set: impl Iterator<Item = u32>) -> Val {
    Val::Flags(set.map(|i| format!("f{i}")).collect())
}

fn many(seed: u64) -> Val {
    let mut fields: Vec<(String, Val)> = "abcdefghijklmnop"
        .chars()
        .enumerate()
        .map(|(i, n)| {
            (
                n.to_string(),
                Val::U64(seed.wrapping_mul(i as u64 + 1) ^ u64::MAX),
            )
        })
        .collect();
    fields.push(("q".into(), Val::String(non_ascii_text())));
    Val::Record(fields)
}

/// Values of every echo's type whose round trip must return them unchanged.
fn cases() -> Vec<(&'static str, Val)> {
    let point = |x, y, label: &str| {
        rec(&[
            ("x", Val::S32(x)),
            ("y", Val::S32(y)),
            ("label", Val::String(label.into())),
        ])
    };
    let leaf_tagged = |v: Option<Result<Val, Val>>| {
        case(
            "tagged",
            Some(Val::Option(v.map(|r| {
                Box::new(Val::Result(match r {
                    Ok(v) => Ok(Some(Box::new(v))),
                    Err(e) => Err(Some(Box::new(e))),
                }))
            }))),
        )
    };
    vec![
        ("bool", Val::Bool(true)),
        ("bool", Val::Bool(false)),
        ("u8", Val::U8(0)),
        ("u8", Val::U8(u8::MAX)),
        ("s8", Val::S8(i8::MIN)),
        ("s8", Val::S8(-1)),
        ("u16", Val::U16(u16::MAX)),
        ("s16", Val::S16(i16::MIN)),
        ("u32", Val::U32(u32::MAX)),
        ("s32", Val::S32(i32::MIN)),
        ("s32", Val::S32(-7)),
        ("u64", Val::U64(u64::MAX)),
        ("s64", Val::S64(i64::MIN)),
        ("f32", Val::F32(1.5)),
        ("f32", Val::F32(-0.0)),
        ("f32", Val::F32(f32::INFINITY)),
        ("f32", Val::F32(f32::MIN_POSITIVE / 2.0)),
        ("f32", Val::F32(f32_nan(CANONICAL_NAN32))),
        ("f64", Val::F64(-1.0e300)),
        ("f64", Val::F64(f64::NEG_INFINITY)),
        ("f64", Val::F64(f64::from_bits(CANONICAL_NAN64))),
        ("char", Val::Char('a')),
        ("char", Val::Char('ß')),
        ("char", Val::Char('😀')),
        ("char", Val::Char('\u{10FFFF}')),
        ("string", Val::String(String::new())),
        ("string", Val::String("hello".into())),
        ("string", Val::String(non_ascii_text())),
        ("string", Val::String(long_text())),
        ("list-u32", Val::List(vec![])),
        (
            "list-u32",
            Val::List(big_list().into_iter().map(Val::U32).collect()),
        ),
        ("list-string", Val::List(vec![])),
        (
            "list-string",
            Val::List(
                ["", "a", &non_ascii_text(), "", "😀"]
                    .iter()
                    .map(|s| Val::String(s.to_string()))
                    .collect(),
            ),
        ),
        (
            "list-string",
            Val::List(
                (0..2_000)
                    .map(|i| Val::String(format!("élément {i}")))
                    .collect(),
            ),
        ),
        ("point", point(-3, i32::MAX, "")),
        ("point", point(1, 2, &non_ascii_text())),
        (
            "tuple",
            Val::Tuple(vec![Val::U8(9), Val::String("ü".into()), Val::F64(0.25)]),
        ),
        ("shape", case("circle", Some(Val::F64(2.5)))),
        ("shape", case("rect", Some(point(0, -1, "r")))),
        ("shape", case("nothing", None)),
        ("shape", case("group", Some(Val::List(vec![])))),
        (
            "shape",
            case(
                "group",
                Some(Val::List(vec![
                    case("dot", Some(Val::Tuple(vec![Val::U8(1), Val::Char('€')]))),
                    leaf_tagged(None),
                    leaf_tagged(Some(Ok(Val::String(non_ascii_text())))),
                    leaf_tagged(Some(Err(Val::Enum("blue".into())))),
                    case("none", None),
                ])),
            ),
        ),
        ("color", Val::Enum("red".into())),
        ("color", Val::Enum("blue".into())),
        ("option", Val::Option(None)),
        ("option", some(Val::Option(None))),
        ("option", some(some(Val::U32(7)))),
        (
            "result",
            Val::Result(Ok(Some(Box::new(Val::String("ok ✓".into()))))),
        ),
        ("result", Val::Result(Err(Some(Box::new(Val::U16(404)))))),
        ("small", flags(&[])),
        ("small", flags(&["a", "c"])),
        ("small", flags(&["a", "b", "c"])),
        ("wide", wide_flags(std::iter::empty())),
        ("wide", wide_flags(0..32)),
        ("wide", wide_flags([0, 15, 16, 31].into_iter())),
        ("many", many(0)),
        ("many", many(0x0123_4567_89ab_cdef)),
    ]
}

/// The argument the host import `name` received last, as a `Val` of the
/// parameter type of the guest export of the same name (the same WIT type).
fn last_received(
    store: &Store<()>,
    state: &Shared,
    instance: &Instance,
    name: &str,
) -> Option<(String, Val)> {
    let (import, received) = state.lock().unwrap().received.pop()?;
    let func = instance
        .get_func_path(&[GUEST, name])
        .expect("the guest export");
    let ty = func.ty(store).params[0].1.clone();
    Some((import, received(&ty)))
}

/// Every value comes back unchanged, and the host received it unchanged.
fn assert_dynamic_round_trips(style: HostStyle) {
    let (mut store, instance, state) = instantiate(style);
    for (ty, value) in cases() {
        let name = format!("echo-{ty}");
        let result = call(&mut store, &instance, &name, std::slice::from_ref(&value));
        assert_eq!(
            result.as_ref(),
            Some(&value),
            "{style:?}: {name} returned another value"
        );
        assert_eq!(
            last_received(&store, &state, &instance, &name),
            Some((name.clone(), value)),
            "{style:?}: the host import {name} received another value"
        );
    }
}

#[test]
fn every_value_type_round_trips_through_dynamic_calls_and_dynamic_host_functions() {
    assert_dynamic_round_trips(HostStyle::Dynamic);
}

#[test]
fn every_value_type_round_trips_through_dynamic_calls_and_typed_host_functions() {
    assert_dynamic_round_trips(HostStyle::Typed);
}

fn typed_round_trip<V: ComponentValue + Clone + PartialEq + std::fmt::Debug>(
    store: &mut Store<()>,
    instance: &Instance,
    ty: &str,
    value: V,
) -> V {
    let name = format!("echo-{ty}");
    let func = instance
        .get_typed_func::<(V,), V>(&*store, &[GUEST, &name])
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    func.call(store, (value,))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

macro_rules! assert_typed_round_trips {
    ($store:expr, $instance:expr, $($ty:literal => $value:expr),* $(,)?) => {$(
        let value = $value;
        assert_eq!(
            typed_round_trip(&mut $store, &$instance, $ty, value.clone()),
            value,
            "echo-{}", $ty
        );
    )*};
}

#[test]
fn typed_calls_round_trip_through_typed_host_functions() {
    let (mut store, instance, _) = instantiate(HostStyle::Typed);
    assert_typed_round_trips!(store, instance,
        "bool" => true,
        "u8" => 200u8,
        "s8" => -100i8,
        "u16" => 60_000u16,
        "s16" => -30_000i16,
        "u32" => 4_000_000_000u32,
        "s32" => -2_000_000_000i32,
        "u64" => u64::MAX - 1,
        "s64" => i64::MIN + 1,
        "f64" => std::f64::consts::PI,
        "char" => '🦀',
        "string" => String::new(),
        "string" => non_ascii_text(),
        "string" => long_text(),
        "list-u32" => big_list(),
        "list-string" => vec![String::new(), non_ascii_text()],
        "point" => Point { x: -5, y: 6, label: non_ascii_text() },
        "tuple" => (255u8, "ç".to_string(), -0.5f64),
        "option" => Some(None::<u32>),
        "option" => Some(Some(3u32)),
        "option" => None::<Option<u32>>,
        "result" => Ok::<String, u16>("ünïcödé".into()),
        "result" => Err::<String, u16>(7),
    );
    assert_eq!(
        typed_round_trip(&mut store, &instance, "f32", 0.1f32).to_bits(),
        0.1f32.to_bits()
    );
}

/// CanonicalABI.md `lift_flat`/`load` of floats: every NaN becomes the
/// canonical NaN, whatever payload it had.
#[test]
fn nans_are_canonicalized() {
    let (mut store, instance, state) = instantiate(HostStyle::Typed);
    for bits in [0x7fa0_0001u32, 0xffc0_0000, 0x7f80_0001, CANONICAL_NAN32] {
        let result = typed_round_trip(&mut store, &instance, "f32", f32::from_bits(bits));
        assert_eq!(result.to_bits(), CANONICAL_NAN32, "{bits:#x}");
        let received = last_received(&store, &state, &instance, "echo-f32");
        assert!(
            matches!(received, Some((_, Val::F32(f))) if f.to_bits() == CANONICAL_NAN32),
            "{bits:#x}: {received:?}"
        );
    }
    for bits in [
        0x7ff0_0000_0000_0001u64,
        0xfff8_0000_0000_0000,
        0x7ff4_0000_dead_beef,
    ] {
        let result = typed_round_trip(&mut store, &instance, "f64", f64::from_bits(bits));
        assert_eq!(result.to_bits(), CANONICAL_NAN64, "{bits:#x}");
    }
}

fn call_u32(store: &mut Store<()>, instance: &Instance, name: &str, args: &[Val]) -> u32 {
    match call(store, instance, name, args) {
        Some(Val::U32(v)) => v,
        other => panic!("{name}: expected a u32, got {other:?}"),
    }
}

fn own_of(value: Option<Val>) -> u32 {
    match value {
        Some(Val::Own(rep)) => rep,
        other => panic!("expected an own handle, got {other:?}"),
    }
}

#[test]
fn host_resources_created_and_dropped_on_either_side() {
    let (mut store, instance, state) = instantiate(HostStyle::Dynamic);

    // The guest creates a host counter and drops it: the host destructor runs.
    assert_eq!(
        call_u32(&mut store, &instance, "count-with-host", &[Val::U32(5)]),
        5
    );
    let first = {
        let state = state.lock().unwrap();
        assert_eq!(
            state.dropped.len(),
            1,
            "the guest's drop ran the host destructor"
        );
        assert!(state.counters.is_empty());
        state.dropped[0]
    };

    // The guest creates one and hands the own to the host: nothing is dropped.
    let made = own_of(call(
        &mut store,
        &instance,
        "make-host-counter",
        &[Val::U32(7)],
    ));
    assert_ne!(made, first);
    assert_eq!(state.lock().unwrap().counters.get(&made), Some(&7));
    assert_eq!(state.lock().unwrap().dropped, [first]);

    // The host lends it, then gives it back for the guest to drop.
    assert_eq!(
        call_u32(
            &mut store,
            &instance,
            "peek-host-counter",
            &[Val::Borrow(made)]
        ),
        7
    );
    assert_eq!(
        state.lock().unwrap().dropped,
        [first],
        "a borrow does not drop"
    );
    assert_eq!(
        call_u32(
            &mut store,
            &instance,
            "consume-host-counter",
            &[Val::Own(made)]
        ),
        7
    );
    assert_eq!(state.lock().unwrap().dropped, [first, made]);

    // A counter the host itself created, lent and then given away.
    let own = new_host_counter(&mut state.lock().unwrap(), 41);
    assert_eq!(
        call_u32(
            &mut store,
            &instance,
            "peek-host-counter",
            &[Val::Borrow(own)]
        ),
        41
    );
    assert_eq!(
        call_u32(
            &mut store,
            &instance,
            "consume-host-counter",
            &[Val::Own(own)]
        ),
        41
    );
    assert_eq!(state.lock().unwrap().dropped, [first, made, own]);
    assert!(state.lock().unwrap().counters.is_empty());
}

#[test]
fn guest_resources_created_and_dropped_on_either_side() {
    let (mut store, instance, _) = instantiate(HostStyle::Dynamic);
    let drops = |store: &mut Store<()>| call_u32(store, &instance, "guest-counter-drops", &[]);

    // Created and dropped inside the guest.
    assert_eq!(
        call_u32(&mut store, &instance, "count-in-guest", &[Val::U32(10)]),
        11
    );
    assert_eq!(drops(&mut store), 1);

    // Created by the host through the constructor, used through methods,
    // dropped by the host through the exported resource type.
    let counter = own_of(call(
        &mut store,
        &instance,
        "[constructor]guest-counter",
        &[Val::U32(3)],
    ));
    call(
        &mut store,
        &instance,
        "[method]guest-counter.bump",
        &[Val::Borrow(counter), Val::U32(4)],
    );
    assert_eq!(
        call_u32(
            &mut store,
            &instance,
            "[method]guest-counter.get",
            &[Val::Borrow(counter)]
        ),
        7
    );
    assert_eq!(drops(&mut store), 1);
    let guest_counter = instance
        .get_resource(&[GUEST, "guest-counter"])
        .expect("the guest exports its resource type");
    guest_counter.drop_rep(&mut store, counter).unwrap();
    assert_eq!(
        drops(&mut store),
        2,
        "the host's drop ran the guest destructor"
    );

    // Created by the host, handed back to the guest, dropped there.
    let counter = own_of(call(
        &mut store,
        &instance,
        "[constructor]guest-counter",
        &[Val::U32(20)],
    ));
    let typed_get = instance
        .get_typed_func::<(u32,), u32>(&store, &[GUEST, "guest-counter-drops"])
        .err();
    assert!(typed_get.is_some(), "a mistyped typed function is refused");
    assert_eq!(
        call_u32(
            &mut store,
            &instance,
            "consume-guest-counter",
            &[Val::Own(counter)]
        ),
        20
    );
    assert_eq!(drops(&mut store), 3);
}

/// A panic in the Rust guest is a trap (`unreachable`) with the guest's wasm
/// frames, named from its name section; the trapped instance cannot be
/// entered again.
#[test]
fn a_guest_panic_is_a_trap_with_a_wasm_backtrace() {
    let (mut store, instance, _) = instantiate(HostStyle::Dynamic);
    let fail = instance
        .get_typed_func::<(u32, String), u32>(&store, &[GUEST, "fail-at-depth"])
        .unwrap();
    let err = fail
        .call(&mut store, (5, "guest gave up".into()))
        .expect_err("the guest panics");
    assert!(err.is_trap(), "{err:?}");
    let Error::Trap(trap) = &err else {
        panic!("not a core trap: {err:?}")
    };
    assert_eq!(trap.code, myrt_interp::TrapCode::Unreachable, "{err}");
    let recursion_frames = err
        .backtrace()
        .iter()
        .filter(|frame| {
            frame
                .func_name
                .as_deref()
                .is_some_and(|name| name.contains("recurse_then_panic"))
        })
        .count();
    assert!(
        recursion_frames >= 6,
        "one frame per recursion level expected in the backtrace:\n{err}"
    );
    assert!(err.to_string().contains("wasm backtrace"), "{err}");
    let err = fail
        .call(&mut store, (0, "again".into()))
        .expect_err("a trapped instance cannot be entered");
    assert!(
        err.to_string().contains("cannot enter component instance"),
        "{err}"
    );
}
