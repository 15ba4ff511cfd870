//! Writes BENCHMARKS.md at the workspace root from criterion's latest results of the `compute`
//! benchmark, with the machine, compiler and command they were measured with.
//!
//!     cargo run -p myrt-benches --release --bin report [-- "<command the benchmarks were run with>"]
//!
//! Everything after `HAND_MEASURED_MARKER` in the existing file is kept as it is.

use std::fmt::Write;
use std::path::Path;
use std::process::Command;

use myrt_benches::programs;
use myrt_benches::programs::Source;
use myrt_benches::results::{
    self, INSTANTIATE_GROUP, MODULE_NEW_GROUP, MODULE_NEW_REAL_GROUP, Results,
};
use myrt_benches::synthetic::{self, LARGE_MODULE_FUNCTIONS};

/// The command the table is normally produced with; a different one can be given as argument.
const DEFAULT_BENCH_COMMAND: &str =
    "cargo bench -p myrt-benches --bench compute -- --measurement-time 3 --warm-up-time 1";

/// The line after which BENCHMARKS.md holds sections measured by hand, which the report keeps.
const HAND_MEASURED_MARKER: &str =
    "<!-- Sections below are measured by hand; the report binary keeps them as they are. -->";

/// The default command, with the target directory the results were read from when it is not
/// the default one (criterion writes its results there).
fn default_bench_command() -> String {
    match std::env::var("CARGO_TARGET_DIR") {
        Ok(target) => format!("CARGO_TARGET_DIR={target} {DEFAULT_BENCH_COMMAND}"),
        Err(_) => DEFAULT_BENCH_COMMAND.to_string(),
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

fn rustc_version() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|version| version.trim().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The programs' inputs, hand-written kernels and Rust guests listed apart.
fn program_inputs() -> String {
    let mut text = String::new();
    for (heading, from_text) in [
        ("Hand-written WebAssembly text (benches/wat/)", true),
        (
            "Rust programs compiled to wasm32-unknown-unknown (benches/guests/)",
            false,
        ),
    ] {
        let calls: Vec<String> = programs::ALL
            .iter()
            .filter(|program| matches!(program.source, Source::Wat(_)) == from_text)
            .map(|program| {
                format!(
                    "{}: `{}({})`",
                    program.name, program.export, program.bench_input
                )
            })
            .collect();
        let _ = writeln!(text, "\n{heading}: {}.", calls.join(", "));
    }
    text
}

fn main() -> anyhow::Result<()> {
    let command = std::env::args()
        .nth(1)
        .unwrap_or_else(default_bench_command);
    let dir = results::criterion_dir();
    let measured = Results::load(&dir);
    if measured.is_empty() {
        anyhow::bail!(
            "no criterion results in {}: run the benchmarks first",
            dir.display()
        );
    }
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let large_module_bytes = synthetic::large_module()?.len();
    let real_module_bytes = programs::LARGE_REAL_MODULE.len();

    let mut report = String::from("# Benchmarks: myrt vs wasmi\n\n");
    report.push_str(
        "Median time of one call, measured by criterion in one run on the same wasm bytes and \
         inputs; `wasmi / myrt` above 1 means myrt is faster. Both engines' checksums are \
         compared before measuring and checked on every iteration. wasmi is 2.x in its default \
         lazy-translation mode.\n\n",
    );
    report.push_str("## Compute\n\n");
    report.push_str(&results::markdown_table(&measured.compute, true));
    report.push_str(&program_inputs());
    report.push_str("\n## Startup\n\n");
    report.push_str(&results::markdown_table(&measured.startup, false));
    let _ = write!(
        report,
        "\n`{MODULE_NEW_GROUP}`: `Module::new` (decode, validate every body, translate nothing) of \
         a synthetic module of {LARGE_MODULE_FUNCTIONS} functions, {large_module_bytes} bytes \
         (benches/src/synthetic.rs).  \n\
         `{MODULE_NEW_REAL_GROUP}`: the same for a real module, the regex guest built by rustc \
         in debug mode, {real_module_bytes} bytes.  \n\
         `{INSTANTIATE_GROUP}`: a new store plus instantiation of the sha256 module (one memory \
         page with a data segment, eight globals).\n\n"
    );
    let _ = write!(
        report,
        "## Setup\n\n- machine: {cores} cores, {}\n- compiler: {}\n- command: `{command}`\n\
         - then: `cargo run -p myrt-benches --release --bin report` (writes this file)\n\n\
         The machine is a shared 2-core build machine: other work may have been running during \
         the measurement, so differences of a few percent are noise.\n",
        cpu_model(),
        rustc_version()
    );

    let workspace_root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or_else(|| anyhow::anyhow!("the benches crate has no parent directory"))?;
    let path = workspace_root.join("BENCHMARKS.md");
    // Sections measured by hand (whole-process runs) follow the marker; keep them.
    let previous = std::fs::read_to_string(&path).unwrap_or_default();
    if let Some(start) = previous.find(HAND_MEASURED_MARKER) {
        report.push('\n');
        report.push_str(&previous[start..]);
    } else {
        let _ = writeln!(report, "\n{HAND_MEASURED_MARKER}");
    }
    std::fs::write(&path, &report)?;
    println!("{report}\nwritten to {}", path.display());
    Ok(())
}
