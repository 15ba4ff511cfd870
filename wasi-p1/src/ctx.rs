//! `WasiP1Ctx`: a WASI 0.2 context (`myrt_wasi_p2::WasiCtx`, the grants) seen
//! through preview 1's integer file descriptors: 0..=2 are stdio, the
//! preopens follow from 3 in the order they were granted, and files opened
//! later take the lowest free number.

use std::hash::RandomState;

use myrt_wasi_p2::fs::Descriptor;
use myrt_wasi_p2::io::streams::{InputStream, OutputStream};
use myrt_wasi_p2::{Resource, ResourceTable, TableError, WasiCtx, WasiImpl};

use crate::P1Result;
use crate::abi::Errno;

pub struct WasiP1Ctx {
    pub(crate) wasi: WasiCtx,
    pub(crate) table: ResourceTable,
    pub(crate) fds: Vec<Option<FdEntry>>,
    /// Keys `d_ino`/`st_ino`, so the guest learns nothing of host inodes.
    pub(crate) inode_key: RandomState,
}

pub(crate) enum FdEntry {
    Stdin {
        stream: Resource<InputStream>,
        terminal: bool,
    },
    Output {
        stream: Resource<OutputStream>,
        terminal: bool,
    },
    File(File),
    Dir(Dir),
}

pub(crate) struct File {
    pub(crate) descriptor: Descriptor,
    /// The seek position: preview 1 files have one, 0.2 descriptors do not.
    pub(crate) position: u64,
    pub(crate) append: bool,
}

pub(crate) struct Dir {
    pub(crate) descriptor: Descriptor,
    /// The guest path of a preopen (`fd_prestat_*`); `None` for opened directories.
    pub(crate) preopen: Option<String>,
}

impl WasiP1Ctx {
    pub fn new(mut wasi: WasiCtx) -> Result<Self, TableError> {
        let mut table = ResourceTable::new();
        let mut host = WasiImpl::new(&mut wasi, &mut table);
        let stdin = host.get_stdin()?;
        let terminal = take_terminal(host.get_terminal_stdin()?, &mut host)?;
        let mut fds = vec![Some(FdEntry::Stdin {
            stream: stdin,
            terminal,
        })];
        let stdout = host.get_stdout()?;
        let terminal = take_terminal(host.get_terminal_stdout()?, &mut host)?;
        fds.push(Some(FdEntry::Output {
            stream: stdout,
            terminal,
        }));
        let stderr = host.get_stderr()?;
        let terminal = take_terminal(host.get_terminal_stderr()?, &mut host)?;
        fds.push(Some(FdEntry::Output {
            stream: stderr,
            terminal,
        }));
        for (handle, name) in host.get_directories()? {
            let descriptor = host.table.delete(handle)?;
            fds.push(Some(FdEntry::Dir(Dir {
                descriptor,
                preopen: Some(name),
            })));
        }
        Ok(WasiP1Ctx {
            wasi,
            table,
            fds,
            inode_key: RandomState::new(),
        })
    }

    /// The status the guest passed to `proc_exit`, if it did.
    pub fn exit_code(&self) -> Option<i32> {
        self.wasi.exit_code()
    }

    pub(crate) fn host(&mut self) -> WasiImpl<'_> {
        WasiImpl::new(&mut self.wasi, &mut self.table)
    }

    pub(crate) fn entry(&mut self, fd: u32) -> Result<&mut FdEntry, Errno> {
        self.fds
            .get_mut(fd as usize)
            .and_then(Option::as_mut)
            .ok_or(Errno::Badf)
    }

    pub(crate) fn file(&mut self, fd: u32) -> Result<&mut File, Errno> {
        match self.entry(fd)? {
            FdEntry::File(file) => Ok(file),
            FdEntry::Dir(_) => Err(Errno::Badf),
            FdEntry::Stdin { .. } | FdEntry::Output { .. } => Err(Errno::Spipe),
        }
    }

    /// The 0.2 descriptor behind a file or directory fd (stdio has none).
    pub(crate) fn descriptor(&mut self, fd: u32) -> Result<&Descriptor, Errno> {
        match self.entry(fd)? {
            FdEntry::File(file) => Ok(&file.descriptor),
            FdEntry::Dir(dir) => Ok(&dir.descriptor),
            FdEntry::Stdin { .. } | FdEntry::Output { .. } => Err(Errno::Badf),
        }
    }

    pub(crate) fn dir(&mut self, fd: u32) -> Result<&Descriptor, Errno> {
        match self.entry(fd)? {
            FdEntry::Dir(dir) => Ok(&dir.descriptor),
            _ => Err(Errno::Notdir),
        }
    }

    pub(crate) fn insert(&mut self, entry: FdEntry) -> Result<u32, Errno> {
        let index = match self.fds.iter().position(Option::is_none) {
            Some(free) => free,
            None => {
                self.fds.push(None);
                self.fds.len() - 1
            }
        };
        let fd = u32::try_from(index).map_err(|_| Errno::Mfile)?;
        self.fds[index] = Some(entry);
        Ok(fd)
    }

    /// Closes `fd`, releasing the streams of a stdio fd.
    pub(crate) fn close(&mut self, fd: u32) -> P1Result<()> {
        let entry = self
            .fds
            .get_mut(fd as usize)
            .and_then(Option::take)
            .ok_or(Errno::Badf)?;
        Ok(self.release(entry)?)
    }

    pub(crate) fn release(&mut self, entry: FdEntry) -> Result<(), TableError> {
        match entry {
            FdEntry::Stdin { stream, .. } => self.host().input_stream_drop(stream),
            FdEntry::Output { stream, .. } => self.host().output_stream_drop(stream),
            FdEntry::File(_) | FdEntry::Dir(_) => Ok(()),
        }
    }
}

/// Whether a terminal handle was returned; the handle itself is not kept.
fn take_terminal<T: std::any::Any>(
    handle: Option<Resource<T>>,
    host: &mut WasiImpl<'_>,
) -> Result<bool, TableError> {
    match handle {
        Some(handle) => host.table.delete(handle).map(|_| true),
        None => Ok(false),
    }
}
