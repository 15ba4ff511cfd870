//! Resolution of type definitions (Binary.md `deftype`) against the index
//! spaces built so far, with the well-formedness rules of each type.

use std::collections::HashSet;
use std::sync::Arc;

use myrt_parser::component::{self as p, Sort};
use myrt_parser::{FuncType as CoreFuncType, ValType as CoreValType};

use super::Ctx;
use super::names::check_kebab;
use super::state::{CoreTypeDef, Scope, ScopeKind, get};
use super::types::*;

/// The limits of wasmparser's validator (`MAX_TYPE_SIZE`) and wasmtime's
/// type nesting, so that hostile binaries cannot make types explode.
const MAX_TYPE_SIZE: usize = 1_000_000;
const MAX_TYPE_DEPTH: usize = 100;

/// Checked wherever a type is built from others, so that no stored type is
/// over the limit and no check costs more than a few times the limit.
pub(super) fn check_size(ty: &ExternType) -> Result<(), String> {
    if ty.size() > MAX_TYPE_SIZE {
        return Err("effective type size exceeds the limit".into());
    }
    Ok(())
}

impl Ctx {
    pub(super) fn val_type(&self, ty: &p::ValType) -> Result<ValType, String> {
        match ty {
            p::ValType::Primitive(prim) => primitive(*prim),
            p::ValType::Type(index) => match self.scope().ty(*index)? {
                TypeDef::Value(v) => Ok(v.clone()),
                _ => Err(format!("type index {index} is not a defined type")),
            },
        }
    }

    fn opt_val_type(&self, ty: &Option<p::ValType>) -> Result<Option<Box<ValType>>, String> {
        ty.as_ref()
            .map(|t| self.val_type(t).map(Box::new))
            .transpose()
    }

    fn defined_type(&mut self, ty: &p::DefinedType) -> Result<ValType, String> {
        let tag = self.fresh_tag();
        Ok(match ty {
            p::DefinedType::Primitive(prim) => primitive(*prim)?,
            p::DefinedType::Record(fields) => {
                if fields.is_empty() {
                    return Err("record type must have at least one field".into());
                }
                check_labels(fields.iter().map(|f| f.name.as_str()), "record field")?;
                let fields = fields
                    .iter()
                    .map(|f| Ok((f.name.clone(), self.val_type(&f.ty)?)))
                    .collect::<Result<_, String>>()?;
                ValType::Record(tag, fields)
            }
            p::DefinedType::Variant(cases) => {
                if cases.is_empty() {
                    return Err("variant type must have at least one case".into());
                }
                check_labels(cases.iter().map(|c| c.name.as_str()), "variant case")?;
                let cases = cases
                    .iter()
                    .map(|c| {
                        Ok((
                            c.name.clone(),
                            c.ty.as_ref().map(|t| self.val_type(t)).transpose()?,
                        ))
                    })
                    .collect::<Result<_, String>>()?;
                ValType::Variant(tag, cases)
            }
            p::DefinedType::List(t) => ValType::List(Box::new(self.val_type(t)?)),
            p::DefinedType::Tuple(types) => {
                if types.is_empty() {
                    return Err("tuple type must have at least one type".into());
                }
                ValType::Tuple(
                    types
                        .iter()
                        .map(|t| self.val_type(t))
                        .collect::<Result<_, _>>()?,
                )
            }
            p::DefinedType::Flags(names) => {
                if names.is_empty() || names.len() > 32 {
                    return Err("flags must have between 1 and 32 labels".into());
                }
                check_labels(names.iter().map(String::as_str), "flag")?;
                ValType::Flags(tag, names.clone())
            }
            p::DefinedType::Enum(names) => {
                if names.is_empty() {
                    return Err("enum type must have at least one variant".into());
                }
                check_labels(names.iter().map(String::as_str), "enum tag")?;
                ValType::Enum(tag, names.clone())
            }
            p::DefinedType::Option(t) => ValType::Option(Box::new(self.val_type(t)?)),
            p::DefinedType::Result { ok, err } => ValType::Result {
                ok: self.opt_val_type(ok)?,
                err: self.opt_val_type(err)?,
            },
            p::DefinedType::Own(index) => {
                let (tag, id) = self.resource(*index)?;
                ValType::Own(tag, id)
            }
            p::DefinedType::Borrow(index) => {
                let (tag, id) = self.resource(*index)?;
                ValType::Borrow(tag, id)
            }
            p::DefinedType::FixedLengthList(..) => {
                return Err("fixed-length lists are not supported".into());
            }
            p::DefinedType::Map { .. } => return Err("map types are not supported".into()),
            p::DefinedType::Future(_) => {
                return Err("future types are not supported (async)".into());
            }
            p::DefinedType::Stream(_) => {
                return Err("stream types are not supported (async)".into());
            }
        })
    }

