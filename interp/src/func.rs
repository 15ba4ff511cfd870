//! Functions: handles, host functions (`Func::new`, `Func::wrap`), calls from
//! the host into wasm (`Func::call`, `TypedFunc`) and from wasm into the host
//! (`call_host`).

use std::marker::PhantomData;
use std::sync::Arc;

use myrt_parser::{FuncType, ValType};
use smallvec::{SmallVec, smallvec};

use crate::store::{FuncEntity, Handle, Store, StoreId, store_mismatch};
use crate::values::{ref_cell, ref_handle};
use crate::{AsContext, AsContextMut, Engine, Error, Extern, ExternRef, Val, engine};

/// A function in a store (defined by wasm or by the host).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Func(pub(crate) Handle);

/// A host function as the executor calls it: arguments and results as cells.
pub(crate) type HostFunc<T> =
    Arc<dyn Fn(Caller<'_, T>, &[u64], &mut [u64]) -> Result<(), Error> + Send + Sync>;

/// Inline capacity for argument and result cells of one call.
type Cells = SmallVec<[u64; 8]>;

/// Calls host function `host_index` of `store` (the executor's way into the host).
pub(crate) fn call_host<T>(
    store: &mut Store<T>,
    host_index: u32,
    args: &[u64],
    results: &mut [u64],
) -> Result<(), Error> {
    let func = store.host_funcs[host_index as usize].clone();
    let instance = store.calling_instance.take();
    func(Caller { store, instance }, args, results)
}

impl Func {
    /// A host function with dynamically typed arguments and results. `results`
    /// arrives filled with zero/null values of the result types.
    pub fn new<T: 'static>(
        mut ctx: impl AsContextMut<Data = T>,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Func {
        let host = dynamic_host_func(ty.clone(), f);
        Func::from_host(ctx.as_context_mut(), ty, host)
    }

    /// A host function from a closure with typed arguments, optionally
    /// preceded by a [`Caller`]: `|a: i32, b: f64| -> i64`,
    /// `|caller: Caller<'_, T>, a: i32| -> Result<(), Error>`.
    pub fn wrap<T: 'static, Params, Results>(
        mut ctx: impl AsContextMut<Data = T>,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let (ty, host) = f.into_host_func();
        Func::from_host(ctx.as_context_mut(), ty, host)
    }

    pub(crate) fn from_host<T>(store: &mut Store<T>, ty: FuncType, host: HostFunc<T>) -> Func {
        store.host_funcs.push(host);
        let host_index = store.host_funcs.len() as u32 - 1;
        store.inner.funcs.push(FuncEntity::Host { ty, host_index });
        Func(store.handle(store.inner.funcs.len() - 1))
    }

    pub fn ty(&self, ctx: impl AsContext) -> FuncType {
        let store = ctx.as_context();
        store.inner.funcs[store.index(self.0)].ty().clone()
    }

    /// Calls the function; `params` and `results` must match its type.
    pub fn call(
        &self,
        mut ctx: impl AsContextMut,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let store = ctx.as_context_mut();
        if self.0.store != store.id() {
            return Err(store_mismatch());
        }
        let ty = self.ty(&*store);
        check_types(ty.params(), params)?;
        if results.len() != ty.results().len() {
            return Err(Error::Other(format!(
                "function of type {ty} returns {} values, but the results buffer holds {}",
                ty.results().len(),
                results.len()
            )));
        }
        let args = params
            .iter()
            .map(|v| v.to_cell(store.id()))
            .collect::<Result<Cells, Error>>()?;
        let mut cells: Cells = smallvec![0; results.len()];
        engine::call(store, self.0.index, &args, &mut cells)?;
        for ((out, ty), cell) in results.iter_mut().zip(ty.results()).zip(cells) {
            *out = Val::from_cell(*ty, cell, store.id());
        }
        Ok(())
    }

    /// A statically typed view of the function; fails if `Params`/`Results`
    /// do not match its type.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
        ctx: impl AsContext,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        let ty = self.ty(ctx);
        if ty.params() != Params::valtypes().as_slice()
            || ty.results() != Results::valtypes().as_slice()
        {
            let expected = FuncType::new(Params::valtypes(), Results::valtypes());
            return Err(Error::Other(format!(
                "function has type {ty}, not the requested {expected}"
            )));
        }
        Ok(TypedFunc {
            func: *self,
            _types: PhantomData,
        })
    }
}

/// Checks that `args` has the count and types of `types`.
fn check_types(types: &[ValType], args: &[Val]) -> Result<(), Error> {
    if args.len() != types.len() {
        return Err(Error::Other(format!(
            "expected {} arguments, got {}",
            types.len(),
            args.len()
        )));
    }
    for (i, (arg, ty)) in args.iter().zip(types).enumerate() {
        if arg.ty() != *ty {
            return Err(Error::Other(format!(
                "argument {i} has type {}, expected {ty}",
                arg.ty()
            )));
        }
    }
    Ok(())
}

