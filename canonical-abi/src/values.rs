//! Host-side component values and the core values they flatten to.

use crate::error::Error;
use crate::types::{Despecialized, Type, despecialize};

/// A component value as the host sees it.
///
/// Records, variants, enums and flags carry their labels so host code can
/// match on names; lifting fills them in from the type, lowering looks the
/// case up by name. Floats compare by bit pattern (see the `PartialEq` impl).
#[derive(Debug, Clone)]
pub enum Val {
    Bool(bool),
    S8(i8),
    U8(u8),
    S16(i16),
    U16(u16),
    S32(i32),
    U32(u32),
    S64(i64),
    U64(u64),
    F32(f32),
    F64(f64),
    Char(char),
    String(String),
    List(Vec<Val>),
    /// Fields in the order of the record type, with their names.
    Record(Vec<(String, Val)>),
    Tuple(Vec<Val>),
    /// Case name and payload.
    Variant(String, Option<Box<Val>>),
    Enum(String),
    Option(Option<Box<Val>>),
    Result(Result<Option<Box<Val>>, Option<Box<Val>>>),
    /// Names of the flags that are set, in the order of the flags type.
    Flags(Vec<String>),
    /// A resource handle. What the number means is up to the
    /// [`ResourceBridge`](crate::abi::ResourceBridge) used to lift/lower it:
    /// a handle-table index, or the resource's representation.
    Own(u32),
    Borrow(u32),
}

/// Bit-pattern equality for floats: lifting canonicalizes NaNs, so a lifted
/// value compares equal to what was lowered, and `-0.0 != 0.0` keeps
/// round-trip tests honest.
impl PartialEq for Val {
    fn eq(&self, other: &Self) -> bool {
        use Val::*;
        match (self, other) {
            (F32(a), F32(b)) => a.to_bits() == b.to_bits(),
            (F64(a), F64(b)) => a.to_bits() == b.to_bits(),
            (Bool(a), Bool(b)) => a == b,
            (S8(a), S8(b)) => a == b,
            (U8(a), U8(b)) => a == b,
            (S16(a), S16(b)) => a == b,
            (U16(a), U16(b)) => a == b,
            (S32(a), S32(b)) => a == b,
            (U32(a), U32(b)) => a == b,
            (S64(a), S64(b)) => a == b,
            (U64(a), U64(b)) => a == b,
            (Char(a), Char(b)) => a == b,
            (String(a), String(b)) => a == b,
            (List(a), List(b)) | (Tuple(a), Tuple(b)) => a == b,
            (Record(a), Record(b)) => a == b,
            (Variant(a, x), Variant(b, y)) => a == b && x == y,
            (Enum(a), Enum(b)) => a == b,
            (Option(a), Option(b)) => a == b,
            (Result(a), Result(b)) => a == b,
            (Flags(a), Flags(b)) => a == b,
            (Own(a), Own(b)) | (Borrow(a), Borrow(b)) => a == b,
            _ => false,
        }
    }
}

impl Val {
    /// Checks that this value is a value of type `t`, naming the first
    /// mismatch. Lowering checks as it goes; this is for hosts that want
    /// to reject a value before touching guest memory.
    pub fn type_check(&self, t: &Type) -> Result<(), Error> {
        match (self, t) {
            (Val::Bool(_), Type::Bool)
            | (Val::S8(_), Type::S8)
            | (Val::U8(_), Type::U8)
            | (Val::S16(_), Type::S16)
            | (Val::U16(_), Type::U16)
            | (Val::S32(_), Type::S32)
            | (Val::U32(_), Type::U32)
            | (Val::S64(_), Type::S64)
            | (Val::U64(_), Type::U64)
            | (Val::F32(_), Type::F32)
            | (Val::F64(_), Type::F64)
            | (Val::Char(_), Type::Char)
            | (Val::String(_), Type::String) => Ok(()),
            (Val::Own(_), Type::Own(_)) | (Val::Borrow(_), Type::Borrow(_)) => Ok(()),
            (Val::List(items), Type::List(elem)) => {
                items.iter().try_for_each(|v| v.type_check(elem))
            }
            (Val::Record(fields), Type::Record(types)) => {
                if fields.len() != types.len() {
                    return Err(Error::mismatch(format!(
                        "record has {} fields, its type {}",
                        fields.len(),
                        types.len()
                    )));
                }
                for ((name, v), field) in fields.iter().zip(types.iter()) {
                    if *name != field.name {
                        return Err(Error::mismatch(format!(
                            "record field `{name}` where the type has `{}`",
                            field.name
                        )));
                    }
                    v.type_check(&field.ty)?;
                }
                Ok(())
            }
            (Val::Tuple(items), Type::Tuple(types)) => {
                if items.len() != types.len() {
                    return Err(Error::mismatch(format!(
                        "tuple has {} elements, its type {}",
                        items.len(),
                        types.len()
                    )));
                }
                items
                    .iter()
                    .zip(types.iter())
                    .try_for_each(|(v, t)| v.type_check(t))
            }
            (Val::Variant(..) | Val::Enum(_) | Val::Option(_) | Val::Result(_), _) => {
                let (index, payload) = self.variant_case(t)?;
                let Despecialized::Variant(cases) = despecialize(t) else {
                    return Err(type_error(self, t));
                };
                match (payload, cases[index]) {
                    (None, None) => Ok(()),
                    (Some(v), Some(pt)) => v.type_check(pt),
                    (Some(_), None) => Err(Error::mismatch("payload given for a case without one")),
                    (None, Some(_)) => {
                        Err(Error::mismatch("missing payload for a case that has one"))
                    }
                }
            }
            (Val::Flags(_), Type::Flags(_)) => self.flags_bits(t).map(|_| ()),
            _ => Err(type_error(self, t)),
        }
    }

