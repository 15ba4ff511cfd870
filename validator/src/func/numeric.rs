//! Typing rules of the numeric operators (tests, comparisons, arithmetic,
//! conversions): each pops one or two operands of one type and pushes one
//! value, so one table covers them all. Constants take an immediate and
//! live with the other operators in `ops.rs`.

use myrt_parser::ValType::{F32, F64, I32, I64};

use super::{Check, FuncValidator};

/// Each row, `shape operand -> result { opcode visit_* ... }`, defines the
/// rule of the listed operators (named after wasmparser's visitor methods,
/// which call them) as `unary` or `binary` over `operand`. The one-byte
/// opcodes are those of the binary format (spec 5.4.7); the saturating
/// truncations have a prefixed opcode and are only reached through the
/// visitor.
macro_rules! numeric_rules {
    ($( $shape:ident $operand:ident -> $result:ident { $($($opcode:literal)? $visit:ident)* } )*) => {
        impl FuncValidator<'_> {
            $($(
                #[inline]
                pub(super) fn $visit(&mut self) -> Check {
                    self.$shape($operand, $result)
                }
            )*)*

            /// Checks the numeric operator with one-byte opcode `opcode`;
            /// `None` if `opcode` is not one.
            #[inline(always)]
            pub(super) fn check_numeric(&mut self, opcode: u8) -> Option<Check> {
                Some(match opcode {
                    $($($( $opcode => self.$shape($operand, $result), )?)*)*
                    _ => return None,
                })
            }
        }
    };
}

numeric_rules! {
    unary I32 -> I32 {
        0x45 visit_i32_eqz 0x67 visit_i32_clz 0x68 visit_i32_ctz 0x69 visit_i32_popcnt
        0xc0 visit_i32_extend8_s 0xc1 visit_i32_extend16_s
    }
    binary I32 -> I32 {
        0x46 visit_i32_eq 0x47 visit_i32_ne 0x48 visit_i32_lt_s 0x49 visit_i32_lt_u
        0x4a visit_i32_gt_s 0x4b visit_i32_gt_u 0x4c visit_i32_le_s 0x4d visit_i32_le_u
        0x4e visit_i32_ge_s 0x4f visit_i32_ge_u 0x6a visit_i32_add 0x6b visit_i32_sub
        0x6c visit_i32_mul 0x6d visit_i32_div_s 0x6e visit_i32_div_u 0x6f visit_i32_rem_s
        0x70 visit_i32_rem_u 0x71 visit_i32_and 0x72 visit_i32_or 0x73 visit_i32_xor
        0x74 visit_i32_shl 0x75 visit_i32_shr_s 0x76 visit_i32_shr_u 0x77 visit_i32_rotl
        0x78 visit_i32_rotr
    }
    unary I64 -> I32 {
        0x50 visit_i64_eqz 0xa7 visit_i32_wrap_i64
    }
    unary I64 -> I64 {
        0x79 visit_i64_clz 0x7a visit_i64_ctz 0x7b visit_i64_popcnt 0xc2 visit_i64_extend8_s
        0xc3 visit_i64_extend16_s 0xc4 visit_i64_extend32_s
    }
    binary I64 -> I32 {
        0x51 visit_i64_eq 0x52 visit_i64_ne 0x53 visit_i64_lt_s 0x54 visit_i64_lt_u
        0x55 visit_i64_gt_s 0x56 visit_i64_gt_u 0x57 visit_i64_le_s 0x58 visit_i64_le_u
        0x59 visit_i64_ge_s 0x5a visit_i64_ge_u
    }
    binary I64 -> I64 {
        0x7c visit_i64_add 0x7d visit_i64_sub 0x7e visit_i64_mul 0x7f visit_i64_div_s
        0x80 visit_i64_div_u 0x81 visit_i64_rem_s 0x82 visit_i64_rem_u 0x83 visit_i64_and
        0x84 visit_i64_or 0x85 visit_i64_xor 0x86 visit_i64_shl 0x87 visit_i64_shr_s
        0x88 visit_i64_shr_u 0x89 visit_i64_rotl 0x8a visit_i64_rotr
    }
    binary F32 -> I32 {
        0x5b visit_f32_eq 0x5c visit_f32_ne 0x5d visit_f32_lt 0x5e visit_f32_gt
        0x5f visit_f32_le 0x60 visit_f32_ge
    }
    unary F32 -> F32 {
        0x8b visit_f32_abs 0x8c visit_f32_neg 0x8d visit_f32_ceil 0x8e visit_f32_floor
        0x8f visit_f32_trunc 0x90 visit_f32_nearest 0x91 visit_f32_sqrt
    }
    binary F32 -> F32 {
        0x92 visit_f32_add 0x93 visit_f32_sub 0x94 visit_f32_mul 0x95 visit_f32_div
        0x96 visit_f32_min 0x97 visit_f32_max 0x98 visit_f32_copysign
    }
    binary F64 -> I32 {
        0x61 visit_f64_eq 0x62 visit_f64_ne 0x63 visit_f64_lt 0x64 visit_f64_gt
        0x65 visit_f64_le 0x66 visit_f64_ge
    }
    unary F64 -> F64 {
        0x99 visit_f64_abs 0x9a visit_f64_neg 0x9b visit_f64_ceil 0x9c visit_f64_floor
        0x9d visit_f64_trunc 0x9e visit_f64_nearest 0x9f visit_f64_sqrt
    }
    binary F64 -> F64 {
        0xa0 visit_f64_add 0xa1 visit_f64_sub 0xa2 visit_f64_mul 0xa3 visit_f64_div
        0xa4 visit_f64_min 0xa5 visit_f64_max 0xa6 visit_f64_copysign
    }
    unary F32 -> I32 {
        0xa8 visit_i32_trunc_f32_s 0xa9 visit_i32_trunc_f32_u visit_i32_trunc_sat_f32_s
        visit_i32_trunc_sat_f32_u 0xbc visit_i32_reinterpret_f32
    }
    unary F64 -> I32 {
        0xaa visit_i32_trunc_f64_s 0xab visit_i32_trunc_f64_u visit_i32_trunc_sat_f64_s
        visit_i32_trunc_sat_f64_u
    }
    unary I32 -> I64 {
        0xac visit_i64_extend_i32_s 0xad visit_i64_extend_i32_u
    }
    unary F32 -> I64 {
        0xae visit_i64_trunc_f32_s 0xaf visit_i64_trunc_f32_u visit_i64_trunc_sat_f32_s
        visit_i64_trunc_sat_f32_u
    }
    unary F64 -> I64 {
        0xb0 visit_i64_trunc_f64_s 0xb1 visit_i64_trunc_f64_u visit_i64_trunc_sat_f64_s
        visit_i64_trunc_sat_f64_u 0xbd visit_i64_reinterpret_f64
    }
    unary I32 -> F32 {
        0xb2 visit_f32_convert_i32_s 0xb3 visit_f32_convert_i32_u 0xbe visit_f32_reinterpret_i32
    }
    unary I64 -> F32 {
        0xb4 visit_f32_convert_i64_s 0xb5 visit_f32_convert_i64_u
    }
    unary F64 -> F32 {
        0xb6 visit_f32_demote_f64
    }
    unary I32 -> F64 {
        0xb7 visit_f64_convert_i32_s 0xb8 visit_f64_convert_i32_u
    }
    unary I64 -> F64 {
        0xb9 visit_f64_convert_i64_s 0xba visit_f64_convert_i64_u 0xbf visit_f64_reinterpret_i64
    }
    unary F32 -> F64 {
        0xbb visit_f64_promote_f32
    }
}
