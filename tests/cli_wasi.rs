//! `myrt run` on a WASI 0.2 command component
//! (wasi-p2/tests/components/command.wat: prints its arguments, `K=V` per
//! environment variable and `dir:NAME` per preopen; its outcome depends on
//! the argument count).

mod common;

use std::path::Path;
use std::process::Output;

use common::{stderr, stdout};

const COMMAND: &str = "wasi-p2/tests/components/command.wat";

/// The host has a variable the guest sees only when it is passed with `--env`.
fn myrt(args: &[&str]) -> Output {
    common::myrt_with_env(&[("MYRT_TEST_INHERITED", "from-host")], args)
}

#[test]
fn runs_a_command_with_nothing_inherited_by_default() {
    let output = myrt(&["run", COMMAND]);
    assert_eq!(
        stdout(&output),
        // argv[0]: the file's name without its directories, as in wasmtime.
        "command.wat\n",
        "{}",
        stderr(&output)
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn env_dir_argv0_and_guest_arguments() {
    let output = myrt(&[
        "run",
        "--env",
        "A=b=c",
        "--env",
        "MYRT_TEST_INHERITED",
        "--env",
        "MYRT_TEST_UNSET",
        "--dir",
        "tests::/t",
        "--dir",
        "examples",
        "--argv0",
        "prog",
        COMMAND,
        "--not-an-option",
    ]);
    assert_eq!(
        stdout(&output),
        "prog\n--not-an-option\nA=b=c\nMYRT_TEST_INHERITED=from-host\ndir:/t\ndir:examples\n",
        "{}",
        stderr(&output)
    );
    // `run` returned err.
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn inherit_env_passes_the_host_environment_and_env_overrides_it() {
    let output = myrt(&["run", "-S", "inherit-env", COMMAND]);
    let lines: Vec<String> = stdout(&output).lines().map(String::from).collect();
    assert!(
        lines.contains(&"MYRT_TEST_INHERITED=from-host".to_string()),
        "{lines:?}"
    );
    let path = std::env::var("PATH").expect("the test runs with a PATH");
    assert!(lines.contains(&format!("PATH={path}")), "{lines:?}");

    let output = myrt(&[
        "run",
        "-S",
        "inherit-env",
        "--env",
        "MYRT_TEST_INHERITED=overridden",
        COMMAND,
    ]);
    let lines: Vec<String> = stdout(&output).lines().map(String::from).collect();
    let inherited: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("MYRT_TEST_INHERITED="))
        .collect();
    assert_eq!(inherited, ["MYRT_TEST_INHERITED=overridden"], "{lines:?}");

    let output = myrt(&["run", "-S", "inherit-env=n", COMMAND]);
    assert_eq!(stdout(&output), "command.wat\n", "{}", stderr(&output));
}

/// As in wasmtime: after the file, `--help`, `--env` and `--` are the guest's.
#[test]
fn arguments_after_the_file_are_the_guests_even_if_they_look_like_options() {
    let output = myrt(&["run", COMMAND, "--help"]);
    assert_eq!(
        stdout(&output),
        "command.wat\n--help\n",
        "{}",
        stderr(&output)
    );
    let output = myrt(&["run", COMMAND, "--env", "X"]);
    assert_eq!(
        stdout(&output),
        "command.wat\n--env\nX\n",
        "{}",
        stderr(&output)
    );
    let output = myrt(&["run", COMMAND, "--", "-S"]);
    assert_eq!(
        stdout(&output),
        "command.wat\n--\n-S\n",
        "{}",
        stderr(&output)
    );
}

#[test]
fn exit_with_code_sets_the_status() {
    let output = myrt(&["run", COMMAND, "a", "b"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[test]
fn a_trap_exits_134_with_a_backtrace() {
    let output = myrt(&["run", COMMAND, "1", "2", "3", "4"]);
    assert_eq!(output.status.code(), Some(134));
    let err = stderr(&output);
    assert!(
        err.contains("unreachable") && err.contains("wasm backtrace"),
        "{err}"
    );
}

#[test]
fn a_missing_directory_is_named() {
    let output = myrt(&["run", "--dir", "no-such-dir", COMMAND]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no-such-dir"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn imports_outside_what_myrt_provides_are_named_with_their_provider() {
    let dir = tempfile_dir();
    let path = dir.join("needs-logger.wat");
    std::fs::write(
        &path,
        r#"(component
             (import "wasi:http/outgoing-handler@0.2.0" (instance))
             (import "wasi:io/streams@0.3.0" (instance))
             (import "my:app/logger" (instance)))"#,
    )
    .expect("write the component");
    let output = myrt(&["run", path.to_str().expect("utf-8 path")]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        !err.contains("`wasi:http/outgoing-handler@0.2.0`"),
        "wasi:http is provided: {err}"
    );
    assert!(
        err.contains("`wasi:io/streams@0.3.0` (world `wasi:cli/command`) is version 0.3.0"),
        "{err}"
    );
    assert!(
        err.contains("`my:app/logger`") && err.contains("compose"),
        "{err}"
    );
    let without_http = myrt(&["run", "-S", "http=n", path.to_str().expect("utf-8 path")]);
    let err = stderr(&without_http);
    assert!(
        err.contains("`wasi:http/outgoing-handler@0.2.0` (world `wasi:http/proxy`) is left out by `-S http=n`"),
        "{err}"
    );
}

/// A scratch directory under the target dir (no tempfile dependency here).
fn tempfile_dir() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_wasi");
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

const INSTANCES: &str = "tests/fixtures/instance_export.wat";

#[test]
fn invoke_reaches_functions_of_exported_instances() {
    for (call, expected) in [
        ("add(2, 3)", "5\n"),
        ("my:app/tools.double@1.0.0(21)", "42\n"),
        ("my:app/tools.double(4)", "8\n"),
        ("my:app/tools@1.0.0#double(5)", "10\n"),
        ("double(6)", "12\n"),
        ("my:app/other.run()", "7\n"),
    ] {
        let output = myrt(&["run", INSTANCES, "--invoke", call]);
        assert_eq!(stdout(&output), expected, "{call}: {}", stderr(&output));
        assert_eq!(output.status.code(), Some(0), "{call}");
    }
    let ambiguous = myrt(&["run", INSTANCES, "--invoke", "run()"]);
    assert_eq!(ambiguous.status.code(), Some(1));
    let message = stderr(&ambiguous);
    assert!(
        message.contains("`my:app/other.run@1.0.0`")
            && message.contains("`my:app/tools.run@1.0.0`"),
        "{message}"
    );
    let missing = myrt(&["run", INSTANCES, "--invoke", "nope()"]);
    assert!(stderr(&missing).contains("`my:app/tools.double@1.0.0`"));
}

#[test]
fn unknown_imports_name_the_import_its_world_and_what_to_do() {
    let output = myrt(&["run", "tests/fixtures/unknown_imports.wat"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    for needle in [
        "`wasi:keyvalue/store@0.2.0-draft` belongs to the `wasi:keyvalue` proposal",
        "`my:pkg/iface` is not a WASI interface",
        "wac plug",
        "`wasi:cli/command` world",
    ] {
        assert!(message.contains(needle), "lacks {needle:?}: {message}");
    }
    assert!(!message.contains("`wasi:random/random@0.2.3`"), "{message}");
}

#[test]
fn network_options_are_honoured_or_refused_with_a_reason() {
    let denied_anyway = myrt(&["run", "-S", "tcp=n", "-S", "inherit-network=n", COMMAND]);
    assert_eq!(
        denied_anyway.status.code(),
        Some(0),
        "{}",
        stderr(&denied_anyway)
    );
    for option in ["inherit-network", "tcp", "allow-ip-name-lookup=y"] {
        let output = myrt(&["run", "-S", option, COMMAND]);
        assert_eq!(output.status.code(), Some(1), "-S {option}");
        assert!(
            stderr(&output).contains("network access"),
            "-S {option}: {}",
            stderr(&output)
        );
    }
    let http = myrt(&["run", "-S", "http", COMMAND]);
    assert!(
        stderr(&http).contains("HTTP-request-denied"),
        "{}",
        stderr(&http)
    );
    let unknown = myrt(&["run", "-S", "threads", COMMAND]);
    assert!(stderr(&unknown).contains("unknown WASI option `threads`"));
}

#[test]
fn a_function_missing_from_a_provided_interface_says_what_to_do() {
    let dir = tempfile_dir();
    let path = dir.join("newer-clock.wat");
    std::fs::write(
        &path,
        r#"(component
             (import "wasi:clocks/monotonic-clock@0.2.3" (instance
               (export "now" (func (result u64)))
               (export "frobnicate" (func)))))"#,
    )
    .expect("write the component");
    let output = myrt(&["run", path.to_str().expect("utf-8 path")]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("`frobnicate`") && err.contains("build the component against"),
        "{err}"
    );
}