/// Adapts a `Val`-based host closure to the cell-based calling convention.
pub(crate) fn dynamic_host_func<T: 'static>(
    ty: FuncType,
    f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
) -> HostFunc<T> {
    Arc::new(
        move |caller: Caller<'_, T>, args: &[u64], results: &mut [u64]| {
            let store = caller.store.id();
            let params: SmallVec<[Val; 8]> = ty
                .params()
                .iter()
                .zip(args)
                .map(|(ty, cell)| Val::from_cell(*ty, *cell, store))
                .collect();
            let mut outs: SmallVec<[Val; 8]> = ty
                .results()
                .iter()
                .map(|ty| Val::default_for(*ty))
                .collect();
            f(caller, &params, &mut outs)?;
            for (i, ((out, ty), cell)) in outs.iter().zip(ty.results()).zip(results).enumerate() {
                if out.ty() != *ty {
                    return Err(Error::Other(format!(
                        "host function returned a {} as result {i}, but its type says {ty}",
                        out.ty()
                    )));
                }
                *cell = out.to_cell(store)?;
            }
            Ok(())
        },
    )
}

/// A function whose type was checked once, so calls skip the dynamic checks.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _types: PhantomData<fn(Params) -> Results>,
}

impl<Params, Results> Clone for TypedFunc<Params, Results> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Params, Results> Copy for TypedFunc<Params, Results> {}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    pub fn func(&self) -> Func {
        self.func
    }

    pub fn call(&self, mut ctx: impl AsContextMut, params: Params) -> Result<Results, Error> {
        let store = ctx.as_context_mut();
        if self.func.0.store != store.id() {
            return Err(store_mismatch());
        }
        let mut args: Cells = smallvec![0; Params::len()];
        params.write_cells(&mut args, store.id())?;
        let mut results: Cells = smallvec![0; Results::len()];
        engine::call(store, self.func.0.index, &args, &mut results)?;
        Ok(Results::from_cells(&results, store.id()))
    }
}

/// The calling context of a host function: the store, and the instance whose
/// code called (when known).
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    pub(crate) instance: Option<u32>,
}

impl<T> Caller<'_, T> {
    pub fn data(&self) -> &T {
        self.store.data()
    }

    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    pub fn engine(&self) -> &Engine {
        self.store.engine()
    }

    /// An export of the calling instance; `None` if it has no such export or
    /// the function was called from the host rather than from wasm.
    pub fn get_export(&mut self, name: &str) -> Option<Extern> {
        let instance = self.store.inner.instances.get(self.instance? as usize)?;
        instance.exports.get(name).copied()
    }
}

/// A Rust type that corresponds to one wasm value type.
pub trait WasmTy: Sized + 'static {
    fn valtype() -> ValType;
    /// The value as a cell of store `store` (fails for a reference into another store).
    #[doc(hidden)]
    fn into_cell(self, store: StoreId) -> Result<u64, Error>;
    #[doc(hidden)]
    fn from_cell(cell: u64, store: StoreId) -> Self;
}

macro_rules! impl_wasm_ty_num {
    ($($ty:ty => $valtype:ident, |$v:ident| $into:expr, |$c:ident| $from:expr;)*) => {$(
        impl WasmTy for $ty {
            fn valtype() -> ValType {
                ValType::$valtype
            }
            fn into_cell(self, _: StoreId) -> Result<u64, Error> {
                let $v = self;
                Ok($into)
            }
            fn from_cell($c: u64, _: StoreId) -> Self {
                $from
            }
        }
    )*};
}

impl_wasm_ty_num! {
    i32 => I32, |v| v as u32 as u64, |c| c as u32 as i32;
    u32 => I32, |v| v as u64, |c| c as u32;
    i64 => I64, |v| v as u64, |c| c as i64;
    u64 => I64, |v| v, |c| c;
    f32 => F32, |v| v.to_bits() as u64, |c| f32::from_bits(c as u32);
    f64 => F64, |v| v.to_bits(), |c| f64::from_bits(c);
}

impl WasmTy for Option<Func> {
    fn valtype() -> ValType {
        ValType::FUNCREF
    }
    fn into_cell(self, store: StoreId) -> Result<u64, Error> {
        ref_cell(self.map(|f| f.0), store)
    }
    fn from_cell(cell: u64, store: StoreId) -> Self {
        ref_handle(cell, store).map(Func)
    }
}

impl WasmTy for Option<ExternRef> {
    fn valtype() -> ValType {
        ValType::EXTERNREF
    }
    fn into_cell(self, store: StoreId) -> Result<u64, Error> {
        ref_cell(self.map(|r| r.0), store)
    }
    fn from_cell(cell: u64, store: StoreId) -> Self {
        ref_handle(cell, store).map(ExternRef)
    }
}

/// A list of wasm values as Rust types: a single [`WasmTy`] or a tuple of them.
pub trait WasmParams: Sized {
    fn valtypes() -> Vec<ValType>;
    #[doc(hidden)]
    fn len() -> usize;
    #[doc(hidden)]
    fn write_cells(self, out: &mut [u64], store: StoreId) -> Result<(), Error>;
    #[doc(hidden)]
    fn from_cells(cells: &[u64], store: StoreId) -> Self;
}

