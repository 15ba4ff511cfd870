//! Validation of components (component-model `design/mvp/Explainer.md`,
//! `Binary.md`): every definition is checked in order against the index
//! spaces built so far, and type indices are resolved into [`types`].
//!
//! ```text
//! let component = myrt_parser::component::decode_component(bytes)?;
//! let validated = validate_component(&component)?;   // imports/exports with resolved types
//! is_subtype(&provided, &validated.imports[0].1)?;   // what a linker checks
//! ```
//!
//! Gated features (async, streams, futures, error-context, threads,
//! fixed-length lists, maps, GC, exception tags, `implements`) are rejected
//! with "... is not supported".

mod canon;
mod core;
mod defs;
mod flatten;
mod names;
mod state;
mod subtype;
pub mod types;

use std::collections::HashSet;
use std::sync::Arc;

use myrt_parser::component::{self as p, Component, Sort};

use crate::ValidationError;
use state::{Scope, ScopeKind, get};
use types::*;

pub use flatten::{
    FlatCoreType, FlatShape, Flatten, FlattenContext, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, flatten,
    flatten_all, flatten_functype, flatten_variant, lift_type, lower_type,
};
pub use names::{ParsedName, is_kebab, parse_extern_name};
pub use subtype::is_subtype;

/// What validation learned about a component: its type, for whoever
/// instantiates or links it.
#[derive(Debug, Clone)]
pub struct ValidatedComponent {
    pub ty: Arc<ComponentType>,
}

impl ValidatedComponent {
    pub fn imports(&self) -> &[(String, ExternType)] {
        &self.ty.imports
    }

    pub fn exports(&self) -> &[(String, ExternType)] {
        &self.ty.exports
    }
}

/// Validates a decoded component, nested modules and components included.
pub fn validate_component(component: &Component) -> Result<ValidatedComponent, ValidationError> {
    let mut ctx = Ctx {
        next_resource: 0,
        next_tag: 0,
        scopes: Vec::new(),
    };
    let ty = ctx.component(component)?;
    Ok(ValidatedComponent { ty })
}

/// Why a definition is invalid: a rule broken by the definition itself (at
/// its offset), or an error inside a nested module or component that already
/// knows where it is.
enum DefinitionError {
    Message(String),
    Located(ValidationError),
}

impl From<String> for DefinitionError {
    fn from(message: String) -> Self {
        DefinitionError::Message(message)
    }
}

impl From<&str> for DefinitionError {
    fn from(message: &str) -> Self {
        DefinitionError::Message(message.to_string())
    }
}

/// The validation state: the scopes from the outermost component inwards
/// (outer aliases reach into them), and counters for fresh identities.
pub(crate) struct Ctx {
    next_resource: ResourceId,
    next_tag: u32,
    scopes: Vec<Scope>,
}

impl Ctx {
    fn scope(&self) -> &Scope {
        self.scopes
            .last()
            .expect("a scope is pushed before any definition is validated")
    }

    fn scope_mut(&mut self) -> &mut Scope {
        self.scopes
            .last_mut()
            .expect("a scope is pushed before any definition is validated")
    }

    fn pop_scope(&mut self) -> Scope {
        self.scopes
            .pop()
            .expect("scopes are pushed and popped in pairs")
    }

    fn fresh_tag(&mut self) -> Tag {
        self.next_tag += 1;
        Tag(self.next_tag)
    }

    fn fresh_resource(&mut self) -> ResourceId {
        self.next_resource += 1;
        self.next_resource
    }

    /// The scope `count` levels out from the current one.
    fn outer(&self, count: u32) -> Result<&Scope, String> {
        let depth = self
            .scopes
            .len()
            .checked_sub(1 + count as usize)
            .ok_or("invalid outer alias count")?;
        Ok(&self.scopes[depth])
    }

