//! Guest linear memory as the Canonical ABI sees it: bytes plus the
//! component's `realloc`, with every access bounds-checked so bad guest
//! pointers become traps, never panics.

use crate::error::{Error, trap_if};

/// A component instance's linear memory and its `realloc` export
/// (`CanonicalOptions.memory` / `.realloc`).
pub trait GuestMemory {
    fn data(&self) -> &[u8];
    fn data_mut(&mut self) -> &mut [u8];
    /// Calls the guest's `realloc(old_ptr, old_size, align, new_size)`.
    /// May grow the memory: callers re-read `data()` afterwards.
    fn realloc(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<u32, Error>;
}

/// Reads `len` bytes at `ptr`, trapping when they leave the memory.
pub(crate) fn bytes(memory: &dyn GuestMemory, ptr: u32, len: u32) -> Result<&[u8], Error> {
    let start = ptr as usize;
    start
        .checked_add(len as usize)
        .and_then(|end| memory.data().get(start..end))
        .ok_or_else(|| out_of_bounds(ptr, len, memory.data().len()))
}

pub(crate) fn bytes_mut(
    memory: &mut dyn GuestMemory,
    ptr: u32,
    len: u32,
) -> Result<&mut [u8], Error> {
    let size = memory.data().len();
    let start = ptr as usize;
    start
        .checked_add(len as usize)
        .and_then(|end| memory.data_mut().get_mut(start..end))
        .ok_or_else(|| out_of_bounds(ptr, len, size))
}

fn out_of_bounds(ptr: u32, len: u32, size: usize) -> Error {
    Error::trap(format!(
        "out of bounds: {len} bytes at {ptr:#x} leave a {size}-byte memory"
    ))
}

/// What a guest pointer points at. Trap messages name it: embedders and
/// test suites tell "string content out-of-bounds" from "list content
/// out-of-bounds" (wasmtime's wording, which the component-model test
/// suites assert).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Content {
    /// A value stored in place: spilled parameters, a return area, a
    /// `load`/`store` at a given pointer.
    Value,
    String,
    List,
}

impl Content {
    fn name(self) -> &'static str {
        match self {
            Content::Value => "value",
            Content::String => "string",
            Content::List => "list",
        }
    }
}

fn misaligned(content: Content, ptr: u32, alignment: u32) -> String {
    let what = content.name();
    format!("unaligned pointer: {what} pointer not aligned to {alignment} ({ptr:#x})")
}

fn beyond_memory(content: Content, ptr: u32, byte_length: u64, size: usize) -> String {
    let what = content.name();
    format!(
        "{what} content out-of-bounds: {what} pointer/length out of bounds of memory \
         ({byte_length} bytes at {ptr:#x}, memory of {size} bytes)"
    )
}

fn is_aligned(ptr: u32, alignment: u32) -> bool {
    ptr.is_multiple_of(alignment)
}

fn fits(memory: &dyn GuestMemory, ptr: u32, byte_length: u64) -> bool {
    u64::from(ptr) + byte_length <= memory.data().len() as u64
}

/// The range checks the spec repeats around guest pointers:
/// `trap_if(ptr != align_to(ptr, alignment))` and
/// `trap_if(ptr + byte_length > len(memory))`.
pub(crate) fn check_range(
    memory: &dyn GuestMemory,
    ptr: u32,
    alignment: u32,
    byte_length: u64,
    content: Content,
) -> Result<(), Error> {
    trap_if(!is_aligned(ptr, alignment), || {
        misaligned(content, ptr, alignment)
    })?;
    trap_if(!fits(memory, ptr, byte_length), || {
        beyond_memory(content, ptr, byte_length, memory.data().len())
    })
}

/// Calls `realloc` and applies the checks the spec makes on its result;
/// their messages say the pointer came from `realloc`.
pub(crate) fn realloc_checked(
    memory: &mut dyn GuestMemory,
    old_ptr: u32,
    old_size: u32,
    alignment: u32,
    new_size: u32,
    content: Content,
) -> Result<u32, Error> {
    let ptr = memory.realloc(old_ptr, old_size, alignment, new_size)?;
    trap_if(!is_aligned(ptr, alignment), || {
        format!(
            "realloc return: result not aligned: {}",
            misaligned(content, ptr, alignment)
        )
    })?;
    let byte_length = u64::from(new_size);
    trap_if(!fits(memory, ptr, byte_length), || {
        format!(
            "realloc return: beyond end of memory: {}",
            beyond_memory(content, ptr, byte_length, memory.data().len())
        )
    })?;
    Ok(ptr)
}

pub(crate) fn load_uint(memory: &dyn GuestMemory, ptr: u32, nbytes: u32) -> Result<u64, Error> {
    let mut buf = [0u8; 8];
    buf[..nbytes as usize].copy_from_slice(bytes(memory, ptr, nbytes)?);
    Ok(u64::from_le_bytes(buf))
}

pub(crate) fn store_uint(
    memory: &mut dyn GuestMemory,
    value: u64,
    ptr: u32,
    nbytes: u32,
) -> Result<(), Error> {
    bytes_mut(memory, ptr, nbytes)?.copy_from_slice(&value.to_le_bytes()[..nbytes as usize]);
    Ok(())
}

/// A `Vec<u8>`-backed memory with a bump allocator: every `realloc` returns
/// fresh, aligned space (copying the old contents), so code that forgets to
/// use realloc's result is caught. Meant for tests and host-side scratch
/// buffers.
#[derive(Debug, Clone, Default)]
pub struct VecMemory {
    pub bytes: Vec<u8>,
    next: u32,
    /// Every call made to `realloc`, in order: `(old_ptr, old_size, align, new_size)`.
    pub realloc_calls: Vec<(u32, u32, u32, u32)>,
}

impl VecMemory {
    /// A memory whose first `reserved` bytes are never handed out, so
    /// pointer 0 (the spec's "no allocation") is never a live allocation.
    pub fn new(reserved: u32) -> Self {
        VecMemory {
            bytes: vec![0; reserved as usize],
            next: reserved,
            realloc_calls: Vec::new(),
        }
    }
}

impl GuestMemory for VecMemory {
    fn data(&self) -> &[u8] {
        &self.bytes
    }

    fn data_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }

    fn realloc(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<u32, Error> {
        self.realloc_calls
            .push((old_ptr, old_size, align, new_size));
        trap_if(!align.is_power_of_two(), || {
            "realloc alignment is not a power of two".into()
        })?;
        let ptr = u64::from(self.next).next_multiple_of(u64::from(align));
        let end = u32::try_from(ptr + u64::from(new_size))
            .map_err(|_| Error::trap("VecMemory realloc: out of address space"))?;
        let ptr = ptr as u32;
        if self.bytes.len() < end as usize {
            self.bytes.resize(end as usize, 0);
        }
        let kept = old_size.min(new_size) as usize;
        trap_if(old_ptr as usize + kept > self.bytes.len(), || {
            "VecMemory realloc: old block out of bounds".into()
        })?;
        self.bytes
            .copy_within(old_ptr as usize..old_ptr as usize + kept, ptr as usize);
        self.next = end;
        Ok(ptr)
    }
}
