//! Property tests: for generated types and values, lifting what was lowered
//! gives the value back (NaNs canonicalized), through memory and through
//! flat core values, for every pair of destination and source string
//! encodings; and no guest data makes lifting panic.

use myrt_canonical_abi::abi::{
    self, CanonOptions, Context, GuestMemory, PassThroughHandles, StringEncoding, VecMemory,
};
use myrt_canonical_abi::types::{alignment, elem_size, flatten_type, flatten_types};
use myrt_canonical_abi::{FlatVal, ResourceId, Type, Val};
use proptest::prelude::*;
use proptest::strategy::Union;

const ENCODINGS: [StringEncoding; 3] = [
    StringEncoding::Utf8,
    StringEncoding::Utf16,
    StringEncoding::Latin1Utf16,
];

fn all_options() -> impl Iterator<Item = CanonOptions> {
    ENCODINGS.into_iter().flat_map(|dst| {
        ENCODINGS.into_iter().map(move |src| CanonOptions {
            string_encoding: dst,
            source_string_encoding: src,
        })
    })
}

fn labels(prefix: &'static str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn arb_leaf_type() -> impl Strategy<Value = Type> {
    prop_oneof![
        Just(Type::Bool),
        Just(Type::S8),
        Just(Type::U8),
        Just(Type::S16),
        Just(Type::U16),
        Just(Type::S32),
        Just(Type::U32),
        Just(Type::S64),
        Just(Type::U64),
        Just(Type::F32),
        Just(Type::F64),
        Just(Type::Char),
        Just(Type::String),
        Just(Type::String),
        (0u32..3).prop_map(|r| Type::Own(ResourceId(r))),
        (0u32..3).prop_map(|r| Type::Borrow(ResourceId(r))),
        (1usize..=32).prop_map(|n| Type::flags(labels("f", n))),
        (1usize..=5).prop_map(|n| Type::enumeration(labels("e", n))),
        // Enough cases for a two-byte discriminant.
        Just(Type::enumeration(labels("big", 300))),
    ]
}

fn arb_type() -> impl Strategy<Value = Type> {
    arb_leaf_type().prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|ts| Type::record(
                ts.into_iter()
                    .enumerate()
                    .map(|(i, t)| (format!("r{i}"), t))
            )),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Type::tuple),
            prop::collection::vec(prop::option::of(inner.clone()), 1..5).prop_map(|cs| {
                Type::variant(
                    cs.into_iter()
                        .enumerate()
                        .map(|(i, t)| (format!("v{i}"), t)),
                )
            }),
            inner.clone().prop_map(Type::option),
            (prop::option::of(inner.clone()), prop::option::of(inner))
                .prop_map(|(ok, err)| Type::result(ok, err)),
        ]
    })
}

fn arb_char() -> BoxedStrategy<char> {
    prop_oneof![
        (0x20u8..0x7f).prop_map(char::from),
        (0x80u32..0x100).prop_filter_map("latin1", char::from_u32),
        any::<char>(),
        (0x10000u32..0x110000).prop_filter_map("astral", char::from_u32),
    ]
    .boxed()
}

fn arb_string() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-z ]{0,12}",
        prop::collection::vec(
            (0x20u32..0x100).prop_filter_map("latin1", char::from_u32),
            0..12
        )
        .prop_map(String::from_iter),
        prop::collection::vec(arb_char(), 0..12).prop_map(String::from_iter),
    ]
    .boxed()
}

fn boxed(v: Option<Val>) -> Option<Box<Val>> {
    v.map(Box::new)
}

fn arb_payload(t: Option<&Type>) -> BoxedStrategy<Option<Val>> {
    match t {
        Some(t) => arb_val(t).prop_map(Some).boxed(),
        None => Just(None).boxed(),
    }
}