    /// Validates a (possibly nested) component and returns its type.
    fn component(&mut self, component: &Component) -> Result<Arc<ComponentType>, ValidationError> {
        self.scopes
            .push(Scope::new(ScopeKind::Component, self.next_resource + 1));
        let result = component
            .definitions
            .iter()
            .try_for_each(|def| self.located_definition(component, *def));
        let result = result.and_then(|()| {
            // A start function with a result was checked where its result value is defined.
            let no_result = component.start.as_ref().is_some_and(|s| s.results == 0);
            let start = if no_result { self.start(component) } else { Ok(()) };
            let unused = match self.scope().unused_value() {
                Some(index) => Err(format!("value index {index} was not used as part of an instantiation, start function, or export")),
                None => Ok(()),
            };
            start.and(unused).map_err(|message| ValidationError::new(component.range.start, message))
        });
        let scope = self.pop_scope();
        result?;
        let ty = Arc::new(ComponentType {
            imports: scope.imports,
            exports: scope.exports,
            resources: scope.first_resource..self.next_resource + 1,
        });
        defs::check_size(&ExternType::Component(ty.clone()))
            .map_err(|message| ValidationError::new(component.range.start, message))?;
        Ok(ty)
    }

    /// Validates one definition; an error carries the offset of the failing
    /// definition (of the innermost one, for a nested component; of the
    /// failing item, for a nested core module).
    fn located_definition(
        &mut self,
        c: &Component,
        def: p::Definition,
    ) -> Result<(), ValidationError> {
        self.definition(c, def).map_err(|err| match err {
            DefinitionError::Message(message) => ValidationError::new(def.offset, message),
            DefinitionError::Located(err) => err,
        })
    }

    fn definition(&mut self, c: &Component, def: p::Definition) -> Result<(), DefinitionError> {
        let i = def.index;
        match def.sort {
            Sort::CoreFunc => match get(&c.core_funcs, i, "core function")? {
                p::CoreFuncDef::Alias(alias) => self.core_alias(Sort::CoreFunc, alias)?,
                p::CoreFuncDef::Lower { func, options } => {
                    let ty = self.lower(*func, options)?;
                    self.scope_mut().core_funcs.push(ty);
                }
                p::CoreFuncDef::Unsupported { builtin, .. } => {
                    return Err(format!("`{builtin}` is not supported").into());
                }
                builtin => {
                    let ty = self.resource_builtin(builtin)?;
                    self.scope_mut().core_funcs.push(ty);
                }
            },
            Sort::CoreTable => self.core_alias(def.sort, get(&c.core_tables, i, "core table")?)?,
            Sort::CoreMemory => {
                self.core_alias(def.sort, get(&c.core_memories, i, "core memory")?)?
            }
            Sort::CoreGlobal => {
                self.core_alias(def.sort, get(&c.core_globals, i, "core global")?)?
            }
            Sort::CoreTag => {
                return Err(String::from("exception handling (core tags) is not supported").into());
            }
            Sort::CoreType => {
                let ty = self.core_type_entry(get(&c.core_types, i, "core type")?)?;
                self.scope_mut().core_types.push(ty);
            }
            Sort::CoreModule => match get(&c.core_modules, i, "core module")? {
                p::CoreModuleDef::Nested(module) => {
                    let ty = self
                        .nested_module(c, module)
                        .map_err(DefinitionError::Located)?;
                    self.scope_mut().core_modules.push(ty);
                }
                p::CoreModuleDef::Import(import) => self.import(c, *import)?,
                p::CoreModuleDef::Alias(alias) => self.alias(def.sort, alias)?,
                p::CoreModuleDef::Export(export) => self.export(c, *export)?,
            },
            Sort::CoreInstance => {
                let ty = self.core_instance(get(&c.core_instances, i, "core instance")?)?;
                self.scope_mut().core_instances.push(ty);
            }
            Sort::Func => match get(&c.funcs, i, "function")? {
                p::FuncDef::Import(import) => self.import(c, *import)?,
                p::FuncDef::Alias(alias) => self.alias(def.sort, alias)?,
                p::FuncDef::Lift {
                    core_func,
                    ty,
                    options,
                } => {
                    let ty = self.lift(*core_func, *ty, options)?;
                    self.scope_mut().funcs.push(ty);
                }
                p::FuncDef::Export(export) => self.export(c, *export)?,
            },
            Sort::Value => match get(&c.values, i, "value")? {
                p::ValueDef::Import(import) => self.import(c, *import)?,
                p::ValueDef::Alias(alias) => self.alias(def.sort, alias)?,
                p::ValueDef::StartResult { index } => {
                    if *index == 0 {
                        self.start(c)?;
                    }
                }
                p::ValueDef::Export(export) => self.export(c, *export)?,
            },
            Sort::Type => match get(&c.types, i, "type")? {
                p::TypeEntry::Defined(def) => {
                    let ty = self.type_def(def)?;
                    self.scope_mut().types.push(ty);
                }
                p::TypeEntry::Import(import) => self.import(c, *import)?,
                p::TypeEntry::Alias(alias) => self.alias(def.sort, alias)?,
                p::TypeEntry::Export(export) => self.export(c, *export)?,
            },
            Sort::Instance => match get(&c.instances, i, "instance")? {
                p::InstanceDef::Import(import) => self.import(c, *import)?,
                p::InstanceDef::Alias(alias) => self.alias(def.sort, alias)?,
                p::InstanceDef::Instantiate { component, args } => {
                    let ty = Arc::new(self.instantiate(*component, args)?);
                    defs::check_size(&ExternType::Instance(ty.clone()))?;
                    self.scope_mut().instances.push(ty);
                }
                p::InstanceDef::FromExports(exports) => {
                    let mut ty = InstanceType::default();
                    for export in exports {
                        defs::check_gated_name(&export.name)?;
                        let item = self.item(export.sort, export.index)?;
                        if export.sort == Sort::Value {
                            self.scope_mut().use_value(export.index)?;
                        }
                        let item = match item {
                            ExternType::Type(t) => ExternType::Type(self.retag(&t)),
                            other => other,
                        };
                        ty.exports.push((export.name.name.clone(), item));
                    }
                    state::check_inline_exports(&ty.exports)?;
                    let ty = Arc::new(ty);
                    defs::check_size(&ExternType::Instance(ty.clone()))?;
                    self.scope_mut().instances.push(ty);
                }
                p::InstanceDef::Export(export) => self.export(c, *export)?,
            },
            Sort::Component => match get(&c.components, i, "component")? {
                p::ComponentDef::Nested(nested) => {
                    let ty = self.component(nested).map_err(DefinitionError::Located)?;
                    self.scope_mut().components.push(ty);
                }
                p::ComponentDef::Import(import) => self.import(c, *import)?,
                p::ComponentDef::Alias(alias) => self.alias(def.sort, alias)?,
                p::ComponentDef::Export(export) => self.export(c, *export)?,
            },
        }
        Ok(())
    }

