//! Statically typed host functions and calls: Rust types that stand for
//! component value types ([`ComponentValue`]), so hosts can write
//! `|store, (a, b): (u32, String)| -> Result<u64, Error>` instead of
//! matching on [`Val`]s.

use std::marker::PhantomData;

use myrt_interp::Store;

use super::error::Error;
use super::func::Func;
use crate::types::{FuncType, Type};
use crate::values::Val;

/// A Rust type with a component value type.
pub trait ComponentValue: Sized + 'static {
    fn ty() -> Type;
    fn into_val(self) -> Val;
    fn from_val(value: Val) -> Result<Self, Error>;
}

fn wrong(expected: &Type, found: &Val) -> Error {
    Error::Other(format!(
        "expected a value of type {expected:?}, found {found:?}"
    ))
}

macro_rules! scalar {
    ($($rust:ty => $variant:ident,)*) => {$(
        impl ComponentValue for $rust {
            fn ty() -> Type {
                Type::$variant
            }
            fn into_val(self) -> Val {
                Val::$variant(self)
            }
            fn from_val(value: Val) -> Result<Self, Error> {
                match value {
                    Val::$variant(v) => Ok(v),
                    other => Err(wrong(&Type::$variant, &other)),
                }
            }
        }
    )*};
}

scalar! {
    bool => Bool, i8 => S8, u8 => U8, i16 => S16, u16 => U16, i32 => S32, u32 => U32,
    i64 => S64, u64 => U64, f32 => F32, f64 => F64, char => Char, String => String,
}

impl<E: ComponentValue> ComponentValue for Vec<E> {
    fn ty() -> Type {
        Type::list(E::ty())
    }
    fn into_val(self) -> Val {
        Val::List(self.into_iter().map(E::into_val).collect())
    }
    fn from_val(value: Val) -> Result<Self, Error> {
        match value {
            Val::List(items) => items.into_iter().map(E::from_val).collect(),
            other => Err(wrong(&Self::ty(), &other)),
        }
    }
}

impl<P: ComponentValue> ComponentValue for Option<P> {
    fn ty() -> Type {
        Type::option(P::ty())
    }
    fn into_val(self) -> Val {
        Val::Option(self.map(|v| Box::new(v.into_val())))
    }
    fn from_val(value: Val) -> Result<Self, Error> {
        match value {
            Val::Option(v) => v.map(|v| P::from_val(*v)).transpose(),
            other => Err(wrong(&Self::ty(), &other)),
        }
    }
}

impl<O: ComponentValue, E: ComponentValue> ComponentValue for Result<O, E> {
    fn ty() -> Type {
        Type::result(Some(O::ty()), Some(E::ty()))
    }
    fn into_val(self) -> Val {
        Val::Result(match self {
            Ok(v) => Ok(Some(Box::new(v.into_val()))),
            Err(e) => Err(Some(Box::new(e.into_val()))),
        })
    }
    fn from_val(value: Val) -> Result<Self, Error> {
        match value {
            Val::Result(Ok(Some(v))) => Ok(Ok(O::from_val(*v)?)),
            Val::Result(Err(Some(e))) => Ok(Err(E::from_val(*e)?)),
            other => Err(wrong(&Self::ty(), &other)),
        }
    }
}

/// The parameters of a typed function: a tuple of [`ComponentValue`]s.
pub trait ComponentParams: Sized + 'static {
    fn types() -> Vec<Type>;
    fn into_vals(self) -> Vec<Val>;
    fn from_vals(values: &[Val]) -> Result<Self, Error>;
}

/// The result of a typed function: `()` or one [`ComponentValue`].
pub trait ComponentResult: Sized + 'static {
    fn result_type() -> Option<Type>;
    fn into_result(self) -> Option<Val>;
    fn from_result(value: Option<Val>) -> Result<Self, Error>;
}

impl ComponentResult for () {
    fn result_type() -> Option<Type> {
        None
    }
    fn into_result(self) -> Option<Val> {
        None
    }
    fn from_result(_: Option<Val>) -> Result<Self, Error> {
        Ok(())
    }
}

impl<R: ComponentValue> ComponentResult for R {
    fn result_type() -> Option<Type> {
        Some(R::ty())
    }
    fn into_result(self) -> Option<Val> {
        Some(self.into_val())
    }
    fn from_result(value: Option<Val>) -> Result<Self, Error> {
        match value {
            Some(v) => R::from_val(v),
            None => Err(Error::Other("missing result".into())),
        }
    }
}

macro_rules! params {
    ($($name:ident)*) => {
        impl<$($name: ComponentValue),*> ComponentParams for ($($name,)*) {
            fn types() -> Vec<Type> {
                vec![$($name::ty()),*]
            }
            #[allow(non_snake_case)]
            fn into_vals(self) -> Vec<Val> {
                let ($($name,)*) = self;
                vec![$($name.into_val()),*]
            }
            #[allow(unused_variables, unused_mut)]
            fn from_vals(values: &[Val]) -> Result<Self, Error> {
                let mut values = values.iter().cloned();
                Ok(($($name::from_val(values.next().ok_or_else(|| {
                    Error::Other("too few arguments".into())
                })?)?,)*))
            }
        }
    };
}

/// Tuples of up to 8 values are the component `tuple` type.
macro_rules! tuple_value {
    ($($name:ident)+) => {
        impl<$($name: ComponentValue),+> ComponentValue for ($($name,)+) {
            fn ty() -> Type {
                Type::tuple([$($name::ty()),+])
            }
            #[allow(non_snake_case)]
            fn into_val(self) -> Val {
                let ($($name,)+) = self;
                Val::Tuple(vec![$($name.into_val()),+])
            }
            fn from_val(value: Val) -> Result<Self, Error> {
                match value {
                    Val::Tuple(items) => <Self as ComponentParams>::from_vals(&items),
                    other => Err(wrong(&Self::ty(), &other)),
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

/// Do a typed signature's types match a component function type? Parameter
/// names are not part of a Rust signature, so only types are compared.
pub(crate) fn signature_matches<P: ComponentParams, R: ComponentResult>(ty: &FuncType) -> bool {
    ty.params.iter().map(|(_, t)| t).eq(P::types().iter()) && ty.result == R::result_type()
}

pub(crate) fn describe_signature<P: ComponentParams, R: ComponentResult>() -> String {
    format!("(params {:?}) (result {:?})", P::types(), R::result_type())
}

/// A component function whose type was checked against `P` and `R` once.
pub struct TypedFunc<P, R> {
    func: Func,
    _types: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        TypedFunc {
            func: self.func.clone(),
            _types: PhantomData,
        }
    }
}

impl<P: ComponentParams, R: ComponentResult> TypedFunc<P, R> {
    pub(crate) fn new(func: Func) -> Result<Self, Error> {
        if !signature_matches::<P, R>(&func.0.ty) {
            return Err(Error::Other(format!(
                "function has type {:?}, not {}",
                func.0.ty,
                describe_signature::<P, R>()
            )));
        }
        Ok(TypedFunc {
            func,
            _types: PhantomData,
        })
    }

    pub fn func(&self) -> &Func {
        &self.func
    }

    pub fn call<T: 'static>(&self, store: &mut Store<T>, params: P) -> Result<R, Error> {
        let mut results: Vec<Val> = R::result_type().iter().map(|_| Val::Bool(false)).collect();
        self.func.call(store, &params.into_vals(), &mut results)?;
        R::from_result(results.pop())
    }
}
