//! Sandboxed path resolution: every path is resolved beneath a directory
//! descriptor, and nothing outside it is ever opened, created or followed.
//!
//! On Linux 5.6+ the kernel does this for us: `openat2` with
//! `RESOLVE_BENEATH` refuses absolute paths, `..` above the starting
//! directory and symlinks leading out (EXDEV), atomically.
//! Where `openat2` is missing (ENOSYS: old kernels, some seccomp profiles)
//! or when forced by [`PathResolution::Manual`], we walk the path one
//! component at a time with `O_NOFOLLOW`, read symlinks ourselves and splice
//! their targets into the remaining path, keeping a stack of the directories
//! we descended through so `..` can never rise above the root.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{Mode, OFlags, ResolveFlags, openat, openat2, readlinkat};
use rustix::io::Errno;

use crate::error::ErrorCode;
use crate::fs::path::{self, SplitPath};

/// Linux's own limit on symlinks followed in one resolution (MAXSYMLINKS).
const MAX_SYMLINKS: usize = 40;

/// `openat2` can fail with EAGAIN when a concurrent rename or mount races the
/// lookup; it is safe to retry.
const OPENAT2_RETRIES: usize = 8;

/// How `*-at` paths are resolved beneath their directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathResolution {
    /// `openat2(RESOLVE_BENEATH)` when the kernel has it, else `Manual`.
    #[default]
    Auto,
    /// Always the component-by-component walk (tests, or hosts that distrust
    /// the kernel's implementation).
    Manual,
}

/// Set once `openat2` returned ENOSYS: the process never asks again.
static OPENAT2_UNAVAILABLE: AtomicBool = AtomicBool::new(false);

impl PathResolution {
    /// Whether `Auto` still resolves with `openat2` (false once the kernel
    /// said ENOSYS).
    pub fn openat2_in_use() -> bool {
        !OPENAT2_UNAVAILABLE.load(Ordering::Relaxed)
    }
}

/// Opens `path` beneath `root` with `oflags` (plus O_CLOEXEC, and O_NOCTTY
/// unless O_PATH). `follow_final` decides whether a final symlink is
/// followed (still beneath `root`) or makes the open fail with `loop`
/// (with O_PATH, the link itself is opened instead, like the kernel does).
pub(crate) fn open_beneath(
    resolution: PathResolution,
    root: BorrowedFd<'_>,
    path: &str,
    oflags: OFlags,
    create_mode: Mode,
    follow_final: bool,
) -> Result<OwnedFd, ErrorCode> {
    path::validate(path)?;
    let mut oflags = oflags | OFlags::CLOEXEC;
    // openat2 rejects (EINVAL) flags that mean nothing for the open: O_PATH
    // takes no others, and a mode is only allowed with O_CREAT.
    if !oflags.contains(OFlags::PATH) {
        oflags |= OFlags::NOCTTY;
    }
    let create_mode = if oflags.contains(OFlags::CREATE) {
        create_mode
    } else {
        Mode::empty()
    };
    // O_CREAT|O_EXCL never follows a final symlink (it fails with EEXIST).
    let follow_final = follow_final && !oflags.contains(OFlags::CREATE | OFlags::EXCL);
    if !follow_final {
        oflags |= OFlags::NOFOLLOW;
    }
    if resolution == PathResolution::Auto && !OPENAT2_UNAVAILABLE.load(Ordering::Relaxed) {
        match open_with_openat2(root, path, oflags, create_mode) {
            Err(Openat2Failure::Unavailable) => OPENAT2_UNAVAILABLE.store(true, Ordering::Relaxed),
            // Old seccomp profiles deny unknown syscalls with EPERM. Let the
            // manual walk (just as confined) decide; if the EPERM was genuine
            // it reports it again.
            Err(Openat2Failure::Denied) => {}
            Err(Openat2Failure::Code(code)) => return Err(code),
            Ok(fd) => return Ok(fd),
        }
    }
    open_manually(root, path, oflags, create_mode, follow_final)
}

/// Opens the directory holding the final component of `path` (as an O_PATH
/// descriptor) and returns it with that component's name.
pub(crate) fn open_parent<'p>(
    resolution: PathResolution,
    root: BorrowedFd<'_>,
    path: &'p str,
) -> Result<(OwnedFd, SplitPath<'p>), ErrorCode> {
    let split = path::split_final(path)?;
    let parent_path = if split.parent.is_empty() {
        "."
    } else {
        split.parent
    };
    let parent = open_beneath(
        resolution,
        root,
        parent_path,
        OFlags::PATH | OFlags::DIRECTORY,
        Mode::empty(),
        true,
    )?;
    Ok((parent, split))
}

enum Openat2Failure {
    /// ENOSYS: the kernel predates openat2.
    Unavailable,
    /// EPERM: possibly a seccomp filter refusing the syscall itself.
    Denied,
    Code(ErrorCode),
}

