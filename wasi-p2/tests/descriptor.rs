//! Positive (and type-mismatch) tests for every `descriptor` function,
//! through the table-aware `WasiImpl` layer, under both path resolutions.

mod common;

use common::{Fixture, root_handle};
use myrt_wasi_p2::clocks::Datetime;
use myrt_wasi_p2::fs::*;
use myrt_wasi_p2::{ErrorCode, FsError, WasiImpl};

const MODES: [PathResolution; 2] = [PathResolution::Auto, PathResolution::Manual];
const FOLLOW: PathFlags = PathFlags::SYMLINK_FOLLOW;
const NOFOLLOW: PathFlags = PathFlags::empty();
const READ: DescriptorFlags = DescriptorFlags::READ;
const RW: DescriptorFlags = DescriptorFlags::READ.union(DescriptorFlags::WRITE);

fn code<T: std::fmt::Debug>(result: Result<T, FsError>) -> ErrorCode {
    match result {
        Err(FsError::Code(code)) => code,
        other => panic!("expected an error code, got {other:?}"),
    }
}

/// Runs `body` once per resolution mode against a fresh fixture.
fn each_mode(body: impl Fn(&Fixture, &mut WasiImpl<'_>, &myrt_wasi_p2::Resource<Descriptor>)) {
    for mode in MODES {
        let fixture = Fixture::new();
        let (mut ctx, mut table) = fixture.wasi(mode);
        let root = root_handle(&mut ctx, &mut table);
        let mut wasi = WasiImpl::new(&mut ctx, &mut table);
        body(&fixture, &mut wasi, &root);
    }
}

#[test]
fn preopens_are_listed_with_names() {
    each_mode(|_, wasi, root| {
        let dirs = wasi.get_directories().unwrap();
        assert_eq!(dirs[0].1, "/");
        assert!(wasi.descriptor_is_same_object(root, &dirs[0].0).unwrap());
        assert_eq!(
            wasi.descriptor_get_type(root).unwrap(),
            DescriptorType::Directory
        );
        assert_eq!(
            wasi.descriptor_get_flags(root).unwrap(),
            DescriptorFlags::READ | DescriptorFlags::MUTATE_DIRECTORY
        );
    });
}

#[test]
fn open_read_write_and_sizes() {
    each_mode(|fixture, wasi, root| {
        let f = wasi
            .descriptor_open_at(root, NOFOLLOW, "new.txt", OpenFlags::CREATE, RW)
            .unwrap();
        assert_eq!(
            wasi.descriptor_get_type(&f).unwrap(),
            DescriptorType::RegularFile
        );
        assert_eq!(wasi.descriptor_get_flags(&f).unwrap(), RW);
        assert_eq!(wasi.descriptor_write(&f, b"hello world", 0).unwrap(), 11);
        assert_eq!(wasi.descriptor_write(&f, b"W", 6).unwrap(), 1);
        assert_eq!(
            wasi.descriptor_read(&f, 5, 6).unwrap(),
            (b"World".to_vec(), false)
        );
        assert_eq!(
            wasi.descriptor_read(&f, 100, 6).unwrap(),
            (b"World".to_vec(), true)
        );
        assert_eq!(
            wasi.descriptor_read(&f, 10, 50).unwrap(),
            (Vec::new(), true)
        );
        wasi.descriptor_set_size(&f, 5).unwrap();
        assert_eq!(wasi.descriptor_stat(&f).unwrap().size, 5);
        wasi.descriptor_set_size(&f, 8).unwrap();
        assert_eq!(
            std::fs::read(fixture.root().join("new.txt")).unwrap(),
            b"hello\0\0\0"
        );
        wasi.descriptor_sync(&f).unwrap();
        wasi.descriptor_sync_data(&f).unwrap();
        wasi.descriptor_advise(&f, 0, 0, Advice::Sequential)
            .unwrap();
        wasi.descriptor_advise(&f, 0, 4, Advice::DontNeed).unwrap();
        assert_eq!(
            code(wasi.descriptor_advise(root, 0, 0, Advice::Normal)),
            ErrorCode::BadDescriptor
        );

        // exclusive create of an existing file, truncate
        assert_eq!(
            code(wasi.descriptor_open_at(
                root,
                NOFOLLOW,
                "new.txt",
                OpenFlags::CREATE | OpenFlags::EXCLUSIVE,
                RW
            )),
            ErrorCode::Exist
        );
        let t = wasi
            .descriptor_open_at(root, NOFOLLOW, "new.txt", OpenFlags::TRUNCATE, RW)
            .unwrap();
        assert_eq!(wasi.descriptor_stat(&t).unwrap().size, 0);

        // read-only file refuses writes; write-only refuses reads
        let r = wasi
            .descriptor_open_at(root, NOFOLLOW, "file.txt", OpenFlags::empty(), READ)
            .unwrap();
        assert_eq!(
            code(wasi.descriptor_write(&r, b"x", 0)),
            ErrorCode::BadDescriptor
        );
        assert_eq!(
            code(wasi.descriptor_set_size(&r, 0)),
            ErrorCode::BadDescriptor
        );
        let w = wasi
            .descriptor_open_at(
                root,
                NOFOLLOW,
                "file.txt",
                OpenFlags::empty(),
                DescriptorFlags::WRITE,
            )
            .unwrap();
        assert_eq!(
            code(wasi.descriptor_read(&w, 1, 0)),
            ErrorCode::BadDescriptor
        );

        // type mismatches
        assert_eq!(
            code(wasi.descriptor_read(root, 1, 0)),
            ErrorCode::IsDirectory
        );
        assert_eq!(
            code(wasi.descriptor_open_at(&r, NOFOLLOW, "x", OpenFlags::empty(), READ)),
            ErrorCode::NotDirectory
        );
        assert_eq!(
            code(wasi.descriptor_open_at(root, NOFOLLOW, "file.txt", OpenFlags::DIRECTORY, READ)),
            ErrorCode::NotDirectory
        );
        assert_eq!(
            code(wasi.descriptor_open_at(root, NOFOLLOW, "sub", OpenFlags::empty(), RW)),
            ErrorCode::IsDirectory
        );
        assert_eq!(
            code(wasi.descriptor_read_directory(&r)),
            ErrorCode::NotDirectory
        );
        assert_eq!(
            code(wasi.descriptor_open_at(root, NOFOLLOW, "missing", OpenFlags::empty(), READ)),
            ErrorCode::NoEntry
        );
    });
}

#[test]
fn streams_over_files() {
    each_mode(|fixture, wasi, root| {
        let f = wasi
            .descriptor_open_at(root, NOFOLLOW, "s.txt", OpenFlags::CREATE, RW)
            .unwrap();
        let out = wasi.descriptor_write_via_stream(&f, 0).unwrap();
        assert!(wasi.output_stream_check_write(&out).unwrap() > 0);
        wasi.output_stream_write(&out, b"abc").unwrap();
        wasi.output_stream_blocking_write_and_flush(&out, b"def")
            .unwrap();
        wasi.output_stream_write_zeroes(&out, 2).unwrap();
        wasi.output_stream_flush(&out).unwrap();
        wasi.output_stream_blocking_flush(&out).unwrap();
        let append = wasi.descriptor_append_via_stream(&f).unwrap();
        // writes need a permit from check-write
        assert!(matches!(
            wasi.output_stream_write(&append, b"!"),
            Err(myrt_wasi_p2::StreamError::Trap(
                myrt_wasi_p2::HostError::WriteNotPermitted { .. }
            ))
        ));
        wasi.output_stream_check_write(&append).unwrap();
        wasi.output_stream_write(&append, b"!").unwrap();
        wasi.output_stream_blocking_write_zeroes_and_flush(&append, 1)
            .unwrap();
        assert_eq!(
            std::fs::read(fixture.root().join("s.txt")).unwrap(),
            b"abcdef\0\0!\0"
        );

        let input = wasi.descriptor_read_via_stream(&f, 1).unwrap();
        assert_eq!(wasi.input_stream_read(&input, 2).unwrap(), b"bc");
        assert_eq!(wasi.input_stream_skip(&input, 3).unwrap(), 3);
        assert_eq!(
            wasi.input_stream_blocking_read(&input, 100).unwrap(),
            b"\0\0!\0"
        );
        assert!(matches!(
            wasi.input_stream_read(&input, 1),
            Err(myrt_wasi_p2::StreamError::Closed)
        ));
        assert!(matches!(
            wasi.input_stream_blocking_skip(&input, 1),
            Err(myrt_wasi_p2::StreamError::Closed)
        ));

        // splice file -> file
        let src = wasi.descriptor_read_via_stream(&f, 0).unwrap();
        let g = wasi
            .descriptor_open_at(root, NOFOLLOW, "copy.txt", OpenFlags::CREATE, RW)
            .unwrap();
        let dst = wasi.descriptor_write_via_stream(&g, 0).unwrap();
        assert_eq!(wasi.output_stream_splice(&dst, &src, 3).unwrap(), 3);
        assert_eq!(
            wasi.output_stream_blocking_splice(&dst, &src, 100).unwrap(),
            7
        );
        assert_eq!(
            std::fs::read(fixture.root().join("copy.txt")).unwrap(),
            b"abcdef\0\0!\0"
        );

        // pollables on file streams are ready; they pin their stream
        let p = wasi.input_stream_subscribe(&src).unwrap();
        assert!(wasi.pollable_ready(&p).unwrap());
        assert_eq!(wasi.poll(&[p.borrowed()]).unwrap(), vec![0]);
        assert!(
            wasi.input_stream_drop(src.borrowed()).is_err(),
            "a stream with a live pollable must not drop"
        );
        wasi.pollable_drop(p).unwrap();
        wasi.input_stream_drop(src).unwrap();

        // streams on the wrong kind of descriptor
        let r = wasi
            .descriptor_open_at(root, NOFOLLOW, "file.txt", OpenFlags::empty(), READ)
            .unwrap();
        assert_eq!(
            code(wasi.descriptor_write_via_stream(&r, 0)),
            ErrorCode::BadDescriptor
        );
        assert_eq!(
            code(wasi.descriptor_read_via_stream(root, 0)),
            ErrorCode::IsDirectory
        );
    });
}

#[test]
fn stream_errors_carry_filesystem_codes() {
    each_mode(|_, wasi, root| {
        // A write-only descriptor's fd cannot be read: the stream reports
        // last-operation-failed with an error resource mapping to bad-descriptor.
        let w = wasi
            .descriptor_open_at(
                root,
                NOFOLLOW,
                "file.txt",
                OpenFlags::empty(),
                DescriptorFlags::WRITE,
            )
            .unwrap();
        assert_eq!(
            code(wasi.descriptor_read_via_stream(&w, 0)),
            ErrorCode::BadDescriptor
        );
        let dir_fd = wasi
            .descriptor_open_at(root, NOFOLLOW, "sub", OpenFlags::DIRECTORY, READ)
            .unwrap();
        assert_eq!(
            code(wasi.descriptor_append_via_stream(&dir_fd)),
            ErrorCode::IsDirectory
        );
    });
}

#[test]
fn directories() {
    each_mode(|fixture, wasi, root| {
        wasi.descriptor_create_directory_at(root, "made").unwrap();
        wasi.descriptor_create_directory_at(root, "made/inner/")
            .unwrap();
        assert_eq!(
            code(wasi.descriptor_create_directory_at(root, "made")),
            ErrorCode::Exist
        );
        assert!(fixture.root().join("made/inner").is_dir());
        let made = wasi
            .descriptor_open_at(root, NOFOLLOW, "made", OpenFlags::DIRECTORY, READ)
            .unwrap();
        assert_eq!(
            wasi.descriptor_get_type(&made).unwrap(),
            DescriptorType::Directory
        );
        assert_eq!(
            code(wasi.descriptor_remove_directory_at(root, "made")),
            ErrorCode::NotEmpty
        );
        wasi.descriptor_remove_directory_at(&made, "inner").unwrap();
        wasi.descriptor_remove_directory_at(root, "made/").unwrap();
        assert!(!fixture.root().join("made").exists());
        assert_eq!(
            code(wasi.descriptor_remove_directory_at(root, "file.txt")),
            ErrorCode::NotDirectory
        );
        assert_eq!(
            code(wasi.descriptor_unlink_file_at(root, "sub")),
            ErrorCode::IsDirectory
        );

        let listing = wasi.descriptor_read_directory(root).unwrap();
        let mut entries = Vec::new();
        while let Some(entry) = wasi.directory_entry_stream_read(&listing).unwrap() {
            entries.push((entry.name, entry.type_));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "chain1",
                "chain2",
                "dangling",
                "dangling_out",
                "file.txt",
                "link_abs",
                "link_abs_dir",
                "link_dir",
                "link_file",
                "link_up",
                "link_up_dir",
                "loop1",
                "loop2",
                "selfloop",
                "sub"
            ]
        );
        assert!(entries.contains(&("sub".into(), DescriptorType::Directory)));
        assert!(entries.contains(&("file.txt".into(), DescriptorType::RegularFile)));
        assert!(entries.contains(&("link_dir".into(), DescriptorType::SymbolicLink)));
        // the end is sticky
        assert_eq!(wasi.directory_entry_stream_read(&listing).unwrap(), None);
        wasi.directory_entry_stream_drop(listing).unwrap();
    });
}

