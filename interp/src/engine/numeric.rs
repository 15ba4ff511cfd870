//! The generated instructions: numeric operators (one row each, with their
//! exact semantics), memory loads and stores, fused compare-and-branch, the
//! accumulator forms of the commonest integer operators, and loop steps fused
//! with the jump back.
//!
//! [`for_each_numeric_op!`] is the single definition of these rows. It expands (through a
//! callback macro) into the bytecode variants (`bytecode.rs`), the
//! translation from wasm operators (`translate.rs`), the executor's
//! handlers (`exec.rs`) and the functions in [`semantics`] below. A row is
//! `Name [/ NameImm]: fn(params) -> result { body }`. The name is the
//! wasmparser `Operator` variant it implements. `NameImm` adds a variant whose
//! right operand is an `i32` immediate (sign-extended for i64 ops), used when
//! the wasm right operand is a small constant. A body may return a plain
//! value or `Result<_, TrapCode>`.

use crate::TrapCode;

macro_rules! for_each_numeric_op {
    ($callback:ident) => {
        $callback! {
            binary {
                I32Add / I32AddImm: fn(a: i32, b: i32) -> i32 { a.wrapping_add(b) }
                I32Sub / I32SubImm: fn(a: i32, b: i32) -> i32 { a.wrapping_sub(b) }
                I32Mul / I32MulImm: fn(a: i32, b: i32) -> i32 { a.wrapping_mul(b) }
                I32DivS / I32DivSImm: fn(a: i32, b: i32) -> Result<i32, TrapCode> { int_div_s!(a, b, i32) }
                I32DivU / I32DivUImm: fn(a: i32, b: i32) -> Result<i32, TrapCode> { int_div_u!(a, b, u32) }
                I32RemS / I32RemSImm: fn(a: i32, b: i32) -> Result<i32, TrapCode> { int_rem_s!(a, b) }
                I32RemU / I32RemUImm: fn(a: i32, b: i32) -> Result<i32, TrapCode> { int_rem_u!(a, b, u32) }
                I32And / I32AndImm: fn(a: i32, b: i32) -> i32 { a & b }
                I32Or / I32OrImm: fn(a: i32, b: i32) -> i32 { a | b }
                I32Xor / I32XorImm: fn(a: i32, b: i32) -> i32 { a ^ b }
                I32Shl / I32ShlImm: fn(a: i32, b: i32) -> i32 { a.wrapping_shl(b as u32) }
                I32ShrS / I32ShrSImm: fn(a: i32, b: i32) -> i32 { a.wrapping_shr(b as u32) }
                I32ShrU / I32ShrUImm: fn(a: i32, b: i32) -> i32 { (a as u32).wrapping_shr(b as u32) as i32 }
                I32Rotl / I32RotlImm: fn(a: i32, b: i32) -> i32 { a.rotate_left(b as u32) }
                I32Rotr / I32RotrImm: fn(a: i32, b: i32) -> i32 { a.rotate_right(b as u32) }
                I32Eq / I32EqImm: fn(a: i32, b: i32) -> i32 { (a == b) as i32 }
                I32Ne / I32NeImm: fn(a: i32, b: i32) -> i32 { (a != b) as i32 }
                I32LtS / I32LtSImm: fn(a: i32, b: i32) -> i32 { (a < b) as i32 }
                I32LtU / I32LtUImm: fn(a: i32, b: i32) -> i32 { ((a as u32) < (b as u32)) as i32 }
                I32GtS / I32GtSImm: fn(a: i32, b: i32) -> i32 { (a > b) as i32 }
                I32GtU / I32GtUImm: fn(a: i32, b: i32) -> i32 { ((a as u32) > (b as u32)) as i32 }
                I32LeS / I32LeSImm: fn(a: i32, b: i32) -> i32 { (a <= b) as i32 }
                I32LeU / I32LeUImm: fn(a: i32, b: i32) -> i32 { ((a as u32) <= (b as u32)) as i32 }
                I32GeS / I32GeSImm: fn(a: i32, b: i32) -> i32 { (a >= b) as i32 }
                I32GeU / I32GeUImm: fn(a: i32, b: i32) -> i32 { ((a as u32) >= (b as u32)) as i32 }

                I64Add / I64AddImm: fn(a: i64, b: i64) -> i64 { a.wrapping_add(b) }
                I64Sub / I64SubImm: fn(a: i64, b: i64) -> i64 { a.wrapping_sub(b) }
                I64Mul / I64MulImm: fn(a: i64, b: i64) -> i64 { a.wrapping_mul(b) }
                I64DivS / I64DivSImm: fn(a: i64, b: i64) -> Result<i64, TrapCode> { int_div_s!(a, b, i64) }
                I64DivU / I64DivUImm: fn(a: i64, b: i64) -> Result<i64, TrapCode> { int_div_u!(a, b, u64) }
                I64RemS / I64RemSImm: fn(a: i64, b: i64) -> Result<i64, TrapCode> { int_rem_s!(a, b) }
                I64RemU / I64RemUImm: fn(a: i64, b: i64) -> Result<i64, TrapCode> { int_rem_u!(a, b, u64) }
                I64And / I64AndImm: fn(a: i64, b: i64) -> i64 { a & b }
                I64Or / I64OrImm: fn(a: i64, b: i64) -> i64 { a | b }
                I64Xor / I64XorImm: fn(a: i64, b: i64) -> i64 { a ^ b }
                I64Shl / I64ShlImm: fn(a: i64, b: i64) -> i64 { a.wrapping_shl(b as u32) }
                I64ShrS / I64ShrSImm: fn(a: i64, b: i64) -> i64 { a.wrapping_shr(b as u32) }
                I64ShrU / I64ShrUImm: fn(a: i64, b: i64) -> i64 { (a as u64).wrapping_shr(b as u32) as i64 }
                I64Rotl / I64RotlImm: fn(a: i64, b: i64) -> i64 { a.rotate_left(b as u32) }
                I64Rotr / I64RotrImm: fn(a: i64, b: i64) -> i64 { a.rotate_right(b as u32) }
                I64Eq / I64EqImm: fn(a: i64, b: i64) -> i32 { (a == b) as i32 }
                I64Ne / I64NeImm: fn(a: i64, b: i64) -> i32 { (a != b) as i32 }
                I64LtS / I64LtSImm: fn(a: i64, b: i64) -> i32 { (a < b) as i32 }
                I64LtU / I64LtUImm: fn(a: i64, b: i64) -> i32 { ((a as u64) < (b as u64)) as i32 }
                I64GtS / I64GtSImm: fn(a: i64, b: i64) -> i32 { (a > b) as i32 }
                I64GtU / I64GtUImm: fn(a: i64, b: i64) -> i32 { ((a as u64) > (b as u64)) as i32 }
                I64LeS / I64LeSImm: fn(a: i64, b: i64) -> i32 { (a <= b) as i32 }
                I64LeU / I64LeUImm: fn(a: i64, b: i64) -> i32 { ((a as u64) <= (b as u64)) as i32 }
                I64GeS / I64GeSImm: fn(a: i64, b: i64) -> i32 { (a >= b) as i32 }
                I64GeU / I64GeUImm: fn(a: i64, b: i64) -> i32 { ((a as u64) >= (b as u64)) as i32 }

                F32Add: fn(a: f32, b: f32) -> f32 { a + b }
                F32Sub: fn(a: f32, b: f32) -> f32 { a - b }
                F32Mul: fn(a: f32, b: f32) -> f32 { a * b }
                F32Div: fn(a: f32, b: f32) -> f32 { a / b }
                F32Min: fn(a: f32, b: f32) -> f32 { float_min!(a, b, f32) }
                F32Max: fn(a: f32, b: f32) -> f32 { float_max!(a, b, f32) }
                F32Copysign: fn(a: f32, b: f32) -> f32 { a.copysign(b) }
                F32Eq: fn(a: f32, b: f32) -> i32 { (a == b) as i32 }
                F32Ne: fn(a: f32, b: f32) -> i32 { (a != b) as i32 }
                F32Lt: fn(a: f32, b: f32) -> i32 { (a < b) as i32 }
                F32Gt: fn(a: f32, b: f32) -> i32 { (a > b) as i32 }
                F32Le: fn(a: f32, b: f32) -> i32 { (a <= b) as i32 }
                F32Ge: fn(a: f32, b: f32) -> i32 { (a >= b) as i32 }

                F64Add: fn(a: f64, b: f64) -> f64 { a + b }
                F64Sub: fn(a: f64, b: f64) -> f64 { a - b }
                F64Mul: fn(a: f64, b: f64) -> f64 { a * b }
                F64Div: fn(a: f64, b: f64) -> f64 { a / b }
                F64Min: fn(a: f64, b: f64) -> f64 { float_min!(a, b, f64) }
                F64Max: fn(a: f64, b: f64) -> f64 { float_max!(a, b, f64) }
                F64Copysign: fn(a: f64, b: f64) -> f64 { a.copysign(b) }
                F64Eq: fn(a: f64, b: f64) -> i32 { (a == b) as i32 }
                F64Ne: fn(a: f64, b: f64) -> i32 { (a != b) as i32 }
                F64Lt: fn(a: f64, b: f64) -> i32 { (a < b) as i32 }
                F64Gt: fn(a: f64, b: f64) -> i32 { (a > b) as i32 }
                F64Le: fn(a: f64, b: f64) -> i32 { (a <= b) as i32 }
                F64Ge: fn(a: f64, b: f64) -> i32 { (a >= b) as i32 }
            }
            unary {
                I32Eqz: fn(a: i32) -> i32 { (a == 0) as i32 }
                I32Clz: fn(a: i32) -> i32 { a.leading_zeros() as i32 }
                I32Ctz: fn(a: i32) -> i32 { a.trailing_zeros() as i32 }
                I32Popcnt: fn(a: i32) -> i32 { a.count_ones() as i32 }
                I32Extend8S: fn(a: i32) -> i32 { a as i8 as i32 }
                I32Extend16S: fn(a: i32) -> i32 { a as i16 as i32 }
                I64Eqz: fn(a: i64) -> i32 { (a == 0) as i32 }
                I64Clz: fn(a: i64) -> i64 { a.leading_zeros() as i64 }
                I64Ctz: fn(a: i64) -> i64 { a.trailing_zeros() as i64 }
                I64Popcnt: fn(a: i64) -> i64 { a.count_ones() as i64 }
                I64Extend8S: fn(a: i64) -> i64 { a as i8 as i64 }
                I64Extend16S: fn(a: i64) -> i64 { a as i16 as i64 }
                I64Extend32S: fn(a: i64) -> i64 { a as i32 as i64 }

                F32Abs: fn(a: f32) -> f32 { a.abs() }
                F32Neg: fn(a: f32) -> f32 { -a }
                F32Sqrt: fn(a: f32) -> f32 { a.sqrt() }
                F32Ceil: fn(a: f32) -> f32 { quiet_nan!(a, a.ceil()) }
                F32Floor: fn(a: f32) -> f32 { quiet_nan!(a, a.floor()) }
                F32Trunc: fn(a: f32) -> f32 { quiet_nan!(a, a.trunc()) }
                F32Nearest: fn(a: f32) -> f32 { quiet_nan!(a, a.round_ties_even()) }
                F64Abs: fn(a: f64) -> f64 { a.abs() }
                F64Neg: fn(a: f64) -> f64 { -a }
                F64Sqrt: fn(a: f64) -> f64 { a.sqrt() }
                F64Ceil: fn(a: f64) -> f64 { quiet_nan!(a, a.ceil()) }
                F64Floor: fn(a: f64) -> f64 { quiet_nan!(a, a.floor()) }
                F64Trunc: fn(a: f64) -> f64 { quiet_nan!(a, a.trunc()) }
                F64Nearest: fn(a: f64) -> f64 { quiet_nan!(a, a.round_ties_even()) }

                I32WrapI64: fn(a: i64) -> i32 { a as i32 }
                I64ExtendI32S: fn(a: i32) -> i64 { a as i64 }
                I64ExtendI32U: fn(a: i32) -> i64 { a as u32 as i64 }
                I32TruncF32S: fn(a: f32) -> Result<i32, TrapCode> { trunc_checked!(a as f64, i32, -2147483648.0, 2147483647.0) }
                I32TruncF32U: fn(a: f32) -> Result<i32, TrapCode> { trunc_checked!(a as f64, u32, 0.0, 4294967295.0).map(|v| v as i32) }
                I32TruncF64S: fn(a: f64) -> Result<i32, TrapCode> { trunc_checked!(a, i32, -2147483648.0, 2147483647.0) }
                I32TruncF64U: fn(a: f64) -> Result<i32, TrapCode> { trunc_checked!(a, u32, 0.0, 4294967295.0).map(|v| v as i32) }
                I64TruncF32S: fn(a: f32) -> Result<i64, TrapCode> { trunc_checked!(a as f64, i64, -9223372036854775808.0, excl 9223372036854775808.0) }
                I64TruncF32U: fn(a: f32) -> Result<i64, TrapCode> { trunc_checked!(a as f64, u64, 0.0, excl 18446744073709551616.0).map(|v| v as i64) }
                I64TruncF64S: fn(a: f64) -> Result<i64, TrapCode> { trunc_checked!(a, i64, -9223372036854775808.0, excl 9223372036854775808.0) }
                I64TruncF64U: fn(a: f64) -> Result<i64, TrapCode> { trunc_checked!(a, u64, 0.0, excl 18446744073709551616.0).map(|v| v as i64) }
                // Rust's float-to-int `as` saturates and maps NaN to 0: exactly `trunc_sat`.
                I32TruncSatF32S: fn(a: f32) -> i32 { a as i32 }
                I32TruncSatF32U: fn(a: f32) -> i32 { a as u32 as i32 }
                I32TruncSatF64S: fn(a: f64) -> i32 { a as i32 }
                I32TruncSatF64U: fn(a: f64) -> i32 { a as u32 as i32 }
                I64TruncSatF32S: fn(a: f32) -> i64 { a as i64 }
                I64TruncSatF32U: fn(a: f32) -> i64 { a as u64 as i64 }
                I64TruncSatF64S: fn(a: f64) -> i64 { a as i64 }
                I64TruncSatF64U: fn(a: f64) -> i64 { a as u64 as i64 }
                // Rust's int-to-float `as` rounds to nearest, ties to even, as wasm requires.
                F32ConvertI32S: fn(a: i32) -> f32 { a as f32 }
                F32ConvertI32U: fn(a: i32) -> f32 { a as u32 as f32 }
                F32ConvertI64S: fn(a: i64) -> f32 { a as f32 }
                F32ConvertI64U: fn(a: i64) -> f32 { a as u64 as f32 }
                F64ConvertI32S: fn(a: i32) -> f64 { a as f64 }
                F64ConvertI32U: fn(a: i32) -> f64 { a as u32 as f64 }
                F64ConvertI64S: fn(a: i64) -> f64 { a as f64 }
                F64ConvertI64U: fn(a: i64) -> f64 { a as u64 as f64 }
                F32DemoteF64: fn(a: f64) -> f32 { a as f32 }
                F64PromoteF32: fn(a: f32) -> f64 { a as f64 }
                // Reinterpretations keep the bits: cells already hold bits, so these are copies.
                I32ReinterpretF32: fn(a: i32) -> i32 { a }
                I64ReinterpretF64: fn(a: i64) -> i64 { a }
                F32ReinterpretI32: fn(a: i32) -> i32 { a }
                F64ReinterpretI64: fn(a: i64) -> i64 { a }

                RefIsNull: fn(a: u64) -> i32 { (a == crate::store::entities::NULL_REF) as i32 }
            }
            // `Name => ToAcc, AccAddr, AccAddrToAcc, AddImm, AddImmToAcc, At, AtToAcc: T as C`:
            // read a little-endian `T` at the effective address, widen it to `C`; the
            // accumulator forms write the result to it and take the address from it. `AddImm`
            // computes the address as `addr + imm` (wrapping, as the `i32.add` it absorbs) before
            // adding the offset; `At` reads an address known at translation time.
            load {
                I32Load => I32LoadToAcc, I32LoadAccAddr, I32LoadAccAddrToAcc, I32LoadAddImm, I32LoadAddImmToAcc, I32LoadAt, I32LoadAtToAcc: i32 as i32;
                I64Load => I64LoadToAcc, I64LoadAccAddr, I64LoadAccAddrToAcc, I64LoadAddImm, I64LoadAddImmToAcc, I64LoadAt, I64LoadAtToAcc: i64 as i64;
                F32Load => F32LoadToAcc, F32LoadAccAddr, F32LoadAccAddrToAcc, F32LoadAddImm, F32LoadAddImmToAcc, F32LoadAt, F32LoadAtToAcc: u32 as u32;
                F64Load => F64LoadToAcc, F64LoadAccAddr, F64LoadAccAddrToAcc, F64LoadAddImm, F64LoadAddImmToAcc, F64LoadAt, F64LoadAtToAcc: u64 as u64;
                I32Load8S => I32Load8SToAcc, I32Load8SAccAddr, I32Load8SAccAddrToAcc, I32Load8SAddImm, I32Load8SAddImmToAcc, I32Load8SAt, I32Load8SAtToAcc: i8 as i32;
                I32Load8U => I32Load8UToAcc, I32Load8UAccAddr, I32Load8UAccAddrToAcc, I32Load8UAddImm, I32Load8UAddImmToAcc, I32Load8UAt, I32Load8UAtToAcc: u8 as i32;
                I32Load16S => I32Load16SToAcc, I32Load16SAccAddr, I32Load16SAccAddrToAcc, I32Load16SAddImm, I32Load16SAddImmToAcc, I32Load16SAt, I32Load16SAtToAcc: i16 as i32;
                I32Load16U => I32Load16UToAcc, I32Load16UAccAddr, I32Load16UAccAddrToAcc, I32Load16UAddImm, I32Load16UAddImmToAcc, I32Load16UAt, I32Load16UAtToAcc: u16 as i32;
                I64Load8S => I64Load8SToAcc, I64Load8SAccAddr, I64Load8SAccAddrToAcc, I64Load8SAddImm, I64Load8SAddImmToAcc, I64Load8SAt, I64Load8SAtToAcc: i8 as i64;
                I64Load8U => I64Load8UToAcc, I64Load8UAccAddr, I64Load8UAccAddrToAcc, I64Load8UAddImm, I64Load8UAddImmToAcc, I64Load8UAt, I64Load8UAtToAcc: u8 as i64;
                I64Load16S => I64Load16SToAcc, I64Load16SAccAddr, I64Load16SAccAddrToAcc, I64Load16SAddImm, I64Load16SAddImmToAcc, I64Load16SAt, I64Load16SAtToAcc: i16 as i64;
                I64Load16U => I64Load16UToAcc, I64Load16UAccAddr, I64Load16UAccAddrToAcc, I64Load16UAddImm, I64Load16UAddImmToAcc, I64Load16UAt, I64Load16UAtToAcc: u16 as i64;
                I64Load32S => I64Load32SToAcc, I64Load32SAccAddr, I64Load32SAccAddrToAcc, I64Load32SAddImm, I64Load32SAddImmToAcc, I64Load32SAt, I64Load32SAtToAcc: i32 as i64;
                I64Load32U => I64Load32UToAcc, I64Load32UAccAddr, I64Load32UAccAddrToAcc, I64Load32UAddImm, I64Load32UAddImmToAcc, I64Load32UAt, I64Load32UAtToAcc: u32 as i64;
            }
            // `Name / NameImm => AccValue, At, AtAccValue: C as T`: take the cell (or the `i32`
            // immediate, or the accumulator) as `C`, narrow it to `T`, write it little-endian;
            // `At` writes at an address known at translation time.
            store {
                I32Store / I32StoreImm => I32StoreAccValue, I32StoreAt, I32StoreAtAccValue: i32 as i32;
                I64Store / I64StoreImm => I64StoreAccValue, I64StoreAt, I64StoreAtAccValue: i64 as i64;
                F32Store / F32StoreImm => F32StoreAccValue, F32StoreAt, F32StoreAtAccValue: u32 as u32;
                F64Store / F64StoreImm => F64StoreAccValue, F64StoreAt, F64StoreAtAccValue: u64 as u64;
                I32Store8 / I32Store8Imm => I32Store8AccValue, I32Store8At, I32Store8AtAccValue: i32 as u8;
                I32Store16 / I32Store16Imm => I32Store16AccValue, I32Store16At, I32Store16AtAccValue: i32 as u16;
                I64Store8 / I64Store8Imm => I64Store8AccValue, I64Store8At, I64Store8AtAccValue: i64 as u8;
                I64Store16 / I64Store16Imm => I64Store16AccValue, I64Store16At, I64Store16AtAccValue: i64 as u16;
                I64Store32 / I64Store32Imm => I64Store32AccValue, I64Store32At, I64Store32AtAccValue: i64 as u32;
            }
            // `BrIfName / BrIfNameImm = Compare / CompareImm, not BrIfNegated / BrIfNegatedImm`:
            // `br_if` fused with an integer comparison (the negation serves `if`, which
            // branches when its condition is false).
            branch_cmp {
                BrIfI32Eq / BrIfI32EqImm = I32Eq / I32EqImm, not BrIfI32Ne / BrIfI32NeImm;
                BrIfI32Ne / BrIfI32NeImm = I32Ne / I32NeImm, not BrIfI32Eq / BrIfI32EqImm;
                BrIfI32LtS / BrIfI32LtSImm = I32LtS / I32LtSImm, not BrIfI32GeS / BrIfI32GeSImm;
                BrIfI32LtU / BrIfI32LtUImm = I32LtU / I32LtUImm, not BrIfI32GeU / BrIfI32GeUImm;
                BrIfI32GtS / BrIfI32GtSImm = I32GtS / I32GtSImm, not BrIfI32LeS / BrIfI32LeSImm;
                BrIfI32GtU / BrIfI32GtUImm = I32GtU / I32GtUImm, not BrIfI32LeU / BrIfI32LeUImm;
                BrIfI32LeS / BrIfI32LeSImm = I32LeS / I32LeSImm, not BrIfI32GtS / BrIfI32GtSImm;
                BrIfI32LeU / BrIfI32LeUImm = I32LeU / I32LeUImm, not BrIfI32GtU / BrIfI32GtUImm;
                BrIfI32GeS / BrIfI32GeSImm = I32GeS / I32GeSImm, not BrIfI32LtS / BrIfI32LtSImm;
                BrIfI32GeU / BrIfI32GeUImm = I32GeU / I32GeUImm, not BrIfI32LtU / BrIfI32LtUImm;
                BrIfI64Eq / BrIfI64EqImm = I64Eq / I64EqImm, not BrIfI64Ne / BrIfI64NeImm;
                BrIfI64Ne / BrIfI64NeImm = I64Ne / I64NeImm, not BrIfI64Eq / BrIfI64EqImm;
                BrIfI64LtS / BrIfI64LtSImm = I64LtS / I64LtSImm, not BrIfI64GeS / BrIfI64GeSImm;
                BrIfI64LtU / BrIfI64LtUImm = I64LtU / I64LtUImm, not BrIfI64GeU / BrIfI64GeUImm;
                BrIfI64GtS / BrIfI64GtSImm = I64GtS / I64GtSImm, not BrIfI64LeS / BrIfI64LeSImm;
                BrIfI64GtU / BrIfI64GtUImm = I64GtU / I64GtUImm, not BrIfI64LeU / BrIfI64LeUImm;
                BrIfI64LeS / BrIfI64LeSImm = I64LeS / I64LeSImm, not BrIfI64GtS / BrIfI64GtSImm;
                BrIfI64LeU / BrIfI64LeUImm = I64LeU / I64LeUImm, not BrIfI64GtU / BrIfI64GtUImm;
                BrIfI64GeS / BrIfI64GeSImm = I64GeS / I64GeSImm, not BrIfI64LtS / BrIfI64LtSImm;
                BrIfI64GeU / BrIfI64GeUImm = I64GeU / I64GeUImm, not BrIfI64LtU / BrIfI64LtUImm;
            }
            // `Name / NameImm = Op / OpImm, zero ZeroName / ZeroNameImm`: a conditional branch
            // fused with the binary row `Op` (not a comparison) that computes its condition,
            // taken when the result is not zero or, for `ZeroName`, when it is: the flag and
            // bit-field tests (`x & mask; br_if`) of compiled code.
            branch_test {
                BrIfI32And / BrIfI32AndImm = I32And / I32AndImm, zero BrIfI32AndEqz / BrIfI32AndEqzImm;
            }
            // `Name / NameImm => ToAcc, ImmToAcc, AccRhs, AccLhs, AccImm, AccRhsToAcc, AccLhsToAcc,
            // AccImmToAcc`: variants of binary row `Name` (not trapping) whose result goes to
            // the accumulator (`...ToAcc`) and whose left or right operand comes from it
            // (`AccLhs`, `AccRhs`, `AccImm` for `NameImm`), so that a value computed for the
            // very next instruction stays in a register.
            accumulate {
                I32Add / I32AddImm => I32AddToAcc, I32AddImmToAcc, I32AddAccRhs, I32AddAccLhs, I32AddAccImm, I32AddAccRhsToAcc, I32AddAccLhsToAcc, I32AddAccImmToAcc;
                I32Sub / I32SubImm => I32SubToAcc, I32SubImmToAcc, I32SubAccRhs, I32SubAccLhs, I32SubAccImm, I32SubAccRhsToAcc, I32SubAccLhsToAcc, I32SubAccImmToAcc;
                I32Mul / I32MulImm => I32MulToAcc, I32MulImmToAcc, I32MulAccRhs, I32MulAccLhs, I32MulAccImm, I32MulAccRhsToAcc, I32MulAccLhsToAcc, I32MulAccImmToAcc;
                I32And / I32AndImm => I32AndToAcc, I32AndImmToAcc, I32AndAccRhs, I32AndAccLhs, I32AndAccImm, I32AndAccRhsToAcc, I32AndAccLhsToAcc, I32AndAccImmToAcc;
                I32Or / I32OrImm => I32OrToAcc, I32OrImmToAcc, I32OrAccRhs, I32OrAccLhs, I32OrAccImm, I32OrAccRhsToAcc, I32OrAccLhsToAcc, I32OrAccImmToAcc;
                I32Xor / I32XorImm => I32XorToAcc, I32XorImmToAcc, I32XorAccRhs, I32XorAccLhs, I32XorAccImm, I32XorAccRhsToAcc, I32XorAccLhsToAcc, I32XorAccImmToAcc;
                I32Shl / I32ShlImm => I32ShlToAcc, I32ShlImmToAcc, I32ShlAccRhs, I32ShlAccLhs, I32ShlAccImm, I32ShlAccRhsToAcc, I32ShlAccLhsToAcc, I32ShlAccImmToAcc;
                I32ShrS / I32ShrSImm => I32ShrSToAcc, I32ShrSImmToAcc, I32ShrSAccRhs, I32ShrSAccLhs, I32ShrSAccImm, I32ShrSAccRhsToAcc, I32ShrSAccLhsToAcc, I32ShrSAccImmToAcc;
                I32ShrU / I32ShrUImm => I32ShrUToAcc, I32ShrUImmToAcc, I32ShrUAccRhs, I32ShrUAccLhs, I32ShrUAccImm, I32ShrUAccRhsToAcc, I32ShrUAccLhsToAcc, I32ShrUAccImmToAcc;
                I32Rotl / I32RotlImm => I32RotlToAcc, I32RotlImmToAcc, I32RotlAccRhs, I32RotlAccLhs, I32RotlAccImm, I32RotlAccRhsToAcc, I32RotlAccLhsToAcc, I32RotlAccImmToAcc;
                I32Rotr / I32RotrImm => I32RotrToAcc, I32RotrImmToAcc, I32RotrAccRhs, I32RotrAccLhs, I32RotrAccImm, I32RotrAccRhsToAcc, I32RotrAccLhsToAcc, I32RotrAccImmToAcc;
                I64Add / I64AddImm => I64AddToAcc, I64AddImmToAcc, I64AddAccRhs, I64AddAccLhs, I64AddAccImm, I64AddAccRhsToAcc, I64AddAccLhsToAcc, I64AddAccImmToAcc;
                I64Sub / I64SubImm => I64SubToAcc, I64SubImmToAcc, I64SubAccRhs, I64SubAccLhs, I64SubAccImm, I64SubAccRhsToAcc, I64SubAccLhsToAcc, I64SubAccImmToAcc;
                I64Mul / I64MulImm => I64MulToAcc, I64MulImmToAcc, I64MulAccRhs, I64MulAccLhs, I64MulAccImm, I64MulAccRhsToAcc, I64MulAccLhsToAcc, I64MulAccImmToAcc;
                I64And / I64AndImm => I64AndToAcc, I64AndImmToAcc, I64AndAccRhs, I64AndAccLhs, I64AndAccImm, I64AndAccRhsToAcc, I64AndAccLhsToAcc, I64AndAccImmToAcc;
                I64Or / I64OrImm => I64OrToAcc, I64OrImmToAcc, I64OrAccRhs, I64OrAccLhs, I64OrAccImm, I64OrAccRhsToAcc, I64OrAccLhsToAcc, I64OrAccImmToAcc;
                I64Xor / I64XorImm => I64XorToAcc, I64XorImmToAcc, I64XorAccRhs, I64XorAccLhs, I64XorAccImm, I64XorAccRhsToAcc, I64XorAccLhsToAcc, I64XorAccImmToAcc;
                I64Shl / I64ShlImm => I64ShlToAcc, I64ShlImmToAcc, I64ShlAccRhs, I64ShlAccLhs, I64ShlAccImm, I64ShlAccRhsToAcc, I64ShlAccLhsToAcc, I64ShlAccImmToAcc;
                I64ShrS / I64ShrSImm => I64ShrSToAcc, I64ShrSImmToAcc, I64ShrSAccRhs, I64ShrSAccLhs, I64ShrSAccImm, I64ShrSAccRhsToAcc, I64ShrSAccLhsToAcc, I64ShrSAccImmToAcc;
                I64ShrU / I64ShrUImm => I64ShrUToAcc, I64ShrUImmToAcc, I64ShrUAccRhs, I64ShrUAccLhs, I64ShrUAccImm, I64ShrUAccRhsToAcc, I64ShrUAccLhsToAcc, I64ShrUAccImmToAcc;
                I64Rotl / I64RotlImm => I64RotlToAcc, I64RotlImmToAcc, I64RotlAccRhs, I64RotlAccLhs, I64RotlAccImm, I64RotlAccRhsToAcc, I64RotlAccLhsToAcc, I64RotlAccImmToAcc;
                I64Rotr / I64RotrImm => I64RotrToAcc, I64RotrImmToAcc, I64RotrAccRhs, I64RotrAccLhs, I64RotrAccImm, I64RotrAccRhsToAcc, I64RotrAccLhsToAcc, I64RotrAccImmToAcc;
            }
            // `Name / NameImm = Add / AddImm then BrIf = Compare`: a loop's step fused with
            // the jump back that tests the stepped variable, `var = var + step; if var <cmp>
            // limit goto target`, so that a counted loop makes one dispatch less per
            // iteration (see `Translator::fuse_step`).
            step_branch {
                I32AddBrIfNe / I32AddImmBrIfNe = I32Add / I32AddImm then BrIfI32Ne = I32Ne;
                I32AddBrIfLtS / I32AddImmBrIfLtS = I32Add / I32AddImm then BrIfI32LtS = I32LtS;
                I32AddBrIfLtU / I32AddImmBrIfLtU = I32Add / I32AddImm then BrIfI32LtU = I32LtU;
                I32AddBrIfLeS / I32AddImmBrIfLeS = I32Add / I32AddImm then BrIfI32LeS = I32LeS;
                I32AddBrIfLeU / I32AddImmBrIfLeU = I32Add / I32AddImm then BrIfI32LeU = I32LeU;
            }
        }
    };
}
pub(crate) use for_each_numeric_op;

