//! Statically typed host functions and calls: Rust types that stand for
//! component value types ([`ComponentValue`]), so hosts can write
//! `|store, (a, b): (u32, String)| -> Result<u64, Error>` instead of
//! matching on [`Val`]s.
//!
//! A Rust type is checked against the component type once, when a typed
//! function is made ([`TypedFunc`], `func_wrap` at link time), not compared
//! with a fixed [`Type`]: resource types are generative, so `Resource<T>`
//! only knows its type at run time, and a Rust struct can stand for a
//! record whatever it is named in WIT. Conversions then take the checked
//! type along, which says whether a resource travels as `own` or `borrow`
//! and which resource type a [`ResourceAny`] has.

use std::fmt;
use std::marker::PhantomData;

use myrt_interp::Store;

use super::error::Error;
use super::func::Func;
use crate::types::{FuncType, Type};
use crate::values::Val;

/// A Rust type with a component value type. Derive it for structs (WIT
/// records), enums (variants and enums) with `#[derive(ComponentValue)]`;
/// [`flags!`](crate::flags) defines flags types.
pub trait ComponentValue: Sized + 'static {
    /// Checks that this Rust type stands for the component type `ty`.
    fn typecheck(ty: &Type) -> Result<(), TypeMismatch>;
    /// The host value of `self` at type `ty` (one [`Self::typecheck`] accepted).
    fn into_val(self, ty: &Type) -> Result<Val, Error>;
    /// The Rust value of `value`, a value of type `ty`.
    fn from_val(value: Val, ty: &Type) -> Result<Self, Error>;
}

/// Why a Rust type does not stand for a component type: what the Rust type
/// expected, what the component has, and where inside the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMismatch(pub(crate) String);

impl TypeMismatch {
    pub fn new(expected: impl fmt::Display, found: &Type) -> Self {
        TypeMismatch(format!("expected {expected}, found {found:?}"))
    }

    /// The mismatch seen from the enclosing type: `what` names the part.
    pub fn within(self, what: impl fmt::Display) -> Self {
        TypeMismatch(format!("{what}: {}", self.0))
    }
}

impl fmt::Display for TypeMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A conversion met a value or type its typecheck would have rejected
/// (a value of the wrong shape from a dynamic caller, or a bad type).
impl From<TypeMismatch> for Error {
    fn from(mismatch: TypeMismatch) -> Self {
        Error::Abi(crate::Error::mismatch(mismatch.0))
    }
}

fn wrong_value(ty: &Type, found: &Val) -> Error {
    Error::Abi(crate::Error::mismatch(format!(
        "expected a value of type {ty:?}, found {found:?}"
    )))
}

macro_rules! scalar {
    ($($rust:ty => $variant:ident,)*) => {$(
        impl ComponentValue for $rust {
            fn typecheck(ty: &Type) -> Result<(), TypeMismatch> {
                match ty {
                    Type::$variant => Ok(()),
                    other => Err(TypeMismatch::new(stringify!($variant), other)),
                }
            }
            fn into_val(self, _: &Type) -> Result<Val, Error> {
                Ok(Val::$variant(self))
            }
            fn from_val(value: Val, ty: &Type) -> Result<Self, Error> {
                match value {
                    Val::$variant(v) => Ok(v),
                    other => Err(wrong_value(ty, &other)),
                }
            }
        }
    )*};
}

scalar! {
    bool => Bool, i8 => S8, u8 => U8, i16 => S16, u16 => U16, i32 => S32, u32 => U32,
    i64 => S64, u64 => U64, f32 => F32, f64 => F64, char => Char, String => String,
}

/// The element type of a list type.
fn list_elem(ty: &Type) -> Result<&Type, TypeMismatch> {
    match ty {
        Type::List(elem) => Ok(elem),
        other => Err(TypeMismatch::new("a list", other)),
    }
}