#[test]
fn non_utf8_directory_entry_is_reported() {
    use std::os::unix::ffi::OsStrExt;
    each_mode(|fixture, wasi, root| {
        std::fs::write(
            fixture
                .root()
                .join("sub")
                .join(std::ffi::OsStr::from_bytes(b"bad\xff")),
            "",
        )
        .unwrap();
        let sub = wasi
            .descriptor_open_at(root, NOFOLLOW, "sub", OpenFlags::DIRECTORY, READ)
            .unwrap();
        let listing = wasi.descriptor_read_directory(&sub).unwrap();
        let mut saw_error = false;
        loop {
            match wasi.directory_entry_stream_read(&listing) {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(err) => {
                    assert_eq!(code::<()>(Err(err)), ErrorCode::IllegalByteSequence);
                    saw_error = true;
                }
            }
        }
        assert!(saw_error);
    });
}

#[test]
fn stat_and_times() {
    each_mode(|_, wasi, root| {
        let stat = wasi.descriptor_stat_at(root, NOFOLLOW, "file.txt").unwrap();
        assert_eq!(
            (stat.type_, stat.size, stat.link_count),
            (DescriptorType::RegularFile, 5, 1)
        );
        assert!(stat.data_modification_timestamp.is_some());

        let when = Datetime {
            seconds: 1_000_000_000,
            nanoseconds: 123,
        };
        wasi.descriptor_set_times_at(
            root,
            FOLLOW,
            "link_file",
            NewTimestamp::Timestamp(when),
            NewTimestamp::NoChange,
        )
        .unwrap();
        let stat = wasi.descriptor_stat_at(root, FOLLOW, "link_file").unwrap();
        assert_eq!(stat.data_access_timestamp, Some(when));
        assert_ne!(stat.data_modification_timestamp, Some(when));

        // without follow, the link's own times change, not the target's
        let link_when = Datetime {
            seconds: 500_000_000,
            nanoseconds: 0,
        };
        wasi.descriptor_set_times_at(
            root,
            NOFOLLOW,
            "link_file",
            NewTimestamp::NoChange,
            NewTimestamp::Timestamp(link_when),
        )
        .unwrap();
        assert_eq!(
            wasi.descriptor_stat_at(root, NOFOLLOW, "link_file")
                .unwrap()
                .data_modification_timestamp,
            Some(link_when)
        );
        assert_ne!(
            wasi.descriptor_stat_at(root, FOLLOW, "link_file")
                .unwrap()
                .data_modification_timestamp,
            Some(link_when)
        );

        let f = wasi
            .descriptor_open_at(root, NOFOLLOW, "file.txt", OpenFlags::empty(), RW)
            .unwrap();
        wasi.descriptor_set_times(&f, NewTimestamp::NoChange, NewTimestamp::Timestamp(when))
            .unwrap();
        assert_eq!(
            wasi.descriptor_stat(&f)
                .unwrap()
                .data_modification_timestamp,
            Some(when)
        );
        wasi.descriptor_set_times(&f, NewTimestamp::Now, NewTimestamp::Now)
            .unwrap();
        assert_ne!(
            wasi.descriptor_stat(&f)
                .unwrap()
                .data_modification_timestamp,
            Some(when)
        );
        wasi.descriptor_set_times(root, NewTimestamp::Now, NewTimestamp::NoChange)
            .unwrap();
        let bad = Datetime {
            seconds: 1,
            nanoseconds: 1_000_000_000,
        };
        assert_eq!(
            code(wasi.descriptor_set_times(&f, NewTimestamp::Timestamp(bad), NewTimestamp::Now)),
            ErrorCode::Invalid
        );
    });
}

