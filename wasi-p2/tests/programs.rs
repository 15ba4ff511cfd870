//! Real programs (Rust std compiled to wasm32-wasip2 components, in `guests/`) run
//! through `myrt run` the way a user runs them, one line per scenario and a summary.
//!
//! Each run gets a fresh temp tree: a preopened `sandbox/` beside canaries outside it;
//! besides stdout, exit status and stderr, every scenario checks that nothing outside
//! the sandbox changed or appeared.
//!
//! `MYRT_BIN=/path/to/wasmtime cargo test -p myrt-wasi-p2 --test programs` runs the same
//! table on another runtime with the same CLI: the expectations were recorded that way.

#[path = "programs/expected.rs"]
mod expected;
#[path = "programs/run.rs"]
mod run;
#[path = "programs/scenarios.rs"]
mod scenarios;
#[path = "programs/toolchain.rs"]
mod toolchain;
#[path = "programs/tree.rs"]
mod tree;

use std::path::Path;

use run::{Invocation, Outcome};
use scenarios::{Preview1, Scenario, Spec};
use tree::Tree;

#[test]
fn guest_programs_run_as_under_wasmtime() {
    run_table(toolchain::GUEST_TARGET, |_| true);
}

/// The same programs built for `wasm32-wasip1`: core modules importing
/// `wasi_snapshot_preview1`, with the same grants, expectations and escape checks.
#[test]
fn preview1_programs_run_as_under_wasmtime() {
    run_table(toolchain::PREVIEW1_TARGET, |scenario| {
        scenario.preview1 != Preview1::Preview2Only
    });
}

/// Runs every scenario that `include` selects against the guests built for `target`.
fn run_table(target: &str, include: fn(&Scenario) -> bool) {
    let guests = toolchain::build_guests(target).unwrap_or_else(|message| panic!("{message}"));
    let runtime = toolchain::myrt_binary().unwrap_or_else(|message| panic!("{message}"));
    assert!(
        runtime.is_file(),
        "the runtime {} does not exist",
        runtime.display()
    );
    println!("runtime: {}", runtime.display());

    let preview1 = target == toolchain::PREVIEW1_TARGET;
    let scenarios: Vec<Scenario> = scenarios::all().into_iter().filter(include).collect();
    let mut failures = Vec::new();
    for scenario in &scenarios {
        let wasm = guests.join(format!("{}.wasm", scenario.guest));
        match check(scenario, &runtime, &wasm, preview1) {
            Ok(elapsed) => println!("PASS {:<34} {elapsed:>7.2}s", scenario.name),
            Err(problems) => {
                println!("FAIL {}", scenario.name);
                for problem in &problems {
                    println!("       {problem}");
                }
                failures.push(scenario.name);
            }
        }
    }
    let passed = scenarios.len() - failures.len();
    println!("{passed} passed, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "failing programs: {}",
        failures.join(", ")
    );
}

/// Runs one scenario (twice if its output must differ across runs); returns the time
/// taken or every problem found.
fn check(
    scenario: &Scenario,
    runtime: &Path,
    wasm: &Path,
    preview1: bool,
) -> Result<f64, Vec<String>> {
    let runs = if scenario.differs_across_runs.is_some() {
        2
    } else {
        1
    };
    let mut outputs = Vec::new();
    let mut elapsed = 0.0;
    for _ in 0..runs {
        let tree = if scenario.escape_links {
            Tree::with_escape_links()
        } else {
            Tree::new()
        };
        let tree = tree.map_err(io_problem)?;
        let mut spec = (scenario.spec)(&tree);
        if let (true, Preview1::ExitCode(code)) = (preview1, scenario.preview1) {
            spec.expected_code = code;
        }
        let before = tree.snapshot_outside();
        let outcome = run::run(&Invocation {
            runtime,
            options: spec.options.clone(),
            wasm,
            args: spec.args.clone(),
            host_env: spec.host_env.clone(),
            stdin: spec.stdin.clone(),
            stdout_closed: spec.stdout_closed,
            cwd: tree.base(),
        })
        .map_err(|error| vec![format!("cannot start {}: {error}", runtime.display())])?;
        elapsed += outcome.elapsed.as_secs_f64();

        let mut problems: Vec<String> = tree
            .snapshot_outside()
            .changes_since(&before)
            .into_iter()
            .map(|change| format!("SANDBOX ESCAPE: {change} outside the preopen"))
            .collect();
        problems.extend(outcome_problems(&spec, &outcome));
        problems.extend(sandbox_problems(&spec, &tree));
        if !problems.is_empty() {
            return Err(problems);
        }
        outputs.push(outcome.stdout);
    }
    if let (Some(prefix), [first, second]) = (scenario.differs_across_runs, outputs.as_slice()) {
        let line = |text: &str| {
            text.lines()
                .find(|l| l.starts_with(prefix))
                .map(String::from)
        };
        if line(first) == line(second) {
            let same = line(first);
            return Err(vec![format!(
                "`{prefix}...` is the same in two runs: {same:?}"
            )]);
        }
    }
    Ok(elapsed)
}

