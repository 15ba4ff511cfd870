//! The component linker: host functions, instances, resources and core
//! modules by name, for satisfying a component's imports.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::sync::Arc;

use myrt_interp::{Engine, Store};

use super::error::Error;
use super::func::HostFunc;
use super::imports::Imports;
use super::instance::Instance;
use super::instantiate::instantiate_root;
use super::items::Item;
use super::loaded::Component;
use super::resources::{Dtor, HostDtor, ResourceType};
use super::typed::{ComponentParams, ComponentResult, check_signature, param_types};
use crate::types::FuncType;
use crate::values::Val;

/// Makes the host function of a [`Definition::TypedFunc`] for an import
/// of the given type, or says why the types do not match.
pub(crate) type TypedHostFunc<T> =
    Arc<dyn Fn(&FuncType) -> Result<HostFunc<T>, String> + Send + Sync>;

/// One name defined in a linker.
pub(crate) enum Definition<T> {
    /// A host function; it takes the import's type.
    Func(HostFunc<T>),
    /// A host function with Rust types ([`LinkerInstance::func_wrap`]):
    /// checked against the import's type, which it then converts its
    /// arguments and result at.
    TypedFunc(TypedHostFunc<T>),
    Instance(BTreeMap<String, Definition<T>>),
    Resource(ResourceType),
    Module(myrt_interp::Module),
    /// An export of an instantiated component ([`Linker::define_instance`]).
    Item(Item),
}

impl<T> Definition<T> {
    pub fn kind(&self) -> &'static str {
        match self {
            Definition::Func(_) | Definition::TypedFunc(_) => "a func",
            Definition::Instance(_) => "an instance",
            Definition::Resource(_) => "a resource",
            Definition::Module(_) => "a core module",
            Definition::Item(item) => item.kind(),
        }
    }
}

pub struct Linker<T> {
    engine: Engine,
    root: BTreeMap<String, Definition<T>>,
}

impl<T: 'static> Linker<T> {
    pub fn new(engine: &Engine) -> Self {
        Linker {
            engine: engine.clone(),
            root: BTreeMap::new(),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The root namespace: plain import names.
    pub fn root(&mut self) -> LinkerInstance<'_, T> {
        LinkerInstance {
            path: String::new(),
            definitions: &mut self.root,
        }
    }

    /// Instantiates `component`, resolving its imports by name.
    pub fn instantiate(
        &self,
        store: &mut Store<T>,
        component: &Component,
    ) -> Result<Instance, Error> {
        instantiate_root(store, component, Imports::Linker(&self.root))
    }

    /// Defines `name` as the instance `instance` (its exports become the
    /// instance's exports), e.g. to link one component into another.
    pub fn define_instance(&mut self, name: &str, instance: Instance) -> Result<(), Error> {
        let item = Item::Instance(Arc::clone(&instance.exports));
        self.root().insert(name, Definition::Item(item))
    }
}

/// A namespace in a [`Linker`]: the root, or an instance such as
/// `wasi:cli/environment@0.2.3`.
pub struct LinkerInstance<'a, T> {
    path: String,
    definitions: &'a mut BTreeMap<String, Definition<T>>,
}

impl<T: 'static> LinkerInstance<'_, T> {
    fn insert(&mut self, name: &str, definition: Definition<T>) -> Result<(), Error> {
        match self.definitions.entry(name.to_owned()) {
            Entry::Occupied(_) => Err(Error::Link(format!(
                "`{}{name}` is defined twice in the linker",
                self.path
            ))),
            Entry::Vacant(slot) => {
                slot.insert(definition);
                Ok(())
            }
        }
    }

    /// A host function; it takes the type of the import it satisfies.
    /// `results` has one slot when that type has a result.
    pub fn func_new(
        &mut self,
        name: &str,
        f: impl Fn(&mut Store<T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Result<(), Error> {
        self.insert(name, Definition::Func(Arc::new(f)))
    }

    /// A host function with Rust-typed parameters and result, e.g.
    /// `|store, (a, b): (u32, String)| -> Result<u64, Error>`. Its types must
    /// match the import it satisfies.
    pub fn func_wrap<P: ComponentParams, R: ComponentResult>(
        &mut self,
        name: &str,
        f: impl Fn(&mut Store<T>, P) -> Result<R, Error> + Send + Sync + 'static,
    ) -> Result<(), Error> {
        let f = Arc::new(f);
        let make = move |ty: &FuncType| -> Result<HostFunc<T>, String> {
            check_signature::<P, R>(ty)?;
            let params = param_types(ty);
            let result = ty.result.clone();
            let f = Arc::clone(&f);
            Ok(Arc::new(
                move |store: &mut Store<T>, args: &[Val], results: &mut [Val]| {
                    let args = P::from_vals(args.to_vec(), &params)?;
                    let value = f(store, args)?.into_result(result.as_ref())?;
                    if let (Some(slot), Some(value)) = (results.first_mut(), value) {
                        *slot = value;
                    }
                    Ok(())
                },
            ))
        };
        self.insert(name, Definition::TypedFunc(Arc::new(make)))
    }

    /// The nested instance `name`, created on first use.
    pub fn instance(&mut self, name: &str) -> Result<LinkerInstance<'_, T>, Error> {
        let path = format!("{}{name}.", self.path);
        let definition = self
            .definitions
            .entry(name.to_owned())
            .or_insert_with(|| Definition::Instance(BTreeMap::new()));
        match definition {
            Definition::Instance(definitions) => Ok(LinkerInstance { path, definitions }),
            other => Err(Error::Link(format!(
                "`{}{name}` is already defined as {}",
                self.path,
                other.kind()
            ))),
        }
    }

    /// A host resource type; `dtor` runs with the rep when a guest drops
    /// the last owning handle.
    pub fn resource(
        &mut self,
        name: &str,
        ty: ResourceType,
        dtor: impl Fn(&mut Store<T>, u32) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Result<(), Error> {
        let dtor: HostDtor<T> = Arc::new(dtor);
        let ty = ResourceType {
            id: ty.id,
            dtor: Some(Dtor::Host(Arc::new(dtor))),
        };
        self.insert(name, Definition::Resource(ty))
    }

    /// A core module, for a component's core module import.
    pub fn module(&mut self, name: &str, module: &myrt_interp::Module) -> Result<(), Error> {
        self.insert(name, Definition::Module(module.clone()))
    }
}
