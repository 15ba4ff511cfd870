//! The verdict of a suite harness: which files fail against the known-failures
//! list, and the exit code. `tests/core.rs` and `tests/component.rs` share it.

use std::collections::BTreeSet;
use std::process::ExitCode;

use crate::report::FileReport;

/// The path part of a known-failures line: `path  # reason`; comment and
/// blank lines give an empty path.
pub fn listed_path(line: &str) -> &str {
    line.split('#').next().unwrap_or_default().trim()
}

/// The file names listed in a known-failures file, one per line, each
/// optionally followed by `# reason` (blank lines and `#` comments skipped).
pub fn read_known_failures(path: &str) -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
    text.lines()
        .map(listed_path)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// Tallies a suite run file by file against its known-failures list.
pub struct SuiteVerdict {
    known_failures: BTreeSet<String>,
    /// The list's path inside the repository, for the messages.
    list_name: &'static str,
    unexpected_failures: Vec<(String, FileReport)>,
    unexpected_passes: Vec<String>,
    files: (usize, usize),
    directives: (usize, usize),
}

impl SuiteVerdict {
    pub fn new(known_failures: BTreeSet<String>, list_name: &'static str) -> Self {
        SuiteVerdict {
            known_failures,
            list_name,
            unexpected_failures: Vec::new(),
            unexpected_passes: Vec::new(),
            files: (0, 0),
            directives: (0, 0),
        }
    }

    pub fn is_listed(&self, name: &str) -> bool {
        self.known_failures.contains(name)
    }

    /// Counts one file's report.
    pub fn record(&mut self, name: &str, report: FileReport) {
        self.directives.0 += report.passed;
        self.directives.1 += report.failed;
        let listed = self.is_listed(name);
        if report.is_success() {
            self.files.0 += 1;
            if listed {
                self.unexpected_passes.push(name.to_string());
            }
        } else {
            self.files.1 += 1;
            if !listed {
                self.unexpected_failures.push((name.to_string(), report));
            }
        }
    }

    /// Prints the `N passed, N failed` totals of files (and of directives).
    pub fn print_totals(&self) {
        println!(
            "\ndirectives: {} passed, {} failed",
            self.directives.0, self.directives.1
        );
        println!("{} passed, {} failed", self.files.0, self.files.1);
    }

    /// Prints what disagrees with the list (unexpected failures with their
    /// directives, files that pass now, entries naming no file of
    /// `suite_names`) and the totals. Success only when nothing disagrees.
    pub fn finish<'a>(self, suite_names: impl IntoIterator<Item = &'a str>) -> ExitCode {
        for (name, report) in &self.unexpected_failures {
            println!("\nunexpected failures in {name}:");
            for failure in &report.failures {
                println!("  {failure}");
            }
        }
        let suite_names: BTreeSet<&str> = suite_names.into_iter().collect();
        let stale_entries: Vec<&String> = self
            .known_failures
            .iter()
            .filter(|name| !suite_names.contains(name.as_str()))
            .collect();
        for name in &stale_entries {
            println!(
                "\n{name} is not a file of the suite: remove it from {}",
                self.list_name
            );
        }
        for name in &self.unexpected_passes {
            println!("\n{name} passes now: remove it from {}", self.list_name);
        }
        self.print_totals();
        if self.unexpected_failures.is_empty()
            && self.unexpected_passes.is_empty()
            && stale_entries.is_empty()
        {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}
