//! Builds Rust guest programs (a cargo workspace of their own, ignored by the main one)
//! for a wasm target with a nested cargo, from a build script or a test.
//!
//! The nested cargo must not see the outer build's environment: variables that point
//! it at the outer target directory or host target, or pass flags and wrappers meant
//! for the host build (coverage, clippy), would break the wasm build or its caching.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Variables of the outer cargo (or the user's shell) the nested cargo must not see.
const NOT_INHERITED: [&str; 6] = [
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
];

/// `CARGO_*` variables the nested cargo keeps: where the registry cache is, whether
/// the network may be used, and the jobserver, so both builds share the job slots.
const CARGO_VARIABLES_KEPT: [&str; 5] = [
    "CARGO_HOME",
    "CARGO_NET_OFFLINE",
    "CARGO_MAKEFLAGS",
    "CARGO_HTTP_TIMEOUT",
    "CARGO_REGISTRIES_CRATES_IO_PROTOCOL",
];

/// A `cargo` command (the outer build's cargo when there is one) without the outer
/// build's environment.
pub fn nested_cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(cargo);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let leaks = NOT_INHERITED.contains(&name.as_ref())
            || (name.starts_with("CARGO_") && !CARGO_VARIABLES_KEPT.contains(&name.as_ref()));
        if leaks {
            command.env_remove(name.as_ref());
        }
    }
    command
}

/// The standard library of `target` must be installed for the toolchain that builds
/// `guests_dir`; without it the nested build fails deep in the first dependency with
/// "can't find crate for `core`", which does not say what to do.
pub fn check_target_installed(target: &str, guests_dir: &Path) -> Result<(), String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
    let output = Command::new(&rustc)
        .current_dir(guests_dir)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|error| format!("cannot run {}: {error}", rustc.to_string_lossy()))?;
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let target_libs = Path::new(&sysroot)
        .join("lib")
        .join("rustlib")
        .join(target)
        .join("lib");
    if target_libs.is_dir() {
        Ok(())
    } else {
        Err(format!(
            "the guests in {} are compiled to {target}, whose standard library is not \
             installed (no {}); install it with `rustup target add {target}`",
            guests_dir.display(),
            target_libs.display()
        ))
    }
}

/// One `cargo build` of a guest workspace.
pub struct GuestBuild<'a> {
    /// The directory of the guests' workspace `Cargo.toml`.
    pub guests_dir: &'a Path,
    pub target: &'a str,
    /// Where the nested cargo puts its output (its own, so neither build waits on
    /// the other's lock).
    pub target_dir: &'a Path,
    /// Further arguments: `--release`, `--package NAME`, ...
    pub args: &'a [&'a str],
}

impl GuestBuild<'_> {
    /// Builds the guests with `--locked` and returns the directory of the artifacts
    /// (`<target_dir>/<target>/<profile>`). Cargo's messages go to stderr, which a test
    /// shows and a build script's caller shows on failure; stdout stays clean for a
    /// build script's directives.
    pub fn run(&self) -> Result<PathBuf, String> {
        check_target_installed(self.target, self.guests_dir)?;
        let mut command = nested_cargo();
        command
            .current_dir(self.guests_dir)
            .args(["build", "--locked", "--target", self.target])
            .args(self.args)
            .env("CARGO_TARGET_DIR", self.target_dir)
            .stdout(Stdio::null());
        let status = command.status().map_err(|error| {
            format!(
                "cannot run cargo to build the guests in {}: {error}",
                self.guests_dir.display()
            )
        })?;
        if !status.success() {
            return Err(format!(
                "building the guests in {} failed ({status}); see cargo's messages above",
                self.guests_dir.display()
            ));
        }
        let profile = if self.args.contains(&"--release") {
            "release"
        } else {
            "debug"
        };
        Ok(self.target_dir.join(self.target).join(profile))
    }
}

/// The target directory of the outer cargo that built the running test executable
/// (`<target>/<profile>/deps/<test>-<hash>`), under which a test keeps its nested
/// build.
pub fn outer_target_dir() -> Result<PathBuf, String> {
    let exe = std::env::current_exe()
        .map_err(|error| format!("cannot locate the test executable: {error}"))?;
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("unexpected test executable location {}", exe.display()))
}
