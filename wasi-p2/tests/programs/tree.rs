//! The host tree a program runs in: a preopened `sandbox/` next to canaries it must
//! never reach (`outside.txt`, `outside/canary.txt`), and a snapshot of everything
//! outside the sandbox to prove that nothing there changed or appeared.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub const CANARY: &str = "canary\n";

pub struct Tree {
    tmp: tempfile::TempDir,
}

impl Tree {
    /// An empty sandbox beside the canaries.
    pub fn new() -> std::io::Result<Tree> {
        let tmp = tempfile::tempdir()?;
        let base = tmp.path();
        fs::create_dir(base.join("sandbox"))?;
        fs::create_dir(base.join("outside"))?;
        fs::write(base.join("outside.txt"), CANARY)?;
        fs::write(base.join("outside").join("canary.txt"), CANARY)?;
        Ok(Tree { tmp })
    }

    /// The sandbox the `escape` guest expects (its doc comment lists the same names).
    pub fn with_escape_links() -> std::io::Result<Tree> {
        let tree = Tree::new()?;
        let sandbox = tree.sandbox();
        fs::write(sandbox.join("file.txt"), "inside\n")?;
        fs::create_dir(sandbox.join("subdir"))?;
        let links = [
            ("abs_link", tree.outside_file().display().to_string()),
            (
                "abs_dir_link",
                tree.base().join("outside").display().to_string(),
            ),
            ("rel_link", "../outside.txt".to_string()),
            ("rel_dir_link", "../outside".to_string()),
            ("loop_a", "loop_b".to_string()),
            ("loop_b", "loop_a".to_string()),
            ("self_loop", "self_loop".to_string()),
            ("dangling", "nowhere".to_string()),
            ("dangling_out", "../outside/new.txt".to_string()),
            ("file_link", "file.txt".to_string()),
            ("sub_link", "subdir".to_string()),
            ("dangling_dir_out", "../outside/newdir".to_string()),
            ("empty_out", "../outside/emptydir".to_string()),
            ("chain_link", "rel_link".to_string()),
            ("dotdot_link", "..".to_string()),
        ];
        fs::create_dir(tree.base().join("outside").join("emptydir"))?;
        for (name, target) in links {
            symlink(target, sandbox.join(name))?;
        }
        Ok(tree)
    }

    pub fn base(&self) -> &Path {
        self.tmp.path()
    }

    pub fn sandbox(&self) -> PathBuf {
        self.base().join("sandbox")
    }

    pub fn outside_file(&self) -> PathBuf {
        self.base().join("outside.txt")
    }

    /// Everything under the base except the sandbox's contents.
    pub fn snapshot_outside(&self) -> Snapshot {
        let mut entries = BTreeMap::new();
        record(self.base(), self.base(), &self.sandbox(), &mut entries);
        Snapshot(entries)
    }
}

/// Path (relative to the base) -> what is there.
#[derive(PartialEq, Eq, Debug)]
pub struct Snapshot(BTreeMap<PathBuf, Entry>);

#[derive(PartialEq, Eq, Debug)]
enum Entry {
    Dir,
    File {
        bytes: Vec<u8>,
        modified: Option<SystemTime>,
    },
    Symlink(PathBuf),
    Other,
    Unreadable(String),
}

fn record(base: &Path, path: &Path, sandbox: &Path, entries: &mut BTreeMap<PathBuf, Entry>) {
    let relative = path.strip_prefix(base).unwrap_or(path).to_path_buf();
    let entry = match fs::symlink_metadata(path) {
        Err(error) => Entry::Unreadable(error.to_string()),
        Ok(metadata) if metadata.is_symlink() => {
            Entry::Symlink(fs::read_link(path).unwrap_or_default())
        }
        Ok(metadata) if metadata.is_file() => Entry::File {
            bytes: fs::read(path).unwrap_or_default(),
            modified: metadata.modified().ok(),
        },
        Ok(metadata) if metadata.is_dir() => Entry::Dir,
        Ok(_) => Entry::Other,
    };
    let descend = matches!(entry, Entry::Dir) && path != sandbox;
    entries.insert(relative, entry);
    if descend && let Ok(children) = fs::read_dir(path) {
        for child in children.flatten() {
            record(base, &child.path(), sandbox, entries);
        }
    }
}

impl Snapshot {
    /// Lines describing what differs from `before` (empty if nothing).
    pub fn changes_since(&self, before: &Snapshot) -> Vec<String> {
        let mut changes = Vec::new();
        for (path, entry) in &before.0 {
            match self.0.get(path) {
                None => changes.push(format!("removed {}", path.display())),
                Some(now) if now != entry => changes.push(format!("changed {}", path.display())),
                Some(_) => {}
            }
        }
        for path in self.0.keys().filter(|path| !before.0.contains_key(*path)) {
            changes.push(format!("appeared {}", path.display()));
        }
        changes
    }
}
