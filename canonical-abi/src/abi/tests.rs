//! Unit tests of the Canonical ABI: exact layouts, the `realloc` protocol
//! and every trap condition. Round trips over generated types live in
//! `tests/roundtrip.rs`.

use super::*;
use crate::types::Type;
use crate::values::{FlatVal, Val};

const RESERVED: u32 = 16;

fn options(dst: StringEncoding, src: StringEncoding) -> CanonOptions {
    CanonOptions {
        string_encoding: dst,
        source_string_encoding: src,
    }
}

fn run<R>(memory: &mut VecMemory, opts: CanonOptions, f: impl FnOnce(&mut Context) -> R) -> R {
    let mut handles = PassThroughHandles;
    let mut cx = Context::new(opts, Some(memory), &mut handles);
    f(&mut cx)
}

fn utf8() -> CanonOptions {
    CanonOptions::default()
}

fn trap_message(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Trap(message)) => message,
        other => panic!("expected a trap, got {other:?}"),
    }
}

fn lower_string(text: &str, opts: CanonOptions) -> (VecMemory, u32, u32) {
    let mut memory = VecMemory::new(RESERVED);
    let flat = run(&mut memory, opts, |cx| {
        lower_flat(cx, &Val::String(text.into()), &Type::String)
    })
    .unwrap();
    let [FlatVal::I32(ptr), FlatVal::I32(len)] = flat[..] else {
        panic!("{flat:?}")
    };
    (memory, ptr as u32, len as u32)
}

fn lift_string(
    memory: &mut VecMemory,
    enc: StringEncoding,
    ptr: u32,
    len: u32,
) -> Result<Val, Error> {
    let flat = [FlatVal::I32(ptr as i32), FlatVal::I32(len as i32)];
    run(memory, options(enc, StringEncoding::Utf8), |cx| {
        lift_flat(cx, &flat, &Type::String)
    })
}

#[test]
fn utf8_strings_are_copied_as_is() {
    let (memory, ptr, len) = lower_string("héllo", utf8());
    assert_eq!(len, 6);
    assert_eq!(&memory.bytes[ptr as usize..][..6], "héllo".as_bytes());
    assert_eq!(memory.realloc_calls, [(0, 0, 1, 6)]);
}