impl<E: ComponentValue> ComponentValue for Vec<E> {
    fn typecheck(ty: &Type) -> Result<(), TypeMismatch> {
        E::typecheck(list_elem(ty)?).map_err(|m| m.within("list element"))
    }
    fn into_val(self, ty: &Type) -> Result<Val, Error> {
        let elem = list_elem(ty)?;
        let items = self.into_iter().map(|v| v.into_val(elem));
        Ok(Val::List(items.collect::<Result<_, _>>()?))
    }
    fn from_val(value: Val, ty: &Type) -> Result<Self, Error> {
        let elem = list_elem(ty)?;
        match value {
            Val::List(items) => items.into_iter().map(|v| E::from_val(v, elem)).collect(),
            other => Err(wrong_value(ty, &other)),
        }
    }
}

fn option_payload(ty: &Type) -> Result<&Type, TypeMismatch> {
    match ty {
        Type::Option(payload) => Ok(payload),
        other => Err(TypeMismatch::new("an option", other)),
    }
}

impl<P: ComponentValue> ComponentValue for Option<P> {
    fn typecheck(ty: &Type) -> Result<(), TypeMismatch> {
        P::typecheck(option_payload(ty)?).map_err(|m| m.within("option payload"))
    }
    fn into_val(self, ty: &Type) -> Result<Val, Error> {
        let payload = option_payload(ty)?;
        Ok(Val::Option(match self {
            Some(v) => Some(Box::new(v.into_val(payload)?)),
            None => None,
        }))
    }
    fn from_val(value: Val, ty: &Type) -> Result<Self, Error> {
        let payload = option_payload(ty)?;
        match value {
            Val::Option(v) => v.map(|v| P::from_val(*v, payload)).transpose(),
            other => Err(wrong_value(ty, &other)),
        }
    }
}

/// The ok and err types of a result type (`None` where it has no payload).
fn result_payloads(ty: &Type) -> Result<(Option<&Type>, Option<&Type>), TypeMismatch> {
    match ty {
        Type::Result { ok, err } => Ok((ok.as_deref(), err.as_deref())),
        other => Err(TypeMismatch::new("a result", other)),
    }
}

/// `Result<O, E>` is WIT's `result<O, E>`; `()` on either side stands for
/// a missing payload, as in wasmtime: `Result<(), E>` is `result<_, E>`,
/// `Result<T, ()>` is `result<T>` and `Result<(), ()>` is `result`.
impl<O: ComponentResult, E: ComponentResult> ComponentValue for Result<O, E> {
    fn typecheck(ty: &Type) -> Result<(), TypeMismatch> {
        let (ok, err) = result_payloads(ty)?;
        O::typecheck(ok).map_err(|m| m.within("result ok payload"))?;
        E::typecheck(err).map_err(|m| m.within("result err payload"))
    }
    fn into_val(self, ty: &Type) -> Result<Val, Error> {
        let (ok, err) = result_payloads(ty)?;
        Ok(Val::Result(match self {
            Ok(v) => Ok(v.into_result(ok)?.map(Box::new)),
            Err(e) => Err(e.into_result(err)?.map(Box::new)),
        }))
    }
    fn from_val(value: Val, ty: &Type) -> Result<Self, Error> {
        let (ok, err) = result_payloads(ty)?;
        match value {
            Val::Result(Ok(v)) => Ok(Ok(O::from_result(v.map(|v| *v), ok)?)),
            Val::Result(Err(e)) => Ok(Err(E::from_result(e.map(|e| *e), err)?)),
            other => Err(wrong_value(ty, &other)),
        }
    }
}

/// The parameters of a typed function: a tuple of [`ComponentValue`]s.
pub trait ComponentParams: Sized + 'static {
    /// Checks the tuple against the parameter types; on a mismatch, the
    /// index of the first parameter that does not match (`None` when the
    /// counts differ) and why.
    fn typecheck(types: &[Type]) -> Result<(), (Option<usize>, TypeMismatch)>;
    fn into_vals(self, types: &[Type]) -> Result<Vec<Val>, Error>;
    fn from_vals(values: Vec<Val>, types: &[Type]) -> Result<Self, Error>;
}

