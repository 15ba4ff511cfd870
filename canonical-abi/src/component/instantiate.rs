//! Instantiation: walks a component's definitions in binary order
//! (Explainer.md "Instance definitions"), building each index space at run
//! time: imports from the linker or the instantiating parent, core module
//! instances in the interpreter, aliases, `canon` definitions, nested
//! component instances and exports. Imports are resolved in [`super::imports`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use myrt_interp::{Extern, Func as CoreFunc, Module, Store};
use myrt_parser::component::{self as ir, Alias, Sort};

use super::error::{Error, entry, unsupported};
use super::func::{Func, Lifted, Options};
use super::imports::{Candidate, Imports, lookup_versioned, resolve_import, resolve_missing};
use super::instance::Instance;
use super::items::{Exports, Item};
use super::loaded::{Component, ComponentRef, OuterScope};
use super::lower;
use super::resources::{Dtor, ResourceType};
use super::state::InstanceState;
use super::types::{self, TypeItem};
use crate::abi::StringEncoding;

type CoreExports = Arc<HashMap<String, Extern>>;

/// A component instance's index spaces (core types are not kept: nothing
/// at run time needs them).
#[derive(Default)]
pub(crate) struct Spaces {
    core_funcs: Vec<CoreFunc>,
    core_tables: Vec<Extern>,
    core_memories: Vec<Extern>,
    core_globals: Vec<Extern>,
    core_modules: Vec<Module>,
    core_instances: Vec<CoreExports>,
    funcs: Vec<Func>,
    types: Vec<TypeItem>,
    /// Core types, for checking module imports; `None` for an outer alias
    /// (not followed: module imports typed by it go unchecked).
    core_types: Vec<Option<ir::CoreTypeDef>>,
    instances: Vec<Arc<Exports>>,
    components: Vec<ComponentRef>,
}

impl Spaces {
    /// The component-level item `index` of `sort`.
    fn item(&self, sort: Sort, index: u32) -> Result<Item, Error> {
        let name = sort.name();
        Ok(match sort {
            Sort::Func => Item::Func(entry(&self.funcs, index, name)?.clone()),
            Sort::Type => Item::Type(entry(&self.types, index, name)?.clone()),
            Sort::Instance => Item::Instance(Arc::clone(entry(&self.instances, index, name)?)),
            Sort::Component => Item::Component(entry(&self.components, index, name)?.clone()),
            Sort::CoreModule => Item::Module(entry(&self.core_modules, index, name)?.clone()),
            other => {
                return Err(unsupported(format!(
                    "passing a {} between components",
                    other.name()
                )));
            }
        })
    }

    fn push(&mut self, sort: Sort, item: Item) -> Result<(), Error> {
        match (sort, item) {
            (Sort::Func, Item::Func(f)) => self.funcs.push(f),
            (Sort::Type, Item::Type(t)) => self.types.push(t),
            (Sort::Instance, Item::Instance(i)) => self.instances.push(i),
            (Sort::Component, Item::Component(c)) => self.components.push(c),
            (Sort::CoreModule, Item::Module(m)) => self.core_modules.push(m),
            (sort, item) => {
                return Err(Error::Link(format!(
                    "expected a {}, found {}",
                    sort.name(),
                    item.kind()
                )));
            }
        }
        Ok(())
    }

    fn core_extern(&self, sort: Sort, index: u32) -> Result<Extern, Error> {
        let name = sort.name();
        Ok(match sort {
            Sort::CoreFunc => Extern::Func(*entry(&self.core_funcs, index, name)?),
            Sort::CoreTable => *entry(&self.core_tables, index, name)?,
            Sort::CoreMemory => *entry(&self.core_memories, index, name)?,
            Sort::CoreGlobal => *entry(&self.core_globals, index, name)?,
            other => return Err(unsupported(other.name())),
        })
    }
}

pub(crate) fn instantiate_root<T: 'static>(
    store: &mut Store<T>,
    component: &Component,
    imports: Imports<'_, T>,
) -> Result<Instance, Error> {
    let exports = instantiate(store, &component.root_ref(), imports, None)?;
    Ok(Instance {
        exports: Arc::new(exports),
    })
}

/// Instantiates `component` (its outer aliases see `component.outer`);
/// `parent` is the instance instantiating it, if it is nested.
fn instantiate<T: 'static>(
    store: &mut Store<T>,
    component: &ComponentRef,
    imports: Imports<'_, T>,
    parent: Option<Arc<InstanceState>>,
) -> Result<Exports, Error> {
    let mut walker = Walker {
        store,
        component,
        imports,
        spaces: Spaces::default(),
        exports: Exports::new(),
        state: Arc::new(InstanceState::new(parent)),
    };
    let ir = Arc::clone(&component.ir);
    for definition in &ir.definitions {
        walker.define(&ir, *definition)?;
    }
    walker.start(&ir)?;
    Ok(walker.exports)
}

