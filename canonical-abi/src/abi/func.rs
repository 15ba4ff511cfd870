//! Function parameters and results (CanonicalABI.md: "Lifting and Lowering
//! Values", `lift_flat_values` / `lower_flat_values`): flat when they fit
//! `MAX_FLAT_PARAMS` / `MAX_FLAT_RESULTS` core values, otherwise as a tuple
//! in memory behind one pointer.
//!
//! Who does what, for a synchronous call from component A to component B:
//! - `canon lower` in A lifts A's arguments ([`lift_func_params`]) and, when
//!   the call returns, lowers the result into A ([`lower_func_result`],
//!   through A's out-pointer if it does not fit one core value).
//! - `canon lift` in B lowers the arguments into B ([`lower_func_params`],
//!   through memory B allocates with `realloc` when there are too many) and
//!   lifts B's result ([`lift_func_result`], via B's returned pointer).

use super::Context;
use super::flat::{FlatSource, SliceSource, lift_flat_from, lower_flat_into};
use super::load::load;
use super::memory::{Content, check_range, realloc_checked};
use super::store::store;
use crate::error::Error;
use crate::types::{
    CoreType, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, Type, alignment, elem_size, flatten_types,
};
use crate::values::{FlatVal, Val};

/// Do parameters of these types go through memory?
pub fn params_through_memory(types: &[Type]) -> bool {
    flatten_types(types).len() > MAX_FLAT_PARAMS
}

/// Does a result of this type go through memory?
pub fn result_through_memory(result: Option<&Type>) -> bool {
    flatten_types(result).len() > MAX_FLAT_RESULTS
}

/// `lift_flat_values`: lifts values of `types` from `values`, which must
/// hold exactly their flattening, or one pointer to a tuple of them when
/// that flattening is longer than `max_flat`.
pub fn lift_flat_values(
    cx: &mut Context,
    max_flat: usize,
    values: &[FlatVal],
    types: &[Type],
) -> Result<Vec<Val>, Error> {
    let mut vi = SliceSource::new(values);
    let lifted = if flatten_types(types).len() > max_flat {
        let FlatVal::I32(ptr) = vi.next(CoreType::I32)? else {
            return Err(Error::mismatch("spilled values need an i32 pointer"));
        };
        let tuple = Type::tuple(types.iter().cloned());
        // `load` makes the spec's alignment and bounds checks on `ptr`.
        match load(cx, ptr as u32, &tuple)? {
            Val::Tuple(values) => values,
            other => {
                return Err(Error::mismatch(format!(
                    "expected a tuple, loaded {other:?}"
                )));
            }
        }
    } else {
        types
            .iter()
            .map(|t| lift_flat_from(cx, &mut vi, t))
            .collect::<Result<_, _>>()?
    };
    if !vi.is_done() {
        return Err(Error::mismatch(
            "more core values than the types flatten to",
        ));
    }
    Ok(lifted)
}

/// `lower_flat_values`: lowers `values` of `types`. When their flattening
/// is longer than `max_flat` they are stored as a tuple, at `out_param` if
/// given (nothing is returned then), otherwise at memory obtained from
/// `realloc` (the pointer is returned).
pub fn lower_flat_values(
    cx: &mut Context,
    max_flat: usize,
    values: &[Val],
    types: &[Type],
    out_param: Option<u32>,
) -> Result<Vec<FlatVal>, Error> {
    if values.len() != types.len() {
        return Err(Error::mismatch(format!(
            "{} values for {} types",
            values.len(),
            types.len()
        )));
    }
    if flatten_types(types).len() <= max_flat {
        let mut flat = Vec::new();
        for (v, t) in values.iter().zip(types) {
            lower_flat_into(cx, v, t, &mut flat)?;
        }
        return Ok(flat);
    }
    let tuple = Type::tuple(types.iter().cloned());
    let (align, size) = (alignment(&tuple), elem_size(&tuple));
    let (ptr, flat) = match out_param {
        Some(ptr) => {
            check_range(cx.memory()?, ptr, align, u64::from(size), Content::Value)?;
            (ptr, Vec::new())
        }
        None => {
            let ptr = realloc_checked(cx.memory()?, 0, 0, align, size, Content::Value)?;
            (ptr, vec![FlatVal::I32(ptr as i32)])
        }
    };
    store(cx, &Val::Tuple(values.to_vec()), &tuple, ptr)?;
    Ok(flat)
}

/// `canon lower`, on the way in: the caller's arguments.
pub fn lift_func_params(
    cx: &mut Context,
    values: &[FlatVal],
    types: &[Type],
) -> Result<Vec<Val>, Error> {
    lift_flat_values(cx, MAX_FLAT_PARAMS, values, types)
}

/// `canon lift`, on the way in: the callee's arguments (spilled into memory
/// the callee allocates when they exceed `MAX_FLAT_PARAMS`).
pub fn lower_func_params(
    cx: &mut Context,
    values: &[Val],
    types: &[Type],
) -> Result<Vec<FlatVal>, Error> {
    lower_flat_values(cx, MAX_FLAT_PARAMS, values, types, None)
}

/// `canon lift`, on the way out: the callee's result, read through the
/// pointer it returned when it does not fit `MAX_FLAT_RESULTS`.
pub fn lift_func_result(
    cx: &mut Context,
    values: &[FlatVal],
    result: Option<&Type>,
) -> Result<Option<Val>, Error> {
    let types: Vec<Type> = result.into_iter().cloned().collect();
    Ok(lift_flat_values(cx, MAX_FLAT_RESULTS, values, &types)?.pop())
}

/// `canon lower`, on the way out: the result for the caller. `retptr` is
/// the caller's last core argument when [`result_through_memory`] holds
/// (its flattened signature then has it and no results).
pub fn lower_func_result(
    cx: &mut Context,
    value: Option<&Val>,
    result: Option<&Type>,
    retptr: Option<u32>,
) -> Result<Vec<FlatVal>, Error> {
    let types: Vec<Type> = result.into_iter().cloned().collect();
    let values: Vec<Val> = value.into_iter().cloned().collect();
    if result_through_memory(result) && retptr.is_none() {
        return Err(Error::mismatch(
            "this result goes through memory: pass the caller's return pointer",
        ));
    }
    lower_flat_values(cx, MAX_FLAT_RESULTS, &values, &types, retptr)
}
