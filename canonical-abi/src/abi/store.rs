//! Writing values into linear memory (CanonicalABI.md: "Storing").

use super::Context;
use super::memory::{Content, check_range, realloc_checked, store_uint};
use super::strings::store_string_into_range;
use crate::error::{Error, trap_if};
use crate::types::{
    Despecialized, Type, align_to, alignment, despecialize, discriminant_size, elem_size,
    variant_payload_offset,
};
use crate::values::{Val, type_error};

/// `store`: writes `v` of type `t` at `ptr`, allocating through `realloc`
/// for strings and lists.
///
/// The spec asserts `ptr` is aligned and in bounds; this entry point is
/// public, so it checks and traps instead.
pub fn store(cx: &mut Context, v: &Val, t: &Type, ptr: u32) -> Result<(), Error> {
    check_range(
        cx.memory()?,
        ptr,
        alignment(t),
        u64::from(elem_size(t)),
        Content::Value,
    )?;
    store_checked(cx, v, t, ptr)
}

fn store_checked(cx: &mut Context, v: &Val, t: &Type, ptr: u32) -> Result<(), Error> {
    let int = |cx: &mut Context, value: u64, nbytes| store_uint(cx.memory()?, value, ptr, nbytes);
    match (v, t) {
        (Val::Bool(b), Type::Bool) => int(cx, u64::from(*b), 1),
        (Val::U8(i), Type::U8) => int(cx, u64::from(*i), 1),
        (Val::U16(i), Type::U16) => int(cx, u64::from(*i), 2),
        (Val::U32(i), Type::U32) => int(cx, u64::from(*i), 4),
        (Val::U64(i), Type::U64) => int(cx, *i, 8),
        (Val::S8(i), Type::S8) => int(cx, *i as u8 as u64, 1),
        (Val::S16(i), Type::S16) => int(cx, *i as u16 as u64, 2),
        (Val::S32(i), Type::S32) => int(cx, *i as u32 as u64, 4),
        (Val::S64(i), Type::S64) => int(cx, *i as u64, 8),
        (Val::F32(f), Type::F32) => int(cx, u64::from(encode_f32(*f)), 4),
        (Val::F64(f), Type::F64) => int(cx, encode_f64(*f), 8),
        (Val::Char(c), Type::Char) => int(cx, u64::from(u32::from(*c)), 4),
        (Val::String(s), Type::String) => {
            let (begin, tagged_code_units) = store_string(cx, s)?;
            int(cx, u64::from(begin), 4)?;
            store_uint(cx.memory()?, u64::from(tagged_code_units), ptr + 4, 4)
        }
        (Val::List(items), Type::List(elem)) => {
            let (begin, length) = store_list_into_range(cx, items, elem)?;
            int(cx, u64::from(begin), 4)?;
            store_uint(cx.memory()?, u64::from(length), ptr + 4, 4)
        }
        (Val::Flags(_), Type::Flags(labels)) => {
            let bits = v.flags_bits(t)?;
            int(cx, u64::from(bits), crate::types::flags_size(labels.len()))
        }
        (Val::Own(h), Type::Own(rt)) => {
            let index = cx.resources.lower_own(*rt, *h)?;
            int(cx, u64::from(index), 4)
        }
        (Val::Borrow(h), Type::Borrow(rt)) => {
            let index = cx.resources.lower_borrow(*rt, *h)?;
            int(cx, u64::from(index), 4)
        }
        (Val::Record(_) | Val::Tuple(_), Type::Record(_) | Type::Tuple(_)) => {
            store_record(cx, v, t, ptr)
        }
        (
            Val::Variant(..) | Val::Enum(_) | Val::Option(_) | Val::Result(_),
            Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. },
        ) => store_variant(cx, v, t, ptr),
        _ => Err(type_error(v, t)),
    }
}

/// `store_string_into_range` with this context's encodings.
pub(crate) fn store_string(cx: &mut Context, s: &str) -> Result<(u32, u32), Error> {
    let (dst, src) = (
        cx.options.string_encoding,
        cx.options.source_string_encoding,
    );
    store_string_into_range(cx.memory()?, dst, src, s)
}