    fn import(&mut self, c: &Component, index: u32) -> Result<(), String> {
        let import = get(&c.imports, index, "import")?;
        defs::check_gated_name(&import.name)?;
        let ty = self.extern_type(&import.ty)?;
        self.scope_mut().add_import(&import.name.name, ty)
    }

    fn export(&mut self, c: &Component, index: u32) -> Result<(), String> {
        let export = get(&c.exports, index, "export")?;
        defs::check_gated_name(&export.name)?;
        let actual = self.item(export.sort, export.index)?;
        if export.sort == Sort::Value {
            self.scope_mut().use_value(export.index)?;
        }
        let ty = match &export.ty {
            Some(ascribed) => {
                let ascribed = self.extern_type(ascribed)?;
                subtype::is_subtype(&actual, &ascribed)
                    .map_err(|e| format!("type mismatch in export `{}`: {e}", export.name.name))?;
                match (&actual, ascribed) {
                    // A `(sub resource)` ascription names the same resource, not a new one.
                    (
                        ExternType::Type(TypeDef::Resource(..)),
                        ExternType::Type(TypeDef::Resource(tag, _)),
                    ) => match &actual {
                        ExternType::Type(TypeDef::Resource(_, id)) => {
                            ExternType::Type(TypeDef::Resource(tag, *id))
                        }
                        _ => actual.clone(),
                    },
                    (_, ascribed) => ascribed,
                }
            }
            None => match actual {
                ExternType::Type(t) => ExternType::Type(self.retag(&t)),
                other => other,
            },
        };
        self.scope_mut().add_export(&export.name.name, ty)
    }

