//! In-memory streams: for tests and for embedders that feed a guest's stdin
//! or capture its output. Clones share the same buffer, so every handle the
//! guest gets (each `get-stdin` call makes one) sees one stream.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::io::poll::Pollable;
use crate::io::streams::{HostInputStream, HostOutputStream, IoError, StreamFailure, StreamResult};

#[derive(Clone, Default)]
pub struct MemoryInputPipe {
    state: Arc<Mutex<InputState>>,
}

#[derive(Default)]
struct InputState {
    data: Vec<u8>,
    position: usize,
}

impl MemoryInputPipe {
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        MemoryInputPipe {
            state: Arc::new(Mutex::new(InputState {
                data: data.into(),
                position: 0,
            })),
        }
    }

    fn state(&self) -> MutexGuard<'_, InputState> {
        // A panic while holding the lock cannot leave the state inconsistent
        // (only `position` is mutated, after the copy): keep going.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl HostInputStream for MemoryInputPipe {
    fn read(&mut self, len: usize) -> StreamResult<Vec<u8>> {
        let mut state = self.state();
        let remaining = state.data.len() - state.position;
        if remaining == 0 && len > 0 {
            return Err(StreamFailure::Closed);
        }
        let start = state.position;
        let end = start + remaining.min(len);
        state.position = end;
        Ok(state.data[start..end].to_vec())
    }

    fn readiness(&self) -> Pollable {
        Pollable::Ready
    }
}

/// Collects everything written, up to `capacity` bytes; writing past it
/// fails rather than growing without bound.
#[derive(Clone)]
pub struct MemoryOutputPipe {
    buffer: Arc<Mutex<Vec<u8>>>,
    capacity: usize,
}

impl MemoryOutputPipe {
    pub fn new(capacity: usize) -> Self {
        MemoryOutputPipe {
            buffer: Arc::default(),
            capacity,
        }
    }

    pub fn contents(&self) -> Vec<u8> {
        self.buffer().clone()
    }

    fn buffer(&self) -> MutexGuard<'_, Vec<u8>> {
        self.buffer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl HostOutputStream for MemoryOutputPipe {
    fn check_write(&mut self) -> StreamResult<usize> {
        let room = self.capacity - self.buffer().len();
        if room == 0 {
            return Err(StreamFailure::LastOperationFailed(IoError::message(
                "memory pipe is full",
            )));
        }
        Ok(room)
    }

    fn write(&mut self, bytes: &[u8]) -> StreamResult<()> {
        let mut buffer = self.buffer();
        if bytes.len() > self.capacity - buffer.len() {
            return Err(StreamFailure::LastOperationFailed(IoError::message(
                "memory pipe is full",
            )));
        }
        buffer.extend_from_slice(bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn readiness(&self) -> Pollable {
        Pollable::Ready
    }
}

/// An input stream that is already at its end (the default stdin).
pub struct ClosedInput;

impl HostInputStream for ClosedInput {
    fn read(&mut self, _len: usize) -> StreamResult<Vec<u8>> {
        Err(StreamFailure::Closed)
    }

    fn readiness(&self) -> Pollable {
        Pollable::Ready
    }
}

/// An output stream that accepts and discards everything (the default
/// stdout and stderr).
pub struct Sink;

impl HostOutputStream for Sink {
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(crate::io::streams::MAX_CHUNK)
    }

    fn write(&mut self, _bytes: &[u8]) -> StreamResult<()> {
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn readiness(&self) -> Pollable {
        Pollable::Ready
    }
}