    pub(super) fn resource(&self, index: u32) -> Result<(Tag, ResourceId), String> {
        match self.scope().ty(index)? {
            TypeDef::Resource(tag, id) => Ok((*tag, *id)),
            _ => Err(format!("type index {index} is not a resource type")),
        }
    }

    pub(super) fn func_type(&self, ty: &p::FuncType) -> Result<FuncType, String> {
        if ty.is_async {
            return Err("async function types are not supported".into());
        }
        check_labels(
            ty.params.iter().map(|f| f.name.as_str()),
            "function parameter",
        )?;
        let params = ty
            .params
            .iter()
            .map(|f| Ok((f.name.clone(), self.val_type(&f.ty)?)))
            .collect::<Result<Vec<_>, String>>()?;
        let result = ty.result.as_ref().map(|t| self.val_type(t)).transpose()?;
        if result
            .as_ref()
            .is_some_and(|r| r.any(&|t| matches!(t, ValType::Borrow(..))))
        {
            return Err("function result cannot contain a `borrow` type".into());
        }
        Ok(FuncType { params, result })
    }

    /// A type definition, within the limits that keep resolved types (which
    /// are trees, sharing nothing) small and shallow.
    pub(super) fn type_def(&mut self, ty: &p::TypeDef) -> Result<TypeDef, String> {
        let def = self.unchecked_type_def(ty)?;
        if let TypeDef::Value(v) = &def
            && v.depth() > MAX_TYPE_DEPTH
        {
            return Err("type nesting is too deep".into());
        }
        check_size(&ExternType::Type(def.clone()))?;
        Ok(def)
    }

    fn unchecked_type_def(&mut self, ty: &p::TypeDef) -> Result<TypeDef, String> {
        Ok(match ty {
            p::TypeDef::Value(d) => TypeDef::Value(self.defined_type(d)?),
            p::TypeDef::Func(f) => TypeDef::Func(Arc::new(self.func_type(f)?)),
            p::TypeDef::Component(c) => {
                TypeDef::Component(self.component_type(&c.decls, ScopeKind::ComponentType)?)
            }
            p::TypeDef::Instance(i) => {
                let c = self.component_type(&i.decls, ScopeKind::InstanceType)?;
                TypeDef::Instance(Arc::new(InstanceType {
                    exports: c.exports.clone(),
                    resources: c.resources.clone(),
                }))
            }
            p::TypeDef::Resource(r) => {
                if self.scope().kind != ScopeKind::Component {
                    return Err("resources can only be defined within a concrete component".into());
                }
                if r.rep != CoreValType::I32 {
                    return Err("resources can only be represented by `i32`".into());
                }
                if let Some(dtor) = r.dtor {
                    let ty = get(&self.scope().core_funcs, dtor, "core function")?;
                    if *ty != CoreFuncType::new([CoreValType::I32], []) {
                        return Err("wrong signature for a destructor".into());
                    }
                }
                let id = self.fresh_resource();
                self.scope_mut().local_resources.insert(id);
                TypeDef::Resource(self.fresh_tag(), id)
            }
        })
    }

    /// A component or instance type: its declarations in a scope of their own.
    fn component_type(
        &mut self,
        decls: &[p::TypeDecl],
        kind: ScopeKind,
    ) -> Result<Arc<ComponentType>, String> {
        self.scopes.push(Scope::new(kind, self.next_resource + 1));
        let result = decls.iter().try_for_each(|decl| self.type_decl(decl));
        let scope = self.pop_scope();
        result?;
        Ok(Arc::new(ComponentType {
            imports: scope.imports,
            exports: scope.exports,
            resources: scope.first_resource..self.next_resource + 1,
        }))
    }

