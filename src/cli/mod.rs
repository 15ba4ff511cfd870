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
    args
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
    fn command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
