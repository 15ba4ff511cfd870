//! Module instantiation, following the WebAssembly 2.0 spec (§4.5.4):
//! match imports, allocate the module's entities, then initialize tables and
//! memories segment by segment and run the start function. A trap during
//! initialization leaves earlier writes (and every allocated entity) in the
//! store, where imported tables and memories make them observable.

use std::collections::HashMap;
use std::sync::Arc;

use myrt_parser::{DataKind, ElemItems, ElemKind, ExternKind, Import, ImportKind};

use crate::const_expr::eval_const_expr;
use crate::module::ExternType;
use crate::store::{
    FuncEntity, GlobalEntity, Handle, InstanceEntity, MemoryEntity, NULL_REF, Store, StoreId,
    StoreInner, TableEntity, WasmFunc, store_mismatch,
};
use crate::{Error, Extern, Func, Global, Instance, Memory, Module, Table, TrapCode, engine};

/// Instantiates `module` with `imports` (in the module's import order).
pub(crate) fn instantiate<T>(
    store: &mut Store<T>,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance, Error> {
    let parsed = &module.inner.parsed;
    if imports.len() != parsed.imports.len() {
        return Err(Error::Other(format!(
            "the module has {} imports, but {} externs were given",
            parsed.imports.len(),
            imports.len()
        )));
    }
    let mut instance = InstanceEntity {
        module: module.clone(),
        funcs: Vec::with_capacity(parsed.funcs.len()),
        tables: Vec::with_capacity(parsed.tables.len()),
        memories: Vec::with_capacity(parsed.memories.len()),
        globals: Vec::with_capacity(parsed.globals.len()),
        elems: Vec::with_capacity(parsed.elems.len()),
        datas_alive: vec![true; parsed.datas.len()],
        exports: HashMap::with_capacity(parsed.exports.len()),
    };
    for (import, ext) in parsed.imports.iter().zip(imports) {
        if ext.handle().store != store.id() {
            return Err(store_mismatch());
        }
        check_import(&store.inner, module, import, ext)?;
        match *ext {
            Extern::Func(f) => instance.funcs.push(f.0.index),
            Extern::Table(t) => instance.tables.push(t.0.index),
            Extern::Memory(m) => instance.memories.push(m.0.index),
            Extern::Global(g) => instance.globals.push(g.0.index),
        }
    }
    let instance_index = store.inner.instances.len() as u32;
    let store_id = store.id();
    allocate_definitions(
        &mut store.inner,
        store_id,
        module,
        instance_index,
        &mut instance,
    )?;
    let start = parsed
        .start
        .and_then(|idx| instance.funcs.get(idx as usize).copied());
    store.inner.instances.push(instance);

    initialize_tables(&mut store.inner, instance_index)?;
    initialize_memories(&mut store.inner, instance_index)?;
    if let Some(start) = start {
        engine::call(store, start, &[], &mut [])?;
    }
    Ok(Instance(store.handle(instance_index as usize)))
}

/// Checks that `ext` (of this store) has a type that matches the import (§4.5.2).
fn check_import(
    store: &StoreInner,
    module: &Module,
    import: &Import,
    ext: &Extern,
) -> Result<(), Error> {
    let parsed = &module.inner.parsed;
    let index = ext.handle().index as usize;
    let actual = match ext {
        Extern::Func(_) => ExternType::Func(store.funcs[index].ty().clone()),
        Extern::Table(_) => ExternType::Table(store.tables[index].current_type()),
        Extern::Memory(_) => ExternType::Memory(store.memories[index].current_type()),
        Extern::Global(_) => ExternType::Global(store.globals[index].ty),
    };
    let expected =
        match &import.kind {
            ImportKind::Func(type_idx) => {
                ExternType::Func(parsed.types.get(*type_idx as usize).cloned().ok_or_else(
                    || {
                        Error::Other(format!(
                            "import `{}`.`{}` has no valid type",
                            import.module, import.name
                        ))
                    },
                )?)
            }
            ImportKind::Table(ty) => ExternType::Table(*ty),
            ImportKind::Memory(ty) => ExternType::Memory(*ty),
            ImportKind::Global(ty) => ExternType::Global(*ty),
        };
    let matches = match (&expected, &actual) {
        (ExternType::Func(e), ExternType::Func(a)) => e == a,
        (ExternType::Table(e), ExternType::Table(a)) => {
            e.element == a.element
                && e.table64 == a.table64
                && limits_match((e.min, e.max), (a.min, a.max))
        }
        (ExternType::Memory(e), ExternType::Memory(a)) => {
            e.memory64 == a.memory64
                && e.shared == a.shared
                && e.page_size_log2 == a.page_size_log2
                && limits_match((e.min, e.max), (a.min, a.max))
        }
        (ExternType::Global(e), ExternType::Global(a)) => e == a,
        _ => false,
    };
    if matches {
        Ok(())
    } else {
        Err(Error::Link(format!(
            "incompatible import type for `{}`.`{}`: expected {expected}, found {actual}",
            import.module, import.name
        )))
    }
}

/// Limit subtyping (§4.5.2.1): the actual range must lie within the expected one.
fn limits_match(expected: (u64, Option<u64>), actual: (u64, Option<u64>)) -> bool {
    actual.0 >= expected.0
        && match (expected.1, actual.1) {
            (None, _) => true,
            (Some(expected_max), Some(actual_max)) => actual_max <= expected_max,
            (Some(_), None) => false,
        }
}

/// Allocates the module's own functions, globals, tables and memories and
/// evaluates its element segments and exports into `instance`.
fn allocate_definitions(
    store: &mut StoreInner,
    store_id: StoreId,
    module: &Module,
    instance_index: u32,
    instance: &mut InstanceEntity,
) -> Result<(), Error> {
    let parsed = &module.inner.parsed;
    for func_idx in parsed.num_imported_funcs..parsed.funcs.len() as u32 {
        let ty = parsed
            .func_type(func_idx)
            .cloned()
            .ok_or_else(|| Error::Other(format!("function {func_idx} has no valid type")))?;
        store.funcs.push(FuncEntity::Wasm(WasmFunc {
            ty,
            instance: instance_index,
            module: module.clone(),
            func_idx,
        }));
        instance.funcs.push(store.funcs.len() as u32 - 1);
    }
    let defined_globals = parsed
        .globals
        .iter()
        .skip(parsed.num_imported_globals as usize);
    for (ty, init) in defined_globals.zip(&parsed.global_inits) {
        let value = eval_const_expr(init, instance, store)?;
        store.globals.push(GlobalEntity { ty: *ty, value });
        instance.globals.push(store.globals.len() as u32 - 1);
    }
    let defined_tables = parsed
        .tables
        .iter()
        .skip(parsed.num_imported_tables as usize);
    for (i, ty) in defined_tables.enumerate() {
        let init = match parsed.table_inits.get(i) {
            Some(Some(expr)) => eval_const_expr(expr, instance, store)?,
            _ => NULL_REF,
        };
        let table = TableEntity::new(*ty, init).ok_or_else(|| {
            Error::Other(format!("cannot allocate a table of {} elements", ty.min))
        })?;
        store.tables.push(table);
        instance.tables.push(store.tables.len() as u32 - 1);
    }
    for ty in parsed
        .memories
        .iter()
        .skip(parsed.num_imported_memories as usize)
    {
        let memory = MemoryEntity::new(*ty)
            .ok_or_else(|| Error::Other(format!("cannot allocate a memory of {} pages", ty.min)))?;
        store.memories.push(memory);
        instance.memories.push(store.memories.len() as u32 - 1);
    }
    for segment in &parsed.elems {
        let cells: Arc<[u64]> = match &segment.items {
            ElemItems::Funcs(indices) => indices
                .iter()
                .map(|idx| {
                    let func = instance.funcs.get(*idx as usize).ok_or_else(|| {
                        Error::Other(format!("element segment refers to missing function {idx}"))
                    })?;
                    Ok(*func as u64 + 1)
                })
                .collect::<Result<_, Error>>()?,
            ElemItems::Exprs(exprs) => exprs
                .iter()
                .map(|expr| eval_const_expr(expr, instance, store))
                .collect::<Result<_, Error>>()?,
        };
        instance.elems.push(cells);
    }
    let handle = |index: &u32| Handle {
        store: store_id,
        index: *index,
    };
    for export in &parsed.exports {
        let index = export.index as usize;
        let ext = match export.kind {
            ExternKind::Func => instance
                .funcs
                .get(index)
                .map(|f| Extern::Func(Func(handle(f)))),
            ExternKind::Table => instance
                .tables
                .get(index)
                .map(|t| Extern::Table(Table(handle(t)))),
            ExternKind::Memory => instance
                .memories
                .get(index)
                .map(|m| Extern::Memory(Memory(handle(m)))),
            ExternKind::Global => instance
                .globals
                .get(index)
                .map(|g| Extern::Global(Global(handle(g)))),
        };
        let ext = ext.ok_or_else(|| {
            Error::Other(format!(
                "export `{}` refers to a missing entity",
                export.name
            ))
        })?;
        instance.exports.insert(export.name.clone(), ext);
    }
    Ok(())
}

/// Applies active element segments in order (`table.init` + `elem.drop`) and
/// drops declarative ones.
fn initialize_tables(store: &mut StoreInner, instance_index: u32) -> Result<(), Error> {
    let instance = &store.instances[instance_index as usize];
    let module = instance.module.clone();
    for (i, segment) in module.inner.parsed.elems.iter().enumerate() {
        let instance = &store.instances[instance_index as usize];
        match &segment.kind {
            ElemKind::Passive => continue,
            ElemKind::Declared => {}
            ElemKind::Active { table, offset } => {
                let offset = eval_const_expr(offset, instance, store)?;
                let cells = instance.elems[i].clone();
                let table_index = *instance.tables.get(*table as usize).ok_or_else(|| {
                    Error::Other(format!(
                        "element segment {i} refers to missing table {table}"
                    ))
                })?;
                let table = &mut store.tables[table_index as usize].elems;
                let dest = checked_range(offset, cells.len(), table.len())
                    .ok_or(TrapCode::TableOutOfBounds)?;
                table[dest].copy_from_slice(&cells);
            }
        }
        store.instances[instance_index as usize].elems[i] = Arc::new([]);
    }
    Ok(())
}

/// Applies active data segments in order (`memory.init` + `data.drop`).
fn initialize_memories(store: &mut StoreInner, instance_index: u32) -> Result<(), Error> {
    let module = store.instances[instance_index as usize].module.clone();
    let parsed = &module.inner.parsed;
    for (i, segment) in parsed.datas.iter().enumerate() {
        let DataKind::Active { memory, offset } = &segment.kind else {
            continue;
        };
        let instance = &store.instances[instance_index as usize];
        let offset = eval_const_expr(offset, instance, store)?;
        let memory_index = *instance.memories.get(*memory as usize).ok_or_else(|| {
            Error::Other(format!(
                "data segment {i} refers to missing memory {memory}"
            ))
        })?;
        let bytes = parsed.data_bytes(segment);
        let data = &mut store.memories[memory_index as usize].data;
        let dest =
            checked_range(offset, bytes.len(), data.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
        data[dest].copy_from_slice(bytes);
        store.instances[instance_index as usize].datas_alive[i] = false;
    }
    Ok(())
}

/// `offset..offset + len` if it lies within `0..size`.
fn checked_range(offset: u64, len: usize, size: usize) -> Option<std::ops::Range<usize>> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(len)?;
    (end <= size).then_some(start..end)
}