fn open_with_openat2(
    root: BorrowedFd<'_>,
    path: &str,
    oflags: OFlags,
    create_mode: Mode,
) -> Result<OwnedFd, Openat2Failure> {
    let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
    let mut attempts = 0;
    loop {
        match openat2(root, path, oflags, create_mode, resolve) {
            Ok(fd) => return Ok(fd),
            Err(Errno::NOSYS) => return Err(Openat2Failure::Unavailable),
            Err(Errno::PERM) => return Err(Openat2Failure::Denied),
            Err(Errno::AGAIN) if attempts < OPENAT2_RETRIES => attempts += 1,
            Err(Errno::INTR) => {}
            // RESOLVE_BENEATH's way of saying "this would leave the root".
            Err(Errno::XDEV) => return Err(Openat2Failure::Code(ErrorCode::NotPermitted)),
            Err(errno) => return Err(Openat2Failure::Code(errno.into())),
        }
    }
}

/// The directories descended through, innermost last; empty means "at the
/// root". Popping on `..` is what keeps the walk beneath the root.
struct DirStack<'r> {
    root: BorrowedFd<'r>,
    below: Vec<OwnedFd>,
}

impl DirStack<'_> {
    fn current(&self) -> BorrowedFd<'_> {
        self.below.last().map_or(self.root, |fd| fd.as_fd())
    }
}

/// Remaining components, next one last (a stack, so a symlink's target can
/// be pushed in front of what follows it).
struct Pending {
    components: Vec<Vec<u8>>,
    /// The final component must be a directory: the path ended in `/` (or
    /// a final symlink's target did).
    dir_required: bool,
}

impl Pending {
    /// Pushes the components of `path` in front of what is pending. Empty
    /// and `.` components are dropped, except a `.` that ends the whole path,
    /// which (like the kernel's LAST_DOT) names the directory it is in.
    fn push_front(&mut self, path: &[u8]) {
        let at_end = self.components.is_empty();
        let mut components: Vec<&[u8]> = path
            .split(|b| *b == b'/')
            .filter(|c| !c.is_empty())
            .collect();
        let last_is_dot = at_end && components.last() == Some(&&b"."[..]);
        components.retain(|c| *c != b".");
        if last_is_dot {
            components.push(b".");
        }
        self.components
            .extend(components.into_iter().rev().map(<[u8]>::to_vec));
        if at_end && path.ends_with(b"/") {
            self.dir_required = true;
        }
    }
}

fn open_manually(
    root: BorrowedFd<'_>,
    path: &str,
    oflags: OFlags,
    create_mode: Mode,
    follow_final: bool,
) -> Result<OwnedFd, ErrorCode> {
    let mut dirs = DirStack {
        root,
        below: Vec::new(),
    };
    let mut pending = Pending {
        components: Vec::new(),
        dir_required: false,
    };
    pending.push_front(path.as_bytes());
    let mut symlinks_followed = 0;

    loop {
        let Some(name) = pending.components.pop() else {
            // Everything consumed (the path ended in `..`): the result is
            // the directory we stand in, which cannot be a symlink.
            return open_final(dirs.current(), b".", oflags, create_mode, true);
        };
        let is_final = pending.components.is_empty();
        if name == b"." {
            // `push_front` keeps a `.` only in final position.
            if is_final {
                return open_final(dirs.current(), b".", oflags, create_mode, true);
            }
            continue;
        }
        if name == b".." {
            if dirs.below.pop().is_none() {
                return Err(ErrorCode::NotPermitted);
            }
            continue;
        }
        if is_final && pending.dir_required && oflags.contains(OFlags::CREATE) {
            // The kernel refuses `open("x/", O_CREAT)` before looking at
            // `x`, even if it is a symlink: refuse just as early.
            return Err(ErrorCode::IsDirectory);
        }
        let follow = !is_final || follow_final || pending.dir_required;
        if follow {
            match readlinkat(dirs.current(), name.as_slice(), Vec::new()) {
                Ok(target) => {
                    symlinks_followed += 1;
                    if symlinks_followed > MAX_SYMLINKS {
                        return Err(ErrorCode::Loop);
                    }
                    let target = target.into_bytes();
                    if target.starts_with(b"/") {
                        return Err(ErrorCode::NotPermitted);
                    }
                    pending.push_front(&target);
                    continue;
                }
                // Not a symlink: descend or open it below.
                Err(Errno::INVAL) => {}
                // A missing final component may be about to be created.
                Err(Errno::NOENT) if is_final => {}
                Err(errno) => return Err(errno.into()),
            }
        }
        if is_final {
            return open_final(
                dirs.current(),
                &name,
                oflags,
                create_mode,
                pending.dir_required,
            );
        }
        // O_NOFOLLOW|O_DIRECTORY: if the entry was swapped for a symlink since
        // readlinkat looked, this fails (ENOTDIR) instead of following it.
        let next = openat(
            dirs.current(),
            name.as_slice(),
            OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        dirs.below.push(next);
    }
}

fn open_final(
    dir: BorrowedFd<'_>,
    name: &[u8],
    mut oflags: OFlags,
    create_mode: Mode,
    dir_required: bool,
) -> Result<OwnedFd, ErrorCode> {
    if dir_required {
        // What the kernel answers for `open("x/", O_CREAT)`, kept identical
        // so both resolutions agree.
        if oflags.contains(OFlags::CREATE) {
            return Err(ErrorCode::IsDirectory);
        }
        oflags |= OFlags::DIRECTORY;
    }
    // Symlinks were already followed above when wanted; whatever is here now
    // must not be followed by the kernel.
    Ok(openat(dir, name, oflags | OFlags::NOFOLLOW, create_mode)?)
}
