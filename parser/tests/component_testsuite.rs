//! Decodes every component of the component-model test suites
//! (../shared/testsuite/component-model) that the scripts say is valid, and
//! checks that malformed ones are rejected.
//!
//! A valid component may fail to decode only with a "... is not supported"
//! error (gated features); every such failure is printed with its reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use myrt_parser::component::{Component, ComponentDef, CoreModuleDef};
use myrt_parser::decode_component;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute};

const SUITE: &str = "../../shared/testsuite/component-model";

fn wast_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            wast_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "wast") {
            out.push(path);
        }
    }
}

fn is_component(bytes: &[u8]) -> bool {
    bytes.get(6..8) == Some(&[1, 0][..])
}

/// What a directive says about a component binary it contains.
enum Expect {
    Valid,
    /// Well-formed but invalid: decoding usually succeeds, the validator must reject.
    Invalid,
    Malformed,
}

fn components_of(directive: WastDirective<'_>) -> Option<(Expect, Vec<u8>)> {
    let (expect, mut module) = match directive {
        WastDirective::Module(m) | WastDirective::ModuleDefinition(m) => (Expect::Valid, m),
        // Unlinkable means valid but missing imports at instantiation.
        WastDirective::AssertUnlinkable { module, .. } => (Expect::Valid, QuoteWat::Wat(module)),
        WastDirective::AssertReturn {
            exec: WastExecute::Wat(w),
            ..
        }
        | WastDirective::AssertTrap {
            exec: WastExecute::Wat(w),
            ..
        } => (Expect::Valid, QuoteWat::Wat(w)),
        WastDirective::AssertInvalid { module, .. } => (Expect::Invalid, module),
        WastDirective::AssertMalformed { module, .. } => (Expect::Malformed, module),
        _ => return None,
    };
    // A malformed text component does not even encode: nothing to decode.
    let bytes = module.encode().ok()?;
    is_component(&bytes).then_some((expect, bytes))
}

#[derive(Default)]
struct Tally {
    decoded: usize,
    failed: BTreeMap<String, Vec<String>>,
    invalid_decoded: usize,
    invalid_rejected: usize,
    malformed_rejected: usize,
    malformed_accepted: Vec<String>,
    modules_decoded: usize,
    modules_failed: BTreeMap<String, usize>,
    unparsed_scripts: Vec<String>,
}

/// Decodes the core modules nested anywhere in `component`, as an
/// instantiator would.
fn decode_nested_modules(component: &Component, tally: &mut Tally) {
    for module in &component.core_modules {
        if let CoreModuleDef::Nested(nested) = module {
            match component.decode_module(nested) {
                Ok(_) => tally.modules_decoded += 1,
                Err(e) => *tally.modules_failed.entry(e.message).or_default() += 1,
            }
        }
    }
    for nested in &component.components {
        if let ComponentDef::Nested(nested) = nested {
            decode_nested_modules(nested, tally);
        }
    }
}

fn run_script(path: &Path, tally: &mut Tally) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let name = path
        .strip_prefix(SUITE)
        .unwrap_or(path)
        .display()
        .to_string();
    let parsed = ParseBuffer::new(&text).and_then(|buf| {
        let wast = parser::parse::<Wast>(&buf)?;
        Ok(wast
            .directives
            .into_iter()
            .filter_map(|d| {
                let (line, _) = d.span().linecol_in(&text);
                components_of(d).map(|(e, b)| (line + 1, e, b))
            })
            .collect::<Vec<_>>())
    });
    let components = match parsed {
        Ok(c) => c,
        Err(e) => {
            tally
                .unparsed_scripts
                .push(format!("{name}: {}", e.message()));
            return;
        }
    };
    for (line, expect, bytes) in components {
        let result = decode_component(bytes);
        match (expect, result) {
            (Expect::Valid, Ok(component)) => {
                tally.decoded += 1;
                decode_nested_modules(&component, tally);
            }
            (Expect::Valid, Err(e)) => tally
                .failed
                .entry(e.message)
                .or_default()
                .push(format!("{name}:{line}")),
            (Expect::Invalid, Ok(_)) => tally.invalid_decoded += 1,
            (Expect::Invalid, Err(_)) => tally.invalid_rejected += 1,
            (Expect::Malformed, Err(_)) => tally.malformed_rejected += 1,
            (Expect::Malformed, Ok(_)) => tally.malformed_accepted.push(format!("{name}:{line}")),
        }
    }
}

fn suite_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    wast_files(Path::new(SUITE), &mut files);
    files.sort();
    assert!(!files.is_empty(), "no .wast files under {SUITE}");
    files
}

/// Every valid component of the suites, as bytes.
fn valid_components(files: &[PathBuf]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let Ok(buf) = ParseBuffer::new(&text) else {
            continue;
        };
        let Ok(wast) = parser::parse::<Wast>(&buf) else {
            continue;
        };
        out.extend(
            wast.directives
                .into_iter()
                .filter_map(components_of)
                .filter_map(|(expect, bytes)| matches!(expect, Expect::Valid).then_some(bytes)),
        );
    }
    out
}

/// Truncations and byte corruptions of real components must come back as
/// errors (or components), never as panics.
#[test]
fn corrupted_components_never_panic() {
    let components = valid_components(&suite_files());
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        // xorshift64: deterministic, so a failure reproduces.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut cases = 0;
    for bytes in &components {
        for len in 0..bytes.len() {
            let _ = decode_component(bytes[..len].to_vec());
            cases += 1;
        }
        for _ in 0..32 {
            let mut corrupted = bytes.clone();
            let at = (next() % bytes.len() as u64) as usize;
            corrupted[at] = next() as u8;
            if let Ok(component) = decode_component(corrupted) {
                let mut tally = Tally::default();
                decode_nested_modules(&component, &mut tally);
            }
            cases += 1;
        }
    }
    println!("{cases} corrupted components decoded without panicking");
}

#[test]
fn decodes_every_valid_component_of_the_suites() {
    let files = suite_files();

    let mut tally = Tally::default();
    for file in &files {
        run_script(file, &mut tally);
    }

    let failed: usize = tally.failed.values().map(Vec::len).sum();
    println!(
        "{} scripts, {} unparsable by wast 257",
        files.len(),
        tally.unparsed_scripts.len()
    );
    for script in &tally.unparsed_scripts {
        println!("  unparsable: {script}");
    }
    println!("{} decoded, {failed} failed", tally.decoded);
    for (reason, places) in &tally.failed {
        println!("  {} x {reason} (e.g. {})", places.len(), places[0]);
    }
    println!(
        "malformed: {} rejected, {} accepted",
        tally.malformed_rejected,
        tally.malformed_accepted.len()
    );
    for place in &tally.malformed_accepted {
        println!("  accepted malformed: {place}");
    }
    println!(
        "invalid (left to the validator): {} decoded, {} already rejected by the decoder",
        tally.invalid_decoded, tally.invalid_rejected
    );
    let modules_failed: usize = tally.modules_failed.values().sum();
    println!(
        "nested core modules: {} decoded, {modules_failed} failed",
        tally.modules_decoded
    );
    for (reason, count) in &tally.modules_failed {
        println!("  {count} x {reason}");
    }

    let unexplained: Vec<_> = tally
        .failed
        .keys()
        .filter(|reason| !reason.contains("not supported"))
        .collect();
    assert!(
        unexplained.is_empty(),
        "valid components failed to decode: {unexplained:?}"
    );
}
