//! `wasi:filesystem/types` and `wasi:filesystem/preopens`.

use myrt_canonical_abi::component::{Error, Linker};

use super::{GetState, interface};
use crate::fs::{
    Advice, Descriptor, DescriptorFlags, DirectoryEntryStream, NewTimestamp, OpenFlags, PathFlags,
};
use crate::io::streams::IoError;
use crate::table::Resource;

pub(super) const INTERFACES: &[&str] = &["wasi:filesystem/types", "wasi:filesystem/preopens"];

type Fd = Resource<Descriptor>;

pub(super) fn add<T: 'static>(linker: &mut Linker<T>, get: GetState<T>) -> Result<(), Error> {
    interface(linker, get, "wasi:filesystem/types", |i| {
        i.resource::<Descriptor>("descriptor")?;
        i.resource::<DirectoryEntryStream>("directory-entry-stream")?;
        i.func(
            "[method]descriptor.read-via-stream",
            |w, (fd, off): (Fd, u64)| w.descriptor_read_via_stream(&fd, off),
        )?;
        i.func(
            "[method]descriptor.write-via-stream",
            |w, (fd, off): (Fd, u64)| w.descriptor_write_via_stream(&fd, off),
        )?;
        i.func("[method]descriptor.append-via-stream", |w, (fd,): (Fd,)| {
            w.descriptor_append_via_stream(&fd)
        })?;
        i.func(
            "[method]descriptor.advise",
            |w, (fd, off, len, advice): (Fd, u64, u64, Advice)| {
                w.descriptor_advise(&fd, off, len, advice)
            },
        )?;
        i.func("[method]descriptor.sync-data", |w, (fd,): (Fd,)| {
            w.descriptor_sync_data(&fd)
        })?;
        i.func("[method]descriptor.get-flags", |w, (fd,): (Fd,)| {
            w.descriptor_get_flags(&fd)
        })?;
        i.func("[method]descriptor.get-type", |w, (fd,): (Fd,)| {
            w.descriptor_get_type(&fd)
        })?;
        i.func("[method]descriptor.set-size", |w, (fd, size): (Fd, u64)| {
            w.descriptor_set_size(&fd, size)
        })?;
        i.func(
            "[method]descriptor.set-times",
            |w, (fd, a, m): (Fd, NewTimestamp, NewTimestamp)| w.descriptor_set_times(&fd, a, m),
        )?;
        i.func(
            "[method]descriptor.read",
            |w, (fd, len, off): (Fd, u64, u64)| w.descriptor_read(&fd, len, off),
        )?;
        i.func(
            "[method]descriptor.write",
            |w, (fd, buf, off): (Fd, Vec<u8>, u64)| w.descriptor_write(&fd, &buf, off),
        )?;
        i.func("[method]descriptor.read-directory", |w, (fd,): (Fd,)| {
            w.descriptor_read_directory(&fd)
        })?;
        i.func("[method]descriptor.sync", |w, (fd,): (Fd,)| {
            w.descriptor_sync(&fd)
        })?;
        i.func(
            "[method]descriptor.create-directory-at",
            |w, (fd, path): (Fd, String)| w.descriptor_create_directory_at(&fd, &path),
        )?;
        i.func("[method]descriptor.stat", |w, (fd,): (Fd,)| {
            w.descriptor_stat(&fd)
        })?;
        i.func(
            "[method]descriptor.stat-at",
            |w, (fd, pf, path): (Fd, PathFlags, String)| w.descriptor_stat_at(&fd, pf, &path),
        )?;
        i.func(
            "[method]descriptor.set-times-at",
            |w, (fd, pf, path, a, m): (Fd, PathFlags, String, NewTimestamp, NewTimestamp)| {
                w.descriptor_set_times_at(&fd, pf, &path, a, m)
            },
        )?;
        i.func(
            "[method]descriptor.link-at",
            |w, (fd, pf, old, new_fd, new): (Fd, PathFlags, String, Fd, String)| {
                w.descriptor_link_at(&fd, pf, &old, &new_fd, &new)
            },
        )?;
        i.func(
            "[method]descriptor.open-at",
            |w, (fd, pf, path, of, flags): (Fd, PathFlags, String, OpenFlags, DescriptorFlags)| {
                w.descriptor_open_at(&fd, pf, &path, of, flags)
            },
        )?;
        i.func(
            "[method]descriptor.readlink-at",
            |w, (fd, path): (Fd, String)| w.descriptor_readlink_at(&fd, &path),
        )?;
        i.func(
            "[method]descriptor.remove-directory-at",
            |w, (fd, path): (Fd, String)| w.descriptor_remove_directory_at(&fd, &path),
        )?;
        i.func(
            "[method]descriptor.rename-at",
            |w, (fd, old, new_fd, new): (Fd, String, Fd, String)| {
                w.descriptor_rename_at(&fd, &old, &new_fd, &new)
            },
        )?;
        i.func(
            "[method]descriptor.symlink-at",
            |w, (fd, old, new): (Fd, String, String)| w.descriptor_symlink_at(&fd, &old, &new),
        )?;
        i.func(
            "[method]descriptor.unlink-file-at",
            |w, (fd, path): (Fd, String)| w.descriptor_unlink_file_at(&fd, &path),
        )?;
        i.func(
            "[method]descriptor.is-same-object",
            |w, (fd, other): (Fd, Fd)| w.descriptor_is_same_object(&fd, &other),
        )?;
        i.func("[method]descriptor.metadata-hash", |w, (fd,): (Fd,)| {
            w.descriptor_metadata_hash(&fd)
        })?;
        i.func(
            "[method]descriptor.metadata-hash-at",
            |w, (fd, pf, path): (Fd, PathFlags, String)| {
                w.descriptor_metadata_hash_at(&fd, pf, &path)
            },
        )?;
        i.func(
            "[method]directory-entry-stream.read-directory-entry",
            |w, (s,): (Resource<DirectoryEntryStream>,)| w.directory_entry_stream_read(&s),
        )?;
        i.func("filesystem-error-code", |w, (e,): (Resource<IoError>,)| {
            w.filesystem_error_code(&e)
        })
    })?;
    interface(linker, get, "wasi:filesystem/preopens", |i| {
        i.func("get-directories", |w, (): ()| w.get_directories())
    })
}