    /// The type of entry `index` of a component-level index space.
    fn item(&self, sort: Sort, index: u32) -> Result<ExternType, String> {
        let s = self.scope();
        Ok(match sort {
            Sort::CoreModule => ExternType::Module(get(&s.core_modules, index, "module")?.clone()),
            Sort::Func => ExternType::Func(get(&s.funcs, index, "function")?.clone()),
            Sort::Value => ExternType::Value(get(&s.values, index, "value")?.clone()),
            Sort::Type => ExternType::Type(s.ty(index)?.clone()),
            Sort::Instance => ExternType::Instance(get(&s.instances, index, "instance")?.clone()),
            Sort::Component => {
                ExternType::Component(get(&s.components, index, "component")?.clone())
            }
            core => {
                return Err(format!(
                    "a {} cannot be exported or passed to a component",
                    core.name()
                ));
            }
        })
    }

    fn alias(&mut self, sort: Sort, alias: &p::Alias) -> Result<(), String> {
        match alias {
            p::Alias::CoreInstanceExport { instance, name } => self.core_alias(
                sort,
                &p::CoreExportAlias {
                    instance: *instance,
                    name: name.clone(),
                },
            ),
            p::Alias::InstanceExport { instance, name } => {
                let ty = get(&self.scope().instances, *instance, "instance")?;
                let item = ty
                    .export(name)
                    .ok_or_else(|| format!("instance {instance} has no export named `{name}`"))?
                    .clone();
                let expected = sort_of(&item);
                if expected != sort {
                    return Err(format!(
                        "export `{name}` of instance {instance} is not a {}",
                        sort.name()
                    ));
                }
                self.scope_mut().push(item);
                Ok(())
            }
            p::Alias::Outer { count, index } => self.outer_alias(sort, *count, *index),
        }
    }

    /// Outer aliases reach only types, modules and components; a type that
    /// mentions resources may not cross a component boundary (resources are
    /// generative per component instance).
    fn outer_alias(&mut self, sort: Sort, count: u32, index: u32) -> Result<(), String> {
        let scope = self.outer(count)?;
        let item = match sort {
            Sort::Type => ExternType::Type(scope.ty(index)?.clone()),
            Sort::CoreModule => {
                ExternType::Module(get(&scope.core_modules, index, "module")?.clone())
            }
            Sort::Component => {
                ExternType::Component(get(&scope.components, index, "component")?.clone())
            }
            Sort::CoreType => {
                let ty = get(&scope.core_types, index, "core type")?.clone();
                self.scope_mut().core_types.push(ty);
                return Ok(());
            }
            _ => {
                return Err(format!(
                    "outer aliases may only refer to types, modules or components, not a {}",
                    sort.name()
                ));
            }
        };
        let top = self.scopes.len() - 1;
        let crosses_component = self.scopes[top + 1 - count as usize..]
            .iter()
            .any(|s| s.kind == ScopeKind::Component);
        if crosses_component && count > 0 && mentions_outer_resource(&item) {
            return Err("cannot alias outer type which transitively refers to resources not defined in the current component".into());
        }
        self.scope_mut().push(item);
        Ok(())
    }

    /// Instantiation: arguments must be subtypes of the imports; the
    /// component's imported resources become the arguments', the resources it
    /// defines fresh ones.
    fn instantiate(
        &mut self,
        component: u32,
        args: &[p::InstantiationArg],
    ) -> Result<InstanceType, String> {
        let ty = get(&self.scope().components, component, "component")?.clone();
        let mut seen = HashSet::new();
        let mut provided = Vec::new();
        for arg in args {
            if !seen.insert(arg.name.as_str()) {
                return Err(format!(
                    "instantiation argument `{}` conflicts with previous argument `{}`",
                    arg.name, arg.name
                ));
            }
            provided.push((arg.name.clone(), self.item(arg.sort, arg.index)?));
            if arg.sort == Sort::Value {
                self.scope_mut().use_value(arg.index)?;
            }
        }
        let mut matcher = subtype::Matcher {
            bindable: vec![ty.resources.clone()],
            ..Default::default()
        };
        for (name, expected) in &ty.imports {
            let arg =
                lookup(&provided, name).ok_or_else(|| format!("missing import named `{name}`"))?;
            matcher
                .extern_type(arg, expected)
                .map_err(|e| format!("type mismatch for import `{name}`: {e}"))?;
        }
        let mut fresh = matcher.map;
        let exports = InstanceType {
            exports: ty.exports.clone(),
            resources: 0..0,
        };
        let mut next = self.next_resource;
        let mut resource = |id| {
            if let Some(bound) = fresh.get(&id) {
                *bound
            } else if ty.resources.contains(&id) {
                next += 1;
                fresh.insert(id, next);
                next
            } else {
                id
            }
        };
        let result = subtype::Subst {
            resource: &mut resource,
            tags: &matcher.tags,
        }
        .instance(&exports);
        self.next_resource = next;
        Ok(result)
    }

