//! The linker: a namespace of named externs used to satisfy imports.

use std::collections::HashMap;
use std::sync::Arc;

use myrt_parser::FuncType;

use crate::func::HostFunc;
use crate::instantiate::instantiate;
use crate::{
    AsContext, AsContextMut, Caller, Engine, Error, Extern, Func, Instance, IntoFunc, Module, Val,
};

/// Names externs by (module, name) and instantiates modules against them.
pub struct Linker<T> {
    engine: Engine,
    definitions: HashMap<(String, String), Definition<T>>,
}

enum Definition<T> {
    Extern(Extern),
    /// A host function not tied to a store yet: each store it is used with
    /// gets its own `Func`, created when a module imports it.
    HostFunc {
        ty: FuncType,
        func: HostFunc<T>,
    },
}

impl<T: 'static> Linker<T> {
    pub fn new(engine: &Engine) -> Self {
        Linker {
            engine: engine.clone(),
            definitions: HashMap::new(),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Defines `module`.`name` as `item`; a later definition of the same name replaces it.
    pub fn define(
        &mut self,
        ctx: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        let item = item.into();
        if item.handle().store != ctx.as_context().id() {
            return Err(Error::Other(format!(
                "`{module}`.`{name}` is defined with an extern from another store"
            )));
        }
        self.insert(module, name, Definition::Extern(item));
        Ok(self)
    }

    /// Defines a host function with dynamically typed arguments (see [`Func::new`]).
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Result<&mut Self, Error> {
        let func = crate::func::dynamic_host_func(ty.clone(), f);
        self.insert(module, name, Definition::HostFunc { ty, func });
        Ok(self)
    }

    /// Defines a host function from a typed closure (see [`Func::wrap`]).
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self, Error> {
        let (ty, func) = f.into_host_func();
        self.insert(module, name, Definition::HostFunc { ty, func });
        Ok(self)
    }

    /// Defines every export of `instance` under `module_name` (the spec's `register`).
    pub fn instance(
        &mut self,
        ctx: impl AsContext<Data = T>,
        module_name: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        for (name, ext) in instance.exports(&ctx) {
            self.insert(module_name, name, Definition::Extern(ext));
        }
        Ok(self)
    }

    /// The extern defined as `module`.`name`. Host functions defined with
    /// `func_new`/`func_wrap` become a `Func` of this store here, hence `AsContextMut`.
    pub fn get(
        &self,
        mut ctx: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        let definition = self
            .definitions
            .get(&(module.to_owned(), name.to_owned()))?;
        Some(match definition {
            Definition::Extern(ext) => *ext,
            Definition::HostFunc { ty, func } => Extern::Func(Func::from_host(
                ctx.as_context_mut(),
                ty.clone(),
                Arc::clone(func),
            )),
        })
    }

    /// Resolves the module's imports by name, then instantiates it.
    pub fn instantiate(
        &self,
        mut ctx: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance, Error> {
        let store = ctx.as_context_mut();
        let imports = module
            .imports()
            .map(|import| {
                self.get(&mut *store, import.module(), import.name())
                    .ok_or_else(|| {
                        Error::Link(format!(
                            "unknown import: `{}`.`{}` has not been defined",
                            import.module(),
                            import.name()
                        ))
                    })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        instantiate(store, module, &imports)
    }

    fn insert(&mut self, module: &str, name: &str, definition: Definition<T>) {
        self.definitions
            .insert((module.to_owned(), name.to_owned()), definition);
    }
}
