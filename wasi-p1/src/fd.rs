//! The `fd_*` functions: stdio through the 0.2 streams, files and
//! directories through `myrt_wasi_p2::fs::Descriptor`, with the seek
//! position and append mode preview 1 keeps per fd.

use myrt_wasi_p2::fs::{
    Advice, DescriptorFlags, DescriptorStat, DescriptorType, NewTimestamp, PathFlags,
};
use myrt_wasi_p2::io::streams::MAX_CHUNK;
use myrt_wasi_p2::{Resource, StreamError};

use crate::abi::{self, Errno, fdflags, filetype, fstflags, rights, whence};
use crate::ctx::{FdEntry, WasiP1Ctx};
use crate::memory::Guest;
use crate::{Fail, P1Result};

/// The sync `$fdflags` and the 0.2 descriptor flags they correspond to.
pub(crate) const SYNC_FLAGS: [(u16, DescriptorFlags); 3] = [
    (fdflags::DSYNC, DescriptorFlags::DATA_INTEGRITY_SYNC),
    (fdflags::RSYNC, DescriptorFlags::REQUESTED_WRITE_SYNC),
    (fdflags::SYNC, DescriptorFlags::FILE_INTEGRITY_SYNC),
];

pub(crate) fn filetype_of(ty: DescriptorType) -> u8 {
    match ty {
        DescriptorType::BlockDevice => filetype::BLOCK_DEVICE,
        DescriptorType::CharacterDevice => filetype::CHARACTER_DEVICE,
        DescriptorType::Directory => filetype::DIRECTORY,
        DescriptorType::RegularFile => filetype::REGULAR_FILE,
        DescriptorType::SymbolicLink => filetype::SYMBOLIC_LINK,
        DescriptorType::Socket => filetype::SOCKET_STREAM,
        DescriptorType::Fifo | DescriptorType::Unknown => filetype::UNKNOWN,
    }
}

/// Stdio is a character device when it is a terminal, otherwise of unknown
/// type (a pipe or file the guest cannot reach as such), as in wasmtime.
fn stdio_filetype(terminal: bool) -> u8 {
    if terminal {
        filetype::CHARACTER_DEVICE
    } else {
        filetype::UNKNOWN
    }
}

/// `$filestat` bytes for `stat`, with `ino` keyed so it reveals no host inode.
pub(crate) fn filestat(stat: &DescriptorStat, ino: u64) -> [u8; abi::FILESTAT_SIZE as usize] {
    let nanos = |time: Option<myrt_wasi_p2::clocks::Datetime>| {
        time.map_or(0, |t| {
            t.seconds
                .saturating_mul(1_000_000_000)
                .saturating_add(t.nanoseconds.into())
        })
    };
    let mut out = [0; abi::FILESTAT_SIZE as usize];
    out[0..8].copy_from_slice(&1u64.to_le_bytes());
    out[8..16].copy_from_slice(&ino.to_le_bytes());
    out[16] = filetype_of(stat.type_);
    out[24..32].copy_from_slice(&stat.link_count.to_le_bytes());
    out[32..40].copy_from_slice(&stat.size.to_le_bytes());
    out[40..48].copy_from_slice(&nanos(stat.data_access_timestamp).to_le_bytes());
    out[48..56].copy_from_slice(&nanos(stat.data_modification_timestamp).to_le_bytes());
    out[56..64].copy_from_slice(&nanos(stat.status_change_timestamp).to_le_bytes());
    out
}

/// The `$fstflags` pair as 0.2 timestamps; asking for both a time and "now"
/// is `EINVAL`.
pub(crate) fn new_timestamps(
    atim: u64,
    mtim: u64,
    flags: u32,
) -> P1Result<(NewTimestamp, NewTimestamp)> {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    let one = |time: u64, set: u16, now: u16| match (flags & set != 0, flags & now != 0) {
        (true, true) => Err(Fail::Errno(Errno::Inval)),
        (true, false) => Ok(NewTimestamp::Timestamp(myrt_wasi_p2::clocks::Datetime {
            seconds: time / 1_000_000_000,
            nanoseconds: (time % 1_000_000_000) as u32,
        })),
        (false, true) => Ok(NewTimestamp::Now),
        (false, false) => Ok(NewTimestamp::NoChange),
    };
    Ok((
        one(atim, fstflags::ATIM, fstflags::ATIM_NOW)?,
        one(mtim, fstflags::MTIM, fstflags::MTIM_NOW)?,
    ))
}

