//! `wasi:filesystem/types` and `wasi:filesystem/preopens`.

use crate::error::{ErrorCode, FsResult};
use crate::fs::*;
use crate::host::WasiImpl;
use crate::io::streams::{InputStream, IoError, OutputStream};
use crate::table::{Resource, TableError};

type Fd = Resource<Descriptor>;

impl WasiImpl<'_> {
    /// `preopens.get-directories`: fresh handles on each call.
    pub fn get_directories(&mut self) -> Result<Vec<(Fd, String)>, TableError> {
        let preopens = self.ctx.preopens.clone();
        preopens
            .into_iter()
            .map(|(dir, name)| Ok((self.table.push(dir)?, name)))
            .collect()
    }

    fn descriptor(&self, fd: &Fd) -> Result<&Descriptor, TableError> {
        self.table.get(fd)
    }

    pub fn descriptor_read_via_stream(
        &mut self,
        fd: &Fd,
        offset: u64,
    ) -> FsResult<Resource<InputStream>> {
        let stream = self.descriptor(fd)?.read_via_stream(offset)?;
        Ok(self.table.push(stream)?)
    }

    pub fn descriptor_write_via_stream(
        &mut self,
        fd: &Fd,
        offset: u64,
    ) -> FsResult<Resource<OutputStream>> {
        let stream = self.descriptor(fd)?.write_via_stream(offset)?;
        Ok(self.table.push(stream)?)
    }

    pub fn descriptor_append_via_stream(&mut self, fd: &Fd) -> FsResult<Resource<OutputStream>> {
        let stream = self.descriptor(fd)?.append_via_stream()?;
        Ok(self.table.push(stream)?)
    }

    pub fn descriptor_advise(
        &mut self,
        fd: &Fd,
        offset: u64,
        length: u64,
        advice: Advice,
    ) -> FsResult<()> {
        Ok(self.descriptor(fd)?.advise(offset, length, advice)?)
    }

    pub fn descriptor_sync_data(&mut self, fd: &Fd) -> FsResult<()> {
        Ok(self.descriptor(fd)?.sync_data()?)
    }

    pub fn descriptor_get_flags(&mut self, fd: &Fd) -> FsResult<DescriptorFlags> {
        Ok(self.descriptor(fd)?.get_flags()?)
    }

    pub fn descriptor_get_type(&mut self, fd: &Fd) -> FsResult<DescriptorType> {
        Ok(self.descriptor(fd)?.get_type()?)
    }

    pub fn descriptor_set_size(&mut self, fd: &Fd, size: u64) -> FsResult<()> {
        Ok(self.descriptor(fd)?.set_size(size)?)
    }

    pub fn descriptor_set_times(
        &mut self,
        fd: &Fd,
        atime: NewTimestamp,
        mtime: NewTimestamp,
    ) -> FsResult<()> {
        Ok(self.descriptor(fd)?.set_times(atime, mtime)?)
    }

    pub fn descriptor_read(
        &mut self,
        fd: &Fd,
        length: u64,
        offset: u64,
    ) -> FsResult<(Vec<u8>, bool)> {
        Ok(self.descriptor(fd)?.read(length, offset)?)
    }

    pub fn descriptor_write(&mut self, fd: &Fd, buffer: &[u8], offset: u64) -> FsResult<u64> {
        Ok(self.descriptor(fd)?.write(buffer, offset)?)
    }

    pub fn descriptor_read_directory(
        &mut self,
        fd: &Fd,
    ) -> FsResult<Resource<DirectoryEntryStream>> {
        let stream = self.descriptor(fd)?.read_directory()?;
        Ok(self.table.push(stream)?)
    }

    pub fn descriptor_sync(&mut self, fd: &Fd) -> FsResult<()> {
        Ok(self.descriptor(fd)?.sync()?)
    }

    pub fn descriptor_create_directory_at(&mut self, fd: &Fd, path: &str) -> FsResult<()> {
        Ok(self.descriptor(fd)?.create_directory_at(path)?)
    }

    pub fn descriptor_stat(&mut self, fd: &Fd) -> FsResult<DescriptorStat> {
        Ok(self.descriptor(fd)?.stat()?)
    }

    pub fn descriptor_stat_at(
        &mut self,
        fd: &Fd,
        path_flags: PathFlags,
        path: &str,
    ) -> FsResult<DescriptorStat> {
        Ok(self.descriptor(fd)?.stat_at(path_flags, path)?)
    }

    pub fn descriptor_set_times_at(
        &mut self,
        fd: &Fd,
        path_flags: PathFlags,
        path: &str,
        atime: NewTimestamp,
        mtime: NewTimestamp,
    ) -> FsResult<()> {
        Ok(self
            .descriptor(fd)?
            .set_times_at(path_flags, path, atime, mtime)?)
    }

    pub fn descriptor_link_at(
        &mut self,
        fd: &Fd,
        old_path_flags: PathFlags,
        old_path: &str,
        new_fd: &Fd,
        new_path: &str,
    ) -> FsResult<()> {
        let new_dir = self.descriptor(new_fd)?;
        Ok(self
            .descriptor(fd)?
            .link_at(old_path_flags, old_path, new_dir, new_path)?)
    }

    pub fn descriptor_open_at(
        &mut self,
        fd: &Fd,
        path_flags: PathFlags,
        path: &str,
        open_flags: OpenFlags,
        flags: DescriptorFlags,
    ) -> FsResult<Fd> {
        let opened = self
            .descriptor(fd)?
            .open_at(path_flags, path, open_flags, flags)?;
        Ok(self.table.push(opened)?)
    }

    pub fn descriptor_readlink_at(&mut self, fd: &Fd, path: &str) -> FsResult<String> {
        Ok(self.descriptor(fd)?.readlink_at(path)?)
    }

    pub fn descriptor_remove_directory_at(&mut self, fd: &Fd, path: &str) -> FsResult<()> {
        Ok(self.descriptor(fd)?.remove_directory_at(path)?)
    }

    pub fn descriptor_rename_at(
        &mut self,
        fd: &Fd,
        old_path: &str,
        new_fd: &Fd,
        new_path: &str,
    ) -> FsResult<()> {
        let new_dir = self.descriptor(new_fd)?;
        Ok(self
            .descriptor(fd)?
            .rename_at(old_path, new_dir, new_path)?)
    }

    pub fn descriptor_symlink_at(
        &mut self,
        fd: &Fd,
        old_path: &str,
        new_path: &str,
    ) -> FsResult<()> {
        Ok(self.descriptor(fd)?.symlink_at(old_path, new_path)?)
    }

    pub fn descriptor_unlink_file_at(&mut self, fd: &Fd, path: &str) -> FsResult<()> {
        Ok(self.descriptor(fd)?.unlink_file_at(path)?)
    }

    pub fn descriptor_is_same_object(&mut self, fd: &Fd, other: &Fd) -> Result<bool, TableError> {
        Ok(self.descriptor(fd)?.is_same_object(self.descriptor(other)?))
    }

    pub fn descriptor_metadata_hash(&mut self, fd: &Fd) -> FsResult<MetadataHashValue> {
        Ok(self
            .descriptor(fd)?
            .metadata_hash(&self.ctx.metadata_hash_key)?)
    }

    pub fn descriptor_metadata_hash_at(
        &mut self,
        fd: &Fd,
        path_flags: PathFlags,
        path: &str,
    ) -> FsResult<MetadataHashValue> {
        Ok(self
            .descriptor(fd)?
            .metadata_hash_at(path_flags, path, &self.ctx.metadata_hash_key)?)
    }

    pub fn descriptor_drop(&mut self, fd: Fd) -> Result<(), TableError> {
        self.table.delete(fd).map(drop)
    }

    pub fn directory_entry_stream_read(
        &mut self,
        stream: &Resource<DirectoryEntryStream>,
    ) -> FsResult<Option<DirectoryEntry>> {
        Ok(self.table.get_mut(stream)?.read_directory_entry()?)
    }

    pub fn directory_entry_stream_drop(
        &mut self,
        stream: Resource<DirectoryEntryStream>,
    ) -> Result<(), TableError> {
        self.table.delete(stream).map(drop)
    }

    /// `filesystem-error-code`: the filesystem meaning of a stream error.
    pub fn filesystem_error_code(
        &mut self,
        error: &Resource<IoError>,
    ) -> Result<Option<ErrorCode>, TableError> {
        Ok(self.table.get(error)?.code)
    }
}
