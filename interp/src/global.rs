//! Global variables.

use myrt_parser::GlobalType;

use crate::store::{GlobalEntity, Handle};
use crate::{AsContext, AsContextMut, Error, Val};

/// A global in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Global(pub(crate) Handle);

impl Global {
    pub fn new(mut ctx: impl AsContextMut, ty: GlobalType, init: Val) -> Result<Global, Error> {
        check_type(&ty, init)?;
        let store = ctx.as_context_mut();
        let value = init.to_cell(store.id())?;
        store.inner.globals.push(GlobalEntity { ty, value });
        Ok(Global(store.handle(store.inner.globals.len() - 1)))
    }

    fn entity<'a>(&self, ctx: &'a (impl AsContext + ?Sized)) -> &'a GlobalEntity {
        let store = ctx.as_context();
        &store.inner.globals[store.index(self.0)]
    }

    pub fn ty(&self, ctx: impl AsContext) -> GlobalType {
        self.entity(&ctx).ty
    }

    pub fn get(&self, ctx: impl AsContext) -> Val {
        let global = self.entity(&ctx);
        Val::from_cell(global.ty.content, global.value, ctx.as_context().id())
    }

    pub fn set(&self, mut ctx: impl AsContextMut, value: Val) -> Result<(), Error> {
        let store = ctx.as_context_mut();
        let index = store.index(self.0);
        let cell = value.to_cell(store.id())?;
        let global = &mut store.inner.globals[index];
        if !global.ty.mutable {
            return Err(Error::Other("cannot set an immutable global".into()));
        }
        check_type(&global.ty, value)?;
        global.value = cell;
        Ok(())
    }
}

fn check_type(ty: &GlobalType, value: Val) -> Result<(), Error> {
    if value.ty() == ty.content {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "a global of type {} cannot hold a {} value",
            ty.content,
            value.ty()
        )))
    }
}
