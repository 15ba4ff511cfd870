//! Resolved component value types and their Canonical ABI layout:
//! despecialization, alignment, element size and flattening
//! (CanonicalABI.md: "Despecialization", "Alignment", "Element Size",
//! "Flattening").

use std::sync::Arc;

use crate::error::Error;

/// Identifies a resource type. Two handles belong to the same resource type
/// exactly when their ids are equal (the spec compares `ResourceType`s by
/// identity, `h.rt is not t.rt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(pub u32);

impl ResourceId {
    /// Set in the ids of resource types the host defines, so that a trap
    /// message can say whose resource a handle was (component/resources.rs
    /// allocates the ids).
    pub const HOST_DEFINED: u32 = 1 << 31;

    pub fn is_host_defined(self) -> bool {
        self.0 & Self::HOST_DEFINED != 0
    }

    /// "host-defined resource" or "guest-defined resource".
    pub fn describe(self) -> &'static str {
        if self.is_host_defined() {
            "host-defined resource"
        } else {
            "guest-defined resource"
        }
    }
}

/// A component value type whose type indices have all been resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List(Arc<Type>),
    Record(Arc<[Field]>),
    Tuple(Arc<[Type]>),
    Variant(Arc<[Case]>),
    Enum(Arc<[String]>),
    Option(Arc<Type>),
    Result {
        ok: Option<Arc<Type>>,
        err: Option<Arc<Type>>,
    },
    Flags(Arc<[String]>),
    Own(ResourceId),
    Borrow(ResourceId),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub ty: Type,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Case {
    pub name: String,
    pub ty: Option<Type>,
}

/// At most this many flag labels in 0.2 (CanonicalABI.md: `alignment_flags`
/// asserts `0 < n <= 32`), so flags always fit one i32.
pub const MAX_FLAGS: usize = 32;

impl Type {
    pub fn list(elem: Type) -> Type {
        Type::List(Arc::new(elem))
    }

    pub fn record<N: Into<String>>(fields: impl IntoIterator<Item = (N, Type)>) -> Type {
        Type::Record(
            fields
                .into_iter()
                .map(|(name, ty)| Field {
                    name: name.into(),
                    ty,
                })
                .collect(),
        )
    }

    pub fn tuple(types: impl IntoIterator<Item = Type>) -> Type {
        Type::Tuple(types.into_iter().collect())
    }

    pub fn variant<N: Into<String>>(cases: impl IntoIterator<Item = (N, Option<Type>)>) -> Type {
        Type::Variant(
            cases
                .into_iter()
                .map(|(name, ty)| Case {
                    name: name.into(),
                    ty,
                })
                .collect(),
        )
    }

    pub fn enumeration<N: Into<String>>(names: impl IntoIterator<Item = N>) -> Type {
        Type::Enum(names.into_iter().map(Into::into).collect())
    }

    pub fn option(payload: Type) -> Type {
        Type::Option(Arc::new(payload))
    }

    pub fn result(ok: Option<Type>, err: Option<Type>) -> Type {
        Type::Result {
            ok: ok.map(Arc::new),
            err: err.map(Arc::new),
        }
    }

    pub fn flags<N: Into<String>>(names: impl IntoIterator<Item = N>) -> Type {
        Type::Flags(names.into_iter().map(Into::into).collect())
    }

    /// Checks the structural rules the 0.2 validator enforces, so that the
    /// layout functions never see a degenerate type: records, tuples,
    /// variants and enums are non-empty, flags have 1..=32 labels, and names
    /// inside one record, variant, enum or flags are distinct.
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            Type::List(elem) | Type::Option(elem) => elem.validate(),
            Type::Record(fields) => {
                non_empty(fields.len(), "record")?;
                distinct(fields.iter().map(|f| f.name.as_str()), "record field")?;
                fields.iter().try_for_each(|f| f.ty.validate())
            }
            Type::Tuple(types) => {
                non_empty(types.len(), "tuple")?;
                types.iter().try_for_each(Type::validate)
            }
            Type::Variant(cases) => {
                non_empty(cases.len(), "variant")?;
                distinct(cases.iter().map(|c| c.name.as_str()), "variant case")?;
                cases
                    .iter()
                    .filter_map(|c| c.ty.as_ref())
                    .try_for_each(Type::validate)
            }
            Type::Enum(names) => {
                non_empty(names.len(), "enum")?;
                distinct(names.iter().map(String::as_str), "enum case")
            }
            Type::Flags(names) => {
                non_empty(names.len(), "flags")?;
                if names.len() > MAX_FLAGS {
                    return Err(Error::InvalidType(format!(
                        "flags have {} labels, at most {MAX_FLAGS} are allowed",
                        names.len()
                    )));
                }
                distinct(names.iter().map(String::as_str), "flag")
            }
            Type::Result { ok, err } => ok.iter().chain(err.iter()).try_for_each(|t| t.validate()),
            _ => Ok(()),
        }
    }
}

