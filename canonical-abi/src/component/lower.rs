//! Core functions a component imports: `canon lower` of a component
//! function (CanonicalABI.md `canon_lower`) and the resource built-ins
//! `canon resource.new` / `resource.drop` / `resource.rep`.

use std::sync::Arc;

use myrt_interp::{AsContextMut, Caller, Func as CoreFunc, Store, Val as CoreVal, ValType};

use super::error::Error;
use super::func::{Func, Options, with_context};
use super::memory::{core_valtype, from_core, to_core};
use super::resources::ResourceType;
use super::state::InstanceState;
use crate::abi;
use crate::handles::{HandleTable, Lenders, TableBridge};
use crate::types::{FlattenContext, Type, flatten_functype};
use crate::values::{FlatVal, Val};

/// `canon lower`: a core function that lifts its core arguments out of
/// `instance`, calls `callee` and lowers the result back.
pub(crate) fn lower<T: 'static>(
    store: &mut Store<T>,
    callee: Func,
    options: Options,
    instance: Arc<InstanceState>,
) -> CoreFunc {
    let ty = callee.inner.ty.clone();
    let core_ty = flatten_functype(&ty, FlattenContext::Lower);
    let core_functype = myrt_interp::FuncType::new(
        core_ty.params.iter().map(|t| core_valtype(*t)),
        core_ty.results.iter().map(|t| core_valtype(*t)),
    );
    let retptr = abi::result_through_memory(ty.result.as_ref());
    let param_types: Vec<Type> = ty.params.iter().map(|(_, t)| t.clone()).collect();
    CoreFunc::new(
        &mut *store,
        core_functype,
        move |mut caller: Caller<'_, T>, args: &[CoreVal], results: &mut [CoreVal]| {
            let store = caller.as_context_mut();
            instance.check_may_leave()?;
            let mut flat = args
                .iter()
                .map(from_core)
                .collect::<Result<Vec<FlatVal>, Error>>()?;
            let out_ptr = match (retptr, flat.pop()) {
                (true, Some(FlatVal::I32(ptr))) => Some(ptr as u32),
                (true, _) => return Err(Error::trap("missing return pointer").into()),
                (false, last) => {
                    flat.extend(last);
                    None
                }
            };

            let mut lenders = Lenders::default();
            let values = {
                let mut table = instance.table()?;
                let mut bridge = TableBridge::lifting(&mut table, &mut lenders);
                with_context(store, &options, options.encoding, &mut bridge, |cx| {
                    abi::lift_func_params(cx, &flat, &param_types)
                })?
            };
            let mut result: Vec<Val> = ty.result.iter().map(|_| Val::Bool(false)).collect();
            let called = callee.call_from(
                store,
                &values,
                &mut result,
                options.encoding,
                Some(&instance),
            );
            instance.table()?.release_lenders(lenders);
            let result_source = called?;

            let flat_results = {
                let mut table = instance.table()?;
                let mut bridge = TableBridge::results(&mut table);
                with_context(store, &options, result_source, &mut bridge, |cx| {
                    abi::lower_func_result(cx, result.first(), ty.result.as_ref(), out_ptr)
                })?
            };
            for (slot, value) in results.iter_mut().zip(flat_results) {
                *slot = to_core(value);
            }
            Ok(())
        },
    )
}

fn i32_arg(args: &[CoreVal]) -> Result<u32, Error> {
    match args.first() {
        Some(CoreVal::I32(v)) => Ok(*v as u32),
        _ => Err(Error::Other(
            "resource built-in called without an i32".into(),
        )),
    }
}

/// `canon resource.new`: `(func (param i32 rep) (result i32 handle))`.
pub(crate) fn resource_new<T: 'static>(
    store: &mut Store<T>,
    rt: ResourceType,
    instance: Arc<InstanceState>,
) -> CoreFunc {
    i32_to_i32_builtin(store, instance, move |table, rep| {
        table.resource_new(rt.id, rep)
    })
}

/// `canon resource.rep`: `(func (param i32 handle) (result i32 rep))`.
pub(crate) fn resource_rep<T: 'static>(
    store: &mut Store<T>,
    rt: ResourceType,
    instance: Arc<InstanceState>,
) -> CoreFunc {
    i32_to_i32_builtin(store, instance, move |table, handle| {
        table.resource_rep(rt.id, handle)
    })
}

/// A resource built-in of type `(func (param i32) (result i32))` that maps
/// its argument through the instance's handle table.
fn i32_to_i32_builtin<T: 'static>(
    store: &mut Store<T>,
    instance: Arc<InstanceState>,
    op: impl Fn(&mut HandleTable, u32) -> Result<u32, crate::Error> + Send + Sync + 'static,
) -> CoreFunc {
    let ty = myrt_interp::FuncType::new([ValType::I32], [ValType::I32]);
    CoreFunc::new(
        &mut *store,
        ty,
        move |_caller: Caller<'_, T>, args, results| {
            let arg = i32_arg(args)?;
            let value = op(&mut *instance.table()?, arg).map_err(Error::from)?;
            results[0] = CoreVal::I32(value as i32);
            Ok(())
        },
    )
}

/// `canon resource.drop`: `(func (param i32 handle))`. Dropping an owning
/// handle runs the resource's destructor; dropping a borrow ends it.
pub(crate) fn resource_drop<T: 'static>(
    store: &mut Store<T>,
    rt: ResourceType,
    instance: Arc<InstanceState>,
) -> Result<CoreFunc, Error> {
    // The table tells owns from borrows by calling its destructor for owns
    // only; the real destructor needs the store, so the table just notes
    // the rep and the destructor runs right after.
    instance.track_drops(rt.id)?;
    let ty = myrt_interp::FuncType::new([ValType::I32], []);
    Ok(CoreFunc::new(
        &mut *store,
        ty,
        move |mut caller: Caller<'_, T>, args, _results| {
            let handle = i32_arg(args)?;
            instance
                .table()?
                .resource_drop(rt.id, handle)
                .map_err(Error::from)?;
            for rep in instance.take_doomed() {
                rt.drop_rep(caller.as_context_mut(), rep)?;
            }
            Ok(())
        },
    ))
}