    fn type_decl(&mut self, decl: &p::TypeDecl) -> Result<(), String> {
        match decl {
            p::TypeDecl::CoreType(t) => {
                let t = self.core_type_def(t)?;
                self.scope_mut().core_types.push(t);
            }
            p::TypeDecl::Type(t) => {
                let t = self.type_def(t)?;
                self.scope_mut().types.push(t);
            }
            p::TypeDecl::Alias { sort, alias } => {
                let allowed = match alias {
                    p::Alias::Outer { .. } => matches!(sort, Sort::Type | Sort::CoreType),
                    _ => matches!(sort, Sort::Type | Sort::Instance),
                };
                if !allowed {
                    return Err(
                        "aliases in type declarations may only refer to types or instances".into(),
                    );
                }
                self.alias(*sort, alias)?
            }
            p::TypeDecl::Import { name, ty } => {
                check_gated_name(name)?;
                let ty = self.extern_type(ty)?;
                self.scope_mut().add_import(&name.name, ty)?;
            }
            p::TypeDecl::Export { name, ty } => {
                check_gated_name(name)?;
                let ty = self.extern_type(ty)?;
                self.scope_mut().add_export(&name.name, ty)?;
            }
        }
        Ok(())
    }

    /// The type of an import or export declaration; a type gets a new tag,
    /// being named anew, and `(sub resource)` a new resource.
    pub(super) fn extern_type(&mut self, ty: &p::ExternType) -> Result<ExternType, String> {
        Ok(match ty {
            p::ExternType::Module(index) => {
                match get(&self.scope().core_types, *index, "core type")? {
                    CoreTypeDef::Module(m) => ExternType::Module(m.clone()),
                    CoreTypeDef::Func(_) => {
                        return Err(format!("core type index {index} is not a module type"));
                    }
                }
            }
            p::ExternType::Func(index) => ExternType::Func(self.scope().func_type(*index)?),
            p::ExternType::Value(v) => ExternType::Value(self.val_type(v)?),
            p::ExternType::Type(p::TypeBound::Eq(index)) => {
                let ty = self.scope().ty(*index)?.clone();
                ExternType::Type(self.retag(&ty))
            }
            p::ExternType::Type(p::TypeBound::SubResource) => {
                let id = self.fresh_resource();
                ExternType::Type(TypeDef::Resource(self.fresh_tag(), id))
            }
            p::ExternType::Instance(index) => match self.scope().ty(*index)?.clone() {
                TypeDef::Instance(i) => ExternType::Instance(Arc::new(self.freshen(&i))),
                _ => return Err(format!("type index {index} is not an instance type")),
            },
            p::ExternType::Component(index) => match self.scope().ty(*index)? {
                TypeDef::Component(c) => ExternType::Component(c.clone()),
                _ => return Err(format!("type index {index} is not a component type")),
            },
        })
    }

    /// An instance type as one import or export sees it: its abstract
    /// resources replaced by fresh ones.
    fn freshen(&mut self, ty: &InstanceType) -> InstanceType {
        let range = ty.resources.clone();
        let mut fresh = std::collections::HashMap::new();
        let mut next = self.next_resource;
        let mut resource = |id| {
            if !range.contains(&id) {
                return id;
            }
            *fresh.entry(id).or_insert_with(|| {
                next += 1;
                next
            })
        };
        let tags = std::collections::HashMap::new();
        let result = super::subtype::Subst {
            resource: &mut resource,
            tags: &tags,
        }
        .instance(ty);
        self.next_resource = next;
        InstanceType {
            resources: 0..0,
            ..result
        }
    }

    /// The same type, named through a new index.
    pub(super) fn retag(&mut self, ty: &TypeDef) -> TypeDef {
        let tag = self.fresh_tag();
        match ty {
            TypeDef::Value(v) => TypeDef::Value(v.retagged(tag)),
            TypeDef::Resource(_, id) => TypeDef::Resource(tag, *id),
            other => other.clone(),
        }
    }

    pub(super) fn core_type_def(&self, ty: &p::CoreTypeDef) -> Result<CoreTypeDef, String> {
        Ok(match ty {
            p::CoreTypeDef::Func(f) => CoreTypeDef::Func(f.clone()),
            p::CoreTypeDef::Module(m) => CoreTypeDef::Module(Arc::new(self.module_type(m)?)),
        })
    }

