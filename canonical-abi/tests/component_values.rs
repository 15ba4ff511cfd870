//! Values round-tripped host -> guest -> host through lifted component
//! functions, for every value type and string encoding. The guests are core
//! wasm written by hand: a bump `realloc` and functions that echo or
//! transform what they receive.

use myrt_canonical_abi::component::{Component, Engine, Linker, Store};
use myrt_canonical_abi::{Type, Val};

/// The guest's allocator and a post-return counter, shared by every test
/// module below.
const RUNTIME: &str = r#"
    (memory (export "mem") 4)
    (global $next (mut i32) (i32.const 4096))
    (global $post_returns (mut i32) (i32.const 0))
    (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (global.set $next (i32.add (local.get $ptr) (local.get $new_size)))
      (if (local.get $old)
        (then (memory.copy (local.get $ptr) (local.get $old) (local.get $old_size))))
      (local.get $ptr))
    (func (export "post-return") (param i32)
      (global.set $post_returns (i32.add (global.get $post_returns) (i32.const 1))))
    (func (export "post-returns") (result i32) (global.get $post_returns))
    ;; identity: a value whose flattening does not fit goes in and out
    ;; through memory, and a one-element tuple has its element's layout
    (func (export "identity") (param i32) (result i32) (local.get 0))
    ;; (ptr, len) -> pointer to (ptr, len): echoes a string or list
    (func (export "echo-pair") (param i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0))
      (i32.store (i32.const 20) (local.get 1))
      (i32.const 16))
"#;

fn instantiate(wat: &str) -> (Store<()>, myrt_canonical_abi::component::Instance) {
    let engine = Engine::default();
    let bytes = wat::parse_str(wat).expect("test component parses");
    let component = Component::new(&engine, &bytes).expect("component loads");
    let linker = Linker::new(&engine);
    let mut store = Store::new(&engine, ());
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("component instantiates");
    (store, instance)
}

fn call(
    store: &mut Store<()>,
    instance: &myrt_canonical_abi::component::Instance,
    name: &str,
    args: &[Val],
) -> Val {
    let func = instance
        .get_func(&*store, name)
        .unwrap_or_else(|| panic!("no export {name}"));
    let mut results = [Val::Bool(false)];
    func.call(store, args, &mut results)
        .unwrap_or_else(|e| panic!("{name} failed: {e}"));
    results[0].clone()
}

/// Each export in `names` returns `value` unchanged.
fn assert_echoed_by(
    store: &mut Store<()>,
    instance: &myrt_canonical_abi::component::Instance,
    names: &[&str],
    value: &Val,
) {
    for name in names {
        assert_eq!(
            &call(store, instance, name, std::slice::from_ref(value)),
            value,
            "{name}"
        );
    }
}

fn boxed(v: Val) -> Option<Box<Val>> {
    Some(Box::new(v))
}

