//! Values as sequences of core values (CanonicalABI.md: "Flat Lifting",
//! "Flat Lowering").

use super::Context;
use super::load::{
    convert_i32_to_char, decode_f32, decode_f64, invalid_discriminant, load_list_from_range,
    record_value,
};
use super::store::{encode_f32, encode_f64, record_fields, store_list_into_range, store_string};
use super::strings::load_string_from_range;
use crate::error::{Error, trap_if};
use crate::types::{CoreType, Despecialized, Type, despecialize, flatten_type, flatten_variant};
use crate::values::{FlatVal, Val, type_error};

/// `CoreValueIter`: where flat lifting takes its core values from.
pub(crate) trait FlatSource {
    fn next(&mut self, want: CoreType) -> Result<FlatVal, Error>;
}

/// Core values handed over by the caller, in order.
pub(crate) struct SliceSource<'a> {
    values: std::slice::Iter<'a, FlatVal>,
}

impl<'a> SliceSource<'a> {
    pub(crate) fn new(values: &'a [FlatVal]) -> Self {
        SliceSource {
            values: values.iter(),
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.values.len() == 0
    }
}

impl FlatSource for SliceSource<'_> {
    fn next(&mut self, want: CoreType) -> Result<FlatVal, Error> {
        match self.values.next() {
            Some(v) if v.ty() == want => Ok(*v),
            Some(v) => Err(Error::mismatch(format!(
                "core value {v:?} where {want:?} was expected"
            ))),
            None => Err(Error::mismatch(format!(
                "missing core value of type {want:?}"
            ))),
        }
    }
}

/// `lift_flat`: consumes the core values of one value of type `t`.
pub fn lift_flat(cx: &mut Context, values: &[FlatVal], t: &Type) -> Result<Val, Error> {
    let mut source = SliceSource::new(values);
    let v = lift_flat_from(cx, &mut source, t)?;
    if !source.is_done() {
        return Err(Error::mismatch(format!(
            "more core values than {t:?} flattens to"
        )));
    }
    Ok(v)
}

pub(crate) fn lift_flat_from(
    cx: &mut Context,
    vi: &mut dyn FlatSource,
    t: &Type,
) -> Result<Val, Error> {
    let i32 = |vi: &mut dyn FlatSource| -> Result<u32, Error> {
        match vi.next(CoreType::I32)? {
            FlatVal::I32(i) => Ok(i as u32),
            other => Err(Error::mismatch(format!("{other:?} is not an i32"))),
        }
    };
    let i64 = |vi: &mut dyn FlatSource| -> Result<u64, Error> {
        match vi.next(CoreType::I64)? {
            FlatVal::I64(i) => Ok(i as u64),
            other => Err(Error::mismatch(format!("{other:?} is not an i64"))),
        }
    };
    // `lift_flat_unsigned` / `lift_flat_signed`: the high bits of the core
    // value are ignored, the rest reinterpreted at the value's width.
    Ok(match t {
        Type::Bool => Val::Bool(i32(vi)? != 0),
        Type::U8 => Val::U8(i32(vi)? as u8),
        Type::U16 => Val::U16(i32(vi)? as u16),
        Type::U32 => Val::U32(i32(vi)?),
        Type::U64 => Val::U64(i64(vi)?),
        Type::S8 => Val::S8(i32(vi)? as u8 as i8),
        Type::S16 => Val::S16(i32(vi)? as u16 as i16),
        Type::S32 => Val::S32(i32(vi)? as i32),
        Type::S64 => Val::S64(i64(vi)? as i64),
        Type::F32 => match vi.next(CoreType::F32)? {
            FlatVal::F32(bits) => Val::F32(decode_f32(bits)),
            other => return Err(Error::mismatch(format!("{other:?} is not an f32"))),
        },
        Type::F64 => match vi.next(CoreType::F64)? {
            FlatVal::F64(bits) => Val::F64(decode_f64(bits)),
            other => return Err(Error::mismatch(format!("{other:?} is not an f64"))),
        },
        Type::Char => Val::Char(convert_i32_to_char(i32(vi)?)?),
        Type::String => {
            // `lift_flat_string`
            let (ptr, tagged_code_units) = (i32(vi)?, i32(vi)?);
            let encoding = cx.options.string_encoding;
            Val::String(load_string_from_range(
                cx.memory()?,
                encoding,
                ptr,
                tagged_code_units,
            )?)
        }
        Type::List(elem) => {
            // `lift_flat_list`
            let (ptr, length) = (i32(vi)?, i32(vi)?);
            Val::List(load_list_from_range(cx, ptr, length, elem)?)
        }
        // `lift_flat_flags`: bits beyond the labels are ignored.
        Type::Flags(labels) => Val::flags_from_bits(labels, i32(vi)?),
        Type::Own(rt) => Val::Own(cx.resources.lift_own(*rt, i32(vi)?)?),
        Type::Borrow(rt) => Val::Borrow(cx.resources.lift_borrow(*rt, i32(vi)?)?),
        Type::Record(_) | Type::Tuple(_) => {
            // `lift_flat_record`
            let Despecialized::Record(fields) = despecialize(t) else {
                return Err(not_a(t, "record"));
            };
            let values = fields
                .into_iter()
                .map(|f| lift_flat_from(cx, vi, f))
                .collect::<Result<_, _>>()?;
            record_value(t, values)
        }
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            lift_flat_variant(cx, vi, t)?
        }
    })
}

