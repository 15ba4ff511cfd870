//! Error types: the WIT `error-code` enum, and the host-side failures that must
//! become traps rather than guest-visible results.

use rustix::io::Errno;

use crate::table::TableError;

/// `wasi:filesystem/types.error-code`, in WIT declaration order so that
/// `code as u8` is the canonical-ABI discriminant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ErrorCode {
    Access,
    WouldBlock,
    Already,
    BadDescriptor,
    Busy,
    Deadlock,
    Quota,
    Exist,
    FileTooLarge,
    IllegalByteSequence,
    InProgress,
    Interrupted,
    Invalid,
    Io,
    IsDirectory,
    Loop,
    TooManyLinks,
    MessageSize,
    NameTooLong,
    NoDevice,
    NoEntry,
    NoLock,
    InsufficientMemory,
    InsufficientSpace,
    NotDirectory,
    NotEmpty,
    NotRecoverable,
    Unsupported,
    NoTty,
    NoSuchDevice,
    Overflow,
    NotPermitted,
    Pipe,
    ReadOnly,
    InvalidSeek,
    TextFileBusy,
    CrossDevice,
}

impl ErrorCode {
    /// The WIT label, e.g. `not-permitted`.
    pub fn wit_name(self) -> &'static str {
        use ErrorCode::*;
        match self {
            Access => "access",
            WouldBlock => "would-block",
            Already => "already",
            BadDescriptor => "bad-descriptor",
            Busy => "busy",
            Deadlock => "deadlock",
            Quota => "quota",
            Exist => "exist",
            FileTooLarge => "file-too-large",
            IllegalByteSequence => "illegal-byte-sequence",
            InProgress => "in-progress",
            Interrupted => "interrupted",
            Invalid => "invalid",
            Io => "io",
            IsDirectory => "is-directory",
            Loop => "loop",
            TooManyLinks => "too-many-links",
            MessageSize => "message-size",
            NameTooLong => "name-too-long",
            NoDevice => "no-device",
            NoEntry => "no-entry",
            NoLock => "no-lock",
            InsufficientMemory => "insufficient-memory",
            InsufficientSpace => "insufficient-space",
            NotDirectory => "not-directory",
            NotEmpty => "not-empty",
            NotRecoverable => "not-recoverable",
            Unsupported => "unsupported",
            NoTty => "no-tty",
            NoSuchDevice => "no-such-device",
            Overflow => "overflow",
            NotPermitted => "not-permitted",
            Pipe => "pipe",
            ReadOnly => "read-only",
            InvalidSeek => "invalid-seek",
            TextFileBusy => "text-file-busy",
            CrossDevice => "cross-device",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.wit_name())
    }
}

impl std::error::Error for ErrorCode {}

impl From<Errno> for ErrorCode {
    /// Generic errno translation. Callers that give an errno a sandbox meaning
    /// (EXDEV from `RESOLVE_BENEATH` is an escape attempt, not a cross-device
    /// rename) translate it themselves before falling back to this.
    fn from(errno: Errno) -> Self {
        use ErrorCode::*;
        match errno {
            Errno::ACCESS => Access,
            Errno::AGAIN => WouldBlock,
            Errno::ALREADY => Already,
            Errno::BADF => BadDescriptor,
            Errno::BUSY => Busy,
            Errno::DEADLK => Deadlock,
            Errno::DQUOT => Quota,
            Errno::EXIST => Exist,
            Errno::FBIG => FileTooLarge,
            Errno::ILSEQ => IllegalByteSequence,
            Errno::INPROGRESS => InProgress,
            Errno::INTR => Interrupted,
            Errno::INVAL => Invalid,
            Errno::IO => Io,
            Errno::ISDIR => IsDirectory,
            Errno::LOOP => Loop,
            Errno::MLINK => TooManyLinks,
            Errno::MSGSIZE => MessageSize,
            Errno::NAMETOOLONG => NameTooLong,
            Errno::NODEV => NoDevice,
            Errno::NOENT => NoEntry,
            Errno::NOLCK => NoLock,
            Errno::NOMEM => InsufficientMemory,
            Errno::NOSPC => InsufficientSpace,
            Errno::NOTDIR => NotDirectory,
            Errno::NOTEMPTY => NotEmpty,
            Errno::NOTRECOVERABLE => NotRecoverable,
            Errno::NOTSUP => Unsupported,
            Errno::NOTTY => NoTty,
            Errno::NXIO => NoSuchDevice,
            Errno::OVERFLOW => Overflow,
            Errno::PERM => NotPermitted,
            Errno::PIPE => Pipe,
            Errno::ROFS => ReadOnly,
            Errno::SPIPE => InvalidSeek,
            Errno::TXTBSY => TextFileBusy,
            Errno::XDEV => CrossDevice,
            _ => Io,
        }
    }
}

impl From<std::io::Error> for ErrorCode {
    fn from(err: std::io::Error) -> Self {
        match err.raw_os_error() {
            Some(raw) => Errno::from_raw_os_error(raw).into(),
            None => ErrorCode::Io,
        }
    }
}

/// A failure that the guest cannot handle: the binding layer turns it into a
/// trap (or, for `Exit`, into the end of the guest with that status).
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("the guest exited with status {0}")]
    Exit(i32),
    #[error("`wasi:io/poll.poll` was called with an empty list: it would block forever")]
    EmptyPollList,
    #[error(
        "output-stream write of {requested} bytes exceeds the {permitted} bytes permitted by the last check-write"
    )]
    WriteNotPermitted { requested: u64, permitted: u64 },
    #[error("{what} of {requested} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        what: &'static str,
        requested: u64,
        limit: u64,
    },
}

/// Result of a `wasi:filesystem` call: either the guest-visible `error-code`
/// or a host failure that traps.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error("filesystem error: {0}")]
    Code(ErrorCode),
    #[error(transparent)]
    Trap(HostError),
}

pub type FsResult<T> = Result<T, FsError>;

impl From<ErrorCode> for FsError {
    fn from(code: ErrorCode) -> Self {
        FsError::Code(code)
    }
}

impl From<Errno> for FsError {
    fn from(errno: Errno) -> Self {
        FsError::Code(errno.into())
    }
}

impl From<TableError> for FsError {
    fn from(err: TableError) -> Self {
        FsError::Trap(HostError::Table(err))
    }
}

impl From<HostError> for FsError {
    fn from(err: HostError) -> Self {
        FsError::Trap(err)
    }
}
