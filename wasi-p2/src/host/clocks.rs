//! `wasi:clocks/wall-clock` and `wasi:clocks/monotonic-clock`.

use crate::clocks::Datetime;
use crate::host::WasiImpl;
use crate::io::poll::Pollable;
use crate::table::{Resource, TableError};

impl WasiImpl<'_> {
    pub fn wall_clock_now(&mut self) -> Datetime {
        self.ctx.wall_clock.now()
    }

    pub fn wall_clock_resolution(&mut self) -> Datetime {
        self.ctx.wall_clock.resolution()
    }

    pub fn monotonic_clock_now(&mut self) -> u64 {
        self.ctx.monotonic_clock.now()
    }

    pub fn monotonic_clock_resolution(&mut self) -> u64 {
        self.ctx.monotonic_clock.resolution()
    }

    pub fn monotonic_clock_subscribe_instant(
        &mut self,
        when: u64,
    ) -> Result<Resource<Pollable>, TableError> {
        let clock = self.ctx.monotonic_clock.clone();
        self.table.push(Pollable::Deadline { clock, when })
    }

    pub fn monotonic_clock_subscribe_duration(
        &mut self,
        duration: u64,
    ) -> Result<Resource<Pollable>, TableError> {
        let when = self.ctx.monotonic_clock.now().saturating_add(duration);
        self.monotonic_clock_subscribe_instant(when)
    }
}
