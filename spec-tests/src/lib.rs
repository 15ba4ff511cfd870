//! Runs WebAssembly script (`.wast`) files against `myrt_interp` and the
//! component runtime of `myrt_canonical_abi`.
//!
//! [`run_wast`] executes every directive of one script, core or component,
//! and returns a [`FileReport`]; the `tests/core.rs` harness runs the official
//! spec suite with it, `tests/component.rs` the component-model suites, and
//! the `myrt wast` command runs scripts given on the command line.

mod component;
mod expectations;
mod report;
mod runner;
mod spectest;
mod values;
mod verdict;

pub use component::ComponentMode;
pub use report::{FileReport, run_isolated};
pub use runner::{run_wast, run_wast_with};
pub use verdict::{SuiteVerdict, listed_path, read_known_failures};