    /// The start function: its arguments are values, its results new values.
    fn start(&mut self, c: &Component) -> Result<(), String> {
        let Some(start) = &c.start else { return Ok(()) };
        let func = get(&self.scope().funcs, start.func, "function")?.clone();
        if func.params.len() != start.args.len() {
            return Err("component start function has the wrong number of arguments".into());
        }
        for ((_, expected), arg) in func.params.iter().zip(&start.args) {
            let actual = get(&self.scope().values, *arg, "value")?;
            if actual != expected {
                return Err("component start function argument type mismatch".into());
            }
            self.scope_mut().use_value(*arg)?;
        }
        if start.results != u32::from(func.result.is_some()) {
            return Err("component start function has the wrong number of results".into());
        }
        if let Some(result) = &func.result {
            self.scope_mut().push(ExternType::Value(result.clone()));
        }
        Ok(())
    }
}

fn sort_of(ty: &ExternType) -> Sort {
    match ty {
        ExternType::Module(_) => Sort::CoreModule,
        ExternType::Func(_) => Sort::Func,
        ExternType::Value(_) => Sort::Value,
        ExternType::Type(_) => Sort::Type,
        ExternType::Instance(_) => Sort::Instance,
        ExternType::Component(_) => Sort::Component,
    }
}

/// Whether `ty` mentions a resource other than those its own component
/// types introduce.
fn mentions_outer_resource(ty: &ExternType) -> bool {
    let mut ids = Vec::new();
    let mut owned = Vec::new();
    collect_resources(ty, &mut ids, &mut owned);
    ids.iter().any(|id| {
        !owned
            .iter()
            .any(|r: &std::ops::Range<ResourceId>| r.contains(id))
    })
}

fn collect_resources(
    ty: &ExternType,
    ids: &mut Vec<ResourceId>,
    owned: &mut Vec<std::ops::Range<ResourceId>>,
) {
    let val = |v: &ValType, ids: &mut Vec<ResourceId>| {
        fn walk(v: &ValType, ids: &mut Vec<ResourceId>) {
            if let ValType::Own(_, id) | ValType::Borrow(_, id) = v {
                ids.push(*id);
            }
            v.children().into_iter().for_each(|c| walk(c, ids));
        }
        walk(v, ids)
    };
    match ty {
        ExternType::Module(_) => {}
        ExternType::Func(f) => f
            .params
            .iter()
            .map(|(_, t)| t)
            .chain(f.result.iter())
            .for_each(|t| val(t, ids)),
        ExternType::Value(v) | ExternType::Type(TypeDef::Value(v)) => val(v, ids),
        ExternType::Type(TypeDef::Resource(_, id)) => ids.push(*id),
        ExternType::Type(TypeDef::Func(f)) => {
            collect_resources(&ExternType::Func(f.clone()), ids, owned)
        }
        ExternType::Type(TypeDef::Instance(i)) | ExternType::Instance(i) => i
            .exports
            .iter()
            .for_each(|(_, t)| collect_resources(t, ids, owned)),
        ExternType::Type(TypeDef::Component(c)) | ExternType::Component(c) => {
            owned.push(c.resources.clone());
            c.imports
                .iter()
                .chain(&c.exports)
                .for_each(|(_, t)| collect_resources(t, ids, owned))
        }
    }
}
