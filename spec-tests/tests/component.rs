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

use myrt_spec_tests::{ComponentMode, FileReport, run_isolated, run_wast_with};

/// A file that takes longer than this is counted as failed (a hang in the
/// runtime must not hang the suite).
const FILE_TIMEOUT: Duration = Duration::from_secs(60);


/// The folder holding wasm-tools' validator tests.
const VALIDATION_ONLY_FOLDER: &str = "bytecodealliance-wasm-tools/";

/// wasmtime's config header line of files that grow several memories to
/// 4 GiB. They rely on lazily committed virtual memory; the interpreter's
/// memories are committed, so running them would exhaust the machine.
const HOGS_MEMORY_HEADER: &str = ";;! hogs_memory = true";

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
    let known_failures = known_failures();
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

    let mut unexpected_failures = Vec::new();
    let mut unexpected_passes = Vec::new();
    let mut failing_now = Vec::new();
    let (mut files_passed, mut files_failed) = (0usize, 0usize);
    let (mut directives_passed, mut directives_failed) = (0usize, 0usize);
    println!("{:<100} {:>7} {:>7}", "file", "passed", "failed");
    for name in &names {
        let report = run_with_timeout(&root, name);
        let listed = known_failures.contains(name);
        let note = match (report.is_success(), listed) {
            (true, true) => "  (listed as failing: passes now)",
            (false, true) => "  (known failure)",
            (false, false) => "  (UNEXPECTED FAILURE)",
            (true, false) => "",
        };
        println!(
            "{:<100} {:>7} {:>7}{note}",
            name, report.passed, report.failed
        );
        directives_passed += report.passed;
        directives_failed += report.failed;
        if report.is_success() {
            files_passed += 1;
            if listed {
                unexpected_passes.push(name.clone());
            }
        } else {
            files_failed += 1;
            let first_failure = report.failures.first().cloned().unwrap_or_default();
            failing_now.push((name.clone(), first_failure));
            if !listed {
                unexpected_failures.push((name.clone(), report));
            }
        }
    }

    if bless {
        return match write_known_failures(&failing_now) {
            Ok(()) => {
                println!("\n{files_passed} passed, {files_failed} failed");
                println!("rewrote {KNOWN_FAILURES}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("cannot rewrite {KNOWN_FAILURES}: {error}");
                ExitCode::FAILURE
            }
        };
    }
    for (name, report) in &unexpected_failures {
        println!("\nunexpected failures in {name}:");
        for failure in &report.failures {
            println!("  {failure}");
        }
    }
    let stale_entries: Vec<&String> = known_failures
        .iter()
        .filter(|name| !suite_names.contains(name.as_str()))
        .collect();
    for name in &stale_entries {
        println!(
            "\n{name} is not a file of the suites: remove it from spec-tests/component-known-failures.txt"
        );
    }
    for name in &unexpected_passes {
        println!("\n{name} passes now: remove it from spec-tests/component-known-failures.txt");
    }
    println!("\ndirectives: {directives_passed} passed, {directives_failed} failed");
    println!("{files_passed} passed, {files_failed} failed");
    if unexpected_failures.is_empty() && unexpected_passes.is_empty() && stale_entries.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
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

/// The paths listed in `component-known-failures.txt`: one per line, relative
/// to the suites' folder, optionally followed by `# reason`.
fn known_failures() -> BTreeSet<String> {
    known_failure_lines()
        .iter()
        .map(|line| listed_path(line))
        .filter(|path| !path.is_empty())
        .map(str::to_string)
        .collect()
}

fn known_failure_lines() -> Vec<String> {
    let text = std::fs::read_to_string(KNOWN_FAILURES)
        .unwrap_or_else(|error| panic!("cannot read {KNOWN_FAILURES}: {error}"));
    text.lines().map(str::to_string).collect()
}

fn listed_path(line: &str) -> &str {
    line.split('#').next().unwrap_or_default().trim()
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
    if text.lines().any(|line| line.trim() == HOGS_MEMORY_HEADER) {
        return FileReport::failed_with(format!(
            "{name}: not run: it needs several 4 GiB memories (`hogs_memory`)"
        ));
    }
    let mode = if name.starts_with(VALIDATION_ONLY_FOLDER) {
        ComponentMode::ValidateOnly
    } else {
        ComponentMode::Execute
    };
    let path = name.to_string();
    run_isolated(name, FILE_TIMEOUT, move || run_wast_with(&path, &text, mode))
}
