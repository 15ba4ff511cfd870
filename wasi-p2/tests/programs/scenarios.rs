//! The scenario table: which guest, with which grants and input, and what must come out.

use std::path::PathBuf;

use super::expected;
use super::tree::Tree;

/// Exit status of a trap (128 + SIGABRT), as wasmtime reports it on Unix.
const TRAP_EXIT_CODE: i32 = 134;

pub struct Scenario {
    pub name: &'static str,
    /// The guest binary (`<guest>.wasm`).
    pub guest: &'static str,
    /// Prepare the sandbox with the `escape` guest's symlinks.
    pub escape_links: bool,
    /// Run twice; the stdout line starting with this text must differ between the runs.
    pub differs_across_runs: Option<&'static str>,
    /// What to pass and expect, given the fresh temp tree of a run.
    pub spec: fn(&Tree) -> Spec,
    /// How the `wasm32-wasip1` build of the guest runs (under `programs_preview1`).
    pub preview1: Preview1,
}

/// What a scenario expects of the guest built for `wasm32-wasip1`, a core module
/// importing `wasi_snapshot_preview1`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Preview1 {
    /// The same as the component (wasmtime's preview 1 output is the same).
    Same,
    /// This exit status instead: preview 1's `proc_exit` takes any status, where
    /// `wasi:cli/exit.exit` has only ok and err.
    ExitCode(i32),
    /// The guest needs what only WASI 0.2 has: wasi:http and pollables through the
    /// `wasip2` crate (its wasip1 build imports them), sockets (std has none on wasip1).
    Preview2Only,
}

impl Scenario {
    fn new(name: &'static str, guest: &'static str, spec: fn(&Tree) -> Spec) -> Scenario {
        Scenario {
            name,
            guest,
            escape_links: false,
            differs_across_runs: None,
            spec,
            preview1: Preview1::Same,
        }
    }

    fn preview1(self, preview1: Preview1) -> Scenario {
        Scenario { preview1, ..self }
    }

    fn with_escape_links(self) -> Scenario {
        Scenario {
            escape_links: true,
            ..self
        }
    }

    fn differing_line(self, prefix: &'static str) -> Scenario {
        Scenario {
            differs_across_runs: Some(prefix),
            ..self
        }
    }
}

#[derive(Default)]
pub struct Spec {
    /// `--dir`, `--env`, ... (before the file).
    pub options: Vec<String>,
    /// Arguments after the file: the guest's argv[1..].
    pub args: Vec<String>,
    pub host_env: Vec<(String, String)>,
    /// `None`: stdin is /dev/null.
    pub stdin: Option<Vec<u8>>,
    /// Nobody reads stdout: the guest's writes fail with a broken pipe.
    pub stdout_closed: bool,
    /// What stdout must be (see `expected` for the `{..}` wildcard).
    pub expected_stdout: String,
    pub expected_code: i32,
    pub stderr_contains: Option<String>,
    /// Files the sandbox must hold afterwards (path relative to it, size in bytes).
    pub sandbox_files: &'static [(&'static str, u64)],
}

pub fn all() -> Vec<Scenario> {
    vec![
        Scenario::new("hello", "hello", hello),
        Scenario::new("args_env_no_grants", "args_env", args_env_no_grants),
        Scenario::new("args_env_granted", "args_env", args_env_granted),
        Scenario::new("stdin_empty", "stdin_echo", stdin_empty),
        Scenario::new("stdin_1mib", "stdin_echo", stdin_1mib),
        Scenario::new("cat_256kib", "cat", cat),
        Scenario::new("cat_stdout_closed", "cat", cat_stdout_closed),
        Scenario::new("fs", "fs", fs),
        Scenario::new("fs_relative_dir", "fs", fs_relative_dir),
        Scenario::new(
            "fs_guest_path_defaults_to_host",
            "fs",
            fs_default_guest_path,
        ),
        Scenario::new("time", "time", time),
        Scenario::new("exit_0", "exit_code", |_| exit(0, 0)),
        Scenario::new("exit_1", "exit_code", |_| exit(1, 1)),
        // std's `exit(n)` becomes `wasi:cli/exit.exit(err)` for any n != 0: status 1.
        Scenario::new("exit_42", "exit_code", |_| exit(42, 1)).preview1(Preview1::ExitCode(42)),
        Scenario::new("panic", "panic", panic),
        Scenario::new("random", "random", random).differing_line("seed "),
        Scenario::new("stdin_lines", "stdin_lines", stdin_lines),
        Scenario::new("stdin_lines_empty", "stdin_lines", stdin_lines_empty),
        Scenario::new("pollables", "pollables", pollables).preview1(Preview1::Preview2Only),
        Scenario::new("http_client", "http_client", http_client).preview1(Preview1::Preview2Only),
        Scenario::new("sockets", "sockets", sockets).preview1(Preview1::Preview2Only),
        Scenario::new("app_work", "app", app_work),
        Scenario::new("app_panic_backtrace", "app", app_panic),
        Scenario::new("app_exit_3", "app", |_| app_exit(3, 1)).preview1(Preview1::ExitCode(3)),
        Scenario::new("app_exit_0", "app", |_| app_exit(0, 0)),
        Scenario::new("escape", "escape", escape).with_escape_links(),
        Scenario::new(
            "escape_guest_path_is_host_path",
            "escape",
            escape_host_named,
        )
        .with_escape_links(),
    ]
}

