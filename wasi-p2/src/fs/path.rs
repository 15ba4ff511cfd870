//! Lexical checks and splitting of guest paths, before any syscall sees them.

use crate::error::ErrorCode;

/// Rejects what no resolution may accept: NUL bytes (they would truncate the
/// C string the kernel sees), empty paths and absolute paths (a descriptor
/// only grants what lies beneath it).
pub(crate) fn validate(path: &str) -> Result<(), ErrorCode> {
    if path.contains('\0') {
        return Err(ErrorCode::IllegalByteSequence);
    }
    if path.is_empty() {
        return Err(ErrorCode::NoEntry);
    }
    if path.starts_with('/') {
        return Err(ErrorCode::NotPermitted);
    }
    Ok(())
}

/// A path split into the directory that holds its final component and that
/// component's name, for the calls that act on a name in a directory
/// (`mkdirat`, `unlinkat`, `renameat`, ...) rather than on what it names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SplitPath<'a> {
    /// Resolved (symlinks followed, beneath the root) to a directory.
    pub parent: &'a str,
    /// A single component without slashes; never followed if a symlink.
    pub name: &'a str,
    /// The path ended in `/`. The kernel would follow a final symlink then,
    /// possibly out of the sandbox, so the slash is stripped from `name` and
    /// its "must be a directory" meaning is enforced by the caller instead.
    pub trailing_slash: bool,
}

pub(crate) fn split_final(path: &str) -> Result<SplitPath<'_>, ErrorCode> {
    validate(path)?;
    let trimmed = path.trim_end_matches('/');
    let trailing_slash = trimmed.len() < path.len();
    let (parent, name) = trimmed.rsplit_once('/').unwrap_or(("", trimmed));
    if name == "." || name == ".." {
        // `a/..` names a directory that is an ancestor of `a` or `a` itself:
        // resolve all of it (which checks it stays beneath the root) and act
        // on ".", which every mutating syscall refuses without effect.
        return Ok(SplitPath {
            parent: trimmed,
            name: ".",
            trailing_slash: false,
        });
    }
    Ok(SplitPath {
        parent,
        name,
        trailing_slash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        let s = split_final("a/b/c").unwrap();
        assert_eq!((s.parent, s.name, s.trailing_slash), ("a/b", "c", false));
        let s = split_final("c//").unwrap();
        assert_eq!((s.parent, s.name, s.trailing_slash), ("", "c", true));
        let s = split_final("a/..").unwrap();
        assert_eq!((s.parent, s.name), ("a/..", "."));
        assert_eq!(split_final("/x"), Err(ErrorCode::NotPermitted));
        assert_eq!(split_final(""), Err(ErrorCode::NoEntry));
        assert_eq!(split_final("a\0b"), Err(ErrorCode::IllegalByteSequence));
    }
}
