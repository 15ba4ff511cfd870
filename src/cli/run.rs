//! `myrt run`: instantiate a core module or a component without imports and
//! call an export.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use myrt_interp::{
    Engine, Error, Extern, ExternType, Func, Instance, Linker, Module, Store, Trap, Val,
};

use super::run_component;
use super::values::{format_result, parse_arg};

/// Exit status of a trapping program: a trap aborts like a native crash
/// (128 + SIGABRT), as wasmtime does on Unix.
const TRAP_EXIT_CODE: u8 = 134;

#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
myrt run examples/fib.wat --invoke fib 20\n  \
myrt run --invoke add module.wasm 2 -3\n  \
myrt run program.wasm            (calls the `_start` export)\n  \
myrt run component.wasm --invoke 'greet(\"world\", [1, 2], some(ok(3)))'\n\n\
A component's function takes its arguments inside --invoke, in WAVE syntax;\n\
its result is printed in WAVE syntax. Each result of a core function is printed\n\
on its own line. A trap prints its message and wasm\n\
backtrace to stderr and exits with status 134; other errors exit with status 1.")]
pub struct RunArgs {
    /// The exported function to call [default: `_start`]; for a component,
    /// the call with its arguments: `name(arg, ...)`.
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,

    /// The module or component: binary (.wasm) or text (.wat), detected from its content.
    pub file: PathBuf,

    /// Arguments of the function, parsed by its parameter types: integers in
    /// decimal or 0x-hex, floats in decimal or `nan`/`inf`/`-inf`
    /// (put `--` before arguments like `-inf` that look like options).
    #[arg(value_name = "ARGS", allow_negative_numbers = true)]
    pub args: Vec<String>,
}

pub fn execute(args: &RunArgs) -> ExitCode {
    match run(args) {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            if error.chain().any(|cause| {
                cause.downcast_ref::<Trap>().is_some() || run_component::is_trap(cause)
            }) {
                ExitCode::from(TRAP_EXIT_CODE)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Runs the module or component; returns the lines to print.
fn run(args: &RunArgs) -> anyhow::Result<Vec<String>> {
    let bytes = wat::parse_file(&args.file)
        .with_context(|| format!("failed to read `{}`", args.file.display()))?;
    if run_component::is_component(&bytes) {
        return run_component::run(args, &bytes).map(|result| result.into_iter().collect());
    }
    let results = run_module(args, &bytes)?;
    Ok(results.iter().map(format_result).collect())
}

fn run_module(args: &RunArgs, bytes: &[u8]) -> anyhow::Result<Vec<Val>> {
    let engine = Engine::default();
    let module = Module::new(&engine, bytes)
        .with_context(|| format!("failed to compile `{}`", args.file.display()))?;
    reject_imports(&module, &args.file)?;

    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(trap_aware)
        .with_context(|| format!("failed to instantiate `{}`", args.file.display()))?;

    let name = args.invoke.as_deref().unwrap_or("_start");
    let func = exported_func(&store, instance, name, args.invoke.is_some())?;
    let ty = func.ty(&store);
    if ty.params().len() != args.args.len() {
        bail!(
            "`{name}` takes {} argument(s) of type {ty}, but {} were given",
            ty.params().len(),
            args.args.len()
        );
    }
    let params = ty
        .params()
        .iter()
        .zip(&args.args)
        .map(|(ty, text)| parse_arg(text, *ty))
        .collect::<anyhow::Result<Vec<Val>>>()
        .with_context(|| format!("invalid arguments for `{name}` {ty}"))?;
    let mut results: Vec<Val> = ty
        .results()
        .iter()
        .map(|ty| Val::default_for(*ty))
        .collect();
    func.call(&mut store, &params, &mut results)
        .map_err(trap_aware)
        .with_context(|| format!("failed to invoke `{name}`"))?;
    Ok(results)
}

/// `run` has no host functions yet: name every import instead of letting
/// instantiation fail on the first one.
fn reject_imports(module: &Module, path: &Path) -> anyhow::Result<()> {
    let imports: Vec<String> = module
        .imports()
        .map(|import| {
            format!(
                "`{}`.`{}`: {}",
                import.module(),
                import.name(),
                describe_extern(&import.ty())
            )
        })
        .collect();
    if imports.is_empty() {
        return Ok(());
    }
    bail!(
        "`{}` needs imports, but `myrt run` provides none:\n  {}",
        path.display(),
        imports.join("\n  ")
    )
}

fn exported_func(
    store: &Store<()>,
    instance: Instance,
    name: &str,
    chosen: bool,
) -> anyhow::Result<Func> {
    if let Some(Extern::Func(func)) = instance.get_export(store, name) {
        return Ok(func);
    }
    let mut funcs: Vec<String> = instance
        .exports(store)
        .filter(|(_, item)| matches!(item, Extern::Func(_)))
        .map(|(export_name, _)| format!("`{export_name}`"))
        .collect();
    funcs.sort();
    let available = if funcs.is_empty() {
        "none".to_string()
    } else {
        funcs.join(", ")
    };
    if chosen {
        bail!("the module exports no function `{name}`; exported functions: {available}")
    } else {
        bail!(
            "the module exports no `_start`; choose a function with --invoke NAME (exported functions: {available})"
        )
    }
}

fn describe_extern(ty: &ExternType) -> String {
    match ty {
        ExternType::Func(ty) => ty.to_string(),
        ExternType::Table(ty) => format!("table of {}", ty.element),
        ExternType::Memory(_) => "memory".to_string(),
        ExternType::Global(ty) => format!("global {}", ty.content),
    }
}

/// Keeps a trap as its own error value (so the exit status can be chosen
/// from it) and labels it for the user.
fn trap_aware(error: Error) -> anyhow::Error {
    match error {
        Error::Trap(trap) => anyhow::Error::new(trap).context("wasm trap"),
        other => anyhow::Error::new(other),
    }
}
