//! `wasi:filesystem/types.descriptor`: one open file or directory plus what
//! the guest may do with it. Every method maps one WIT function; paths go
//! through `resolve`, so nothing outside the preopen is reachable.

use std::hash::BuildHasher;
use std::num::NonZeroU64;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::sync::Arc;

use rustix::fs::{
    AtFlags, FileType, Mode, OFlags, fcntl_getfl, fcntl_setfl, fstat, linkat, mkdirat, readlinkat,
    renameat, statat, symlinkat, unlinkat, utimensat,
};
use rustix::io::{Errno, pread, pwrite};

use crate::error::ErrorCode;
use crate::fs::convert::{descriptor_stat, hash_stat, same_inode, timestamps};
use crate::fs::dir_stream::DirectoryEntryStream;
use crate::fs::file_streams::{FileInputStream, FileOutputStream, WritePosition};
use crate::fs::link_policy::{depth_below, target_rises_above};
use crate::fs::path::SplitPath;
use crate::fs::resolve::{PathResolution, open_beneath, open_parent};
use crate::fs::types::*;
use crate::io::streams::{InputStream, OutputStream, chunk_len};

/// `st_mode` bits for new files and directories; the process umask applies.
const NEW_FILE_MODE: Mode = Mode::from_raw_mode(0o666);
const NEW_DIR_MODE: Mode = Mode::from_raw_mode(0o777);

#[derive(Clone)]
pub struct Descriptor {
    /// Shared with the streams made from this descriptor, which may outlive it.
    fd: Arc<OwnedFd>,
    kind: Kind,
    flags: DescriptorFlags,
    resolution: PathResolution,
    /// The preopened directory this descriptor was reached from.
    root: Arc<OwnedFd>,
}

#[derive(Clone, Copy)]
enum Kind {
    Dir {
        perms: DirPerms,
        file_perms: FilePerms,
    },
    File {
        readable: bool,
        writable: bool,
        perms: FilePerms,
    },
}

impl Descriptor {
    /// Opens a host directory to hand to the guest as a preopen.
    pub fn preopen(
        host_path: &Path,
        perms: DirPerms,
        file_perms: FilePerms,
        resolution: PathResolution,
    ) -> std::io::Result<Descriptor> {
        let fd = rustix::fs::open(
            host_path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let fd = Arc::new(fd);
        Ok(Descriptor {
            root: fd.clone(),
            fd,
            kind: Kind::Dir { perms, file_perms },
            flags: DescriptorFlags::READ,
            resolution,
        })
    }

    fn dir(&self, needed: DirPerms) -> Result<(DirPerms, FilePerms), ErrorCode> {
        match self.kind {
            Kind::Dir { perms, file_perms } if perms.contains(needed) => Ok((perms, file_perms)),
            Kind::Dir { .. } => Err(ErrorCode::NotPermitted),
            Kind::File { .. } => Err(ErrorCode::NotDirectory),
        }
    }

    /// The open file, if this is one that was opened for reading (`write`
    /// false) or writing (`write` true).
    fn file(&self, write: bool) -> Result<BorrowedFd<'_>, ErrorCode> {
        match self.kind {
            Kind::File {
                readable, writable, ..
            } => {
                if (write && writable) || (!write && readable) {
                    Ok(self.fd.as_fd())
                } else {
                    Err(ErrorCode::BadDescriptor)
                }
            }
            Kind::Dir { .. } => Err(ErrorCode::IsDirectory),
        }
    }

