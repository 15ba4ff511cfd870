//! The store: owner of every runtime entity, and the traits that let API
//! methods accept a store, a `&mut` store or a host function's [`Caller`].

pub(crate) mod entities;

pub(crate) use entities::*;

use std::sync::atomic::{AtomicU32, Ordering};

use crate::func::{Caller, HostFunc};
use crate::{Engine, Error};

/// Identifies a store, so that a handle used with a store it does not belong
/// to is caught instead of silently naming another store's entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StoreId(u32);

impl StoreId {
    fn fresh() -> StoreId {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        StoreId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// What every handle (`Func`, `Memory`, ...) holds: its store and its index
/// in that store's vector of such entities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Handle {
    pub store: StoreId,
    pub index: u32,
}

/// The error for a handle or reference used with a store it does not belong to.
pub(crate) fn store_mismatch() -> Error {
    Error::Other("a handle or reference from another store was used with this store".into())
}

/// Owns all functions, tables, memories, globals, instances and host values
/// created in it, plus the embedder's data `T` that host functions can reach.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) host_funcs: Vec<HostFunc<T>>,
    pub(crate) engine: Engine,
    /// The instance whose code is calling a host function, set by the
    /// executor right before `call_host` so that `Caller::get_export` can see
    /// that instance's exports; taken (reset to `None`) by `call_host`.
    pub(crate) calling_instance: Option<u32>,
    id: StoreId,
    data: T,
}

impl<T> Store<T> {
    pub fn new(engine: &Engine, data: T) -> Self {
        Store {
            inner: StoreInner::default(),
            host_funcs: Vec::new(),
            engine: engine.clone(),
            calling_instance: None,
            id: StoreId::fresh(),
            data,
        }
    }

    pub fn data(&self) -> &T {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    pub fn into_data(self) -> T {
        self.data
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn id(&self) -> StoreId {
        self.id
    }

    /// A handle to entity `index` of this store.
    pub(crate) fn handle(&self, index: usize) -> Handle {
        Handle {
            store: self.id,
            index: index as u32,
        }
    }

    /// The index `handle` names in this store. Using a handle with another
    /// store is a bug in the embedder, reported like an out-of-bounds index.
    pub(crate) fn index(&self, handle: Handle) -> usize {
        assert!(
            handle.store == self.id,
            "a handle from another store was used with this store"
        );
        handle.index as usize
    }
}

/// Read access to a store: implemented by `Store<T>`, references to it and [`Caller`].
pub trait AsContext {
    type Data;
    fn as_context(&self) -> &Store<Self::Data>;
}

/// Write access to a store.
pub trait AsContextMut: AsContext {
    fn as_context_mut(&mut self) -> &mut Store<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self
    }
}

impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self.store
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self.store
    }
}

impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_context(&self) -> &Store<C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_context(&self) -> &Store<C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> &mut Store<C::Data> {
        (**self).as_context_mut()
    }
}
