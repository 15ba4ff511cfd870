//! Instances: the handle and access to their exports. Creating one is in
//! `instantiate.rs`.

use crate::store::Handle;
use crate::{
    AsContext, Error, Extern, Func, Global, Memory, Table, TypedFunc, WasmParams, WasmResults,
};

/// An instantiated module in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instance(pub(crate) Handle);

impl Instance {
    pub fn get_export(&self, ctx: impl AsContext, name: &str) -> Option<Extern> {
        let store = ctx.as_context();
        store.inner.instances[store.index(self.0)]
            .exports
            .get(name)
            .copied()
    }

    pub fn get_func(&self, ctx: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(ctx, name)?.into_func()
    }

    pub fn get_typed_func<Params: WasmParams, Results: WasmResults>(
        &self,
        ctx: impl AsContext,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        let func = self.get_func(&ctx, name).ok_or_else(|| {
            Error::Other(format!("the instance exports no function named `{name}`"))
        })?;
        func.typed(ctx)
    }

    pub fn get_global(&self, ctx: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(ctx, name)?.into_global()
    }

    pub fn get_memory(&self, ctx: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(ctx, name)?.into_memory()
    }

    pub fn get_table(&self, ctx: impl AsContext, name: &str) -> Option<Table> {
        self.get_export(ctx, name)?.into_table()
    }

    /// Every export, in the module's export order.
    pub fn exports<'a, C: AsContext + ?Sized>(
        &self,
        ctx: &'a C,
    ) -> impl Iterator<Item = (&'a str, Extern)> + 'a {
        let store = ctx.as_context();
        let instance = &store.inner.instances[store.index(self.0)];
        instance
            .module
            .inner
            .parsed
            .exports
            .iter()
            .filter_map(move |export| {
                let (name, ext) = instance.exports.get_key_value(export.name.as_str())?;
                Some((name.as_str(), *ext))
            })
    }
}