    /// `match_case`: the case index and payload of a variant-like value
    /// (variant, enum, option, result) at type `t`.
    pub(crate) fn variant_case(&self, t: &Type) -> Result<(usize, Option<&Val>), Error> {
        let find = |names: &mut dyn Iterator<Item = &str>, name: &str| {
            names
                .enumerate()
                .find_map(|(i, n)| (n == name).then_some(i))
                .ok_or_else(|| Error::mismatch(format!("no case named `{name}` in {t:?}")))
        };
        match (self, t) {
            (Val::Variant(name, payload), Type::Variant(cases)) => {
                let index = find(&mut cases.iter().map(|c| c.name.as_str()), name)?;
                Ok((index, payload.as_deref()))
            }
            (Val::Enum(name), Type::Enum(names)) => {
                Ok((find(&mut names.iter().map(String::as_str), name)?, None))
            }
            (Val::Option(None), Type::Option(_)) => Ok((0, None)),
            (Val::Option(Some(v)), Type::Option(_)) => Ok((1, Some(v))),
            (Val::Result(Ok(v)), Type::Result { .. }) => Ok((0, v.as_deref())),
            (Val::Result(Err(v)), Type::Result { .. }) => Ok((1, v.as_deref())),
            _ => Err(type_error(self, t)),
        }
    }

    /// The inverse of [`Val::variant_case`]: builds the value of case
    /// `index` of the variant-like type `t`.
    pub(crate) fn from_case(t: &Type, index: usize, payload: Option<Val>) -> Result<Val, Error> {
        let payload = payload.map(Box::new);
        let out_of_range = || Error::trap(format!("case index {index} out of range"));
        Ok(match t {
            Type::Variant(cases) => Val::Variant(
                cases.get(index).ok_or_else(out_of_range)?.name.clone(),
                payload,
            ),
            Type::Enum(names) => Val::Enum(names.get(index).ok_or_else(out_of_range)?.clone()),
            Type::Option(_) => Val::Option(if index == 0 { None } else { payload }),
            Type::Result { .. } => Val::Result(if index == 0 {
                Ok(payload)
            } else {
                Err(payload)
            }),
            _ => return Err(Error::mismatch(format!("{t:?} is not a variant type"))),
        })
    }

    /// `pack_flags_into_int`: bit i is set when label i is named.
    pub(crate) fn flags_bits(&self, t: &Type) -> Result<u32, Error> {
        let (Val::Flags(set), Type::Flags(labels)) = (self, t) else {
            return Err(type_error(self, t));
        };
        let mut bits = 0u32;
        for name in set {
            let index = labels
                .iter()
                .position(|l| l == name)
                .ok_or_else(|| Error::mismatch(format!("no flag named `{name}`")))?;
            // `validate` caps labels at 32; a longer list cannot be packed.
            let bit = 1u32
                .checked_shl(index as u32)
                .ok_or_else(|| Error::InvalidType("flags with more than 32 labels".into()))?;
            bits |= bit;
        }
        Ok(bits)
    }

    /// `unpack_flags_from_int`: bits beyond the labels are ignored, as the
    /// spec does.
    pub(crate) fn flags_from_bits(labels: &[String], bits: u32) -> Val {
        let set = labels
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 32 && bits & (1 << i) != 0)
            .map(|(_, l)| l.clone())
            .collect();
        Val::Flags(set)
    }
}