fn dir(host: impl Into<PathBuf>, guest: &str) -> Vec<String> {
    vec![
        "--dir".into(),
        format!("{}::{guest}", host.into().display()),
    ]
}

fn hello(_: &Tree) -> Spec {
    Spec {
        expected_stdout: expected::HELLO.into(),
        ..Spec::default()
    }
}

/// The runtime's own environment holds a variable the guest must not see.
fn args_env_no_grants(_: &Tree) -> Spec {
    Spec {
        host_env: vec![("MYRT_PROGRAMS_SECRET".into(), "leaked".into())],
        expected_stdout: expected::ARGS_ENV_NO_GRANTS.into(),
        ..Spec::default()
    }
}

/// `--env K=V`, `--env K` (passed through from the host), a preopen, and arguments
/// that look like options but follow the file, so they belong to the guest.
fn args_env_granted(tree: &Tree) -> Spec {
    let mut options = dir(tree.sandbox(), "/sandbox");
    options.extend(["--env", "FOO=bar", "--env", "E=a b", "--env", "FROM_HOST"].map(String::from));
    Spec {
        options,
        args: ["", "with space", "--flag", "héllo", "-5", "--dir=/"]
            .map(String::from)
            .to_vec(),
        host_env: vec![
            ("FROM_HOST".into(), "passed through".into()),
            ("MYRT_PROGRAMS_SECRET".into(), "leaked".into()),
        ],
        expected_stdout: expected::ARGS_ENV_GRANTED.into(),
        ..Spec::default()
    }
}

fn stdin_empty(_: &Tree) -> Spec {
    Spec {
        expected_stdout: stdin_line(&[]),
        ..Spec::default()
    }
}

/// More than any pipe buffer: the guest must read in a loop until the end.
fn stdin_1mib(_: &Tree) -> Spec {
    let mut state: u32 = 1;
    let input: Vec<u8> = (0..1 << 20)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 16) as u8
        })
        .collect();
    Spec {
        expected_stdout: stdin_line(&input),
        stdin: Some(input),
        ..Spec::default()
    }
}

/// Text through stdin and back out of stdout; the count goes to stderr.
fn cat(_: &Tree) -> Spec {
    let text: String = (0..20_000).map(|n| format!("line {n:>6}\n")).collect();
    Spec {
        stdin: Some(text.clone().into_bytes()),
        stderr_contains: Some(format!("cat: copied {} bytes", text.len())),
        expected_stdout: text,
        ..Spec::default()
    }
}

/// `myrt run cat.wasm | head -0`: std's copy fails with `BrokenPipe`, as in a host
/// program that ignores SIGPIPE.
fn cat_stdout_closed(_: &Tree) -> Spec {
    Spec {
        stdin: Some("line\n".repeat(200_000).into_bytes()),
        stdout_closed: true,
        stderr_contains: Some("cat: err BrokenPipe".into()),
        ..Spec::default()
    }
}

/// What `stdin_echo` prints for `input` (FNV-1a 64, the guest's hash).
fn stdin_line(input: &[u8]) -> String {
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("stdin: {} bytes, fnv1a64 {hash:016x}\n", input.len())
}

fn fs(tree: &Tree) -> Spec {
    Spec {
        options: dir(tree.sandbox(), "/sandbox"),
        args: vec!["/sandbox".into()],
        expected_stdout: expected::FS.into(),
        ..Spec::default()
    }
}

/// `--dir sandbox::/sandbox`: a relative host path, resolved against the runtime's cwd.
fn fs_relative_dir(_: &Tree) -> Spec {
    Spec {
        options: dir("sandbox", "/sandbox"),
        args: vec!["/sandbox".into()],
        expected_stdout: expected::FS.into(),
        ..Spec::default()
    }
}