/// What may be missing: the result of a typed function, or a payload of
/// a `result` (see `Result`'s [`ComponentValue`]): `()` for none, or one
/// [`ComponentValue`].
pub trait ComponentResult: Sized + 'static {
    fn typecheck(ty: Option<&Type>) -> Result<(), TypeMismatch>;
    fn into_result(self, ty: Option<&Type>) -> Result<Option<Val>, Error>;
    fn from_result(value: Option<Val>, ty: Option<&Type>) -> Result<Self, Error>;
}

impl ComponentResult for () {
    fn typecheck(ty: Option<&Type>) -> Result<(), TypeMismatch> {
        match ty {
            None => Ok(()),
            Some(t) => Err(TypeMismatch::new("none", t)),
        }
    }
    fn into_result(self, _: Option<&Type>) -> Result<Option<Val>, Error> {
        Ok(None)
    }
    fn from_result(_: Option<Val>, _: Option<&Type>) -> Result<Self, Error> {
        Ok(())
    }
}

fn missing_value() -> Error {
    Error::Other("expected a value, found none".into())
}

impl<R: ComponentValue> ComponentResult for R {
    fn typecheck(ty: Option<&Type>) -> Result<(), TypeMismatch> {
        match ty {
            Some(t) => R::typecheck(t),
            None => Err(TypeMismatch(format!(
                "expected a value of Rust type `{}`, found none",
                std::any::type_name::<R>()
            ))),
        }
    }
    fn into_result(self, ty: Option<&Type>) -> Result<Option<Val>, Error> {
        Ok(Some(self.into_val(ty.ok_or_else(missing_value)?)?))
    }
    fn from_result(value: Option<Val>, ty: Option<&Type>) -> Result<Self, Error> {
        match (value, ty) {
            (Some(v), Some(t)) => R::from_val(v, t),
            _ => Err(missing_value()),
        }
    }
}

/// The arity mismatch of a tuple of `len` Rust types against `types`.
fn check_count(len: usize, types: &[Type], what: &str) -> Result<(), TypeMismatch> {
    if types.len() == len {
        return Ok(());
    }
    Err(TypeMismatch(format!(
        "expected {len} {what}, found {} ({types:?})",
        types.len()
    )))
}

fn too_few(what: &str) -> Error {
    Error::Other(format!("too few {what}"))
}

macro_rules! params {
    ($($name:ident)*) => {
        impl<$($name: ComponentValue),*> ComponentParams for ($($name,)*) {
            #[allow(unused_mut, unused_variables, unused_assignments)]
            fn typecheck(types: &[Type]) -> Result<(), (Option<usize>, TypeMismatch)> {
                check_count(<[&str]>::len(&[$(stringify!($name)),*]), types, "parameters")
                    .map_err(|m| (None, m))?;
                let mut index = 0;
                $(
                    $name::typecheck(&types[index]).map_err(|m| (Some(index), m))?;
                    index += 1;
                )*
                Ok(())
            }
            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn into_vals(self, types: &[Type]) -> Result<Vec<Val>, Error> {
                let ($($name,)*) = self;
                let mut types = types.iter();
                Ok(vec![$($name.into_val(types.next().ok_or_else(|| too_few("parameter types"))?)?),*])
            }
            #[allow(unused_variables, unused_mut)]
            fn from_vals(values: Vec<Val>, types: &[Type]) -> Result<Self, Error> {
                let mut values = values.into_iter().zip(types);
                Ok(($({
                    let (value, ty) = values.next().ok_or_else(|| too_few("arguments"))?;
                    $name::from_val(value, ty)?
                },)*))
            }
        }
    };
}

