//! Module-level validation: everything outside function bodies
//! (spec 3.4 "Modules"), and the facts function bodies need afterwards.

mod locate;

use std::collections::HashSet;

use myrt_parser::{
    ConstExpr, ConstOp, DataKind, ElemItems, ElemKind, ExternKind, ImportKind, MemoryType, Module,
    TableType, ValType,
};

use crate::Features;
use crate::const_expr::check_const_expr;
use crate::error::ValidationError;
use crate::types::SIMD_UNSUPPORTED;
use locate::{Location, locate};

/// 2^16 pages of 64 KiB: the whole 32-bit address space.
const MAX_MEMORY_PAGES: u64 = 65536;

/// What function bodies need from module validation: C.refs, the functions
/// that `ref.func` may name (spec 3.4: every function index that occurs in
/// the module outside function bodies and the start section).
#[derive(Debug, Default)]
pub(crate) struct ModuleFacts {
    /// One bit per function of the module, set for the members of C.refs.
    declared_refs: Vec<u64>,
}

impl ModuleFacts {
    pub(crate) fn is_declared_ref(&self, func_idx: u32) -> bool {
        let (word, bit) = (func_idx as usize / 64, func_idx % 64);
        self.declared_refs
            .get(word)
            .is_some_and(|bits| bits & (1 << bit) != 0)
    }
}

/// A module-level error before its offset is looked up.
struct ModuleError {
    at: Location,
    message: String,
}

type Check = Result<(), ModuleError>;

fn fail(at: Location, message: impl Into<String>) -> Check {
    Err(ModuleError {
        at,
        message: message.into(),
    })
}

impl From<ValidationError> for ModuleError {
    fn from(err: ValidationError) -> Self {
        ModuleError {
            at: Location::Offset(err.offset),
            message: err.message,
        }
    }
}

pub(crate) fn validate_module(
    module: &Module,
    features: Features,
) -> Result<ModuleFacts, ValidationError> {
    check_all(module, features)
        .map_err(|err| ValidationError::new(locate(module, err.at), err.message))?;
    Ok(ModuleFacts {
        declared_refs: declared_refs(module),
    })
}

/// The checks in section order, so the first error is the first in the binary.
fn check_all(module: &Module, features: Features) -> Check {
    check_types(module)?;
    check_imports(module)?;
    check_funcs(module)?;
    check_tables(module)?;
    check_memories(module, features)?;
    check_globals(module, features)?;
    check_exports(module)?;
    check_start(module)?;
    check_elems(module, features)?;
    check_datas(module, features)
}

fn check_val_type(ty: ValType, at: Location) -> Check {
    match ty {
        ValType::V128 => fail(at, SIMD_UNSUPPORTED),
        _ => Ok(()),
    }
}

fn check_types(module: &Module) -> Check {
    for (idx, ty) in (0..).zip(&module.types) {
        for &t in ty.params().iter().chain(ty.results()) {
            check_val_type(t, Location::Type(idx))?;
        }
    }
    Ok(())
}

fn check_type_index(module: &Module, type_idx: u32, at: Location) -> Check {
    if type_idx as usize >= module.types.len() {
        return fail(at, format!("unknown type {type_idx}"));
    }
    Ok(())
}

fn check_imports(module: &Module) -> Check {
    for (idx, import) in (0..).zip(&module.imports) {
        let at = Location::Import(idx);
        match import.kind {
            ImportKind::Func(type_idx) => check_type_index(module, type_idx, at)?,
            ImportKind::Table(ty) => check_table_type(&ty, at)?,
            ImportKind::Memory(ty) => check_memory_type(&ty, at)?,
            ImportKind::Global(ty) => check_val_type(ty.content, at)?,
        }
    }
    Ok(())
}

fn check_funcs(module: &Module) -> Check {
    for (idx, &type_idx) in (0..).zip(&module.funcs[module.num_imported_funcs as usize..]) {
        check_type_index(module, type_idx, Location::Func(idx))?;
    }
    Ok(())
}

fn check_table_type(ty: &TableType, at: Location) -> Check {
    if ty.table64 {
        return fail(at, "64-bit tables (memory64) are not supported");
    }
    // The IR's limits are 64-bit for table64; a 32-bit table's are not.
    if ty.min > u64::from(u32::MAX) || ty.max.is_some_and(|max| max > u64::from(u32::MAX)) {
        return fail(at, "table size must be at most 2^32 - 1 elements");
    }
    if ty.max.is_some_and(|max| ty.min > max) {
        return fail(at, "size minimum must not be greater than maximum");
    }
    Ok(())
}

fn check_memory_type(ty: &MemoryType, at: Location) -> Check {
    if ty.memory64 {
        return fail(at, "64-bit memories (memory64) are not supported");
    }
    if ty.shared {
        return fail(at, "shared memories (threads) are not supported");
    }
    if ty.page_size_log2.is_some() {
        return fail(at, "custom page sizes are not supported");
    }
    if ty.min > MAX_MEMORY_PAGES || ty.max.is_some_and(|max| max > MAX_MEMORY_PAGES) {
        return fail(at, "memory size must be at most 65536 pages (4GiB)");
    }
    if ty.max.is_some_and(|max| ty.min > max) {
        return fail(at, "size minimum must not be greater than maximum");
    }
    Ok(())
}

