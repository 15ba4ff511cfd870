//! The index spaces being built while a component, component type or
//! instance type is validated, and the rules about names that apply to all
//! three: uniqueness, external visibility and `[method]`-style annotations.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use myrt_parser::{FuncType as CoreFuncType, GlobalType, MemoryType, TableType};

use super::names::{NameSet, ParsedName};
use super::types::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Component,
    ComponentType,
    InstanceType,
}

/// A core type index space entry.
#[derive(Debug, Clone)]
pub enum CoreTypeDef {
    Func(CoreFuncType),
    Module(Arc<ModuleType>),
}

/// One component (or component/instance type declaration) being validated.
#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub core_funcs: Vec<CoreFuncType>,
    pub core_tables: Vec<TableType>,
    pub core_memories: Vec<MemoryType>,
    pub core_globals: Vec<GlobalType>,
    pub core_tags: Vec<CoreFuncType>,
    pub core_types: Vec<CoreTypeDef>,
    pub core_modules: Vec<Arc<ModuleType>>,
    pub core_instances: Vec<CoreInstanceType>,
    pub funcs: Vec<Arc<FuncType>>,
    pub values: Vec<ValType>,
    /// Whether each value has been consumed: values are used exactly once.
    values_used: Vec<bool>,
    pub types: Vec<TypeDef>,
    pub instances: Vec<Arc<InstanceType>>,
    pub components: Vec<Arc<ComponentType>>,
    pub imports: Vec<(String, ExternType)>,
    pub exports: Vec<(String, ExternType)>,
    import_names: NameSet,
    export_names: NameSet,
    /// Tags of types reachable through an import (external visibility).
    imported_tags: HashSet<u32>,
    /// Tags of types reachable through an export.
    exported_tags: HashSet<u32>,
    /// Resource types imported (resp. exported) under a plain name, for annotated names.
    import_resources: HashMap<String, (Tag, ResourceId)>,
    export_resources: HashMap<String, (Tag, ResourceId)>,
    /// Resources defined by `(type (resource ...))` in this component.
    pub local_resources: HashSet<ResourceId>,
    /// The first resource id allocated for this scope.
    pub first_resource: ResourceId,
}

impl Scope {
    pub fn new(kind: ScopeKind, first_resource: ResourceId) -> Scope {
        Scope {
            kind,
            core_funcs: Vec::new(),
            core_tables: Vec::new(),
            core_memories: Vec::new(),
            core_globals: Vec::new(),
            core_tags: Vec::new(),
            core_types: Vec::new(),
            core_modules: Vec::new(),
            core_instances: Vec::new(),
            funcs: Vec::new(),
            values: Vec::new(),
            values_used: Vec::new(),
            types: Vec::new(),
            instances: Vec::new(),
            components: Vec::new(),
            imports: Vec::new(),
            exports: Vec::new(),
            import_names: NameSet::default(),
            export_names: NameSet::default(),
            imported_tags: HashSet::new(),
            exported_tags: HashSet::new(),
            import_resources: HashMap::new(),
            export_resources: HashMap::new(),
            local_resources: HashSet::new(),
            first_resource,
        }
    }

    pub fn ty(&self, index: u32) -> Result<&TypeDef, String> {
        get(&self.types, index, "type")
    }

    pub fn func_type(&self, index: u32) -> Result<Arc<FuncType>, String> {
        match self.ty(index)? {
            TypeDef::Func(f) => Ok(f.clone()),
            _ => Err(format!("type index {index} is not a function type")),
        }
    }

    /// Appends an entity of type `ty` to its index space.
    pub fn push(&mut self, ty: ExternType) {
        match ty {
            ExternType::Module(t) => self.core_modules.push(t),
            ExternType::Func(t) => self.funcs.push(t),
            ExternType::Value(t) => {
                self.values.push(t);
                self.values_used.push(false);
            }
            ExternType::Type(t) => self.types.push(t),
            ExternType::Instance(t) => self.instances.push(t),
            ExternType::Component(t) => self.components.push(t),
        }
    }

    /// Records an import: its name, its visibility, and its index.
    pub fn add_import(&mut self, name: &str, ty: ExternType) -> Result<(), String> {
        let parsed = self.import_names.add(name, "import")?;
        check_visible(&ty, &self.imported_tags)
            .map_err(|what| format!("{what} not valid to be used as import"))?;
        collect_tags(&ty, &mut self.imported_tags);
        check_annotation(&parsed, &ty, &self.import_resources)?;
        if let (ParsedName::Label(label), ExternType::Type(TypeDef::Resource(tag, id))) =
            (&parsed, &ty)
        {
            self.import_resources.insert(label.to_string(), (*tag, *id));
        }
        self.imports.push((name.to_owned(), ty.clone()));
        self.push(ty);
        Ok(())
    }

