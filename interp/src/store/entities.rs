//! What a store owns. The runtime API (`Func`, `Memory`, ...) hands out
//! indices into these vectors; the executor reads and writes them directly.
//!
//! Values are kept as untyped 64-bit cells (`u64`) everywhere the executor
//! touches them: i32/i64 as their bits (i32 zero-extended), f32/f64 as their
//! bits, and references as `index + 1` with 0 meaning null (funcref: index
//! into `funcs`; externref: index into `externrefs`).

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use myrt_parser::{FuncType, GlobalType, MemoryType, TableType};

use crate::Extern;
use crate::module::Module;

/// A null reference in a value cell.
pub(crate) const NULL_REF: u64 = 0;

#[derive(Default)]
pub(crate) struct StoreInner {
    pub funcs: Vec<FuncEntity>,
    pub tables: Vec<TableEntity>,
    pub memories: Vec<MemoryEntity>,
    pub globals: Vec<GlobalEntity>,
    pub instances: Vec<InstanceEntity>,
    pub externrefs: Vec<Box<dyn Any + Send + Sync>>,
    /// How many executors are running on the native stack right now: one per
    /// host-to-wasm entry that has not returned.
    pub nested_entries: u32,
}

pub(crate) enum FuncEntity {
    Wasm(WasmFunc),
    /// `host_index` points into `Store::host_funcs`, which is generic over the
    /// store's data type and so cannot live here.
    Host {
        ty: FuncType,
        host_index: u32,
    },
}

impl FuncEntity {
    pub fn ty(&self) -> &FuncType {
        match self {
            FuncEntity::Wasm(f) => &f.ty,
            FuncEntity::Host { ty, .. } => ty,
        }
    }
}

pub(crate) struct WasmFunc {
    pub ty: FuncType,
    /// Index into `StoreInner::instances`.
    pub instance: u32,
    pub module: Module,
    /// Index in the module's function index space (never an imported one).
    pub func_idx: u32,
}

pub(crate) struct TableEntity {
    pub ty: TableType,
    pub elems: Vec<u64>,
}

pub(crate) struct MemoryEntity {
    pub ty: MemoryType,
    pub data: Vec<u8>,
}

pub(crate) struct GlobalEntity {
    pub ty: GlobalType,
    pub value: u64,
}

pub(crate) struct InstanceEntity {
    pub module: Module,
    /// Store indices of the instance's functions, tables, memories and
    /// globals, in the module's index spaces (imports first).
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    /// Element segments, evaluated to reference cells at instantiation;
    /// emptied by `elem.drop` (and after active/declared initialization).
    pub elems: Vec<Arc<[u64]>>,
    /// Data segments still available to `memory.init` (false after `data.drop`
    /// and after active initialization).
    pub datas_alive: Vec<bool>,
    pub exports: HashMap<String, Extern>,
}
