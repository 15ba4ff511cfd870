//! The two executables the harness needs: the guest components (built here with a
//! nested cargo, since a build script of `wasi-p2` would be shared with other tests)
//! and the `myrt` binary that runs them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use myrt_guest_build::{GuestBuild, nested_cargo};

/// The guests as components, and as preview 1 core modules.
pub const GUEST_TARGET: &str = "wasm32-wasip2";
pub const PREVIEW1_TARGET: &str = "wasm32-wasip1";

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

/// Builds every guest (release) for `target` and returns the directory holding
/// `<name>.wasm`.
pub fn build_guests(target: &str) -> Result<PathBuf, String> {
    let target_dir = outer_build()?.target_dir.join("wasi-guests");
    GuestBuild {
        guests_dir: &guests_manifest_dir(),
        target,
        target_dir: &target_dir,
        args: &["--release", "--quiet"],
    }
    .run()
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
