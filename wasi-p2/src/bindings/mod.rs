//! The component binding: defines every function and resource of the
//! `wasi:cli/command` world's imports, and the client half of
//! `wasi:http/proxy`'s, in a component `Linker`, mapping each WIT function
//! onto its `WasiImpl` method.
//!
//! Each interface is one table (a file below) of `func(name, closure)`
//! lines; `convert` turns `Val`s into the methods' Rust types and back.
//! Interfaces are registered at 0.2.0: the linker matches any `0.2.x`
//! import semver-compatibly, so guests built against later 0.2 patch
//! releases link too.
//!
//! Resources cross as their rep, which is the `ResourceTable` key; a guest
//! dropping its last handle runs the destructor, which deletes the entry.

mod cli;
mod clocks_random;
mod convert;
mod filesystem;
mod http;
mod io;
mod sockets;

use std::any::Any;

use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{Error, Linker, LinkerInstance, ResourceType};

use crate::ctx::WasiCtx;
use crate::host::WasiImpl;
use crate::table::{Resource, ResourceTable};
use convert::{FromVals, HostReturn, trap};

/// The version the interfaces are registered at.
pub const WASI_VERSION: &str = "0.2.0";

/// What a store's data holds for WASI: the grants and the resources.
pub struct WasiState {
    pub ctx: WasiCtx,
    pub table: ResourceTable,
}

impl WasiState {
    pub fn new(ctx: WasiCtx) -> Self {
        WasiState {
            ctx,
            table: ResourceTable::new(),
        }
    }

    pub fn wasi(&mut self) -> WasiImpl<'_> {
        WasiImpl::new(&mut self.ctx, &mut self.table)
    }
}

/// How the binding finds the WASI state in the store's data.
pub type GetState<T> = fn(&mut T) -> &mut WasiState;

/// Defines all of `wasi:cli/command`'s imports (io, clocks, random, cli,
/// filesystem, sockets) in `linker`. The network is denied: creating a
/// socket or resolving a name returns `access-denied`, so components that
/// import sockets but do not need the network still run.
///
/// `wasi:cli/exit` unwinds the guest with an error; the status is then in
/// `WasiCtx::exit_code`.
pub fn add_to_linker<T: 'static>(linker: &mut Linker<T>, get: GetState<T>) -> Result<(), Error> {
    io::add(linker, get)?;
    clocks_random::add(linker, get)?;
    cli::add(linker, get)?;
    filesystem::add(linker, get)?;
    sockets::add(linker, get)
}

/// Defines `wasi:http/types` and `wasi:http/outgoing-handler` (the imports
/// `wasi:http/proxy` adds to the command world's) in a linker that already
/// has `add_to_linker`'s. A guest builds requests per the WIT; sending one
/// returns `HTTP-request-denied`, since no network is granted.
pub fn add_http_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: GetState<T>,
) -> Result<(), Error> {
    http::add(linker, get)
}

/// The interfaces `add_to_linker` defines (without versions).
pub fn command_interfaces() -> Vec<&'static str> {
    [
        io::INTERFACES,
        clocks_random::INTERFACES,
        cli::INTERFACES,
        filesystem::INTERFACES,
        sockets::INTERFACES,
    ]
    .concat()
}

/// The interfaces `add_http_to_linker` defines (without versions).
pub fn http_interfaces() -> &'static [&'static str] {
    http::INTERFACES
}

/// One interface being defined: a linker namespace plus the accessor.
pub(crate) struct Interface<'a, T> {
    instance: LinkerInstance<'a, T>,
    get: GetState<T>,
}

/// Runs `define` on the linker instance for `name@WASI_VERSION`.
pub(crate) fn interface<T: 'static>(
    linker: &mut Linker<T>,
    get: GetState<T>,
    name: &str,
    define: impl FnOnce(&mut Interface<'_, T>) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut root = linker.root();
    let instance = root.instance(&format!("{name}@{WASI_VERSION}"))?;
    define(&mut Interface { instance, get })
}

impl<T: 'static> Interface<'_, T> {
    /// A WIT function: `f` gets the `WasiImpl` and the decoded arguments.
    pub fn func<P: FromVals, R: HostReturn>(
        &mut self,
        name: &str,
        f: impl Fn(&mut WasiImpl<'_>, P) -> R + Send + Sync + 'static,
    ) -> Result<(), Error> {
        let get = self.get;
        self.instance.func_new(name, move |store, args, results| {
            let params = P::from_vals(args)?;
            let value = f(&mut get(store.data_mut()).wasi(), params).into_return()?;
            if let (Some(slot), Some(value)) = (results.first_mut(), value) {
                *slot = value;
            }
            Ok(())
        })
    }

    /// A function whose arguments do not matter and whose result is fixed.
    pub fn constant(&mut self, name: &str, result: fn() -> Option<Val>) -> Result<(), Error> {
        self.instance.func_new(name, move |_store, _args, results| {
            if let (Some(slot), Some(value)) = (results.first_mut(), result()) {
                *slot = value;
            }
            Ok(())
        })
    }

    /// A function that cannot be reached: it needs a handle no guest can get.
    pub fn unreachable(&mut self, name: &str) -> Result<(), Error> {
        let message = format!("`{name}` was called without a handle the host ever issued");
        self.instance
            .func_new(name, move |_store, _args, _results| Err(trap(&message)))
    }

    /// A resource of which the host never issues a handle in this world
    /// (a socket while the network is denied, an incoming HTTP request in a
    /// command), with its `functions`: they link, and the canonical ABI
    /// refuses any handle a guest could pass before they are reached.
    pub fn never_issued<S: AsRef<str>>(
        &mut self,
        resource: &str,
        functions: impl IntoIterator<Item = S>,
    ) -> Result<(), Error> {
        self.resource::<NeverIssued>(resource)?;
        functions
            .into_iter()
            .try_for_each(|function| self.unreachable(function.as_ref()))
    }

    /// A resource whose entries are `R`s in the table; the destructor
    /// deletes the entry.
    pub fn resource<R: Any + Send>(&mut self, name: &str) -> Result<(), Error> {
        let get = self.get;
        self.instance
            .resource(name, ResourceType::host(), move |store, rep| {
                get(store.data_mut())
                    .table
                    .delete(Resource::<R>::new(rep))
                    .map(drop)
                    .map_err(trap)
            })
    }
}

/// The table type of the resources no value is ever made of.
enum NeverIssued {}

/// Prefix of the error `wasi:cli/exit` unwinds with.
pub(crate) const EXIT_MESSAGE: &str = "the guest exited with status ";
