//! The two executables the harness needs: the guest components (built here with a
//! nested cargo, since a build script of `wasi-p2` would be shared with other tests)
//! and the `myrt` binary that runs them.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

pub const GUEST_TARGET: &str = "wasm32-wasip2";

/// Variables of the outer cargo (or the user's shell) the nested cargo must not see:
/// they would redirect its target directory or pass host-only flags and wrappers
/// (coverage, clippy) to the wasm build.
const NOT_INHERITED: [&str; 6] = [
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
];

/// `CARGO_*` variables the nested cargo keeps: the registry cache, offline mode, and
/// the jobserver.
const CARGO_VARIABLES_KEPT: [&str; 5] = [
    "CARGO_HOME",
    "CARGO_NET_OFFLINE",
    "CARGO_MAKEFLAGS",
    "CARGO_HTTP_TIMEOUT",
    "CARGO_REGISTRIES_CRATES_IO_PROTOCOL",
];

/// Where the outer cargo put this test executable: `<target>/<profile>/deps/programs-<hash>`.
struct OuterBuild {
    target_dir: PathBuf,
    profile_dir: PathBuf,
}

fn outer_build() -> Result<OuterBuild, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot locate the test executable: {e}"))?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("unexpected test executable location {}", exe.display()))?
        .to_path_buf();
    let target_dir = profile_dir
        .parent()
        .ok_or_else(|| format!("unexpected test executable location {}", exe.display()))?
        .to_path_buf();
    Ok(OuterBuild {
        target_dir,
        profile_dir,
    })
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn guests_manifest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("guests")
}

/// Builds every guest (release) and returns the directory holding `<name>.wasm`.
pub fn build_guests() -> Result<PathBuf, String> {
    check_guest_target_installed()?;
    let target_dir = outer_build()?.target_dir.join("wasi-guests");
    let manifest = guests_manifest_dir().join("Cargo.toml");
    let mut command = nested_cargo();
    command
        .args([
            "build",
            "--release",
            "--quiet",
            "--target",
            GUEST_TARGET,
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target_dir);
    run_cargo(
        command,
        &format!("building the guest programs in {}", manifest.display()),
    )?;
    Ok(target_dir.join(GUEST_TARGET).join("release"))
}

/// The wasm32-wasip2 standard library must be installed; without it the nested build
/// fails with "can't find crate for `core`", which does not say what to do.
fn check_guest_target_installed() -> Result<(), String> {
    let output = Command::new("rustc")
        .current_dir(guests_manifest_dir())
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let libs = Path::new(&sysroot)
        .join("lib/rustlib")
        .join(GUEST_TARGET)
        .join("lib");
    if libs.is_dir() {
        Ok(())
    } else {
        Err(format!(
            "the guest programs are compiled to {GUEST_TARGET}, whose standard library is not \
             installed (no {}); install it with `rustup target add {GUEST_TARGET}`",
            libs.display()
        ))
    }
}

/// The runtime under test, in this order:
/// 1. `MYRT_BIN` — any CLI that accepts `run --dir H::G --env K=V file args`; pointing it at
///    wasmtime checks the expectations themselves;
/// 2. the `myrt` binary the outer cargo built beside this test (`cargo test --workspace`
///    builds it), if it is newer than every workspace source;
/// 3. otherwise a `cargo build -p myrt` into a target directory of our own (the outer
///    cargo holds the lock of its own until the tests finish).
pub fn myrt_binary() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("MYRT_BIN") {
        return Ok(PathBuf::from(path));
    }
    let outer = outer_build()?;
    let sibling = outer.profile_dir.join("myrt");
    if is_fresh(&sibling) {
        return Ok(sibling);
    }
    let target_dir = outer.target_dir.join("wasi-guests-myrt");
    eprintln!(
        "programs: {} is missing or older than the sources; building myrt into {}",
        sibling.display(),
        target_dir.display()
    );
    let mut command = nested_cargo();
    command
        .args([
            "build",
            "--quiet",
            "-p",
            "myrt",
            "--bin",
            "myrt",
            "--manifest-path",
        ])
        .arg(workspace_root().join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir);
    run_cargo(command, "building the myrt binary")?;
    Ok(target_dir.join("debug").join("myrt"))
}

/// Whether `binary` exists and is newer than the workspace manifest, lock file and
/// every file under a `src/` directory of the root or of a member crate.
fn is_fresh(binary: &Path) -> bool {
    let Ok(built) = binary.metadata().and_then(|m| m.modified()) else {
        return false;
    };
    let root = workspace_root();
    let mut sources = vec![
        root.join("Cargo.toml"),
        root.join("Cargo.lock"),
        root.join("src"),
    ];
    if let Ok(entries) = std::fs::read_dir(&root) {
        sources.extend(entries.flatten().map(|entry| entry.path().join("src")));
    }
    sources
        .iter()
        .all(|path| newest_modification(path).is_none_or(|newest| newest <= built))
}

fn newest_modification(path: &Path) -> Option<SystemTime> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    let own = metadata.modified().ok();
    if !metadata.is_dir() {
        return own;
    }
    let children = std::fs::read_dir(path).ok()?;
    children
        .flatten()
        .filter_map(|entry| newest_modification(&entry.path()))
        .chain(own)
        .max()
}

fn nested_cargo() -> Command {
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

fn run_cargo(mut command: Command, what: &str) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|e| format!("{what}: cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
