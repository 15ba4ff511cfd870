//! Flattening of component function types into core function types
//! (CanonicalABI.md "Flattening"), which `canon lift` and `canon lower`
//! compare their core function against.

use myrt_parser::{FuncType as CoreFuncType, ValType as CoreValType};

use super::types::{FuncType, ValType};

pub const MAX_FLAT_PARAMS: usize = 16;
pub const MAX_FLAT_RESULTS: usize = 1;

/// The core value types one value of `ty` flattens to.
pub fn flatten(ty: &ValType, out: &mut Vec<CoreValType>) {
    use CoreValType::*;
    match ty {
        ValType::Bool | ValType::S8 | ValType::U8 | ValType::S16 | ValType::U16 | ValType::S32 | ValType::U32 => out.push(I32),
        ValType::Char | ValType::Flags(..) | ValType::Enum(..) | ValType::Own(..) | ValType::Borrow(..) => out.push(I32),
        ValType::S64 | ValType::U64 => out.push(I64),
        ValType::F32 => out.push(F32),
        ValType::F64 => out.push(F64),
        ValType::String | ValType::List(_) => out.extend([I32, I32]),
        ValType::Record(_, fields) => fields.iter().for_each(|(_, t)| flatten(t, out)),
        ValType::Tuple(types) => types.iter().for_each(|t| flatten(t, out)),
        ValType::Variant(_, cases) => flatten_variant(cases.iter().map(|(_, t)| t.as_ref()), out),
        ValType::Option(t) => flatten_variant([None, Some(&**t)].into_iter(), out),
        ValType::Result { ok, err } => flatten_variant([ok.as_deref(), err.as_deref()].into_iter(), out),
    }
}

/// A discriminant, then the element-wise join of the cases' flattenings.
fn flatten_variant<'a>(cases: impl Iterator<Item = Option<&'a ValType>>, out: &mut Vec<CoreValType>) {
    let mut joined: Vec<CoreValType> = Vec::new();
    for case in cases.flatten() {
        let mut flat = Vec::new();
        flatten(case, &mut flat);
        for (i, ty) in flat.into_iter().enumerate() {
            match joined.get_mut(i) {
                Some(slot) => *slot = join(*slot, ty),
                None => joined.push(ty),
            }
        }
    }
    out.push(CoreValType::I32);
    out.extend(joined);
}

fn join(a: CoreValType, b: CoreValType) -> CoreValType {
    use CoreValType::*;
    match (a, b) {
        _ if a == b => a,
        (I32, F32) | (F32, I32) => I32,
        _ => I64,
    }
}

fn flatten_all<'a>(types: impl Iterator<Item = &'a ValType>) -> Vec<CoreValType> {
    let mut out = Vec::new();
    types.for_each(|t| flatten(t, &mut out));
    out
}

/// Whether the parameters are passed through memory (too many to flatten).
pub fn params_spill(ty: &FuncType) -> bool {
    flatten_all(ty.params.iter().map(|(_, t)| t)).len() > MAX_FLAT_PARAMS
}

/// Whether the result is returned through memory.
pub fn results_spill(ty: &FuncType) -> bool {
    flatten_all(ty.result.iter()).len() > MAX_FLAT_RESULTS
}

/// The core type of the function `canon lift` wraps.
pub fn lift_type(ty: &FuncType) -> CoreFuncType {
    let mut params = flatten_all(ty.params.iter().map(|(_, t)| t));
    let mut results = flatten_all(ty.result.iter());
    if params.len() > MAX_FLAT_PARAMS {
        params = vec![CoreValType::I32];
    }
    if results.len() > MAX_FLAT_RESULTS {
        results = vec![CoreValType::I32];
    }
    CoreFuncType::new(params, results)
}

/// The core type of the function `canon lower` produces.
pub fn lower_type(ty: &FuncType) -> CoreFuncType {
    let mut params = flatten_all(ty.params.iter().map(|(_, t)| t));
    let mut results = flatten_all(ty.result.iter());
    if params.len() > MAX_FLAT_PARAMS {
        params = vec![CoreValType::I32];
    }
    if results.len() > MAX_FLAT_RESULTS {
        params.push(CoreValType::I32);
        results = Vec::new();
    }
    CoreFuncType::new(params, results)
}