    fn open_parent<'p>(&self, path: &'p str) -> Result<(OwnedFd, SplitPath<'p>), ErrorCode> {
        open_parent(self.resolution, self.fd.as_fd(), path)
    }

    fn open_path(
        &self,
        path_flags: PathFlags,
        path: &str,
        oflags: OFlags,
    ) -> Result<OwnedFd, ErrorCode> {
        let follow = path_flags.contains(PathFlags::SYMLINK_FOLLOW);
        open_beneath(
            self.resolution,
            self.fd.as_fd(),
            path,
            OFlags::PATH | oflags,
            Mode::empty(),
            follow,
        )
    }

    pub fn read_via_stream(&self, offset: u64) -> Result<InputStream, ErrorCode> {
        self.file(false)?;
        Ok(InputStream(Box::new(FileInputStream {
            fd: self.fd.clone(),
            position: offset,
        })))
    }

    pub fn write_via_stream(&self, offset: u64) -> Result<OutputStream, ErrorCode> {
        self.file(true)?;
        Ok(OutputStream::new(Box::new(FileOutputStream {
            fd: self.fd.clone(),
            position: WritePosition::At(offset),
        })))
    }

    pub fn append_via_stream(&self) -> Result<OutputStream, ErrorCode> {
        self.file(true)?;
        Ok(OutputStream::new(Box::new(FileOutputStream {
            fd: self.fd.clone(),
            position: WritePosition::Append,
        })))
    }

    pub fn advise(&self, offset: u64, length: u64, advice: Advice) -> Result<(), ErrorCode> {
        let fd = match self.kind {
            Kind::File { .. } => self.fd.as_fd(),
            Kind::Dir { .. } => return Err(ErrorCode::BadDescriptor),
        };
        let advice = match advice {
            Advice::Normal => rustix::fs::Advice::Normal,
            Advice::Sequential => rustix::fs::Advice::Sequential,
            Advice::Random => rustix::fs::Advice::Random,
            Advice::WillNeed => rustix::fs::Advice::WillNeed,
            Advice::DontNeed => rustix::fs::Advice::DontNeed,
            Advice::NoReuse => rustix::fs::Advice::NoReuse,
        };
        Ok(rustix::fs::fadvise(
            fd,
            offset,
            NonZeroU64::new(length),
            advice,
        )?)
    }

    pub fn sync_data(&self) -> Result<(), ErrorCode> {
        Ok(rustix::fs::fdatasync(&*self.fd)?)
    }

    pub fn sync(&self) -> Result<(), ErrorCode> {
        Ok(rustix::fs::fsync(&*self.fd)?)
    }

    pub fn get_flags(&self) -> Result<DescriptorFlags, ErrorCode> {
        Ok(match self.kind {
            Kind::Dir { perms, .. } => {
                let mut flags = DescriptorFlags::READ;
                flags.set(
                    DescriptorFlags::MUTATE_DIRECTORY,
                    perms.contains(DirPerms::MUTATE),
                );
                flags
            }
            Kind::File { .. } => self.flags,
        })
    }

    pub fn get_type(&self) -> Result<DescriptorType, ErrorCode> {
        Ok(FileType::from_raw_mode(fstat(&*self.fd)?.st_mode).into())
    }

    pub fn set_size(&self, size: u64) -> Result<(), ErrorCode> {
        Ok(rustix::fs::ftruncate(self.file(true)?, size)?)
    }

    pub fn set_times(&self, atime: NewTimestamp, mtime: NewTimestamp) -> Result<(), ErrorCode> {
        match self.kind {
            Kind::Dir { .. } => self.dir(DirPerms::MUTATE).map(drop)?,
            Kind::File { perms, .. } if !perms.contains(FilePerms::WRITE) => {
                return Err(ErrorCode::NotPermitted);
            }
            Kind::File { .. } => {}
        }
        Ok(rustix::fs::futimens(&*self.fd, &timestamps(atime, mtime)?)?)
    }

    /// `read`: up to `length` bytes at `offset`, and whether the end of the
    /// file was reached.
    pub fn read(&self, length: u64, offset: u64) -> Result<(Vec<u8>, bool), ErrorCode> {
        let fd = self.file(false)?;
        let wanted = chunk_len(length);
        let mut buffer = vec![0; wanted];
        let mut filled = 0;
        // Regular files return short reads only at the end; loop so a
        // signal or a pipe-like file does not fake an early end.
        while filled < wanted {
            match pread(
                fd,
                &mut buffer[filled..],
                offset.saturating_add(filled as u64),
            ) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(Errno::INTR) => continue,
                Err(errno) => return Err(errno.into()),
            }
        }
        buffer.truncate(filled);
        Ok((buffer, filled < wanted))
    }

    pub fn write(&self, buffer: &[u8], offset: u64) -> Result<u64, ErrorCode> {
        let fd = self.file(true)?;
        loop {
            match pwrite(fd, buffer, offset) {
                Ok(n) => return Ok(n as u64),
                Err(Errno::INTR) => continue,
                Err(errno) => return Err(errno.into()),
            }
        }
    }

    pub fn read_directory(&self) -> Result<DirectoryEntryStream, ErrorCode> {
        self.dir(DirPerms::READ)?;
        // `read_from` opens "." anew: each listing has its own position.
        Ok(DirectoryEntryStream::new(rustix::fs::Dir::read_from(
            &*self.fd,
        )?))
    }

    pub fn stat(&self) -> Result<DescriptorStat, ErrorCode> {
        Ok(descriptor_stat(&fstat(&*self.fd)?))
    }

    pub fn stat_at(&self, path_flags: PathFlags, path: &str) -> Result<DescriptorStat, ErrorCode> {
        self.dir(DirPerms::READ)?;
        let fd = self.open_path(path_flags, path, OFlags::empty())?;
        Ok(descriptor_stat(&fstat(&fd)?))
    }

    pub fn set_times_at(
        &self,
        path_flags: PathFlags,
        path: &str,
        atime: NewTimestamp,
        mtime: NewTimestamp,
    ) -> Result<(), ErrorCode> {
        self.dir(DirPerms::MUTATE)?;
        let times = timestamps(atime, mtime)?;
        // Resolve first (beneath the root), then change the inode we hold:
        // handing the path to utimensat would let the kernel follow links.
        let fd = self.open_path(path_flags, path, OFlags::empty())?;
        Ok(utimensat(
            &fd,
            "",
            &times,
            AtFlags::EMPTY_PATH | AtFlags::SYMLINK_NOFOLLOW,
        )?)
    }

    pub fn create_directory_at(&self, path: &str) -> Result<(), ErrorCode> {
        self.dir(DirPerms::MUTATE)?;
        let (parent, split) = self.open_parent(path)?;
        Ok(mkdirat(&parent, split.name, NEW_DIR_MODE)?)
    }

    pub fn remove_directory_at(&self, path: &str) -> Result<(), ErrorCode> {
        self.dir(DirPerms::MUTATE)?;
        let (parent, split) = self.open_parent(path)?;
        require_directory_if_slashed(&parent, &split)?;
        Ok(unlinkat(&parent, split.name, AtFlags::REMOVEDIR)?)
    }

    pub fn unlink_file_at(&self, path: &str) -> Result<(), ErrorCode> {
        self.dir(DirPerms::MUTATE)?;
        let (parent, split) = self.open_parent(path)?;
        require_directory_if_slashed(&parent, &split)?;
        Ok(unlinkat(&parent, split.name, AtFlags::empty())?)
    }

    pub fn readlink_at(&self, path: &str) -> Result<String, ErrorCode> {
        self.dir(DirPerms::READ)?;
        let (parent, split) = self.open_parent(path)?;
        require_directory_if_slashed(&parent, &split)?;
        let target = readlinkat(&parent, split.name, Vec::new())?;
        let target = target
            .into_string()
            .map_err(|_| ErrorCode::IllegalByteSequence)?;
        // An absolute target names a host path: revealing it would leak the
        // host's layout, and the guest could never follow it anyway (as
        // `symlink_at` refuses to create such links).
        if target.starts_with('/') {
            return Err(ErrorCode::NotPermitted);
        }
        Ok(target)
    }

    pub fn rename_at(
        &self,
        old_path: &str,
        new_descriptor: &Descriptor,
        new_path: &str,
    ) -> Result<(), ErrorCode> {
        self.dir(DirPerms::MUTATE)?;
        new_descriptor.dir(DirPerms::MUTATE)?;
        let (old_parent, old) = self.open_parent(old_path)?;
        let (new_parent, new) = new_descriptor.open_parent(new_path)?;
        if old.trailing_slash || new.trailing_slash {
            // `rename("x/", ..)` and `rename(.., "y/")` only move directories.
            let stat = statat(&old_parent, old.name, AtFlags::SYMLINK_NOFOLLOW)?;
            if FileType::from_raw_mode(stat.st_mode) != FileType::Directory {
                return Err(ErrorCode::NotDirectory);
            }
        }
        Ok(renameat(&old_parent, old.name, &new_parent, new.name)?)
    }

    /// `link-at`. Following a final symlink in `old-path` would need
    /// `linkat(AT_EMPTY_PATH)`, a privileged call: refused as `invalid`.
    pub fn link_at(
        &self,
        old_path_flags: PathFlags,
        old_path: &str,
        new_descriptor: &Descriptor,
        new_path: &str,
    ) -> Result<(), ErrorCode> {
        self.dir(DirPerms::MUTATE)?;
        new_descriptor.dir(DirPerms::MUTATE)?;
        if old_path_flags.contains(PathFlags::SYMLINK_FOLLOW) {
            return Err(ErrorCode::Invalid);
        }
        let (old_parent, old) = self.open_parent(old_path)?;
        require_directory_if_slashed(&old_parent, &old)?;
        let (new_parent, new) = new_descriptor.open_parent(new_path)?;
        refuse_slashed_new_name(&new_parent, &new)?;
        Ok(linkat(
            &old_parent,
            old.name,
            &new_parent,
            new.name,
            AtFlags::empty(),
        )?)
    }

    /// `symlink-at`: creates `new-path` pointing at `old-path`. Resolution
    /// already refuses to follow links out of the root; refusing to *create*
    /// absolute or escaping links as well keeps the tree free of links that
    /// would mislead the host or another guest.
    pub fn symlink_at(&self, old_path: &str, new_path: &str) -> Result<(), ErrorCode> {
        self.dir(DirPerms::MUTATE)?;
        if old_path.contains('\0') {
            return Err(ErrorCode::IllegalByteSequence);
        }
        if old_path.starts_with('/') {
            return Err(ErrorCode::NotPermitted);
        }
        let (parent, split) = self.open_parent(new_path)?;
        refuse_slashed_new_name(&parent, &split)?;
        let depth = depth_below(parent.as_fd(), self.root.as_fd())?;
        if target_rises_above(depth, old_path) {
            return Err(ErrorCode::NotPermitted);
        }
        Ok(symlinkat(old_path, &parent, split.name)?)
    }

    pub fn open_at(
        &self,
        path_flags: PathFlags,
        path: &str,
        open_flags: OpenFlags,
        flags: DescriptorFlags,
    ) -> Result<Descriptor, ErrorCode> {
        let (perms, file_perms) = self.dir(DirPerms::READ)?;
        let mutates = open_flags.intersects(OpenFlags::CREATE | OpenFlags::TRUNCATE)
            || flags.contains(DescriptorFlags::MUTATE_DIRECTORY);
        if mutates && !perms.contains(DirPerms::MUTATE) {
            return Err(ErrorCode::NotPermitted);
        }
        // O_TRUNC empties a file even when opened read-only: it is a write.
        let writes_file =
            flags.contains(DescriptorFlags::WRITE) || open_flags.contains(OpenFlags::TRUNCATE);
        if writes_file && !file_perms.contains(FilePerms::WRITE) {
            return Err(ErrorCode::NotPermitted);
        }
        let read = flags.contains(DescriptorFlags::READ);
        let write = flags.contains(DescriptorFlags::WRITE);
        let oflags = open_oflags(open_flags, flags);
        // O_NONBLOCK keeps opening a FIFO from hanging the host until a
        // writer appears; it is cleared again right after.
        let follow = path_flags.contains(PathFlags::SYMLINK_FOLLOW);
        let fd = open_beneath(
            self.resolution,
            self.fd.as_fd(),
            path,
            oflags | OFlags::NONBLOCK,
            NEW_FILE_MODE,
            follow,
        )?;
        fcntl_setfl(&fd, fcntl_getfl(&fd)? - OFlags::NONBLOCK)?;
        let kind = if FileType::from_raw_mode(fstat(&fd)?.st_mode) == FileType::Directory {
            Kind::Dir { perms, file_perms }
        } else {
            if read && !file_perms.contains(FilePerms::READ) {
                return Err(ErrorCode::NotPermitted);
            }
            Kind::File {
                readable: read,
                writable: write,
                perms: file_perms,
            }
        };
        Ok(Descriptor {
            fd: Arc::new(fd),
            kind,
            flags,
            resolution: self.resolution,
            root: self.root.clone(),
        })
    }

    pub fn is_same_object(&self, other: &Descriptor) -> bool {
        match (fstat(&*self.fd), fstat(&*other.fd)) {
            (Ok(a), Ok(b)) => same_inode(&a, &b),
            _ => false,
        }
    }

    /// `metadata-hash`: equal for the same inode, keyed by `key` so guests
    /// learn nothing about host inode numbers.
    pub fn metadata_hash(&self, key: &impl BuildHasher) -> Result<MetadataHashValue, ErrorCode> {
        Ok(hash_stat(&fstat(&*self.fd)?, key))
    }

    pub fn metadata_hash_at(
        &self,
        path_flags: PathFlags,
        path: &str,
        key: &impl BuildHasher,
    ) -> Result<MetadataHashValue, ErrorCode> {
        self.dir(DirPerms::READ)?;
        let fd = self.open_path(path_flags, path, OFlags::empty())?;
        Ok(hash_stat(&fstat(&fd)?, key))
    }
}