impl WasiP1Ctx {
    /// The errno of a failed stream operation: closed is a broken pipe (what
    /// a POSIX write reports), a failure carries its filesystem code.
    fn stream_failure(&mut self, err: StreamError) -> Fail {
        match err {
            StreamError::Closed => Errno::Pipe.into(),
            StreamError::Trap(err) => err.into(),
            StreamError::LastOperationFailed(error) => {
                let mut host = self.host();
                let code = host.filesystem_error_code(&error);
                let dropped = host.error_drop(error);
                match (code, dropped) {
                    (Ok(code), Ok(())) => code.map_or(Errno::Io, Errno::from).into(),
                    (Err(err), _) | (_, Err(err)) => err.into(),
                }
            }
        }
    }

    /// `ino` of a descriptor: a keyed hash of its inode.
    pub(crate) fn ino(&mut self, fd: u32) -> P1Result<u64> {
        let key = self.inode_key.clone();
        Ok(self.descriptor(fd)?.metadata_hash(&key)?.lower)
    }
}

impl Guest<'_, '_> {
    pub(crate) fn fd_advise(
        &mut self,
        fd: u32,
        offset: u64,
        len: u64,
        advice: u32,
    ) -> P1Result<()> {
        let advice = match advice {
            0 => Advice::Normal,
            1 => Advice::Sequential,
            2 => Advice::Random,
            3 => Advice::WillNeed,
            4 => Advice::DontNeed,
            5 => Advice::NoReuse,
            _ => return Err(Errno::Inval.into()),
        };
        Ok(self
            .ctx()
            .file(fd)?
            .descriptor
            .advise(offset, len, advice)?)
    }

    /// WASI 0.2 has no `allocate`: `ENOTSUP` on files, as in wasmtime.
    pub(crate) fn fd_allocate(&mut self, fd: u32, _offset: u64, _len: u64) -> P1Result<()> {
        self.ctx().file(fd)?;
        Err(Errno::Notsup.into())
    }

    pub(crate) fn fd_close(&mut self, fd: u32) -> P1Result<()> {
        self.ctx().close(fd)
    }

    pub(crate) fn fd_datasync(&mut self, fd: u32) -> P1Result<()> {
        Ok(self.ctx().descriptor(fd)?.sync_data()?)
    }

    pub(crate) fn fd_sync(&mut self, fd: u32) -> P1Result<()> {
        Ok(self.ctx().descriptor(fd)?.sync()?)
    }

    pub(crate) fn fd_fdstat_get(&mut self, fd: u32, out: u32) -> P1Result<()> {
        let (ty, flags, base, inheriting) = match self.ctx().entry(fd)? {
            FdEntry::Stdin { terminal, .. } => (
                stdio_filetype(*terminal),
                0,
                rights::FD_READ | rights::POLL_FD_READWRITE,
                0,
            ),
            FdEntry::Output { terminal, .. } => (
                stdio_filetype(*terminal),
                0,
                rights::FD_WRITE | rights::POLL_FD_READWRITE,
                0,
            ),
            FdEntry::Dir(_) => (filetype::DIRECTORY, 0, rights::ALL, rights::ALL),
            FdEntry::File(file) => {
                let descriptor_flags = file.descriptor.get_flags()?;
                let ty = filetype_of(file.descriptor.get_type()?);
                let mut flags = if file.append { fdflags::APPEND } else { 0 };
                let mut base = rights::FILE;
                for (fdflag, flag) in SYNC_FLAGS {
                    if descriptor_flags.contains(flag) {
                        flags |= fdflag;
                    }
                }
                if !descriptor_flags.contains(DescriptorFlags::READ) {
                    base &= !rights::READING;
                }
                if !descriptor_flags.contains(DescriptorFlags::WRITE) {
                    base &= !rights::WRITING;
                }
                (ty, flags, base, 0)
            }
        };
        let mut record = [0; abi::FDSTAT_SIZE as usize];
        record[0] = ty;
        record[2..4].copy_from_slice(&flags.to_le_bytes());
        record[8..16].copy_from_slice(&base.to_le_bytes());
        record[16..24].copy_from_slice(&inheriting.to_le_bytes());
        self.write(out, &record)
    }

    /// Only `APPEND` (and `NONBLOCK`, which changes nothing: files never
    /// block) can change after opening; the sync flags are `EINVAL`.
    pub(crate) fn fd_fdstat_set_flags(&mut self, fd: u32, flags: u32) -> P1Result<()> {
        let file = match self.ctx().entry(fd)? {
            FdEntry::File(file) => file,
            _ => return Err(Errno::Badf.into()),
        };
        if flags & u32::from(fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC) != 0 || flags > 0xffff
        {
            return Err(Errno::Inval.into());
        }
        file.append = flags & u32::from(fdflags::APPEND) != 0;
        Ok(())
    }

