//! Decodes WebAssembly binaries into myrt's own IR.
//!
//! Decoding is shallow on purpose: module-level sections are turned into
//! [`Module`], while function bodies stay as byte ranges into the original
//! binary ([`FuncBody`]): the validator reads each body straight from the
//! binary, and the interpreter translates it on its first call. Operators
//! themselves are read with wasmparser's readers (re-exported as
//! [`wasmparser`]), whose `for_each_operator!` list (the `Operator` enum,
//! the `VisitOperator` trait) is the one definition of the wasm instruction
//! set that the validator and translator share.
//!
//! Components are decoded by [`component`] into [`Component`]; [`decode`]
//! accepts either layer.

pub mod component;
mod decode;
mod error;
mod module;
mod types;

pub use component::{Component, Decoded, decode, decode_component};
pub use decode::decode_module;
pub use error::DecodeError;
pub use module::{
    ConstExpr, ConstOp, DataKind, DataSegment, ElemItems, ElemKind, ElemSegment, Export,
    ExternKind, FuncBody, FuncNames, Global, Import, ImportKind, Module, Names,
};
pub use types::{FuncType, GlobalType, MemoryType, RefType, TableType, ValType};
pub use wasmparser;