fn non_empty(len: usize, what: &str) -> Result<(), Error> {
    if len == 0 {
        Err(Error::InvalidType(format!(
            "a {what} needs at least one element"
        )))
    } else {
        Ok(())
    }
}

fn distinct<'a>(names: impl Iterator<Item = &'a str>, what: &str) -> Result<(), Error> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(Error::InvalidType(format!(
                "duplicate {what} name `{name}`"
            )));
        }
    }
    Ok(())
}

/// The spec's `despecialize`: tuples are records, enums, options and results
/// are variants. Labels do not influence the ABI, so only the element types
/// are kept; the case order is the spec's (`none`/`some`, `ok`/`error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Despecialized<'a> {
    Record(Vec<&'a Type>),
    Variant(Vec<Option<&'a Type>>),
    /// Any type despecialization leaves as it is.
    Fundamental(&'a Type),
}

pub fn despecialize(t: &Type) -> Despecialized<'_> {
    match t {
        Type::Record(fields) => Despecialized::Record(fields.iter().map(|f| &f.ty).collect()),
        Type::Tuple(types) => Despecialized::Record(types.iter().collect()),
        Type::Variant(cases) => {
            Despecialized::Variant(cases.iter().map(|c| c.ty.as_ref()).collect())
        }
        Type::Enum(names) => Despecialized::Variant(vec![None; names.len()]),
        Type::Option(payload) => Despecialized::Variant(vec![None, Some(&**payload)]),
        Type::Result { ok, err } => Despecialized::Variant(vec![ok.as_deref(), err.as_deref()]),
        other => Despecialized::Fundamental(other),
    }
}

/// `discriminant_type`: the smallest unsigned integer that can index every
/// case. Its size doubles as its alignment (1, 2 or 4 bytes).
pub fn discriminant_size(case_count: usize) -> u32 {
    match case_count {
        0..=0x100 => 1,
        0x101..=0x1_0000 => 2,
        _ => 4,
    }
}

/// `alignment`.
pub fn alignment(t: &Type) -> u32 {
    match despecialize(t) {
        Despecialized::Record(fields) => fields.into_iter().map(alignment).max().unwrap_or(1),
        Despecialized::Variant(cases) => {
            discriminant_size(cases.len()).max(max_case_alignment(&cases))
        }
        Despecialized::Fundamental(t) => match t {
            Type::Bool | Type::S8 | Type::U8 => 1,
            Type::S16 | Type::U16 => 2,
            Type::S32 | Type::U32 | Type::F32 | Type::Char => 4,
            Type::S64 | Type::U64 | Type::F64 => 8,
            Type::String | Type::List(_) => 4,
            Type::Own(_) | Type::Borrow(_) => 4,
            Type::Flags(labels) => flags_size(labels.len()).max(1),
            _ => unreachable_fundamental(),
        },
    }
}

/// `max_case_alignment`.
pub(crate) fn max_case_alignment(cases: &[Option<&Type>]) -> u32 {
    cases
        .iter()
        .flatten()
        .map(|t| alignment(t))
        .max()
        .unwrap_or(1)
}

/// `elem_size`.
pub fn elem_size(t: &Type) -> u32 {
    match despecialize(t) {
        Despecialized::Record(fields) => {
            let mut size = 0;
            for field in &fields {
                size = align_to(size, alignment(field)) + elem_size(field);
            }
            align_to(size, alignment(t))
        }
        Despecialized::Variant(cases) => {
            let payload_offset =
                align_to(discriminant_size(cases.len()), max_case_alignment(&cases));
            let payload_size = cases
                .iter()
                .flatten()
                .map(|t| elem_size(t))
                .max()
                .unwrap_or(0);
            align_to(payload_offset + payload_size, alignment(t))
        }
        Despecialized::Fundamental(t) => match t {
            Type::Bool | Type::S8 | Type::U8 => 1,
            Type::S16 | Type::U16 => 2,
            Type::S32 | Type::U32 | Type::F32 | Type::Char => 4,
            Type::S64 | Type::U64 | Type::F64 => 8,
            Type::String | Type::List(_) => 8,
            Type::Own(_) | Type::Borrow(_) => 4,
            Type::Flags(labels) => flags_size(labels.len()),
            _ => unreachable_fundamental(),
        },
    }
}

/// `elem_size_flags`: 1, 2 or 4 bytes (0.2 caps flags at 32 labels).
pub(crate) fn flags_size(label_count: usize) -> u32 {
    match label_count {
        0 => 0,
        1..=8 => 1,
        9..=16 => 2,
        _ => 4,
    }
}

/// Offset of the payload inside a variant in memory (`load_variant`).
pub(crate) fn variant_payload_offset(cases: &[Option<&Type>]) -> u32 {
    align_to(discriminant_size(cases.len()), max_case_alignment(cases))
}

/// `align_to`; alignments are powers of two.
pub fn align_to(offset: u32, alignment: u32) -> u32 {
    offset.div_ceil(alignment) * alignment
}

// `despecialize` only returns `Fundamental` for the variants listed in the
// callers; reaching this would be a bug in `despecialize` itself.
fn unreachable_fundamental() -> ! {
    unreachable!("despecialize returned a specialized type as fundamental")
}

/// Core WebAssembly value types that component values flatten to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoreType {
    I32,
    I64,
    F32,
    F64,
}

