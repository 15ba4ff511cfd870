//! Type signatures of the numeric operators (constants, tests, comparisons,
//! arithmetic, conversions): each takes fixed operand types and produces one
//! value, so one table covers them all.

use myrt_parser::ValType::{self, F32, F64, I32, I64};
use myrt_parser::wasmparser::Operator as Op;

/// `(operands, result)` of a numeric operator, `None` for any other operator.
pub(super) fn signature(op: &Op<'_>) -> Option<(&'static [ValType], ValType)> {
    Some(match op {
        Op::I32Const { .. } => (&[], I32),
        Op::I64Const { .. } => (&[], I64),
        Op::F32Const { .. } => (&[], F32),
        Op::F64Const { .. } => (&[], F64),

        Op::I32Eqz
        | Op::I32Clz
        | Op::I32Ctz
        | Op::I32Popcnt
        | Op::I32Extend8S
        | Op::I32Extend16S => (&[I32], I32),
        Op::I32Eq
        | Op::I32Ne
        | Op::I32LtS
        | Op::I32LtU
        | Op::I32GtS
        | Op::I32GtU
        | Op::I32LeS
        | Op::I32LeU
        | Op::I32GeS
        | Op::I32GeU
        | Op::I32Add
        | Op::I32Sub
        | Op::I32Mul
        | Op::I32DivS
        | Op::I32DivU
        | Op::I32RemS
        | Op::I32RemU
        | Op::I32And
        | Op::I32Or
        | Op::I32Xor
        | Op::I32Shl
        | Op::I32ShrS
        | Op::I32ShrU
        | Op::I32Rotl
        | Op::I32Rotr => (&[I32, I32], I32),

        Op::I64Eqz => (&[I64], I32),
        Op::I64Clz
        | Op::I64Ctz
        | Op::I64Popcnt
        | Op::I64Extend8S
        | Op::I64Extend16S
        | Op::I64Extend32S => (&[I64], I64),
        Op::I64Eq
        | Op::I64Ne
        | Op::I64LtS
        | Op::I64LtU
        | Op::I64GtS
        | Op::I64GtU
        | Op::I64LeS
        | Op::I64LeU
        | Op::I64GeS
        | Op::I64GeU => (&[I64, I64], I32),
        Op::I64Add
        | Op::I64Sub
        | Op::I64Mul
        | Op::I64DivS
        | Op::I64DivU
        | Op::I64RemS
        | Op::I64RemU
        | Op::I64And
        | Op::I64Or
        | Op::I64Xor
        | Op::I64Shl
        | Op::I64ShrS
        | Op::I64ShrU
        | Op::I64Rotl
        | Op::I64Rotr => (&[I64, I64], I64),

        Op::F32Eq | Op::F32Ne | Op::F32Lt | Op::F32Gt | Op::F32Le | Op::F32Ge => (&[F32, F32], I32),
        Op::F32Abs
        | Op::F32Neg
        | Op::F32Ceil
        | Op::F32Floor
        | Op::F32Trunc
        | Op::F32Nearest
        | Op::F32Sqrt => (&[F32], F32),
        Op::F32Add
        | Op::F32Sub
        | Op::F32Mul
        | Op::F32Div
        | Op::F32Min
        | Op::F32Max
        | Op::F32Copysign => (&[F32, F32], F32),

        Op::F64Eq | Op::F64Ne | Op::F64Lt | Op::F64Gt | Op::F64Le | Op::F64Ge => (&[F64, F64], I32),
        Op::F64Abs
        | Op::F64Neg
        | Op::F64Ceil
        | Op::F64Floor
        | Op::F64Trunc
        | Op::F64Nearest
        | Op::F64Sqrt => (&[F64], F64),
        Op::F64Add
        | Op::F64Sub
        | Op::F64Mul
        | Op::F64Div
        | Op::F64Min
        | Op::F64Max
        | Op::F64Copysign => (&[F64, F64], F64),

        Op::I32WrapI64 => (&[I64], I32),
        Op::I32TruncF32S
        | Op::I32TruncF32U
        | Op::I32TruncSatF32S
        | Op::I32TruncSatF32U
        | Op::I32ReinterpretF32 => (&[F32], I32),
        Op::I32TruncF64S | Op::I32TruncF64U | Op::I32TruncSatF64S | Op::I32TruncSatF64U => {
            (&[F64], I32)
        }
        Op::I64ExtendI32S | Op::I64ExtendI32U => (&[I32], I64),
        Op::I64TruncF32S | Op::I64TruncF32U | Op::I64TruncSatF32S | Op::I64TruncSatF32U => {
            (&[F32], I64)
        }
        Op::I64TruncF64S
        | Op::I64TruncF64U
        | Op::I64TruncSatF64S
        | Op::I64TruncSatF64U
        | Op::I64ReinterpretF64 => (&[F64], I64),
        Op::F32ConvertI32S | Op::F32ConvertI32U | Op::F32ReinterpretI32 => (&[I32], F32),
        Op::F32ConvertI64S | Op::F32ConvertI64U => (&[I64], F32),
        Op::F32DemoteF64 => (&[F64], F32),
        Op::F64ConvertI32S | Op::F64ConvertI32U => (&[I32], F64),
        Op::F64ConvertI64S | Op::F64ConvertI64U | Op::F64ReinterpretI64 => (&[I64], F64),
        Op::F64PromoteF32 => (&[F32], F64),

        _ => return None,
    })
}
