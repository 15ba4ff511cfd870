//! Compiles the Rust guest programs in `guests/` to wasm32-unknown-unknown and tells the crate
//! where the modules are (`MYRT_GUEST_<NAME>` environment variables, read with `env!`).
//!
//! The guests are a cargo workspace of their own, built by a nested cargo into a target
//! directory inside OUT_DIR: the release build of every guest for the compute benchmarks, and
//! the debug build of the regex guest, a real module of several MiB, for the startup one.
//! Cargo reruns this script only when a guest source changes, and the nested cargo rebuilds
//! only what changed, so edits to the rest of the crate cost nothing here.

use std::env;
use std::path::{Path, PathBuf};

use myrt_guest_build::GuestBuild;

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The guest crates (directory names under `guests/`, package names `guest-<name>`).
const GUESTS: [&str; 4] = ["deflate", "json", "regex", "coremark"];

/// The guest whose debug build is the startup benchmark's large module: the regex crate's
/// parser, compilers and matching engines, unoptimised, are the largest code of the four.
const DEBUG_GUEST: &str = "regex";

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

    let target_dir = out_dir.join("guests-target");
    let debug_package = format!("guest-{DEBUG_GUEST}");
    for args in [&["--release"][..], &["--package", &debug_package]] {
        let build = GuestBuild {
            guests_dir: &guests_dir,
            target: WASM_TARGET,
            target_dir: &target_dir,
            args,
        };
        if let Err(message) = build.run() {
            fail(&message);
        }
    }

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

/// Where cargo puts the cdylib of guest `name` (`guest-<name>` becomes `guest_<name>.wasm`).
fn wasm_path(target_dir: &Path, profile: &str, name: &str) -> PathBuf {
    target_dir
        .join(WASM_TARGET)
        .join(profile)
        .join(format!("guest_{name}.wasm"))
}
