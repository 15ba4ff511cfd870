//! The numbers and record layouts of `wasi_snapshot_preview1` as the witx
//! (`typenames.witx`) defines them: errno values, flag bits, and the byte
//! offsets of the records the host reads or writes in guest memory.

use myrt_wasi_p2::ErrorCode;

macro_rules! errnos {
    ($($name:ident = $value:literal,)*) => {
        /// `$errno`: every value of the witx enum, so any errno the host
        /// produces has its preview 1 number.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u16)]
        pub enum Errno {
            $($name = $value,)*
        }
    };
}

errnos! {
    Success = 0, TooBig = 1, Acces = 2, Addrinuse = 3, Addrnotavail = 4, Afnosupport = 5,
    Again = 6, Already = 7, Badf = 8, Badmsg = 9, Busy = 10, Canceled = 11, Child = 12,
    Connaborted = 13, Connrefused = 14, Connreset = 15, Deadlk = 16, Destaddrreq = 17,
    Dom = 18, Dquot = 19, Exist = 20, Fault = 21, Fbig = 22, Hostunreach = 23, Idrm = 24,
    Ilseq = 25, Inprogress = 26, Intr = 27, Inval = 28, Io = 29, Isconn = 30, Isdir = 31,
    Loop = 32, Mfile = 33, Mlink = 34, Msgsize = 35, Multihop = 36, Nametoolong = 37,
    Netdown = 38, Netreset = 39, Netunreach = 40, Nfile = 41, Nobufs = 42, Nodev = 43,
    Noent = 44, Noexec = 45, Nolck = 46, Nolink = 47, Nomem = 48, Nomsg = 49,
    Noprotoopt = 50, Nospc = 51, Nosys = 52, Notconn = 53, Notdir = 54, Notempty = 55,
    Notrecoverable = 56, Notsock = 57, Notsup = 58, Notty = 59, Nxio = 60, Overflow = 61,
    Ownerdead = 62, Perm = 63, Pipe = 64, Proto = 65, Protonosupport = 66, Prototype = 67,
    Range = 68, Rofs = 69, Spipe = 70, Srch = 71, Stale = 72, Timedout = 73, Txtbsy = 74,
    Xdev = 75, Notcapable = 76,
}

impl From<ErrorCode> for Errno {
    fn from(code: ErrorCode) -> Errno {
        use ErrorCode::*;
        match code {
            Access => Errno::Acces,
            WouldBlock => Errno::Again,
            Already => Errno::Already,
            BadDescriptor => Errno::Badf,
            Busy => Errno::Busy,
            Deadlock => Errno::Deadlk,
            Quota => Errno::Dquot,
            Exist => Errno::Exist,
            FileTooLarge => Errno::Fbig,
            IllegalByteSequence => Errno::Ilseq,
            InProgress => Errno::Inprogress,
            Interrupted => Errno::Intr,
            Invalid => Errno::Inval,
            Io => Errno::Io,
            IsDirectory => Errno::Isdir,
            Loop => Errno::Loop,
            TooManyLinks => Errno::Mlink,
            MessageSize => Errno::Msgsize,
            NameTooLong => Errno::Nametoolong,
            NoDevice => Errno::Nodev,
            NoEntry => Errno::Noent,
            NoLock => Errno::Nolck,
            InsufficientMemory => Errno::Nomem,
            InsufficientSpace => Errno::Nospc,
            NotDirectory => Errno::Notdir,
            NotEmpty => Errno::Notempty,
            NotRecoverable => Errno::Notrecoverable,
            Unsupported => Errno::Notsup,
            NoTty => Errno::Notty,
            NoSuchDevice => Errno::Nxio,
            Overflow => Errno::Overflow,
            NotPermitted => Errno::Perm,
            Pipe => Errno::Pipe,
            ReadOnly => Errno::Rofs,
            InvalidSeek => Errno::Spipe,
            TextFileBusy => Errno::Txtbsy,
            CrossDevice => Errno::Xdev,
        }
    }
}

