//! Component functions: host functions and `canon lift`ed core functions
//! (CanonicalABI.md `canon_lift`), callable from the host or from another
//! component's `canon lower`.

use std::any::Any;
use std::sync::Arc;

use myrt_interp::{AsContext, Func as CoreFunc, Memory, Store, Val as CoreVal};

use super::error::Error;
use super::memory::{StoreMemory, from_core, to_core};
use super::state::InstanceState;
use super::typed::{ComponentParams, ComponentResult, TypedFunc};
use crate::abi::{self, CanonOptions, Context, GuestMemory, StringEncoding};
use crate::handles::{BorrowScope, TableBridge};
use crate::types::{FlattenContext, FuncType, Type, flatten_functype};
use crate::values::{FlatVal, Val};

/// A component function (cheap to clone).
#[derive(Clone)]
pub struct Func {
    pub(crate) inner: Arc<FuncInner>,
    /// The export path the host looked it up by, to name it in type errors.
    name: Option<Arc<str>>,
}

pub(crate) struct FuncInner {
    pub ty: FuncType,
    pub kind: FuncKind,
}

pub(crate) enum FuncKind {
    /// A [`HostFunc<T>`] behind `Any`, so that functions do not carry the
    /// store's data type.
    Host(Arc<dyn Any + Send + Sync>),
    Lifted(Lifted),
}

pub(crate) type HostFunc<T> =
    Arc<dyn Fn(&mut Store<T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync>;

/// A core function with the canonical options of its `canon lift`, in the
/// instance that defines it.
pub(crate) struct Lifted {
    pub core: CoreFunc,
    pub options: Options,
    pub instance: Arc<InstanceState>,
}

/// `CanonicalOptions`, resolved to the instance's core items.
#[derive(Clone, Default)]
pub(crate) struct Options {
    pub memory: Option<Memory>,
    pub realloc: Option<CoreFunc>,
    pub post_return: Option<CoreFunc>,
    pub encoding: StringEncoding,
}

impl Options {
    /// `source` is the encoding the strings to be lowered were lifted from:
    /// the spec sizes its allocations by it (host strings count as UTF-8).
    pub fn canon(&self, source: StringEncoding) -> CanonOptions {
        CanonOptions {
            string_encoding: self.encoding,
            source_string_encoding: source,
        }
    }
}

/// Runs `f` with an ABI [`Context`] over `options`' memory; a realloc trap
/// is reported instead of the ABI's summary of it. `source` is the string
/// encoding values being lowered come from.
pub(crate) fn with_context<T, R>(
    store: &mut Store<T>,
    options: &Options,
    source: StringEncoding,
    bridge: &mut dyn abi::ResourceBridge,
    f: impl FnOnce(&mut Context) -> Result<R, crate::Error>,
) -> Result<R, Error> {
    match options.memory {
        Some(memory) => {
            let mut guest = StoreMemory::new(store, memory, options.realloc);
            let result = {
                let mut cx = Context::new(
                    options.canon(source),
                    Some(&mut guest as &mut dyn GuestMemory),
                    bridge,
                );
                f(&mut cx)
            };
            result.map_err(|e| guest.error(e))
        }
        None => {
            let mut cx = Context::new(options.canon(source), None, bridge);
            f(&mut cx).map_err(Error::from)
        }
    }
}

impl Func {
    pub(crate) fn host<T: 'static>(ty: FuncType, f: HostFunc<T>) -> Func {
        Func::new(FuncInner {
            ty,
            kind: FuncKind::Host(Arc::new(f)),
        })
    }

    pub(crate) fn lifted(ty: FuncType, lifted: Lifted) -> Func {
        Func::new(FuncInner {
            ty,
            kind: FuncKind::Lifted(lifted),
        })
    }

    fn new(inner: FuncInner) -> Func {
        Func {
            inner: Arc::new(inner),
            name: None,
        }
    }

    /// The same function, named `name` in its type errors.
    pub(crate) fn named(&self, name: String) -> Func {
        Func {
            inner: Arc::clone(&self.inner),
            name: Some(name.into()),
        }
    }

    /// The function's component type.
    pub fn ty(&self, _store: impl AsContext) -> FuncType {
        self.inner.ty.clone()
    }

    /// A statically typed view of the function; fails if `P` and `R` do not
    /// match its type, naming the function by the export path it was looked
    /// up by ([`Instance::get_func`](super::Instance::get_func)).
    pub fn typed<P: ComponentParams, R: ComponentResult>(
        &self,
        _store: impl AsContext,
    ) -> Result<TypedFunc<P, R>, Error> {
        TypedFunc::new(self.clone())
    }

    /// How type errors name the function.
    pub(crate) fn describe(&self) -> String {
        self.name
            .as_ref()
            .map_or("function".into(), |name| format!("function `{name}`"))
    }

    /// Calls the function. `results` must have one slot if the function has
    /// a result, none otherwise. A lifted function's `post-return` has run
    /// when this returns.
    pub fn call<T: 'static>(
        &self,
        store: &mut Store<T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        self.call_from(store, params, results, StringEncoding::Utf8, None)
            .map(|_| ())
    }

    /// [`Func::call`] for a caller whose strings were lifted from
    /// `source` encoding; returns the encoding the result's strings come
    /// from (the callee's). `caller` is the calling component instance
    /// (`None` for the host).
    pub(crate) fn call_from<T: 'static>(
        &self,
        store: &mut Store<T>,
        params: &[Val],
        results: &mut [Val],
        source: StringEncoding,
        caller: Option<&InstanceState>,
    ) -> Result<StringEncoding, Error> {
        let ty = &self.inner.ty;
        if params.len() != ty.params.len() {
            return Err(Error::Other(format!(
                "function takes {} arguments, {} given",
                ty.params.len(),
                params.len()
            )));
        }
        if results.len() != usize::from(ty.result.is_some()) {
            return Err(Error::Other(format!(
                "function has {} results, the results buffer holds {}",
                usize::from(ty.result.is_some()),
                results.len()
            )));
        }
        for ((name, t), v) in ty.params.iter().zip(params) {
            v.type_check(t)
                .map_err(|e| Error::Other(format!("argument `{name}`: {e}")))?;
        }
        match &self.inner.kind {
            FuncKind::Host(any) => {
                let Some(host) = any.downcast_ref::<HostFunc<T>>() else {
                    return Err(Error::Other(
                        "a host function was used with a store of another data type".into(),
                    ));
                };
                host(store, params, results)?;
                if let (Some(t), Some(v)) = (&ty.result, results.first()) {
                    v.type_check(t).map_err(|e| {
                        Error::Other(format!("host function returned a bad result: {e}"))
                    })?;
                }
                Ok(StringEncoding::Utf8)
            }
            FuncKind::Lifted(lifted) => {
                let result = call_lifted(store, lifted, ty, params, source, caller)?;
                if let (Some(slot), Some(v)) = (results.first_mut(), result) {
                    *slot = v;
                }
                Ok(lifted.options.encoding)
            }
        }
    }
}

