//! Constant expressions (global initializers, segment offsets, element
//! items), with the WebAssembly 2.0 rules: only `*.const`, `ref.null`,
//! `ref.func` and `global.get` of an *imported, immutable* global; with
//! extended-const also integer `add`, `sub` and `mul`.

use myrt_parser::{ConstExpr, ConstOp, Module, ValType};

use crate::Features;
use crate::error::{ValidationError, invalid};
use crate::types::SIMD_UNSUPPORTED;

const CONSTANT_REQUIRED: &str = "constant expression required";

/// Checks that `expr` is constant and produces exactly one `expected` value.
pub(crate) fn check_const_expr(
    module: &Module,
    features: Features,
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
            // Without extended-const, 2.0 rejects arithmetic like any other operator.
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul if features.extended_const => {
                pop_operands(&mut stack, ValType::I32, at)?
            }
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul if features.extended_const => {
                pop_operands(&mut stack, ValType::I64, at)?
            }
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

/// Pops the two `ty` operands of a binary operator and gives its result type.
fn pop_operands(
    stack: &mut Vec<ValType>,
    ty: ValType,
    at: usize,
) -> Result<ValType, ValidationError> {
    for _ in 0..2 {
        if stack.pop() != Some(ty) {
            return invalid(at, "type mismatch");
        }
    }
    Ok(ty)
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
