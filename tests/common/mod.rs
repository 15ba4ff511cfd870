//! Runs the `myrt` binary from the workspace root, the way a user does.

#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;
use std::process::{Command, Output};

/// `myrt ARGS` with the host environment plus `env`.
pub fn myrt_with_env(env: &[(&str, &str)], args: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::new(env!("CARGO_BIN_EXE_myrt"))
        .current_dir(root)
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("the myrt binary can be started")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