/// `canon_lift` for a synchronous call: lower the arguments into the
/// callee, call its core function, lift the result, run `post-return`.
fn call_lifted<T: 'static>(
    store: &mut Store<T>,
    lifted: &Lifted,
    ty: &FuncType,
    params: &[Val],
    source: StringEncoding,
    caller: Option<&InstanceState>,
) -> Result<Option<Val>, Error> {
    let instance = &lifted.instance;
    let _entered = instance.enter(caller)?;
    let scope = instance.table()?.begin_call();
    let outcome = lifted_body(store, lifted, ty, params, source, &scope);
    // `Task.return_`: the call's borrows must all have been dropped. The
    // scope is closed even after a trap so the table stays consistent.
    let ended = instance.table()?.end_call(scope);
    let result = outcome.and_then(|result| ended.map(|()| result).map_err(Error::from));
    if result.as_ref().is_err_and(Error::is_trap) {
        instance.poison();
    }
    result
}

fn lifted_body<T: 'static>(
    store: &mut Store<T>,
    lifted: &Lifted,
    ty: &FuncType,
    params: &[Val],
    source: StringEncoding,
    scope: &BorrowScope,
) -> Result<Option<Val>, Error> {
    let instance = &lifted.instance;
    let param_types: Vec<Type> = ty.params.iter().map(|(_, t)| t.clone()).collect();

    let flat_args = {
        let _no_leaving = instance.forbid_leave();
        let mut table = instance.table()?;
        let mut bridge = TableBridge::lowering(&mut table, scope);
        with_context(store, &lifted.options, source, &mut bridge, |cx| {
            abi::lower_func_params(cx, params, &param_types)
        })?
    };

    let core_args: Vec<CoreVal> = flat_args.into_iter().map(to_core).collect();
    let core_ty = flatten_functype(ty, FlattenContext::Lift);
    let mut core_results: Vec<CoreVal> = core_ty
        .results
        .iter()
        .map(|t| CoreVal::default_for(super::memory::core_valtype(*t)))
        .collect();
    lifted
        .core
        .call(&mut *store, &core_args, &mut core_results)?;

    let flat_results = core_results
        .iter()
        .map(from_core)
        .collect::<Result<Vec<FlatVal>, Error>>()?;
    let result = {
        let mut table = instance.table()?;
        let mut bridge = TableBridge::results(&mut table);
        with_context(
            store,
            &lifted.options,
            lifted.options.encoding,
            &mut bridge,
            |cx| abi::lift_func_result(cx, &flat_results, ty.result.as_ref()),
        )?
    };

    if let Some(post_return) = lifted.options.post_return {
        let _no_leaving = instance.forbid_leave();
        post_return.call(&mut *store, &core_results, &mut [])?;
    }
    Ok(result)
}