/// `--dir HOST` alone: the guest sees the directory under its host path. Only
/// `canonicalize` differs: wasi-libc's `realpath` looks up every ancestor (`/tmp`, ...),
/// and those are not preopened.
fn fs_default_guest_path(tree: &Tree) -> Spec {
    let host = tree.sandbox().display().to_string();
    Spec {
        options: vec!["--dir".into(), host.clone()],
        args: vec![host],
        expected_stdout: expected::FS.replace(
            r#"canonicalize a/dirlink/renamed.txt: ok "/sandbox/a/b/renamed.txt""#,
            "canonicalize a/dirlink/renamed.txt: err NotFound (os 44)",
        ),
        ..Spec::default()
    }
}

fn time(_: &Tree) -> Spec {
    Spec {
        expected_stdout: expected::TIME.into(),
        ..Spec::default()
    }
}

fn exit(code: i32, expected_code: i32) -> Spec {
    Spec {
        args: vec![code.to_string()],
        expected_stdout: format!("exiting with {code}\n"),
        expected_code,
        ..Spec::default()
    }
}

fn panic(_: &Tree) -> Spec {
    Spec {
        expected_stdout: expected::PANIC_STDOUT.into(),
        expected_code: TRAP_EXIT_CODE,
        stderr_contains: Some(expected::PANIC_STDERR.into()),
        ..Spec::default()
    }
}

fn random(_: &Tree) -> Spec {
    Spec {
        expected_stdout: expected::RANDOM.into(),
        ..Spec::default()
    }
}

/// CRLF, an empty line, NUL, bytes that are not UTF-8, and no final newline.
fn stdin_lines(_: &Tree) -> Spec {
    Spec {
        stdin: Some(expected::STDIN_LINES_INPUT.to_vec()),
        expected_stdout: expected::STDIN_LINES.into(),
        ..Spec::default()
    }
}

fn stdin_lines_empty(_: &Tree) -> Spec {
    Spec {
        expected_stdout: expected::STDIN_LINES_EMPTY.into(),
        ..Spec::default()
    }
}

fn pollables(_: &Tree) -> Spec {
    Spec {
        expected_stdout: expected::POLLABLES.into(),
        ..Spec::default()
    }
}

/// Without any option: myrt links wasi:http by default (wasmtime needs `-S http`).
fn http_client(_: &Tree) -> Spec {
    Spec {
        expected_stdout: expected::HTTP_CLIENT.into(),
        ..Spec::default()
    }
}

fn sockets(_: &Tree) -> Spec {
    Spec {
        expected_stdout: expected::SOCKETS.into(),
        ..Spec::default()
    }
}

fn app_work(tree: &Tree) -> Spec {
    let mut options = dir(tree.sandbox(), "/sandbox");
    options.extend(["--env", "FOO=bar"].map(String::from));
    Spec {
        options,
        args: ["work", "/sandbox"].map(String::from).to_vec(),
        expected_stdout: expected::APP_WORK.into(),
        stderr_contains: Some("app: done\n".into()),
        sandbox_files: expected::APP_SANDBOX,
        ..Spec::default()
    }
}

/// A panic four calls deep with `RUST_BACKTRACE=1` passed to the guest.
fn app_panic(_: &Tree) -> Spec {
    Spec {
        options: ["--env", "RUST_BACKTRACE=1"].map(String::from).to_vec(),
        args: ["panic", "4"].map(String::from).to_vec(),
        expected_code: TRAP_EXIT_CODE,
        stderr_contains: Some(expected::APP_PANIC_STDERR.into()),
        ..Spec::default()
    }
}

fn app_exit(code: i32, expected_code: i32) -> Spec {
    Spec {
        args: vec!["exit".into(), code.to_string()],
        expected_stdout: format!("exit {code}\n"),
        expected_code,
        ..Spec::default()
    }
}

fn escape(tree: &Tree) -> Spec {
    Spec {
        options: dir(tree.sandbox(), "/sandbox"),
        args: vec!["/sandbox".into(), tree.outside_file().display().to_string()],
        expected_stdout: expected::ESCAPE.into(),
        ..Spec::default()
    }
}

/// The same attempts when the guest path is the host path, so the guest can name the
/// outside file by its real absolute path.
fn escape_host_named(tree: &Tree) -> Spec {
    let host = tree.sandbox().display().to_string();
    Spec {
        options: vec!["--dir".into(), host.clone()],
        args: vec![host, tree.outside_file().display().to_string()],
        expected_stdout: expected::ESCAPE.into(),
        ..Spec::default()
    }
}
