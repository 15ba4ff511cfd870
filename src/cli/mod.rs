//! Command-line definition (clap) and one module per subcommand.

pub mod run;
mod run_component;
mod values;
mod wasi_options;
pub mod wast;
mod wave;

use std::ffi::OsString;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "myrt",
    version,
    about = "A WebAssembly runtime",
    after_help = "Without a subcommand, `run` is assumed: `myrt app.wasm` is `myrt run app.wasm`.\n\n\
Examples:\n  \
myrt run hello.wasm arg1 arg2\n  \
myrt run --dir . --env HOME app.wasm\n  \
myrt run examples/fib.wat --invoke fib 20\n  \
myrt examples/fib.wat --invoke fib 20\n  \
myrt run component.wasm --invoke 'add(1, 2)'\n  \
myrt wast tests/*.wast"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a component (WASI 0.2 `wasi:cli/run`) or call an export of a component or core module.
    Run(run::RunArgs),
    /// Run WebAssembly script (.wast) files and report failing directives.
    Wast(wast::WastArgs),
}

/// Inserts `run` when the first argument names no subcommand, so that
/// `myrt app.wasm` and `myrt --invoke f app.wasm` work as in wasmtime.
pub fn args_with_default_subcommand(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    const NOT_A_RUN: [&str; 7] = ["run", "wast", "help", "-h", "--help", "-V", "--version"];
    let mut args: Vec<OsString> = args.into_iter().collect();
    let first_names_command = args
        .get(1)
        .is_none_or(|first| NOT_A_RUN.iter().any(|command| first == command));
    if !first_names_command {
        args.insert(1, OsString::from("run"));
    }
    if args.get(1).is_some_and(|first| first == "run") {
        guest_arguments_after_file(&mut args);
    }
    args
}

/// `run` options that take a value (as the next argument unless written `--opt=value`
/// or `-Svalue`).
const RUN_OPTIONS_WITH_VALUE: [&str; 5] = ["--invoke", "--dir", "--env", "--argv0", "-S"];

/// As in wasmtime, every argument after the file belongs to the guest, even one
/// that looks like a `run` option (`app.wasm --help`, `app.wasm --env x`): a `--`
/// goes after the file, so clap reads the rest as arguments. The one exception is
/// `--invoke NAME` right after the file (`myrt run fib.wat --invoke fib 20`), which
/// is moved before it. `args` is `[myrt, run, ...]`.
fn guest_arguments_after_file(args: &mut Vec<OsString>) {
    let mut index = 2;
    while let Some(arg) = args.get(index).and_then(|arg| arg.to_str()) {
        if arg == "--" {
            // The file follows; clap already reads everything after it as arguments.
            return;
        }
        if !arg.starts_with('-') || arg == "-" {
            break;
        }
        let takes_next = RUN_OPTIONS_WITH_VALUE.contains(&arg);
        index += if takes_next { 2 } else { 1 };
    }
    let Some(file) = args.get(index).cloned() else {
        return;
    };
    let invoke_after = match args.get(index + 1).and_then(|arg| arg.to_str()) {
        Some("--invoke") if index + 2 < args.len() => 2,
        Some(arg) if arg.starts_with("--invoke=") => 1,
        _ => 0,
    };
    let invoke: Vec<OsString> = args.drain(index + 1..index + 1 + invoke_after).collect();
    let separator = (args.len() > index + 1).then(|| OsString::from("--"));
    args.splice(
        index..=index,
        invoke.into_iter().chain([file]).chain(separator),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_default(args: &[&str]) -> Vec<String> {
        let args = args.iter().map(OsString::from);
        args_with_default_subcommand(args)
            .into_iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn run_is_the_default_subcommand() {
        assert_eq!(with_default(&["myrt", "a.wasm"]), ["myrt", "run", "a.wasm"]);
        assert_eq!(
            with_default(&["myrt", "--invoke", "f", "a.wat"]),
            ["myrt", "run", "--invoke", "f", "a.wat"]
        );
        assert_eq!(
            with_default(&["myrt", "wast", "x.wast"]),
            ["myrt", "wast", "x.wast"]
        );
        assert_eq!(with_default(&["myrt", "--help"]), ["myrt", "--help"]);
        assert_eq!(with_default(&["myrt"]), ["myrt"]);
    }

    #[test]
    fn arguments_after_the_file_belong_to_the_guest() {
        assert_eq!(
            with_default(&[
                "myrt", "run", "--dir", "d", "-S", "http=n", "a.wasm", "--help"
            ]),
            [
                "myrt", "run", "--dir", "d", "-S", "http=n", "a.wasm", "--", "--help"
            ]
        );
        assert_eq!(
            with_default(&["myrt", "--env=K=V", "a.wasm", "--env", "x", "--", "y"]),
            [
                "myrt",
                "run",
                "--env=K=V",
                "a.wasm",
                "--",
                "--env",
                "x",
                "--",
                "y"
            ]
        );
        assert_eq!(
            with_default(&["myrt", "run", "f.wat", "--invoke", "fib", "20"]),
            ["myrt", "run", "--invoke", "fib", "f.wat", "--", "20"]
        );
        assert_eq!(
            with_default(&["myrt", "f.wat", "--invoke=fib", "-5"]),
            ["myrt", "run", "--invoke=fib", "f.wat", "--", "-5"]
        );
        assert_eq!(
            with_default(&["myrt", "run", "--", "a.wasm", "--help"]),
            ["myrt", "run", "--", "a.wasm", "--help"]
        );
        assert_eq!(
            with_default(&["myrt", "run", "--help"]),
            ["myrt", "run", "--help"]
        );
        assert_eq!(
            with_default(&["myrt", "wast", "x.wast", "--help"]),
            ["myrt", "wast", "x.wast", "--help"]
        );
    }

    #[test]
    fn command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
