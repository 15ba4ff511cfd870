//! The WASI grants of `myrt run` (`--dir`, `--env`, `--argv0`, `-S`) and
//! the check that a component imports nothing `myrt run` cannot provide.

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
pub fn build_ctx(
    args: &RunArgs,
    guest_args: &[String],
    grants: &Grants,
) -> anyhow::Result<WasiCtx> {
    let mut builder = WasiCtx::builder();
    // Like wasmtime: the file's name without its directories, so a program's
    // output does not depend on where it was started from.
    let argv0 = match (&args.argv0, args.file.file_name()) {
        (Some(name), _) => name.clone(),
        (None, Some(name)) => name.to_string_lossy().into_owned(),
        (None, None) => args.file.display().to_string(),
    };
    builder.arg(argv0).args(guest_args).inherit_stdio();
    // `-S inherit-env` first, so `--env` can override what it passes through.
    if grants.inherit_env {
        builder.inherit_env();
    }
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

/// One `-S KEY[=y|n]`, with wasmtime's keys and meanings.
#[derive(Debug, Clone, PartialEq)]
pub struct WasiOption {
    pub key: String,
    pub enabled: bool,
}

/// wasmtime's `-S` keys for network access; myrt denies the network, so
/// only their `=n` forms (the default) can be honoured.
const NETWORK_KEYS: [&str; 4] = ["inherit-network", "tcp", "udp", "allow-ip-name-lookup"];

pub fn parse_wasi_option(text: &str) -> Result<WasiOption, String> {
    let (key, value) = text.split_once('=').unwrap_or((text, "y"));
    let enabled = match value {
        "y" | "yes" | "true" => true,
        "n" | "no" | "false" => false,
        other => return Err(format!("`-S {key}={other}`: the value must be y or n")),
    };
    let known = NETWORK_KEYS.contains(&key) || ["http", "cli", "inherit-env"].contains(&key);
    if !known {
        return Err(format!(
            "unknown WASI option `{key}`; `myrt run` knows `-S inherit-env` (the host's \
             whole environment), `-S http=n` (no wasi:http imports) and the network \
             options {} (accepted as `=n`: the network is denied)",
            NETWORK_KEYS.map(|k| format!("`{k}`")).join(", ")
        ));
    }
    Ok(WasiOption {
        key: key.to_string(),
        enabled,
    })
}

/// What the `-S` options ask for, once checked against what myrt can do.
#[derive(Debug, Clone, PartialEq)]
pub struct Grants {
    /// Link `wasi:http/types` and `wasi:http/outgoing-handler` (the default;
    /// `-S http=n` leaves them out, as wasmtime does without `-S http`).
    pub http_imports: bool,
    /// Pass the host's whole environment to the guest (`-S inherit-env`).
    pub inherit_env: bool,
}

impl Grants {
    /// Refuses, saying why, every option that asks for something myrt
    /// cannot do, rather than running with less than was asked for.
    pub fn from_options(options: &[WasiOption]) -> anyhow::Result<Grants> {
        let mut grants = Grants {
            http_imports: true,
            inherit_env: false,
        };
        for option in options {
            let key = option.key.as_str();
            match (key, option.enabled) {
                ("http", false) => grants.http_imports = false,
                ("inherit-env", enabled) => grants.inherit_env = enabled,
                ("http", true) => bail!(
                    "`-S http` asks for outgoing HTTP requests, which myrt cannot send yet. \
                     Without it, wasi:http is linked all the same and \
                     `outgoing-handler.handle` returns `HTTP-request-denied`: drop `-S http` \
                     to run the component with HTTP denied"
                ),
                ("cli", _) => bail!(
                    "`-S cli` applies to `wasmtime serve`; myrt has no `serve`, and `myrt run` \
                     always provides wasi:cli"
                ),
                (_, false) => {}
                (_, true) => bail!(
                    "`-S {key}` asks for network access, which myrt cannot grant yet: every \
                     socket is refused with `access-denied` and name lookups fail. Drop \
                     `-S {key}` to run the component with the network denied"
                ),
            }
        }
        Ok(grants)
    }
}

/// Fails naming every import `myrt run` cannot satisfy, the world it
/// belongs to and what to do, instead of letting instantiation stop at the
/// first.
pub fn check_imports(component: &Component, path: &Path, grants: &Grants) -> anyhow::Result<()> {
    let problems: Vec<String> = component
        .imports()
        .into_iter()
        .filter_map(|(name, _)| {
            unsupported_import(&name, grants).map(|why| format!("`{name}` {why}"))
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    let http = if grants.http_imports {
        format!(
            " and the client imports of `wasi:http/proxy@0.2.x` ({})",
            bindings::http_interfaces().join(", ")
        )
    } else {
        String::new()
    };
    bail!(
        "`{}` has imports `myrt run` cannot provide:\n  {}\n\
         `myrt run` provides, at any version 0.2.0 to 0.2.x, the imports of the \
         `wasi:cli/command` world ({}){http}.",
        path.display(),
        problems.join("\n  "),
        bindings::command_interfaces().join(", ")
    )
}

/// Why `name` cannot be satisfied, or `None` if it can.
fn unsupported_import(name: &str, grants: &Grants) -> Option<String> {
    let (interface, version) = name.rsplit_once('@').unwrap_or((name, ""));
    let http = bindings::http_interfaces().contains(&interface);
    let command = bindings::command_interfaces().contains(&interface);
    if (command || (http && grants.http_imports)) && version.starts_with("0.2.") {
        return None;
    }
    let world = if http || interface == "wasi:http/incoming-handler" {
        "`wasi:http/proxy`"
    } else {
        "`wasi:cli/command`"
    };
    Some(if command || http {
        if http && !grants.http_imports && version.starts_with("0.2.") {
            format!("(world {world}) is left out by `-S http=n`: drop that option to link it")
        } else {
            format!(
                "(world {world}) is version {version}, but myrt implements WASI 0.2.x: \
                 rebuild the component against WASI 0.2 (for Rust, the wasm32-wasip2 target)"
            )
        }
    } else if interface == "wasi:http/incoming-handler" {
        "is what a server component of the `wasi:http/proxy` world exports, never an import; \
         `myrt run` runs commands and has no `serve`"
            .to_string()
    } else if interface == "wasi:clocks/timezone" {
        "is unstable (feature `clocks-timezone` of the `wasi:clocks/imports` world), and myrt \
         provides only stable WASI 0.2: build the component without that feature"
            .to_string()
    } else if let Some(package) = interface
        .strip_prefix("wasi:")
        .and_then(|rest| rest.split('/').next())
    {
        format!(
            "belongs to the `wasi:{package}` proposal, which is in neither WASI 0.2 world myrt \
             provides (`wasi:cli/command`, `wasi:http/proxy`): build the component without it, \
             or compose it with a component that exports it (`wac plug`)"
        )
    } else {
        "is not a WASI interface, so no host provides it: compose the component with one that \
         exports it (e.g. `wac plug --plug provider.wasm app.wasm -o composed.wasm`) before \
         running it"
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
        let all = Grants {
            http_imports: true,
            inherit_env: false,
        };
        assert_eq!(unsupported_import("wasi:cli/environment@0.2.6", &all), None);
        assert_eq!(unsupported_import("wasi:io/streams@0.2.12", &all), None);
        assert_eq!(unsupported_import("wasi:http/types@0.2.0", &all), None);
        assert_eq!(unsupported_import("wasi:sockets/tcp@0.2.3", &all), None);
        let newer = unsupported_import("wasi:io/streams@0.3.0", &all).unwrap();
        assert!(
            newer.contains("wasi:cli/command") && newer.contains("0.3.0"),
            "{newer}"
        );
        let no_http = Grants {
            http_imports: false,
            inherit_env: false,
        };
        let left_out = unsupported_import("wasi:http/types@0.2.0", &no_http).unwrap();
        assert!(left_out.contains("wasi:http/proxy") && left_out.contains("-S http=n"));
        let server = unsupported_import("wasi:http/incoming-handler@0.2.0", &all).unwrap();
        assert!(server.contains("serve"), "{server}");
        let proposal = unsupported_import("wasi:keyvalue/store@0.2.0-draft", &all).unwrap();
        assert!(proposal.contains("`wasi:keyvalue`"), "{proposal}");
        let custom = unsupported_import("my:pkg/iface", &all).unwrap();
        assert!(custom.contains("wac plug"), "{custom}");
    }

    #[test]
    fn wasi_options_are_honoured_or_refused() {
        let options = |texts: &[&str]| -> anyhow::Result<Grants> {
            let parsed: Result<Vec<_>, _> = texts.iter().map(|t| parse_wasi_option(t)).collect();
            Grants::from_options(&parsed.map_err(anyhow::Error::msg)?)
        };
        assert_eq!(
            options(&[]).unwrap(),
            Grants {
                http_imports: true,
                inherit_env: false
            }
        );
        assert_eq!(
            options(&["http=n", "tcp=n", "inherit-network=no", "inherit-env"]).unwrap(),
            Grants {
                http_imports: false,
                inherit_env: true
            }
        );
        let network = options(&["inherit-network"]).unwrap_err().to_string();
        assert!(
            network.contains("network access") && network.contains("Drop"),
            "{network}"
        );
        assert!(
            options(&["http"])
                .unwrap_err()
                .to_string()
                .contains("HTTP-request-denied")
        );
        assert!(
            parse_wasi_option("threads")
                .unwrap_err()
                .contains("unknown WASI option")
        );
        assert!(parse_wasi_option("tcp=maybe").is_err());
    }
}