    /// Rights are not tracked per fd (the grant decides): `ENOTSUP`, as in
    /// wasmtime.
    pub(crate) fn fd_fdstat_set_rights(
        &mut self,
        fd: u32,
        _base: u64,
        _inheriting: u64,
    ) -> P1Result<()> {
        self.ctx().entry(fd)?;
        Err(Errno::Notsup.into())
    }

    pub(crate) fn fd_filestat_get(&mut self, fd: u32, out: u32) -> P1Result<()> {
        let ctx = self.ctx();
        let record = match ctx.entry(fd)? {
            FdEntry::Stdin { terminal, .. } | FdEntry::Output { terminal, .. } => {
                let mut record = [0; abi::FILESTAT_SIZE as usize];
                record[16] = stdio_filetype(*terminal);
                record
            }
            FdEntry::File(_) | FdEntry::Dir(_) => {
                let stat = ctx.descriptor(fd)?.stat()?;
                filestat(&stat, ctx.ino(fd)?)
            }
        };
        self.write(out, &record)
    }

    pub(crate) fn fd_filestat_set_size(&mut self, fd: u32, size: u64) -> P1Result<()> {
        Ok(self.ctx().file(fd)?.descriptor.set_size(size)?)
    }

    pub(crate) fn fd_filestat_set_times(
        &mut self,
        fd: u32,
        atim: u64,
        mtim: u64,
        flags: u32,
    ) -> P1Result<()> {
        let (atime, mtime) = new_timestamps(atim, mtim, flags)?;
        Ok(self.ctx().descriptor(fd)?.set_times(atime, mtime)?)
    }

    pub(crate) fn fd_pread(
        &mut self,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nread: u32,
    ) -> P1Result<()> {
        let iovecs = self.iovecs(iovs, iovs_len)?;
        let capacity = self.capacity(&iovecs)?;
        let (data, _) = self.ctx().file(fd)?.descriptor.read(capacity, offset)?;
        self.scatter(&iovecs, &data)?;
        self.write_u32(nread, data.len() as u32)
    }

    pub(crate) fn fd_pwrite(
        &mut self,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nwritten: u32,
    ) -> P1Result<()> {
        let data = self.gather(iovs, iovs_len)?;
        let written = self.ctx().file(fd)?.descriptor.write(&data, offset)?;
        self.write_u32(nwritten, written as u32)
    }

    pub(crate) fn fd_prestat_get(&mut self, fd: u32, out: u32) -> P1Result<()> {
        let name_len = self.preopen_name(fd)?.len() as u32;
        // `$prestat`: tag 0 (`dir`) at 0, `pr_name_len` at 4.
        self.write_u32(out, 0)?;
        self.write_u32(out + 4, name_len)
    }

