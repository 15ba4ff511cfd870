//! Values that cross the API boundary, and their conversion to the
//! executor's untyped 64-bit cells (see `store::entities`).

use std::any::Any;

use myrt_parser::{RefType, ValType};

use crate::store::{Handle, NULL_REF, StoreId, store_mismatch};
use crate::{AsContext, AsContextMut, Error, Func, Global, Memory, Table};

/// A WebAssembly value. Floats are kept as their bits so that NaN payloads survive.
#[derive(Clone, Copy, Debug)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    FuncRef(Option<Func>),
    ExternRef(Option<ExternRef>),
}

impl Val {
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::FuncRef(_) => ValType::FUNCREF,
            Val::ExternRef(_) => ValType::EXTERNREF,
        }
    }

    /// The zero or null value of `ty`, as locals and new table slots start out.
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::Ref(RefType::FuncRef) => Val::FuncRef(None),
            ValType::Ref(RefType::ExternRef) => Val::ExternRef(None),
            // Validation rejects SIMD; there is no v128 `Val`.
            ValType::V128 => Val::I64(0),
        }
    }

    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = self {
            Some(*v)
        } else {
            None
        }
    }

    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = self {
            Some(*v)
        } else {
            None
        }
    }

    pub fn f32(&self) -> Option<f32> {
        if let Val::F32(v) = self {
            Some(f32::from_bits(*v))
        } else {
            None
        }
    }

    pub fn f64(&self) -> Option<f64> {
        if let Val::F64(v) = self {
            Some(f64::from_bits(*v))
        } else {
            None
        }
    }

    pub fn funcref(&self) -> Option<Option<Func>> {
        if let Val::FuncRef(v) = self {
            Some(*v)
        } else {
            None
        }
    }

    pub fn externref(&self) -> Option<Option<ExternRef>> {
        if let Val::ExternRef(v) = self {
            Some(*v)
        } else {
            None
        }
    }

    /// The value as a cell of store `store`; fails for a reference into another store.
    pub(crate) fn to_cell(self, store: StoreId) -> Result<u64, Error> {
        Ok(match self {
            Val::I32(v) => v as u32 as u64,
            Val::I64(v) => v as u64,
            Val::F32(bits) => bits as u64,
            Val::F64(bits) => bits,
            Val::FuncRef(f) => ref_cell(f.map(|f| f.0), store)?,
            Val::ExternRef(r) => ref_cell(r.map(|r| r.0), store)?,
        })
    }

    /// The value of type `ty` in a cell of store `store`.
    pub(crate) fn from_cell(ty: ValType, cell: u64, store: StoreId) -> Val {
        match ty {
            ValType::I32 => Val::I32(cell as u32 as i32),
            ValType::I64 => Val::I64(cell as i64),
            ValType::F32 => Val::F32(cell as u32),
            ValType::F64 => Val::F64(cell),
            ValType::Ref(RefType::FuncRef) => Val::FuncRef(ref_handle(cell, store).map(Func)),
            ValType::Ref(RefType::ExternRef) => {
                Val::ExternRef(ref_handle(cell, store).map(ExternRef))
            }
            // Validation rejects SIMD, so no v128 value ever reaches a cell;
            // keep the bits rather than panic.
            ValType::V128 => Val::I64(cell as i64),
        }
    }
}

/// The handle a reference cell of store `store` holds, `None` for null.
pub(crate) fn ref_handle(cell: u64, store: StoreId) -> Option<Handle> {
    cell.checked_sub(1).map(|index| Handle {
        store,
        index: index as u32,
    })
}

/// The cell of a reference to `handle` (or null) in store `store`.
pub(crate) fn ref_cell(handle: Option<Handle>, store: StoreId) -> Result<u64, Error> {
    match handle {
        None => Ok(NULL_REF),
        Some(handle) if handle.store == store => Ok(handle.index as u64 + 1),
        Some(_) => Err(store_mismatch()),
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Self {
        Val::I32(v)
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::I64(v)
    }
}

impl From<f32> for Val {
    fn from(v: f32) -> Self {
        Val::F32(v.to_bits())
    }
}

impl From<f64> for Val {
    fn from(v: f64) -> Self {
        Val::F64(v.to_bits())
    }
}

impl From<Func> for Val {
    fn from(f: Func) -> Self {
        Val::FuncRef(Some(f))
    }
}

impl From<ExternRef> for Val {
    fn from(r: ExternRef) -> Self {
        Val::ExternRef(Some(r))
    }
}

/// A reference to a host value owned by the store (`externref` in wasm).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef(pub(crate) Handle);

impl ExternRef {
    pub fn new<T: Any + Send + Sync + 'static>(mut ctx: impl AsContextMut, value: T) -> ExternRef {
        let store = ctx.as_context_mut();
        store.inner.externrefs.push(Box::new(value));
        ExternRef(store.handle(store.inner.externrefs.len() - 1))
    }

    /// The host value; downcast it with `downcast_ref`.
    pub fn data<'a, C: AsContext + ?Sized>(&self, ctx: &'a C) -> &'a (dyn Any + Send + Sync) {
        let store = ctx.as_context();
        &*store.inner.externrefs[store.index(self.0)]
    }
}

/// Anything an instance can import or export.
#[derive(Clone, Copy, Debug)]
pub enum Extern {
    Func(Func),
    Table(Table),
    Memory(Memory),
    Global(Global),
}

impl Extern {
    pub(crate) fn handle(&self) -> Handle {
        match self {
            Extern::Func(f) => f.0,
            Extern::Table(t) => t.0,
            Extern::Memory(m) => m.0,
            Extern::Global(g) => g.0,
        }
    }

    pub fn into_func(self) -> Option<Func> {
        if let Extern::Func(f) = self {
            Some(f)
        } else {
            None
        }
    }

    pub fn into_table(self) -> Option<Table> {
        if let Extern::Table(t) = self {
            Some(t)
        } else {
            None
        }
    }

    pub fn into_memory(self) -> Option<Memory> {
        if let Extern::Memory(m) = self {
            Some(m)
        } else {
            None
        }
    }

    pub fn into_global(self) -> Option<Global> {
        if let Extern::Global(g) = self {
            Some(g)
        } else {
            None
        }
    }

    /// The extern's current type (tables and memories report their current size as minimum).
    pub fn ty(&self, ctx: impl AsContext) -> crate::ExternType {
        use crate::ExternType;
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(ctx)),
            Extern::Table(t) => ExternType::Table(t.ty(ctx)),
            Extern::Memory(m) => ExternType::Memory(m.ty(ctx)),
            Extern::Global(g) => ExternType::Global(g.ty(ctx)),
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Self {
        Extern::Func(f)
    }
}

impl From<Table> for Extern {
    fn from(t: Table) -> Self {
        Extern::Table(t)
    }
}

impl From<Memory> for Extern {
    fn from(m: Memory) -> Self {
        Extern::Memory(m)
    }
}

impl From<Global> for Extern {
    fn from(g: Global) -> Self {
        Extern::Global(g)
    }
}