    /// Records an export, which also adds an index (Binary.md).
    pub fn add_export(&mut self, name: &str, ty: ExternType) -> Result<(), String> {
        let parsed = self.export_names.add(name, "export")?;
        let named: HashSet<u32> = self
            .imported_tags
            .union(&self.exported_tags)
            .copied()
            .collect();
        // Instance types defer visibility until they are attached to a concrete import or export.
        let deferred = self.kind == ScopeKind::InstanceType;
        if !deferred {
            check_visible(&ty, &named)
                .map_err(|what| format!("{what} not valid to be used as export"))?;
        }
        collect_tags(&ty, &mut self.exported_tags);
        check_annotation(&parsed, &ty, &self.export_resources)?;
        if let (ParsedName::Label(label), ExternType::Type(TypeDef::Resource(tag, id))) =
            (&parsed, &ty)
        {
            self.export_resources.insert(label.to_string(), (*tag, *id));
        }
        self.exports.push((name.to_owned(), ty.clone()));
        let is_value = matches!(ty, ExternType::Value(_));
        self.push(ty);
        if is_value {
            // The new index an export introduces is the export itself, not another value to consume.
            self.use_value(self.values.len() as u32 - 1)?;
        }
        Ok(())
    }

    /// Consumes value `index` (Explainer.md "Value definitions": each value
    /// is used exactly once).
    pub fn use_value(&mut self, index: u32) -> Result<(), String> {
        let used = self
            .values_used
            .get_mut(index as usize)
            .ok_or_else(|| format!("value index out of bounds: {index}"))?;
        if std::mem::replace(used, true) {
            return Err(format!("value {index} cannot be used more than once"));
        }
        Ok(())
    }

    /// The first value never consumed, if any.
    pub fn unused_value(&self) -> Option<usize> {
        self.values_used.iter().position(|used| !used)
    }
}

pub fn get<'a, T>(list: &'a [T], index: u32, what: &str) -> Result<&'a T, String> {
    list.get(index as usize)
        .ok_or_else(|| format!("{what} index out of bounds: {index}"))
}

/// Checks the exports of a bag-of-exports instance as one namespace.
pub fn check_inline_exports(exports: &[(String, ExternType)]) -> Result<(), String> {
    let mut names = NameSet::default();
    let mut resources = HashMap::new();
    for (name, ty) in exports {
        let parsed = names.add(name, "export")?;
        check_annotation(&parsed, ty, &resources)?;
        if let (ParsedName::Label(label), ExternType::Type(TypeDef::Resource(tag, id))) =
            (&parsed, ty)
        {
            resources.insert(label.to_string(), (*tag, *id));
        }
    }
    Ok(())
}

/// The `[constructor]`/`[method]`/`[static]` rules (Binary.md import/export
/// validation): the resource must be named in the same namespace, and every
/// resource the function mentions must be one named there.
fn check_annotation(
    name: &ParsedName,
    ty: &ExternType,
    resources: &HashMap<String, (Tag, ResourceId)>,
) -> Result<(), String> {
    let resource_name = match name {
        ParsedName::Label(_) | ParsedName::Interface(_) | ParsedName::Dependency(_) => {
            return Ok(());
        }
        ParsedName::Constructor(r) => *r,
        ParsedName::Method { resource, .. } | ParsedName::Static { resource, .. } => *resource,
    };
    let ExternType::Func(func) = ty else {
        return Err(format!("`{resource_name}` annotated name is not a func"));
    };
    let named_tags: HashSet<u32> = resources.values().map(|(tag, _)| tag.0).collect();
    let mut handles = Vec::new();
    for v in func.params.iter().map(|(_, t)| t).chain(func.result.iter()) {
        collect_handles(v, &mut handles);
    }
    if handles.iter().any(|tag| !named_tags.contains(&tag.0)) {
        return Err("resource used in function does not have a name in this context".into());
    }
    // The function's shape first, then whether its resource is the one the name says.
    let resource = match name {
        ParsedName::Constructor(_) => {
            let result = func
                .result
                .as_ref()
                .ok_or("function should return one value")?;
            let own = match result {
                ValType::Result { ok: Some(ok), .. } => ok,
                other => other,
            };
            let ValType::Own(_, id) = own else {
                return Err("function should return `(own $T)` or `(result (own $T))`".into());
            };
            Some(*id)
        }
        ParsedName::Method { .. } => {
            let (first, ty) = func
                .params
                .first()
                .ok_or("function should have at least one argument")?;
            if first != "self" {
                return Err("function should have a first argument called `self`".into());
            }
            let ValType::Borrow(_, id) = ty else {
                return Err("function should take a first argument of `(borrow $T)`".into());
            };
            Some(*id)
        }
        _ => None,
    };
    let Some(&(_, named)) = resources.get(resource_name) else {
        return Err(match name {
            ParsedName::Static { .. } => "static resource name is not known in this context".into(),
            _ => format!("function does not match expected resource name `{resource_name}`"),
        });
    };
    if resource.is_some_and(|id| id != named) {
        let actual = resources
            .iter()
            .find(|(_, (_, id))| Some(*id) == resource)
            .map_or("", |(n, _)| n.as_str());
        return Err(format!(
            "function does not match expected resource name `{actual}`"
        ));
    }
    Ok(())
}

