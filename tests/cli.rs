//! Runs the `myrt` binary the way a user does.

mod common;

use std::process::Output;

use common::{stderr, stdout};

fn myrt(args: &[&str]) -> Output {
    common::myrt_with_env(&[], args)
}

#[test]
fn invokes_an_export_and_prints_its_result() {
    let output = myrt(&["run", "examples/fib.wat", "--invoke", "fib", "20"]);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), "6765\n");
}

#[test]
fn the_readme_component_example_runs() {
    let output = myrt(&["run", "examples/add-component.wat", "--invoke", "add(2, 3)"]);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), "5\n");
}

#[test]
fn run_is_the_default_subcommand_and_accepts_negative_arguments() {
    let output = myrt(&["--invoke", "add", "examples/fib.wat", "2", "-5"]);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), "-3\n");
}

#[test]
fn a_trap_exits_134_with_message_and_backtrace() {
    let output = myrt(&[
        "run",
        "--invoke",
        "divide_by_zero",
        "tests/fixtures/trap.wat",
        "7",
    ]);
    assert_eq!(
        output.status.code(),
        Some(134),
        "stderr: {}",
        stderr(&output)
    );
    let message = stderr(&output);
    assert!(
        message.contains("integer divide by zero"),
        "stderr: {message}"
    );
    assert!(message.contains("wasm backtrace"), "stderr: {message}");
}

#[test]
fn an_invalid_component_is_named_with_its_offset_once() {
    let output = myrt(&[
        "run",
        "tests/fixtures/invalid_component.wat",
        "--invoke",
        "f(1)",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    let reason = "core instance 0 has no export named `nope` (at offset 0x";
    assert!(
        message.contains("invalid component") && message.matches(reason).count() == 1,
        "stderr: {message}"
    );
}

#[test]
fn a_missing_start_lists_the_exports() {
    let output = myrt(&["run", "examples/fib.wat"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("`_start`") && message.contains("`fib`"),
        "stderr: {message}"
    );
}

#[test]
fn a_preview1_module_runs_with_its_arguments_and_exit_status() {
    let output = myrt(&["run", "tests/fixtures/preview1.wat", "hello"]);
    assert_eq!(output.status.code(), Some(7), "stderr: {}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "hello\n");
}

#[test]
fn a_wasi_unstable_module_is_refused_with_what_to_do() {
    let output = myrt(&["run", "tests/fixtures/wasi_unstable.wat"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("`wasi_unstable`") && message.contains("wasm32-wasip1"),
        "stderr: {message}"
    );
}

#[test]
fn wrong_argument_count_is_an_error() {
    let output = myrt(&["run", "examples/fib.wat", "--invoke", "add", "1"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("2 argument(s)"),
        "stderr: {}",
        stderr(&output)
    );
}

#[test]
fn wast_reports_passes_and_failures() {
    let dir = std::env::temp_dir().join(format!("myrt-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir is writable");
    let script = dir.join("mixed.wast");
    std::fs::write(
        &script,
        "(module (func (export \"one\") (result i32) (i32.const 1)))\n\
         (assert_return (invoke \"one\") (i32.const 1))\n\
         (assert_return (invoke \"one\") (i32.const 2))\n",
    )
    .expect("temp file is writable");
    let output = myrt(&["wast", script.to_str().expect("temp path is UTF-8")]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    assert!(
        report.contains("mixed.wast:3: assert_return"),
        "stdout: {report}"
    );
    assert!(
        report.trim_end().ends_with("2 passed, 1 failed"),
        "stdout: {report}"
    );
}
