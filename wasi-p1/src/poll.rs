//! `poll_oneoff`: clock subscriptions become 0.2 deadline pollables on the
//! monotonic clock, fd subscriptions the readiness pollables of the stdio
//! streams; files are always ready, as for `poll(2)`.

use myrt_wasi_p2::Resource;
use myrt_wasi_p2::io::poll::Pollable;

use crate::P1Result;
use crate::abi::{self, Errno, SUBSCRIPTION_CLOCK_ABSTIME, clockid, eventtype};
use crate::ctx::{FdEntry, WasiP1Ctx};
use crate::memory::Guest;

/// An `$event` to report.
struct Event {
    userdata: u64,
    error: Errno,
    kind: u8,
    nbytes: u64,
}

/// A subscription that is ready now, or the pollable that says when it is.
enum Readiness {
    Now(Event),
    Later(Event, Resource<Pollable>),
}

impl WasiP1Ctx {
    /// The monotonic instant a clock subscription fires at.
    fn deadline(&mut self, id: u32, timeout: u64, flags: u16) -> P1Result<u64> {
        let now = self.host().monotonic_clock_now();
        if flags & SUBSCRIPTION_CLOCK_ABSTIME == 0 {
            return Ok(now.saturating_add(timeout));
        }
        match id {
            clockid::MONOTONIC => Ok(timeout),
            clockid::REALTIME => {
                let wall = self.clock_now(clockid::REALTIME)?;
                Ok(now.saturating_add(timeout.saturating_sub(wall)))
            }
            _ => Err(Errno::Inval.into()),
        }
    }

    fn subscribe(&mut self, userdata: u64, kind: u8, fd: u32) -> P1Result<Readiness> {
        let event = |error, nbytes| Event {
            userdata,
            error,
            kind,
            nbytes,
        };
        let Ok(entry) = self.entry(fd) else {
            return Ok(Readiness::Now(event(Errno::Badf, 0)));
        };
        Ok(match (entry, kind) {
            (FdEntry::Stdin { stream, .. }, eventtype::FD_READ) => {
                let stream = stream.borrowed();
                // Ready means at least one byte, or the end of input.
                Readiness::Later(
                    event(Errno::Success, 1),
                    self.host().input_stream_subscribe(&stream)?,
                )
            }
            (FdEntry::Output { stream, .. }, eventtype::FD_WRITE) => {
                let stream = stream.borrowed();
                Readiness::Later(
                    event(Errno::Success, 0),
                    self.host().output_stream_subscribe(&stream)?,
                )
            }
            (FdEntry::File(file), eventtype::FD_READ) => {
                let left = file.descriptor.stat()?.size.saturating_sub(file.position);
                Readiness::Now(event(Errno::Success, left))
            }
            (FdEntry::File(_), _) => Readiness::Now(event(Errno::Success, 0)),
            _ => Readiness::Now(event(Errno::Badf, 0)),
        })
    }
}

impl Guest<'_, '_> {
    /// Waits until at least one subscription is ready (not at all if one
    /// already is) and reports every ready one. No subscriptions is
    /// `EINVAL`: the call would block forever.
    pub(crate) fn poll_oneoff(
        &mut self,
        subscriptions: u32,
        events: u32,
        count: u32,
        nevents: u32,
    ) -> P1Result<()> {
        if count == 0 {
            return Err(Errno::Inval.into());
        }
        let events_size = count.checked_mul(abi::EVENT_SIZE).ok_or(Errno::Fault)?;
        self.bytes_mut(events, events_size)?;
        self.u32(nevents)?;
        let mut readiness = Vec::new();
        for index in 0..count {
            let base = subscriptions
                .checked_add(
                    index
                        .checked_mul(abi::SUBSCRIPTION_SIZE)
                        .ok_or(Errno::Fault)?,
                )
                .ok_or(Errno::Fault)?;
            let userdata = self.u64(base)?;
            let kind = self.u8(base + 8)?;
            let entry = match kind {
                eventtype::CLOCK => {
                    let (id, timeout, flags) = (
                        self.u32(base + 16)?,
                        self.u64(base + 24)?,
                        self.u16(base + 40)?,
                    );
                    let event = Event {
                        userdata,
                        error: Errno::Success,
                        kind,
                        nbytes: 0,
                    };
                    let ctx = self.ctx();
                    match ctx.deadline(id, timeout, flags) {
                        Ok(when) => Readiness::Later(
                            event,
                            ctx.host().monotonic_clock_subscribe_instant(when)?,
                        ),
                        Err(crate::Fail::Errno(error)) => Readiness::Now(Event { error, ..event }),
                        Err(trap) => return Err(trap),
                    }
                }
                eventtype::FD_READ | eventtype::FD_WRITE => {
                    let fd = self.u32(base + 16)?;
                    self.ctx().subscribe(userdata, kind, fd)?
                }
                _ => return Err(Errno::Inval.into()),
            };
            readiness.push(entry);
        }
        let waiting: Vec<Resource<Pollable>> = readiness
            .iter()
            .filter_map(|entry| match entry {
                Readiness::Later(_, pollable) => Some(pollable.borrowed()),
                Readiness::Now(_) => None,
            })
            .collect();
        let anything_now = waiting.len() < readiness.len();
        let mut host = self.ctx().host();
        let ready: Vec<bool> = if anything_now {
            waiting
                .iter()
                .map(|p| host.pollable_ready(p))
                .collect::<Result<_, _>>()?
        } else {
            let indices = host.poll(&waiting)?;
            (0..waiting.len() as u32)
                .map(|i| indices.contains(&i))
                .collect()
        };
        let mut ready = ready.into_iter();
        let mut fired = Vec::new();
        for entry in readiness {
            match entry {
                Readiness::Now(event) => fired.push(event),
                Readiness::Later(event, pollable) => {
                    self.ctx().host().pollable_drop(pollable)?;
                    if ready.next() == Some(true) {
                        fired.push(event);
                    }
                }
            }
        }
        for (index, event) in fired.iter().enumerate() {
            let mut record = [0; abi::EVENT_SIZE as usize];
            record[0..8].copy_from_slice(&event.userdata.to_le_bytes());
            record[8..10].copy_from_slice(&(event.error as u16).to_le_bytes());
            record[10] = event.kind;
            record[16..24].copy_from_slice(&event.nbytes.to_le_bytes());
            self.write(events + index as u32 * abi::EVENT_SIZE, &record)?;
        }
        self.write_u32(nevents, fired.len() as u32)
    }
}
