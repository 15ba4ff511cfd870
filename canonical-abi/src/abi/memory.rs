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
        "{len} bytes at {ptr:#x} are out of bounds of a {size}-byte memory"
    ))
}

/// The range checks the spec repeats around guest pointers:
/// `trap_if(ptr != align_to(ptr, alignment))` and
/// `trap_if(ptr + byte_length > len(memory))`.
pub(crate) fn check_range(
    memory: &dyn GuestMemory,
    ptr: u32,
    alignment: u32,
    byte_length: u64,
) -> Result<(), Error> {
    trap_if(!ptr.is_multiple_of(alignment), || {
        format!("pointer {ptr:#x} is not {alignment}-byte aligned")
    })?;
    trap_if(
        u64::from(ptr) + byte_length > memory.data().len() as u64,
        || {
            format!(
                "{byte_length} bytes at {ptr:#x} are out of bounds of a {}-byte memory",
                memory.data().len()
            )
        },
    )
}

/// Calls `realloc` and applies the checks the spec makes on its result.
pub(crate) fn realloc_checked(
    memory: &mut dyn GuestMemory,
    old_ptr: u32,
    old_size: u32,
    alignment: u32,
    new_size: u32,
) -> Result<u32, Error> {
    let ptr = memory.realloc(old_ptr, old_size, alignment, new_size)?;
    check_range(memory, ptr, alignment, u64::from(new_size))
        .map_err(|e| Error::trap(format!("realloc returned a bad pointer: {e}")))?;
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
