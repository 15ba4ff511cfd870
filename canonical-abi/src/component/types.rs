//! Resolving the component's written types (parser IR, with type indices)
//! into the value layer's [`Type`]s and [`FuncType`]s against a type index
//! space at run time, where resource types have their real identities.

use std::sync::Arc;

use myrt_parser::component as ir;

use super::error::{Error, unsupported};
use super::resources::ResourceType;
use crate::types::{FuncType, Type};

/// One entry of a type index space.
#[derive(Clone)]
pub(crate) enum TypeItem {
    Value(Type),
    Func(FuncType),
    Resource(ResourceType),
    /// Instance and component types are kept as written: they are checked
    /// against what is supplied when an import of that type is resolved.
    Instance(Arc<ir::InstanceType>),
    Component,
}

fn entry(types: &[TypeItem], index: u32) -> Result<&TypeItem, Error> {
    types
        .get(index as usize)
        .ok_or_else(|| Error::Invalid(format!("type index {index} out of bounds")))
}

pub(crate) fn resource(types: &[TypeItem], index: u32) -> Result<&ResourceType, Error> {
    match entry(types, index)? {
        TypeItem::Resource(rt) => Ok(rt),
        _ => Err(Error::Invalid(format!(
            "type {index} is not a resource type"
        ))),
    }
}

pub(crate) fn func_type(types: &[TypeItem], index: u32) -> Result<FuncType, Error> {
    match entry(types, index)? {
        TypeItem::Func(ft) => Ok(ft.clone()),
        _ => Err(Error::Invalid(format!(
            "type {index} is not a function type"
        ))),
    }
}

pub(crate) fn valtype(types: &[TypeItem], t: &ir::ValType) -> Result<Type, Error> {
    match t {
        ir::ValType::Primitive(p) => primitive(*p),
        ir::ValType::Type(index) => match entry(types, *index)? {
            TypeItem::Value(t) => Ok(t.clone()),
            _ => Err(Error::Invalid(format!("type {index} is not a value type"))),
        },
    }
}

fn primitive(p: ir::PrimitiveType) -> Result<Type, Error> {
    use ir::PrimitiveType as P;
    Ok(match p {
        P::Bool => Type::Bool,
        P::S8 => Type::S8,
        P::U8 => Type::U8,
        P::S16 => Type::S16,
        P::U16 => Type::U16,
        P::S32 => Type::S32,
        P::U32 => Type::U32,
        P::S64 => Type::S64,
        P::U64 => Type::U64,
        P::F32 => Type::F32,
        P::F64 => Type::F64,
        P::Char => Type::Char,
        P::String => Type::String,
        P::ErrorContext => return Err(unsupported("error-context")),
    })
}

fn defined(types: &[TypeItem], t: &ir::DefinedType) -> Result<Type, Error> {
    use ir::DefinedType as D;
    let opt = |t: &Option<ir::ValType>| t.as_ref().map(|t| valtype(types, t)).transpose();
    Ok(match t {
        D::Primitive(p) => primitive(*p)?,
        D::Record(fields) => Type::record(
            fields
                .iter()
                .map(|f| Ok((f.name.clone(), valtype(types, &f.ty)?)))
                .collect::<Result<Vec<_>, Error>>()?,
        ),
        D::Variant(cases) => Type::variant(
            cases
                .iter()
                .map(|c| Ok((c.name.clone(), opt(&c.ty)?)))
                .collect::<Result<Vec<_>, Error>>()?,
        ),
        D::List(elem) => Type::list(valtype(types, elem)?),
        D::Tuple(elems) => Type::tuple(
            elems
                .iter()
                .map(|t| valtype(types, t))
                .collect::<Result<Vec<_>, Error>>()?,
        ),
        D::Flags(names) => Type::flags(names.iter().cloned()),
        D::Enum(names) => Type::enumeration(names.iter().cloned()),
        D::Option(t) => Type::option(valtype(types, t)?),
        D::Result { ok, err } => Type::result(opt(ok)?, opt(err)?),
        D::Own(index) => Type::Own(resource(types, *index)?.id),
        D::Borrow(index) => Type::Borrow(resource(types, *index)?.id),
        D::FixedLengthList(..) => return Err(unsupported("fixed-length lists")),
        D::Map { .. } => return Err(unsupported("maps")),
        D::Future(_) | D::Stream(_) => return Err(unsupported("async futures and streams")),
    })
}

fn functype(types: &[TypeItem], ft: &ir::FuncType) -> Result<FuncType, Error> {
    if ft.is_async {
        return Err(unsupported("async functions"));
    }
    Ok(FuncType {
        params: ft
            .params
            .iter()
            .map(|p| Ok((p.name.clone(), valtype(types, &p.ty)?)))
            .collect::<Result<_, Error>>()?,
        result: ft.result.as_ref().map(|t| valtype(types, t)).transpose()?,
    })
}

/// A type definition other than a resource (resources need the defining
/// instance, see the instantiator).
pub(crate) fn typedef(types: &[TypeItem], def: &ir::TypeDef) -> Result<TypeItem, Error> {
    Ok(match def {
        ir::TypeDef::Value(t) => TypeItem::Value(defined(types, t)?),
        ir::TypeDef::Func(ft) => TypeItem::Func(functype(types, ft)?),
        ir::TypeDef::Instance(it) => TypeItem::Instance(Arc::new(it.clone())),
        ir::TypeDef::Component(_) => TypeItem::Component,
        ir::TypeDef::Resource(_) => {
            return Err(Error::Invalid(
                "resource types can only be defined in a component body".into(),
            ));
        }
    })
}
