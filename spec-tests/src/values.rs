//! Conversions between script values (`(i32.const 1)`, `(ref.extern 2)`,
//! `nan:canonical`, ...) and interpreter values.

use myrt_interp::{ExternRef, Store, Val};
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

/// Turns an `invoke` argument into a value. `ref.extern N` becomes an
/// externref holding the `u32` N, so that results can be compared by payload.
pub(crate) fn arg_to_val(store: &mut Store<()>, arg: &WastArg<'_>) -> Result<Val, String> {
    let WastArg::Core(arg) = arg else {
        return Err("component-model arguments are not supported".to_string());
    };
    Ok(match arg {
        WastArgCore::I32(x) => Val::I32(*x),
        WastArgCore::I64(x) => Val::I64(*x),
        WastArgCore::F32(x) => Val::F32(x.bits),
        WastArgCore::F64(x) => Val::F64(x.bits),
        WastArgCore::RefNull(heap) => match abstract_heap_type(heap) {
            Some(AbstractHeapType::Func) => Val::FuncRef(None),
            Some(AbstractHeapType::Extern) => Val::ExternRef(None),
            _ => return Err(format!("unsupported null reference type {heap:?}")),
        },
        WastArgCore::RefExtern(payload) => {
            Val::ExternRef(Some(ExternRef::new(&mut *store, *payload)))
        }
        WastArgCore::V128(_) | WastArgCore::RefHost(_) => {
            return Err(format!("unsupported argument {arg:?}"));
        }
    })
}

/// Checks one result against its expectation; the error describes the mismatch.
pub(crate) fn check_result(
    store: &Store<()>,
    actual: &Val,
    expected: &WastRet<'_>,
) -> Result<(), String> {
    let WastRet::Core(expected) = expected else {
        return Err("component-model results are not supported".to_string());
    };
    if matches(store, actual, expected)? {
        Ok(())
    } else {
        Err(format!(
            "expected {}, got {}",
            describe_expected(expected),
            describe_val(store, actual)
        ))
    }
}

fn matches(store: &Store<()>, actual: &Val, expected: &WastRetCore<'_>) -> Result<bool, String> {
    Ok(match (expected, actual) {
        (WastRetCore::I32(e), Val::I32(a)) => e == a,
        (WastRetCore::I64(e), Val::I64(a)) => e == a,
        (WastRetCore::F32(pattern), Val::F32(bits)) => matches_f32(pattern, *bits),
        (WastRetCore::F64(pattern), Val::F64(bits)) => matches_f64(pattern, *bits),
        (WastRetCore::RefNull(heap), Val::FuncRef(r)) => {
            r.is_none() && heap_type_allows(heap.as_ref(), AbstractHeapType::Func)
        }
        (WastRetCore::RefNull(heap), Val::ExternRef(r)) => {
            r.is_none() && heap_type_allows(heap.as_ref(), AbstractHeapType::Extern)
        }
        (WastRetCore::RefFunc(_), Val::FuncRef(r)) => r.is_some(),
        (WastRetCore::RefExtern(payload), Val::ExternRef(r)) => match (payload, r) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(payload), Some(r)) => r.data(store).downcast_ref::<u32>() == Some(payload),
        },
        (WastRetCore::Either(options), _) => {
            for option in options {
                if matches(store, actual, option)? {
                    return Ok(true);
                }
            }
            false
        }
        (
            WastRetCore::V128(_)
            | WastRetCore::RefHost(_)
            | WastRetCore::RefAny
            | WastRetCore::RefEq
            | WastRetCore::RefArray
            | WastRetCore::RefStruct
            | WastRetCore::RefI31
            | WastRetCore::RefI31Shared,
            _,
        ) => return Err(format!("unsupported expected result {expected:?}")),
        _ => false,
    })
}

// A canonical NaN has only the quiet bit of the payload set; an arithmetic
// NaN has at least the quiet bit set. The sign is free in both.
// (WebAssembly spec, 4.3.3 "NaN propagation").
fn matches_f32(pattern: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    const QUIET_NAN: u32 = 0x7fc0_0000;
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == QUIET_NAN,
        NanPattern::ArithmeticNan => bits & QUIET_NAN == QUIET_NAN,
        NanPattern::Value(expected) => expected.bits == bits,
    }
}

fn matches_f64(pattern: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    const QUIET_NAN: u64 = 0x7ff8_0000_0000_0000;
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == QUIET_NAN,
        NanPattern::ArithmeticNan => bits & QUIET_NAN == QUIET_NAN,
        NanPattern::Value(expected) => expected.bits == bits,
    }
}

fn abstract_heap_type(heap: &HeapType<'_>) -> Option<AbstractHeapType> {
    match heap {
        HeapType::Abstract { shared: false, ty } => Some(*ty),
        _ => None,
    }
}

/// `(ref.null)` without a type matches any null; `(ref.null func)` only a null funcref.
fn heap_type_allows(expected: Option<&HeapType<'_>>, actual: AbstractHeapType) -> bool {
    match expected.map(abstract_heap_type) {
        None => true,
        Some(Some(expected)) => expected == actual,
        Some(None) => false,
    }
}

fn describe_expected(expected: &WastRetCore<'_>) -> String {
    match expected {
        WastRetCore::I32(x) => format!("i32 {x}"),
        WastRetCore::I64(x) => format!("i64 {x}"),
        WastRetCore::F32(NanPattern::Value(x)) => {
            format!("f32 {} (0x{:08x})", f32::from_bits(x.bits), x.bits)
        }
        WastRetCore::F64(NanPattern::Value(x)) => {
            format!("f64 {} (0x{:016x})", f64::from_bits(x.bits), x.bits)
        }
        WastRetCore::F32(NanPattern::CanonicalNan) => "f32 nan:canonical".to_string(),
        WastRetCore::F32(NanPattern::ArithmeticNan) => "f32 nan:arithmetic".to_string(),
        WastRetCore::F64(NanPattern::CanonicalNan) => "f64 nan:canonical".to_string(),
        WastRetCore::F64(NanPattern::ArithmeticNan) => "f64 nan:arithmetic".to_string(),
        WastRetCore::RefNull(_) => "ref.null".to_string(),
        WastRetCore::RefFunc(_) => "ref.func".to_string(),
        WastRetCore::RefExtern(Some(payload)) => format!("ref.extern {payload}"),
        WastRetCore::RefExtern(None) => "ref.extern".to_string(),
        WastRetCore::Either(options) => {
            let options: Vec<String> = options.iter().map(describe_expected).collect();
            format!("either({})", options.join(" | "))
        }
        other => format!("{other:?}"),
    }
}

pub(crate) fn describe_val(store: &Store<()>, val: &Val) -> String {
    match val {
        Val::I32(x) => format!("i32 {x}"),
        Val::I64(x) => format!("i64 {x}"),
        Val::F32(bits) => format!("f32 {} (0x{bits:08x})", f32::from_bits(*bits)),
        Val::F64(bits) => format!("f64 {} (0x{bits:016x})", f64::from_bits(*bits)),
        Val::FuncRef(None) | Val::ExternRef(None) => format!("ref.null {}", val.ty()),
        Val::FuncRef(Some(_)) => "ref.func".to_string(),
        Val::ExternRef(Some(r)) => match r.data(store).downcast_ref::<u32>() {
            Some(payload) => format!("ref.extern {payload}"),
            None => "ref.extern (foreign payload)".to_string(),
        },
    }
}