/// The `open(2)` flags for an `open-at` request (O_CLOEXEC, O_NOFOLLOW and
/// friends are the resolver's business).
fn open_oflags(open_flags: OpenFlags, flags: DescriptorFlags) -> OFlags {
    let read = flags.contains(DescriptorFlags::READ);
    let write = flags.contains(DescriptorFlags::WRITE);
    let mut oflags = match (read, write) {
        (true, true) => OFlags::RDWR,
        (false, true) => OFlags::WRONLY,
        _ => OFlags::RDONLY,
    };
    for (open_flag, oflag) in [
        (OpenFlags::CREATE, OFlags::CREATE),
        (OpenFlags::DIRECTORY, OFlags::DIRECTORY),
        (OpenFlags::EXCLUSIVE, OFlags::EXCL),
        (OpenFlags::TRUNCATE, OFlags::TRUNC),
    ] {
        if open_flags.contains(open_flag) {
            oflags |= oflag;
        }
    }
    for (flag, oflag) in [
        (DescriptorFlags::FILE_INTEGRITY_SYNC, OFlags::SYNC),
        (DescriptorFlags::DATA_INTEGRITY_SYNC, OFlags::DSYNC),
        (DescriptorFlags::REQUESTED_WRITE_SYNC, OFlags::RSYNC),
    ] {
        if flags.contains(flag) {
            oflags |= oflag;
        }
    }
    oflags
}

/// A trailing slash on a name we act on without following means "this must
/// be a directory" (the kernel would otherwise follow a final symlink).
fn require_directory_if_slashed(parent: &OwnedFd, split: &SplitPath<'_>) -> Result<(), ErrorCode> {
    if !split.trailing_slash {
        return Ok(());
    }
    let stat = statat(parent, split.name, AtFlags::SYMLINK_NOFOLLOW)?;
    if FileType::from_raw_mode(stat.st_mode) == FileType::Directory {
        Ok(())
    } else {
        Err(ErrorCode::NotDirectory)
    }
}

/// `symlink-at`/`link-at` create a non-directory: a new name ending in `/`
/// cannot be created (Linux answers the same way).
fn refuse_slashed_new_name(parent: &OwnedFd, split: &SplitPath<'_>) -> Result<(), ErrorCode> {
    if !split.trailing_slash {
        return Ok(());
    }
    match statat(parent, split.name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(_) => Err(ErrorCode::Exist),
        Err(Errno::NOENT) => Err(ErrorCode::NoEntry),
        Err(errno) => Err(errno.into()),
    }
}
