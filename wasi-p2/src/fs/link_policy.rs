//! The policy `symlink-at` applies to link targets: resolution already
//! refuses to follow links out of a preopen, and refusing to *create* links
//! that point out keeps the tree free of links that would mislead the host
//! or another guest sharing the directory.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::fs::{Mode, OFlags, fstat, openat};

use crate::error::ErrorCode;
use crate::fs::convert::same_inode;

/// Bound on the `..` walk that measures how deep a directory is below its
/// preopen; deeper trees are refused rather than walked.
const MAX_DEPTH: usize = 4096;

/// How many directories `dir` lies below `root`, found by walking `..`;
/// `not-permitted` if the walk reaches the filesystem root first (the
/// directory was moved out of the preopen).
pub(crate) fn depth_below(dir: BorrowedFd<'_>, root: BorrowedFd<'_>) -> Result<usize, ErrorCode> {
    let root_stat = fstat(root)?;
    let mut current_stat = fstat(dir)?;
    let mut current: Option<OwnedFd> = None;
    for depth in 0..MAX_DEPTH {
        if same_inode(&current_stat, &root_stat) {
            return Ok(depth);
        }
        let here = current.as_ref().map_or(dir, |fd| fd.as_fd());
        let up = openat(
            here,
            "..",
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let up_stat = fstat(&up)?;
        if same_inode(&up_stat, &current_stat) {
            return Err(ErrorCode::NotPermitted);
        }
        current = Some(up);
        current_stat = up_stat;
    }
    Err(ErrorCode::NotPermitted)
}

/// Whether a relative symlink target, read from a directory `depth` levels
/// below the root, climbs above the root at any point.
pub(crate) fn target_rises_above(depth: usize, target: &str) -> bool {
    let mut level = depth;
    for component in target.split('/') {
        match component {
            "" | "." => {}
            ".." => match level.checked_sub(1) {
                Some(up) => level = up,
                None => return true,
            },
            _ => level += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::target_rises_above;

    #[test]
    fn lexical_escape() {
        assert!(target_rises_above(0, ".."));
        assert!(!target_rises_above(1, "../x"));
        assert!(target_rises_above(1, "a/../../../x"));
        assert!(!target_rises_above(0, "a/b/../c"));
    }
}
