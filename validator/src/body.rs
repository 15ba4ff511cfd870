//! Validation of a function body on its own: decodes its locals and
//! operators and drives a [`FuncValidator`] over them.

use myrt_parser::Module;
use myrt_parser::wasmparser::{BinaryReader, FunctionBody, OperatorsReader, WasmFeatures};

use crate::error::{ValidationError, invalid};
use crate::func::FuncValidator;
use crate::types::val_type;

fn offset(pos: u64) -> usize {
    usize::try_from(pos).unwrap_or(usize::MAX)
}

/// The proposals whose *encodings* bodies may use: later proposals give
/// meaning to bytes that 2.0 requires to be zero or short (the memory index
/// of `memory.size`, 64-bit memarg offsets), which must stay malformed here.
fn reader_features() -> WasmFeatures {
    WasmFeatures::WASM2.difference(WasmFeatures::SIMD)
}

/// The body of defined function `func_idx`, read with offsets into the
/// module binary and with the 2.0 encoding rules. Whoever drives a
/// [`FuncValidator`] should read operators through it.
pub fn function_body(module: &Module, func_idx: u32) -> Option<FunctionBody<'_>> {
    let body = module.body(func_idx)?;
    let original_offset = body.range.start as u64;
    Some(FunctionBody::new(BinaryReader::new_features(
        module.body_bytes(body),
        original_offset,
        reader_features(),
    )))
}

pub(crate) fn validate_body(
    mut validator: FuncValidator<'_>,
    module: &Module,
    func_idx: u32,
) -> Result<(), ValidationError> {
    let Some(body) = function_body(module, func_idx) else {
        return invalid(0, format!("function {func_idx} has no body"));
    };
    let mut locals = body.get_locals_reader()?;
    for _ in 0..locals.get_count() {
        let at = offset(locals.original_position());
        let (count, ty) = locals.read()?;
        validator.define_locals(at, count, val_type(ty, at)?)?;
    }
    let mut operators = OperatorsReader::new(locals.get_binary_reader());
    while !operators.eof() {
        let (op, at) = operators.read_with_offset()?;
        validator.op(offset(at), &op)?;
    }
    let end = offset(operators.original_position());
    validator.finish(end)?;
    operators.finish()?;
    Ok(())
}
