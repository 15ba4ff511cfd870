//! The WASI grants of `myrt run` (`--dir`, `--env`, `--argv0`) and the
//! check that a component imports nothing `myrt run` cannot provide.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use myrt_canonical_abi::component::Component;
use myrt_wasi_p2::fs::{DirPerms, FilePerms};
use myrt_wasi_p2::{WasiCtx, bindings};

use super::run::RunArgs;

/// One `--dir HOST[::GUEST]`: the host directory (relative paths taken
/// from the current directory) and the name the guest sees.
#[derive(Debug, Clone, PartialEq)]
pub struct DirGrant {
    pub host: PathBuf,
    pub guest: String,
}

pub fn parse_dir(text: &str) -> Result<DirGrant, String> {
    let (host, guest) = text.split_once("::").unwrap_or((text, text));
    if host.is_empty() || guest.is_empty() {
        return Err(format!("expected HOST or HOST::GUEST, found `{text}`"));
    }
    Ok(DirGrant {
        host: PathBuf::from(host),
        guest: guest.to_string(),
    })
}

/// One `--env`: `K=V` sets, a bare `K` passes the host's value through.
#[derive(Debug, Clone, PartialEq)]
pub enum EnvGrant {
    Set(String, String),
    Inherit(String),
}

pub fn parse_env(text: &str) -> Result<EnvGrant, String> {
    let grant = match text.split_once('=') {
        Some((key, value)) => EnvGrant::Set(key.to_string(), value.to_string()),
        None => EnvGrant::Inherit(text.to_string()),
    };
    match &grant {
        EnvGrant::Set(key, _) | EnvGrant::Inherit(key) if key.is_empty() => {
            Err(format!("expected K=V or K, found `{text}`"))
        }
        _ => Ok(grant),
    }
}

/// The guest's context: arguments, environment and preopens as asked,
/// the host's stdio, nothing else.
pub fn build_ctx(args: &RunArgs, guest_args: &[String]) -> anyhow::Result<WasiCtx> {
    let mut builder = WasiCtx::builder();
    let argv0 = match &args.argv0 {
        Some(name) => name.clone(),
        None => args.file.display().to_string(),
    };
    builder.arg(argv0).args(guest_args).inherit_stdio();
    for grant in &args.env {
        match grant {
            EnvGrant::Set(key, value) => builder.env(key, value),
            EnvGrant::Inherit(key) => builder.inherit_env_var(key),
        };
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    for dir in &args.dir {
        builder.preopened_dir(
            cwd.join(&dir.host),
            &dir.guest,
            DirPerms::all(),
            FilePerms::all(),
        )?;
    }
    Ok(builder.build())
}

/// Fails naming every import `myrt run` cannot satisfy, with what would
/// provide it, instead of letting instantiation stop at the first.
pub fn check_imports(component: &Component, path: &Path) -> anyhow::Result<()> {
    let problems: Vec<String> = component
        .imports()
        .into_iter()
        .filter_map(|(name, _)| unsupported_import(&name).map(|why| format!("`{name}`: {why}")))
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    bail!(
        "`{}` has imports `myrt run` cannot provide:\n  {}\n\
         `myrt run` provides the imports of the `wasi:cli/command@0.2.x` world: {}",
        path.display(),
        problems.join("\n  "),
        bindings::provided_interfaces().join(", ")
    )
}

/// Why `name` cannot be satisfied, or `None` if it can.
fn unsupported_import(name: &str) -> Option<String> {
    let (interface, version) = name.rsplit_once('@').unwrap_or((name, ""));
    let provided = bindings::provided_interfaces().contains(&interface);
    if provided && version.starts_with("0.2.") {
        return None;
    }
    Some(if provided {
        format!("version {version} is not supported: myrt implements WASI 0.2.x")
    } else if interface.starts_with("wasi:http/") {
        "belongs to the `wasi:http/proxy` world, which `myrt run` does not provide".to_string()
    } else if interface.starts_with("wasi:") {
        "is not part of the `wasi:cli/command` world that `myrt run` provides".to_string()
    } else {
        "is not a WASI interface: compose the component with one that exports it \
         (e.g. with `wac plug`) before running it"
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_and_env_grants_parse() {
        assert_eq!(
            parse_dir("data::/d"),
            Ok(DirGrant {
                host: "data".into(),
                guest: "/d".into()
            })
        );
        assert_eq!(
            parse_dir("."),
            Ok(DirGrant {
                host: ".".into(),
                guest: ".".into()
            })
        );
        assert!(parse_dir("::x").is_err());
        assert_eq!(
            parse_env("A=b=c"),
            Ok(EnvGrant::Set("A".into(), "b=c".into()))
        );
        assert_eq!(parse_env("HOME"), Ok(EnvGrant::Inherit("HOME".into())));
        assert!(parse_env("=v").is_err());
    }

    #[test]
    fn imports_are_checked_by_interface_and_version() {
        assert_eq!(unsupported_import("wasi:cli/environment@0.2.6"), None);
        assert_eq!(unsupported_import("wasi:io/streams@0.2.12"), None);
        assert!(unsupported_import("wasi:io/streams@0.3.0").is_some());
        assert!(
            unsupported_import("wasi:http/types@0.2.0")
                .unwrap()
                .contains("wasi:http/proxy")
        );
        assert!(
            unsupported_import("my:pkg/iface")
                .unwrap()
                .contains("compose")
        );
    }
}
