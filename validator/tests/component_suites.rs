//! Runs our component decoder + validator over every component of the
//! component-model test suites in `shared/testsuite/component-model/` beside the
//! repository
//! (the spec repo's tests, wasmtime's misc tests, wasm-tools' CLI tests) and
//! compares the verdict with the expected one: `(component ...)` and
//! `assert_unlinkable` components must validate, `assert_invalid` and
//! `assert_malformed` ones must be rejected.
//!
//! Disagreements are listed per folder, grouped by reason. The test fails
//! only for a disagreement not in `component-known-disagreements.txt`
//! (`path:line reason`, or `path reason` for a whole file of a gated feature).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use wast::{QuoteWat, WastDirective, Wat};

/// `shared/` sits beside the repository (in a worktree and in the CI checkout alike).
const SUITE_ROOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/testsuite/component-model"
);
const KNOWN: &str = include_str!("component-known-disagreements.txt");

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Valid,
    Invalid,
}

struct Disagreement {
    location: String,
    reason: String,
}

fn wast_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            wast_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "wast") {
            out.push(path);
        }
    }
}

/// Our verdict on one component binary: `Ok` or the first error.
fn verdict(bytes: Vec<u8>) -> Result<(), String> {
    let run = || -> Result<(), String> {
        let component = myrt_parser::decode_component(bytes)
            .map_err(|e| format!("malformed: {}", e.message))?;
        myrt_validator::component::validate_component(&component).map_err(|e| e.message)?;
        Ok(())
    };
    std::panic::catch_unwind(run).unwrap_or_else(|_| Err("PANIC".into()))
}

fn is_component(wat: &QuoteWat) -> bool {
    matches!(
        wat,
        QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..)
    )
}

/// Checks one file; returns (agreed, disagreements).
fn run_file(path: &Path, rel: &str) -> (usize, Vec<Disagreement>) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return (0, Vec::new());
    };
    let Ok(buffer) = wast::parser::ParseBuffer::new(&text) else {
        return (0, Vec::new());
    };
    let Ok(wast) = wast::parser::parse::<wast::Wast>(&buffer) else {
        return (
            0,
            vec![Disagreement {
                location: rel.to_owned(),
                reason: "wast 257 cannot parse the file".into(),
            }],
        );
    };
    let mut agreed = 0;
    let mut disagreements = Vec::new();
    for directive in wast.directives {
        let span = directive.span();
        let (mut wat, expect, message) = match directive {
            WastDirective::Module(wat) | WastDirective::ModuleDefinition(wat) => {
                (wat, Expect::Valid, "")
            }
            WastDirective::AssertUnlinkable { module, .. } => {
                (QuoteWat::Wat(module), Expect::Valid, "")
            }
            WastDirective::AssertInvalid {
                module, message, ..
            }
            | WastDirective::AssertMalformed {
                module, message, ..
            } => (module, Expect::Invalid, message),
            _ => continue,
        };
        if !is_component(&wat) {
            continue;
        }
        let (line, _) = span.linecol_in(&text);
        let location = format!("{rel}:{}", line + 1);
        let Ok(bytes) = wat.encode() else {
            // The text layer already rejects it: nothing for the binary validator to judge.
            if expect == Expect::Invalid {
                agreed += 1;
            } else {
                disagreements.push(Disagreement {
                    location,
                    reason: "wast cannot encode the component".into(),
                });
            }
            continue;
        };
        match (expect, verdict(bytes)) {
            (Expect::Valid, Ok(())) => agreed += 1,
            (Expect::Invalid, Err(err)) => {
                agreed += 1;
                // Messages are not compared (each implementation words them its own way); this shows them side by side.
                if std::env::var_os("COMPONENT_SUITE_MESSAGES").is_some() {
                    println!("MESSAGE {location} expected \"{message}\", ours \"{err}\"");
                }
            }
            (Expect::Valid, Err(err)) => disagreements.push(Disagreement {
                location,
                reason: format!("rejected valid: {err}"),
            }),
            (Expect::Invalid, Ok(())) => disagreements.push(Disagreement {
                location,
                reason: format!("accepted invalid (expected \"{message}\")"),
            }),
        }
    }
    (agreed, disagreements)
}

/// A reason with its specifics (quoted names, indices) blanked, so that
/// similar disagreements are listed together.
fn reason_group(reason: &str) -> String {
    let mut group = String::new();
    let mut quoted = false;
    for c in reason.chars() {
        match c {
            '`' => {
                quoted = !quoted;
                group.push_str(if quoted { "`…" } else { "`" });
            }
            _ if quoted => {}
            '0'..='9' => {
                if !group.ends_with('N') {
                    group.push('N');
                }
            }
            _ => group.push(c),
        }
    }
    group.chars().take(100).collect()
}

fn known_disagreements() -> (HashSet<String>, HashSet<String>) {
    let mut lines = HashSet::new();
    let mut files = HashSet::new();
    for entry in KNOWN
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let location = entry
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        let is_line = location
            .rsplit_once(':')
            .is_some_and(|(_, n)| n.chars().all(|c| c.is_ascii_digit()));
        if is_line {
            lines.insert(location)
        } else {
            files.insert(location)
        };
    }
    (lines, files)
}

#[test]
fn component_suites_match_expected_verdicts() {
    let root = Path::new(SUITE_ROOT);
    assert!(
        root.is_dir(),
        "the component-model suites are missing: expected them at {SUITE_ROOT}"
    );
    let (known_lines, known_files) = known_disagreements();
    let mut unexpected = Vec::new();
    let mut seen_known = HashSet::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("suite root")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let mut files = Vec::new();
        wast_files(&folder, &mut files);
        let (mut agreed, mut by_reason): (usize, BTreeMap<String, Vec<String>>) =
            (0, BTreeMap::new());
        let mut total_disagreed = 0;
        for file in files {
            let rel = file
                .strip_prefix(root)
                .unwrap_or(&file)
                .display()
                .to_string();
            let (ok, disagreements) = run_file(&file, &rel);
            agreed += ok;
            for d in disagreements {
                total_disagreed += 1;
                let listed = known_lines.contains(&d.location) || known_files.contains(&rel);
                if listed {
                    seen_known.insert(if known_files.contains(&rel) {
                        rel.clone()
                    } else {
                        d.location.clone()
                    });
                } else {
                    unexpected.push(format!("{} {}", d.location, d.reason));
                }
                let group = reason_group(&d.reason);
                by_reason
                    .entry(group)
                    .or_default()
                    .push(format!("{} {}", d.location, d.reason));
            }
        }
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!("== {name}: {agreed} agreed, {total_disagreed} disagreed");
        for (reason, items) in &by_reason {
            println!("  [{}] {reason}", items.len());
            for item in items {
                println!("      {item}");
            }
        }
    }
    let stale: Vec<_> = known_lines
        .iter()
        .chain(&known_files)
        .filter(|k| !seen_known.contains(*k))
        .collect();
    if !stale.is_empty() {
        println!("known disagreements that now agree (remove them from the list): {stale:?}");
    }
    if !unexpected.is_empty() {
        panic!(
            "{} disagreement(s) not in component-known-disagreements.txt:\n{}",
            unexpected.len(),
            unexpected.join("\n")
        );
    }
}
