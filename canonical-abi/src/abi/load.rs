//! Reading values out of linear memory (CanonicalABI.md: "Loading").

use super::Context;
use super::memory::{Content, check_range, load_uint};
use super::strings::load_string_from_range;
use crate::error::{Error, trap_if};
use crate::types::{
    Despecialized, Type, align_to, alignment, despecialize, discriminant_size, elem_size,
    variant_payload_offset,
};
use crate::values::Val;

/// `load`: the value of type `t` at `ptr`.
///
/// The spec asserts `ptr` is aligned and in bounds (its callers check);
/// this entry point is public, so it checks and traps instead.
pub fn load(cx: &mut Context, ptr: u32, t: &Type) -> Result<Val, Error> {
    check_range(
        cx.memory()?,
        ptr,
        alignment(t),
        u64::from(elem_size(t)),
        Content::Value,
    )?;
    load_checked(cx, ptr, t)
}

/// `load` once the whole of `t` at `ptr` is known to be in bounds.
fn load_checked(cx: &mut Context, ptr: u32, t: &Type) -> Result<Val, Error> {
    let int =
        |cx: &mut Context, nbytes| -> Result<u64, Error> { load_uint(cx.memory()?, ptr, nbytes) };
    Ok(match t {
        // `convert_int_to_bool`: any non-zero byte is true.
        Type::Bool => Val::Bool(int(cx, 1)? != 0),
        Type::U8 => Val::U8(int(cx, 1)? as u8),
        Type::U16 => Val::U16(int(cx, 2)? as u16),
        Type::U32 => Val::U32(int(cx, 4)? as u32),
        Type::U64 => Val::U64(int(cx, 8)?),
        Type::S8 => Val::S8(int(cx, 1)? as u8 as i8),
        Type::S16 => Val::S16(int(cx, 2)? as u16 as i16),
        Type::S32 => Val::S32(int(cx, 4)? as u32 as i32),
        Type::S64 => Val::S64(int(cx, 8)? as i64),
        Type::F32 => Val::F32(decode_f32(int(cx, 4)? as u32)),
        Type::F64 => Val::F64(decode_f64(int(cx, 8)?)),
        Type::Char => Val::Char(convert_i32_to_char(int(cx, 4)? as u32)?),
        Type::String => {
            let begin = int(cx, 4)? as u32;
            let tagged_code_units = load_uint(cx.memory()?, ptr + 4, 4)? as u32;
            let encoding = cx.options.string_encoding;
            Val::String(load_string_from_range(
                cx.memory()?,
                encoding,
                begin,
                tagged_code_units,
            )?)
        }
        Type::List(elem) => {
            let begin = int(cx, 4)? as u32;
            let length = load_uint(cx.memory()?, ptr + 4, 4)? as u32;
            Val::List(load_list_from_range(cx, begin, length, elem)?)
        }
        Type::Flags(labels) => {
            let bits = int(cx, crate::types::flags_size(labels.len()))? as u32;
            Val::flags_from_bits(labels, bits)
        }
        Type::Own(rt) => {
            let index = int(cx, 4)? as u32;
            Val::Own(cx.resources.lift_own(*rt, index)?)
        }
        Type::Borrow(rt) => {
            let index = int(cx, 4)? as u32;
            Val::Borrow(cx.resources.lift_borrow(*rt, index)?)
        }
        Type::Record(_) | Type::Tuple(_) => load_record(cx, ptr, t)?,
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            load_variant(cx, ptr, t)?
        }
    })
}

/// `load_list_from_range`.
pub(crate) fn load_list_from_range(
    cx: &mut Context,
    ptr: u32,
    length: u32,
    elem: &Type,
) -> Result<Vec<Val>, Error> {
    let size = elem_size(elem);
    let byte_length = u64::from(length) * u64::from(size);
    // Bounded by the memory alone, as in the spec: element types are never
    // zero-sized (`Type::validate`), so a long list cannot hide in no bytes.
    check_range(
        cx.memory()?,
        ptr,
        alignment(elem),
        byte_length,
        Content::List,
    )?;
    (0..length)
        .map(|i| load_checked(cx, ptr + i * size, elem))
        .collect()
}

/// `load_record` (records and tuples).
fn load_record(cx: &mut Context, mut ptr: u32, t: &Type) -> Result<Val, Error> {
    let Despecialized::Record(field_types) = despecialize(t) else {
        return Err(Error::mismatch(format!("{t:?} is not a record")));
    };
    let mut values = Vec::with_capacity(field_types.len());
    for field in field_types {
        ptr = align_to(ptr, alignment(field));
        values.push(load_checked(cx, ptr, field)?);
        ptr += elem_size(field);
    }
    Ok(record_value(t, values))
}

/// Labels a record's field values with the names from its type.
pub(crate) fn record_value(t: &Type, values: Vec<Val>) -> Val {
    match t {
        Type::Record(fields) => {
            Val::Record(fields.iter().map(|f| f.name.clone()).zip(values).collect())
        }
        _ => Val::Tuple(values),
    }
}

/// `load_variant`.
fn load_variant(cx: &mut Context, ptr: u32, t: &Type) -> Result<Val, Error> {
    let Despecialized::Variant(cases) = despecialize(t) else {
        return Err(Error::mismatch(format!("{t:?} is not a variant")));
    };
    let case_index = load_uint(cx.memory()?, ptr, discriminant_size(cases.len()))?;
    trap_if(case_index >= cases.len() as u64, || {
        invalid_discriminant(case_index, cases.len())
    })?;
    let index = case_index as usize;
    let payload = match cases[index] {
        Some(payload_type) => Some(load_checked(
            cx,
            ptr + variant_payload_offset(&cases),
            payload_type,
        )?),
        None => None,
    };
    Val::from_case(t, index, payload)
}

/// The trap message of a case index past a variant's cases (wording the
/// component-model test suites assert, from wasmtime).
pub(crate) fn invalid_discriminant(case_index: u64, case_count: usize) -> String {
    format!(
        "invalid variant discriminant: discriminant {case_index} out of range [0..{case_count})"
    )
}

/// `convert_i32_to_char`: traps on surrogates and values past U+10FFFF.
pub(crate) fn convert_i32_to_char(i: u32) -> Result<char, Error> {
    char::from_u32(i).ok_or_else(|| {
        Error::trap(format!(
            "invalid `char` bit pattern: {i:#x} is not a Unicode scalar value"
        ))
    })
}

/// `decode_i32_as_float`: every NaN becomes the canonical NaN.
pub(crate) fn decode_f32(bits: u32) -> f32 {
    let f = f32::from_bits(bits);
    if f.is_nan() {
        f32::from_bits(CANONICAL_FLOAT32_NAN)
    } else {
        f
    }
}

/// `decode_i64_as_float`.
pub(crate) fn decode_f64(bits: u64) -> f64 {
    let f = f64::from_bits(bits);
    if f.is_nan() {
        f64::from_bits(CANONICAL_FLOAT64_NAN)
    } else {
        f
    }
}

pub(crate) const CANONICAL_FLOAT32_NAN: u32 = 0x7fc0_0000;
pub(crate) const CANONICAL_FLOAT64_NAN: u64 = 0x7ff8_0000_0000_0000;