    /// A core module type: its own core type index space, whose outer
    /// aliases reach the core types of the enclosing scopes.
    fn module_type(&self, ty: &p::ModuleType) -> Result<ModuleType, String> {
        let mut types: Vec<CoreFuncType> = Vec::new();
        let mut result = ModuleType::default();
        let mut export_names = HashSet::new();
        let mut import_names = HashSet::new();
        for decl in &ty.decls {
            let extern_type = |ty: &p::CoreExternType,
                               types: &[CoreFuncType]|
             -> Result<CoreExtern, String> {
                Ok(match ty {
                    p::CoreExternType::Func(i) => CoreExtern::Func(get(types, *i, "type")?.clone()),
                    p::CoreExternType::Tag(_) => {
                        return Err("exception handling (tags) is not supported".into());
                    }
                    p::CoreExternType::Table(t) => CoreExtern::Table(*t),
                    p::CoreExternType::Memory(m) => {
                        const MAX_PAGES: u64 = 1 << 16;
                        if !m.memory64
                            && (m.min > MAX_PAGES || m.max.is_some_and(|max| max > MAX_PAGES))
                        {
                            return Err("memory size must be at most 65536 pages (4GiB)".into());
                        }
                        CoreExtern::Memory(*m)
                    }
                    p::CoreExternType::Global(g) => CoreExtern::Global(*g),
                })
            };
            match decl {
                p::ModuleTypeDecl::Type(f) => types.push(f.clone()),
                p::ModuleTypeDecl::OuterType { count, index } => {
                    // Count 0 would be the module type itself, whose types are not core type definitions of a component.
                    let scope = self.outer(
                        count
                            .checked_sub(1)
                            .ok_or("invalid outer alias count of 0 in a module type")?,
                    )?;
                    match get(&scope.core_types, *index, "core type")? {
                        CoreTypeDef::Func(f) => types.push(f.clone()),
                        CoreTypeDef::Module(_) => {
                            return Err("a module type can only alias core function types".into());
                        }
                    }
                }
                p::ModuleTypeDecl::Import { module, name, ty } => {
                    if !import_names.insert((module.clone(), name.clone())) {
                        return Err(format!("duplicate import name `{module}::{name}`"));
                    }
                    result
                        .imports
                        .push(((module.clone(), name.clone()), extern_type(ty, &types)?));
                }
                p::ModuleTypeDecl::Export { name, ty } => {
                    if !export_names.insert(name.clone()) {
                        return Err(format!("export name `{name}` already defined"));
                    }
                    result
                        .exports
                        .push((name.clone(), extern_type(ty, &types)?));
                }
            }
        }
        Ok(result)
    }
}

/// The gated cm-implements options of names.
pub(super) fn check_gated_name(name: &p::ExternName) -> Result<(), String> {
    if name.implements.is_some() || name.version_suffix.is_some() || name.external_id.is_some() {
        return Err(
            "`implements`, `versionsuffix` and `external-id` names are not supported".into(),
        );
    }
    Ok(())
}

fn primitive(prim: p::PrimitiveType) -> Result<ValType, String> {
    use p::PrimitiveType as P;
    Ok(match prim {
        P::Bool => ValType::Bool,
        P::S8 => ValType::S8,
        P::U8 => ValType::U8,
        P::S16 => ValType::S16,
        P::U16 => ValType::U16,
        P::S32 => ValType::S32,
        P::U32 => ValType::U32,
        P::S64 => ValType::S64,
        P::U64 => ValType::U64,
        P::F32 => ValType::F32,
        P::F64 => ValType::F64,
        P::Char => ValType::Char,
        P::String => ValType::String,
        P::ErrorContext => return Err("error-context is not supported".into()),
    })
}

/// Labels must be non-empty kebab-case and unique case-insensitively.
fn check_labels<'a>(labels: impl Iterator<Item = &'a str>, what: &str) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for label in labels {
        if label.is_empty() {
            return Err(format!("{what} name cannot be empty"));
        }
        check_kebab(label, &format!("{what} name"))?;
        if let Some(prev) = seen.iter().find(|p| p.eq_ignore_ascii_case(label)) {
            return Err(format!(
                "{what} name `{label}` conflicts with previous {what} name `{prev}`"
            ));
        }
        seen.push(label);
    }
    Ok(())
}