use myrt_validator::component::{FlatCoreType, FlatShape, Flatten, flatten_all};
pub use myrt_validator::component::{FlattenContext, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS};

impl FlatCoreType for CoreType {
    const I32: Self = CoreType::I32;
    const I64: Self = CoreType::I64;
    const F32: Self = CoreType::F32;
    const F64: Self = CoreType::F64;
}

/// Flattening itself is the validator's (one implementation for checking
/// `canon` definitions and for lifting and lowering); this says what it needs
/// to know of our types.
impl Flatten for Type {
    fn flat_shape(&self) -> FlatShape<'_, Self> {
        match despecialize(self) {
            Despecialized::Record(fields) => FlatShape::Fields(fields),
            Despecialized::Variant(cases) => FlatShape::Cases(cases),
            Despecialized::Fundamental(t) => match t {
                Type::S64 | Type::U64 => FlatShape::I64,
                Type::F32 => FlatShape::F32,
                Type::F64 => FlatShape::F64,
                Type::String | Type::List(_) => FlatShape::PointerLength,
                _ => FlatShape::I32,
            },
        }
    }
}

/// `flatten_type`.
pub fn flatten_type(t: &Type) -> Vec<CoreType> {
    flatten_all([t])
}

/// `flatten_types`.
pub fn flatten_types<'a>(types: impl IntoIterator<Item = &'a Type>) -> Vec<CoreType> {
    flatten_all(types)
}

/// `flatten_variant`: the i32 discriminant followed by the position-wise
/// `join` of every case's flattening.
pub(crate) fn flatten_variant(cases: &[Option<&Type>]) -> Vec<CoreType> {
    myrt_validator::component::flatten_variant(cases.iter().copied())
}

/// A component function type (0.2: at most one, unnamed, result).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    pub params: Vec<(String, Type)>,
    pub result: Option<Type>,
}

impl FuncType {
    pub fn param_types(&self) -> impl Iterator<Item = &Type> {
        self.params.iter().map(|(_, t)| t)
    }

