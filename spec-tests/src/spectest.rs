//! The `spectest` host module that the spec scripts import from
//! (WebAssembly spec, `interpreter/host/spectest.ml`).

use myrt_interp::{
    Error, Extern, Func, FuncType, Global, GlobalType, Memory, MemoryType, RefType, Store, Table,
    TableType, Val, ValType,
};

/// Creates the `spectest` items in `store`, as `(name, item)` pairs.
///
/// The `print*` functions accept their arguments and do nothing: the scripts
/// only check that calling them links and does not trap.
pub(crate) fn spectest_items(store: &mut Store<()>) -> Result<Vec<(&'static str, Extern)>, Error> {
    use ValType::{F32, F64, I32, I64};
    let print_funcs: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    let mut items = Vec::new();
    for (name, params) in print_funcs {
        let ty = FuncType::new(params.iter().copied(), []);
        let func = Func::new(&mut *store, ty, |_caller, _params, _results| Ok(()));
        items.push((name, Extern::Func(func)));
    }

    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::F32(666.6f32.to_bits())),
        ("global_f64", Val::F64(666.6f64.to_bits())),
    ];
    for (name, value) in globals {
        let ty = GlobalType {
            content: value.ty(),
            mutable: false,
        };
        let global = Global::new(&mut *store, ty, value)?;
        items.push((name, Extern::Global(global)));
    }

    let table_ty = TableType {
        element: RefType::FuncRef,
        min: 10,
        max: Some(20),
        table64: false,
    };
    let table = Table::new(&mut *store, table_ty, Val::FuncRef(None))?;
    items.push(("table", Extern::Table(table)));

    let memory_ty = MemoryType::new(1, Some(2));
    let memory = Memory::new(&mut *store, memory_ty)?;
    items.push(("memory", Extern::Memory(memory)));
    Ok(items)
}