pub(crate) fn type_error(v: &Val, t: &Type) -> Error {
    Error::mismatch(format!("{} value for type {t:?}", v.kind()))
}

impl Val {
    fn kind(&self) -> &'static str {
        match self {
            Val::Bool(_) => "bool",
            Val::S8(_) => "s8",
            Val::U8(_) => "u8",
            Val::S16(_) => "s16",
            Val::U16(_) => "u16",
            Val::S32(_) => "s32",
            Val::U32(_) => "u32",
            Val::S64(_) => "s64",
            Val::U64(_) => "u64",
            Val::F32(_) => "f32",
            Val::F64(_) => "f64",
            Val::Char(_) => "char",
            Val::String(_) => "string",
            Val::List(_) => "list",
            Val::Record(_) => "record",
            Val::Tuple(_) => "tuple",
            Val::Variant(..) => "variant",
            Val::Enum(_) => "enum",
            Val::Option(_) => "option",
            Val::Result(_) => "result",
            Val::Flags(_) => "flags",
            Val::Own(_) => "own",
            Val::Borrow(_) => "borrow",
        }
    }
}

/// A core WebAssembly value, laid out as the interpreter's `Val` is
/// (floats as raw bits, so NaN payloads survive the trip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlatVal {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
}

impl FlatVal {
    pub fn ty(self) -> crate::types::CoreType {
        use crate::types::CoreType;
        match self {
            FlatVal::I32(_) => CoreType::I32,
            FlatVal::I64(_) => CoreType::I64,
            FlatVal::F32(_) => CoreType::F32,
            FlatVal::F64(_) => CoreType::F64,
        }
    }

    /// The zero of a core type (`lower_flat_variant` pads with these).
    pub fn zero(t: crate::types::CoreType) -> FlatVal {
        use crate::types::CoreType;
        match t {
            CoreType::I32 => FlatVal::I32(0),
            CoreType::I64 => FlatVal::I64(0),
            CoreType::F32 => FlatVal::F32(0),
            CoreType::F64 => FlatVal::F64(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_check_accepts_matching_values() {
        let t = Type::record([
            ("name", Type::String),
            ("tags", Type::list(Type::enumeration(["a", "b"]))),
        ]);
        let v = Val::Record(vec![
            ("name".into(), Val::String("x".into())),
            ("tags".into(), Val::List(vec![Val::Enum("b".into())])),
        ]);
        assert!(v.type_check(&t).is_ok());
        let r = Type::result(Some(Type::U8), None);
        assert!(
            Val::Result(Ok(Some(Box::new(Val::U8(1)))))
                .type_check(&r)
                .is_ok()
        );
        assert!(Val::Result(Err(None)).type_check(&r).is_ok());
        assert!(
            Val::Flags(vec!["b".into()])
                .type_check(&Type::flags(["a", "b"]))
                .is_ok()
        );
    }

    #[test]
    fn type_check_names_the_mismatch() {
        assert!(Val::U8(1).type_check(&Type::S8).is_err());
        let t = Type::record([("a", Type::U8)]);
        assert!(
            Val::Record(vec![("b".into(), Val::U8(1))])
                .type_check(&t)
                .is_err()
        );
        assert!(
            Val::Enum("c".into())
                .type_check(&Type::enumeration(["a"]))
                .is_err()
        );
        let r = Type::result(Some(Type::U8), None);
        assert!(
            Val::Result(Err(Some(Box::new(Val::U8(1)))))
                .type_check(&r)
                .is_err()
        );
        assert!(Val::Result(Ok(None)).type_check(&r).is_err());
        assert!(
            Val::Flags(vec!["z".into()])
                .type_check(&Type::flags(["a"]))
                .is_err()
        );
        assert!(
            Val::Tuple(vec![])
                .type_check(&Type::tuple([Type::U8]))
                .is_err()
        );
    }

    #[test]
    fn flags_pack_and_unpack_ignoring_extra_bits() {
        let t = Type::flags(["a", "b", "c"]);
        let v = Val::Flags(vec!["a".into(), "c".into()]);
        assert_eq!(v.flags_bits(&t), Ok(0b101));
        let Type::Flags(labels) = &t else {
            unreachable!()
        };
        assert_eq!(Val::flags_from_bits(labels, 0xffff_fff5), v);
    }

    #[test]
    fn floats_compare_by_bits() {
        assert_eq!(Val::F32(f32::NAN), Val::F32(f32::NAN));
        assert_ne!(Val::F64(0.0), Val::F64(-0.0));
    }
}
