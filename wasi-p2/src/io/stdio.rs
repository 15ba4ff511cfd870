//! The host process's own stdin/stdout/stderr, and the choice of what a
//! guest's stdio is connected to.
//!
//! Host stdin is never switched to O_NONBLOCK (that flag is shared with
//! every process on the same terminal and breaks their output); non-blocking
//! reads ask `poll` first and read only what is there, so nothing is
//! buffered on the guest's behalf.

use std::os::fd::BorrowedFd;

use rustix::event::{PollFd, PollFlags, poll};
use rustix::io::Errno;
use rustix::time::Timespec;

use crate::io::pipes::{ClosedInput, MemoryInputPipe, MemoryOutputPipe, Sink};
use crate::io::poll::Pollable;
use crate::io::streams::{
    HostInputStream, HostOutputStream, MAX_CHUNK, StreamFailure, StreamResult,
};

/// What `get-stdin` returns streams of.
#[derive(Clone, Default)]
pub enum StdinSource {
    /// Already at its end.
    #[default]
    Closed,
    Inherit,
    Memory(MemoryInputPipe),
}

/// What `get-stdout` / `get-stderr` write to.
#[derive(Clone, Default)]
pub enum OutputSink {
    #[default]
    Discard,
    /// The host's stdout.
    InheritStdout,
    /// The host's stderr.
    InheritStderr,
    Memory(MemoryOutputPipe),
}

impl StdinSource {
    pub(crate) fn stream(&self) -> Box<dyn HostInputStream> {
        match self {
            StdinSource::Closed => Box::new(ClosedInput),
            StdinSource::Inherit => Box::new(HostStdin),
            StdinSource::Memory(pipe) => Box::new(pipe.clone()),
        }
    }

    pub(crate) fn is_terminal(&self) -> bool {
        matches!(self, StdinSource::Inherit) && rustix::termios::isatty(rustix::stdio::stdin())
    }
}

impl OutputSink {
    pub(crate) fn stream(&self) -> Box<dyn HostOutputStream> {
        match self {
            OutputSink::Discard => Box::new(Sink),
            OutputSink::InheritStdout => Box::new(HostOutput(rustix::stdio::stdout())),
            OutputSink::InheritStderr => Box::new(HostOutput(rustix::stdio::stderr())),
            OutputSink::Memory(pipe) => Box::new(pipe.clone()),
        }
    }

    pub(crate) fn is_terminal(&self) -> bool {
        match self {
            OutputSink::InheritStdout => rustix::termios::isatty(rustix::stdio::stdout()),
            OutputSink::InheritStderr => rustix::termios::isatty(rustix::stdio::stderr()),
            OutputSink::Discard | OutputSink::Memory(_) => false,
        }
    }
}

struct HostStdin;

impl HostStdin {
    fn read_once(len: usize) -> StreamResult<Vec<u8>> {
        let mut buffer = vec![0; len.min(MAX_CHUNK)];
        loop {
            match rustix::io::read(rustix::stdio::stdin(), &mut buffer) {
                Ok(0) if len > 0 => return Err(StreamFailure::Closed),
                Ok(n) => {
                    buffer.truncate(n);
                    return Ok(buffer);
                }
                Err(Errno::INTR) => continue,
                // Someone else set O_NONBLOCK on the shared description:
                // wait for data instead of failing.
                Err(Errno::AGAIN) => wait_for(rustix::stdio::stdin(), PollFlags::IN),
                Err(errno) => return Err(errno.into()),
            }
        }
    }
}

impl HostInputStream for HostStdin {
    fn read(&mut self, len: usize) -> StreamResult<Vec<u8>> {
        if len == 0 || !fd_ready(rustix::stdio::stdin(), PollFlags::IN) {
            return Ok(Vec::new());
        }
        Self::read_once(len)
    }

    fn blocking_read(&mut self, len: usize) -> StreamResult<Vec<u8>> {
        Self::read_once(len)
    }

    fn readiness(&self) -> Pollable {
        Pollable::Readable(rustix::stdio::stdin())
    }
}

/// Host stdout or stderr. Writes block until done, so the stream is always
/// ready and flushing has nothing to do.
struct HostOutput(BorrowedFd<'static>);

impl HostOutputStream for HostOutput {
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(MAX_CHUNK)
    }

    fn write(&mut self, mut bytes: &[u8]) -> StreamResult<()> {
        while !bytes.is_empty() {
            match rustix::io::write(self.0, bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(Errno::INTR) => continue,
                Err(Errno::AGAIN) => wait_for(self.0, PollFlags::OUT),
                // Nobody reads any more (`myrt run app | head`): the stream is
                // `closed`, which wasi-libc reports as EPIPE, as for a host program.
                Err(Errno::PIPE) => return Err(StreamFailure::Closed),
                Err(errno) => return Err(errno.into()),
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn readiness(&self) -> Pollable {
        Pollable::Ready
    }
}

fn fd_ready(fd: BorrowedFd<'_>, events: PollFlags) -> bool {
    let mut fds = [PollFd::from_borrowed_fd(fd, events)];
    matches!(poll(&mut fds, Some(&Timespec { tv_sec: 0, tv_nsec: 0 })), Ok(n) if n > 0)
}

/// Blocks until `fd` is ready for `events` (or reports an error/hangup,
/// which the retried call then returns).
fn wait_for(fd: BorrowedFd<'_>, events: PollFlags) {
    let mut fds = [PollFd::from_borrowed_fd(fd, events)];
    // EINTR or any failure: the caller retries its read/write, which reports
    // a real error if there is one.
    let _ = poll(&mut fds, None);
}
