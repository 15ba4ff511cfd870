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
        let bytes = usize::try_from(ty.min.checked_mul(PAGE_SIZE)?).ok()?;
        Some(MemoryEntity {
            ty,
            data: zeroed::bytes(bytes, bytes)?,
        })
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
    let addressable = if ty.memory64 {
        MAX_PAGES_64
    } else {
        MAX_PAGES_32
    };
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
    if new_len > memory.data.capacity() {
        // Double the reservation (within the limit) so that a guest growing
        // page by page copies its memory O(log n) times, not n times.
        let limit = usize::try_from(page_limit(&memory.ty) * PAGE_SIZE).unwrap_or(usize::MAX);
        let capacity = new_len.max(memory.data.capacity().saturating_mul(2).min(limit));
        let mut grown = zeroed::bytes(memory.data.len(), capacity)?;
        grown.copy_from_slice(&memory.data);
        memory.data = grown;
    }
    zeroed::extend(&mut memory.data, new_len);
    Some(old)
}

/// Memory bytes from the allocator's zeroed allocation: for large sizes the
/// system maps fresh pages, which cost nothing until touched, so a guest
/// that grows a memory to gigabytes and uses a few pages commits a few
/// pages (resizing a `Vec` would write every byte). Invariant of every
/// memory's `Vec`: its spare capacity `len..capacity` holds zeros, since it
/// was allocated zeroed and memories never shrink nor push.
mod zeroed {
    use std::alloc::{Layout, alloc_zeroed};

    /// `len` zero bytes with room for `capacity`; `None` if the host cannot
    /// allocate them.
    pub(super) fn bytes(len: usize, capacity: usize) -> Option<Vec<u8>> {
        debug_assert!(len <= capacity);
        if capacity == 0 {
            return Some(Vec::new());
        }
        let layout = Layout::array::<u8>(capacity).ok()?;
        // SAFETY: `layout` has a non-zero size. The pointer comes from the
        // global allocator with the layout `Vec<u8>` uses for `capacity`
        // bytes (align 1), so the `Vec` may own and free it; all `capacity`
        // bytes are initialized (zeroed), so any `len <= capacity` is valid.
        unsafe {
            let ptr = alloc_zeroed(layout);
            if ptr.is_null() {
                return None;
            }
            Some(Vec::from_raw_parts(ptr, len, capacity))
        }
    }

    /// Extends `data` to `new_len` zero bytes within its capacity.
    pub(super) fn extend(data: &mut Vec<u8>, new_len: usize) {
        assert!(new_len >= data.len() && new_len <= data.capacity());
        // SAFETY: `len..new_len` lies within the capacity, which by the
        // module's invariant holds initialized zero bytes.
        unsafe { data.set_len(new_len) }
    }
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
    pub fn write(
        &self,
        mut ctx: impl AsContextMut,
        offset: usize,
        buf: &[u8],
    ) -> Result<(), Error> {
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
