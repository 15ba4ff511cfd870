//! Plain-Rust mirrors of the `wasi:filesystem/types` records, enums and
//! flags. Flag bits follow WIT declaration order, so `bits()` is the
//! canonical-ABI encoding.

use bitflags::bitflags;

use crate::clocks::Datetime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum DescriptorType {
    Unknown,
    BlockDevice,
    CharacterDevice,
    Directory,
    Fifo,
    SymbolicLink,
    RegularFile,
    Socket,
}

impl From<rustix::fs::FileType> for DescriptorType {
    fn from(ty: rustix::fs::FileType) -> Self {
        use rustix::fs::FileType;
        match ty {
            FileType::RegularFile => DescriptorType::RegularFile,
            FileType::Directory => DescriptorType::Directory,
            FileType::Symlink => DescriptorType::SymbolicLink,
            FileType::Fifo => DescriptorType::Fifo,
            FileType::Socket => DescriptorType::Socket,
            FileType::CharacterDevice => DescriptorType::CharacterDevice,
            FileType::BlockDevice => DescriptorType::BlockDevice,
            _ => DescriptorType::Unknown,
        }
    }
}

bitflags! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct DescriptorFlags: u8 {
        const READ = 1 << 0;
        const WRITE = 1 << 1;
        const FILE_INTEGRITY_SYNC = 1 << 2;
        const DATA_INTEGRITY_SYNC = 1 << 3;
        const REQUESTED_WRITE_SYNC = 1 << 4;
        const MUTATE_DIRECTORY = 1 << 5;
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct PathFlags: u8 {
        const SYMLINK_FOLLOW = 1 << 0;
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct OpenFlags: u8 {
        const CREATE = 1 << 0;
        const DIRECTORY = 1 << 1;
        const EXCLUSIVE = 1 << 2;
        const TRUNCATE = 1 << 3;
    }

    /// What a preopened directory lets the guest do to directories beneath
    /// it (host policy, not part of WIT).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct DirPerms: u8 {
        /// List, stat, open and read links.
        const READ = 1 << 0;
        /// Create, remove, rename, link, set times.
        const MUTATE = 1 << 1;
    }

    /// What a preopened directory lets the guest do to files beneath it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct FilePerms: u8 {
        const READ = 1 << 0;
        const WRITE = 1 << 1;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DescriptorStat {
    pub type_: DescriptorType,
    pub link_count: u64,
    pub size: u64,
    pub data_access_timestamp: Option<Datetime>,
    pub data_modification_timestamp: Option<Datetime>,
    pub status_change_timestamp: Option<Datetime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewTimestamp {
    NoChange,
    Now,
    Timestamp(Datetime),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub type_: DescriptorType,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Advice {
    Normal,
    Sequential,
    Random,
    WillNeed,
    DontNeed,
    NoReuse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MetadataHashValue {
    pub lower: u64,
    pub upper: u64,
}
