//! Component instantiation and calls (component-model Explainer.md and
//! CanonicalABI.md), on top of the core interpreter `myrt_interp`.
//!
//! Shaped like `wasmtime::component`: a [`Component`] is loaded once, a
//! [`Linker`] names the host's functions, instances, resources and modules,
//! and [`Linker::instantiate`] walks the component's definitions in order,
//! building every index space: nested core modules become core instances of
//! the interpreter, `canon lower` becomes a core host function, `canon lift`
//! becomes a component [`Func`] the host (or another component) can call.
//!
//! Component-level state that core code must reach (handle tables, the
//! `may_enter`/`may_leave` flags) lives in an `InstanceState` (state.rs) shared by
//! the instance's host functions, since the store's data belongs to the
//! embedder.

#[doc(hidden)]
pub mod derive_support;
mod error;
mod flags;
mod func;
mod imports;
mod instance;
mod instantiate;
mod items;
mod linker;
mod listing;
mod loaded;
mod lower;
mod memory;
mod module_types;
mod reexports;
mod resources;
mod state;
mod typed;
mod typed_resources;
mod types;

pub use error::Error;
pub use func::Func;
pub use instance::Instance;
pub use linker::{Linker, LinkerInstance};
pub use loaded::{Component, ComponentItem};
pub use myrt_interp::{Engine, Store};
pub use resources::ResourceType;
pub use typed::{ComponentParams, ComponentResult, ComponentValue, TypeMismatch, TypedFunc};
pub use typed_resources::{Resource, ResourceAny};

pub use crate::flags;
/// `#[derive(ComponentValue)]`: see the myrt-component-derive crate.
pub use myrt_component_derive::ComponentValue;

pub use crate::types::FuncType;