/// Signed division: traps on a zero divisor and on `MIN / -1`.
macro_rules! int_div_s {
    ($a:expr, $b:expr, $t:ty) => {{
        if $b == 0 {
            Err(TrapCode::IntegerDivisionByZero)
        } else if $a == <$t>::MIN && $b == -1 {
            Err(TrapCode::IntegerOverflow)
        } else {
            Ok($a / $b)
        }
    }};
}

macro_rules! int_div_u {
    ($a:expr, $b:expr, $u:ty) => {{
        if $b == 0 {
            Err(TrapCode::IntegerDivisionByZero)
        } else {
            Ok((($a as $u) / ($b as $u)) as _)
        }
    }};
}

/// Signed remainder: `MIN % -1` is 0 in wasm (not a trap).
macro_rules! int_rem_s {
    ($a:expr, $b:expr) => {{
        if $b == 0 {
            Err(TrapCode::IntegerDivisionByZero)
        } else {
            Ok($a.wrapping_rem($b))
        }
    }};
}

macro_rules! int_rem_u {
    ($a:expr, $b:expr, $u:ty) => {{
        if $b == 0 {
            Err(TrapCode::IntegerDivisionByZero)
        } else {
            Ok((($a as $u) % ($b as $u)) as _)
        }
    }};
}

