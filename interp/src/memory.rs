//! Linear memories.

use myrt_parser::MemoryType;

use crate::store::{Handle, MemoryEntity};
use crate::{AsContext, AsContextMut, Error};

pub(crate) const PAGE_SIZE: u64 = 65536;
/// 4 GiB: the most a 32-bit memory can address.
const MAX_PAGES_32: u64 = 1 << 16;
/// 2^64 bytes in pages, the most a 64-bit memory can address.
const MAX_PAGES_64: u64 = 1 << 48;

/// A linear memory in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory(pub(crate) Handle);

impl MemoryEntity {
    /// Allocates a memory of `ty.min` zeroed pages; `None` if the host cannot
    /// or the type's limits do not allow it.
    pub(crate) fn new(ty: MemoryType) -> Option<MemoryEntity> {
        if ty.min > page_limit(&ty) || ty.max.is_some_and(|max| max < ty.min) {
            return None;
        }
        let mut memory = MemoryEntity { ty, data: Vec::new() };
        let bytes = usize::try_from(ty.min.checked_mul(PAGE_SIZE)?).ok()?;
        memory.data.try_reserve_exact(bytes).ok()?;
        memory.data.resize(bytes, 0);
        Some(memory)
    }

    pub(crate) fn pages(&self) -> u64 {
        self.data.len() as u64 / PAGE_SIZE
    }

    /// The memory's type with its current size as minimum, as import matching sees it.
    pub(crate) fn current_type(&self) -> MemoryType {
        MemoryType {
            min: self.pages(),
            ..self.ty
        }
    }
}

/// The most pages `ty` may ever have.
fn page_limit(ty: &MemoryType) -> u64 {
    let addressable = if ty.memory64 { MAX_PAGES_64 } else { MAX_PAGES_32 };
    ty.max.map_or(addressable, |max| max.min(addressable))
}

/// `memory.grow`: grows by `delta` pages and returns the old size in pages,
/// or `None` (wasm's -1) when the limits or the host do not allow it.
pub(crate) fn grow_memory(memory: &mut MemoryEntity, delta: u64) -> Option<u64> {
    let old = memory.pages();
    let new = old.checked_add(delta)?;
    if new > page_limit(&memory.ty) {
        return None;
    }
    let new_len = usize::try_from(new.checked_mul(PAGE_SIZE)?).ok()?;
    memory.data.try_reserve_exact(new_len - memory.data.len()).ok()?;
    memory.data.resize(new_len, 0);
    Some(old)
}

impl Memory {
    pub fn new(mut ctx: impl AsContextMut, ty: MemoryType) -> Result<Memory, Error> {
        let entity = MemoryEntity::new(ty).ok_or_else(|| {
            Error::Other(format!(
                "cannot allocate a memory of {} pages (maximum {:?})",
                ty.min, ty.max
            ))
        })?;
        let store = ctx.as_context_mut();
        store.inner.memories.push(entity);
        Ok(Memory(store.handle(store.inner.memories.len() - 1)))
    }

    fn entity<'a>(&self, ctx: &'a (impl AsContext + ?Sized)) -> &'a MemoryEntity {
        let store = ctx.as_context();
        &store.inner.memories[store.index(self.0)]
    }

    fn entity_mut<'a>(&self, ctx: &'a mut (impl AsContextMut + ?Sized)) -> &'a mut MemoryEntity {
        let store = ctx.as_context_mut();
        let index = store.index(self.0);
        &mut store.inner.memories[index]
    }

    pub fn ty(&self, ctx: impl AsContext) -> MemoryType {
        self.entity(&ctx).current_type()
    }

    pub fn data<'a, C: AsContext + ?Sized>(&self, ctx: &'a C) -> &'a [u8] {
        &self.entity(ctx).data
    }

    pub fn data_mut<'a, C: AsContextMut + ?Sized>(&self, ctx: &'a mut C) -> &'a mut [u8] {
        &mut self.entity_mut(ctx).data
    }

    /// Current size in pages.
    pub fn size(&self, ctx: impl AsContext) -> u64 {
        self.entity(&ctx).pages()
    }

    /// Grows by `delta_pages` and returns the previous size in pages.
    pub fn grow(&self, mut ctx: impl AsContextMut, delta_pages: u64) -> Result<u64, Error> {
        let memory = self.entity_mut(&mut ctx);
        grow_memory(memory, delta_pages).ok_or_else(|| {
            Error::Other(format!(
                "cannot grow a memory of {} pages by {delta_pages} pages (maximum {:?})",
                memory.pages(),
                memory.ty.max
            ))
        })
    }

    /// Copies `buf.len()` bytes starting at `offset` out of the memory.
    pub fn read(&self, ctx: impl AsContext, offset: usize, buf: &mut [u8]) -> Result<(), Error> {
        let data = self.data(&ctx);
        let range = checked_range(offset, buf.len(), data.len())?;
        buf.copy_from_slice(&data[range]);
        Ok(())
    }

    /// Copies `buf` into the memory at `offset`.
    pub fn write(&self, mut ctx: impl AsContextMut, offset: usize, buf: &[u8]) -> Result<(), Error> {
        let data = self.data_mut(&mut ctx);
        let range = checked_range(offset, buf.len(), data.len())?;
        data[range].copy_from_slice(buf);
        Ok(())
    }
}

fn checked_range(offset: usize, len: usize, size: usize) -> Result<std::ops::Range<usize>, Error> {
    match offset.checked_add(len) {
        Some(end) if end <= size => Ok(offset..end),
        _ => Err(Error::Other(format!(
            "memory access of {len} bytes at offset {offset} is out of bounds (memory size {size} bytes)"
        ))),
    }
}