    pub fn result_types(&self) -> impl Iterator<Item = &Type> {
        self.result.iter()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CoreFuncType {
    pub params: Vec<CoreType>,
    pub results: Vec<CoreType>,
}

/// `flatten_functype` (synchronous 0.2 functions only).
pub fn flatten_functype(ft: &FuncType, context: FlattenContext) -> CoreFuncType {
    let (params, results) =
        myrt_validator::component::flatten_functype(ft.param_types(), ft.result.as_ref(), context);
    CoreFuncType { params, results }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CoreType::*;

    fn labels(n: usize) -> Type {
        Type::flags((0..n).map(|i| format!("f{i}")))
    }

    #[test]
    fn sizes_and_alignments_follow_the_spec() {
        let cases: Vec<(Type, u32, u32)> = vec![
            (Type::Bool, 1, 1),
            (Type::Char, 4, 4),
            (Type::String, 8, 4),
            (Type::list(Type::U64), 8, 4),
            (Type::record([("a", Type::U8), ("b", Type::U32)]), 8, 4),
            (Type::tuple([Type::U8, Type::U16, Type::U8]), 6, 2),
            (Type::option(Type::U64), 16, 8),
            (Type::result(None, None), 1, 1),
            (Type::result(Some(Type::U8), Some(Type::U32)), 8, 4),
            (Type::enumeration((0..257).map(|i| format!("c{i}"))), 2, 2),
            (labels(8), 1, 1),
            (labels(9), 2, 2),
            (labels(17), 4, 4),
            (labels(32), 4, 4),
            (Type::Own(ResourceId(0)), 4, 4),
        ];
        for (t, size, align) in cases {
            assert_eq!((elem_size(&t), alignment(&t)), (size, align), "{t:?}");
        }
    }

    #[test]
    fn discriminants_grow_with_the_case_count() {
        assert_eq!(discriminant_size(1), 1);
        assert_eq!(discriminant_size(256), 1);
        assert_eq!(discriminant_size(257), 2);
        assert_eq!(discriminant_size(65536), 2);
        assert_eq!(discriminant_size(65537), 4);
    }

    #[test]
    fn variants_flatten_to_joined_payloads() {
        assert_eq!(flatten_type(&Type::option(Type::F32)), [I32, F32]);
        assert_eq!(
            flatten_type(&Type::variant([
                ("a", Some(Type::F32)),
                ("b", Some(Type::U32))
            ])),
            [I32, I32]
        );
        assert_eq!(
            flatten_type(&Type::variant([
                ("a", Some(Type::F32)),
                ("b", Some(Type::U64))
            ])),
            [I32, I64]
        );
        assert_eq!(
            flatten_type(&Type::result(Some(Type::F64), Some(Type::F32))),
            [I32, I64]
        );
        assert_eq!(
            flatten_type(&Type::variant([
                ("a", Some(Type::String)),
                ("b", Some(Type::tuple([Type::F64, Type::F32, Type::U8])))
            ])),
            [I32, I64, I32, I32]
        );
        assert_eq!(flatten_type(&labels(32)), [I32]);
        assert_eq!(flatten_type(&Type::String), [I32, I32]);
    }

    #[test]
    fn functypes_spill_beyond_the_flat_limits() {
        let params = |n: usize| {
            (0..n)
                .map(|i| (format!("p{i}"), Type::U32))
                .collect::<Vec<_>>()
        };
        let sixteen = FuncType {
            params: params(16),
            result: Some(Type::U32),
        };
        assert_eq!(
            flatten_functype(&sixteen, FlattenContext::Lift)
                .params
                .len(),
            16
        );
        let seventeen = FuncType {
            params: params(17),
            result: None,
        };
        assert_eq!(
            flatten_functype(&seventeen, FlattenContext::Lift).params,
            [I32]
        );

        let string_result = FuncType {
            params: params(1),
            result: Some(Type::String),
        };
        let lifted = flatten_functype(&string_result, FlattenContext::Lift);
        assert_eq!((lifted.params, lifted.results), (vec![I32], vec![I32]));
        let lowered = flatten_functype(&string_result, FlattenContext::Lower);
        assert_eq!((lowered.params, lowered.results), (vec![I32, I32], vec![]));
    }

    #[test]
    fn validate_rejects_what_the_spec_forbids() {
        assert!(labels(32).validate().is_ok());
        assert!(matches!(labels(33).validate(), Err(Error::InvalidType(_))));
        assert!(labels(0).validate().is_err());
        assert!(
            Type::record(Vec::<(String, Type)>::new())
                .validate()
                .is_err()
        );
        assert!(Type::tuple([]).validate().is_err());
        assert!(Type::enumeration(["a", "a"]).validate().is_err());
        assert!(
            Type::list(Type::variant(Vec::<(String, Option<Type>)>::new()))
                .validate()
                .is_err()
        );
        assert!(
            Type::option(Type::result(Some(Type::String), None))
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn despecialize_maps_specialized_types_to_variants_and_records() {
        assert_eq!(
            despecialize(&Type::option(Type::U8)),
            Despecialized::Variant(vec![None, Some(&Type::U8)])
        );
        assert_eq!(
            despecialize(&Type::tuple([Type::U8])),
            Despecialized::Record(vec![&Type::U8])
        );
        assert_eq!(
            despecialize(&Type::enumeration(["x", "y"])),
            Despecialized::Variant(vec![None, None])
        );
        assert_eq!(
            despecialize(&Type::U8),
            Despecialized::Fundamental(&Type::U8)
        );
    }
}
