//! Guest memory as a host function sees it: the calling instance's exported
//! `memory`, every access bounds-checked. A pointer or length that leaves
//! the memory is `EFAULT` for the guest (as in wasmtime), never a host panic.
//!
//! The store owns both the memory and the WASI context, so values are
//! copied in and out rather than borrowed across a context call.

use myrt_interp::{Caller, Error, Extern, Memory};

use crate::abi::Errno;
use crate::ctx::WasiP1Ctx;
use crate::{Fail, P1Result};

pub(crate) struct Guest<'a, 'c> {
    caller: &'a mut Caller<'c, WasiP1Ctx>,
    memory: Memory,
}

impl<'a, 'c> Guest<'a, 'c> {
    /// Fails (a trap) if the caller exports no memory: preview 1 passes
    /// everything through it.
    pub(crate) fn new(caller: &'a mut Caller<'c, WasiP1Ctx>) -> Result<Self, Error> {
        match caller.get_export("memory") {
            Some(Extern::Memory(memory)) => Ok(Guest { caller, memory }),
            _ => Err(Error::host(MissingMemory)),
        }
    }

    pub(crate) fn ctx(&mut self) -> &mut WasiP1Ctx {
        self.caller.data_mut()
    }

    fn range(&self, ptr: u32, len: u32) -> P1Result<std::ops::Range<usize>> {
        let size = self.memory.data(&*self.caller).len() as u64;
        let end = u64::from(ptr) + u64::from(len);
        if end > size {
            return Err(Fail::Errno(Errno::Fault));
        }
        Ok(ptr as usize..end as usize)
    }

    pub(crate) fn bytes(&self, ptr: u32, len: u32) -> P1Result<&[u8]> {
        let range = self.range(ptr, len)?;
        Ok(&self.memory.data(&*self.caller)[range])
    }

    pub(crate) fn bytes_mut(&mut self, ptr: u32, len: u32) -> P1Result<&mut [u8]> {
        let range = self.range(ptr, len)?;
        Ok(&mut self.memory.data_mut(&mut *self.caller)[range])
    }

    pub(crate) fn write(&mut self, ptr: u32, bytes: &[u8]) -> P1Result<()> {
        let len = u32::try_from(bytes.len()).map_err(|_| Fail::Errno(Errno::Fault))?;
        self.bytes_mut(ptr, len)?.copy_from_slice(bytes);
        Ok(())
    }

    fn array<const N: usize>(&self, ptr: u32) -> P1Result<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.bytes(ptr, N as u32)?);
        Ok(out)
    }

    pub(crate) fn u8(&self, ptr: u32) -> P1Result<u8> {
        Ok(self.array::<1>(ptr)?[0])
    }

    pub(crate) fn u16(&self, ptr: u32) -> P1Result<u16> {
        Ok(u16::from_le_bytes(self.array(ptr)?))
    }

    pub(crate) fn u32(&self, ptr: u32) -> P1Result<u32> {
        Ok(u32::from_le_bytes(self.array(ptr)?))
    }

    pub(crate) fn u64(&self, ptr: u32) -> P1Result<u64> {
        Ok(u64::from_le_bytes(self.array(ptr)?))
    }

    pub(crate) fn write_u32(&mut self, ptr: u32, value: u32) -> P1Result<()> {
        self.write(ptr, &value.to_le_bytes())
    }

    pub(crate) fn write_u64(&mut self, ptr: u32, value: u64) -> P1Result<()> {
        self.write(ptr, &value.to_le_bytes())
    }

    /// A path or other string argument; not UTF-8 is `EILSEQ`.
    pub(crate) fn string(&self, ptr: u32, len: u32) -> P1Result<String> {
        let bytes = self.bytes(ptr, len)?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| Fail::Errno(Errno::Ilseq))
    }

    /// The `(buf, buf_len)` pairs of an `iovec` array; each range is checked
    /// when it is used.
    pub(crate) fn iovecs(&self, iovs: u32, count: u32) -> P1Result<Vec<(u32, u32)>> {
        let table = self.bytes(
            iovs,
            count
                .checked_mul(crate::abi::IOVEC_SIZE)
                .ok_or(Fail::Errno(Errno::Fault))?,
        )?;
        Ok(table
            .chunks_exact(crate::abi::IOVEC_SIZE as usize)
            .map(|pair| {
                let word =
                    |i: usize| u32::from_le_bytes([pair[i], pair[i + 1], pair[i + 2], pair[i + 3]]);
                (word(0), word(4))
            })
            .collect())
    }

    /// Concatenates what the `ciovec`s point at (for writes).
    pub(crate) fn gather(&self, iovs: u32, count: u32) -> P1Result<Vec<u8>> {
        let mut out = Vec::new();
        for (ptr, len) in self.iovecs(iovs, count)? {
            out.extend_from_slice(self.bytes(ptr, len)?);
        }
        Ok(out)
    }

    /// Total capacity of the `iovec`s, after checking each lies in memory
    /// (so a read never consumes input it then cannot store).
    pub(crate) fn capacity(&self, iovecs: &[(u32, u32)]) -> P1Result<u64> {
        let mut total = 0;
        for &(ptr, len) in iovecs {
            self.range(ptr, len)?;
            total += u64::from(len);
        }
        Ok(total)
    }

    /// Spreads `data` over the `iovec`s in order.
    pub(crate) fn scatter(&mut self, iovecs: &[(u32, u32)], mut data: &[u8]) -> P1Result<()> {
        for &(ptr, len) in iovecs {
            if data.is_empty() {
                break;
            }
            let n = (len as usize).min(data.len());
            self.write(ptr, &data[..n])?;
            data = &data[n..];
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("a WASI preview 1 function was called by a module that exports no `memory`")]
pub struct MissingMemory;
