//! `wasi:filesystem`: descriptors whose every path operation stays beneath
//! the directory it starts from.

mod convert;
mod descriptor;
mod dir_stream;
mod file_streams;
mod link_policy;
mod path;
mod resolve;
mod types;

pub use descriptor::Descriptor;
pub use dir_stream::DirectoryEntryStream;
pub use resolve::PathResolution;
pub use types::*;