fn not_a(t: &Type, what: &str) -> Error {
    Error::mismatch(format!("{t:?} is not a {what}"))
}

/// `lift_flat_variant`.
fn lift_flat_variant(cx: &mut Context, vi: &mut dyn FlatSource, t: &Type) -> Result<Val, Error> {
    let Despecialized::Variant(cases) = despecialize(t) else {
        return Err(not_a(t, "variant"));
    };
    // The joined payload types, without the leading i32 discriminant.
    let joined = flatten_variant(&cases).split_off(1);
    let case_index = match vi.next(CoreType::I32)? {
        FlatVal::I32(i) => i as u32,
        other => {
            return Err(Error::mismatch(format!(
                "{other:?} is not an i32 discriminant"
            )));
        }
    };
    trap_if(case_index as usize >= cases.len(), || {
        invalid_discriminant(u64::from(case_index), cases.len())
    })?;
    let index = case_index as usize;
    let mut coerce = CoerceSource {
        inner: vi,
        joined: joined.iter(),
    };
    let payload = match cases[index] {
        Some(payload_type) => Some(lift_flat_from(cx, &mut coerce, payload_type)?),
        None => None,
    };
    // Skip the joined slots this case's payload did not use.
    let CoerceSource {
        inner,
        joined: rest,
    } = coerce;
    for have in rest {
        inner.next(*have)?;
    }
    Val::from_case(t, index, payload)
}

/// `CoerceValueIter`: reads a case's payload out of the variant's joined
/// slots, converting each slot back to the type the case wants.
struct CoerceSource<'a, 'b> {
    inner: &'a mut dyn FlatSource,
    joined: std::slice::Iter<'b, CoreType>,
}

impl FlatSource for CoerceSource<'_, '_> {
    fn next(&mut self, want: CoreType) -> Result<FlatVal, Error> {
        let have = *self
            .joined
            .next()
            .ok_or_else(|| Error::mismatch("variant payload longer than its joined flattening"))?;
        let x = self.inner.next(have)?;
        Ok(match (x, want) {
            (FlatVal::I32(i), CoreType::F32) => FlatVal::F32(i as u32),
            (FlatVal::I64(i), CoreType::I32) => FlatVal::I32(i as i32),
            (FlatVal::I64(i), CoreType::F32) => FlatVal::F32(i as u32),
            (FlatVal::I64(i), CoreType::F64) => FlatVal::F64(i as u64),
            (x, want) if x.ty() == want => x,
            (x, want) => {
                return Err(Error::mismatch(format!(
                    "cannot read {want:?} out of joined slot {x:?}"
                )));
            }
        })
    }
}

/// `lower_flat`: the core values of `v` at type `t`.
pub fn lower_flat(cx: &mut Context, v: &Val, t: &Type) -> Result<Vec<FlatVal>, Error> {
    let mut out = Vec::new();
    lower_flat_into(cx, v, t, &mut out)?;
    Ok(out)
}

