//! Lifting and lowering values (CanonicalABI.md: "Loading", "Storing",
//! "Flat Lifting", "Flat Lowering", "Lifting and Lowering Values").
//!
//! Everything here works through a [`Context`]: the canonical options, the
//! guest memory (absent when the options name none) and a
//! [`ResourceBridge`] that turns handle-table indices into host-side
//! resource values and back.

mod flat;
mod func;
mod load;
mod memory;
mod store;
mod strings;

pub use flat::{lift_flat, lower_flat};
pub use func::{
    lift_flat_values, lift_func_params, lift_func_result, lower_flat_values, lower_func_params,
    lower_func_result, params_through_memory, result_through_memory,
};
pub use load::load;
pub use memory::{GuestMemory, VecMemory};
pub use store::store;
pub use strings::{MAX_STRING_BYTE_LENGTH, UTF16_TAG};

use crate::error::Error;
use crate::types::ResourceId;

/// The `string-encoding` canonical option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StringEncoding {
    #[default]
    Utf8,
    Utf16,
    /// `latin1+utf16`: Latin-1 when every code point fits a byte, else
    /// UTF-16 with [`UTF16_TAG`] set in the length.
    Latin1Utf16,
}

/// The canonical options that shape values (memory and realloc live in
/// [`GuestMemory`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CanonOptions {
    pub string_encoding: StringEncoding,
    /// The encoding the strings being lowered were lifted from. The spec
    /// picks its worst-case allocation by the *source* encoding
    /// (`store_string_into_range`); host-made strings are UTF-8.
    pub source_string_encoding: StringEncoding,
}

/// How resource handles cross the boundary (`lift_own`, `lift_borrow`,
/// `lower_own`, `lower_borrow`). [`crate::handles::TableBridge`] implements it
/// over a component instance's handle table; [`PassThroughHandles`] leaves
/// the numbers as they are.
pub trait ResourceBridge {
    /// `lift_own`: takes handle `index` out of the guest's table.
    fn lift_own(&mut self, rt: ResourceId, index: u32) -> Result<u32, Error>;
    /// `lift_borrow`: lends handle `index` for the duration of the call.
    fn lift_borrow(&mut self, rt: ResourceId, index: u32) -> Result<u32, Error>;
    /// `lower_own`: gives the guest a new owning handle; returns its index.
    fn lower_own(&mut self, rt: ResourceId, value: u32) -> Result<u32, Error>;
    /// `lower_borrow`: gives the guest a borrowed handle for this call.
    fn lower_borrow(&mut self, rt: ResourceId, value: u32) -> Result<u32, Error>;
}

/// A bridge that passes handle numbers through unchanged, for values that
/// never meet a handle table (tests, host-to-host copies).
#[derive(Debug, Clone, Copy, Default)]
pub struct PassThroughHandles;

impl ResourceBridge for PassThroughHandles {
    fn lift_own(&mut self, _: ResourceId, index: u32) -> Result<u32, Error> {
        Ok(index)
    }
    fn lift_borrow(&mut self, _: ResourceId, index: u32) -> Result<u32, Error> {
        Ok(index)
    }
    fn lower_own(&mut self, _: ResourceId, value: u32) -> Result<u32, Error> {
        Ok(value)
    }
    fn lower_borrow(&mut self, _: ResourceId, value: u32) -> Result<u32, Error> {
        Ok(value)
    }
}

/// The spec's `LiftLowerContext`, minus the async task machinery.
pub struct Context<'a> {
    pub options: CanonOptions,
    memory: Option<&'a mut dyn GuestMemory>,
    pub resources: &'a mut dyn ResourceBridge,
}

impl<'a> Context<'a> {
    pub fn new(
        options: CanonOptions,
        memory: Option<&'a mut dyn GuestMemory>,
        resources: &'a mut dyn ResourceBridge,
    ) -> Self {
        Context {
            options,
            memory,
            resources,
        }
    }

    /// The memory, or a trap: a value that needs memory (strings, lists,
    /// spilled parameters) crossed a boundary whose options name none.
    pub(crate) fn memory(&mut self) -> Result<&mut dyn GuestMemory, Error> {
        match self.memory.as_deref_mut() {
            Some(memory) => Ok(memory),
            None => Err(Error::trap(
                "this value needs a linear memory but the canonical options name none",
            )),
        }
    }
}

#[cfg(test)]
mod tests;
