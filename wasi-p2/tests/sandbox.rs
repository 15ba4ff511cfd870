//! The sandbox escape matrix: every case runs against a fresh tree, once
//! through `openat2(RESOLVE_BENEATH)` and once through the manual walk, and
//! must give the expected result without touching anything outside the
//! preopen.

mod common;

use common::Fixture;
use myrt_wasi_p2::ErrorCode::{self, *};
use myrt_wasi_p2::fs::{
    Descriptor, DescriptorFlags, DescriptorType, NewTimestamp, OpenFlags, PathFlags, PathResolution,
};

const FOLLOW: PathFlags = PathFlags::SYMLINK_FOLLOW;
const NOFOLLOW: PathFlags = PathFlags::empty();
const READ: DescriptorFlags = DescriptorFlags::READ;
const RW: DescriptorFlags = DescriptorFlags::READ.union(DescriptorFlags::WRITE);
const NONE: OpenFlags = OpenFlags::empty();
const CREATE: OpenFlags = OpenFlags::CREATE;
const DIR: OpenFlags = OpenFlags::DIRECTORY;

fn run(
    resolution: PathResolution,
    read_only: bool,
    op: impl FnOnce(&Descriptor) -> Result<(), ErrorCode>,
    expected: Result<(), ErrorCode>,
) {
    let fixture = Fixture::new();
    let before = fixture.snapshot_outside();
    let root = if read_only {
        fixture.read_only_preopen(resolution)
    } else {
        fixture.preopen(resolution)
    };
    assert_eq!(op(&root), expected);
    assert_eq!(
        fixture.snapshot_outside(),
        before,
        "something outside the preopen changed"
    );
}

fn open(
    d: &Descriptor,
    pf: PathFlags,
    path: &str,
    of: OpenFlags,
    flags: DescriptorFlags,
) -> Result<(), ErrorCode> {
    d.open_at(pf, path, of, flags).map(drop)
}

fn stat_type(
    d: &Descriptor,
    pf: PathFlags,
    path: &str,
    expected: DescriptorType,
) -> Result<(), ErrorCode> {
    assert_eq!(d.stat_at(pf, path)?.type_, expected);
    Ok(())
}

/// The `openat2` half of the matrix only means something if the kernel
/// has it (Linux 5.6+); otherwise `Auto` silently ran the manual walk.
#[test]
fn openat2_is_exercised() {
    let fixture = Fixture::new();
    let root = fixture.preopen(PathResolution::Auto);
    root.stat_at(FOLLOW, "file.txt").unwrap();
    assert!(
        PathResolution::openat2_in_use(),
        "openat2 is unavailable here: the openat2::* cases ran the manual walk"
    );
}

