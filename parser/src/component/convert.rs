//! Conversions from wasmparser's component items to our IR. Pure functions:
//! which index space an item lands in is decided by the decoder.

use wasmparser as wp;

use crate::decode::{global_type, memory_type, table_type, val_type as core_val_type};
use crate::error::DecodeError;
use crate::types::FuncType as CoreFuncType;

use super::model::{Alias, CanonOption, ExternName, Sort, StringEncoding};
use super::types::*;

pub(super) fn val_type(ty: wp::ComponentValType) -> ValType {
    match ty {
        wp::ComponentValType::Primitive(p) => ValType::Primitive(primitive(p)),
        wp::ComponentValType::Type(idx) => ValType::Type(idx),
    }
}

fn primitive(ty: wp::PrimitiveValType) -> PrimitiveType {
    match ty {
        wp::PrimitiveValType::Bool => PrimitiveType::Bool,
        wp::PrimitiveValType::S8 => PrimitiveType::S8,
        wp::PrimitiveValType::U8 => PrimitiveType::U8,
        wp::PrimitiveValType::S16 => PrimitiveType::S16,
        wp::PrimitiveValType::U16 => PrimitiveType::U16,
        wp::PrimitiveValType::S32 => PrimitiveType::S32,
        wp::PrimitiveValType::U32 => PrimitiveType::U32,
        wp::PrimitiveValType::S64 => PrimitiveType::S64,
        wp::PrimitiveValType::U64 => PrimitiveType::U64,
        wp::PrimitiveValType::F32 => PrimitiveType::F32,
        wp::PrimitiveValType::F64 => PrimitiveType::F64,
        wp::PrimitiveValType::Char => PrimitiveType::Char,
        wp::PrimitiveValType::String => PrimitiveType::String,
        wp::PrimitiveValType::ErrorContext => PrimitiveType::ErrorContext,
    }
}

fn opt_val_type(ty: Option<wp::ComponentValType>) -> Option<ValType> {
    ty.map(val_type)
}

fn fields(fields: &[(&str, wp::ComponentValType)]) -> Vec<Field> {
    fields
        .iter()
        .map(|(name, ty)| Field {
            name: (*name).to_owned(),
            ty: val_type(*ty),
        })
        .collect()
}

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

pub(super) fn type_def(ty: wp::ComponentType<'_>, at: usize) -> Result<TypeDef, DecodeError> {
    Ok(match ty {
        wp::ComponentType::Defined(ty) => TypeDef::Value(defined_type(ty)),
        wp::ComponentType::Func(ty) => TypeDef::Func(func_type(&ty)),
        wp::ComponentType::Component(decls) => {
            let decls = decls
                .into_vec()
                .into_iter()
                .map(|d| component_type_decl(d, at))
                .collect::<Result<_, _>>()?;
            TypeDef::Component(ComponentType { decls })
        }
        wp::ComponentType::Instance(decls) => {
            let decls = decls
                .into_vec()
                .into_iter()
                .map(|d| instance_type_decl(d, at))
                .collect::<Result<_, _>>()?;
            TypeDef::Instance(InstanceType { decls })
        }
        wp::ComponentType::Resource { rep, dtor } => TypeDef::Resource(ResourceType {
            rep: core_val_type(rep, at)?,
            dtor,
        }),
    })
}

fn defined_type(ty: wp::ComponentDefinedType<'_>) -> DefinedType {
    match ty {
        wp::ComponentDefinedType::Primitive(p) => DefinedType::Primitive(primitive(p)),
        wp::ComponentDefinedType::Record(f) => DefinedType::Record(fields(&f)),
        wp::ComponentDefinedType::Variant(cases) => DefinedType::Variant(
            cases
                .iter()
                .map(|c| Case {
                    name: c.name.to_owned(),
                    ty: opt_val_type(c.ty),
                })
                .collect(),
        ),
        wp::ComponentDefinedType::List(ty) => DefinedType::List(val_type(ty)),
        wp::ComponentDefinedType::Map(key, value) => DefinedType::Map {
            key: val_type(key),
            value: val_type(value),
        },
        wp::ComponentDefinedType::FixedLengthList(ty, len) => {
            DefinedType::FixedLengthList(val_type(ty), len)
        }
        wp::ComponentDefinedType::Tuple(tys) => {
            DefinedType::Tuple(tys.iter().map(|t| val_type(*t)).collect())
        }
        wp::ComponentDefinedType::Flags(n) => DefinedType::Flags(names(&n)),
        wp::ComponentDefinedType::Enum(n) => DefinedType::Enum(names(&n)),
        wp::ComponentDefinedType::Option(ty) => DefinedType::Option(val_type(ty)),
        wp::ComponentDefinedType::Result { ok, err } => DefinedType::Result {
            ok: opt_val_type(ok),
            err: opt_val_type(err),
        },
        wp::ComponentDefinedType::Own(idx) => DefinedType::Own(idx),
        wp::ComponentDefinedType::Borrow(idx) => DefinedType::Borrow(idx),
        wp::ComponentDefinedType::Future(ty) => DefinedType::Future(opt_val_type(ty)),
        wp::ComponentDefinedType::Stream(ty) => DefinedType::Stream(opt_val_type(ty)),
    }
}

