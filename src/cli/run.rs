//! `myrt run`: instantiate a core module (without imports) or a component
//! (with WASI 0.2) and run it, or call one of its exports.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use myrt_interp::{
    Engine, Error, Extern, ExternType, Func, Instance, Linker, Module, Store, Trap, Val,
};

use super::run_component;
use super::values::{format_result, parse_arg};
use super::wasi_options::{
    DirGrant, EnvGrant, Grants, WasiOption, build_ctx, parse_dir, parse_env, parse_wasi_option,
};
use myrt_wasi_p1::WasiP1Ctx;

/// Exit status of a trapping program: a trap aborts like a native crash
/// (128 + SIGABRT), as wasmtime does on Unix.
const TRAP_EXIT_CODE: u8 = 134;

#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
myrt run hello.wasm                         (a component: runs `wasi:cli/run`)\n  \
myrt run --dir . --env HOME --env LANG=C app.wasm input.txt -v\n  \
myrt run --dir ./data::/data --argv0 app app.wasm\n  \
myrt run component.wasm --invoke 'greet(\"world\", [1, 2], some(ok(3)))'\n  \
myrt run component.wasm --invoke 'my:app/tools.greet@1.0.0(\"world\")'\n  \
myrt run examples/fib.wat --invoke fib 20\n  \
myrt run --invoke add module.wasm 2 -3\n  \
myrt run --dir . program.wasm a b          (a WASI preview 1 core module: calls `_start`)\n\n\
Components get the imports of the `wasi:cli/command@0.2.x` world (io, clocks,\n\
random, cli, filesystem, sockets) and wasi:http's `types` and\n\
`outgoing-handler`, at any version 0.2.0 to 0.2.x. The network is denied:\n\
creating a socket or resolving a name fails with `access-denied`, sending an\n\
HTTP request with `HTTP-request-denied`; components that import them without\n\
needing the network run. An import myrt cannot provide fails before the run,\n\
naming the import, its world and what to do.\n\n\
Core modules importing `wasi_snapshot_preview1` (wasm32-wasip1, wasi-sdk, Go,\n\
TinyGo, Zig) get WASI preview 1 with the same grants and flags; `proc_exit(n)`\n\
exits with n. Other core modules get no imports.\n\n\
Nothing from the host is granted unless asked for: no directories, no\n\
environment variables; stdin, stdout and stderr are inherited. Arguments after\n\
the file go to the guest, with argv[0] the file's name, even those that look\n\
like `myrt run` options (`app.wasm --help`), as in wasmtime; only `--invoke NAME`\n\
right after the file is still read by myrt.\n\n\
Exit status: `exit(ok)` or `run` returning ok 0, `exit(err)` or `run`\n\
returning err 1, `exit-with-code(n)` n. A trap prints its message and wasm\n\
backtrace to stderr and exits with status 134; other errors exit with status 1.\n\n\
--invoke on a component: the call `name(arg, ...)`, arguments and result in\n\
WAVE syntax. `name` is a root export (`add`), or a function of an exported\n\
instance named as wasmtime names it, `ns:pkg/iface.func@version`\n\
(`wasi:cli/run.run@0.2.0()`; the version may be left out), also written\n\
`ns:pkg/iface@version#func`; a bare `func` that only one exported instance\n\
has is found there. An unknown or ambiguous name lists the choices. A core\n\
module's function takes its arguments after the file; each result is printed\n\
on its own line (for a preview 1 module, its WASI argv is then just argv[0]).")]
pub struct RunArgs {
    /// The exported function to call instead of `wasi:cli/run` (components)
    /// or `_start` (core modules); for a component, the call with its
    /// arguments: `name(arg, ...)`, where `name` may be `ns:pkg/iface.func`
    /// for a function of an exported instance (see below).
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,

    /// Grants a component the host directory HOST, seen by the guest as
    /// GUEST (default: HOST as written), read-write. Relative HOST paths
    /// are taken from the current directory. Repeatable.
    #[arg(long, value_name = "HOST[::GUEST]", value_parser = parse_dir)]
    pub dir: Vec<DirGrant>,

    /// Sets the guest's environment variable K to V, or with a bare K
    /// passes the host's value through. Repeatable; nothing is inherited
    /// otherwise.
    #[arg(long, value_name = "K[=V]", value_parser = parse_env)]
    pub env: Vec<EnvGrant>,

    /// WASI options, as in wasmtime: `-S inherit-env` passes the host's whole
    /// environment (before `--env`), `-S http=n` leaves the wasi:http imports
    /// out. The network is denied, so the network options (`inherit-network`,
    /// `tcp`, `udp`, `allow-ip-name-lookup`) are accepted only as `=n`;
    /// asking for access fails with an explanation. Repeatable.
    #[arg(short = 'S', value_name = "KEY[=y|n]", value_parser = parse_wasi_option)]
    pub wasi: Vec<WasiOption>,

    /// The guest's argv[0] [default: the file name of FILE, without its directories].
    #[arg(long, value_name = "NAME")]
    pub argv0: Option<String>,

    /// The module or component: binary (.wasm) or text (.wat), detected from its content.
    pub file: PathBuf,

    /// For a component run as a command: its arguments (argv[1..]). For a
    /// core module: the arguments of the function, parsed by its parameter
    /// types: integers in decimal or 0x-hex, floats in decimal or
    /// `nan`/`inf`/`-inf`.
    #[arg(
        value_name = "ARGS",
        allow_hyphen_values = true,
        trailing_var_arg = true
    )]
    pub args: Vec<String>,
}

