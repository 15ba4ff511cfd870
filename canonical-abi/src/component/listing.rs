//! Describing a component's imports and exports without instantiating it:
//! a static walk of its type definitions in which every abstract resource
//! type gets a placeholder identity.

use std::collections::BTreeMap;

use myrt_parser::component::{self as ir, Alias, ExternType, Sort, TypeBound, TypeDecl};

use super::loaded::ComponentItem;
use super::resources::ResourceType;
use super::types::{self, TypeItem};

/// The types each index space entry has, as far as a static walk can tell.
#[derive(Default)]
struct StaticSpaces {
    types: Vec<Option<TypeItem>>,
    /// Type exports of each instance (for `alias export` of types).
    instances: Vec<BTreeMap<String, TypeItem>>,
}

impl StaticSpaces {
    fn known_types(&self) -> Vec<TypeItem> {
        // Unknown entries become unusable placeholders that keep indices right.
        self.types
            .iter()
            .map(|t| t.clone().unwrap_or(TypeItem::Component))
            .collect()
    }
}

fn walk(component: &ir::Component) -> StaticSpaces {
    let mut spaces = StaticSpaces::default();
    for definition in &component.definitions {
        let index = definition.index as usize;
        match definition.sort {
            Sort::Type => {
                let known = spaces.known_types();
                let item = match component.types.get(index) {
                    Some(ir::TypeEntry::Defined(ir::TypeDef::Resource(_))) => {
                        Some(TypeItem::Resource(ResourceType::defined(None)))
                    }
                    Some(ir::TypeEntry::Defined(def)) => types::typedef(&known, def).ok(),
                    Some(ir::TypeEntry::Import(i)) => component
                        .imports
                        .get(*i as usize)
                        .and_then(|import| type_import(&known, &import.ty)),
                    Some(ir::TypeEntry::Alias(Alias::InstanceExport { instance, name })) => spaces
                        .instances
                        .get(*instance as usize)
                        .and_then(|exports| exports.get(name).cloned()),
                    Some(ir::TypeEntry::Export(i)) => component
                        .exports
                        .get(*i as usize)
                        .and_then(|export| known.get(export.index as usize).cloned()),
                    _ => None,
                };
                spaces.types.push(item);
            }
            Sort::Instance => {
                let known = spaces.known_types();
                let exports = match component.instances.get(index) {
                    Some(ir::InstanceDef::Import(i)) => component
                        .imports
                        .get(*i as usize)
                        .map(|import| instance_types(&known, &import.ty))
                        .unwrap_or_default(),
                    _ => BTreeMap::new(),
                };
                spaces.instances.push(exports);
            }
            _ => {}
        }
    }
    spaces
}

fn type_import(types: &[TypeItem], ty: &ExternType) -> Option<TypeItem> {
    match ty {
        ExternType::Type(TypeBound::SubResource) => {
            Some(TypeItem::Resource(ResourceType::defined(None)))
        }
        ExternType::Type(TypeBound::Eq(i)) => types.get(*i as usize).cloned(),
        _ => None,
    }
}

/// The type exports of an instance of type `ty`, with the instance's own
/// description.
fn instance_decls(
    types: &[TypeItem],
    decls: &[TypeDecl],
) -> (BTreeMap<String, TypeItem>, Vec<(String, ComponentItem)>) {
    let mut local: Vec<TypeItem> = Vec::new();
    let mut type_exports = BTreeMap::new();
    let mut items = Vec::new();
    for decl in decls {
        match decl {
            TypeDecl::Type(def) => {
                local.push(types::typedef(&local, def).unwrap_or(TypeItem::Component))
            }
            TypeDecl::Alias {
                sort: Sort::Type,
                alias: Alias::Outer { count: 1, index },
            } => local.push(
                types
                    .get(*index as usize)
                    .cloned()
                    .unwrap_or(TypeItem::Component),
            ),
            TypeDecl::Alias {
                sort: Sort::Type, ..
            } => local.push(TypeItem::Component),
            TypeDecl::Export { name, ty } => {
                if let ExternType::Type(_) = ty {
                    let t = type_import(&local, ty).unwrap_or(TypeItem::Component);
                    type_exports.insert(name.name.clone(), t.clone());
                    local.push(t);
                }
                items.push((name.name.clone(), describe(&local, ty)));
            }
            _ => {}
        }
    }
    (type_exports, items)
}

fn instance_types(types: &[TypeItem], ty: &ExternType) -> BTreeMap<String, TypeItem> {
    match ty {
        ExternType::Instance(ti) => match types.get(*ti as usize) {
            Some(TypeItem::Instance(it)) => instance_decls(types, &it.decls).0,
            _ => BTreeMap::new(),
        },
        _ => BTreeMap::new(),
    }
}

fn describe(types: &[TypeItem], ty: &ExternType) -> ComponentItem {
    match ty {
        ExternType::Func(ti) => match types::func_type(types, *ti) {
            Ok(ft) => ComponentItem::Func(ft),
            Err(_) => ComponentItem::Type,
        },
        ExternType::Instance(ti) => match types.get(*ti as usize) {
            Some(TypeItem::Instance(it)) => {
                ComponentItem::Instance(instance_decls(types, &it.decls).1)
            }
            _ => ComponentItem::Instance(Vec::new()),
        },
        ExternType::Type(TypeBound::SubResource) => ComponentItem::Resource,
        ExternType::Type(_) => ComponentItem::Type,
        ExternType::Module(_) => ComponentItem::Module,
        ExternType::Component(_) => ComponentItem::Component,
        ExternType::Value(_) => ComponentItem::Value,
    }
}

pub(crate) fn extern_item(component: &ir::Component, ty: &ExternType) -> ComponentItem {
    describe(&walk(component).known_types(), ty)
}

pub(crate) fn export_item(component: &ir::Component, export: &ir::Export) -> ComponentItem {
    let known = walk(component).known_types();
    if let Some(ty) = &export.ty {
        return describe(&known, ty);
    }
    match export.sort {
        Sort::Func => match lifted_type(component, export.index) {
            Some(ti) => describe(&known, &ExternType::Func(ti)),
            None => ComponentItem::Type,
        },
        Sort::Instance => ComponentItem::Instance(Vec::new()),
        Sort::CoreModule => ComponentItem::Module,
        Sort::Component => ComponentItem::Component,
        Sort::Value => ComponentItem::Value,
        _ => ComponentItem::Type,
    }
}

/// The type index of func `index`, following exports back to a `canon lift`.
fn lifted_type(component: &ir::Component, mut index: u32) -> Option<u32> {
    // Each step goes to an earlier definition, so this ends.
    loop {
        match component.funcs.get(index as usize)? {
            ir::FuncDef::Lift { ty, .. } => return Some(*ty),
            ir::FuncDef::Export(i) => index = component.exports.get(*i as usize)?.index,
            _ => return None,
        }
    }
}