/// `store_list_into_range`: allocates the list's bytes and stores each
/// element; returns `(ptr, length)`.
pub(crate) fn store_list_into_range(
    cx: &mut Context,
    items: &[Val],
    elem: &Type,
) -> Result<(u32, u32), Error> {
    let size = elem_size(elem);
    let byte_length = items.len() as u64 * u64::from(size);
    // `trap_if(byte_length >= (1 << 32))`: only a host-made list can be
    // that long.
    trap_if(byte_length > u64::from(u32::MAX), || {
        format!("list of {byte_length} bytes does not fit a 32-bit memory")
    })?;
    let ptr = realloc_checked(
        cx.memory()?,
        0,
        0,
        alignment(elem),
        byte_length as u32,
        Content::List,
    )?;
    for (i, item) in items.iter().enumerate() {
        store_checked(cx, item, elem, ptr + i as u32 * size)?;
    }
    Ok((ptr, items.len() as u32))
}

/// The field values of a record or tuple value, checked against its type.
pub(crate) fn record_fields<'v>(v: &'v Val, t: &Type) -> Result<Vec<&'v Val>, Error> {
    let values: Vec<&Val> = match (v, t) {
        (Val::Record(fields), Type::Record(types)) => {
            for ((name, _), field) in fields.iter().zip(types.iter()) {
                if *name != field.name {
                    return Err(Error::mismatch(format!(
                        "record field `{name}` where the type has `{}`",
                        field.name
                    )));
                }
            }
            fields.iter().map(|(_, v)| v).collect()
        }
        (Val::Tuple(items), Type::Tuple(_)) => items.iter().collect(),
        _ => return Err(type_error(v, t)),
    };
    let Despecialized::Record(types) = despecialize(t) else {
        return Err(type_error(v, t));
    };
    if values.len() != types.len() {
        return Err(Error::mismatch(format!(
            "{} fields for a type with {}",
            values.len(),
            types.len()
        )));
    }
    Ok(values)
}

/// `store_record`.
fn store_record(cx: &mut Context, v: &Val, t: &Type, mut ptr: u32) -> Result<(), Error> {
    let Despecialized::Record(types) = despecialize(t) else {
        return Err(type_error(v, t));
    };
    for (value, field) in record_fields(v, t)?.into_iter().zip(types) {
        ptr = align_to(ptr, alignment(field));
        store_checked(cx, value, field, ptr)?;
        ptr += elem_size(field);
    }
    Ok(())
}

/// `store_variant`.
fn store_variant(cx: &mut Context, v: &Val, t: &Type, ptr: u32) -> Result<(), Error> {
    let Despecialized::Variant(cases) = despecialize(t) else {
        return Err(type_error(v, t));
    };
    let (index, payload) = v.variant_case(t)?;
    store_uint(
        cx.memory()?,
        index as u64,
        ptr,
        discriminant_size(cases.len()),
    )?;
    let payload_ptr = ptr + variant_payload_offset(&cases);
    match (payload, cases[index]) {
        (Some(value), Some(payload_type)) => store_checked(cx, value, payload_type, payload_ptr),
        (None, None) => Ok(()),
        _ => Err(Error::mismatch(format!(
            "payload does not match case {index} of {t:?}"
        ))),
    }
}

/// `encode_float_as_i32` under the deterministic profile: NaNs are stored
/// as the canonical NaN rather than scrambled.
pub(crate) fn encode_f32(f: f32) -> u32 {
    if f.is_nan() {
        super::load::CANONICAL_FLOAT32_NAN
    } else {
        f.to_bits()
    }
}

/// `encode_float_as_i64`.
pub(crate) fn encode_f64(f: f64) -> u64 {
    if f.is_nan() {
        super::load::CANONICAL_FLOAT64_NAN
    } else {
        f.to_bits()
    }
}
