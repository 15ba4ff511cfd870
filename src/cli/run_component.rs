//! `myrt run` for components: instantiate with WASI 0.2 and call the
//! `wasi:cli/run` export, or another function with `--invoke`, with
//! arguments and result in WAVE syntax (as `wasmtime run --invoke` does).

use anyhow::{Context, bail};
use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{
    Component, ComponentItem, Engine, Error, Func, Instance, Linker, Store,
};
use myrt_wasi_p2::WasiState;

use super::run::{Finished, RunArgs};
use super::{wasi_options, wave};

/// Whether a binary is a component (Binary.md: the preamble's `layer`
/// field is 1 for components, 0 for core modules).
pub fn is_component(bytes: &[u8]) -> bool {
    bytes.get(6..8) == Some(&[1, 0][..])
}

/// Whether an error in a chain is a component trap (core or Canonical ABI).
pub fn is_trap(cause: &(dyn std::error::Error + 'static)) -> bool {
    cause.downcast_ref::<Error>().is_some_and(Error::is_trap)
}

pub fn run(args: &RunArgs, bytes: &[u8]) -> anyhow::Result<Finished> {
    let shown = args.file.display();
    if args.invoke.is_some() && !args.args.is_empty() {
        bail!(
            "a component's arguments go inside --invoke: --invoke 'name(arg, ...)' \
             (arguments after the file go to `wasi:cli/run` when --invoke is not given)"
        );
    }
    let engine = Engine::default();
    let component =
        Component::new(&engine, bytes).with_context(|| format!("failed to compile `{shown}`"))?;
    wasi_options::check_imports(&component, &args.file)?;

    let ctx = wasi_options::build_ctx(args, &args.args)?;
    let mut store = Store::new(&engine, WasiState::new(ctx));
    let mut linker = Linker::new(&engine);
    myrt_wasi_p2::add_to_linker(&mut linker, |state: &mut WasiState| state)?;
    let instance = linker
        .instantiate(&mut store, &component)
        .with_context(|| format!("failed to instantiate `{shown}`"))?;

    let outcome = match args.invoke.as_deref() {
        Some(call) => invoke(&mut store, &instance, &component, call),
        None => run_command(&mut store, &instance, &component, &shown.to_string()),
    };
    // `wasi:cli/exit` unwinds the guest with an error: its status wins.
    if let Some(code) = store.data().ctx.exit_code() {
        return Ok(Finished::status(code));
    }
    outcome
}

/// Calls `run` of the `wasi:cli/run@0.2.x` export: `ok` exits 0, `err` 1.
fn run_command(
    store: &mut Store<WasiState>,
    instance: &Instance,
    component: &Component,
    shown: &str,
) -> anyhow::Result<Finished> {
    let Some(func) = run_export(instance) else {
        bail!(
            "`{shown}` does not export `wasi:cli/run@0.2.x`: it is not a command. \
             Choose a function with --invoke 'name(args)'; exported functions: {}",
            list_funcs(&component.exports())
        );
    };
    let mut result = [Val::Bool(false)];
    func.call(store, &[], &mut result)
        .context("failed to run `wasi:cli/run.run`")?;
    Ok(match result {
        [Val::Result(Ok(_))] => Finished::status(0),
        _ => Finished::status(1),
    })
}

fn run_export(instance: &Instance) -> Option<Func> {
    instance
        .export_names()
        .into_iter()
        .find(|(name, _)| name.starts_with("wasi:cli/run@0.2."))
        .and_then(|(name, _)| instance.get_func_path(&[&name, "run"]))
}

/// Runs `--invoke 'name(args)'`; prints the WAVE text of the result, if any.
fn invoke(
    store: &mut Store<WasiState>,
    instance: &Instance,
    component: &Component,
    call: &str,
) -> anyhow::Result<Finished> {
    let (name, arg_text) = wave::split_call(call)?;
    let Some(func) = instance.get_func(&*store, name) else {
        bail!(
            "the component exports no function `{name}`; exported functions: {}",
            list_funcs(&component.exports())
        );
    };
    let ty = func.ty(&*store);
    let params = wave::parse_args(arg_text.unwrap_or_default(), &ty)
        .with_context(|| format!("invalid arguments for `{name}`"))?;
    // Placeholders the call overwrites.
    let mut results: Vec<Val> = ty.result.iter().map(|_| Val::Bool(false)).collect();
    func.call(store, &params, &mut results)
        .with_context(|| format!("failed to invoke `{name}`"))?;
    Ok(Finished::printing(results.first().map(wave::print)))
}

fn list_funcs(exports: &[(String, ComponentItem)]) -> String {
    let mut funcs: Vec<String> = exports
        .iter()
        .filter(|(_, item)| matches!(item, ComponentItem::Func(_)))
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    funcs.sort();
    if funcs.is_empty() {
        "none".to_string()
    } else {
        funcs.join(", ")
    }
}
