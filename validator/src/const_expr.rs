//! Constant expressions (global initializers, segment offsets, element
//! items), with the WebAssembly 2.0 rules: only `*.const`, `ref.null`,
//! `ref.func` and `global.get` of an *imported, immutable* global.

use myrt_parser::{ConstExpr, ConstOp, Module, ValType};

use crate::error::{ValidationError, invalid};
use crate::types::SIMD_UNSUPPORTED;

const CONSTANT_REQUIRED: &str = "constant expression required";

/// Checks that `expr` is constant and produces exactly one `expected` value.
pub(crate) fn check_const_expr(
    module: &Module,
    expr: &ConstExpr,
    expected: ValType,
) -> Result<(), ValidationError> {
    let at = expr.offset;
    let mut stack: Vec<ValType> = Vec::with_capacity(1);
    for op in &expr.ops {
        let ty = match *op {
            ConstOp::I32Const(_) => ValType::I32,
            ConstOp::I64Const(_) => ValType::I64,
            ConstOp::F32Const(_) => ValType::F32,
            ConstOp::F64Const(_) => ValType::F64,
            ConstOp::RefNull(r) => ValType::Ref(r),
            ConstOp::RefFunc(idx) => {
                if idx as usize >= module.funcs.len() {
                    return invalid(at, format!("unknown function {idx}"));
                }
                ValType::FUNCREF
            }
            ConstOp::GlobalGet(idx) => global_get_type(module, idx, at)?,
            // Arithmetic in constant expressions is the extended-const
            // proposal (WebAssembly 3.0), so 2.0 rejects it like any other operator.
            ConstOp::I32Add
            | ConstOp::I32Sub
            | ConstOp::I32Mul
            | ConstOp::I64Add
            | ConstOp::I64Sub
            | ConstOp::I64Mul => {
                return invalid(at, CONSTANT_REQUIRED);
            }
            ConstOp::NonConstant { offset } => return invalid(offset, CONSTANT_REQUIRED),
            ConstOp::V128Const { offset } => return invalid(offset, SIMD_UNSUPPORTED),
        };
        stack.push(ty);
    }
    if stack.as_slice() != [expected] {
        return invalid(at, "type mismatch");
    }
    Ok(())
}

/// In 2.0 a constant expression sees only the imported globals: the
/// module's own globals are not initialized yet when it is evaluated.
fn global_get_type(module: &Module, idx: u32, at: usize) -> Result<ValType, ValidationError> {
    let Some(global) = module.globals.get(idx as usize) else {
        return invalid(at, format!("unknown global {idx}"));
    };
    if idx >= module.num_imported_globals {
        return invalid(at, format!("unknown global {idx}"));
    }
    if global.mutable {
        return invalid(at, CONSTANT_REQUIRED);
    }
    Ok(global.content)
}
