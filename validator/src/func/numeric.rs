//! Typing rules of the numeric operators (tests, comparisons, arithmetic,
//! conversions): each pops one or two operands of one type and pushes one
//! value, so one table covers them all. Constants take an immediate and
//! live with the other operators in `ops.rs`.

use myrt_parser::ValType::{F32, F64, I32, I64};

use super::{Check, FuncValidator};

/// Each row, `shape operand -> result { visit_* ... }`, defines the rule of
/// the listed operators (named after wasmparser's visitor methods, which
/// call them) as `unary` or `binary` over `operand`.
macro_rules! numeric_rules {
    ($( $shape:ident $operand:ident -> $result:ident { $($visit:ident)* } )*) => {
        impl FuncValidator<'_> {
            $($(
                #[inline]
                pub(super) fn $visit(&mut self) -> Check {
                    self.$shape($operand, $result)
                }
            )*)*
        }
    };
}

numeric_rules! {
    unary I32 -> I32 {
        visit_i32_eqz visit_i32_clz visit_i32_ctz visit_i32_popcnt visit_i32_extend8_s
        visit_i32_extend16_s
    }
    binary I32 -> I32 {
        visit_i32_eq visit_i32_ne visit_i32_lt_s visit_i32_lt_u visit_i32_gt_s visit_i32_gt_u
        visit_i32_le_s visit_i32_le_u visit_i32_ge_s visit_i32_ge_u visit_i32_add visit_i32_sub
        visit_i32_mul visit_i32_div_s visit_i32_div_u visit_i32_rem_s visit_i32_rem_u
        visit_i32_and visit_i32_or visit_i32_xor visit_i32_shl visit_i32_shr_s visit_i32_shr_u
        visit_i32_rotl visit_i32_rotr
    }
    unary I64 -> I32 {
        visit_i64_eqz visit_i32_wrap_i64
    }
    unary I64 -> I64 {
        visit_i64_clz visit_i64_ctz visit_i64_popcnt visit_i64_extend8_s visit_i64_extend16_s
        visit_i64_extend32_s
    }
    binary I64 -> I32 {
        visit_i64_eq visit_i64_ne visit_i64_lt_s visit_i64_lt_u visit_i64_gt_s visit_i64_gt_u
        visit_i64_le_s visit_i64_le_u visit_i64_ge_s visit_i64_ge_u
    }
    binary I64 -> I64 {
        visit_i64_add visit_i64_sub visit_i64_mul visit_i64_div_s visit_i64_div_u
        visit_i64_rem_s visit_i64_rem_u visit_i64_and visit_i64_or visit_i64_xor visit_i64_shl
        visit_i64_shr_s visit_i64_shr_u visit_i64_rotl visit_i64_rotr
    }
    binary F32 -> I32 {
        visit_f32_eq visit_f32_ne visit_f32_lt visit_f32_gt visit_f32_le visit_f32_ge
    }
    unary F32 -> F32 {
        visit_f32_abs visit_f32_neg visit_f32_ceil visit_f32_floor visit_f32_trunc
        visit_f32_nearest visit_f32_sqrt
    }
    binary F32 -> F32 {
        visit_f32_add visit_f32_sub visit_f32_mul visit_f32_div visit_f32_min visit_f32_max
        visit_f32_copysign
    }
    binary F64 -> I32 {
        visit_f64_eq visit_f64_ne visit_f64_lt visit_f64_gt visit_f64_le visit_f64_ge
    }
    unary F64 -> F64 {
        visit_f64_abs visit_f64_neg visit_f64_ceil visit_f64_floor visit_f64_trunc
        visit_f64_nearest visit_f64_sqrt
    }
    binary F64 -> F64 {
        visit_f64_add visit_f64_sub visit_f64_mul visit_f64_div visit_f64_min visit_f64_max
        visit_f64_copysign
    }
    unary F32 -> I32 {
        visit_i32_trunc_f32_s visit_i32_trunc_f32_u visit_i32_trunc_sat_f32_s
        visit_i32_trunc_sat_f32_u visit_i32_reinterpret_f32
    }
    unary F64 -> I32 {
        visit_i32_trunc_f64_s visit_i32_trunc_f64_u visit_i32_trunc_sat_f64_s
        visit_i32_trunc_sat_f64_u
    }
    unary I32 -> I64 {
        visit_i64_extend_i32_s visit_i64_extend_i32_u
    }
    unary F32 -> I64 {
        visit_i64_trunc_f32_s visit_i64_trunc_f32_u visit_i64_trunc_sat_f32_s
        visit_i64_trunc_sat_f32_u
    }
    unary F64 -> I64 {
        visit_i64_trunc_f64_s visit_i64_trunc_f64_u visit_i64_trunc_sat_f64_s
        visit_i64_trunc_sat_f64_u visit_i64_reinterpret_f64
    }
    unary I32 -> F32 {
        visit_f32_convert_i32_s visit_f32_convert_i32_u visit_f32_reinterpret_i32
    }
    unary I64 -> F32 {
        visit_f32_convert_i64_s visit_f32_convert_i64_u
    }
    unary F64 -> F32 {
        visit_f32_demote_f64
    }
    unary I32 -> F64 {
        visit_f64_convert_i32_s visit_f64_convert_i32_u
    }
    unary I64 -> F64 {
        visit_f64_convert_i64_s visit_f64_convert_i64_u visit_f64_reinterpret_i64
    }
    unary F32 -> F64 {
        visit_f64_promote_f32
    }
}
