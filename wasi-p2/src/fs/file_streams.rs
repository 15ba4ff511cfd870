//! `read-via-stream`, `write-via-stream` and `append-via-stream`: streams
//! over a file at an explicit position. They share the descriptor's open
//! file, so they outlive nothing and need no seek position of their own in
//! the kernel (`pread`/`pwrite`).

use std::os::fd::OwnedFd;
use std::sync::Arc;

use rustix::io::{Errno, pread, pwrite};

use crate::io::poll::Pollable;
use crate::io::streams::{
    HostInputStream, HostOutputStream, MAX_CHUNK, StreamFailure, StreamResult,
};

pub(crate) struct FileInputStream {
    pub(crate) fd: Arc<OwnedFd>,
    pub(crate) position: u64,
}

impl HostInputStream for FileInputStream {
    fn read(&mut self, len: usize) -> StreamResult<Vec<u8>> {
        let mut buffer = vec![0; len.min(MAX_CHUNK)];
        let n = loop {
            match pread(&*self.fd, &mut buffer, self.position) {
                Ok(n) => break n,
                Err(Errno::INTR) => continue,
                Err(errno) => return Err(errno.into()),
            }
        };
        if n == 0 && len > 0 {
            return Err(StreamFailure::Closed);
        }
        buffer.truncate(n);
        self.position += n as u64;
        Ok(buffer)
    }

    fn readiness(&self) -> Pollable {
        Pollable::Ready
    }
}

pub(crate) enum WritePosition {
    At(u64),
    /// Each write goes to the end of the file as it is at that moment.
    Append,
}

pub(crate) struct FileOutputStream {
    pub(crate) fd: Arc<OwnedFd>,
    pub(crate) position: WritePosition,
}

impl HostOutputStream for FileOutputStream {
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(MAX_CHUNK)
    }

    fn write(&mut self, mut bytes: &[u8]) -> StreamResult<()> {
        let mut offset = match self.position {
            WritePosition::At(offset) => offset,
            WritePosition::Append => rustix::fs::fstat(&*self.fd)?.st_size as u64,
        };
        while !bytes.is_empty() {
            match pwrite(&*self.fd, bytes, offset) {
                Ok(n) => {
                    bytes = &bytes[n..];
                    offset += n as u64;
                }
                Err(Errno::INTR) => continue,
                Err(errno) => return Err(errno.into()),
            }
        }
        if let WritePosition::At(position) = &mut self.position {
            *position = offset;
        }
        Ok(())
    }

    /// Data is in the kernel once `write` returns; durability is what
    /// `sync`/`sync-data` are for.
    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn readiness(&self) -> Pollable {
        Pollable::Ready
    }
}
