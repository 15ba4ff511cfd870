//! A wall clock that always reads 42.000000007 s after the epoch, resolution 1 ns.

use myrt_wasi_p2::clocks::{Datetime, HostWallClock};

pub struct FixedWallClock;

impl HostWallClock for FixedWallClock {
    fn now(&self) -> Datetime {
        Datetime {
            seconds: 42,
            nanoseconds: 7,
        }
    }
    fn resolution(&self) -> Datetime {
        Datetime {
            seconds: 0,
            nanoseconds: 1,
        }
    }
}
