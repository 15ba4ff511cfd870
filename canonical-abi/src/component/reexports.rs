//! Finds root exports that hand the host back one of its own functions.
//!
//! wasmtime refuses a component whose root exports a function that is a root
//! import passed through unchanged: exported directly, inside an exported
//! instance (an imported instance re-exported, or one built from exports), or
//! by way of nested components that forward their imports. Only functions
//! the component lifts itself may leave it. myrt refuses the same
//! components, so that a component loads in both or in neither; nested
//! components may forward imports freely, as long as what reaches the root's
//! exports is lifted. wit-component's adapters never re-export imports.
//!
//! The check follows each root export back to where it was defined,
//! instantiating nested components abstractly: only where functions,
//! instances and components come from is tracked, nothing runs.

use std::rc::Rc;

use myrt_parser::component::{self as ir, Alias, Sort};
use myrt_validator::component::ValidatedComponent;
use myrt_validator::component::types::ExternType;

/// The first root export that is (or contains) an imported function, named
/// by its path (`"i.f"` for function `f` of exported instance `i`).
pub(crate) fn first_reexported_import(
    ir: &ir::Component,
    validated: &ValidatedComponent,
) -> Option<String> {
    let mut walk = Walk {
        budget: WALK_BUDGET,
    };
    let exports = walk.component(ir, Rc::default(), &Imports::Root(validated));
    exports
        .iter()
        .find_map(|(name, origin)| host_func_in(origin).map(|path| join(name, &path)))
}

/// Nested instantiations can multiply the work exponentially with the
/// binary's size (a component instantiating one that instantiates one ...
/// several times each). The check gives up after this many definitions and
/// lets the component load: it exists to match wasmtime, not to protect
/// anything, since calling a re-exported host function works in myrt.
const WALK_BUDGET: usize = 1 << 20;

