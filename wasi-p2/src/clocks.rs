//! `wasi:clocks`: wall and monotonic clocks behind traits, so embedders and
//! tests can substitute deterministic ones.

use rustix::time::{ClockId, clock_getres, clock_gettime};

/// `wasi:clocks/wall-clock.datetime`: time since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Datetime {
    pub seconds: u64,
    pub nanoseconds: u32,
}

impl Datetime {
    /// `None` for times before the epoch, which the WIT record cannot hold.
    pub fn from_unix(seconds: i64, nanoseconds: i64) -> Option<Datetime> {
        Some(Datetime {
            seconds: u64::try_from(seconds).ok()?,
            nanoseconds: u32::try_from(nanoseconds)
                .ok()
                .filter(|n| *n < 1_000_000_000)?,
        })
    }
}

pub trait HostWallClock: Send {
    fn now(&self) -> Datetime;
    fn resolution(&self) -> Datetime;
}

/// Nanoseconds on a clock that never goes backwards; `instant` and
/// `duration` in WIT are both `u64` nanoseconds.
pub trait HostMonotonicClock: Send {
    fn now(&self) -> u64;
    fn resolution(&self) -> u64;
}

pub struct SystemWallClock;

impl HostWallClock for SystemWallClock {
    fn now(&self) -> Datetime {
        timespec_to_datetime(clock_gettime(ClockId::Realtime))
    }

    fn resolution(&self) -> Datetime {
        timespec_to_datetime(clock_getres(ClockId::Realtime))
    }
}

pub struct SystemMonotonicClock;

impl HostMonotonicClock for SystemMonotonicClock {
    fn now(&self) -> u64 {
        timespec_to_nanos(clock_gettime(ClockId::Monotonic))
    }

    fn resolution(&self) -> u64 {
        timespec_to_nanos(clock_getres(ClockId::Monotonic)).max(1)
    }
}

// `tv_nsec` is `c_long`-sized on some targets.
#[allow(clippy::unnecessary_cast)]
fn timespec_to_datetime(ts: rustix::time::Timespec) -> Datetime {
    Datetime::from_unix(ts.tv_sec, ts.tv_nsec as i64).unwrap_or(Datetime {
        seconds: 0,
        nanoseconds: 0,
    })
}

fn timespec_to_nanos(ts: rustix::time::Timespec) -> u64 {
    (ts.tv_sec.max(0) as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}
