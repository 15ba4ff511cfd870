//! A temp tree with a preopen `root/` next to an `outside/` it must never
//! reach, and a snapshot of everything outside the preopen.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use myrt_wasi_p2::fs::{Descriptor, DirPerms, FilePerms, PathResolution};
use myrt_wasi_p2::{Resource, ResourceTable, WasiCtx, WasiImpl};

pub struct Fixture {
    pub tmp: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let base = tmp.path();
        let outside = base.join("outside");
        let root = base.join("root");
        fs::create_dir_all(outside.join("dir")).unwrap();
        fs::write(outside.join("secret.txt"), "secret").unwrap();
        fs::create_dir_all(root.join("sub/deeper")).unwrap();
        fs::write(root.join("file.txt"), "hello").unwrap();
        fs::write(root.join("sub/inner.txt"), "inner").unwrap();
        let links: &[(&str, String)] = &[
            ("link_abs", outside.join("secret.txt").display().to_string()),
            ("link_abs_dir", outside.display().to_string()),
            ("link_up", "../outside/secret.txt".into()),
            ("link_up_dir", "../outside".into()),
            ("chain1", "chain2".into()),
            ("chain2", "sub/../../outside/secret.txt".into()),
            ("loop1", "loop2".into()),
            ("loop2", "loop1".into()),
            ("selfloop", "selfloop".into()),
            ("dangling", "nonexistent".into()),
            ("dangling_out", "../outside/newfile".into()),
            ("link_file", "file.txt".into()),
            ("link_dir", "sub".into()),
            ("sub/link_parent", "..".into()),
            ("sub/link_escape", "../..".into()),
            ("sub/link_sibling", "../file.txt".into()),
        ];
        for (name, target) in links {
            symlink(target, root.join(name)).unwrap();
        }
        Fixture { tmp }
    }

    pub fn root(&self) -> PathBuf {
        self.tmp.path().join("root")
    }

    pub fn outside(&self) -> PathBuf {
        self.tmp.path().join("outside")
    }

    pub fn preopen(&self, resolution: PathResolution) -> Descriptor {
        Descriptor::preopen(&self.root(), DirPerms::all(), FilePerms::all(), resolution).unwrap()
    }

    pub fn read_only_preopen(&self, resolution: PathResolution) -> Descriptor {
        Descriptor::preopen(&self.root(), DirPerms::READ, FilePerms::READ, resolution).unwrap()
    }

    /// Everything in the temp dir except the preopen itself.
    pub fn snapshot_outside(&self) -> BTreeMap<PathBuf, String> {
        let mut out = BTreeMap::new();
        snapshot(self.tmp.path(), self.tmp.path(), &self.root(), &mut out);
        out
    }

    /// A context with the root preopened as "/", plus its table and handle.
    pub fn wasi(&self, resolution: PathResolution) -> (WasiCtx, ResourceTable) {
        let ctx = WasiCtx::builder()
            .path_resolution(resolution)
            .preopened_dir(self.root(), "/", DirPerms::all(), FilePerms::all())
            .unwrap()
            .build();
        (ctx, ResourceTable::new())
    }
}

pub fn root_handle(ctx: &mut WasiCtx, table: &mut ResourceTable) -> Resource<Descriptor> {
    let mut dirs = WasiImpl::new(ctx, table).get_directories().unwrap();
    assert_eq!(dirs.len(), 1);
    dirs.remove(0).0
}

fn snapshot(base: &Path, dir: &Path, skip: &Path, out: &mut BTreeMap<PathBuf, String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path == skip {
            continue;
        }
        let rel = path.strip_prefix(base).unwrap().to_path_buf();
        let meta = fs::symlink_metadata(&path).unwrap();
        let summary = if meta.file_type().is_symlink() {
            format!("link -> {}", fs::read_link(&path).unwrap().display())
        } else if meta.is_dir() {
            snapshot(base, &path, skip, out);
            format!("dir mtime={:?}", meta.modified().unwrap())
        } else {
            format!(
                "file {:?} mtime={:?} nlink={}",
                fs::read(&path).unwrap(),
                meta.modified().unwrap(),
                std::os::unix::fs::MetadataExt::nlink(&meta)
            )
        };
        out.insert(rel, summary);
    }
}

impl Fixture {
    /// The preopen's tree: names, types, file contents and link targets
    /// (with this fixture's temp path replaced so two fixtures compare).
    pub fn tree(&self) -> BTreeMap<PathBuf, String> {
        let mut out = BTreeMap::new();
        tree(
            &self.root(),
            &self.root(),
            &self.tmp.path().display().to_string(),
            &mut out,
        );
        out
    }
}

fn tree(base: &Path, dir: &Path, tmp: &str, out: &mut BTreeMap<PathBuf, String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path.strip_prefix(base).unwrap().to_path_buf();
        let meta = fs::symlink_metadata(&path).unwrap();
        let summary = if meta.file_type().is_symlink() {
            format!("link -> {}", fs::read_link(&path).unwrap().display()).replace(tmp, "<tmp>")
        } else if meta.is_dir() {
            tree(base, &path, tmp, out);
            "dir".to_string()
        } else {
            format!("file {:?}", fs::read(&path).unwrap())
        };
        out.insert(rel, summary);
    }
}