#[test]
fn scalars_round_trip_flat() {
    let wat = r#"(component
      (core module $m
        (func (export "i32") (param i32) (result i32) (local.get 0))
        (func (export "i64") (param i64) (result i64) (local.get 0))
        (func (export "f32") (param f32) (result f32) (local.get 0))
        (func (export "f64") (param f64) (result f64) (local.get 0))
        (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
      (core instance $i (instantiate $m))
      (type $e' (enum "north" "east" "south" "west"))
      (export $e "direction" (type $e'))
      (type $f' (flags "read" "write" "exec"))
      (export $f "permissions" (type $f'))
      (func (export "bool") (param "x" bool) (result bool) (canon lift (core func $i "i32")))
      (func (export "s8") (param "x" s8) (result s8) (canon lift (core func $i "i32")))
      (func (export "u8") (param "x" u8) (result u8) (canon lift (core func $i "i32")))
      (func (export "s16") (param "x" s16) (result s16) (canon lift (core func $i "i32")))
      (func (export "u16") (param "x" u16) (result u16) (canon lift (core func $i "i32")))
      (func (export "s32") (param "x" s32) (result s32) (canon lift (core func $i "i32")))
      (func (export "u32") (param "x" u32) (result u32) (canon lift (core func $i "i32")))
      (func (export "s64") (param "x" s64) (result s64) (canon lift (core func $i "i64")))
      (func (export "u64") (param "x" u64) (result u64) (canon lift (core func $i "i64")))
      (func (export "f32") (param "x" f32) (result f32) (canon lift (core func $i "f32")))
      (func (export "f64") (param "x" f64) (result f64) (canon lift (core func $i "f64")))
      (func (export "char") (param "x" char) (result char) (canon lift (core func $i "i32")))
      (func (export "enum") (param "x" $e) (result $e) (canon lift (core func $i "i32")))
      (func (export "flags") (param "x" $f) (result $f) (canon lift (core func $i "i32")))
      (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
    )"#;
    let (mut store, instance) = instantiate(wat);
    let cases = [
        ("bool", Val::Bool(true)),
        ("s8", Val::S8(-5)),
        ("u8", Val::U8(250)),
        ("s16", Val::S16(-30000)),
        ("u16", Val::U16(65000)),
        ("s32", Val::S32(i32::MIN)),
        ("u32", Val::U32(u32::MAX)),
        ("s64", Val::S64(i64::MIN)),
        ("u64", Val::U64(u64::MAX)),
        ("f32", Val::F32(-1.5)),
        ("f64", Val::F64(std::f64::consts::PI)),
        ("char", Val::Char('😀')),
        ("enum", Val::Enum("south".into())),
        ("flags", Val::Flags(vec!["read".into(), "exec".into()])),
    ];
    for (name, value) in cases {
        assert_eq!(
            call(&mut store, &instance, name, std::slice::from_ref(&value)),
            value,
            "{name}"
        );
    }
    assert_eq!(
        call(&mut store, &instance, "add", &[Val::U32(40), Val::U32(2)]),
        Val::U32(42)
    );
}

/// Strings and lists echoed through the guest's memory, in each string
/// encoding, with post-return running once per call.
#[test]
fn strings_and_lists_round_trip_in_every_encoding() {
    let wat = format!(
        r#"(component
      (core module $m {RUNTIME})
      (core instance $i (instantiate $m))
      (func (export "utf8") (param "x" string) (result string)
        (canon lift (core func $i "echo-pair") (memory $i "mem") (realloc (func $i "realloc"))
          (post-return (func $i "post-return"))))
      (func (export "utf16") (param "x" string) (result string)
        (canon lift (core func $i "echo-pair") (memory $i "mem") (realloc (func $i "realloc")) string-encoding=utf16))
      (func (export "latin1") (param "x" string) (result string)
        (canon lift (core func $i "echo-pair") (memory $i "mem") (realloc (func $i "realloc")) string-encoding=latin1+utf16))
      (func (export "bytes") (param "x" (list u8)) (result (list u8))
        (canon lift (core func $i "echo-pair") (memory $i "mem") (realloc (func $i "realloc"))))
      (func (export "strings") (param "x" (list string)) (result (list string))
        (canon lift (core func $i "echo-pair") (memory $i "mem") (realloc (func $i "realloc"))))
      (func (export "strings16") (param "x" (list string)) (result (list string))
        (canon lift (core func $i "echo-pair") (memory $i "mem") (realloc (func $i "realloc")) string-encoding=utf16))
      (func (export "strings-latin1") (param "x" (list string)) (result (list string))
        (canon lift (core func $i "echo-pair") (memory $i "mem") (realloc (func $i "realloc")) string-encoding=latin1+utf16))
      (func (export "post-returns") (result u32) (canon lift (core func $i "post-returns")))
    )"#
    );
    let (mut store, instance) = instantiate(&wat);
    for text in ["", "hello", "Grüße", "日本語 😀", "naïve café"] {
        for encoding in ["utf8", "utf16", "latin1"] {
            let v = Val::String(text.into());
            assert_eq!(
                call(&mut store, &instance, encoding, std::slice::from_ref(&v)),
                v,
                "{encoding} {text:?}"
            );
        }
    }
    assert_eq!(
        call(&mut store, &instance, "post-returns", &[]),
        Val::U32(5),
        "post-return runs after each utf8 call"
    );
    let bytes = Val::List((0..=255).map(Val::U8).collect());
    assert_eq!(
        call(&mut store, &instance, "bytes", std::slice::from_ref(&bytes)),
        bytes
    );
    let strings = Val::List(vec![
        Val::String("a".into()),
        Val::String("".into()),
        Val::String("ünïcödé".into()),
        Val::String("日本語 😀".into()),
    ]);
    assert_echoed_by(
        &mut store,
        &instance,
        &["strings", "strings16", "strings-latin1"],
        &strings,
    );
}

/// Strings crossing from one component to another whose string encodings
/// differ: every pair of utf8, utf16 and latin1+utf16, callers and callees
/// in sibling component instances (CanonicalABI.md "Strings": the callee's
/// lowering transcodes from the caller's encoding).
#[test]
fn strings_are_transcoded_between_components_of_every_encoding_pair() {
    let wat = format!(
        r#"(component
      (component $callee
        (core module $m {RUNTIME})
        (core instance $i (instantiate $m))
        (func (export "utf8") (param "x" string) (result string)
          (canon lift (core func $i "echo-pair") (memory $i "mem") (realloc (func $i "realloc"))))
        (func (export "utf16") (param "x" string) (result string)
          (canon lift (core func $i "echo-pair") (memory $i "mem") (realloc (func $i "realloc")) string-encoding=utf16))
        (func (export "latin1") (param "x" string) (result string)
          (canon lift (core func $i "echo-pair") (memory $i "mem") (realloc (func $i "realloc")) string-encoding=latin1+utf16)))
      (component $caller
        (import "echo" (func $echo (param "x" string) (result string)))
        (core module $rt {RUNTIME})
        (core instance $rt (instantiate $rt))
        (core func $e8 (canon lower (func $echo) (memory $rt "mem") (realloc (func $rt "realloc"))))
        (core func $e16 (canon lower (func $echo) (memory $rt "mem") (realloc (func $rt "realloc")) string-encoding=utf16))
        (core func $el (canon lower (func $echo) (memory $rt "mem") (realloc (func $rt "realloc")) string-encoding=latin1+utf16))
        ;; passes the string on; the result lands in the return area at 32
        (core module $relay
          (import "" "e8" (func $e8 (param i32 i32 i32)))
          (import "" "e16" (func $e16 (param i32 i32 i32)))
          (import "" "el" (func $el (param i32 i32 i32)))
          (func (export "r8") (param i32 i32) (result i32)
            (call $e8 (local.get 0) (local.get 1) (i32.const 32)) (i32.const 32))
          (func (export "r16") (param i32 i32) (result i32)
            (call $e16 (local.get 0) (local.get 1) (i32.const 32)) (i32.const 32))
          (func (export "rl") (param i32 i32) (result i32)
            (call $el (local.get 0) (local.get 1) (i32.const 32)) (i32.const 32)))
        (core instance $relay (instantiate $relay (with "" (instance
          (export "e8" (func $e8)) (export "e16" (func $e16)) (export "el" (func $el))))))
        (func (export "utf8") (param "x" string) (result string)
          (canon lift (core func $relay "r8") (memory $rt "mem") (realloc (func $rt "realloc"))))
        (func (export "utf16") (param "x" string) (result string)
          (canon lift (core func $relay "r16") (memory $rt "mem") (realloc (func $rt "realloc")) string-encoding=utf16))
        (func (export "latin1") (param "x" string) (result string)
          (canon lift (core func $relay "rl") (memory $rt "mem") (realloc (func $rt "realloc")) string-encoding=latin1+utf16)))
      (instance $callee (instantiate $callee))
      (instance $to-utf8 (instantiate $caller (with "echo" (func $callee "utf8"))))
      (instance $to-utf16 (instantiate $caller (with "echo" (func $callee "utf16"))))
      (instance $to-latin1 (instantiate $caller (with "echo" (func $callee "latin1"))))
      (export "utf8-utf8" (func $to-utf8 "utf8"))
      (export "utf8-utf16" (func $to-utf16 "utf8"))
      (export "utf8-latin1" (func $to-latin1 "utf8"))
      (export "utf16-utf8" (func $to-utf8 "utf16"))
      (export "utf16-utf16" (func $to-utf16 "utf16"))
      (export "utf16-latin1" (func $to-latin1 "utf16"))
      (export "latin1-utf8" (func $to-utf8 "latin1"))
      (export "latin1-utf16" (func $to-utf16 "latin1"))
      (export "latin1-latin1" (func $to-latin1 "latin1"))
    )"#
    );
    let (mut store, instance) = instantiate(&wat);
    let long_mixed = "ab€😀".repeat(300);
    for text in [
        "",
        "plain ascii",
        "café ÿ",
        "Grüße, 世界 😀",
        long_mixed.as_str(),
    ] {
        for caller in ["utf8", "utf16", "latin1"] {
            for callee in ["utf8", "utf16", "latin1"] {
                let name = format!("{caller}-{callee}");
                let v = Val::String(text.into());
                assert_eq!(
                    call(&mut store, &instance, &name, std::slice::from_ref(&v)),
                    v,
                    "{name} {text:?}"
                );
            }
        }
    }
}

/// A guest that transforms: upper-cases ASCII in place and returns a string
/// it made itself.
#[test]
fn guest_transforms_and_produces_strings() {
    let wat = format!(
        r#"(component
      (core module $m {RUNTIME}
        (data (i32.const 64) "from the guest")
        (func (export "shout") (param $ptr i32) (param $len i32) (result i32)
          (local $i i32) (local $c i32)
          (block $done (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
            (local.set $c (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
            (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
              (then (i32.store8 (i32.add (local.get $ptr) (local.get $i)) (i32.sub (local.get $c) (i32.const 32)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
          (call $pair (local.get $ptr) (local.get $len)))
        (func $pair (param i32 i32) (result i32)
          (i32.store (i32.const 16) (local.get 0))
          (i32.store (i32.const 20) (local.get 1))
          (i32.const 16))
        (func (export "greeting") (result i32) (call $pair (i32.const 64) (i32.const 14))))
      (core instance $i (instantiate $m))
      (func (export "shout") (param "x" string) (result string)
        (canon lift (core func $i "shout") (memory $i "mem") (realloc (func $i "realloc"))))
      (func (export "greeting") (result string)
        (canon lift (core func $i "greeting") (memory $i "mem")))
    )"#
    );
    let (mut store, instance) = instantiate(&wat);
    assert_eq!(
        call(
            &mut store,
            &instance,
            "shout",
            &[Val::String("hello, wörld".into())]
        ),
        Val::String("HELLO, WöRLD".into())
    );
    assert_eq!(
        call(&mut store, &instance, "greeting", &[]),
        Val::String("from the guest".into())
    );
}

fn big_record_type() -> Type {
    Type::record([
        ("a", Type::U8),
        ("b", Type::String),
        ("c", Type::list(Type::tuple([Type::U16, Type::String]))),
        (
            "d",
            Type::option(Type::result(Some(Type::U64), Some(Type::String))),
        ),
        (
            "e",
            Type::variant([
                ("none", None),
                ("num", Some(Type::F64)),
                ("text", Some(Type::String)),
            ]),
        ),
        ("f", Type::flags(["x", "y", "z"])),
        ("g", Type::enumeration(["red", "green"])),
        ("h", Type::list(Type::list(Type::Char))),
        (
            "i",
            Type::tuple([Type::S64, Type::F32, Type::Bool, Type::String, Type::String]),
        ),
    ])
}

/// Records, variants, options, results, tuples, nested lists: a value that
/// flattens to more than 16 core values is passed and returned through
/// memory, so the guest's identity function echoes it.
#[test]
fn compound_values_round_trip_through_memory() {
    let wat = format!(
        r#"(component
      (core module $m {RUNTIME})
      (core instance $i (instantiate $m))
      (type $res (result u64 (error string)))
      (type $var' (variant (case "none") (case "num" f64) (case "text" string)))
      (export $var "value" (type $var'))
      (type $flags' (flags "x" "y" "z"))
      (export $flags "axes" (type $flags'))
      (type $enum' (enum "red" "green"))
      (export $enum "color" (type $enum'))
      (type $big' (record
        (field "a" u8)
        (field "b" string)
        (field "c" (list (tuple u16 string)))
        (field "d" (option $res))
        (field "e" $var)
        (field "f" $flags)
        (field "g" $enum)
        (field "h" (list (list char)))
        (field "i" (tuple s64 f32 bool string string))))
      (export $big "big-record" (type $big'))
      (func (export "big") (param "x" $big) (result $big)
        (canon lift (core func $i "identity") (memory $i "mem") (realloc (func $i "realloc"))))
      (func (export "big16") (param "x" $big) (result $big)
        (canon lift (core func $i "identity") (memory $i "mem") (realloc (func $i "realloc")) string-encoding=utf16))
      (func (export "big-latin1") (param "x" $big) (result $big)
        (canon lift (core func $i "identity") (memory $i "mem") (realloc (func $i "realloc")) string-encoding=latin1+utf16))
    )"#
    );
    assert!(myrt_canonical_abi::types::flatten_type(&big_record_type()).len() > 16);
    let (mut store, instance) = instantiate(&wat);
    let values = [
        Val::Record(vec![
            ("a".into(), Val::U8(7)),
            ("b".into(), Val::String("bee".into())),
            (
                "c".into(),
                Val::List(vec![
                    Val::Tuple(vec![Val::U16(1), Val::String("one".into())]),
                    Val::Tuple(vec![Val::U16(2), Val::String("zwei ✌".into())]),
                ]),
            ),
            (
                "d".into(),
                Val::Option(boxed(Val::Result(Err(boxed(Val::String("bad".into())))))),
            ),
            (
                "e".into(),
                Val::Variant("num".into(), boxed(Val::F64(-0.25))),
            ),
            ("f".into(), Val::Flags(vec!["x".into(), "z".into()])),
            ("g".into(), Val::Enum("green".into())),
            (
                "h".into(),
                Val::List(vec![
                    Val::List(vec![Val::Char('a'), Val::Char('ß')]),
                    Val::List(vec![]),
                ]),
            ),
            (
                "i".into(),
                Val::Tuple(vec![
                    Val::S64(-1),
                    Val::F32(2.5),
                    Val::Bool(true),
                    Val::String("".into()),
                    Val::String("last".into()),
                ]),
            ),
        ]),
        Val::Record(vec![
            ("a".into(), Val::U8(0)),
            ("b".into(), Val::String("".into())),
            ("c".into(), Val::List(vec![])),
            (
                "d".into(),
                Val::Option(boxed(Val::Result(Ok(boxed(Val::U64(1 << 40)))))),
            ),
            (
                "e".into(),
                Val::Variant("text".into(), boxed(Val::String("payload".into()))),
            ),
            ("f".into(), Val::Flags(vec![])),
            ("g".into(), Val::Enum("red".into())),
            ("h".into(), Val::List(vec![])),
            (
                "i".into(),
                Val::Tuple(vec![
                    Val::S64(i64::MAX),
                    Val::F32(f32::INFINITY),
                    Val::Bool(false),
                    Val::String("x".into()),
                    Val::String("y".into()),
                ]),
            ),
        ]),
    ];
    for value in values {
        value
            .type_check(&big_record_type())
            .expect("test value is well-typed");
        assert_echoed_by(
            &mut store,
            &instance,
            &["big", "big16", "big-latin1"],
            &value,
        );
    }
}

/// Variant-like results that fit in flat core values on the way in: the
/// guest stores the flat payload into its return area.
#[test]
fn flat_variants_are_lowered_to_core_values() {
    let wat = format!(
        r#"(component
      (core module $m {RUNTIME}
        ;; result<u32, string> arrives as (discriminant, payload0, payload1)
        (func (export "result") (param i32 i32 i32) (result i32)
          (i32.store8 (i32.const 32) (local.get 0))
          (i32.store (i32.const 36) (local.get 1))
          (i32.store (i32.const 40) (local.get 2))
          (i32.const 32))
        ;; option<f64> arrives as (discriminant, f64)
        (func (export "option") (param i32 f64) (result i32)
          (i32.store8 (i32.const 32) (local.get 0))
          (f64.store (i32.const 40) (local.get 1))
          (i32.const 32)))
      (core instance $i (instantiate $m))
      (func (export "result") (param "x" (result u32 (error string))) (result (result u32 (error string)))
        (canon lift (core func $i "result") (memory $i "mem") (realloc (func $i "realloc"))))
      (func (export "option") (param "x" (option f64)) (result (option f64))
        (canon lift (core func $i "option") (memory $i "mem")))
    )"#
    );
    let (mut store, instance) = instantiate(&wat);
    for value in [
        Val::Result(Ok(boxed(Val::U32(17)))),
        Val::Result(Err(boxed(Val::String("nope".into())))),
    ] {
        assert_eq!(
            call(
                &mut store,
                &instance,
                "result",
                std::slice::from_ref(&value)
            ),
            value
        );
    }
    for value in [Val::Option(None), Val::Option(boxed(Val::F64(6.5)))] {
        assert_eq!(
            call(
                &mut store,
                &instance,
                "option",
                std::slice::from_ref(&value)
            ),
            value
        );
    }
}

#[test]
fn calls_check_argument_types() {
    let wat = r#"(component
      (core module $m (func (export "f") (param i32) (result i32) (local.get 0)))
      (core instance $i (instantiate $m))
      (func (export "f") (param "x" u32) (result u32) (canon lift (core func $i "f")))
    )"#;
    let (mut store, instance) = instantiate(wat);
    let f = instance.get_func(&store, "f").unwrap();
    let mut results = [Val::Bool(false)];
    assert!(
        f.call(&mut store, &[Val::String("no".into())], &mut results)
            .is_err()
    );
    assert!(f.call(&mut store, &[], &mut results).is_err());
    assert!(f.call(&mut store, &[Val::U32(1)], &mut []).is_err());
    assert_eq!(f.ty(&store).params, vec![("x".to_string(), Type::U32)]);
}