macro_rules! matrix {
    ($($name:ident $(($ro:ident))?: |$d:ident| $body:expr => $expected:expr;)*) => {
        mod openat2 {
            use super::*;
            $(#[test] fn $name() { run(PathResolution::Auto, matrix!(@ro $($ro)?), |$d| $body, $expected) })*
        }
        mod manual {
            use super::*;
            $(#[test] fn $name() { run(PathResolution::Manual, matrix!(@ro $($ro)?), |$d| $body, $expected) })*
        }
    };
    (@ro read_only) => { true };
    (@ro) => { false };
}

matrix! {
    // `..` and absolute paths
    dotdot: |d| open(d, FOLLOW, "..", NONE, READ) => Err(NotPermitted);
    dotdot_file: |d| open(d, FOLLOW, "../outside/secret.txt", NONE, READ) => Err(NotPermitted);
    dotdot_after_descent: |d| open(d, FOLLOW, "sub/../../outside/secret.txt", NONE, READ) => Err(NotPermitted);
    dotdot_deep: |d| open(d, FOLLOW, "sub/deeper/../../..", NONE, READ) => Err(NotPermitted);
    dotdot_with_dots: |d| open(d, FOLLOW, "sub/./.././../outside", NONE, READ) => Err(NotPermitted);
    dotdot_inside_ok: |d| open(d, FOLLOW, "sub/deeper/../../file.txt", NONE, READ) => Ok(());
    absolute: |d| open(d, FOLLOW, "/etc/passwd", NONE, READ) => Err(NotPermitted);
    absolute_stat: |d| d.stat_at(NOFOLLOW, "/").map(drop) => Err(NotPermitted);
    absolute_mkdir: |d| d.create_directory_at("/tmp/x") => Err(NotPermitted);
    empty_path: |d| open(d, FOLLOW, "", NONE, READ) => Err(NoEntry);

    // symlinks leading out
    absolute_symlink: |d| open(d, FOLLOW, "link_abs", NONE, READ) => Err(NotPermitted);
    absolute_symlink_dir: |d| open(d, FOLLOW, "link_abs_dir/secret.txt", NONE, READ) => Err(NotPermitted);
    absolute_symlink_stat: |d| d.stat_at(FOLLOW, "link_abs").map(drop) => Err(NotPermitted);
    absolute_symlink_own_stat: |d| stat_type(d, NOFOLLOW, "link_abs", DescriptorType::SymbolicLink) => Ok(());
    relative_symlink_out: |d| open(d, FOLLOW, "link_up", NONE, READ) => Err(NotPermitted);
    relative_symlink_dir_out: |d| open(d, FOLLOW, "link_up_dir/secret.txt", NONE, READ) => Err(NotPermitted);
    relative_symlink_dir_out_nofollow: |d| open(d, NOFOLLOW, "link_up_dir/secret.txt", NONE, READ) => Err(NotPermitted);
    symlink_chain_out: |d| open(d, FOLLOW, "chain1", NONE, READ) => Err(NotPermitted);
    symlink_to_dotdot_dotdot: |d| open(d, FOLLOW, "sub/link_escape/outside/secret.txt", NONE, READ) => Err(NotPermitted);
    symlink_to_parent_inside_ok: |d| open(d, FOLLOW, "sub/link_parent/file.txt", NONE, READ) => Ok(());
    symlink_dir_then_dotdot_out: |d| open(d, FOLLOW, "link_dir/../../outside", NONE, READ) => Err(NotPermitted);
    symlink_dir_then_dotdot_ok: |d| open(d, FOLLOW, "link_dir/../file.txt", NONE, READ) => Ok(());
    create_through_dangling_out: |d| open(d, FOLLOW, "dangling_out", CREATE, RW) => Err(NotPermitted);
    create_through_dir_link_out: |d| open(d, FOLLOW, "link_up_dir/newfile", CREATE, RW) => Err(NotPermitted);
    stat_at_through_link_out: |d| d.stat_at(NOFOLLOW, "link_up_dir/secret.txt").map(drop) => Err(NotPermitted);
    set_times_at_out: |d| d.set_times_at(FOLLOW, "link_up", NewTimestamp::Now, NewTimestamp::Now) => Err(NotPermitted);
    metadata_hash_at_out: |d| d.metadata_hash_at(FOLLOW, "link_abs", &std::hash::RandomState::new()).map(drop) => Err(NotPermitted);
    readlink_at_out: |d| d.readlink_at("link_up_dir/x").map(drop) => Err(NotPermitted);

    // loops and dangling links
    symlink_loop: |d| open(d, FOLLOW, "loop1", NONE, READ) => Err(Loop);
    symlink_self_loop: |d| d.stat_at(FOLLOW, "selfloop").map(drop) => Err(Loop);
    symlink_loop_as_dir: |d| open(d, FOLLOW, "loop1/x", NONE, READ) => Err(Loop);
    symlink_loop_nofollow_stat: |d| stat_type(d, NOFOLLOW, "loop1", DescriptorType::SymbolicLink) => Ok(());
    symlink_chain_too_long: |d| {
        // 45 links in a row, no cycle: past Linux's 40-link limit.
        for i in 0..45 {
            d.symlink_at(&format!("l{}", i + 1), &format!("l{i}"))?;
        }
        d.symlink_at("file.txt", "l45")?;
        open(d, FOLLOW, "l0", NONE, READ)
    } => Err(Loop);
    symlink_chain_within_limit: |d| {
        for i in 0..30 {
            d.symlink_at(&format!("l{}", i + 1), &format!("l{i}"))?;
        }
        d.symlink_at("file.txt", "l30")?;
        open(d, FOLLOW, "l0", NONE, READ)
    } => Ok(());
    // regression (found by tests/differential.rs): a `./` target mid-path
    // must not end the walk
    dot_slash_link_mid_path: |d| {
        d.symlink_at("./", "here")?;
        stat_type(d, NOFOLLOW, "here/link_abs", DescriptorType::SymbolicLink)?;
        d.stat_at(FOLLOW, "here/here/link_abs").map(drop)
    } => Err(NotPermitted);
    dangling: |d| open(d, FOLLOW, "dangling", NONE, READ) => Err(NoEntry);
    dangling_stat_nofollow: |d| stat_type(d, NOFOLLOW, "dangling", DescriptorType::SymbolicLink) => Ok(());
    dangling_trailing_slash: |d| d.stat_at(NOFOLLOW, "dangling/").map(drop) => Err(NoEntry);
    create_through_dangling_inside: |d| {
        open(d, FOLLOW, "dangling", CREATE, RW)?;
        stat_type(d, NOFOLLOW, "nonexistent", DescriptorType::RegularFile)
    } => Ok(());

    // trailing slashes (GHSA-vqjp-4c8c-hfgg)
    trailing_slash_on_file_link: |d| open(d, NOFOLLOW, "link_file/", NONE, READ) => Err(NotDirectory);
    trailing_slash_on_file_link_follow: |d| open(d, FOLLOW, "link_file/", NONE, READ) => Err(NotDirectory);
    trailing_slash_on_file_link_stat: |d| d.stat_at(NOFOLLOW, "link_file/").map(drop) => Err(NotDirectory);
    trailing_slash_on_file: |d| d.stat_at(NOFOLLOW, "file.txt/").map(drop) => Err(NotDirectory);
    trailing_slash_on_outside_dir_link: |d| d.stat_at(NOFOLLOW, "link_abs_dir/").map(drop) => Err(NotPermitted);
    trailing_slash_on_outside_dir_link_rel: |d| open(d, NOFOLLOW, "link_up_dir/", DIR, READ) => Err(NotPermitted);
    trailing_slash_on_dir_link_ok: |d| stat_type(d, NOFOLLOW, "link_dir/", DescriptorType::Directory) => Ok(());
    trailing_slash_create: |d| open(d, FOLLOW, "newfile/", CREATE, RW) => Err(IsDirectory);
    trailing_slash_unlink_file_link: |d| d.unlink_file_at("link_file/") => Err(NotDirectory);
    trailing_slash_rmdir_dir_link: |d| d.remove_directory_at("link_dir/") => Err(NotDirectory);
    trailing_slash_rmdir_out_link: |d| d.remove_directory_at("link_up_dir/") => Err(NotDirectory);
    trailing_slash_readlink: |d| d.readlink_at("link_up_dir/").map(drop) => Err(NotDirectory);
    trailing_slash_rename_file: |d| d.rename_at("file.txt/", d, "moved") => Err(NotDirectory);
    trailing_slash_rename_to: |d| d.rename_at("file.txt", d, "moved/") => Err(NotDirectory);
    trailing_slash_mkdir_on_outside_link: |d| d.create_directory_at("link_abs_dir/") => Err(Exist);
    trailing_slash_symlink_on_outside_link: |d| d.symlink_at("x", "link_abs_dir/") => Err(Exist);
    trailing_slash_rename_outside_link: |d| d.rename_at("link_abs_dir/", d, "moved") => Err(NotDirectory);
    trailing_slash_rename_dir_onto_outside_link: |d| d.rename_at("sub", d, "link_abs_dir/") => Err(NotDirectory);
    trailing_dot_on_outside_link: |d| d.stat_at(NOFOLLOW, "link_up_dir/.").map(drop) => Err(NotPermitted);
    trailing_dotdot_on_outside_link: |d| d.stat_at(NOFOLLOW, "link_abs_dir/..").map(drop) => Err(NotPermitted);
    set_times_on_outside_link_itself: |d| {
        d.set_times_at(NOFOLLOW, "link_abs", NewTimestamp::Now, NewTimestamp::Now)?;
        stat_type(d, NOFOLLOW, "link_abs", DescriptorType::SymbolicLink)
    } => Ok(());
    trailing_slash_symlink_new: |d| d.symlink_at("file.txt", "newlink/") => Err(NoEntry);
    trailing_slash_link_new: |d| d.link_at(NOFOLLOW, "file.txt", d, "newlink/") => Err(NoEntry);

    // the final symlink is not followed without symlink-follow
    nofollow_open_final_symlink: |d| open(d, NOFOLLOW, "link_file", NONE, READ) => Err(Loop);
    nofollow_open_final_abs_symlink: |d| open(d, NOFOLLOW, "link_abs", NONE, READ) => Err(Loop);
    nofollow_create_final_symlink: |d| open(d, NOFOLLOW, "dangling_out", CREATE, RW) => Err(Loop);
    nofollow_exclusive_on_symlink: |d| open(d, FOLLOW, "dangling_out", CREATE | OpenFlags::EXCLUSIVE, RW) => Err(Exist);
    nofollow_intermediate_followed: |d| open(d, NOFOLLOW, "link_dir/inner.txt", NONE, READ) => Ok(());
    nofollow_stat_is_link: |d| stat_type(d, NOFOLLOW, "link_file", DescriptorType::SymbolicLink) => Ok(());
    follow_stat_is_target: |d| stat_type(d, FOLLOW, "link_file", DescriptorType::RegularFile) => Ok(());

    // mutations aimed outside
    mkdir_out: |d| d.create_directory_at("../outside/newdir") => Err(NotPermitted);
    mkdir_through_link_out: |d| d.create_directory_at("link_abs_dir/newdir") => Err(NotPermitted);
    mkdir_dotdot: |d| d.create_directory_at("..") => Err(NotPermitted);
    mkdir_dot: |d| d.create_directory_at(".") => Err(Exist);
    rmdir_out: |d| d.remove_directory_at("link_up_dir/dir") => Err(NotPermitted);
    rmdir_dotdot: |d| d.remove_directory_at("sub/../..") => Err(NotPermitted);
    rmdir_dot: |d| d.remove_directory_at(".") => Err(Invalid);
    unlink_out: |d| d.unlink_file_at("../outside/secret.txt") => Err(NotPermitted);
    unlink_through_link_out: |d| d.unlink_file_at("link_up_dir/secret.txt") => Err(NotPermitted);
    unlink_link_itself_ok: |d| {
        d.unlink_file_at("link_abs")?;
        d.stat_at(NOFOLLOW, "link_abs").map(drop)
    } => Err(NoEntry);
    rename_to_out: |d| d.rename_at("file.txt", d, "../outside/stolen") => Err(NotPermitted);
    rename_to_link_out: |d| d.rename_at("file.txt", d, "link_up_dir/stolen") => Err(NotPermitted);
    rename_from_out: |d| d.rename_at("../outside/secret.txt", d, "got") => Err(NotPermitted);
    rename_from_link_out: |d| d.rename_at("link_abs_dir/secret.txt", d, "got") => Err(NotPermitted);
    rename_over_link_ok: |d| {
        d.rename_at("file.txt", d, "link_abs")?;
        stat_type(d, NOFOLLOW, "link_abs", DescriptorType::RegularFile)
    } => Ok(());
    link_to_out: |d| d.link_at(NOFOLLOW, "file.txt", d, "../outside/x") => Err(NotPermitted);
    link_from_out: |d| d.link_at(NOFOLLOW, "../outside/secret.txt", d, "x") => Err(NotPermitted);
    link_from_link_out: |d| d.link_at(NOFOLLOW, "link_up_dir/secret.txt", d, "x") => Err(NotPermitted);
    link_follow_refused: |d| d.link_at(FOLLOW, "link_abs", d, "x") => Err(Invalid);
    link_of_symlink_ok: |d| {
        // Links the symlink itself; following it still fails.
        d.link_at(NOFOLLOW, "link_abs", d, "x")?;
        open(d, FOLLOW, "x", NONE, READ)
    } => Err(NotPermitted);
    symlink_absolute_target: |d| d.symlink_at("/etc/passwd", "x") => Err(NotPermitted);
    symlink_target_above_root: |d| d.symlink_at("../outside", "x") => Err(NotPermitted);
    symlink_target_above_root_from_sub: |d| d.symlink_at("../../outside", "sub/x") => Err(NotPermitted);
    symlink_target_inside_ok: |d| {
        d.symlink_at("../file.txt", "sub/ok")?;
        stat_type(d, FOLLOW, "sub/ok", DescriptorType::RegularFile)
    } => Ok(());
    symlink_placed_out: |d| d.symlink_at("x", "../outside/x") => Err(NotPermitted);
    symlink_placed_through_link_out: |d| d.symlink_at("x", "link_abs_dir/x") => Err(NotPermitted);

    // odd bytes
    nul_in_path: |d| open(d, FOLLOW, "file.txt\0/../x", NONE, READ) => Err(IllegalByteSequence);
    nul_in_mkdir: |d| d.create_directory_at("a\0b") => Err(IllegalByteSequence);
    nul_in_symlink_target: |d| d.symlink_at("a\0b", "x") => Err(IllegalByteSequence);
    nul_in_rename: |d| d.rename_at("file.txt", d, "x\0") => Err(IllegalByteSequence);
    odd_names_ok: |d| {
        for name in ["new\nline", "tab\t", "\u{1}ctrl", "é ü", "back\\slash", "..."] {
            open(d, FOLLOW, name, CREATE, RW)?;
            stat_type(d, NOFOLLOW, name, DescriptorType::RegularFile)?;
        }
        Ok(())
    } => Ok(());
    name_too_long: |d| open(d, FOLLOW, &"x".repeat(300), CREATE, RW) => Err(NameTooLong);

    // read-only preopens
    ro_open_write(read_only): |d| open(d, FOLLOW, "file.txt", NONE, RW) => Err(NotPermitted);
    ro_create(read_only): |d| open(d, FOLLOW, "new", CREATE, READ) => Err(NotPermitted);
    ro_truncate(read_only): |d| open(d, FOLLOW, "file.txt", OpenFlags::TRUNCATE, READ) => Err(NotPermitted);
    ro_mkdir(read_only): |d| d.create_directory_at("new") => Err(NotPermitted);
    ro_rmdir(read_only): |d| d.remove_directory_at("sub/deeper") => Err(NotPermitted);
    ro_unlink(read_only): |d| d.unlink_file_at("file.txt") => Err(NotPermitted);
    ro_rename(read_only): |d| d.rename_at("file.txt", d, "x") => Err(NotPermitted);
    ro_symlink(read_only): |d| d.symlink_at("file.txt", "x") => Err(NotPermitted);
    ro_link(read_only): |d| d.link_at(NOFOLLOW, "file.txt", d, "x") => Err(NotPermitted);
    ro_set_times_at(read_only): |d| d.set_times_at(FOLLOW, "file.txt", NewTimestamp::Now, NewTimestamp::Now) => Err(NotPermitted);
    ro_subdir_stays_ro(read_only): |d| {
        let sub = d.open_at(NOFOLLOW, "sub", DIR, READ)?;
        sub.create_directory_at("x")
    } => Err(NotPermitted);
    ro_read_ok(read_only): |d| {
        let file = d.open_at(NOFOLLOW, "file.txt", NONE, READ)?;
        assert_eq!(file.read(100, 0)?.0, b"hello");
        file.write(b"x", 0).map(drop)
    } => Err(BadDescriptor);

    // a subdirectory descriptor is its own sandbox root for `..`, but
    // stays beneath the preopen for symlink creation
    subdir_dotdot: |d| {
        let sub = d.open_at(NOFOLLOW, "sub", DIR, READ)?;
        sub.open_at(FOLLOW, "../file.txt", NONE, READ).map(drop)
    } => Err(NotPermitted);
    subdir_symlink_to_parent_ok: |d| {
        let sub = d.open_at(NOFOLLOW, "sub", DIR, READ)?;
        sub.symlink_at("../file.txt", "up")
    } => Ok(());
}