fn arb_val(t: &Type) -> BoxedStrategy<Val> {
    match t {
        Type::Bool => any::<bool>().prop_map(Val::Bool).boxed(),
        Type::S8 => any::<i8>().prop_map(Val::S8).boxed(),
        Type::U8 => any::<u8>().prop_map(Val::U8).boxed(),
        Type::S16 => any::<i16>().prop_map(Val::S16).boxed(),
        Type::U16 => any::<u16>().prop_map(Val::U16).boxed(),
        Type::S32 => any::<i32>().prop_map(Val::S32).boxed(),
        Type::U32 => any::<u32>().prop_map(Val::U32).boxed(),
        Type::S64 => any::<i64>().prop_map(Val::S64).boxed(),
        Type::U64 => any::<u64>().prop_map(Val::U64).boxed(),
        // Raw bits: every NaN payload, signalling or not.
        Type::F32 => any::<u32>()
            .prop_map(|b| Val::F32(f32::from_bits(b)))
            .boxed(),
        Type::F64 => any::<u64>()
            .prop_map(|b| Val::F64(f64::from_bits(b)))
            .boxed(),
        Type::Char => arb_char().prop_map(Val::Char).boxed(),
        Type::String => arb_string().prop_map(Val::String).boxed(),
        Type::Own(_) => any::<u32>().prop_map(Val::Own).boxed(),
        Type::Borrow(_) => any::<u32>().prop_map(Val::Borrow).boxed(),
        Type::List(elem) => prop::collection::vec(arb_val(elem), 0..6)
            .prop_map(Val::List)
            .boxed(),
        Type::Record(fields) => {
            let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
            let values: Vec<_> = fields.iter().map(|f| arb_val(&f.ty)).collect();
            values
                .prop_map(move |vs| Val::Record(names.iter().cloned().zip(vs).collect()))
                .boxed()
        }
        Type::Tuple(types) => types
            .iter()
            .map(arb_val)
            .collect::<Vec<_>>()
            .prop_map(Val::Tuple)
            .boxed(),
        Type::Variant(cases) => Union::new(cases.iter().map(|c| {
            let name = c.name.clone();
            arb_payload(c.ty.as_ref()).prop_map(move |p| Val::Variant(name.clone(), boxed(p)))
        }))
        .boxed(),
        Type::Enum(names) => prop::sample::select(names.to_vec())
            .prop_map(Val::Enum)
            .boxed(),
        Type::Option(payload) => prop::option::of(arb_val(payload))
            .prop_map(|p| Val::Option(boxed(p)))
            .boxed(),
        Type::Result { ok, err } => prop_oneof![
            arb_payload(ok.as_deref()).prop_map(|p| Val::Result(Ok(boxed(p)))),
            arb_payload(err.as_deref()).prop_map(|p| Val::Result(Err(boxed(p)))),
        ]
        .boxed(),
        Type::Flags(names) => prop::collection::vec(any::<bool>(), names.len())
            .prop_map({
                let names = names.to_vec();
                move |set| {
                    Val::Flags(
                        names
                            .iter()
                            .zip(set)
                            .filter(|(_, on)| *on)
                            .map(|(n, _)| n.clone())
                            .collect(),
                    )
                }
            })
            .boxed(),
    }
}

fn arb_typed_val() -> impl Strategy<Value = (Type, Val)> {
    arb_type().prop_flat_map(|t| {
        let values = arb_val(&t);
        (Just(t), values)
    })
}

/// What lifting should give back: the value with every NaN canonical.
fn canonical(v: &Val) -> Val {
    let boxed = |p: &Option<Box<Val>>| p.as_deref().map(|v| Box::new(canonical(v)));
    match v {
        Val::F32(f) if f.is_nan() => Val::F32(f32::from_bits(0x7fc0_0000)),
        Val::F64(f) if f.is_nan() => Val::F64(f64::from_bits(0x7ff8_0000_0000_0000)),
        Val::List(vs) => Val::List(vs.iter().map(canonical).collect()),
        Val::Tuple(vs) => Val::Tuple(vs.iter().map(canonical).collect()),
        Val::Record(fs) => Val::Record(fs.iter().map(|(n, v)| (n.clone(), canonical(v))).collect()),
        Val::Variant(n, p) => Val::Variant(n.clone(), boxed(p)),
        Val::Option(p) => Val::Option(boxed(p)),
        Val::Result(Ok(p)) => Val::Result(Ok(boxed(p))),
        Val::Result(Err(p)) => Val::Result(Err(boxed(p))),
        other => other.clone(),
    }
}

fn with_cx<R>(
    memory: &mut VecMemory,
    options: CanonOptions,
    f: impl FnOnce(&mut Context) -> R,
) -> R {
    let mut handles = PassThroughHandles;
    let mut cx = Context::new(options, Some(memory), &mut handles);
    f(&mut cx)
}

