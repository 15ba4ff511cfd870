//! Runs WebAssembly script (`.wast`) files against `myrt_interp`.
//!
//! [`run_wast`] executes every core directive of one script and returns a
//! [`FileReport`]; the `tests/core.rs` harness runs the official spec suite
//! with it, and the `myrt wast` command runs scripts given on the command line.

mod expectations;
mod report;
mod runner;
mod spectest;
mod values;

pub use report::FileReport;
pub use runner::run_wast;
