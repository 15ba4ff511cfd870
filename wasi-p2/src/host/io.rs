//! `wasi:io/streams`, `wasi:io/poll` and `wasi:io/error`.

use crate::error::HostError;
use crate::host::WasiImpl;
use crate::io::poll::{Pollable, poll_list};
use crate::io::streams::{InputStream, IoError, OutputStream, StreamFailure, chunk_len};
use crate::table::{Resource, TableError};

/// `wasi:io/streams.stream-error`, or a trap.
#[derive(Debug)]
pub enum StreamError {
    LastOperationFailed(Resource<IoError>),
    Closed,
    Trap(HostError),
}

impl From<TableError> for StreamError {
    fn from(err: TableError) -> Self {
        StreamError::Trap(HostError::Table(err))
    }
}

pub type StreamResult<T> = Result<T, StreamError>;

type In = Resource<InputStream>;
type Out = Resource<OutputStream>;

impl WasiImpl<'_> {
    /// Moves a stream failure's `IoError` into the table.
    fn stream_error(&mut self, failure: StreamFailure) -> StreamError {
        match failure {
            StreamFailure::Closed => StreamError::Closed,
            StreamFailure::LastOperationFailed(error) => match self.table.push(error) {
                Ok(handle) => StreamError::LastOperationFailed(handle),
                Err(err) => err.into(),
            },
        }
    }

    fn with_input<R>(
        &mut self,
        stream: &In,
        op: impl FnOnce(&mut InputStream) -> Result<R, StreamFailure>,
    ) -> StreamResult<R> {
        let result = op(self.table.get_mut(stream)?);
        result.map_err(|failure| self.stream_error(failure))
    }

    fn with_output<R>(
        &mut self,
        stream: &Out,
        op: impl FnOnce(&mut OutputStream) -> Result<R, StreamFailure>,
    ) -> StreamResult<R> {
        let result = op(self.table.get_mut(stream)?);
        result.map_err(|failure| self.stream_error(failure))
    }

    /// `write` and `write-zeroes` may only move what the last
    /// `check-write` permitted; more is a guest bug that traps.
    fn spend_permit(&mut self, stream: &Out, len: u64) -> StreamResult<()> {
        let entry = self.table.get_mut(stream)?;
        if len > entry.permitted {
            return Err(StreamError::Trap(HostError::WriteNotPermitted {
                requested: len,
                permitted: entry.permitted,
            }));
        }
        entry.permitted -= len;
        Ok(())
    }

    pub fn input_stream_read(&mut self, stream: &In, len: u64) -> StreamResult<Vec<u8>> {
        self.with_input(stream, |s| s.0.read(chunk_len(len)))
    }

    pub fn input_stream_blocking_read(&mut self, stream: &In, len: u64) -> StreamResult<Vec<u8>> {
        self.with_input(stream, |s| s.0.blocking_read(chunk_len(len)))
    }

    pub fn input_stream_skip(&mut self, stream: &In, len: u64) -> StreamResult<u64> {
        self.with_input(stream, |s| s.0.skip(chunk_len(len)))
    }

    pub fn input_stream_blocking_skip(&mut self, stream: &In, len: u64) -> StreamResult<u64> {
        self.with_input(stream, |s| s.0.blocking_skip(chunk_len(len)))
    }

    /// The pollable is a child of the stream: the stream cannot be dropped first.
    pub fn input_stream_subscribe(
        &mut self,
        stream: &In,
    ) -> Result<Resource<Pollable>, TableError> {
        let pollable = self.table.get(stream)?.0.readiness();
        self.table.push_child(pollable, stream)
    }

    pub fn input_stream_drop(&mut self, stream: In) -> Result<(), TableError> {
        self.table.delete(stream).map(drop)
    }

    pub fn output_stream_check_write(&mut self, stream: &Out) -> StreamResult<u64> {
        self.with_output(stream, |s| {
            let permitted = s.stream.check_write()? as u64;
            s.permitted = permitted;
            Ok(permitted)
        })
    }

    pub fn output_stream_write(&mut self, stream: &Out, contents: &[u8]) -> StreamResult<()> {
        self.spend_permit(stream, contents.len() as u64)?;
        self.with_output(stream, |s| s.stream.write(contents))
    }

    pub fn output_stream_flush(&mut self, stream: &Out) -> StreamResult<()> {
        self.with_output(stream, |s| s.stream.flush())
    }

    pub fn output_stream_blocking_flush(&mut self, stream: &Out) -> StreamResult<()> {
        self.with_output(stream, |s| {
            s.stream.flush()?;
            s.stream.readiness().block();
            Ok(())
        })
    }

    pub fn output_stream_blocking_write_and_flush(
        &mut self,
        stream: &Out,
        contents: &[u8],
    ) -> StreamResult<()> {
        self.with_output(stream, |s| {
            let mut rest = contents;
            while !rest.is_empty() {
                s.stream.readiness().block();
                let permitted = s.stream.check_write()?.min(rest.len());
                if permitted == 0 {
                    continue;
                }
                s.stream.write(&rest[..permitted])?;
                rest = &rest[permitted..];
            }
            s.stream.flush()?;
            s.stream.readiness().block();
            Ok(())
        })
    }

    pub fn output_stream_write_zeroes(&mut self, stream: &Out, len: u64) -> StreamResult<()> {
        self.spend_permit(stream, len)?;
        self.with_output(stream, |s| write_zeroes_in_chunks(s, len, false))
    }

    pub fn output_stream_blocking_write_zeroes_and_flush(
        &mut self,
        stream: &Out,
        len: u64,
    ) -> StreamResult<()> {
        self.with_output(stream, |s| {
            write_zeroes_in_chunks(s, len, true)?;
            s.stream.flush()?;
            s.stream.readiness().block();
            Ok(())
        })
    }

    /// `splice`: moves what `src` has now, up to `len` bytes and what the
    /// output accepts now.
    pub fn output_stream_splice(&mut self, stream: &Out, src: &In, len: u64) -> StreamResult<u64> {
        self.splice(stream, src, len, false)
    }

    pub fn output_stream_blocking_splice(
        &mut self,
        stream: &Out,
        src: &In,
        len: u64,
    ) -> StreamResult<u64> {
        self.splice(stream, src, len, true)
    }

    fn splice(&mut self, stream: &Out, src: &In, len: u64, blocking: bool) -> StreamResult<u64> {
        if blocking {
            let readiness = self.table.get(stream)?.stream.readiness();
            readiness.block();
        }
        let permitted = self.with_output(stream, |s| s.stream.check_write())?;
        let len = chunk_len(len).min(permitted);
        let bytes = self.with_input(src, |s| {
            if blocking {
                s.0.blocking_read(len)
            } else {
                s.0.read(len)
            }
        })?;
        self.with_output(stream, |s| s.stream.write(&bytes))?;
        Ok(bytes.len() as u64)
    }

    pub fn output_stream_subscribe(
        &mut self,
        stream: &Out,
    ) -> Result<Resource<Pollable>, TableError> {
        let pollable = self.table.get(stream)?.stream.readiness();
        self.table.push_child(pollable, stream)
    }

    pub fn output_stream_drop(&mut self, stream: Out) -> Result<(), TableError> {
        self.table.delete(stream).map(drop)
    }

    pub fn pollable_ready(&mut self, pollable: &Resource<Pollable>) -> Result<bool, TableError> {
        Ok(self.table.get(pollable)?.ready())
    }

    pub fn pollable_block(&mut self, pollable: &Resource<Pollable>) -> Result<(), TableError> {
        self.table.get(pollable)?.block();
        Ok(())
    }

    pub fn pollable_drop(&mut self, pollable: Resource<Pollable>) -> Result<(), TableError> {
        self.table.delete(pollable).map(drop)
    }

    /// `poll`: blocks until at least one is ready; returns the indices of
    /// all that are.
    pub fn poll(&mut self, pollables: &[Resource<Pollable>]) -> Result<Vec<u32>, HostError> {
        if pollables.is_empty() {
            return Err(HostError::EmptyPollList);
        }
        let pollables = pollables
            .iter()
            .map(|p| self.table.get(p))
            .collect::<Result<Vec<&Pollable>, TableError>>()?;
        Ok(poll_list(&pollables, true))
    }

    pub fn error_to_debug_string(
        &mut self,
        error: &Resource<IoError>,
    ) -> Result<String, TableError> {
        Ok(self.table.get(error)?.message.clone())
    }

    pub fn error_drop(&mut self, error: Resource<IoError>) -> Result<(), TableError> {
        self.table.delete(error).map(drop)
    }
}

/// Writes `len` zeroes without materializing more than one chunk at a time.
fn write_zeroes_in_chunks(
    stream: &mut OutputStream,
    mut len: u64,
    blocking: bool,
) -> Result<(), StreamFailure> {
    while len > 0 {
        if blocking {
            stream.stream.readiness().block();
        }
        let chunk = chunk_len(len);
        stream.stream.write_zeroes(chunk)?;
        len -= chunk as u64;
    }
    Ok(())
}