struct Walker<'a, 's, T> {
    store: &'s mut Store<T>,
    component: &'a ComponentRef,
    imports: Imports<'a, T>,
    spaces: Spaces,
    exports: Exports,
    state: Arc<InstanceState>,
}

impl<T: 'static> Walker<'_, '_, T> {
    fn define(&mut self, ir: &ir::Component, definition: ir::Definition) -> Result<(), Error> {
        let index = definition.index;
        match definition.sort {
            Sort::CoreFunc => {
                let func = self.core_func(entry(&ir.core_funcs, index, "core func")?)?;
                self.spaces.core_funcs.push(func);
            }
            Sort::CoreTable => {
                let ext = self.core_alias(entry(&ir.core_tables, index, "core table")?)?;
                self.spaces.core_tables.push(ext);
            }
            Sort::CoreMemory => {
                let ext = self.core_alias(entry(&ir.core_memories, index, "core memory")?)?;
                self.spaces.core_memories.push(ext);
            }
            Sort::CoreGlobal => {
                let ext = self.core_alias(entry(&ir.core_globals, index, "core global")?)?;
                self.spaces.core_globals.push(ext);
            }
            Sort::CoreTag => return Err(unsupported("core tags")),
            // Core types only describe module imports; nothing runs on them.
            Sort::CoreType => {
                let core_type = match entry(&ir.core_types, index, "core type")? {
                    ir::CoreTypeEntry::Defined(def) => Some(def.clone()),
                    ir::CoreTypeEntry::Outer { .. } => None,
                };
                self.spaces.core_types.push(core_type);
            }
            Sort::CoreInstance => {
                let instance =
                    self.core_instance(entry(&ir.core_instances, index, "core instance")?)?;
                self.spaces.core_instances.push(instance);
            }
            Sort::Value => return Err(unsupported("component values")),
            sort => {
                let item = self.item(ir, sort, index)?;
                self.spaces.push(sort, item)?;
            }
        }
        Ok(())
    }

    /// A new entry of a component-level index space.
    fn item(&mut self, ir: &ir::Component, sort: Sort, index: u32) -> Result<Item, Error> {
        let name = sort.name();
        match sort {
            Sort::Func => match entry(&ir.funcs, index, name)? {
                ir::FuncDef::Import(i) => self.import(ir, *i),
                ir::FuncDef::Alias(alias) => self.alias(sort, alias),
                ir::FuncDef::Lift {
                    core_func,
                    ty,
                    options,
                } => {
                    let ty = types::func_type(&self.spaces.types, *ty)?;
                    let lifted = Lifted {
                        core: *entry(&self.spaces.core_funcs, *core_func, "core func")?,
                        options: self.options(options)?,
                        instance: Arc::clone(&self.state),
                    };
                    Ok(Item::Func(Func::lifted(ty, lifted)))
                }
                ir::FuncDef::Export(i) => self.export(ir, *i),
            },
            Sort::Type => match entry(&ir.types, index, name)? {
                ir::TypeEntry::Defined(ir::TypeDef::Resource(resource)) => {
                    let dtor = match resource.dtor {
                        Some(f) => {
                            Some(Dtor::Core(*entry(&self.spaces.core_funcs, f, "core func")?))
                        }
                        None => None,
                    };
                    let rt = ResourceType::defined(dtor);
                    self.state.table()?.implement_resource(rt.id);
                    Ok(Item::Type(TypeItem::Resource(rt)))
                }
                ir::TypeEntry::Defined(def) => {
                    Ok(Item::Type(types::typedef(&self.spaces.types, def)?))
                }
                ir::TypeEntry::Import(i) => self.import(ir, *i),
                ir::TypeEntry::Alias(alias) => self.alias(sort, alias),
                ir::TypeEntry::Export(i) => self.export(ir, *i),
            },
            Sort::Instance => match entry(&ir.instances, index, name)? {
                ir::InstanceDef::Import(i) => self.import(ir, *i),
                ir::InstanceDef::Alias(alias) => self.alias(sort, alias),
                ir::InstanceDef::Instantiate { component, args } => {
                    let component =
                        entry(&self.spaces.components, *component, "component")?.clone();
                    let mut supplied = BTreeMap::new();
                    for arg in args {
                        supplied.insert(arg.name.clone(), self.spaces.item(arg.sort, arg.index)?);
                    }
                    let exports = instantiate(
                        self.store,
                        &component,
                        Imports::Args(&supplied),
                        Some(Arc::clone(&self.state)),
                    )?;
                    Ok(Item::Instance(Arc::new(exports)))
                }
                ir::InstanceDef::FromExports(list) => {
                    let mut exports = Exports::new();
                    for export in list {
                        exports.insert(
                            export.name.name.clone(),
                            self.spaces.item(export.sort, export.index)?,
                        );
                    }
                    Ok(Item::Instance(Arc::new(exports)))
                }
                ir::InstanceDef::Export(i) => self.export(ir, *i),
            },
            Sort::Component => match entry(&ir.components, index, name)? {
                ir::ComponentDef::Nested(nested) => {
                    let outer = self.scope_chain();
                    Ok(Item::Component(self.component.root.nested(nested, outer)))
                }
                ir::ComponentDef::Import(i) => self.import(ir, *i),
                ir::ComponentDef::Alias(alias) => self.alias(sort, alias),
                ir::ComponentDef::Export(i) => self.export(ir, *i),
            },
            Sort::CoreModule => match entry(&ir.core_modules, index, name)? {
                ir::CoreModuleDef::Nested(nested) => {
                    Ok(Item::Module(self.component.root.module(ir, nested)?))
                }
                ir::CoreModuleDef::Import(i) => self.import(ir, *i),
                ir::CoreModuleDef::Alias(alias) => self.alias(sort, alias),
                ir::CoreModuleDef::Export(i) => self.export(ir, *i),
            },
            other => Err(unsupported(other.name())),
        }
    }

    fn alias(&self, sort: Sort, alias: &Alias) -> Result<Item, Error> {
        match alias {
            Alias::InstanceExport { instance, name } => {
                entry(&self.spaces.instances, *instance, "instance")?
                    .get(name)
                    .cloned()
                    .ok_or_else(|| {
                        Error::Invalid(format!("instance {instance} has no export `{name}`"))
                    })
            }
            Alias::Outer { count: 0, index } => self.spaces.item(sort, *index),
            Alias::Outer { count, index } => {
                let outer = &self.component.outer;
                let scope = outer
                    .len()
                    .checked_sub(*count as usize)
                    .and_then(|i| outer.get(i))
                    .ok_or_else(|| {
                        Error::Invalid(format!("outer alias count {count} out of bounds"))
                    })?;
                let name = sort.name();
                Ok(match sort {
                    Sort::Type => Item::Type(entry(&scope.types, *index, name)?.clone()),
                    Sort::CoreModule => Item::Module(entry(&scope.modules, *index, name)?.clone()),
                    Sort::Component => {
                        Item::Component(entry(&scope.components, *index, name)?.clone())
                    }
                    other => {
                        return Err(Error::Invalid(format!(
                            "an outer alias cannot refer to a {}",
                            other.name()
                        )));
                    }
                })
            }
            Alias::CoreInstanceExport { .. } => Err(Error::Invalid(format!(
                "a core export alias cannot define a {}",
                sort.name()
            ))),
        }
    }

    /// The scopes a component defined here sees through outer aliases:
    /// ours (as it is now) and everything we see.
    fn scope_chain(&self) -> Arc<[Arc<OuterScope>]> {
        let here = Arc::new(OuterScope {
            types: self.spaces.types.clone(),
            modules: self.spaces.core_modules.clone(),
            components: self.spaces.components.clone(),
        });
        self.component.outer.iter().cloned().chain([here]).collect()
    }

    /// The type spaces visible to an instance type in an import, innermost
    /// (this component's) last.
    fn type_scopes(&self) -> Vec<&[TypeItem]> {
        self.component
            .outer
            .iter()
            .map(|scope| scope.types.as_slice())
            .chain([self.spaces.types.as_slice()])
            .collect()
    }

    fn export(&mut self, ir: &ir::Component, index: u32) -> Result<Item, Error> {
        let export = entry(&ir.exports, index, "export")?;
        let item = self.spaces.item(export.sort, export.index)?;
        self.exports.insert(export.name.name.clone(), item.clone());
        Ok(item)
    }

    fn import(&mut self, ir: &ir::Component, index: u32) -> Result<Item, Error> {
        let import = entry(&ir.imports, index, "import")?;
        let name = &import.name.name;
        let candidate = match self.imports {
            Imports::Linker(defs) => lookup_versioned(defs, name).map(Candidate::Def),
            Imports::Args(items) => items.get(name).map(Candidate::Item),
        };
        match candidate {
            Some(candidate) => resolve_import(
                name,
                candidate,
                &import.ty,
                &self.type_scopes(),
                &self.spaces.core_types,
            ),
            None => resolve_missing::<T>(
                name,
                &import.ty,
                &self.type_scopes(),
                &self.spaces.core_types,
            ),
        }
    }

    fn core_alias(&self, alias: &ir::CoreExportAlias) -> Result<Extern, Error> {
        entry(&self.spaces.core_instances, alias.instance, "core instance")?
            .get(&alias.name)
            .copied()
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "core instance {} has no export `{}`",
                    alias.instance, alias.name
                ))
            })
    }

    fn core_func(&mut self, def: &ir::CoreFuncDef) -> Result<CoreFunc, Error> {
        let resource = |index: u32| types::resource(&self.spaces.types, index).cloned();
        Ok(match def {
            ir::CoreFuncDef::Alias(alias) => match self.core_alias(alias)? {
                Extern::Func(f) => f,
                _ => {
                    return Err(Error::Invalid(format!(
                        "core export `{}` is not a function",
                        alias.name
                    )));
                }
            },
            ir::CoreFuncDef::Lower { func, options } => {
                let callee = entry(&self.spaces.funcs, *func, "func")?.clone();
                let options = self.options(options)?;
                lower::lower(self.store, callee, options, Arc::clone(&self.state))
            }
            ir::CoreFuncDef::ResourceNew { resource: r } => {
                lower::resource_new(self.store, resource(*r)?, Arc::clone(&self.state))
            }
            ir::CoreFuncDef::ResourceRep { resource: r } => {
                lower::resource_rep(self.store, resource(*r)?, Arc::clone(&self.state))
            }
            ir::CoreFuncDef::ResourceDrop { resource: r } => {
                lower::resource_drop(self.store, resource(*r)?, Arc::clone(&self.state))?
            }
            ir::CoreFuncDef::Unsupported { builtin, .. } => {
                return Err(unsupported(format!("`{builtin}`")));
            }
        })
    }

    fn core_instance(&mut self, def: &ir::CoreInstanceDef) -> Result<CoreExports, Error> {
        let exports = match def {
            ir::CoreInstanceDef::Instantiate { module, args } => {
                let module = entry(&self.spaces.core_modules, *module, "core module")?.clone();
                let mut linker = myrt_interp::Linker::<T>::new(self.store.engine());
                for arg in args {
                    let instance =
                        entry(&self.spaces.core_instances, arg.instance, "core instance")?;
                    for (name, ext) in instance.iter() {
                        linker.define(&*self.store, &arg.name, name, *ext)?;
                    }
                }
                let instance = linker.instantiate(&mut *self.store, &module)?;
                instance
                    .exports(&*self.store)
                    .map(|(name, ext)| (name.to_owned(), ext))
                    .collect()
            }
            ir::CoreInstanceDef::FromExports(list) => list
                .iter()
                .map(|export| {
                    Ok((
                        export.name.clone(),
                        self.spaces.core_extern(export.sort, export.index)?,
                    ))
                })
                .collect::<Result<_, Error>>()?,
        };
        Ok(Arc::new(exports))
    }

    fn options(&self, list: &[ir::CanonOption]) -> Result<Options, Error> {
        let mut options = Options::default();
        for option in list {
            match *option {
                ir::CanonOption::StringEncoding(encoding) => {
                    options.encoding = match encoding {
                        ir::StringEncoding::Utf8 => StringEncoding::Utf8,
                        ir::StringEncoding::Utf16 => StringEncoding::Utf16,
                        ir::StringEncoding::CompactUtf16 => StringEncoding::Latin1Utf16,
                    }
                }
                ir::CanonOption::Memory(i) => {
                    options.memory = match entry(&self.spaces.core_memories, i, "core memory")? {
                        Extern::Memory(memory) => Some(*memory),
                        _ => {
                            return Err(Error::Invalid(format!("core memory {i} is not a memory")));
                        }
                    }
                }
                ir::CanonOption::Realloc(i) => {
                    options.realloc = Some(*entry(&self.spaces.core_funcs, i, "core func")?)
                }
                ir::CanonOption::PostReturn(i) => {
                    options.post_return = Some(*entry(&self.spaces.core_funcs, i, "core func")?)
                }
                other => return Err(unsupported(format!("canonical option {other:?}"))),
            }
        }
        Ok(options)
    }

    /// The component's start function, when it takes and returns nothing
    /// (value imports and results are not supported).
    fn start(&mut self, ir: &ir::Component) -> Result<(), Error> {
        let Some(start) = &ir.start else {
            return Ok(());
        };
        if !start.args.is_empty() || start.results != 0 {
            return Err(unsupported("a start function with arguments or results"));
        }
        let func = entry(&self.spaces.funcs, start.func, "func")?.clone();
        func.call(self.store, &[], &mut [])
    }
}
