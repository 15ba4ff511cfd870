//! Runs the component-model script suites (`shared/testsuite/component-model`
//! beside the repository) against myrt.
//!
//! Prints one row per file, the directive totals and a final
//! `N passed, N failed` line counting files. Fails if a file outside
//! `component-known-failures.txt` fails, or if a listed file now passes.
//!
//! Files under `bytecodealliance-wasm-tools/` are validator tests: their
//! components are only decoded and validated (testsuite README, 2c).
//! Set `MYRT_COMPONENT_FILTER=text` to run only files whose path contains it.
//! Set `MYRT_BLESS=1` to rewrite the list to the files failing now: entries
//! keep their reasons, new ones get `# TODO triage:` and their first failure.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use myrt_interp::Config;
use myrt_spec_tests::{
    ComponentMode, FileReport, SuiteVerdict, listed_path, read_known_failures, run_isolated,
    run_wast_with,
};

/// A file that takes longer than this is counted as failed (a hang in the
/// runtime must not hang the suite).
const FILE_TIMEOUT: Duration = Duration::from_secs(60);
/// Files that declare `;;! hogs_memory = true` (wasmtime's marker) pass
/// strings of gigabytes between components: myrt lifts each one into a host
/// string before lowering it, copying gigabytes per directive, so they get
/// longer (about two minutes on a 2-core machine for big-strings.wast).
const HOGS_MEMORY_TIMEOUT: Duration = Duration::from_secs(400);

/// The folder holding wasm-tools' validator tests.
const VALIDATION_ONLY_FOLDER: &str = "bytecodealliance-wasm-tools/";

fn main() -> ExitCode {
    let root = suite_root();
    if !root.is_dir() {
        eprintln!(
            "the component-model suites are missing: expected them at {}\n\
             (the CI checkout puts `shared/` beside the repository)",
            root.display()
        );
        return ExitCode::FAILURE;
    }
    let known_failures = read_known_failures(KNOWN_FAILURES);
    let filter = std::env::var("MYRT_COMPONENT_FILTER").unwrap_or_default();
    let bless = std::env::var_os("MYRT_BLESS").is_some() && filter.is_empty();
    let mut files = Vec::new();
    collect_wast_files(&root, &mut files);
    let mut names: Vec<String> = files
        .iter()
        .filter_map(|path| path.strip_prefix(&root).ok())
        .map(|path| path.to_string_lossy().replace('\\', "/"))
        .collect();
    names.sort();
    let suite_names: BTreeSet<String> = names.iter().cloned().collect();
    names.retain(|name| name.contains(&filter));

    let mut verdict = SuiteVerdict::new(known_failures, "spec-tests/component-known-failures.txt");
    let mut failing_now = Vec::new();
    println!("{:<100} {:>7} {:>7}", "file", "passed", "failed");
    for name in &names {
        let report = run_with_timeout(&root, name);
        let note = match (report.is_success(), verdict.is_listed(name)) {
            (true, true) => "  (listed as failing: passes now)",
            (false, true) => "  (known failure)",
            (false, false) => "  (UNEXPECTED FAILURE)",
            (true, false) => "",
        };
        println!(
            "{:<100} {:>7} {:>7}{note}",
            name, report.passed, report.failed
        );
        if !report.is_success() {
            let first_failure = report.failures.first().cloned().unwrap_or_default();
            failing_now.push((name.clone(), first_failure));
        }
        verdict.record(name, report);
    }

    if bless {
        return match write_known_failures(&failing_now) {
            Ok(()) => {
                verdict.print_totals();
                println!("rewrote {KNOWN_FAILURES}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("cannot rewrite {KNOWN_FAILURES}: {error}");
                ExitCode::FAILURE
            }
        };
    }
    verdict.finish(suite_names.iter().map(String::as_str))
}

/// `shared/testsuite/component-model`, beside the repository.
fn suite_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testsuite/component-model")
}

fn collect_wast_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_wast_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "wast") {
            files.push(path);
        }
    }
}

const KNOWN_FAILURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/component-known-failures.txt");

fn known_failure_lines() -> Vec<String> {
    let text = std::fs::read_to_string(KNOWN_FAILURES)
        .unwrap_or_else(|error| panic!("cannot read {KNOWN_FAILURES}: {error}"));
    text.lines().map(str::to_string).collect()
}

/// `MYRT_BLESS`: keeps the leading comment block and the entries (with their
/// reasons) of files that still fail; adds the newly failing ones.
fn write_known_failures(failing: &[(String, String)]) -> std::io::Result<()> {
    let lines = known_failure_lines();
    let mut text: String = lines
        .iter()
        .take_while(|line| line.starts_with('#') || line.trim().is_empty())
        .map(|line| format!("{line}\n"))
        .collect();
    for (name, first_failure) in failing {
        let entry = lines.iter().find(|line| listed_path(line) == name);
        match entry {
            Some(line) => text.push_str(line),
            None => {
                let failure: String = first_failure.chars().take(160).collect();
                text.push_str(&format!("{name}  # TODO triage: {failure}"));
            }
        }
        text.push('\n');
    }
    std::fs::write(KNOWN_FAILURES, text)
}

fn run_with_timeout(root: &Path, name: &str) -> FileReport {
    let text = match std::fs::read_to_string(root.join(name)) {
        Ok(text) => text,
        Err(error) => return FileReport::failed_with(format!("{name}: cannot read: {error}")),
    };
    let mode = if name.starts_with(VALIDATION_ONLY_FOLDER) {
        ComponentMode::ValidateOnly
    } else {
        ComponentMode::Execute
    };
    let timeout = if text
        .lines()
        .any(|line| line.trim() == ";;! hogs_memory = true")
    {
        HOGS_MEMORY_TIMEOUT
    } else {
        FILE_TIMEOUT
    };
    let path = name.to_string();
    run_isolated(name, timeout, move || {
        run_wast_with(&path, &text, mode, &Config::default())
    })
}