fn check_tables(module: &Module) -> Check {
    let defined = &module.tables[module.num_imported_tables as usize..];
    for (idx, (ty, init)) in (0..).zip(defined.iter().zip(&module.table_inits)) {
        check_table_type(ty, Location::Table(idx))?;
        if let Some(init) = init {
            // `(table n funcref (expr))` is a WebAssembly 3.0 encoding.
            let message = "table initializer expressions (function-references) are not supported";
            return fail(Location::Offset(init.offset), message);
        }
    }
    Ok(())
}

fn check_memories(module: &Module, features: Features) -> Check {
    let defined = &module.memories[module.num_imported_memories as usize..];
    for (idx, ty) in (0..).zip(defined) {
        check_memory_type(ty, Location::Memory(idx))?;
    }
    if module.memories.len() > 1 && !features.multi_memory {
        // The second memory is either the first defined one or a second import.
        let at = match module.num_imported_memories {
            0 => Location::Memory(1),
            1 => Location::Memory(0),
            _ => Location::Import(second_memory_import(module)),
        };
        return fail(at, "multiple memories");
    }
    Ok(())
}

fn second_memory_import(module: &Module) -> u32 {
    let mut memory_imports = (0..)
        .zip(&module.imports)
        .filter(|(_, i)| matches!(i.kind, ImportKind::Memory(_)));
    memory_imports.nth(1).map_or(0, |(idx, _)| idx)
}

fn check_globals(module: &Module, features: Features) -> Check {
    let defined = &module.globals[module.num_imported_globals as usize..];
    for (idx, (ty, init)) in (0..).zip(defined.iter().zip(&module.global_inits)) {
        check_val_type(ty.content, Location::Global(idx))?;
        check_const_expr(module, features, init, ty.content)?;
    }
    Ok(())
}

fn check_exports(module: &Module) -> Check {
    let mut names = HashSet::with_capacity(module.exports.len());
    for (idx, export) in (0..).zip(&module.exports) {
        let at = Location::Export(idx);
        let (len, what) = match export.kind {
            ExternKind::Func => (module.funcs.len(), "function"),
            ExternKind::Table => (module.tables.len(), "table"),
            ExternKind::Memory => (module.memories.len(), "memory"),
            ExternKind::Global => (module.globals.len(), "global"),
        };
        if export.index as usize >= len {
            return fail(at, format!("unknown {what} {}", export.index));
        }
        if !names.insert(export.name.as_str()) {
            return fail(at, "duplicate export name");
        }
    }
    Ok(())
}

fn check_start(module: &Module) -> Check {
    let Some(func_idx) = module.start else {
        return Ok(());
    };
    let Some(ty) = module.func_type(func_idx) else {
        return fail(Location::Start, format!("unknown function {func_idx}"));
    };
    if !ty.params().is_empty() || !ty.results().is_empty() {
        return fail(Location::Start, "start function must have type [] -> []");
    }
    Ok(())
}

fn check_elems(module: &Module, features: Features) -> Check {
    for elem in &module.elems {
        let at = Location::Offset(elem.offset);
        if let ElemKind::Active { table, offset } = &elem.kind {
            let Some(table_ty) = module.tables.get(*table as usize) else {
                return fail(at, format!("unknown table {table}"));
            };
            if table_ty.element != elem.ty {
                return fail(at, "type mismatch");
            }
            check_const_expr(module, features, offset, ValType::I32)?;
        }
        match &elem.items {
            ElemItems::Funcs(funcs) => {
                if let Some(idx) = funcs
                    .iter()
                    .find(|&&idx| idx as usize >= module.funcs.len())
                {
                    return fail(at, format!("unknown function {idx}"));
                }
            }
            ElemItems::Exprs(exprs) => {
                for expr in exprs {
                    check_const_expr(module, features, expr, ValType::Ref(elem.ty))?;
                }
            }
        }
    }
    Ok(())
}

fn check_datas(module: &Module, features: Features) -> Check {
    for data in &module.datas {
        if let DataKind::Active { memory, offset } = &data.kind {
            if *memory as usize >= module.memories.len() {
                return fail(
                    Location::Offset(offset.offset),
                    format!("unknown memory {memory}"),
                );
            }
            check_const_expr(module, features, offset, ValType::I32)?;
        }
    }
    Ok(())
}

/// C.refs: functions named outside function bodies (exports, element
/// segments, global initializers). Only these may be `ref.func`'d in bodies,
/// so an engine knows up front which functions can escape as references.
/// Indices were checked against the function index space before.
fn declared_refs(module: &Module) -> Vec<u64> {
    let mut refs = vec![0u64; module.funcs.len().div_ceil(64)];
    let mut declare = |func_idx: u32| {
        if let Some(bits) = refs.get_mut(func_idx as usize / 64) {
            *bits |= 1 << (func_idx % 64);
        }
    };
    let exported = module
        .exports
        .iter()
        .filter(|e| e.kind == ExternKind::Func)
        .map(|e| e.index);
    exported.for_each(&mut declare);
    for init in &module.global_inits {
        ref_funcs(init).for_each(&mut declare);
    }
    for elem in &module.elems {
        match &elem.items {
            ElemItems::Funcs(funcs) => funcs.iter().copied().for_each(&mut declare),
            ElemItems::Exprs(exprs) => exprs.iter().flat_map(ref_funcs).for_each(&mut declare),
        }
    }
    refs
}

fn ref_funcs(expr: &ConstExpr) -> impl Iterator<Item = u32> + '_ {
    expr.ops.iter().filter_map(|op| match op {
        ConstOp::RefFunc(idx) => Some(*idx),
        _ => None,
    })
}
