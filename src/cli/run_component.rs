//! `myrt run` for components: instantiate with WASI 0.2 and call the
//! `wasi:cli/run` export, or another function with `--invoke`, with
//! arguments and result in WAVE syntax (as `wasmtime run --invoke` does).

use anyhow::{Context, bail};
use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{Component, Engine, Error, Func, Instance, Linker, Store};
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
    let grants = wasi_options::Grants::from_options(&args.wasi)?;
    wasi_options::check_imports(&component, &args.file, &grants)?;

    let ctx = wasi_options::build_ctx(args, &args.args, &grants)?;
    let mut store = Store::new(&engine, WasiState::new(ctx));
    let mut linker = Linker::new(&engine);
    myrt_wasi_p2::add_to_linker(&mut linker, |state: &mut WasiState| state)?;
    if grants.http_imports {
        myrt_wasi_p2::add_http_to_linker(&mut linker, |state: &mut WasiState| state)?;
    }
    let instance = linker
        .instantiate(&mut store, &component)
        .map_err(explain_link_error)
        .with_context(|| format!("failed to instantiate `{shown}`"))?;

    let outcome = match args.invoke.as_deref() {
        Some(call) => invoke(&mut store, &instance, call),
        None => run_command(&mut store, &instance, &shown.to_string()),
    };
    // `wasi:cli/exit` unwinds the guest with an error: its status wins.
    if let Some(code) = store.data().ctx.exit_code() {
        return Ok(Finished::status(code));
    }
    outcome
}

/// Every import passed `check_imports`, so a link error is a WASI function
/// or type the host lacks or types differently: say what would fix it.
fn explain_link_error(error: Error) -> anyhow::Error {
    match error {
        Error::Link(message) => anyhow::anyhow!(
            "{message}. myrt provides the stable functions of WASI 0.2.0 to 0.2.12 (and the \
             unstable `network-error-code`); a function it lacks is unstable or from a \
             newer WASI: build the component against a stable WASI 0.2 \
             release without unstable features"
        ),
        other => anyhow::Error::new(other),
    }
}