fn lifting(options: CanonOptions) -> CanonOptions {
    CanonOptions {
        string_encoding: options.string_encoding,
        ..CanonOptions::default()
    }
}

proptest! {
    #[test]
    fn store_then_load_round_trips((t, v) in arb_typed_val()) {
        prop_assert!(t.validate().is_ok());
        prop_assert!(v.type_check(&t).is_ok());
        for options in all_options() {
            let mut memory = VecMemory::new(8);
            let ptr = memory.realloc(0, 0, alignment(&t), elem_size(&t)).unwrap();
            with_cx(&mut memory, options, |cx| abi::store(cx, &v, &t, ptr)).unwrap();
            let loaded = with_cx(&mut memory, lifting(options), |cx| abi::load(cx, ptr, &t));
            prop_assert_eq!(loaded, Ok(canonical(&v)), "{:?}", options);
        }
    }

    #[test]
    fn lower_then_lift_flat_round_trips((t, v) in arb_typed_val()) {
        for options in all_options() {
            let mut memory = VecMemory::new(8);
            let flat = with_cx(&mut memory, options, |cx| abi::lower_flat(cx, &v, &t)).unwrap();
            let flat_types: Vec<_> = flat.iter().map(|f| f.ty()).collect();
            prop_assert_eq!(flat_types, flatten_type(&t));
            let lifted = with_cx(&mut memory, lifting(options), |cx| abi::lift_flat(cx, &flat, &t));
            prop_assert_eq!(lifted, Ok(canonical(&v)), "{:?}", options);
        }
    }

    #[test]
    fn function_params_and_results_round_trip(
        params in prop::collection::vec(arb_typed_val(), 0..20),
        (rt, rv) in arb_typed_val(),
    ) {
        let (types, values): (Vec<Type>, Vec<Val>) = params.into_iter().unzip();
        for options in all_options() {
            let mut memory = VecMemory::new(8);
            let flat = with_cx(&mut memory, options, |cx| abi::lower_func_params(cx, &values, &types)).unwrap();
            let expected_len = if abi::params_through_memory(&types) { 1 } else { flatten_types(&types).len() };
            prop_assert_eq!(flat.len(), expected_len);
            let lifted = with_cx(&mut memory, lifting(options), |cx| abi::lift_func_params(cx, &flat, &types));
            prop_assert_eq!(lifted, Ok(values.iter().map(canonical).collect::<Vec<_>>()));

            let retptr = abi::result_through_memory(Some(&rt))
                .then(|| memory.realloc(0, 0, alignment(&rt), elem_size(&rt)).unwrap());
            let flat = with_cx(&mut memory, options, |cx| abi::lower_func_result(cx, Some(&rv), Some(&rt), retptr)).unwrap();
            let returned = match retptr {
                Some(ptr) => vec![FlatVal::I32(ptr as i32)],
                None => flat,
            };
            let lifted = with_cx(&mut memory, lifting(options), |cx| abi::lift_func_result(cx, &returned, Some(&rt)));
            prop_assert_eq!(lifted, Ok(Some(canonical(&rv))));
        }
    }

    #[test]
    fn large_lists_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..5000), texts in prop::collection::vec(arb_string(), 0..300)) {
        let t = Type::tuple([Type::list(Type::U8), Type::list(Type::String)]);
        let v = Val::Tuple(vec![
            Val::List(bytes.into_iter().map(Val::U8).collect()),
            Val::List(texts.into_iter().map(Val::String).collect()),
        ]);
        for options in all_options() {
            let mut memory = VecMemory::new(8);
            let flat = with_cx(&mut memory, options, |cx| abi::lower_flat(cx, &v, &t)).unwrap();
            let lifted = with_cx(&mut memory, lifting(options), |cx| abi::lift_flat(cx, &flat, &t));
            prop_assert_eq!(lifted, Ok(v.clone()));
        }
    }

    /// Guest memory is untrusted: whatever its bytes, loading returns a
    /// value or an error, and a value it returns type-checks.
    #[test]
    fn loading_garbage_never_panics(
        t in arb_type(),
        garbage in prop::collection::vec(any::<u8>(), 0..256),
        ptr in 0u32..300,
        encoding in prop::sample::select(ENCODINGS.to_vec()),
    ) {
        let mut memory = VecMemory::new(0);
        memory.bytes = garbage;
        let options = CanonOptions { string_encoding: encoding, ..CanonOptions::default() };
        if let Ok(v) = with_cx(&mut memory, options, |cx| abi::load(cx, ptr, &t)) {
            prop_assert!(v.type_check(&t).is_ok());
        }
    }

    /// The same for core values: any i32/i64/f32/f64 bits of the right
    /// types lift to a value or an error.
    #[test]
    fn lifting_garbage_flat_values_never_panics(
        t in arb_type(),
        seeds in prop::collection::vec(any::<u64>(), 64),
        garbage in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let flat: Vec<FlatVal> = flatten_type(&t)
            .into_iter()
            .zip(seeds.iter().cycle())
            .map(|(ty, &bits)| {
                // Small values make in-bounds pointers and lengths likely.
                let bits = if bits % 2 == 0 { bits % 64 } else { bits };
                match ty {
                    myrt_canonical_abi::CoreType::I32 => FlatVal::I32(bits as i32),
                    myrt_canonical_abi::CoreType::I64 => FlatVal::I64(bits as i64),
                    myrt_canonical_abi::CoreType::F32 => FlatVal::F32(bits as u32),
                    myrt_canonical_abi::CoreType::F64 => FlatVal::F64(bits),
                }
            })
            .collect();
        let mut memory = VecMemory::new(0);
        memory.bytes = garbage;
        for options in all_options() {
            if let Ok(v) = with_cx(&mut memory, options, |cx| abi::lift_flat(cx, &flat, &t)) {
                prop_assert!(v.type_check(&t).is_ok());
            }
        }
    }
}