#[test]
fn links_renames_and_identity() {
    each_mode(|fixture, wasi, root| {
        let sub = wasi
            .descriptor_open_at(root, NOFOLLOW, "sub", OpenFlags::DIRECTORY, READ)
            .unwrap();
        wasi.descriptor_link_at(root, NOFOLLOW, "file.txt", &sub, "hard")
            .unwrap();
        assert_eq!(
            wasi.descriptor_stat_at(root, NOFOLLOW, "file.txt")
                .unwrap()
                .link_count,
            2
        );
        let a = wasi
            .descriptor_open_at(root, NOFOLLOW, "file.txt", OpenFlags::empty(), READ)
            .unwrap();
        let b = wasi
            .descriptor_open_at(&sub, NOFOLLOW, "hard", OpenFlags::empty(), READ)
            .unwrap();
        assert!(wasi.descriptor_is_same_object(&a, &b).unwrap());
        assert!(!wasi.descriptor_is_same_object(&a, root).unwrap());
        assert_eq!(
            wasi.descriptor_metadata_hash(&a).unwrap(),
            wasi.descriptor_metadata_hash(&b).unwrap()
        );
        assert_eq!(
            wasi.descriptor_metadata_hash(&a).unwrap(),
            wasi.descriptor_metadata_hash_at(root, FOLLOW, "link_file")
                .unwrap()
        );
        assert_ne!(
            wasi.descriptor_metadata_hash(&a).unwrap(),
            wasi.descriptor_metadata_hash_at(root, NOFOLLOW, "link_file")
                .unwrap()
        );

        wasi.descriptor_rename_at(&sub, "hard", root, "renamed")
            .unwrap();
        assert!(fixture.root().join("renamed").is_file());
        assert!(!fixture.root().join("sub/hard").exists());
        wasi.descriptor_rename_at(root, "sub", root, "sub2/")
            .unwrap();
        assert!(fixture.root().join("sub2/inner.txt").is_file());
        // the open descriptor follows its directory
        assert_eq!(
            wasi.descriptor_stat_at(&sub, NOFOLLOW, "inner.txt")
                .unwrap()
                .size,
            5
        );

        wasi.descriptor_symlink_at(root, "renamed", "ln").unwrap();
        assert_eq!(wasi.descriptor_readlink_at(root, "ln").unwrap(), "renamed");
        assert_eq!(
            code(wasi.descriptor_readlink_at(root, "renamed")),
            ErrorCode::Invalid
        );
        assert_eq!(
            code(wasi.descriptor_symlink_at(root, "x", "ln")),
            ErrorCode::Exist
        );
        wasi.descriptor_unlink_file_at(root, "ln").unwrap();
        wasi.descriptor_unlink_file_at(root, "renamed").unwrap();
        assert_eq!(
            code(wasi.descriptor_unlink_file_at(root, "renamed")),
            ErrorCode::NoEntry
        );
        // an absolute link's text would reveal a host path, as in wasmtime
        assert_eq!(
            code(wasi.descriptor_readlink_at(root, "link_abs")),
            ErrorCode::NotPermitted
        );
    });
}

