//! Compiles the Rust guest programs in `guests/` to wasm32-unknown-unknown and tells the crate
//! where the modules are (`MYRT_GUEST_<NAME>` environment variables, read with `env!`).
//!
//! The guests are a cargo workspace of their own, built by a nested cargo into a target
//! directory inside OUT_DIR: the release build of every guest for the compute benchmarks, and
//! the debug build of the regex guest, a real module of several MiB, for the startup one.
//! Cargo reruns this script only when a guest source changes, and the nested cargo rebuilds
//! only what changed, so edits to the rest of the crate cost nothing here.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The guest crates (directory names under `guests/`, package names `guest-<name>`).
const GUESTS: [&str; 4] = ["deflate", "json", "regex", "coremark"];

/// The guest whose debug build is the startup benchmark's large module: the regex crate's
/// parser, compilers and matching engines, unoptimised, are the largest code of the four.
const DEBUG_GUEST: &str = "regex";

/// Variables the outer cargo sets for this script (or inherited from the user's invocation)
/// that the nested cargo must not see: they would point it at the outer target directory,
/// the host target, or flags and wrappers meant for the host build (coverage, clippy).
const NOT_INHERITED: [&str; 6] = [
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
];

/// `CARGO_*` variables the nested cargo keeps: where the registry cache is, whether the
/// network may be used, and the jobserver, so the two builds share the same job slots.
const CARGO_VARIABLES_KEPT: [&str; 5] = [
    "CARGO_HOME",
    "CARGO_NET_OFFLINE",
    "CARGO_MAKEFLAGS",
    "CARGO_HTTP_TIMEOUT",
    "CARGO_REGISTRIES_CRATES_IO_PROTOCOL",
];

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let guests_dir = manifest_dir.join("guests");

    println!(
        "cargo::rerun-if-changed={}",
        guests_dir.join("Cargo.toml").display()
    );
    println!(
        "cargo::rerun-if-changed={}",
        guests_dir.join("Cargo.lock").display()
    );
    for guest in GUESTS {
        let crate_dir = guests_dir.join(guest);
        println!(
            "cargo::rerun-if-changed={}",
            crate_dir.join("Cargo.toml").display()
        );
        println!(
            "cargo::rerun-if-changed={}",
            crate_dir.join("src").display()
        );
    }

    if let Err(message) = check_wasm_target_installed() {
        fail(&message);
    }

    let target_dir = out_dir.join("guests-target");
    build_guests(&guests_dir, &target_dir, &["--release"]);
    build_guests(
        &guests_dir,
        &target_dir,
        &["--package", &format!("guest-{DEBUG_GUEST}")],
    );

    for guest in GUESTS {
        let wasm = wasm_path(&target_dir, "release", guest);
        println!(
            "cargo::rustc-env=MYRT_GUEST_{}={}",
            guest.to_uppercase(),
            wasm.display()
        );
    }
    let debug_wasm = wasm_path(&target_dir, "debug", DEBUG_GUEST);
    println!(
        "cargo::rustc-env=MYRT_GUEST_DEBUG_MODULE={}",
        debug_wasm.display()
    );
}

/// Stops the build with `message`; cargo shows a failed build script's stderr.
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}

/// The standard library for the wasm target must be installed: without it the nested build
/// would fail deep in the first dependency with "can't find crate for `core`".
fn check_wasm_target_installed() -> Result<(), String> {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
    let output = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|error| format!("cannot run {}: {error}", rustc.to_string_lossy()))?;
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let target_libs = Path::new(&sysroot)
        .join("lib")
        .join("rustlib")
        .join(WASM_TARGET)
        .join("lib");
    if target_libs.is_dir() {
        Ok(())
    } else {
        Err(format!(
            "the benchmark guests are compiled to {WASM_TARGET}, whose standard library is not \
             installed (no {}); install it with `rustup target add {WASM_TARGET}`",
            target_libs.display()
        ))
    }
}

/// Runs `cargo build --target wasm32-unknown-unknown <extra_args>` on the guest workspace.
fn build_guests(guests_dir: &Path, target_dir: &Path, extra_args: &[&str]) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(cargo);
    command
        .current_dir(guests_dir)
        .args(["build", "--locked", "--target", WASM_TARGET])
        .args(extra_args)
        // Cargo's messages go to stderr, which cargo shows if this script fails; stdout is
        // this script's channel to cargo and must carry only its directives.
        .stdout(Stdio::null());
    for (name, _) in env::vars_os() {
        let name = name.to_string_lossy();
        let leaks = NOT_INHERITED.contains(&name.as_ref())
            || (name.starts_with("CARGO_") && !CARGO_VARIABLES_KEPT.contains(&name.as_ref()));
        if leaks {
            command.env_remove(name.as_ref());
        }
    }
    command.env("CARGO_TARGET_DIR", target_dir);
    match command.status() {
        Ok(status) if status.success() => {}
        Ok(status) => fail(&format!(
            "building the benchmark guests in {} failed ({status}); see the messages above",
            guests_dir.display()
        )),
        Err(error) => fail(&format!(
            "cannot run cargo to build the benchmark guests: {error}"
        )),
    }
}

/// Where cargo puts the cdylib of guest `name` (`guest-<name>` becomes `guest_<name>.wasm`).
fn wasm_path(target_dir: &Path, profile: &str, name: &str) -> PathBuf {
    target_dir
        .join(WASM_TARGET)
        .join(profile)
        .join(format!("guest_{name}.wasm"))
}
