//! The host items wasmtime's script runner gives components
//! (testsuite README, section 2b): the root function `host-return-two` and
//! the `host` instance with functions, a nested instance, a core module and
//! resources whose destructor the scripts observe.
//!
//! Left out: the async functions (`host-echo-u32`, `never-return`,
//! `return-two-slowly`, `echo-slowly`, `[method]resource1.never-return`)
//! and the `wasmtime` instance (`gc`, `set-max-table-capacity`), which only
//! files outside the 0.2 scope import.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{Error, Linker, ResourceType};
use myrt_interp::{Engine, Module};

/// `simple-module`: a global `g` = 100 and a function `f` returning 101.
const SIMPLE_MODULE: &str = r#"(module
  (global (export "g") i32 (i32.const 100))
  (func (export "f") (result i32) (i32.const 101)))"#;

/// What the destructor of `resource1` has seen.
struct DropLog {
    count: AtomicU32,
    /// `u32::MAX` until the first drop.
    last_rep: AtomicU32,
}

/// The host items, created once per script so that every component sees
/// the same resource types and destructor log.
pub(crate) struct HostItems {
    simple_module: Module,
    resource1: ResourceType,
    resource2: ResourceType,
    drops: Arc<DropLog>,
}

impl HostItems {
    pub(crate) fn new(engine: &Engine) -> Result<Self, Error> {
        let bytes =
            wat::parse_str(SIMPLE_MODULE).map_err(|error| Error::Other(error.to_string()))?;
        Ok(HostItems {
            simple_module: Module::new(engine, &bytes)?,
            resource1: ResourceType::host(),
            resource2: ResourceType::host(),
            drops: Arc::new(DropLog {
                count: AtomicU32::new(0),
                last_rep: AtomicU32::new(u32::MAX),
            }),
        })
    }

    pub(crate) fn define(&self, linker: &mut Linker<()>) -> Result<(), Error> {
        linker
            .root()
            .func_new("host-return-two", returning(Val::U32(2)))?;
        let mut root = linker.root();
        let mut host = root.instance("host")?;
        host.func_new("return-three", returning(Val::U32(3)))?;
        host.instance("nested")?
            .func_new("return-four", returning(Val::U32(4)))?;
        host.func_new("return-hi", returning(Val::String("hi".to_string())))?;
        host.module("simple-module", &self.simple_module)?;

        let log = Arc::clone(&self.drops);
        let dtor = move |_: &mut myrt_interp::Store<()>, rep: u32| {
            log.count.fetch_add(1, Ordering::SeqCst);
            log.last_rep.store(rep, Ordering::SeqCst);
            Ok(())
        };
        host.resource("resource1", self.resource1.clone(), dtor.clone())?;
        // The same type under a second name: scripts check that the two unify.
        host.resource("resource1-again", self.resource1.clone(), dtor)?;
        host.resource("resource2", self.resource2.clone(), |_, _| Ok(()))?;

        // Host values of a host resource carry its representation.
        host.func_new("[constructor]resource1", |_, params, results| {
            results[0] = Val::Own(u32_param(params, 0)?);
            Ok(())
        })?;
        host.func_new("[static]resource1.assert", |_, params, _| {
            expect_rep(handle_rep(params, 0)?, u32_param(params, 1)?)
        })?;
        host.func_new("[method]resource1.simple", |_, params, _| {
            expect_rep(handle_rep(params, 0)?, u32_param(params, 1)?)
        })?;
        host.func_new("[method]resource1.take-borrow", |_, params, _| {
            handle_rep(params, 0).and(handle_rep(params, 1)).map(drop)
        })?;
        host.func_new("[method]resource1.take-own", |_, params, _| {
            handle_rep(params, 0).and(handle_rep(params, 1)).map(drop)
        })?;
        let log = Arc::clone(&self.drops);
        host.func_new("[static]resource1.last-drop", move |_, _, results| {
            results[0] = Val::U32(log.last_rep.load(Ordering::SeqCst));
            Ok(())
        })?;
        let log = Arc::clone(&self.drops);
        host.func_new("[static]resource1.drops", move |_, _, results| {
            results[0] = Val::U32(log.count.load(Ordering::SeqCst));
            Ok(())
        })?;
        Ok(())
    }
}

/// A host function without parameters that returns `value`.
fn returning(
    value: Val,
) -> impl Fn(&mut myrt_interp::Store<()>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static
{
    move |_, _, results| {
        if let Some(slot) = results.first_mut() {
            *slot = value.clone();
        }
        Ok(())
    }
}

fn u32_param(params: &[Val], index: usize) -> Result<u32, Error> {
    match params.get(index) {
        Some(Val::U32(value)) => Ok(*value),
        other => Err(Error::Other(format!(
            "parameter {index}: expected a u32, got {other:?}"
        ))),
    }
}

fn handle_rep(params: &[Val], index: usize) -> Result<u32, Error> {
    match params.get(index) {
        Some(Val::Own(rep) | Val::Borrow(rep)) => Ok(*rep),
        other => Err(Error::Other(format!(
            "parameter {index}: expected a resource handle, got {other:?}"
        ))),
    }
}

fn expect_rep(actual: u32, expected: u32) -> Result<(), Error> {
    if actual == expected {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "resource1 has rep {actual}, expected {expected}"
        )))
    }
}