/// wasm `min`: NaN if either operand is NaN, and -0 < +0.
macro_rules! float_min {
    ($a:expr, $b:expr, $t:ty) => {{
        if $a.is_nan() || $b.is_nan() {
            // The sum of a NaN is an arithmetic (quiet) NaN, canonical if the inputs were.
            $a + $b
        } else if $a == $b {
            // Equal non-NaN values differ at most in the sign of zero: prefer -0.
            <$t>::from_bits($a.to_bits() | $b.to_bits())
        } else {
            $a.min($b)
        }
    }};
}

/// wasm `max`: NaN if either operand is NaN, and +0 > -0.
macro_rules! float_max {
    ($a:expr, $b:expr, $t:ty) => {{
        if $a.is_nan() || $b.is_nan() {
            $a + $b
        } else if $a == $b {
            <$t>::from_bits($a.to_bits() & $b.to_bits())
        } else {
            $a.max($b)
        }
    }};
}

/// Rounding functions must return a quiet NaN for a NaN input; a libm
/// fallback may return a signalling NaN unchanged, so quiet it by arithmetic.
macro_rules! quiet_nan {
    ($a:expr, $rounded:expr) => {{ if $a.is_nan() { $a + $a } else { $rounded } }};
}

/// Trapping float-to-int truncation. `$min`/`$max` are the target's bounds
/// as f64 (inclusive; `excl` marks an exclusive upper bound that f64 cannot
/// represent one below).
macro_rules! trunc_checked {
    ($x:expr, $t:ty, $min:expr, excl $max:expr) => {{
        let x: f64 = $x;
        if x.is_nan() {
            Err(TrapCode::BadConversionToInteger)
        } else {
            let t = x.trunc();
            if ($min..$max).contains(&t) {
                Ok(t as $t)
            } else {
                Err(TrapCode::IntegerOverflow)
            }
        }
    }};
    ($x:expr, $t:ty, $min:expr, $max:expr) => {{
        let x: f64 = $x;
        if x.is_nan() {
            Err(TrapCode::BadConversionToInteger)
        } else {
            let t = x.trunc();
            if ($min..=$max).contains(&t) {
                Ok(t as $t)
            } else {
                Err(TrapCode::IntegerOverflow)
            }
        }
    }};
}