/// Where a function, instance or component comes from, as far as the check
/// cares.
#[derive(Clone)]
enum Origin<'a> {
    /// A root import (or part of one), of this type.
    Host(ExternType),
    /// An instance the component made (from exports, or by instantiating a
    /// nested component): its exports.
    Instance(Rc<Vec<(String, Origin<'a>)>>),
    Component(Nested<'a>),
    /// Made by the component itself (lifted functions), or not followed.
    Own,
}

/// A nested component and the component index spaces its outer aliases see.
#[derive(Clone)]
struct Nested<'a> {
    ir: &'a ir::Component,
    outer: OuterComponents<'a>,
}

/// The component index spaces of the enclosing components, innermost last,
/// as they were where a nested component was defined.
type OuterComponents<'a> = Rc<Vec<Rc<Vec<Origin<'a>>>>>;

/// What a component's imports are bound to.
enum Imports<'r, 'a> {
    /// The root's come from the host; the validator knows their types.
    Root(&'r ValidatedComponent),
    /// A nested component's are its instantiation's arguments.
    Args(Vec<(String, Origin<'a>)>),
}

/// The path below `origin` of a host function it is or contains.
fn host_func_in(origin: &Origin<'_>) -> Option<String> {
    match origin {
        Origin::Host(ty) => host_func_of_type(ty),
        Origin::Instance(exports) => exports
            .iter()
            .find_map(|(name, origin)| host_func_in(origin).map(|path| join(name, &path))),
        Origin::Component(_) | Origin::Own => None,
    }
}

/// A host item of type `ty` is a host function, or an instance holding one.
fn host_func_of_type(ty: &ExternType) -> Option<String> {
    match ty {
        ExternType::Func(_) => Some(String::new()),
        ExternType::Instance(instance) => instance
            .exports
            .iter()
            .find_map(|(name, ty)| host_func_of_type(ty).map(|path| join(name, &path))),
        _ => None,
    }
}

fn join(name: &str, path: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{name}.{path}")
    }
}

struct Walk {
    /// Definitions left to follow before giving up.
    budget: usize,
}

impl Walk {
    /// The origins of `ir`'s exports, its imports bound to `imports`.
    fn component<'a>(
        &mut self,
        ir: &'a ir::Component,
        outer: OuterComponents<'a>,
        imports: &Imports<'_, 'a>,
    ) -> Vec<(String, Origin<'a>)> {
        let mut scope = Scope {
            ir,
            imports,
            outer,
            funcs: Vec::new(),
            instances: Vec::new(),
            components: Vec::new(),
        };
        for definition in &ir.definitions {
            if self.budget == 0 {
                return Vec::new();
            }
            self.budget -= 1;
            let index = definition.index as usize;
            match definition.sort {
                Sort::Func => {
                    let origin = scope.func(&ir.funcs[index]);
                    scope.funcs.push(origin);
                }
                Sort::Instance => {
                    let origin = scope.instance(self, &ir.instances[index]);
                    scope.instances.push(origin);
                }
                Sort::Component => {
                    let origin = scope.component(&ir.components[index]);
                    scope.components.push(origin);
                }
                _ => {}
            }
        }
        ir.exports
            .iter()
            .map(|export| {
                let origin = scope.origin(export.sort, export.index);
                (export.name.name.clone(), origin)
            })
            .collect()
    }
}

/// One component during a walk: what its imports are bound to, and its
/// tracked index spaces so far.
struct Scope<'r, 'a> {
    ir: &'a ir::Component,
    imports: &'r Imports<'r, 'a>,
    outer: OuterComponents<'a>,
    funcs: Vec<Origin<'a>>,
    instances: Vec<Origin<'a>>,
    components: Vec<Origin<'a>>,
}

impl<'a> Scope<'_, 'a> {
    fn func(&self, def: &ir::FuncDef) -> Origin<'a> {
        match def {
            ir::FuncDef::Import(import) => self.import(*import),
            ir::FuncDef::Alias(Alias::InstanceExport { instance, name }) => {
                self.instance_export(*instance, name)
            }
            ir::FuncDef::Export(export) => self.export(*export),
            ir::FuncDef::Alias(_) | ir::FuncDef::Lift { .. } => Origin::Own,
        }
    }

    fn instance(&self, walk: &mut Walk, def: &ir::InstanceDef) -> Origin<'a> {
        match def {
            ir::InstanceDef::Import(import) => self.import(*import),
            ir::InstanceDef::Alias(Alias::InstanceExport { instance, name }) => {
                self.instance_export(*instance, name)
            }
            ir::InstanceDef::Alias(_) => Origin::Own,
            ir::InstanceDef::Instantiate { component, args } => {
                let Origin::Component(nested) = self.origin(Sort::Component, *component) else {
                    return Origin::Own;
                };
                let args = args
                    .iter()
                    .map(|arg| (arg.name.clone(), self.origin(arg.sort, arg.index)))
                    .collect();
                let exports = walk.component(nested.ir, nested.outer, &Imports::Args(args));
                Origin::Instance(Rc::new(exports))
            }
            ir::InstanceDef::FromExports(exports) => Origin::Instance(Rc::new(
                exports
                    .iter()
                    .map(|e| (e.name.name.clone(), self.origin(e.sort, e.index)))
                    .collect(),
            )),
            ir::InstanceDef::Export(export) => self.export(*export),
        }
    }

    fn component(&self, def: &'a ir::ComponentDef) -> Origin<'a> {
        match def {
            ir::ComponentDef::Nested(nested) => {
                let mut enclosing = (*self.outer).clone();
                enclosing.push(Rc::new(self.components.clone()));
                Origin::Component(Nested {
                    ir: nested,
                    outer: Rc::new(enclosing),
                })
            }
            ir::ComponentDef::Import(import) => self.import(*import),
            ir::ComponentDef::Alias(Alias::InstanceExport { instance, name }) => {
                self.instance_export(*instance, name)
            }
            ir::ComponentDef::Alias(Alias::Outer { count, index }) => {
                self.outer_component(*count, *index)
            }
            ir::ComponentDef::Alias(Alias::CoreInstanceExport { .. }) => Origin::Own,
            ir::ComponentDef::Export(export) => self.export(*export),
        }
    }

    fn origin(&self, sort: Sort, index: u32) -> Origin<'a> {
        let space = match sort {
            Sort::Func => &self.funcs,
            Sort::Instance => &self.instances,
            Sort::Component => &self.components,
            _ => return Origin::Own,
        };
        space.get(index as usize).cloned().unwrap_or(Origin::Own)
    }

    fn import(&self, import: u32) -> Origin<'a> {
        let Some(name) = self.ir.imports.get(import as usize).map(|i| &i.name.name) else {
            return Origin::Own;
        };
        match self.imports {
            Imports::Root(validated) => validated
                .imports()
                .iter()
                .find(|(import, _)| import == name)
                .map_or(Origin::Own, |(_, ty)| Origin::Host(ty.clone())),
            Imports::Args(args) => args
                .iter()
                .find(|(arg, _)| arg == name)
                .map_or(Origin::Own, |(_, origin)| origin.clone()),
        }
    }

    /// An export introduces a new index for the item it exports.
    fn export(&self, export: u32) -> Origin<'a> {
        self.ir
            .exports
            .get(export as usize)
            .map_or(Origin::Own, |export| self.origin(export.sort, export.index))
    }

    fn instance_export(&self, instance: u32, name: &str) -> Origin<'a> {
        match self.origin(Sort::Instance, instance) {
            Origin::Host(ExternType::Instance(ty)) => {
                ty.export(name).cloned().map_or(Origin::Own, Origin::Host)
            }
            Origin::Instance(exports) => exports
                .iter()
                .find(|(export, _)| export == name)
                .map_or(Origin::Own, |(_, origin)| origin.clone()),
            _ => Origin::Own,
        }
    }

    /// `(alias outer count index (component))`: count 0 is this component.
    fn outer_component(&self, count: u32, index: u32) -> Origin<'a> {
        let Some(up) = (count as usize).checked_sub(1) else {
            return self.origin(Sort::Component, index);
        };
        let enclosing = self
            .outer
            .len()
            .checked_sub(up + 1)
            .and_then(|at| self.outer.get(at));
        enclosing
            .and_then(|components| components.get(index as usize).cloned())
            .unwrap_or(Origin::Own)
    }
}
