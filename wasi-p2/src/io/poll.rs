//! `wasi:io/poll`: pollables and `poll` over a list of them.
//!
//! A pollable is a self-contained description of the event it waits for
//! (a deadline on a clock, a host fd becoming readable/writable, or already
//! ready), so polling needs nothing from the stream that created it.

use std::os::fd::BorrowedFd;
use std::sync::Arc;

use rustix::event::{PollFd, PollFlags, poll};
use rustix::time::Timespec;

use crate::clocks::HostMonotonicClock;

#[derive(Clone)]
pub enum Pollable {
    /// Files, memory pipes, and anything that never makes a caller wait.
    Ready,
    /// `monotonic-clock.subscribe-instant`: ready once `clock.now() >= when`.
    Deadline {
        clock: Arc<dyn HostMonotonicClock + Sync>,
        when: u64,
    },
    /// A host descriptor that lives as long as the process (stdin).
    Readable(BorrowedFd<'static>),
    Writable(BorrowedFd<'static>),
}

impl std::fmt::Debug for Pollable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pollable::Ready => f.write_str("Ready"),
            Pollable::Deadline { when, .. } => write!(f, "Deadline({when})"),
            Pollable::Readable(fd) => write!(f, "Readable({fd:?})"),
            Pollable::Writable(fd) => write!(f, "Writable({fd:?})"),
        }
    }
}

impl Pollable {
    /// `pollable.ready`: never blocks.
    pub fn ready(&self) -> bool {
        !poll_list(&[self], false).is_empty()
    }

    /// `pollable.block`.
    pub fn block(&self) {
        poll_list(&[self], true);
    }
}

/// Indices of the ready pollables. With `block`, waits until at least one is
/// ready; without, returns what is ready now (possibly nothing).
pub fn poll_list(pollables: &[&Pollable], block: bool) -> Vec<u32> {
    loop {
        let mut ready = Vec::new();
        let mut fds = Vec::new();
        let mut fd_owners = Vec::new();
        let mut wait_nanos: Option<u64> = None;
        for (index, pollable) in pollables.iter().enumerate() {
            // The WIT list is bounded by u32 in the canonical ABI.
            let index = index as u32;
            match pollable {
                Pollable::Ready => ready.push(index),
                Pollable::Deadline { clock, when } => {
                    let now = clock.now();
                    if now >= *when {
                        ready.push(index);
                    } else {
                        let remaining = when - now;
                        wait_nanos = Some(wait_nanos.map_or(remaining, |w| w.min(remaining)));
                    }
                }
                Pollable::Readable(fd) => {
                    fds.push(PollFd::from_borrowed_fd(*fd, PollFlags::IN));
                    fd_owners.push(index);
                }
                Pollable::Writable(fd) => {
                    fds.push(PollFd::from_borrowed_fd(*fd, PollFlags::OUT));
                    fd_owners.push(index);
                }
            }
        }
        let must_wait = block && ready.is_empty();
        let timeout = if must_wait {
            wait_nanos.map(nanos_to_timespec)
        } else {
            Some(Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            })
        };
        if !fds.is_empty() || must_wait {
            // EINTR just means "look again"; other errors cannot arise from
            // valid descriptors, and retrying is the safe answer either way.
            let _ = poll(&mut fds, timeout.as_ref());
        }
        for (fd, index) in fds.iter().zip(&fd_owners) {
            // HUP/ERR count as ready: the next read or write reports them.
            if !fd.revents().is_empty() {
                ready.push(*index);
            }
        }
        if !ready.is_empty() || !block {
            ready.sort_unstable();
            return ready;
        }
    }
}

fn nanos_to_timespec(nanos: u64) -> Timespec {
    Timespec {
        tv_sec: (nanos / 1_000_000_000) as i64,
        tv_nsec: (nanos % 1_000_000_000) as _,
    }
}