/// Calls `run` of the `wasi:cli/run@0.2.x` export: `ok` exits 0, `err` 1.
fn run_command(
    store: &mut Store<WasiState>,
    instance: &Instance,
    shown: &str,
) -> anyhow::Result<Finished> {
    let Some(func) = run_export(instance) else {
        bail!(
            "`{shown}` does not export `wasi:cli/run@0.2.x`: it is not a command. \
             Choose a function with --invoke 'name(args)'; functions --invoke can call: {}",
            list_targets(&invoke_targets(instance))
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
    call: &str,
) -> anyhow::Result<Finished> {
    let (name, arg_text) = wave::split_call(call)?;
    let target = find_target(&invoke_targets(instance), name)?;
    let path: Vec<&str> = target.path.iter().map(String::as_str).collect();
    let Some(func) = instance.get_func_path(&path) else {
        bail!(
            "`{}` is not a function of the instantiated component",
            target.shown
        );
    };
    let shown = &target.shown;
    let ty = func.ty(&*store);
    let params = wave::parse_args(arg_text.unwrap_or_default(), &ty)
        .with_context(|| format!("invalid arguments for `{shown}`"))?;
    // Placeholders the call overwrites.
    let mut results: Vec<Val> = ty.result.iter().map(|_| Val::Bool(false)).collect();
    func.call(store, &params, &mut results)
        .with_context(|| format!("failed to invoke `{shown}`"))?;
    Ok(Finished::printing(results.first().map(wave::print)))
}

/// A function `--invoke` can call: its export path and the name a user
/// writes for it. Root functions are named as exported; a function `f` of an
/// exported instance `ns:pkg/iface@1.2.3` is `ns:pkg/iface.f@1.2.3` (the WIT
/// item name wasmtime's `--invoke` takes), of a plain-named instance `i`
/// `i.f`.
#[derive(Debug, Clone, PartialEq)]
struct Target {
    path: Vec<String>,
    shown: String,
}

impl Target {
    /// The instance, for a function of an exported instance.
    fn instance(&self) -> Option<&str> {
        (self.path.len() == 2).then(|| self.path[0].as_str())
    }

    fn func(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }

    /// The name without the instance's version: `ns:pkg/iface.f`.
    fn unversioned(&self) -> String {
        match self.instance() {
            Some(instance) => {
                let interface = instance.split_once('@').map_or(instance, |(i, _)| i);
                format!("{interface}.{}", self.func())
            }
            None => self.shown.clone(),
        }
    }
}

/// The instantiated component's functions, from its exports as they are at
/// run time (export type ascriptions are optional, so the component's
/// declared export types may not list an instance's functions).
fn invoke_targets(instance: &Instance) -> Vec<Target> {
    targets_of(instance.export_names(), |name| {
        instance.export_names_at(&[name])
    })
}

/// Targets from the root exports (name, kind) and the exports of each
/// exported instance.
fn targets_of(
    root: Vec<(String, &'static str)>,
    instance_exports: impl Fn(&str) -> Option<Vec<(String, &'static str)>>,
) -> Vec<Target> {
    const FUNC: &str = "a func";
    let mut targets = Vec::new();
    for (name, kind) in root {
        if kind == FUNC {
            targets.push(Target {
                path: vec![name.clone()],
                shown: name,
            });
            continue;
        }
        let Some(items) = instance_exports(&name) else {
            continue;
        };
        let (interface, version) = match name.split_once('@') {
            Some((interface, version)) => (interface, format!("@{version}")),
            None => (name.as_str(), String::new()),
        };
        for (func, _) in items.into_iter().filter(|(_, kind)| *kind == FUNC) {
            targets.push(Target {
                shown: format!("{interface}.{func}{version}"),
                path: vec![name.clone(), func],
            });
        }
    }
    targets
}

/// Resolves a `--invoke` name: exactly as listed, or `instance#func`, or
/// without the version, or (like wasmtime) a bare function name that one
/// exported instance alone has.
fn find_target(targets: &[Target], name: &str) -> anyhow::Result<Target> {
    let exact = |t: &&Target| {
        t.shown == name
            || name
                .split_once('#')
                .is_some_and(|(i, f)| t.instance() == Some(i) && t.func() == f)
    };
    if let Some(target) = targets.iter().find(exact) {
        return Ok(target.clone());
    }
    let candidates: Vec<&Target> = targets
        .iter()
        .filter(|t| t.unversioned() == name || (t.instance().is_some() && t.func() == name))
        .collect();
    match candidates.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!(
            "the component exports no function `{name}`; functions --invoke can call: {}",
            list_targets(targets)
        ),
        several => bail!(
            "several exported instances have a function `{name}`; choose one: {}",
            list_targets(several.iter().copied())
        ),
    }
}

fn list_targets<'t>(targets: impl IntoIterator<Item = &'t Target>) -> String {
    let mut names: Vec<String> = targets
        .into_iter()
        .map(|t| format!("`{}`", t.shown))
        .collect();
    names.sort();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Exports = Vec<(String, &'static str)>;

    fn exports(names: &[(&str, &'static str)]) -> Exports {
        names.iter().map(|(n, k)| (n.to_string(), *k)).collect()
    }

    fn resolve(name: &str) -> Result<Vec<String>, String> {
        let root = exports(&[
            ("add", "a func"),
            ("wasi:cli/run@0.2.0", "an instance"),
            ("my:app/tools@1.0.0", "an instance"),
            ("plain", "an instance"),
        ]);
        let nested = |instance: &str| -> Option<Exports> {
            Some(match instance {
                "wasi:cli/run@0.2.0" => exports(&[("run", "a func")]),
                "my:app/tools@1.0.0" => exports(&[
                    ("run", "a func"),
                    ("greet", "a func"),
                    ("counter", "a resource"),
                ]),
                "plain" => exports(&[("ping", "a func")]),
                _ => return None,
            })
        };
        find_target(&targets_of(root, nested), name)
            .map(|t| t.path)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn invoke_names_reach_root_and_instance_functions() {
        assert_eq!(resolve("add"), Ok(vec!["add".to_string()]));
        let run = vec!["wasi:cli/run@0.2.0".to_string(), "run".to_string()];
        assert_eq!(resolve("wasi:cli/run.run@0.2.0"), Ok(run.clone()));
        assert_eq!(resolve("wasi:cli/run.run"), Ok(run.clone()));
        assert_eq!(resolve("wasi:cli/run@0.2.0#run"), Ok(run));
        let greet = vec!["my:app/tools@1.0.0".to_string(), "greet".to_string()];
        assert_eq!(resolve("greet"), Ok(greet));
        assert_eq!(
            resolve("plain.ping"),
            Ok(vec!["plain".to_string(), "ping".to_string()])
        );
        let ambiguous = resolve("run").unwrap_err();
        assert!(
            ambiguous.contains("`my:app/tools.run@1.0.0`"),
            "{ambiguous}"
        );
        assert!(
            ambiguous.contains("`wasi:cli/run.run@0.2.0`"),
            "{ambiguous}"
        );
        let missing = resolve("nope").unwrap_err();
        assert!(missing.contains("`plain.ping`"), "{missing}");
    }
}
