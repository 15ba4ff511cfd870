//! `wasi:random`: a cryptographically secure source (the kernel's
//! `getrandom`) and a fast insecure generator, both replaceable.

use rustix::rand::{GetRandomFlags, getrandom};

pub trait RandomSource: Send {
    fn fill_bytes(&mut self, buf: &mut [u8]);

    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        self.fill_bytes(&mut bytes);
        u64::from_le_bytes(bytes)
    }
}

/// The kernel CSPRNG. `getrandom` without flags blocks only until the pool is
/// first initialized, which is what a secure source must do.
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill_bytes(&mut self, mut buf: &mut [u8]) {
        while !buf.is_empty() {
            match getrandom(&mut *buf, GetRandomFlags::empty()) {
                Ok(n) => buf = &mut buf[n..],
                Err(rustix::io::Errno::INTR) => continue,
                // getrandom(2) only fails on bad arguments or a kernel without
                // it (pre-3.17); there is no secure fallback to offer then.
                Err(errno) => panic!("getrandom failed: {errno}"),
            }
        }
    }
}

/// SplitMix64: tiny, fast and statistically decent; explicitly not secure,
/// which is all `wasi:random/insecure` promises.
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub fn from_os() -> Self {
        SplitMix64::new(OsRandom.next_u64())
    }
}

impl RandomSource for SplitMix64 {
    fn fill_bytes(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