/// What a call can return: the same shapes as [`WasmParams`].
pub trait WasmResults: WasmParams {}
impl<R: WasmParams> WasmResults for R {}

impl<V: WasmTy> WasmParams for V {
    fn valtypes() -> Vec<ValType> {
        vec![V::valtype()]
    }
    fn len() -> usize {
        1
    }
    fn write_cells(self, out: &mut [u64], store: StoreId) -> Result<(), Error> {
        if let Some(cell) = out.first_mut() {
            *cell = self.into_cell(store)?;
        }
        Ok(())
    }
    fn from_cells(cells: &[u64], store: StoreId) -> Self {
        V::from_cell(cells.first().copied().unwrap_or(0), store)
    }
}

/// What a host closure may return: results, or `Result` of them to trap.
pub trait HostResult {
    type Results: WasmResults;
    #[doc(hidden)]
    fn into_host_result(self) -> Result<Self::Results, Error>;
}

impl<R: WasmResults> HostResult for R {
    type Results = R;
    fn into_host_result(self) -> Result<R, Error> {
        Ok(self)
    }
}

impl<R: WasmResults> HostResult for Result<R, Error> {
    type Results = R;
    fn into_host_result(self) -> Result<R, Error> {
        self
    }
}

/// Marks the `Params` of [`IntoFunc`] for closures that take a [`Caller`] first.
pub struct WithCaller<T>(PhantomData<T>);

/// Closures that [`Func::wrap`] and `Linker::func_wrap` accept.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_host_func(self) -> (FuncType, HostFunc<T>);
}

macro_rules! impl_for_arity {
    ($($A:ident)*) => {
        #[allow(non_snake_case, unused_variables, unused_mut, clippy::unused_unit)]
        impl<$($A: WasmTy),*> WasmParams for ($($A,)*) {
            fn valtypes() -> Vec<ValType> {
                vec![$($A::valtype()),*]
            }
            fn len() -> usize {
                <[&str]>::len(&[$(stringify!($A)),*])
            }
            fn write_cells(self, out: &mut [u64], store: StoreId) -> Result<(), Error> {
                let ($($A,)*) = self;
                let mut out = out.iter_mut();
                $(if let Some(cell) = out.next() {
                    *cell = $A.into_cell(store)?;
                })*
                Ok(())
            }
            fn from_cells(cells: &[u64], store: StoreId) -> Self {
                let mut cells = cells.iter().copied();
                ($($A::from_cell(cells.next().unwrap_or(0), store),)*)
            }
        }

        #[allow(unused_variables, unused_mut)]
        impl<T: 'static, F, R, $($A: WasmTy),*> IntoFunc<T, ($($A,)*), R> for F
        where
            F: Fn($($A),*) -> R + Send + Sync + 'static,
            R: HostResult,
        {
            fn into_host_func(self) -> (FuncType, HostFunc<T>) {
                let ty = FuncType::new([$($A::valtype()),*], R::Results::valtypes());
                let host = move |caller: Caller<'_, T>, args: &[u64], results: &mut [u64]| {
                    let store = caller.store.id();
                    let mut args = args.iter().copied();
                    let out = self($($A::from_cell(args.next().unwrap_or(0), store)),*).into_host_result()?;
                    out.write_cells(results, store)
                };
                (ty, Arc::new(host))
            }
        }

        #[allow(unused_variables, unused_mut)]
        impl<T: 'static, F, R, $($A: WasmTy),*> IntoFunc<T, (WithCaller<T>, $($A,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($A),*) -> R + Send + Sync + 'static,
            R: HostResult,
        {
            fn into_host_func(self) -> (FuncType, HostFunc<T>) {
                let ty = FuncType::new([$($A::valtype()),*], R::Results::valtypes());
                let host = move |caller: Caller<'_, T>, args: &[u64], results: &mut [u64]| {
                    let store = caller.store.id();
                    let mut args = args.iter().copied();
                    let out = self(caller, $($A::from_cell(args.next().unwrap_or(0), store)),*).into_host_result()?;
                    out.write_cells(results, store)
                };
                (ty, Arc::new(host))
            }
        }
    };
}

impl_for_arity!();
impl_for_arity!(A1);
impl_for_arity!(A1 A2);
impl_for_arity!(A1 A2 A3);
impl_for_arity!(A1 A2 A3 A4);
impl_for_arity!(A1 A2 A3 A4 A5);
impl_for_arity!(A1 A2 A3 A4 A5 A6);
impl_for_arity!(A1 A2 A3 A4 A5 A6 A7);
impl_for_arity!(A1 A2 A3 A4 A5 A6 A7 A8);
impl_for_arity!(A1 A2 A3 A4 A5 A6 A7 A8 A9);
impl_for_arity!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);
impl_for_arity!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11);
impl_for_arity!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12);
impl_for_arity!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13);
impl_for_arity!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14);
impl_for_arity!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15);
impl_for_arity!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16);
