//! The table-aware layer: one method per WIT function, taking and returning
//! `Resource` handles. The canonical-ABI binding maps component values onto
//! these; everything below works without it.

mod cli;
mod clocks;
mod filesystem;
mod http;
mod io;
mod random;

use crate::ctx::WasiCtx;
use crate::table::ResourceTable;

pub use cli::{TerminalInput, TerminalOutput};
pub use http::FieldsResult;
pub use io::StreamError;

/// The WASI host for one guest: its grants and its resources.
pub struct WasiImpl<'a> {
    pub ctx: &'a mut WasiCtx,
    pub table: &'a mut ResourceTable,
}

impl<'a> WasiImpl<'a> {
    pub fn new(ctx: &'a mut WasiCtx, table: &'a mut ResourceTable) -> Self {
        WasiImpl { ctx, table }
    }
}