fn collect_handles(v: &ValType, out: &mut Vec<Tag>) {
    if let ValType::Own(tag, _) | ValType::Borrow(tag, _) = v {
        out.push(*tag);
    }
    v.children()
        .into_iter()
        .for_each(|c| collect_handles(c, out));
}

/// External visibility: every record, variant, enum, flags and handle `ty`
/// mentions must have been reached through an import or export (one of
/// `named`). Returns the kind of the offending item.
fn check_visible(ty: &ExternType, named: &HashSet<u32>) -> Result<(), &'static str> {
    let mut named = named.clone();
    visible_extern(ty, &mut named)
}

fn visible_extern(ty: &ExternType, named: &mut HashSet<u32>) -> Result<(), &'static str> {
    match ty {
        ExternType::Module(_) => Ok(()),
        ExternType::Func(f) => visible_func(f, named).map_err(|_| "func"),
        ExternType::Value(v) => visible_val(v, named).map_err(|_| "value"),
        ExternType::Type(t) => visible_type_def(t, named).map_err(|_| "type"),
        ExternType::Instance(i) => {
            let mut inner = named.clone();
            visible_list(&i.exports, &mut inner).map_err(|_| "instance")
        }
        ExternType::Component(c) => {
            let mut inner = named.clone();
            visible_list(&c.imports, &mut inner)
                .and_then(|()| visible_list(&c.exports, &mut inner))
                .map_err(|_| "component")
        }
    }
}

/// The items of an instance or component type are checked in order, each
/// type export naming what later items may mention.
fn visible_list(
    list: &[(String, ExternType)],
    named: &mut HashSet<u32>,
) -> Result<(), &'static str> {
    for (_, ty) in list {
        visible_extern(ty, named)?;
        collect_tags(ty, named);
    }
    Ok(())
}

fn visible_type_def(t: &TypeDef, named: &HashSet<u32>) -> Result<(), ()> {
    match t {
        // The type itself gets named by this import or export; what it contains must already be.
        TypeDef::Value(v) => v
            .children()
            .into_iter()
            .try_for_each(|c| visible_val(c, named)),
        TypeDef::Func(f) => visible_func(f, named),
        TypeDef::Resource(..) => Ok(()),
        TypeDef::Instance(i) => visible_list(&i.exports, &mut named.clone()).map_err(|_| ()),
        TypeDef::Component(c) => {
            let mut inner = named.clone();
            visible_list(&c.imports, &mut inner)
                .and_then(|()| visible_list(&c.exports, &mut inner))
                .map_err(|_| ())
        }
    }
}

fn visible_func(f: &FuncType, named: &HashSet<u32>) -> Result<(), ()> {
    f.params
        .iter()
        .map(|(_, t)| t)
        .chain(f.result.iter())
        .try_for_each(|t| visible_val(t, named))
}

fn visible_val(v: &ValType, named: &HashSet<u32>) -> Result<(), ()> {
    match v.tag() {
        Some(tag) if named.contains(&tag.0) => Ok(()),
        Some(_) => Err(()),
        None => v
            .children()
            .into_iter()
            .try_for_each(|c| visible_val(c, named)),
    }
}

/// Adds the tags of the types that `ty` names (itself if it is a type, and
/// the type exports of instances) to `tags`.
fn collect_tags(ty: &ExternType, tags: &mut HashSet<u32>) {
    match ty {
        ExternType::Type(TypeDef::Value(v)) => {
            if let Some(tag) = v.tag() {
                tags.insert(tag.0);
            }
        }
        ExternType::Type(TypeDef::Resource(tag, _)) => {
            tags.insert(tag.0);
        }
        ExternType::Instance(i) => i.exports.iter().for_each(|(_, t)| collect_tags(t, tags)),
        _ => {}
    }
}
