//! `wasi:random/random`, `insecure` and `insecure-seed`.

use crate::error::HostError;
use crate::host::WasiImpl;

/// A `list<u8>` must fit a 32-bit memory (CanonicalABI.md:
/// `store_list_into_range`); a larger request could never be returned, so it
/// traps before allocating.
const MAX_RANDOM_BYTES: u64 = u32::MAX as u64;

fn checked_len(len: u64) -> Result<usize, HostError> {
    if len > MAX_RANDOM_BYTES {
        return Err(HostError::TooLarge {
            what: "a random byte request",
            requested: len,
            limit: MAX_RANDOM_BYTES,
        });
    }
    // Fits: bounded by MAX_RANDOM_BYTES above.
    Ok(len as usize)
}

impl WasiImpl<'_> {
    pub fn get_random_bytes(&mut self, len: u64) -> Result<Vec<u8>, HostError> {
        let mut bytes = vec![0; checked_len(len)?];
        self.ctx.secure_random.fill_bytes(&mut bytes);
        Ok(bytes)
    }

    pub fn get_random_u64(&mut self) -> u64 {
        self.ctx.secure_random.next_u64()
    }

    pub fn get_insecure_random_bytes(&mut self, len: u64) -> Result<Vec<u8>, HostError> {
        let mut bytes = vec![0; checked_len(len)?];
        self.ctx.insecure_random.fill_bytes(&mut bytes);
        Ok(bytes)
    }

    pub fn get_insecure_random_u64(&mut self) -> u64 {
        self.ctx.insecure_random.next_u64()
    }

    /// Fixed for the life of the context, as the WIT asks.
    pub fn insecure_seed(&mut self) -> (u64, u64) {
        self.ctx.insecure_seed
    }
}