/// The files the guest wrote, as the host sees them.
fn sandbox_problems(spec: &Spec, tree: &Tree) -> Vec<String> {
    let sandbox = tree.sandbox();
    spec.sandbox_files
        .iter()
        .filter_map(
            |&(path, size)| match std::fs::metadata(sandbox.join(path)) {
                Ok(metadata) if metadata.is_file() && metadata.len() == size => None,
                Ok(metadata) => Some(format!(
                    "sandbox/{path}: {} bytes (file: {}), expected a {size}-byte file",
                    metadata.len(),
                    metadata.is_file()
                )),
                Err(error) => Some(format!("sandbox/{path}: {error}")),
            },
        )
        .collect()
}

fn io_problem(error: std::io::Error) -> Vec<String> {
    vec![format!("cannot prepare the temp tree: {error}")]
}

fn outcome_problems(spec: &Spec, outcome: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    if outcome.timed_out {
        problems.push("killed after the deadline".to_string());
    } else if outcome.code != Some(spec.expected_code) {
        problems.push(format!(
            "exit status {:?}, expected {}",
            outcome.code, spec.expected_code
        ));
    }
    problems.extend(stdout_problems(&spec.expected_stdout, &outcome.stdout));
    if let Some(needle) = &spec.stderr_contains
        && !outcome.stderr.contains(needle.as_str())
    {
        problems.push(format!("stderr lacks {needle:?}"));
    }
    if !problems.is_empty() && !outcome.stderr.is_empty() {
        let stderr: Vec<&str> = outcome.stderr.lines().take(12).collect();
        problems.push(format!("stderr: {}", stderr.join("\n               ")));
    }
    problems
}

/// One problem per differing line. An escape attempt that the wasmtime transcript
/// shows failing but that succeeded here is called out: that is the serious kind.
fn stdout_problems(expected: &str, actual: &str) -> Vec<String> {
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let mut problems = Vec::new();
    for index in 0..expected.len().max(actual.len()) {
        let (want, got) = (expected.get(index), actual.get(index));
        let matches = match (want, got) {
            (Some(want), Some(got)) => line_matches(want, got),
            _ => false,
        };
        if matches {
            continue;
        }
        let now_succeeds =
            want.is_some_and(|w| w.contains(": err ")) && got.is_some_and(|g| g.contains(": ok"));
        let marker = if now_succeeds {
            "SUCCEEDED, expected a failure: "
        } else {
            ""
        };
        problems.push(format!(
            "{marker}stdout line {}: expected {:?}, got {:?}",
            index + 1,
            want.unwrap_or(&"<end>"),
            got.unwrap_or(&"<end>")
        ));
    }
    problems
}

fn line_matches(expected: &str, actual: &str) -> bool {
    match expected.strip_suffix("{..}") {
        Some(prefix) => actual.starts_with(prefix),
        None => expected == actual || expected::ACCEPTED_DEVIATIONS.contains(&(expected, actual)),
    }
}