fn func_type(ty: &wp::ComponentFuncType<'_>) -> FuncType {
    FuncType {
        is_async: ty.async_,
        params: fields(&ty.params),
        result: opt_val_type(ty.result),
    }
}

fn component_type_decl(
    decl: wp::ComponentTypeDeclaration<'_>,
    at: usize,
) -> Result<TypeDecl, DecodeError> {
    Ok(match decl {
        wp::ComponentTypeDeclaration::CoreType(ty) => TypeDecl::CoreType(core_type(ty, at)?),
        wp::ComponentTypeDeclaration::Type(ty) => TypeDecl::Type(type_def(ty, at)?),
        wp::ComponentTypeDeclaration::Alias(a) => {
            let (sort, alias) = alias(a);
            TypeDecl::Alias { sort, alias }
        }
        wp::ComponentTypeDeclaration::Export { name, ty } => TypeDecl::Export {
            name: extern_name(name),
            ty: extern_type(ty),
        },
        wp::ComponentTypeDeclaration::Import(import) => TypeDecl::Import {
            name: extern_name(import.name),
            ty: extern_type(import.ty),
        },
    })
}

fn instance_type_decl(
    decl: wp::InstanceTypeDeclaration<'_>,
    at: usize,
) -> Result<TypeDecl, DecodeError> {
    Ok(match decl {
        wp::InstanceTypeDeclaration::CoreType(ty) => TypeDecl::CoreType(core_type(ty, at)?),
        wp::InstanceTypeDeclaration::Type(ty) => TypeDecl::Type(type_def(ty, at)?),
        wp::InstanceTypeDeclaration::Alias(a) => {
            let (sort, alias) = alias(a);
            TypeDecl::Alias { sort, alias }
        }
        wp::InstanceTypeDeclaration::Export { name, ty } => TypeDecl::Export {
            name: extern_name(name),
            ty: extern_type(ty),
        },
    })
}

/// An alias and the index space it adds an entry to.
pub(super) fn alias(alias: wp::ComponentAlias<'_>) -> (Sort, Alias) {
    match alias {
        wp::ComponentAlias::InstanceExport {
            kind,
            instance_index,
            name,
        } => (
            component_sort(kind),
            Alias::InstanceExport {
                instance: instance_index,
                name: name.to_owned(),
            },
        ),
        wp::ComponentAlias::CoreInstanceExport {
            kind,
            instance_index,
            name,
        } => (
            core_sort(kind),
            Alias::CoreInstanceExport {
                instance: instance_index,
                name: name.to_owned(),
            },
        ),
        wp::ComponentAlias::Outer { kind, count, index } => {
            let sort = match kind {
                wp::ComponentOuterAliasKind::CoreModule => Sort::CoreModule,
                wp::ComponentOuterAliasKind::CoreType => Sort::CoreType,
                wp::ComponentOuterAliasKind::Type => Sort::Type,
                wp::ComponentOuterAliasKind::Component => Sort::Component,
            };
            (sort, Alias::Outer { count, index })
        }
    }
}

pub(super) fn component_sort(kind: wp::ComponentExternalKind) -> Sort {
    match kind {
        wp::ComponentExternalKind::Module => Sort::CoreModule,
        wp::ComponentExternalKind::Func => Sort::Func,
        wp::ComponentExternalKind::Value => Sort::Value,
        wp::ComponentExternalKind::Type => Sort::Type,
        wp::ComponentExternalKind::Instance => Sort::Instance,
        wp::ComponentExternalKind::Component => Sort::Component,
    }
}

pub(super) fn core_sort(kind: wp::ExternalKind) -> Sort {
    match kind {
        wp::ExternalKind::Func | wp::ExternalKind::FuncExact => Sort::CoreFunc,
        wp::ExternalKind::Table => Sort::CoreTable,
        wp::ExternalKind::Memory => Sort::CoreMemory,
        wp::ExternalKind::Global => Sort::CoreGlobal,
        wp::ExternalKind::Tag => Sort::CoreTag,
    }
}

pub(super) fn extern_name(name: wp::ComponentExternName<'_>) -> ExternName {
    ExternName {
        name: name.name.to_owned(),
        implements: name.implements.map(str::to_owned),
        version_suffix: name.version_suffix.map(str::to_owned),
        external_id: name.external_id.map(str::to_owned),
    }
}

pub(super) fn extern_type(ty: wp::ComponentTypeRef) -> ExternType {
    match ty {
        wp::ComponentTypeRef::Module(idx) => ExternType::Module(idx),
        wp::ComponentTypeRef::Func(idx) => ExternType::Func(idx),
        wp::ComponentTypeRef::Value(ty) => ExternType::Value(val_type(ty)),
        wp::ComponentTypeRef::Type(wp::TypeBounds::Eq(idx)) => ExternType::Type(TypeBound::Eq(idx)),
        wp::ComponentTypeRef::Type(wp::TypeBounds::SubResource) => {
            ExternType::Type(TypeBound::SubResource)
        }
        wp::ComponentTypeRef::Instance(idx) => ExternType::Instance(idx),
        wp::ComponentTypeRef::Component(idx) => ExternType::Component(idx),
    }
}