/// `$filetype`.
pub mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// `$fdflags`.
pub mod fdflags {
    pub const APPEND: u16 = 1 << 0;
    pub const DSYNC: u16 = 1 << 1;
    pub const RSYNC: u16 = 1 << 3;
    pub const SYNC: u16 = 1 << 4;
}

/// `$oflags`.
pub mod oflags {
    pub const CREAT: u16 = 1 << 0;
    pub const DIRECTORY: u16 = 1 << 1;
    pub const EXCL: u16 = 1 << 2;
    pub const TRUNC: u16 = 1 << 3;
}

/// `$lookupflags`.
pub const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

/// `$fstflags`.
pub mod fstflags {
    pub const ATIM: u16 = 1 << 0;
    pub const ATIM_NOW: u16 = 1 << 1;
    pub const MTIM: u16 = 1 << 2;
    pub const MTIM_NOW: u16 = 1 << 3;
}

/// `$rights`: bit positions in witx order (those the host reports by name).
pub mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    /// Every right of the witx (bits 0..=29).
    pub const ALL: u64 = (1 << 30) - 1;
    /// The rights that only make sense on a directory: `path_*` and
    /// `fd_readdir` (bits 9..=20 and 24..=26).
    pub const DIRECTORY_ONLY: u64 = ((1 << 21) - (1 << 9)) | (0b111 << 24);
    pub const FILE: u64 = ALL & !DIRECTORY_ONLY;
    /// Rights whose presence in `path_open` asks for a readable descriptor.
    pub const READING: u64 = FD_READ | FD_READDIR;
    /// Rights whose presence in `path_open` asks for a writable descriptor.
    pub const WRITING: u64 = FD_WRITE | FD_DATASYNC | FD_ALLOCATE | FD_FILESTAT_SET_SIZE;
}

/// `$whence`.
pub mod whence {
    pub const SET: u8 = 0;
    pub const CUR: u8 = 1;
    pub const END: u8 = 2;
}

/// `$clockid`.
pub mod clockid {
    pub const REALTIME: u32 = 0;
    pub const MONOTONIC: u32 = 1;
    pub const PROCESS_CPUTIME: u32 = 2;
    pub const THREAD_CPUTIME: u32 = 3;
}

/// `$eventtype`.
pub mod eventtype {
    pub const CLOCK: u8 = 0;
    pub const FD_READ: u8 = 1;
    pub const FD_WRITE: u8 = 2;
}

/// `$subclockflags`.
pub const SUBSCRIPTION_CLOCK_ABSTIME: u16 = 1;

/// `$iovec` / `$ciovec`: `buf: u32` at 0, `buf_len: u32` at 4.
pub const IOVEC_SIZE: u32 = 8;
/// `$fdstat`: filetype `u8` at 0, flags `u16` at 2, rights at 8 and 16.
pub const FDSTAT_SIZE: u32 = 24;
/// `$filestat`: dev 0, ino 8, filetype 16 (`u8`), nlink 24, size 32, atim 40,
/// mtim 48, ctim 56.
pub const FILESTAT_SIZE: u32 = 64;
/// `$dirent`: d_next 0, d_ino 8, d_namlen 16 (`u32`), d_type 20 (`u8`); the
/// name follows the record.
pub const DIRENT_SIZE: usize = 24;
/// `$subscription`: userdata 0, tag 8 (`u8`), then at 16 either
/// `clock {id: u32 @16, timeout: u64 @24, precision: u64 @32, flags: u16 @40}`
/// or `fd_readwrite {fd: u32 @16}`.
pub const SUBSCRIPTION_SIZE: u32 = 48;
/// `$event`: userdata 0, error 8 (`u16`), type 10 (`u8`),
/// `fd_readwrite {nbytes: u64 @16, flags: u16 @24}`.
pub const EVENT_SIZE: u32 = 32;
