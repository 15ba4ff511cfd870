//! WASI 0.2 host, independent of any embedding: `WasiCtx` holds what the
//! guest is granted, `ResourceTable` its resources, and `WasiImpl` has one
//! method per WIT function (`descriptor_open_at`, `input_stream_read`,
//! `poll`, ...), and `bindings::add_to_linker` maps the WIT functions of
//! `wasi:cli/command` onto them in a component `Linker`.
//!
//! `wasi:sockets` and `wasi:http` link too, with the network denied:
//! guests that import them without needing the network run.
//!
//! The filesystem is a sandbox: every path is resolved beneath the
//! directory descriptor it is relative to (see `fs::resolve`).

pub mod bindings;
pub mod clocks;
pub mod ctx;
pub mod error;
pub mod fs;
pub mod host;
pub mod http;
pub mod io;
pub mod random;
pub mod table;

pub use bindings::{WasiState, add_http_to_linker, add_to_linker};
pub use ctx::{WasiCtx, WasiCtxBuilder};
pub use error::{ErrorCode, FsError, FsResult, HostError};
pub use host::{StreamError, TerminalInput, TerminalOutput, WasiImpl};
pub use table::{Resource, ResourceTable, TableError};
