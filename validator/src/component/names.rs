//! Import and export names (Explainer.md "Import and Export Definitions"):
//! kebab-case labels, `ns:pkg/iface@version` interface names, the
//! `[constructor]`/`[method]`/`[static]` annotations, and strong uniqueness.

use std::collections::HashSet;

/// What an extern name says, once parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedName<'a> {
    Label(&'a str),
    Interface(&'a str),
    Constructor(&'a str),
    Method {
        resource: &'a str,
        name: &'a str,
    },
    Static {
        resource: &'a str,
        name: &'a str,
    },
    /// An import-only dependency, URL or integrity name (`locked-dep=<a:b@1.0.0>`).
    Dependency(&'a str),
}

impl ParsedName<'_> {
    /// The key two names must not share (case-insensitively): annotated
    /// methods and statics are compared by their post-`.` label, so that
    /// `[method]a.a` conflicts with `a` while `[constructor]a` does not.
    fn unique_key(&self) -> String {
        match self {
            ParsedName::Label(l) | ParsedName::Interface(l) => l.to_ascii_lowercase(),
            // Hashes and URLs are case-sensitive.
            ParsedName::Dependency(d) => d.to_string(),
            ParsedName::Constructor(r) => format!("[constructor]{}", r.to_ascii_lowercase()),
            // Keyed by `resource.name` so that methods of different resources
            // may share a label (every WASI instance type has both
            // `[method]input-stream.subscribe` and `[method]output-stream.subscribe`);
            // `[method]a.a` still conflicts with the plain `a`.
            ParsedName::Method { resource, name } | ParsedName::Static { resource, name } => {
                if resource.eq_ignore_ascii_case(name) {
                    name.to_ascii_lowercase()
                } else {
                    format!("{resource}.{name}").to_ascii_lowercase()
                }
            }
        }
    }
}

/// Whether `s` is a kebab-case label: `-`-separated words, each all
/// lowercase or all uppercase (digits allowed), the first starting with a letter.
pub fn is_kebab(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.split('-').all(|word| {
            let lower = word
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            let upper = word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            !word.is_empty() && (lower || upper)
        })
}

pub fn check_kebab(s: &str, what: &str) -> Result<(), String> {
    if is_kebab(s) {
        Ok(())
    } else {
        Err(format!("{what} `{s}` is not in kebab case"))
    }
}

/// Parses an import or export name.
pub fn parse_extern_name(name: &str) -> Result<ParsedName<'_>, String> {
    let kebab = |s: &str| {
        if is_kebab(s) {
            Ok(())
        } else {
            Err(format!("`{s}` is not in kebab case"))
        }
    };
    if let Some(rest) = name.strip_prefix("[constructor]") {
        kebab(rest)?;
        return Ok(ParsedName::Constructor(rest));
    }
    for (prefix, is_method) in [("[method]", true), ("[static]", false)] {
        if let Some(rest) = name.strip_prefix(prefix) {
            let (resource, label) = rest
                .split_once('.')
                .ok_or_else(|| format!("failed to find `.` character in `{rest}`"))?;
            kebab(resource)?;
            kebab(label)?;
            return Ok(if is_method {
                ParsedName::Method {
                    resource,
                    name: label,
                }
            } else {
                ParsedName::Static {
                    resource,
                    name: label,
                }
            });
        }
    }
    if name.starts_with('[') {
        return Err(format!(
            "`{name}` is not a supported annotated name (async annotations are not supported)"
        ));
    }
    if name.contains(':') {
        check_interface_name(name)?;
        return Ok(ParsedName::Interface(name));
    }
    kebab(name)?;
    Ok(ParsedName::Label(name))
}

/// `ns:pkg/iface(@semver)?`; namespace and package words are lowercase.
fn check_interface_name(name: &str) -> Result<(), String> {
    let invalid = || format!("`{name}` is not a valid extern name");
    let (path, version) = match name.split_once('@') {
        Some((path, version)) => (path, Some(version)),
        None => (name, None),
    };
    let (namespace, rest) = path.split_once(':').ok_or_else(invalid)?;
    let (package, iface) = rest
        .split_once('/')
        .ok_or_else(|| "expected `/` after package name".to_string())?;
    let lowercase_kebab = |s: &str| is_kebab(s) && !s.chars().any(|c| c.is_ascii_uppercase());
    if !lowercase_kebab(namespace) || !lowercase_kebab(package) {
        return Err(invalid());
    }
    if iface.contains('/') {
        return Err(format!(
            "trailing characters found: `{}`",
            &iface[iface.find('/').unwrap_or(0)..]
        ));
    }
    if !is_kebab(iface) {
        return Err(format!("`{iface}` is not in kebab case"));
    }
    if let Some(version) = version {
        check_semver(version)?;
    }
    Ok(())
}

/// The import-only forms of Explainer.md `importname`: `unlocked-dep=<..>`,
/// `locked-dep=<..>`, `url=<..>` and `integrity=<..>`. `None` if `name` has
/// none of these forms.
fn check_dependency_name(name: &str) -> Option<Result<(), String>> {
    let check = if let Some(rest) = name.strip_prefix("unlocked-dep=") {
        bracketed(rest).and_then(|(query, tail)| {
            no_trailing(tail)?;
            let (path, range) = match query.split_once('@') {
                Some((path, range)) => (path, Some(range)),
                None => (query, None),
            };
            check_package_path(path)?;
            range.map_or(Ok(()), check_version_range)
        })
    } else if let Some(rest) = name.strip_prefix("locked-dep=") {
        bracketed(rest).and_then(|(package, tail)| {
            match package.split_once('@') {
                Some((path, version)) => {
                    check_package_path(path).and_then(|()| check_semver(version))?
                }
                None => check_package_path(package)?,
            }
            optional_integrity(tail)
        })
    } else if let Some(rest) = name.strip_prefix("url=") {
        bracketed(rest).and_then(|(url, tail)| {
            if url.contains('<') {
                return Err("url cannot contain `<`".into());
            }
            optional_integrity(tail)
        })
    } else if let Some(rest) = name.strip_prefix("integrity=") {
        integrity(rest)
    } else {
        return None;
    };
    Some(check)
}

/// `<...>`: the contents and what follows. A `>` inside a `{...}` version
/// range (`{>=1.2.3}`) does not close the brackets.
fn bracketed(s: &str) -> Result<(&str, &str), String> {
    let inner = s
        .strip_prefix('<')
        .ok_or_else(|| format!("expected `<` at `{s}`"))?;
    let mut in_range = false;
    let end = inner
        .char_indices()
        .find(|&(_, c)| {
            match c {
                '{' => in_range = true,
                '}' => in_range = false,
                _ => {}
            }
            c == '>' && !in_range
        })
        .map(|(i, _)| i)
        .ok_or_else(|| format!("failed to find `>` in `{s}`"))?;
    Ok((&inner[..end], &inner[end + 1..]))
}

fn no_trailing(tail: &str) -> Result<(), String> {
    if tail.is_empty() {
        Ok(())
    } else {
        Err(format!("trailing characters found: `{tail}`"))
    }
}

fn optional_integrity(tail: &str) -> Result<(), String> {
    if tail.is_empty() {
        return Ok(());
    }
    let rest = tail
        .strip_prefix(",integrity=")
        .ok_or_else(|| format!("expected `integrity=<` at `{tail}`"))?;
    integrity(rest)
}

/// `<sha256-BASE64 ...>`: subresource-integrity metadata.
fn integrity(s: &str) -> Result<(), String> {
    let (metadata, tail) = bracketed(s)?;
    no_trailing(tail)?;
    let mut hashes = metadata.split_ascii_whitespace().peekable();
    if hashes.peek().is_none() {
        return Err("integrity hash cannot be empty".into());
    }
    for hash in hashes {
        let hash = hash.split_once('?').map_or(hash, |(h, _options)| h);
        let (algorithm, digest) = hash
            .split_once('-')
            .ok_or("expected `-` after hash algorithm")?;
        if !matches!(algorithm, "sha256" | "sha384" | "sha512") {
            return Err(format!("unrecognized hash algorithm `{algorithm}`"));
        }
        let data = digest.trim_end_matches('=');
        let padding = digest.len() - data.len();
        let valid = !data.is_empty()
            && padding <= 2
            && data
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/');
        if !valid {
            return Err(format!("`{digest}` is not valid base64"));
        }
    }
    Ok(())
}

/// `ns:pkg`, both lowercase kebab-case.
fn check_package_path(path: &str) -> Result<(), String> {
    let lowercase_kebab = |s: &str| is_kebab(s) && !s.chars().any(|c| c.is_ascii_uppercase());
    match path.split_once(':') {
        Some((ns, pkg)) if lowercase_kebab(ns) && lowercase_kebab(pkg) => Ok(()),
        _ => Err(format!("`{path}` is not a valid package name")),
    }
}

/// `*`, `{>=V}`, `{<V}` or `{>=V <V}`.
fn check_version_range(range: &str) -> Result<(), String> {
    if range == "*" {
        return Ok(());
    }
    let inner = range
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .ok_or_else(|| format!("`{range}` is not a valid version range"))?;
    let (lower, upper) = match inner.split_once(' ') {
        Some((lower, upper)) => (Some(lower), Some(upper)),
        None if inner.starts_with(">=") => (Some(inner), None),
        None => (None, Some(inner)),
    };
    if let Some(lower) = lower {
        check_semver(
            lower
                .strip_prefix(">=")
                .ok_or_else(|| format!("`{inner}` is not a valid semver"))?,
        )?;
    }
    if let Some(upper) = upper {
        check_semver(
            upper
                .strip_prefix('<')
                .ok_or_else(|| format!("`{inner}` is not a valid semver"))?,
        )?;
    }
    Ok(())
}

/// Semantic versioning 2.0: `major.minor.patch(-pre)?(+build)?`.
fn check_semver(version: &str) -> Result<(), String> {
    if version.is_empty() {
        return Err("empty string".into());
    }
    let (rest, build) = match version.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (version, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    if numbers.len() != 3 {
        return Err(format!("`{version}`: unexpected end of input"));
    }
    for n in numbers {
        let valid = !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
            && (n == "0" || !n.starts_with('0'));
        if !valid {
            return Err(format!("`{version}`: unexpected character in `{n}`"));
        }
    }
    for ids in [pre, build].into_iter().flatten() {
        for id in ids.split('.') {
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(format!("`{version}`: empty identifier segment"));
            }
        }
    }
    Ok(())
}

/// The names of one namespace (a component's imports, or its exports),
/// checked for strong uniqueness as they are added.
#[derive(Debug, Default, Clone)]
pub struct NameSet {
    keys: HashSet<String>,
    first: Vec<(String, String)>,
}

impl NameSet {
    /// Parses `name` and records it; `what` is "import" or "export".
    pub fn add<'a>(&mut self, name: &'a str, what: &str) -> Result<ParsedName<'a>, String> {
        let parsed = match (what, check_dependency_name(name)) {
            ("import", Some(result)) => result.map(|()| ParsedName::Dependency(name))?,
            _ => parse_extern_name(name)?,
        };
        let key = parsed.unique_key();
        if !self.keys.insert(key.clone()) {
            let previous = self
                .first
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(name, |(_, n)| n.as_str());
            return Err(format!(
                "{what} name `{name}` conflicts with previous name `{previous}`"
            ));
        }
        self.first.push((key, name.to_owned()));
        Ok(parsed)
    }
}