/// The semantics of every row, as plain functions named after the operator.
#[allow(non_snake_case)]
pub(crate) mod semantics {
    use super::*;

    macro_rules! define_semantics {
        (
            binary { $( $bname:ident $(/ $bimm:ident)?: fn($a:ident: $at:ty, $b:ident: $bt:ty) -> $br:ty $bbody:block )* }
            unary { $( $uname:ident: fn($x:ident: $xt:ty) -> $ur:ty $ubody:block )* }
            $($rest:tt)*
        ) => {
            $( #[inline(always)] pub(crate) fn $bname($a: $at, $b: $bt) -> $br $bbody )*
            $( #[inline(always)] pub(crate) fn $uname($x: $xt) -> $ur $ubody )*
        };
    }
    for_each_numeric_op!(define_semantics);
}

/// How a typed value sits in a 64-bit cell (see `store::entities`).
pub(crate) trait Cell: Copy {
    fn from_cell(cell: u64) -> Self;
    fn into_cell(self) -> u64;
}

impl Cell for i32 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        cell as u32 as i32
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self as u32 as u64
    }
}

impl Cell for i64 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        cell as i64
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self as u64
    }
}

impl Cell for u32 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        cell as u32
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self as u64
    }
}

impl Cell for u64 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        cell
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self
    }
}