#[test]
fn a_hundred_thousand_element_list_round_trips() {
    let t = Type::list(Type::tuple([Type::U32, Type::option(Type::F64)]));
    let v = Val::List(
        (0..100_000u32)
            .map(|i| {
                Val::Tuple(vec![
                    Val::U32(i),
                    Val::Option((i % 3 == 0).then(|| Box::new(Val::F64(f64::from(i))))),
                ])
            })
            .collect(),
    );
    let mut memory = VecMemory::new(8);
    let flat = with_cx(&mut memory, CanonOptions::default(), |cx| {
        abi::lower_flat(cx, &v, &t)
    })
    .unwrap();
    assert_eq!(flat[1], FlatVal::I32(100_000));
    assert_eq!(
        with_cx(&mut memory, CanonOptions::default(), |cx| abi::lift_flat(
            cx, &flat, &t
        )),
        Ok(v)
    );
}

#[test]
fn non_bmp_text_round_trips_in_every_encoding() {
    let text = "Grüße, 世界! 😀𝄞 — ÿ";
    for options in all_options() {
        let mut memory = VecMemory::new(8);
        let v = Val::String(text.into());
        let flat = with_cx(&mut memory, options, |cx| {
            abi::lower_flat(cx, &v, &Type::String)
        })
        .unwrap();
        assert_eq!(
            with_cx(&mut memory, lifting(options), |cx| abi::lift_flat(
                cx,
                &flat,
                &Type::String
            )),
            Ok(v)
        );
    }
}

#[test]
fn nested_variants_round_trip() {
    let inner = Type::variant([
        ("x", Some(Type::F32)),
        ("y", Some(Type::String)),
        ("z", None),
    ]);
    let t = Type::result(Some(Type::option(inner.clone())), Some(Type::list(inner)));
    let v = Val::Result(Err(Some(Box::new(Val::List(vec![
        Val::Variant("y".into(), Some(Box::new(Val::String("ok 😀".into())))),
        Val::Variant("x".into(), Some(Box::new(Val::F32(-0.0)))),
        Val::Variant("z".into(), None),
    ])))));
    for options in all_options() {
        let mut memory = VecMemory::new(8);
        let flat = with_cx(&mut memory, options, |cx| abi::lower_flat(cx, &v, &t)).unwrap();
        assert_eq!(
            with_cx(&mut memory, lifting(options), |cx| abi::lift_flat(
                cx, &flat, &t
            )),
            Ok(v.clone())
        );
        let ptr = memory.realloc(0, 0, alignment(&t), elem_size(&t)).unwrap();
        with_cx(&mut memory, options, |cx| abi::store(cx, &v, &t, ptr)).unwrap();
        assert_eq!(
            with_cx(&mut memory, lifting(options), |cx| abi::load(cx, ptr, &t)),
            Ok(v.clone())
        );
    }
}