#[test]
fn subdirectory_descriptors_inherit_permissions() {
    for mode in MODES {
        let fixture = Fixture::new();
        let mut ctx = myrt_wasi_p2::WasiCtx::builder()
            .path_resolution(mode)
            .preopened_dir(fixture.root(), "ro", DirPerms::READ, FilePerms::READ)
            .unwrap()
            .build();
        let mut table = myrt_wasi_p2::ResourceTable::new();
        let root = root_handle(&mut ctx, &mut table);
        let mut wasi = WasiImpl::new(&mut ctx, &mut table);
        assert_eq!(
            wasi.descriptor_get_flags(&root).unwrap(),
            DescriptorFlags::READ
        );
        let sub = wasi
            .descriptor_open_at(&root, NOFOLLOW, "sub", OpenFlags::DIRECTORY, READ)
            .unwrap();
        assert_eq!(
            wasi.descriptor_get_flags(&sub).unwrap(),
            DescriptorFlags::READ
        );
        assert_eq!(
            code(wasi.descriptor_open_at(
                &root,
                NOFOLLOW,
                "sub",
                OpenFlags::DIRECTORY,
                READ | DescriptorFlags::MUTATE_DIRECTORY
            )),
            ErrorCode::NotPermitted
        );
        assert_eq!(
            code(wasi.descriptor_unlink_file_at(&sub, "inner.txt")),
            ErrorCode::NotPermitted
        );
        assert_eq!(
            code(wasi.descriptor_set_times(&sub, NewTimestamp::Now, NewTimestamp::Now)),
            ErrorCode::NotPermitted
        );
        let f = wasi
            .descriptor_open_at(&sub, NOFOLLOW, "inner.txt", OpenFlags::empty(), READ)
            .unwrap();
        assert_eq!(
            code(wasi.descriptor_set_times(&f, NewTimestamp::Now, NewTimestamp::Now)),
            ErrorCode::NotPermitted
        );
        assert_eq!(wasi.descriptor_read(&f, 100, 0).unwrap().0, b"inner");
    }
}

