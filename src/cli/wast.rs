//! `myrt wast`: run script files (core and component directives) with the
//! spec-test runner.

use std::path::PathBuf;
use std::process::ExitCode;

use myrt_interp::Config;
use myrt_spec_tests::{ComponentMode, run_wast_with};

#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
myrt wast i32.wast\n  \
myrt wast tests/*.wast\n  \
myrt wast --validate-components wasm-tools/tests/cli/component-model/*.wast\n\n\
Prints every failing directive as `file:line: directive: what happened`, then\n\
`N passed, N failed` counting directives. Exits with status 1 if any failed.")]
pub struct WastArgs {
    /// Script files in the WebAssembly test-suite format.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Only decode and validate `(component ...)` modules, as wasm-tools'
    /// validator tests expect (their components import items no host
    /// provides); a component is instantiated only when a directive calls it.
    #[arg(long)]
    pub validate_components: bool,
}

pub fn execute(args: &WastArgs) -> ExitCode {
    let mode = if args.validate_components {
        ComponentMode::ValidateOnly
    } else {
        ComponentMode::Execute
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    for path in &args.files {
        let shown = path.display().to_string();
        let report = match std::fs::read_to_string(path) {
            Ok(text) => run_wast_with(&shown, &text, mode, &Config::default()),
            Err(error) => {
                eprintln!("error: cannot read `{shown}`: {error}");
                failed += 1;
                continue;
            }
        };
        for failure in &report.failures {
            println!("{failure}");
        }
        passed += report.passed;
        failed += report.failed;
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
