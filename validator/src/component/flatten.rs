//! Flattening of component value and function types into core value types
//! (CanonicalABI.md "Flattening"): the one implementation of `flatten_type`,
//! `flatten_variant`, `join` and `flatten_functype`. The validator uses it to
//! check the core function `canon lift`/`canon lower` name; the runtime
//! (myrt-canonical-abi, which depends on this crate) to lift and lower. Each
//! layer has its own type representation, so both describe their types
//! through [`Flatten`] and their core types through [`FlatCoreType`].

use myrt_parser::{FuncType as CoreFuncType, ValType as CoreValType};

use super::types::{FuncType, ValType};

pub const MAX_FLAT_PARAMS: usize = 16;
pub const MAX_FLAT_RESULTS: usize = 1;

/// What flattening needs to know of a value type, after `despecialize`.
pub enum FlatShape<'a, T> {
    /// Integers up to 32 bits, bool, char, enums, flags (at most 32 labels
    /// in 0.2) and handles.
    I32,
    I64,
    F32,
    F64,
    /// A string or list: pointer and length.
    PointerLength,
    /// The fields of a record or tuple, in order.
    Fields(Vec<&'a T>),
    /// The cases of a variant, option or result; `None` for no payload.
    Cases(Vec<Option<&'a T>>),
}

/// A component value type that can be flattened.
pub trait Flatten: Sized {
    fn flat_shape(&self) -> FlatShape<'_, Self>;
}

/// The core value types flattening produces, in a layer's own enum.
pub trait FlatCoreType: Copy + Eq {
    const I32: Self;
    const I64: Self;
    const F32: Self;
    const F64: Self;
}

impl FlatCoreType for CoreValType {
    const I32: Self = CoreValType::I32;
    const I64: Self = CoreValType::I64;
    const F32: Self = CoreValType::F32;
    const F64: Self = CoreValType::F64;
}

/// `flatten_type`, appended to `out`.
pub fn flatten<T: Flatten, C: FlatCoreType>(ty: &T, out: &mut Vec<C>) {
    match ty.flat_shape() {
        FlatShape::I32 => out.push(C::I32),
        FlatShape::I64 => out.push(C::I64),
        FlatShape::F32 => out.push(C::F32),
        FlatShape::F64 => out.push(C::F64),
        FlatShape::PointerLength => out.extend([C::I32, C::I32]),
        FlatShape::Fields(fields) => fields.into_iter().for_each(|t| flatten(t, out)),
        FlatShape::Cases(cases) => out.extend(flatten_variant::<T, C>(cases)),
    }
}

/// `flatten_types`.
pub fn flatten_all<'a, T: Flatten + 'a, C: FlatCoreType>(
    types: impl IntoIterator<Item = &'a T>,
) -> Vec<C> {
    let mut out = Vec::new();
    types.into_iter().for_each(|t| flatten(t, &mut out));
    out
}

/// `flatten_variant`: the i32 discriminant, then the position-wise `join` of
/// every case's flattening.
pub fn flatten_variant<'a, T: Flatten + 'a, C: FlatCoreType>(
    cases: impl IntoIterator<Item = Option<&'a T>>,
) -> Vec<C> {
    let mut joined: Vec<C> = vec![C::I32];
    for case in cases.into_iter().flatten() {
        let mut flat = Vec::new();
        flatten(case, &mut flat);
        for (i, ty) in flat.into_iter().enumerate() {
            match joined.get_mut(i + 1) {
                Some(slot) => *slot = join(*slot, ty),
                None => joined.push(ty),
            }
        }
    }
    joined
}

/// `join`: the narrowest core type both representations fit in.
fn join<C: FlatCoreType>(a: C, b: C) -> C {
    if a == b {
        a
    } else if (a == C::I32 && b == C::F32) || (a == C::F32 && b == C::I32) {
        C::I32
    } else {
        C::I64
    }
}

/// Which side of the boundary a core signature is for: `canon lift` wraps a
/// core function the component exports, `canon lower` produces a core
/// function the component imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlattenContext {
    Lift,
    Lower,
}

/// `flatten_functype` (synchronous 0.2 functions): core parameter and result
/// types. Too many flat parameters become one pointer; too many flat results
/// a returned pointer (lift) or an out-pointer parameter (lower).
pub fn flatten_functype<'a, T: Flatten + 'a, C: FlatCoreType>(
    params: impl IntoIterator<Item = &'a T>,
    result: Option<&'a T>,
    context: FlattenContext,
) -> (Vec<C>, Vec<C>) {
    let mut params = flatten_all(params);
    let mut results = flatten_all(result);
    if params.len() > MAX_FLAT_PARAMS {
        params = vec![C::I32];
    }
    if results.len() > MAX_FLAT_RESULTS {
        match context {
            FlattenContext::Lift => results = vec![C::I32],
            FlattenContext::Lower => {
                params.push(C::I32);
                results = Vec::new();
            }
        }
    }
    (params, results)
}

impl Flatten for ValType {
    fn flat_shape(&self) -> FlatShape<'_, Self> {
        match self {
            ValType::Bool
            | ValType::S8
            | ValType::U8
            | ValType::S16
            | ValType::U16
            | ValType::S32
            | ValType::U32 => FlatShape::I32,
            ValType::Char
            | ValType::Flags(..)
            | ValType::Enum(..)
            | ValType::Own(..)
            | ValType::Borrow(..) => FlatShape::I32,
            ValType::S64 | ValType::U64 => FlatShape::I64,
            ValType::F32 => FlatShape::F32,
            ValType::F64 => FlatShape::F64,
            ValType::String | ValType::List(_) => FlatShape::PointerLength,
            ValType::Record(_, fields) => {
                FlatShape::Fields(fields.iter().map(|(_, t)| t).collect())
            }
            ValType::Tuple(types) => FlatShape::Fields(types.iter().collect()),
            ValType::Variant(_, cases) => {
                FlatShape::Cases(cases.iter().map(|(_, t)| t.as_ref()).collect())
            }
            ValType::Option(t) => FlatShape::Cases(vec![None, Some(&**t)]),
            ValType::Result { ok, err } => FlatShape::Cases(vec![ok.as_deref(), err.as_deref()]),
        }
    }
}

/// Whether the parameters are passed through memory (too many to flatten).
pub fn params_spill(ty: &FuncType) -> bool {
    flatten_all::<_, CoreValType>(ty.params.iter().map(|(_, t)| t)).len() > MAX_FLAT_PARAMS
}

/// Whether the result is returned through memory.
pub fn results_spill(ty: &FuncType) -> bool {
    flatten_all::<_, CoreValType>(ty.result.iter()).len() > MAX_FLAT_RESULTS
}

fn core_functype(ty: &FuncType, context: FlattenContext) -> CoreFuncType {
    let (params, results) = flatten_functype(
        ty.params.iter().map(|(_, t)| t),
        ty.result.as_ref(),
        context,
    );
    CoreFuncType::new(params, results)
}

/// The core type of the function `canon lift` wraps.
pub fn lift_type(ty: &FuncType) -> CoreFuncType {
    core_functype(ty, FlattenContext::Lift)
}

/// The core type of the function `canon lower` produces.
pub fn lower_type(ty: &FuncType) -> CoreFuncType {
    core_functype(ty, FlattenContext::Lower)
}
