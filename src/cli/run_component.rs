//! `myrt run` for components: instantiate a component without imports and
//! call one of its exported functions, with arguments and result in WAVE
//! syntax (as `wasmtime run --invoke` does).

use anyhow::{Context, bail};
use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{Component, ComponentItem, Engine, Error, Linker, Store};

use super::run::RunArgs;
use super::wave;

/// Whether a binary is a component (Binary.md: the preamble's `layer`
/// field is 1 for components, 0 for core modules).
pub fn is_component(bytes: &[u8]) -> bool {
    bytes.get(6..8) == Some(&[1, 0][..])
}

/// Whether an error in a chain is a component trap (core or Canonical ABI).
pub fn is_trap(cause: &(dyn std::error::Error + 'static)) -> bool {
    cause.downcast_ref::<Error>().is_some_and(Error::is_trap)
}

/// Runs `--invoke 'name(args)'`; returns the WAVE text of the result, if any.
pub fn run(args: &RunArgs, bytes: &[u8]) -> anyhow::Result<Option<String>> {
    let shown = args.file.display();
    let Some(call) = args.invoke.as_deref() else {
        bail!(
            "`{shown}` is a component: choose a function with --invoke 'name(args)' \
             (running `wasi:cli/run` is not supported yet); exported functions: {}",
            exported_funcs(bytes)
        );
    };
    if !args.args.is_empty() {
        bail!("a component's arguments go inside --invoke: --invoke '{call}(arg, ...)'");
    }
    let engine = Engine::default();
    let component =
        Component::new(&engine, bytes).with_context(|| format!("failed to compile `{shown}`"))?;
    reject_imports(&component, &shown.to_string())?;

    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &component)
        .with_context(|| format!("failed to instantiate `{shown}`"))?;
    let (name, arg_text) = wave::split_call(call)?;
    let Some(func) = instance.get_func(&mut store, name) else {
        bail!(
            "the component exports no function `{name}`; exported functions: {}",
            list_funcs(&component.exports())
        );
    };
    let ty = func.ty(&store);
    let params = wave::parse_args(arg_text.unwrap_or_default(), &ty)
        .with_context(|| format!("invalid arguments for `{name}`"))?;
    // Placeholders the call overwrites.
    let mut results: Vec<Val> = ty.result.iter().map(|_| Val::Bool(false)).collect();
    func.call(&mut store, &params, &mut results)
        .with_context(|| format!("failed to invoke `{name}`"))?;
    Ok(results.first().map(wave::print))
}

/// `run` defines no host items yet (WASI 0.2 comes later): name every
/// import instead of letting instantiation fail on the first one.
fn reject_imports(component: &Component, shown: &str) -> anyhow::Result<()> {
    let imports: Vec<String> = component
        .imports()
        .into_iter()
        .map(|(name, item)| format!("`{name}`: {}", describe(&item)))
        .collect();
    if imports.is_empty() {
        return Ok(());
    }
    bail!(
        "`{shown}` needs imports, but `myrt run` provides none:\n  {}",
        imports.join("\n  ")
    )
}

fn exported_funcs(bytes: &[u8]) -> String {
    match Component::new(&Engine::default(), bytes) {
        Ok(component) => list_funcs(&component.exports()),
        Err(_) => "(the component does not compile)".to_string(),
    }
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

fn describe(item: &ComponentItem) -> &'static str {
    match item {
        ComponentItem::Func(_) => "function",
        ComponentItem::Instance(_) => "instance",
        ComponentItem::Module => "core module",
        ComponentItem::Component => "component",
        ComponentItem::Type => "type",
        ComponentItem::Resource => "resource",
        ComponentItem::Value => "value",
    }
}
