//! The component model's binary format (component-model `design/mvp/Binary.md`).
//!
//! [`decode_component`] turns a component into a [`Component`]: explicit
//! index spaces, one list of definitions per sort, each definition saying
//! where it comes from. Nested components are decoded with their parent;
//! nested core modules are only located, and decoded on demand with
//! [`Component::decode_module`] (startup cost stays proportional to the
//! component's own sections, not to the code it carries).
//!
//! Gated features (async, streams, futures, error-context, threads, maps,
//! fixed-length lists) are decoded into the IR where that costs nothing, so
//! that index spaces stay right and the validator can report them by name.

mod convert;
mod decode;
mod model;
mod types;

use std::sync::Arc;

pub use decode::decode_component;
pub use model::*;
pub use types::*;

use crate::decode::decode_module;
use crate::error::DecodeError;
use crate::module::Module;

/// A decoded binary of either layer.
#[derive(Debug)]
pub enum Decoded {
    Module(Module),
    Component(Component),
}

/// Decodes a core module or a component, as the binary's header says.
///
/// Binary.md: the preamble is `\0asm`, a 16-bit version and a 16-bit
/// `layer` field, 0 for core modules and 1 for components.
pub fn decode(bytes: impl Into<Arc<[u8]>>) -> Result<Decoded, DecodeError> {
    let bytes: Arc<[u8]> = bytes.into();
    let is_component = bytes.get(6..8) == Some(&[1, 0][..]);
    if is_component {
        decode_component(bytes).map(Decoded::Component)
    } else {
        // Anything else, including a truncated header, gets the core decoder's diagnosis.
        decode_module(bytes).map(Decoded::Module)
    }
}