    /// Writes the name without a NUL; a buffer too small is `ENAMETOOLONG`.
    pub(crate) fn fd_prestat_dir_name(
        &mut self,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> P1Result<()> {
        let name = self.preopen_name(fd)?;
        if name.len() > path_len as usize {
            return Err(Errno::Nametoolong.into());
        }
        self.write(path, name.as_bytes())
    }

    fn preopen_name(&mut self, fd: u32) -> P1Result<String> {
        match self.ctx().entry(fd)? {
            FdEntry::Dir(dir) => dir.preopen.clone().ok_or(Errno::Badf.into()),
            _ => Err(Errno::Badf.into()),
        }
    }

    pub(crate) fn fd_read(
        &mut self,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nread: u32,
    ) -> P1Result<()> {
        let iovecs = self.iovecs(iovs, iovs_len)?;
        let capacity = self.capacity(&iovecs)?.min(MAX_CHUNK as u64);
        let ctx = self.ctx();
        let data = match ctx.entry(fd)? {
            FdEntry::Stdin { stream, .. } => {
                let stream: Resource<_> = stream.borrowed();
                match ctx.host().input_stream_blocking_read(&stream, capacity) {
                    Ok(data) => data,
                    // The end of input is a read of 0 bytes.
                    Err(StreamError::Closed) => Vec::new(),
                    Err(err) => return Err(ctx.stream_failure(err)),
                }
            }
            FdEntry::File(file) => {
                let (data, _) = file.descriptor.read(capacity, file.position)?;
                file.position += data.len() as u64;
                data
            }
            // What `read(2)` says of a directory (Rust std's `fs::read` shows it).
            FdEntry::Dir(_) => return Err(Errno::Isdir.into()),
            FdEntry::Output { .. } => return Err(Errno::Badf.into()),
        };
        self.scatter(&iovecs, &data)?;
        self.write_u32(nread, data.len() as u32)
    }

    pub(crate) fn fd_write(
        &mut self,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nwritten: u32,
    ) -> P1Result<()> {
        let data = self.gather(iovs, iovs_len)?;
        let ctx = self.ctx();
        let written = match ctx.entry(fd)? {
            FdEntry::Output { stream, .. } => {
                let stream: Resource<_> = stream.borrowed();
                if let Err(err) = ctx
                    .host()
                    .output_stream_blocking_write_and_flush(&stream, &data)
                {
                    return Err(ctx.stream_failure(err));
                }
                data.len() as u64
            }
            FdEntry::File(file) => {
                let position = if file.append {
                    file.descriptor.stat()?.size
                } else {
                    file.position
                };
                let written = file.descriptor.write(&data, position)?;
                file.position = position + written;
                written
            }
            FdEntry::Dir(_) => return Err(Errno::Isdir.into()),
            FdEntry::Stdin { .. } => return Err(Errno::Badf.into()),
        };
        self.write_u32(nwritten, written as u32)
    }

    /// Lists `.`, `..` and the entries as `$dirent` records from `cookie` on
    /// (a cookie is an index into that listing), filling `buf` and cutting
    /// the last record short as the witx asks: a full buffer tells the
    /// guest to call again.
    pub(crate) fn fd_readdir(
        &mut self,
        fd: u32,
        buf: u32,
        buf_len: u32,
        cookie: u64,
        bufused: u32,
    ) -> P1Result<()> {
        let listing = self.ctx().listing(fd)?;
        let mut out = Vec::new();
        for (index, (name, ty, ino)) in listing
            .into_iter()
            .enumerate()
            .skip(usize::try_from(cookie).unwrap_or(usize::MAX))
        {
            if out.len() >= buf_len as usize {
                break;
            }
            let mut record = [0; abi::DIRENT_SIZE];
            record[0..8].copy_from_slice(&(index as u64 + 1).to_le_bytes());
            record[8..16].copy_from_slice(&ino.to_le_bytes());
            record[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
            record[20] = ty;
            out.extend_from_slice(&record);
            out.extend_from_slice(name.as_bytes());
        }
        out.truncate(buf_len as usize);
        self.write(buf, &out)?;
        self.write_u32(bufused, out.len() as u32)
    }

    /// Moves `fd` to `to`, closing what `to` was; both must be open.
    pub(crate) fn fd_renumber(&mut self, fd: u32, to: u32) -> P1Result<()> {
        let ctx = self.ctx();
        ctx.entry(fd)?;
        ctx.entry(to)?;
        if fd == to {
            return Ok(());
        }
        let moved = ctx.fds[fd as usize].take();
        let replaced = std::mem::replace(&mut ctx.fds[to as usize], moved);
        match replaced {
            Some(entry) => Ok(ctx.release(entry)?),
            None => Ok(()),
        }
    }

    pub(crate) fn fd_seek(
        &mut self,
        fd: u32,
        offset: u64,
        whence: u32,
        newoffset: u32,
    ) -> P1Result<()> {
        let file = self.ctx().file(fd)?;
        let delta = offset as i64;
        let base = match u8::try_from(whence).map_err(|_| Errno::Inval)? {
            whence::SET => 0,
            whence::CUR => file.position,
            whence::END => file.descriptor.stat()?.size,
            _ => return Err(Errno::Inval.into()),
        };
        let position = base.checked_add_signed(delta).ok_or(Errno::Inval)?;
        file.position = position;
        self.write_u64(newoffset, position)
    }

    pub(crate) fn fd_tell(&mut self, fd: u32, out: u32) -> P1Result<()> {
        let position = self.ctx().file(fd)?.position;
        self.write_u64(out, position)
    }
}

impl WasiP1Ctx {
    /// `fd_readdir`'s listing: name, `$filetype` and keyed inode of `.`,
    /// `..` and each entry.
    fn listing(&mut self, fd: u32) -> P1Result<Vec<(String, u8, u64)>> {
        let key = self.inode_key.clone();
        let dir = self.dir(fd)?.clone();
        let own = dir.metadata_hash(&key)?.lower;
        // At a preopen's root `..` lies outside the grant: the root stands
        // for its own parent, as `/` does.
        let parent = dir
            .metadata_hash_at(PathFlags::empty(), "..", &key)
            .map_or(own, |hash| hash.lower);
        let mut listing = vec![
            (".".to_owned(), filetype::DIRECTORY, own),
            ("..".to_owned(), filetype::DIRECTORY, parent),
        ];
        let mut entries = dir.read_directory()?;
        while let Some(entry) = entries.read_directory_entry()? {
            let ino = dir
                .metadata_hash_at(PathFlags::empty(), &entry.name, &key)
                .map_or(0, |hash| hash.lower);
            listing.push((entry.name, filetype_of(entry.type_), ino));
        }
        Ok(listing)
    }
}
