//! The stream traits every `input-stream` / `output-stream` implements
//! (files, stdio, in-memory pipes; sockets and HTTP bodies later), and the
//! table entry types that box them.

use crate::error::ErrorCode;
use crate::io::poll::Pollable;

/// Largest chunk one `read`/`write` moves, so a guest asking for `u64::MAX`
/// bytes gets a short read instead of a host allocation failure.
pub const MAX_CHUNK: usize = 1 << 20;

/// `wasi:io/error.error`: what the guest can learn about a failed stream
/// operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoError {
    pub message: String,
    /// What `wasi:filesystem/types.filesystem-error-code` reports.
    pub code: Option<ErrorCode>,
}

impl IoError {
    pub fn from_code(code: ErrorCode) -> Self {
        IoError {
            message: format!("filesystem error: {code}"),
            code: Some(code),
        }
    }

    pub fn message(message: impl Into<String>) -> Self {
        IoError {
            message: message.into(),
            code: None,
        }
    }
}

impl From<rustix::io::Errno> for IoError {
    fn from(errno: rustix::io::Errno) -> Self {
        IoError {
            message: errno.to_string(),
            code: Some(errno.into()),
        }
    }
}

/// Table-free form of `wasi:io/streams.stream-error`; the host layer puts
/// the `IoError` in the table to make `last-operation-failed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamFailure {
    LastOperationFailed(IoError),
    Closed,
}

impl From<rustix::io::Errno> for StreamFailure {
    fn from(errno: rustix::io::Errno) -> Self {
        StreamFailure::LastOperationFailed(errno.into())
    }
}

pub type StreamResult<T> = Result<T, StreamFailure>;

pub trait HostInputStream: Send {
    /// Non-blocking: returns what is available now, possibly nothing.
    /// End of stream is `Err(Closed)`.
    fn read(&mut self, len: usize) -> StreamResult<Vec<u8>>;

    /// Waits until at least one byte (or the end) is available.
    fn blocking_read(&mut self, len: usize) -> StreamResult<Vec<u8>> {
        self.readiness().block();
        self.read(len)
    }

    fn skip(&mut self, len: usize) -> StreamResult<u64> {
        Ok(self.read(len)?.len() as u64)
    }

    fn blocking_skip(&mut self, len: usize) -> StreamResult<u64> {
        Ok(self.blocking_read(len)?.len() as u64)
    }

    /// What `subscribe` returns: ready when `read` would return data or the end.
    fn readiness(&self) -> Pollable;
}

pub trait HostOutputStream: Send {
    /// How many bytes `write` accepts now without blocking (0: subscribe and wait).
    fn check_write(&mut self) -> StreamResult<usize>;

    fn write(&mut self, bytes: &[u8]) -> StreamResult<()>;

    /// Starts flushing buffered output; the flush is complete when
    /// `check_write` becomes ready again.
    fn flush(&mut self) -> StreamResult<()>;

    fn write_zeroes(&mut self, len: usize) -> StreamResult<()> {
        self.write(&vec![0; len])
    }

    /// What `subscribe` returns: ready when `check_write` would be non-zero
    /// (or the stream failed).
    fn readiness(&self) -> Pollable;
}

/// Table entry for `wasi:io/streams.input-stream`.
pub struct InputStream(pub Box<dyn HostInputStream>);

/// Table entry for `wasi:io/streams.output-stream`.
pub struct OutputStream {
    pub stream: Box<dyn HostOutputStream>,
    /// Bytes the guest may still `write` since the last `check-write`
    /// (the WIT precondition of `write` and `write-zeroes`).
    pub(crate) permitted: u64,
}

impl OutputStream {
    pub fn new(stream: Box<dyn HostOutputStream>) -> Self {
        OutputStream {
            stream,
            permitted: 0,
        }
    }
}

/// Clamps a guest-supplied `u64` length to what one call moves.
pub(crate) fn chunk_len(len: u64) -> usize {
    usize::try_from(len).unwrap_or(usize::MAX).min(MAX_CHUNK)
}