fn tuple_types(ty: &Type) -> Result<&[Type], TypeMismatch> {
    match ty {
        Type::Tuple(types) => Ok(types),
        other => Err(TypeMismatch::new("a tuple", other)),
    }
}

/// Tuples of up to 8 values are the component `tuple` type.
macro_rules! tuple_value {
    ($($name:ident)+) => {
        impl<$($name: ComponentValue),+> ComponentValue for ($($name,)+) {
            fn typecheck(ty: &Type) -> Result<(), TypeMismatch> {
                let types = tuple_types(ty)?;
                check_count(<[&str]>::len(&[$(stringify!($name)),+]), types, "tuple elements")?;
                let mut index = 0;
                $(
                    $name::typecheck(&types[index])
                        .map_err(|m| m.within(format!("tuple element {index}")))?;
                    index += 1;
                )+
                let _ = index;
                Ok(())
            }
            fn into_val(self, ty: &Type) -> Result<Val, Error> {
                Ok(Val::Tuple(<Self as ComponentParams>::into_vals(self, tuple_types(ty)?)?))
            }
            fn from_val(value: Val, ty: &Type) -> Result<Self, Error> {
                match value {
                    Val::Tuple(items) => <Self as ComponentParams>::from_vals(items, tuple_types(ty)?),
                    other => Err(wrong_value(ty, &other)),
                }
            }
        }
    };
}

/// A tuple of one to eight values is both a parameter list and a value.
macro_rules! tuple {
    ($($name:ident)+) => {
        params!($($name)+);
        tuple_value!($($name)+);
    };
}

params!();
tuple!(A);
tuple!(A B);
tuple!(A B C);
tuple!(A B C D);
tuple!(A B C D E);
tuple!(A B C D E F);
tuple!(A B C D E F G);
tuple!(A B C D E F G H);

/// Checks a Rust signature against a component function type, naming the
/// parameter (or the result) that differs and how.
pub(crate) fn check_signature<P: ComponentParams, R: ComponentResult>(
    ty: &FuncType,
) -> Result<(), String> {
    let types = param_types(ty);
    P::typecheck(&types).map_err(|(index, mismatch)| {
        match index.and_then(|i| ty.params.get(i)) {
            Some((name, _)) => format!("parameter `{name}`: {mismatch}"),
            None => mismatch.to_string(),
        }
    })?;
    R::typecheck(ty.result.as_ref()).map_err(|mismatch| format!("result: {mismatch}"))
}

pub(crate) fn param_types(ty: &FuncType) -> Vec<Type> {
    ty.params.iter().map(|(_, t)| t.clone()).collect()
}

/// A component function whose type was checked against `P` and `R` once.
pub struct TypedFunc<P, R> {
    func: Func,
    params: Vec<Type>,
    _types: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        TypedFunc {
            func: self.func.clone(),
            params: self.params.clone(),
            _types: PhantomData,
        }
    }
}

impl<P: ComponentParams, R: ComponentResult> TypedFunc<P, R> {
    pub(crate) fn new(func: Func) -> Result<Self, Error> {
        check_signature::<P, R>(&func.inner.ty).map_err(|mismatch| {
            Error::Other(format!(
                "{} has the wrong type: {mismatch}",
                func.describe()
            ))
        })?;
        Ok(TypedFunc {
            params: param_types(&func.inner.ty),
            func,
            _types: PhantomData,
        })
    }

    pub fn func(&self) -> &Func {
        &self.func
    }

    pub fn call<T: 'static>(&self, store: &mut Store<T>, params: P) -> Result<R, Error> {
        let result_type = self.func.inner.ty.result.as_ref();
        let mut results: Vec<Val> = result_type.iter().map(|_| Val::Bool(false)).collect();
        let args = params.into_vals(&self.params)?;
        self.func.call(store, &args, &mut results)?;
        R::from_result(results.pop(), result_type)
    }
}