#[test]
fn utf16_strings_count_code_units_and_shrink_from_the_worst_case() {
    let (memory, ptr, len) =
        lower_string("a😀", options(StringEncoding::Utf16, StringEncoding::Utf8));
    assert_eq!(len, 3, "one unit for 'a', a surrogate pair for the emoji");
    assert_eq!(ptr % 2, 0);
    let units: Vec<u16> = memory.bytes[ptr as usize..][..6]
        .chunks(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    assert_eq!(units, "a😀".encode_utf16().collect::<Vec<_>>());
    // store_utf8_to_utf16: worst case 2 * 5 UTF-8 bytes, then shrink to 6.
    let sizes: Vec<(u32, u32, u32)> = memory
        .realloc_calls
        .iter()
        .map(|c| (c.1, c.2, c.3))
        .collect();
    assert_eq!(sizes, [(0, 2, 10), (10, 2, 6)]);
}

#[test]
fn latin1_utf16_uses_latin1_when_every_char_fits() {
    let opts = options(StringEncoding::Latin1Utf16, StringEncoding::Utf8);
    let (memory, ptr, len) = lower_string("café", opts);
    assert_eq!(len, 4, "untagged: Latin-1");
    assert_eq!(&memory.bytes[ptr as usize..][..4], [b'c', b'a', b'f', 0xe9]);
    // Allocated 5 (UTF-8 bytes), shrunk to the 4 Latin-1 bytes.
    let sizes: Vec<(u32, u32, u32)> = memory
        .realloc_calls
        .iter()
        .map(|c| (c.1, c.2, c.3))
        .collect();
    assert_eq!(sizes, [(0, 2, 5), (5, 2, 4)]);
}

#[test]
fn latin1_utf16_switches_to_tagged_utf16_on_a_wide_char() {
    let opts = options(StringEncoding::Latin1Utf16, StringEncoding::Utf8);
    let (mut memory, ptr, len) = lower_string("é€", opts);
    assert_eq!(len, 2 | UTF16_TAG);
    let units: Vec<u16> = memory.bytes[ptr as usize..][..4]
        .chunks(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    assert_eq!(
        units,
        [0xe9, 0x20ac],
        "the Latin-1 prefix was widened in place"
    );
    // Optimistic 5 bytes, grown to 2 * 5, shrunk to the 4 bytes used.
    let sizes: Vec<(u32, u32)> = memory.realloc_calls.iter().map(|c| (c.1, c.3)).collect();
    assert_eq!(sizes, [(0, 5), (5, 10), (10, 4)]);
    assert_eq!(
        lift_string(&mut memory, StringEncoding::Latin1Utf16, ptr, len),
        Ok(Val::String("é€".into()))
    );
}

#[test]
fn utf16_sources_grow_to_three_bytes_per_unit_for_utf8() {
    let opts = options(StringEncoding::Utf8, StringEncoding::Utf16);
    let (mut memory, ptr, len) = lower_string("ab€", opts);
    assert_eq!(len, 5);
    let sizes: Vec<(u32, u32)> = memory.realloc_calls.iter().map(|c| (c.1, c.3)).collect();
    assert_eq!(
        sizes,
        [(0, 3), (3, 9), (9, 5)],
        "store_utf16_to_utf8: optimistic, worst case, shrink"
    );
    assert_eq!(
        lift_string(&mut memory, StringEncoding::Utf8, ptr, len),
        Ok(Val::String("ab€".into()))
    );
}

#[test]
fn latin1_sources_grow_to_two_bytes_per_unit_for_utf8() {
    let opts = options(StringEncoding::Utf8, StringEncoding::Latin1Utf16);
    let (_, _, len) = lower_string("aé", opts);
    assert_eq!(len, 3);
    let (memory, _, _) = lower_string("aé", opts);
    let sizes: Vec<(u32, u32)> = memory.realloc_calls.iter().map(|c| (c.1, c.3)).collect();
    assert_eq!(sizes, [(0, 2), (2, 4), (4, 3)]);
}

#[test]
fn ascii_needs_a_single_allocation_whatever_the_source() {
    for src in [
        StringEncoding::Utf8,
        StringEncoding::Utf16,
        StringEncoding::Latin1Utf16,
    ] {
        let (memory, _, len) = lower_string("plain", options(StringEncoding::Utf8, src));
        assert_eq!((len, memory.realloc_calls.len()), (5, 1), "{src:?}");
    }
}

#[test]
fn string_lifting_traps_on_bad_guest_data() {
    let mut memory = VecMemory::new(64);
    memory.bytes[8..12].copy_from_slice(&[0xff, 0xfe, 0x00, 0xd8]);
    let utf8_error = lift_string(&mut memory, StringEncoding::Utf8, 8, 2);
    assert!(trap_message(utf8_error).contains("UTF-8"));
    // 0xD800 alone: an unpaired surrogate.
    let utf16_error = lift_string(&mut memory, StringEncoding::Utf16, 10, 1);
    assert!(trap_message(utf16_error).contains("UTF-16"));
    assert!(
        trap_message(lift_string(&mut memory, StringEncoding::Utf16, 9, 1)).contains("aligned")
    );
    assert!(
        trap_message(lift_string(&mut memory, StringEncoding::Utf8, 60, 5))
            .contains("out of bounds")
    );
    // Lengths are bounded by the memory only: MAX_STRING_BYTE_LENGTH is
    // checked when storing, as in the spec.
    let too_long = lift_string(
        &mut memory,
        StringEncoding::Latin1Utf16,
        0,
        (1 << 30) | UTF16_TAG,
    );
    assert!(trap_message(too_long).contains("out of bounds"));
    assert!(
        trap_message(lift_string(&mut memory, StringEncoding::Utf8, 0, u32::MAX))
            .contains("out of bounds")
    );
    // Latin-1 decodes every byte.
    assert_eq!(
        lift_string(&mut memory, StringEncoding::Latin1Utf16, 8, 2),
        Ok(Val::String("ÿþ".into()))
    );
}

#[test]
fn strings_and_lists_need_a_memory() {
    let mut handles = PassThroughHandles;
    let mut cx = Context::new(utf8(), None, &mut handles);
    assert!(
        trap_message(lower_flat(&mut cx, &Val::String("x".into()), &Type::String))
            .contains("memory")
    );
    assert_eq!(
        lower_flat(&mut cx, &Val::U8(7), &Type::U8),
        Ok(vec![FlatVal::I32(7)])
    );
}

#[test]
fn scalars_lift_by_the_spec_rules() {
    let mut memory = VecMemory::new(64);
    let mut lift =
        |values: &[FlatVal], t: &Type| run(&mut memory, utf8(), |cx| lift_flat(cx, values, t));
    assert_eq!(
        lift(&[FlatVal::I32(2)], &Type::Bool),
        Ok(Val::Bool(true)),
        "non-zero is true"
    );
    assert_eq!(
        lift(&[FlatVal::I32(0x1ff)], &Type::U8),
        Ok(Val::U8(0xff)),
        "high bits ignored"
    );
    assert_eq!(lift(&[FlatVal::I32(0x180)], &Type::S8), Ok(Val::S8(-128)));
    assert_eq!(
        lift(&[FlatVal::I32(-1)], &Type::U32),
        Ok(Val::U32(u32::MAX))
    );
    assert_eq!(
        lift(&[FlatVal::I32(0x1f600)], &Type::Char),
        Ok(Val::Char('😀'))
    );
    assert!(trap_message(lift(&[FlatVal::I32(0xd800)], &Type::Char)).contains("scalar"));
    assert!(trap_message(lift(&[FlatVal::I32(0x110000)], &Type::Char)).contains("scalar"));
    let nan_with_payload = FlatVal::F32(0x7f80_0001);
    assert_eq!(
        lift(&[nan_with_payload], &Type::F32),
        Ok(Val::F32(f32::from_bits(0x7fc0_0000)))
    );
    let f64_nan = FlatVal::F64(0xfff0_0000_0000_0001);
    assert_eq!(
        lift(&[f64_nan], &Type::F64),
        Ok(Val::F64(f64::from_bits(0x7ff8_0000_0000_0000)))
    );
    let flags = Type::flags(["a", "b"]);
    assert_eq!(
        lift(&[FlatVal::I32(-1)], &flags),
        Ok(Val::Flags(vec!["a".into(), "b".into()]))
    );
    assert!(matches!(
        lift(&[FlatVal::I64(1)], &Type::U32),
        Err(Error::TypeMismatch(_))
    ));
    assert!(matches!(
        lift(&[FlatVal::I32(1), FlatVal::I32(1)], &Type::U32),
        Err(Error::TypeMismatch(_))
    ));
}

#[test]
fn scalars_lower_sign_extended_and_nan_canonical() {
    let mut memory = VecMemory::new(64);
    let mut lower =
        |v: Val, t: &Type| run(&mut memory, utf8(), |cx| lower_flat(cx, &v, t)).unwrap();
    assert_eq!(lower(Val::S8(-1), &Type::S8), [FlatVal::I32(-1)]);
    assert_eq!(lower(Val::U16(0xffff), &Type::U16), [FlatVal::I32(0xffff)]);
    assert_eq!(lower(Val::U64(u64::MAX), &Type::U64), [FlatVal::I64(-1)]);
    assert_eq!(
        lower(Val::F32(f32::from_bits(0xffc0_0001)), &Type::F32),
        [FlatVal::F32(0x7fc0_0000)]
    );
    assert_eq!(lower(Val::Bool(true), &Type::Bool), [FlatVal::I32(1)]);
}

#[test]
fn loads_trap_on_bad_discriminants_and_pointers() {
    let mut memory = VecMemory::new(64);
    memory.bytes[0] = 3;
    memory.bytes[4] = 2;
    let option = Type::option(Type::U8);
    let r = run(&mut memory, utf8(), |cx| load(cx, 0, &option));
    assert!(trap_message(r).contains("discriminant 3"));
    assert_eq!(
        run(&mut memory, utf8(), |cx| load(cx, 4, &Type::Bool)),
        Ok(Val::Bool(true))
    );
    assert!(
        trap_message(run(&mut memory, utf8(), |cx| load(cx, 2, &Type::U32))).contains("aligned")
    );
    assert!(
        trap_message(run(&mut memory, utf8(), |cx| load(cx, 64, &Type::U8)))
            .contains("out of bounds")
    );
    let r = run(&mut memory, utf8(), |cx| load(cx, u32::MAX, &Type::U32));
    assert!(trap_message(r).contains("aligned"), "no overflow near 2^32");
    let r = run(&mut memory, utf8(), |cx| load(cx, u32::MAX - 3, &Type::U32));
    assert!(trap_message(r).contains("out of bounds"));
    let flat = [FlatVal::I32(2), FlatVal::I32(0)];
    let r = run(&mut memory, utf8(), |cx| lift_flat(cx, &flat, &option));
    assert!(trap_message(r).contains("discriminant 2"));
}

#[test]
fn list_lifting_checks_length_alignment_and_bounds() {
    let mut memory = VecMemory::new(64);
    let lift = |memory: &mut VecMemory, ptr: i32, len: i32, elem: Type| {
        let flat = [FlatVal::I32(ptr), FlatVal::I32(len)];
        run(memory, utf8(), |cx| lift_flat(cx, &flat, &Type::list(elem)))
    };
    // 2^33 bytes: the byte length must not wrap around 32 bits.
    assert!(trap_message(lift(&mut memory, 0, 1 << 31, Type::U32)).contains("out of bounds"));
    assert!(trap_message(lift(&mut memory, 2, 1, Type::U32)).contains("aligned"));
    assert!(trap_message(lift(&mut memory, 60, 2, Type::U32)).contains("out of bounds"));
    memory.bytes[8..12].copy_from_slice(&[1, 0, 0, 0]);
    assert_eq!(
        lift(&mut memory, 8, 1, Type::U32),
        Ok(Val::List(vec![Val::U32(1)]))
    );
    assert_eq!(lift(&mut memory, 0, 0, Type::U64), Ok(Val::List(vec![])));
}

#[test]
fn host_lists_beyond_32_bits_trap_before_allocating() {
    let mut memory = VecMemory::new(RESERVED);
    // 64 KiB elements keep the host list small; the elements are never
    // looked at because the length check comes first.
    let elem = Type::tuple(std::iter::repeat_n(Type::U64, 8192));
    let big = Val::List(vec![Val::Bool(false); (1 << 16) + 1]);
    let r = run(&mut memory, utf8(), |cx| {
        lower_flat(cx, &big, &Type::list(elem))
    });
    assert!(trap_message(r).contains("32-bit memory"));
    assert!(memory.realloc_calls.is_empty());
}

/// A memory whose `realloc` returns a fixed, possibly bad, pointer.
struct FixedRealloc {
    bytes: Vec<u8>,
    ptr: u32,
}

impl GuestMemory for FixedRealloc {
    fn data(&self) -> &[u8] {
        &self.bytes
    }
    fn data_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
    fn realloc(&mut self, _: u32, _: u32, _: u32, _: u32) -> Result<u32, Error> {
        Ok(self.ptr)
    }
}

#[test]
fn bad_realloc_results_trap() {
    for (ptr, expected) in [(1, "aligned"), (60, "out of bounds")] {
        let mut memory = FixedRealloc {
            bytes: vec![0; 64],
            ptr,
        };
        let mut handles = PassThroughHandles;
        let mut cx = Context::new(utf8(), Some(&mut memory), &mut handles);
        let r = lower_flat(
            &mut cx,
            &Val::List(vec![Val::U32(1); 2]),
            &Type::list(Type::U32),
        );
        let message = trap_message(r);
        assert!(
            message.contains("realloc") && message.contains(expected),
            "{message}"
        );
    }
}

#[test]
fn variant_payloads_are_widened_into_joined_slots() {
    let t = Type::variant([
        ("a", Some(Type::F32)),
        ("b", Some(Type::U64)),
        ("c", Some(Type::S8)),
        ("d", None),
    ]);
    let mut memory = VecMemory::new(RESERVED);
    let cases = [
        (
            Val::Variant("a".into(), Some(Box::new(Val::F32(1.5)))),
            vec![FlatVal::I32(0), FlatVal::I64(i64::from(1.5f32.to_bits()))],
        ),
        (
            Val::Variant("b".into(), Some(Box::new(Val::U64(u64::MAX)))),
            vec![FlatVal::I32(1), FlatVal::I64(-1)],
        ),
        (
            Val::Variant("c".into(), Some(Box::new(Val::S8(-1)))),
            vec![FlatVal::I32(2), FlatVal::I64(0xffff_ffff)],
        ),
        (
            Val::Variant("d".into(), None),
            vec![FlatVal::I32(3), FlatVal::I64(0)],
        ),
    ];
    for (v, flat) in cases {
        assert_eq!(
            run(&mut memory, utf8(), |cx| lower_flat(cx, &v, &t)),
            Ok(flat.clone())
        );
        assert_eq!(
            run(&mut memory, utf8(), |cx| lift_flat(cx, &flat, &t)),
            Ok(v)
        );
    }
}

#[test]
fn records_are_laid_out_with_padding() {
    let t = Type::record([("a", Type::U8), ("b", Type::U32), ("c", Type::U16)]);
    let v = Val::Record(vec![
        ("a".into(), Val::U8(1)),
        ("b".into(), Val::U32(2)),
        ("c".into(), Val::U16(3)),
    ]);
    let mut memory = VecMemory::new(32);
    run(&mut memory, utf8(), |cx| store(cx, &v, &t, 8)).unwrap();
    assert_eq!(&memory.bytes[8..20], [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);
    assert_eq!(run(&mut memory, utf8(), |cx| load(cx, 8, &t)), Ok(v));
}

#[test]
fn store_rejects_values_of_another_type() {
    let mut memory = VecMemory::new(32);
    let r = run(&mut memory, utf8(), |cx| {
        store(cx, &Val::U8(1), &Type::S8, 0)
    });
    assert!(matches!(r, Err(Error::TypeMismatch(_))));
    let r = run(&mut memory, utf8(), |cx| {
        store(cx, &Val::Enum("zz".into()), &Type::enumeration(["a"]), 0)
    });
    assert!(matches!(r, Err(Error::TypeMismatch(_))));
}

fn u32_params(n: usize) -> (Vec<Type>, Vec<Val>) {
    (
        (0..n).map(|_| Type::U32).collect(),
        (0..n as u32).map(Val::U32).collect(),
    )
}

#[test]
fn sixteen_params_stay_flat_seventeen_spill() {
    let mut memory = VecMemory::new(RESERVED);
    let (types, values) = u32_params(16);
    let flat = run(&mut memory, utf8(), |cx| {
        lower_func_params(cx, &values, &types)
    })
    .unwrap();
    assert_eq!(flat.len(), 16);
    assert!(!params_through_memory(&types));

    let (types, values) = u32_params(17);
    assert!(params_through_memory(&types));
    let flat = run(&mut memory, utf8(), |cx| {
        lower_func_params(cx, &values, &types)
    })
    .unwrap();
    let [FlatVal::I32(ptr)] = flat[..] else {
        panic!("{flat:?}")
    };
    assert_eq!(memory.realloc_calls.last(), Some(&(0, 0, 4, 68)));
    assert_eq!(&memory.bytes[ptr as usize + 4..][..4], [1, 0, 0, 0]);
    assert_eq!(
        run(&mut memory, utf8(), |cx| lift_func_params(
            cx, &flat, &types
        )),
        Ok(values)
    );
}

#[test]
fn spilled_params_trap_on_a_bad_pointer() {
    let mut memory = VecMemory::new(64);
    let (types, _) = u32_params(17);
    let r = run(&mut memory, utf8(), |cx| {
        lift_func_params(cx, &[FlatVal::I32(2)], &types)
    });
    assert!(trap_message(r).contains("aligned"));
    let r = run(&mut memory, utf8(), |cx| {
        lift_func_params(cx, &[FlatVal::I32(8)], &types)
    });
    assert!(trap_message(r).contains("out of bounds"));
}

#[test]
fn results_beyond_one_core_value_go_through_memory() {
    let t = Type::String;
    assert!(result_through_memory(Some(&t)));
    assert!(!result_through_memory(Some(&Type::U64)));
    assert!(!result_through_memory(None));
    let v = Val::String("résumé".into());
    let mut memory = VecMemory::new(RESERVED);
    // canon lower: written through the caller's return pointer.
    let retptr = 8;
    let flat = run(&mut memory, utf8(), |cx| {
        lower_func_result(cx, Some(&v), Some(&t), Some(retptr))
    })
    .unwrap();
    assert!(flat.is_empty());
    // canon lift: the callee returned that pointer.
    let lifted = run(&mut memory, utf8(), |cx| {
        lift_func_result(cx, &[FlatVal::I32(retptr as i32)], Some(&t))
    });
    assert_eq!(lifted, Ok(Some(v.clone())));
    let missing = run(&mut memory, utf8(), |cx| {
        lower_func_result(cx, Some(&v), Some(&t), None)
    });
    assert!(matches!(missing, Err(Error::TypeMismatch(_))));
    let misaligned = run(&mut memory, utf8(), |cx| {
        lower_func_result(cx, Some(&v), Some(&t), Some(2))
    });
    assert!(trap_message(misaligned).contains("aligned"));

    let flat = run(&mut memory, utf8(), |cx| {
        lower_func_result(cx, Some(&Val::U64(9)), Some(&Type::U64), None)
    });
    assert_eq!(flat, Ok(vec![FlatVal::I64(9)]));
    assert_eq!(
        run(&mut memory, utf8(), |cx| lift_func_result(cx, &[], None)),
        Ok(None)
    );
}
