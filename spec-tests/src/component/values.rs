//! Conversions between script component values (`(u32.const 1)`,
//! `(record.const (field "a" (str.const "x")))`, ...) and host component values.

use myrt_canonical_abi::Val;
use wast::component::WastVal;
use wast::{WastArg, WastRet};

/// Turns an `invoke` argument into a component value. Script values carry
/// their own labels, so no type is needed; lowering checks them against the
/// parameter type.
pub(crate) fn arg_to_val(arg: &WastArg<'_>) -> Result<Val, String> {
    match arg {
        WastArg::Component(value) => Ok(to_val(value)),
        WastArg::Core(core) => Err(format!(
            "core argument {core:?} given to a component function"
        )),
        _ => Err(format!("unsupported argument {arg:?}")),
    }
}

fn to_val(value: &WastVal<'_>) -> Val {
    let boxed = |value: &Option<Box<WastVal<'_>>>| value.as_deref().map(|v| Box::new(to_val(v)));
    match value {
        WastVal::Bool(x) => Val::Bool(*x),
        WastVal::U8(x) => Val::U8(*x),
        WastVal::S8(x) => Val::S8(*x),
        WastVal::U16(x) => Val::U16(*x),
        WastVal::S16(x) => Val::S16(*x),
        WastVal::U32(x) => Val::U32(*x),
        WastVal::S32(x) => Val::S32(*x),
        WastVal::U64(x) => Val::U64(*x),
        WastVal::S64(x) => Val::S64(*x),
        WastVal::F32(x) => Val::F32(f32::from_bits(x.bits)),
        WastVal::F64(x) => Val::F64(f64::from_bits(x.bits)),
        WastVal::Char(x) => Val::Char(*x),
        WastVal::String(x) => Val::String((*x).to_string()),
        WastVal::List(items) => Val::List(items.iter().map(to_val).collect()),
        WastVal::Record(fields) => Val::Record(
            fields
                .iter()
                .map(|(name, v)| ((*name).to_string(), to_val(v)))
                .collect(),
        ),
        WastVal::Tuple(items) => Val::Tuple(items.iter().map(to_val).collect()),
        WastVal::Variant(name, payload) => Val::Variant((*name).to_string(), boxed(payload)),
        WastVal::Enum(name) => Val::Enum((*name).to_string()),
        WastVal::Option(payload) => Val::Option(boxed(payload)),
        WastVal::Result(Ok(payload)) => Val::Result(Ok(boxed(payload))),
        WastVal::Result(Err(payload)) => Val::Result(Err(boxed(payload))),
        WastVal::Flags(names) => Val::Flags(names.iter().map(|n| (*n).to_string()).collect()),
    }
}

/// Checks one result against its expectation; the error describes the mismatch.
pub(crate) fn check_result(actual: &Val, expected: &WastRet<'_>) -> Result<(), String> {
    let WastRet::Component(expected) = expected else {
        return Err(format!(
            "core result {expected:?} expected from a component function"
        ));
    };
    let expected = to_val(expected);
    if same_value(actual, &expected) {
        Ok(())
    } else {
        Err(format!("expected {expected:?}, got {actual:?}"))
    }
}

/// Structural equality where NaNs of either payload match one another
/// (lifting canonicalizes NaNs, CanonicalABI.md `canonicalize_nan`) and
/// flags compare as sets (the script may name them in any order).
fn same_value(actual: &Val, expected: &Val) -> bool {
    let same_payload = |a: &Option<Box<Val>>, e: &Option<Box<Val>>| match (a, e) {
        (None, None) => true,
        (Some(a), Some(e)) => same_value(a, e),
        _ => false,
    };
    let same_all =
        |a: &[Val], e: &[Val]| a.len() == e.len() && a.iter().zip(e).all(|(a, e)| same_value(a, e));
    match (actual, expected) {
        (Val::F32(a), Val::F32(e)) => (a.is_nan() && e.is_nan()) || a.to_bits() == e.to_bits(),
        (Val::F64(a), Val::F64(e)) => (a.is_nan() && e.is_nan()) || a.to_bits() == e.to_bits(),
        (Val::List(a), Val::List(e)) | (Val::Tuple(a), Val::Tuple(e)) => same_all(a, e),
        (Val::Record(a), Val::Record(e)) => {
            a.len() == e.len()
                && a.iter()
                    .zip(e)
                    .all(|((an, av), (en, ev))| an == en && same_value(av, ev))
        }
        (Val::Variant(an, a), Val::Variant(en, e)) => an == en && same_payload(a, e),
        (Val::Option(a), Val::Option(e)) => same_payload(a, e),
        (Val::Result(Ok(a)), Val::Result(Ok(e))) | (Val::Result(Err(a)), Val::Result(Err(e))) => {
            same_payload(a, e)
        }
        (Val::Flags(a), Val::Flags(e)) => {
            let mut a = a.clone();
            let mut e = e.clone();
            a.sort();
            e.sort();
            a == e
        }
        _ => actual == expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nans_match_any_nan_and_flags_match_in_any_order() {
        assert!(same_value(&Val::F32(f32::NAN), &Val::F32(-f32::NAN)));
        assert!(!same_value(&Val::F64(0.0), &Val::F64(-0.0)));
        assert!(same_value(
            &Val::Flags(vec!["a".into(), "b".into()]),
            &Val::Flags(vec!["b".into(), "a".into()])
        ));
        assert!(!same_value(
            &Val::Option(Some(Box::new(Val::U8(1)))),
            &Val::Option(None)
        ));
    }
}