pub(crate) fn lower_flat_into(
    cx: &mut Context,
    v: &Val,
    t: &Type,
    out: &mut Vec<FlatVal>,
) -> Result<(), Error> {
    let i32 = |i: u32| FlatVal::I32(i as i32);
    match (v, t) {
        (Val::Bool(b), Type::Bool) => out.push(i32(u32::from(*b))),
        (Val::U8(i), Type::U8) => out.push(i32(u32::from(*i))),
        (Val::U16(i), Type::U16) => out.push(i32(u32::from(*i))),
        (Val::U32(i), Type::U32) => out.push(i32(*i)),
        (Val::U64(i), Type::U64) => out.push(FlatVal::I64(*i as i64)),
        // `lower_flat_signed`: sign-extended to the core width.
        (Val::S8(i), Type::S8) => out.push(FlatVal::I32(i32::from(*i))),
        (Val::S16(i), Type::S16) => out.push(FlatVal::I32(i32::from(*i))),
        (Val::S32(i), Type::S32) => out.push(FlatVal::I32(*i)),
        (Val::S64(i), Type::S64) => out.push(FlatVal::I64(*i)),
        (Val::F32(f), Type::F32) => out.push(FlatVal::F32(encode_f32(*f))),
        (Val::F64(f), Type::F64) => out.push(FlatVal::F64(encode_f64(*f))),
        (Val::Char(c), Type::Char) => out.push(i32(u32::from(*c))),
        (Val::String(s), Type::String) => {
            // `lower_flat_string`
            let (ptr, tagged_code_units) = store_string(cx, s)?;
            out.extend([i32(ptr), i32(tagged_code_units)]);
        }
        (Val::List(items), Type::List(elem)) => {
            // `lower_flat_list`
            let (ptr, length) = store_list_into_range(cx, items, elem)?;
            out.extend([i32(ptr), i32(length)]);
        }
        (Val::Flags(_), Type::Flags(_)) => out.push(i32(v.flags_bits(t)?)),
        (Val::Own(h), Type::Own(rt)) => out.push(i32(cx.resources.lower_own(*rt, *h)?)),
        (Val::Borrow(h), Type::Borrow(rt)) => out.push(i32(cx.resources.lower_borrow(*rt, *h)?)),
        (Val::Record(_) | Val::Tuple(_), Type::Record(_) | Type::Tuple(_)) => {
            // `lower_flat_record`
            let Despecialized::Record(types) = despecialize(t) else {
                return Err(type_error(v, t));
            };
            for (value, field) in record_fields(v, t)?.into_iter().zip(types) {
                lower_flat_into(cx, value, field, out)?;
            }
        }
        (
            Val::Variant(..) | Val::Enum(_) | Val::Option(_) | Val::Result(_),
            Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. },
        ) => lower_flat_variant(cx, v, t, out)?,
        _ => return Err(type_error(v, t)),
    }
    Ok(())
}

/// `lower_flat_variant`: the discriminant, the case's payload widened into
/// the joined slots, then zeros for the slots it does not use.
fn lower_flat_variant(
    cx: &mut Context,
    v: &Val,
    t: &Type,
    out: &mut Vec<FlatVal>,
) -> Result<(), Error> {
    let Despecialized::Variant(cases) = despecialize(t) else {
        return Err(type_error(v, t));
    };
    let joined = flatten_variant(&cases).split_off(1);
    let (index, payload) = v.variant_case(t)?;
    out.push(FlatVal::I32(index as i32));
    let mut written = 0;
    match (payload, cases[index]) {
        (Some(value), Some(payload_type)) => {
            let mut flat = Vec::new();
            lower_flat_into(cx, value, payload_type, &mut flat)?;
            debug_assert_eq!(flat.len(), flatten_type(payload_type).len());
            for (x, want) in flat.into_iter().zip(&joined) {
                out.push(widen(x, *want)?);
                written += 1;
            }
        }
        (None, None) => {}
        _ => {
            return Err(Error::mismatch(format!(
                "payload does not match case {index} of {t:?}"
            )));
        }
    }
    out.extend(joined[written..].iter().map(|t| FlatVal::zero(*t)));
    Ok(())
}

/// The `(have, want)` conversions of `lower_flat_variant`. Float bits were
/// already NaN-canonicalized when the payload was lowered.
fn widen(x: FlatVal, want: CoreType) -> Result<FlatVal, Error> {
    Ok(match (x, want) {
        (FlatVal::F32(bits), CoreType::I32) => FlatVal::I32(bits as i32),
        (FlatVal::I32(i), CoreType::I64) => FlatVal::I64(i64::from(i as u32)),
        (FlatVal::F32(bits), CoreType::I64) => FlatVal::I64(i64::from(bits)),
        (FlatVal::F64(bits), CoreType::I64) => FlatVal::I64(bits as i64),
        (x, want) if x.ty() == want => x,
        (x, want) => return Err(Error::mismatch(format!("cannot widen {x:?} to {want:?}"))),
    })
}