/// How a run ended without error: lines to print and the exit status.
pub struct Finished {
    pub lines: Vec<String>,
    pub status: u8,
}

impl Finished {
    pub fn printing(lines: impl IntoIterator<Item = String>) -> Self {
        Finished {
            lines: lines.into_iter().collect(),
            status: 0,
        }
    }

    /// A guest's exit status; statuses outside 0..=255 (which WASI cannot
    /// produce) count as failure.
    pub fn status(code: i32) -> Self {
        Finished {
            lines: Vec::new(),
            status: u8::try_from(code).unwrap_or(1),
        }
    }
}

pub fn execute(args: &RunArgs) -> ExitCode {
    match run(args) {
        Ok(finished) => {
            for line in finished.lines {
                println!("{line}");
            }
            ExitCode::from(finished.status)
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

/// Runs the module or component.
fn run(args: &RunArgs) -> anyhow::Result<Finished> {
    let bytes = wat::parse_file(&args.file)
        .with_context(|| format!("failed to read `{}`", args.file.display()))?;
    if run_component::is_component(&bytes) {
        return run_component::run(args, &bytes);
    }
    let engine = Engine::default();
    let module = Module::new(&engine, &bytes)
        .with_context(|| format!("failed to compile `{}`", args.file.display()))?;
    let wasi = imports_preview1(&module, &args.file)?;
    if !wasi
        && (!args.dir.is_empty()
            || !args.env.is_empty()
            || args.argv0.is_some()
            || !args.wasi.is_empty())
    {
        bail!(
            "--dir, --env, --argv0 and -S apply to WASI programs (components, and core modules \
             importing `wasi_snapshot_preview1`); `{}` is a core module without WASI imports",
            args.file.display()
        );
    }
    run_module(args, &engine, &module, wasi)
}

/// Whether the module is a WASI preview 1 program (`wasm32-wasip1`: it
/// imports `wasi_snapshot_preview1`). The older `wasi_unstable` snapshot
/// lays out its records differently and is refused, saying so.
fn imports_preview1(module: &Module, path: &Path) -> anyhow::Result<bool> {
    if module
        .imports()
        .any(|import| import.module() == "wasi_unstable")
    {
        bail!(
            "`{}` imports `wasi_unstable`, the WASI snapshot before preview 1, which myrt does \
             not provide: rebuild it with a current toolchain (`wasm32-wasip1` or \
             `wasm32-wasip2`)",
            path.display()
        );
    }
    Ok(module
        .imports()
        .any(|import| import.module() == myrt_wasi_p1::MODULE))
}

/// Runs `_start` (a preview 1 program gets the arguments after the file as
/// its argv) or the `--invoke`d function (which takes them as parameters).
fn run_module(
    args: &RunArgs,
    engine: &Engine,
    module: &Module,
    wasi: bool,
) -> anyhow::Result<Finished> {
    reject_imports(module, &args.file)?;
    let grants = Grants::from_options(&args.wasi)?;
    let command = wasi && args.invoke.is_none();
    let (guest_args, func_args): (&[String], &[String]) = if command {
        (&args.args, &[])
    } else {
        (&[], &args.args)
    };
    let ctx = WasiP1Ctx::new(build_ctx(args, guest_args, &grants)?)
        .context("cannot set up the WASI context")?;
    let mut store = Store::new(engine, ctx);
    let mut linker = Linker::new(engine);
    if wasi {
        myrt_wasi_p1::add_to_linker(&mut linker)?;
    }
    let instance = linker
        .instantiate(&mut store, module)
        .map_err(trap_aware)
        .with_context(|| format!("failed to instantiate `{}`", args.file.display()))?;

    let name = args.invoke.as_deref().unwrap_or("_start");
    let func = exported_func(&store, instance, name, args.invoke.is_some())?;
    let ty = func.ty(&store);
    if ty.params().len() != func_args.len() {
        bail!(
            "`{name}` takes {} argument(s) of type {ty}, but {} were given",
            ty.params().len(),
            func_args.len()
        );
    }
    let params = ty
        .params()
        .iter()
        .zip(func_args)
        .map(|(ty, text)| parse_arg(text, *ty))
        .collect::<anyhow::Result<Vec<Val>>>()
        .with_context(|| format!("invalid arguments for `{name}` {ty}"))?;
    let mut results: Vec<Val> = ty
        .results()
        .iter()
        .map(|ty| Val::default_for(*ty))
        .collect();
    let outcome = func
        .call(&mut store, &params, &mut results)
        .map_err(trap_aware)
        .with_context(|| format!("failed to invoke `{name}`"));
    // `proc_exit` unwinds the guest with an error: its status wins.
    if let Some(code) = store.data().exit_code() {
        return Ok(Finished::status(code));
    }
    outcome?;
    Ok(Finished::printing(results.iter().map(format_result)))
}

/// `run` provides WASI preview 1 and nothing else to core modules: name
/// every other import instead of letting instantiation fail on the first.
fn reject_imports(module: &Module, path: &Path) -> anyhow::Result<()> {
    let imports: Vec<String> = module
        .imports()
        .filter(|import| import.module() != myrt_wasi_p1::MODULE)
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
        "`{}` needs imports that `myrt run` does not provide (it provides \
         `wasi_snapshot_preview1` to core modules):\n  {}",
        path.display(),
        imports.join("\n  ")
    )
}

fn exported_func(
    store: &Store<WasiP1Ctx>,
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
