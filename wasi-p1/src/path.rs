//! The `path_*` functions: each resolves its path beneath a directory fd
//! through `myrt_wasi_p2::fs::Descriptor`, which refuses absolute paths,
//! `..` above the preopen and symlinks leading out of it (`EPERM`), so
//! preview 1 guests get exactly the 0.2 sandbox.

use myrt_wasi_p2::fs::{Descriptor, DescriptorFlags, DescriptorType, OpenFlags, PathFlags};

use crate::P1Result;
use crate::abi::{Errno, LOOKUP_SYMLINK_FOLLOW, fdflags, oflags, rights};
use crate::ctx::{Dir, FdEntry, File};
use crate::fd::{SYNC_FLAGS, filestat, new_timestamps};
use crate::memory::Guest;

fn path_flags(lookup: u32) -> PathFlags {
    if lookup & LOOKUP_SYMLINK_FOLLOW != 0 {
        PathFlags::SYMLINK_FOLLOW
    } else {
        PathFlags::empty()
    }
}

fn open_flags(flags: u32) -> P1Result<OpenFlags> {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    let mut open = OpenFlags::empty();
    for (bit, flag) in [
        (oflags::CREAT, OpenFlags::CREATE),
        (oflags::DIRECTORY, OpenFlags::DIRECTORY),
        (oflags::EXCL, OpenFlags::EXCLUSIVE),
        (oflags::TRUNC, OpenFlags::TRUNCATE),
    ] {
        if flags & bit != 0 {
            open |= flag;
        }
    }
    Ok(open)
}

/// The access a `path_open` asks for: preview 1 says it with rights, 0.2
/// with read/write flags; the sync `$fdflags` carry over.
fn descriptor_flags(base: u64, fd_flags: u16) -> DescriptorFlags {
    let mut flags = DescriptorFlags::empty();
    flags.set(DescriptorFlags::READ, base & rights::READING != 0);
    flags.set(DescriptorFlags::WRITE, base & rights::WRITING != 0);
    for (bit, flag) in SYNC_FLAGS {
        if fd_flags & bit != 0 {
            flags |= flag;
        }
    }
    flags
}

impl Guest<'_, '_> {
    /// The directory of `fd` (a cheap clone: it shares the open directory)
    /// and the path argument.
    fn at(&mut self, fd: u32, path: u32, path_len: u32) -> P1Result<(Descriptor, String)> {
        let path = self.string(path, path_len)?;
        Ok((self.ctx().dir(fd)?.clone(), path))
    }

    pub(crate) fn path_create_directory(
        &mut self,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> P1Result<()> {
        let (dir, path) = self.at(fd, path, path_len)?;
        Ok(dir.create_directory_at(&path)?)
    }

    pub(crate) fn path_filestat_get(
        &mut self,
        fd: u32,
        flags: u32,
        path: u32,
        path_len: u32,
        out: u32,
    ) -> P1Result<()> {
        let (dir, path) = self.at(fd, path, path_len)?;
        let flags = path_flags(flags);
        let stat = dir.stat_at(flags, &path)?;
        let key = self.ctx().inode_key.clone();
        let ino = dir.metadata_hash_at(flags, &path, &key)?.lower;
        self.write(out, &filestat(&stat, ino))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_filestat_set_times(
        &mut self,
        fd: u32,
        flags: u32,
        path: u32,
        path_len: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> P1Result<()> {
        let (dir, path) = self.at(fd, path, path_len)?;
        let (atime, mtime) = new_timestamps(atim, mtim, fst_flags)?;
        Ok(dir.set_times_at(path_flags(flags), &path, atime, mtime)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_link(
        &mut self,
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_len: u32,
        new_fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> P1Result<()> {
        let (old_dir, old_path) = self.at(old_fd, old_path, old_len)?;
        let (new_dir, new_path) = self.at(new_fd, new_path, new_len)?;
        Ok(old_dir.link_at(path_flags(old_flags), &old_path, &new_dir, &new_path)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_open(
        &mut self,
        fd: u32,
        dirflags: u32,
        path: u32,
        path_len: u32,
        oflags: u32,
        base: u64,
        _inheriting: u64,
        fdflags: u32,
        out: u32,
    ) -> P1Result<()> {
        // Checked before anything is opened (or created).
        self.u32(out)?;
        let (dir, path) = self.at(fd, path, path_len)?;
        let fd_flags = u16::try_from(fdflags).map_err(|_| Errno::Inval)?;
        let open = open_flags(oflags)?;
        let flags = descriptor_flags(base, fd_flags);
        let opened = dir.open_at(path_flags(dirflags), &path, open, flags)?;
        let entry = if opened.get_type()? == DescriptorType::Directory {
            FdEntry::Dir(Dir {
                descriptor: opened,
                preopen: None,
            })
        } else {
            FdEntry::File(File {
                descriptor: opened,
                position: 0,
                append: fd_flags & fdflags::APPEND != 0,
            })
        };
        let new_fd = self.ctx().insert(entry)?;
        self.write_u32(out, new_fd)
    }

    /// Fills `buf` with the link's target, truncated to fit as POSIX
    /// `readlink` does (callers retry with a larger buffer when it is full).
    pub(crate) fn path_readlink(
        &mut self,
        fd: u32,
        path: u32,
        path_len: u32,
        buf: u32,
        buf_len: u32,
        bufused: u32,
    ) -> P1Result<()> {
        let (dir, path) = self.at(fd, path, path_len)?;
        let target = dir.readlink_at(&path)?;
        let bytes = &target.as_bytes()[..target.len().min(buf_len as usize)];
        self.write(buf, bytes)?;
        self.write_u32(bufused, bytes.len() as u32)
    }

    pub(crate) fn path_remove_directory(
        &mut self,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> P1Result<()> {
        let (dir, path) = self.at(fd, path, path_len)?;
        Ok(dir.remove_directory_at(&path)?)
    }

    pub(crate) fn path_rename(
        &mut self,
        fd: u32,
        old_path: u32,
        old_len: u32,
        new_fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> P1Result<()> {
        let (old_dir, old_path) = self.at(fd, old_path, old_len)?;
        let (new_dir, new_path) = self.at(new_fd, new_path, new_len)?;
        Ok(old_dir.rename_at(&old_path, &new_dir, &new_path)?)
    }

    pub(crate) fn path_symlink(
        &mut self,
        old_path: u32,
        old_len: u32,
        fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> P1Result<()> {
        let target = self.string(old_path, old_len)?;
        let (dir, new_path) = self.at(fd, new_path, new_len)?;
        Ok(dir.symlink_at(&target, &new_path)?)
    }

    pub(crate) fn path_unlink_file(&mut self, fd: u32, path: u32, path_len: u32) -> P1Result<()> {
        let (dir, path) = self.at(fd, path, path_len)?;
        Ok(dir.unlink_file_at(&path)?)
    }
}
