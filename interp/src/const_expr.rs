//! Evaluation of constant expressions (global, table and offset initializers,
//! element items), including the extended-const arithmetic.

use myrt_parser::{ConstExpr, ConstOp};

use crate::Error;
use crate::store::{InstanceEntity, NULL_REF, StoreInner};

/// Evaluates `expr` in the context of the instance being built; the result is
/// a value cell. Validation guarantees a well-typed expression, so a failure
/// here means the validator let something through: it is reported, not a panic.
pub(crate) fn eval_const_expr(
    expr: &ConstExpr,
    instance: &InstanceEntity,
    store: &StoreInner,
) -> Result<u64, Error> {
    let mut stack: Vec<u64> = Vec::with_capacity(2);
    for op in &expr.ops {
        let value = match *op {
            ConstOp::I32Const(v) => v as u32 as u64,
            ConstOp::I64Const(v) => v as u64,
            ConstOp::F32Const(bits) => bits as u64,
            ConstOp::F64Const(bits) => bits,
            ConstOp::RefNull(_) => NULL_REF,
            ConstOp::RefFunc(idx) => {
                *instance
                    .funcs
                    .get(idx as usize)
                    .ok_or_else(|| invalid(expr))? as u64
                    + 1
            }
            ConstOp::GlobalGet(idx) => {
                let global = instance
                    .globals
                    .get(idx as usize)
                    .ok_or_else(|| invalid(expr))?;
                store.globals[*global as usize].value
            }
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                let (a, b) = pop2(&mut stack, expr)?;
                let (a, b) = (a as u32, b as u32);
                let result = match op {
                    ConstOp::I32Add => a.wrapping_add(b),
                    ConstOp::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                };
                result as u64
            }
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let (a, b) = pop2(&mut stack, expr)?;
                match op {
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }
            }
            ConstOp::NonConstant { .. } | ConstOp::V128Const { .. } => return Err(invalid(expr)),
        };
        stack.push(value);
    }
    match stack.as_slice() {
        [value] => Ok(*value),
        _ => Err(invalid(expr)),
    }
}

fn pop2(stack: &mut Vec<u64>, expr: &ConstExpr) -> Result<(u64, u64), Error> {
    let b = stack.pop().ok_or_else(|| invalid(expr))?;
    let a = stack.pop().ok_or_else(|| invalid(expr))?;
    Ok((a, b))
}

fn invalid(expr: &ConstExpr) -> Error {
    Error::Other(format!(
        "cannot evaluate the constant expression at offset 0x{:x}",
        expr.offset
    ))
}
