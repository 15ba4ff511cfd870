//! Which value types myrt supports, and the conversion of the types that
//! function bodies spell with wasmparser's types (locals, block types,
//! `select t`, `ref.null t`) into ours.

use myrt_parser::wasmparser as wp;
use myrt_parser::{RefType, ValType};

use crate::error::{ValidationError, invalid};

pub(crate) const SIMD_UNSUPPORTED: &str = "v128 (SIMD) is not supported";

/// Rejects the value types the parser can represent but myrt does not run.
pub(crate) fn check_supported(ty: ValType, offset: usize) -> Result<ValType, ValidationError> {
    match ty {
        ValType::V128 => invalid(offset, SIMD_UNSUPPORTED),
        _ => Ok(ty),
    }
}

pub(crate) fn val_type(ty: wp::ValType, offset: usize) -> Result<ValType, ValidationError> {
    match ty {
        wp::ValType::I32 => Ok(ValType::I32),
        wp::ValType::I64 => Ok(ValType::I64),
        wp::ValType::F32 => Ok(ValType::F32),
        wp::ValType::F64 => Ok(ValType::F64),
        wp::ValType::V128 => invalid(offset, SIMD_UNSUPPORTED),
        wp::ValType::Ref(r) => Ok(ValType::Ref(ref_type(r, offset)?)),
    }
}

pub(crate) fn ref_type(ty: wp::RefType, offset: usize) -> Result<RefType, ValidationError> {
    if ty == wp::RefType::FUNCREF {
        Ok(RefType::FuncRef)
    } else if ty == wp::RefType::EXTERNREF {
        Ok(RefType::ExternRef)
    } else {
        invalid(
            offset,
            format!("reference type {ty} is not supported (only funcref and externref)"),
        )
    }
}

/// The heap type of `ref.null`: only the two nullable abstract types of 2.0.
pub(crate) fn heap_type(ty: wp::HeapType, offset: usize) -> Result<RefType, ValidationError> {
    match ty {
        wp::HeapType::FUNC => Ok(RefType::FuncRef),
        wp::HeapType::EXTERN => Ok(RefType::ExternRef),
        _ => invalid(
            offset,
            format!("heap type {ty:?} is not supported (only func and extern)"),
        ),
    }
}