impl Cell for f32 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f32::from_bits(cell as u32)
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self.to_bits() as u64
    }
}

impl Cell for f64 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f64::from_bits(cell)
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self.to_bits()
    }
}

/// The `i32` immediate of an `...Imm` variant, for the operand types that have one.
pub(crate) trait Immediate: Sized {
    /// Widens the immediate to the operand type.
    fn from_imm(imm: i32) -> Self;
    /// The immediate for a constant operand cell, if it fits.
    fn imm_of_cell(cell: u64) -> Option<i32>;
}

impl Immediate for i32 {
    #[inline(always)]
    fn from_imm(imm: i32) -> Self {
        imm
    }
    fn imm_of_cell(cell: u64) -> Option<i32> {
        Some(cell as u32 as i32)
    }
}

impl Immediate for u32 {
    #[inline(always)]
    fn from_imm(imm: i32) -> Self {
        imm as u32
    }
    fn imm_of_cell(cell: u64) -> Option<i32> {
        Some(cell as u32 as i32)
    }
}

impl Immediate for u64 {
    #[inline(always)]
    fn from_imm(imm: i32) -> Self {
        imm as i64 as u64
    }
    fn imm_of_cell(cell: u64) -> Option<i32> {
        i32::try_from(cell as i64).ok()
    }
}

impl Immediate for i64 {
    #[inline(always)]
    fn from_imm(imm: i32) -> Self {
        imm as i64
    }
    fn imm_of_cell(cell: u64) -> Option<i32> {
        i32::try_from(cell as i64).ok()
    }
}

/// Lets the executor treat trapping and non-trapping rows alike.
pub(crate) trait Outcome {
    type Value: Cell;
    fn into_outcome(self) -> Result<Self::Value, TrapCode>;
}

impl<T: Cell> Outcome for T {
    type Value = T;
    #[inline(always)]
    fn into_outcome(self) -> Result<T, TrapCode> {
        Ok(self)
    }
}

impl<T: Cell> Outcome for Result<T, TrapCode> {
    type Value = T;
    #[inline(always)]
    fn into_outcome(self) -> Result<T, TrapCode> {
        self
    }
}
