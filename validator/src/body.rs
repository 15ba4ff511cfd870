//! The bytes of a function body, read with the encoding rules of
//! WebAssembly 2.0 and of the proposals enabled, and their validation on
//! their own.

use myrt_parser::Module;
use myrt_parser::wasmparser::{BinaryReader, FunctionBody, WasmFeatures};

use crate::Features;
use crate::error::{ValidationError, invalid};
use crate::func::FuncValidator;

/// The proposals whose *encodings* bodies may use: later proposals give
/// meaning to bytes that 2.0 requires to be zero or short (the memory index
/// of `memory.size`, 64-bit memarg offsets), which must stay malformed
/// unless the proposal is on.
fn reader_features(features: Features) -> WasmFeatures {
    let mut reader = WasmFeatures::WASM2.difference(WasmFeatures::SIMD);
    reader.set(WasmFeatures::MULTI_MEMORY, features.multi_memory);
    reader
}

/// The body of defined function `func_idx`, read with offsets into the
/// module binary and with the encoding rules of 2.0 and `features`.
/// Whoever drives a [`FuncValidator`] should read operators through it.
pub(crate) fn function_body(
    module: &Module,
    func_idx: u32,
    features: Features,
) -> Option<FunctionBody<'_>> {
    let body = module.body(func_idx)?;
    let original_offset = body.range.start as u64;
    Some(FunctionBody::new(BinaryReader::new_features(
        module.body_bytes(body),
        original_offset,
        reader_features(features),
    )))
}

/// Validates the body of `func_idx` with `validator`, set up for that function.
pub(crate) fn validate_body(
    validator: &mut FuncValidator<'_>,
    module: &Module,
    func_idx: u32,
    features: Features,
) -> Result<(), ValidationError> {
    let Some(body) = function_body(module, func_idx, features) else {
        return invalid(0, format!("function {func_idx} has no body"));
    };
    validator.validate_body(&body)
}
