//! Attempts to reach outside the preopened directory. Every attempt prints
//! `label: ok <value>` or `label: err <ErrorKind> (os <errno>)`; the harness checks
//! that every escape failed and that the host tree outside the preopen is unchanged.
//!
//! argv[1]: guest path of the preopen (default `/sandbox`); argv[2]: host absolute path
//! of a file outside it (a guest cannot know it, but may guess it).
//! The harness prepares the preopen (see `programs.rs`): `file.txt`, `subdir/`, and the
//! symlinks `abs_link`, `abs_dir_link` (absolute, outside), `rel_link`, `rel_dir_link`
//! (relative, outside), `loop_a`/`loop_b`, `self_loop`, `dangling`, `dangling_out`
//! (to a missing file outside), `file_link` (-> file.txt), `sub_link` (-> subdir),
//! `dangling_dir_out` (-> ../outside/newdir), `empty_out` (-> ../outside/emptydir),
//! `chain_link` (-> rel_link), `dotdot_link` (-> ..).

#[path = "../transcript.rs"]
mod transcript;

use std::fs::{self, OpenOptions};
use std::path::PathBuf;

use transcript::{show, symlink};

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/sandbox".into()));
    let outside_host_path = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "/tmp/outside.txt".into());
    let at =
        |relative: &str| -> PathBuf { PathBuf::from(format!("{}/{relative}", root.display())) };
    let write_open = |path: PathBuf| {
        OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)
            .map(drop)
    };
    let create_open = |path: PathBuf| {
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map(drop)
    };

    // Plain `..` and absolute paths.
    show(
        "read <root>/../outside.txt",
        fs::read_to_string(at("../outside.txt")),
    );
    show(
        "read ../outside.txt (relative)",
        fs::read_to_string("../outside.txt"),
    );
    show("read /etc/passwd", fs::read_to_string("/etc/passwd"));
    show(
        "read host path of outside.txt",
        fs::read_to_string(&outside_host_path),
    );
    show(
        "read <root>/subdir/../../outside.txt",
        fs::read_to_string(at("subdir/../../outside.txt")),
    );
    show(
        "read <root>/./../outside.txt",
        fs::read_to_string(at("./../outside.txt")),
    );
    show("create <root>/../new.txt", create_open(at("../new.txt")));
    show(
        "create_dir <root>/../newdir",
        fs::create_dir(at("../newdir")),
    );
    show(
        "remove_file <root>/../outside.txt",
        fs::remove_file(at("../outside.txt")),
    );
    show("read_dir <root>/..", fs::read_dir(at("..")).map(|_| ()));

    // Absolute symlinks made by the host.
    show("read abs_link", fs::read_to_string(at("abs_link")));
    show("truncate abs_link", write_open(at("abs_link")));
    show(
        "metadata abs_link",
        fs::metadata(at("abs_link")).map(|m| m.len()),
    );
    show(
        "symlink_metadata abs_link",
        fs::symlink_metadata(at("abs_link")).map(|m| m.is_symlink()),
    );
    show(
        "read_link abs_link",
        fs::read_link(at("abs_link")).map(|_| "(target)"),
    );
    show(
        "read_dir abs_dir_link",
        fs::read_dir(at("abs_dir_link")).map(|_| ()),
    );
    show(
        "read abs_dir_link/canary.txt",
        fs::read_to_string(at("abs_dir_link/canary.txt")),
    );

    // Relative symlinks pointing outside.
    show("read rel_link", fs::read_to_string(at("rel_link")));
    show("truncate rel_link", write_open(at("rel_link")));
    show(
        "read rel_dir_link/canary.txt",
        fs::read_to_string(at("rel_dir_link/canary.txt")),
    );
    show(
        "create rel_dir_link/new.txt",
        create_open(at("rel_dir_link/new.txt")),
    );
    show(
        "read_dir rel_dir_link/",
        fs::read_dir(at("rel_dir_link/")).map(|_| ()),
    );
    show(
        "remove_file rel_dir_link/canary.txt",
        fs::remove_file(at("rel_dir_link/canary.txt")),
    );
    show(
        "create_dir rel_dir_link/newdir",
        fs::create_dir(at("rel_dir_link/newdir")),
    );

    // Loops and dangling links.
    show("read loop_a", fs::read_to_string(at("loop_a")));
    show("read self_loop", fs::read_to_string(at("self_loop")));
    show("read loop_a/x", fs::read_to_string(at("loop_a/x")));
    show("read dangling", fs::read_to_string(at("dangling")));
    show("create through dangling", create_open(at("dangling")));
    show(
        "create through dangling_out",
        create_open(at("dangling_out")),
    );
    show(
        "create_new through dangling_out",
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(at("dangling_out"))
            .map(drop),
    );

    // Trailing slashes.
    show("read file_link/", fs::read_to_string(at("file_link/")));
    show("read file_link/.", fs::read_to_string(at("file_link/.")));
    show("create file_link/", create_open(at("file_link/")));
    show("read rel_link/", fs::read_to_string(at("rel_link/")));
    show(
        "read abs_dir_link/",
        fs::read_dir(at("abs_dir_link/")).map(|_| ()),
    );
    show("read file.txt/", fs::read_to_string(at("file.txt/")));

    // Trailing slashes on symlinks that point outside (GHSA-vqjp-4c8c-hfgg's class):
    // a slash must not make the host follow the final link.
    show(
        "create_dir dangling_dir_out/",
        fs::create_dir(at("dangling_dir_out/")),
    );
    show("remove_dir empty_out/", fs::remove_dir(at("empty_out/")));
    show(
        "rename empty_out/ -> stolen_dir",
        fs::rename(at("empty_out/"), at("stolen_dir")),
    );
    show("remove_file rel_link/", fs::remove_file(at("rel_link/")));
    show(
        "rename file.txt -> dangling_out/",
        fs::rename(at("file.txt"), at("dangling_out/")),
    );
    show(
        "hard_link file.txt -> dangling_out/",
        fs::hard_link(at("file.txt"), at("dangling_out/")),
    );
    show(
        "symlink dangling_out/ -> x",
        symlink("x", at("dangling_out/")),
    );
    show("create dangling_out/", create_open(at("dangling_out/")));

    // Chains and `..` targets.
    show("read chain_link", fs::read_to_string(at("chain_link")));
    show(
        "read dotdot_link/outside.txt",
        fs::read_to_string(at("dotdot_link/outside.txt")),
    );
    show(
        "read_dir dotdot_link",
        fs::read_dir(at("dotdot_link")).map(|_| ()),
    );

    // `..` through symlinks.
    show(
        "read sub_link/../file.txt",
        fs::read_to_string(at("sub_link/../file.txt")),
    );
    show(
        "read sub_link/../../outside.txt",
        fs::read_to_string(at("sub_link/../../outside.txt")),
    );
    show(
        "read sub_link/../rel_link",
        fs::read_to_string(at("sub_link/../rel_link")),
    );

    // Symlinks the guest creates, then follows.
    show(
        "symlink made_rel -> ../outside.txt",
        symlink("../outside.txt", at("made_rel")),
    );
    show("read made_rel", fs::read_to_string(at("made_rel")));
    show("truncate made_rel", write_open(at("made_rel")));
    show(
        "symlink made_abs -> /etc/passwd",
        symlink("/etc/passwd", at("made_abs")),
    );
    show("read made_abs", fs::read_to_string(at("made_abs")));
    show(
        "symlink made_host -> host path",
        symlink(&outside_host_path, at("made_host")),
    );
    show("read made_host", fs::read_to_string(at("made_host")));
    show("create through made_host", create_open(at("made_host")));
    show(
        "symlink <root>/../made_link",
        symlink("x", at("../made_link")),
    );

    // Renames and hard links across the boundary.
    show(
        "rename file.txt -> ../x",
        fs::rename(at("file.txt"), at("../x")),
    );
    show(
        "rename file.txt -> rel_dir_link/x",
        fs::rename(at("file.txt"), at("rel_dir_link/x")),
    );
    show(
        "rename ../outside.txt -> stolen",
        fs::rename(at("../outside.txt"), at("stolen")),
    );
    show(
        "hard_link file.txt -> ../x",
        fs::hard_link(at("file.txt"), at("../x")),
    );
    show(
        "hard_link ../outside.txt -> stolen",
        fs::hard_link(at("../outside.txt"), at("stolen")),
    );
    show(
        "hard_link rel_dir_link/canary.txt -> stolen",
        fs::hard_link(at("rel_dir_link/canary.txt"), at("stolen")),
    );

    // Odd bytes in names.
    show(
        "read ..\\outside.txt",
        fs::read_to_string(at("..\\outside.txt")),
    );
    show(
        "read ..%2foutside.txt",
        fs::read_to_string(at("..%2foutside.txt")),
    );
    show("read with NUL", fs::read_to_string(at("..\0/outside.txt")));
    show(
        "create control chars (inside)",
        create_open(at("ctl\u{1}\u{7f}\u{e9}")),
    );
    show("create 300-byte name", create_open(at(&"n".repeat(300))));
    show(
        "read //..//outside.txt",
        fs::read_to_string(at("/..//outside.txt")),
    );

    // The inside file survived every attempt.
    show("read file.txt", fs::read_to_string(at("file.txt")));
}
