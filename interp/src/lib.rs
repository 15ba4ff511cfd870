//! myrt's interpreter: the runtime store with its instances, functions,
//! tables, memories and globals, the linker, and the bytecode engine that
//! runs function bodies.
//!
//! The embedding API is shaped like wasmtime's: a [`Store`] owns every
//! runtime entity and hands out small `Copy` handles ([`Func`], [`Memory`],
//! ...) that are passed back together with the store.

mod config;
mod const_expr;
pub(crate) mod engine;
mod error;
mod func;
mod global;
mod instance;
mod instantiate;
mod linker;
mod memory;
mod module;
mod store;
mod table;
mod values;

pub use config::{Config, Engine};
#[cfg(feature = "op-stats")]
pub use engine::op_stats;
pub use error::{Error, FrameInfo, Trap, TrapCode};
pub use func::{Caller, Func, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmTy, WithCaller};
pub use global::Global;
pub use instance::Instance;
pub use linker::Linker;
pub use memory::Memory;
pub use module::{ExportType, ExternType, ImportType, Module};
pub use myrt_parser::{FuncType, GlobalType, MemoryType, RefType, TableType, ValType};
pub use store::{AsContext, AsContextMut, Store};
pub use table::Table;
pub use values::{Extern, ExternRef, Val};

pub(crate) use func::call_host;
pub(crate) use memory::grow_memory;
pub(crate) use table::grow_table;