pub(super) fn canon_options(options: &[wp::CanonicalOption]) -> Vec<CanonOption> {
    options
        .iter()
        .map(|option| match *option {
            wp::CanonicalOption::UTF8 => CanonOption::StringEncoding(StringEncoding::Utf8),
            wp::CanonicalOption::UTF16 => CanonOption::StringEncoding(StringEncoding::Utf16),
            wp::CanonicalOption::CompactUTF16 => {
                CanonOption::StringEncoding(StringEncoding::CompactUtf16)
            }
            wp::CanonicalOption::Memory(idx) => CanonOption::Memory(idx),
            wp::CanonicalOption::Realloc(idx) => CanonOption::Realloc(idx),
            wp::CanonicalOption::PostReturn(idx) => CanonOption::PostReturn(idx),
            wp::CanonicalOption::Async => CanonOption::Async,
            wp::CanonicalOption::Callback(idx) => CanonOption::Callback(idx),
            wp::CanonicalOption::CoreType(idx) => CanonOption::CoreType(idx),
            wp::CanonicalOption::Gc => CanonOption::Gc,
        })
        .collect()
}

pub(super) fn core_type(ty: wp::CoreType<'_>, at: usize) -> Result<CoreTypeDef, DecodeError> {
    Ok(match ty {
        wp::CoreType::Rec(group) => CoreTypeDef::Func(core_func_type(group, at)?),
        wp::CoreType::Module(decls) => {
            let decls = decls
                .into_vec()
                .into_iter()
                .map(|d| module_type_decl(d, at))
                .collect::<Result<_, _>>()?;
            CoreTypeDef::Module(ModuleType { decls })
        }
    })
}

/// Components may define core function types only: the GC proposal's
/// recursive groups, supertypes, structs and arrays are not supported. A
/// non-final `(sub (func ...))` without supertypes is accepted as a plain
/// function type: finality only matters to GC subtyping, which myrt lacks.
fn core_func_type(group: wp::RecGroup, at: usize) -> Result<CoreFuncType, DecodeError> {
    let unsupported = || {
        DecodeError::new(
            at,
            "core GC types (rec groups, supertypes, structs, arrays) are not supported",
        )
    };
    if group.is_explicit_rec_group() {
        return Err(unsupported());
    }
    let mut types = group.into_types();
    let (Some(sub), None) = (types.next(), types.next()) else {
        return Err(unsupported());
    };
    let wp::CompositeInnerType::Func(ty) = &sub.composite_type.inner else {
        return Err(unsupported());
    };
    if sub.supertype_idx.is_some() || sub.composite_type.shared {
        return Err(unsupported());
    }
    let params = ty
        .params()
        .iter()
        .map(|t| core_val_type(*t, at))
        .collect::<Result<Vec<_>, _>>()?;
    let results = ty
        .results()
        .iter()
        .map(|t| core_val_type(*t, at))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CoreFuncType::new(params, results))
}

fn module_type_decl(
    decl: wp::ModuleTypeDeclaration<'_>,
    at: usize,
) -> Result<ModuleTypeDecl, DecodeError> {
    Ok(match decl {
        wp::ModuleTypeDeclaration::Type(group) => ModuleTypeDecl::Type(core_func_type(group, at)?),
        wp::ModuleTypeDeclaration::OuterAlias {
            kind: wp::OuterAliasKind::Type,
            count,
            index,
        } => ModuleTypeDecl::OuterType { count, index },
        wp::ModuleTypeDeclaration::Import(import) => ModuleTypeDecl::Import {
            module: import.module.to_owned(),
            name: import.name.to_owned(),
            ty: core_extern_type(import.ty, at)?,
        },
        wp::ModuleTypeDeclaration::Export { name, ty } => ModuleTypeDecl::Export {
            name: name.to_owned(),
            ty: core_extern_type(ty, at)?,
        },
    })
}

fn core_extern_type(ty: wp::TypeRef, at: usize) -> Result<CoreExternType, DecodeError> {
    Ok(match ty {
        wp::TypeRef::Func(idx) => CoreExternType::Func(idx),
        wp::TypeRef::FuncExact(_) => {
            return Err(DecodeError::new(
                at,
                "exact function imports (custom descriptors) are not supported",
            ));
        }
        wp::TypeRef::Table(t) => CoreExternType::Table(table_type(t, at)?),
        wp::TypeRef::Memory(t) => CoreExternType::Memory(memory_type(t)),
        wp::TypeRef::Global(t) => CoreExternType::Global(global_type(t, at)?),
        wp::TypeRef::Tag(t) => CoreExternType::Tag(t.func_type_idx),
    })
}
