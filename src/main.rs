//! The `myrt` command: runs WebAssembly modules and spec scripts.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse_from(cli::args_with_default_subcommand(std::env::args_os()));
    match cli.command {
        Command::Run(args) => cli::run::execute(&args),
        Command::Wast(args) => cli::wast::execute(&args),
    }
}