#[test]
fn dropped_descriptors_are_gone() {
    each_mode(|_, wasi, root| {
        let f = wasi
            .descriptor_open_at(root, NOFOLLOW, "file.txt", OpenFlags::empty(), READ)
            .unwrap();
        let stale = f.borrowed();
        wasi.descriptor_drop(f).unwrap();
        assert!(matches!(
            wasi.descriptor_stat(&stale),
            Err(FsError::Trap(_))
        ));
    });
}

#[test]
fn read_only_files_in_a_mutable_directory() {
    for mode in MODES {
        let fixture = Fixture::new();
        let mut ctx = myrt_wasi_p2::WasiCtx::builder()
            .path_resolution(mode)
            .preopened_dir(fixture.root(), "d", DirPerms::all(), FilePerms::READ)
            .unwrap()
            .build();
        let mut table = myrt_wasi_p2::ResourceTable::new();
        let root = root_handle(&mut ctx, &mut table);
        let mut wasi = WasiImpl::new(&mut ctx, &mut table);
        assert_eq!(
            code(wasi.descriptor_open_at(&root, NOFOLLOW, "file.txt", OpenFlags::TRUNCATE, READ)),
            ErrorCode::NotPermitted
        );
        assert_eq!(
            code(wasi.descriptor_open_at(&root, NOFOLLOW, "file.txt", OpenFlags::empty(), RW)),
            ErrorCode::NotPermitted
        );
        assert_eq!(
            std::fs::read(fixture.root().join("file.txt")).unwrap(),
            b"hello"
        );
        // the directory itself stays mutable
        wasi.descriptor_create_directory_at(&root, "newdir")
            .unwrap();
        let created = wasi
            .descriptor_open_at(&root, NOFOLLOW, "new.txt", OpenFlags::CREATE, READ)
            .unwrap();
        assert_eq!(
            code(wasi.descriptor_write(&created, b"x", 0)),
            ErrorCode::BadDescriptor
        );
    }
}
