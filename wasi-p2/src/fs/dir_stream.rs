//! `directory-entry-stream`: the entries of a directory, without `.` and `..`.

use rustix::fs::{AtFlags, Dir, FileType, statat};

use crate::error::ErrorCode;
use crate::fs::types::{DescriptorType, DirectoryEntry};

pub struct DirectoryEntryStream {
    dir: Dir,
}

impl DirectoryEntryStream {
    pub(crate) fn new(dir: Dir) -> Self {
        DirectoryEntryStream { dir }
    }

    /// `read-directory-entry`: `Ok(None)` at the end.
    pub fn read_directory_entry(&mut self) -> Result<Option<DirectoryEntry>, ErrorCode> {
        loop {
            let Some(entry) = self.dir.read() else {
                return Ok(None);
            };
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            let name = std::str::from_utf8(name)
                .map_err(|_| ErrorCode::IllegalByteSequence)?
                .to_owned();
            let type_ = match entry.file_type() {
                // Some filesystems leave d_type empty: ask the inode.
                FileType::Unknown => {
                    let fd = self.dir.fd()?;
                    let stat = statat(fd, name.as_str(), AtFlags::SYMLINK_NOFOLLOW)?;
                    FileType::from_raw_mode(stat.st_mode).into()
                }
                known => DescriptorType::from(known),
            };
            return Ok(Some(DirectoryEntry { type_, name }));
        }
    }
}
