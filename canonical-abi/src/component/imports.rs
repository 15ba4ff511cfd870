//! Resolving a component's imports: finding what the linker or the
//! instantiating parent supplies for each import, and checking it against
//! the import's type (Explainer.md "Import and export definitions"; type
//! checking is by kind and, for functions, by resolved type; abstract
//! resource types are bound to the supplied resources).

use std::collections::BTreeMap;
use std::sync::Arc;

use myrt_parser::component::{Alias, CoreTypeDef, ExternType, Sort, TypeBound, TypeDecl};

use super::error::{Error, entry, unsupported};
use super::func::Func;
use super::items::{Exports, Item};
use super::linker::Definition;
use super::module_types::{CoreTypes, check_module};
use super::types::{self, TypeItem};

/// Where a component's imports come from.
pub(crate) enum Imports<'a, T> {
    /// The root component: the linker's definitions.
    Linker(&'a BTreeMap<String, Definition<T>>),
    /// A nested component: its parent's `(with "name" ...)` arguments.
    Args(&'a BTreeMap<String, Item>),
}

/// What is supplied for one import, before it is checked against the
/// import's type.
pub(crate) enum Candidate<'a, T> {
    Def(&'a Definition<T>),
    Item(&'a Item),
}

// Not derived: a derive would require `T: Copy`.
impl<T> Clone for Candidate<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Candidate<'_, T> {}

impl<'a, T> Candidate<'a, T> {
    fn normalized(self) -> Self {
        match self {
            Candidate::Def(Definition::Item(item)) => Candidate::Item(item),
            other => other,
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Candidate::Def(def) => def.kind(),
            Candidate::Item(item) => item.kind(),
        }
    }

    fn member(self, name: &str) -> Option<Candidate<'a, T>> {
        match self.normalized() {
            Candidate::Def(Definition::Instance(defs)) => defs.get(name).map(Candidate::Def),
            Candidate::Item(Item::Instance(exports)) => exports.get(name).map(Candidate::Item),
            _ => None,
        }
    }
}

/// A linker definition for import `name`: the exact name, or else the same
/// interface at a semver-compatible version (`wasi:cli/run@0.2.3` is
/// satisfied by `wasi:cli/run@0.2.0`: for 0.x versions the minor version
/// must match, from 1.0 on the major), so hosts need not track patch
/// releases of the interfaces they implement.
pub(crate) fn lookup_versioned<'m, V>(
    definitions: &'m BTreeMap<String, V>,
    name: &str,
) -> Option<&'m V> {
    if let Some(exact) = definitions.get(name) {
        return Some(exact);
    }
    let (interface, version) = name.rsplit_once('@')?;
    let wanted = compatibility_key(version)?;
    definitions.iter().find_map(|(defined, value)| {
        let (other, other_version) = defined.rsplit_once('@')?;
        (other == interface && compatibility_key(other_version)? == wanted).then_some(value)
    })
}

/// The part of a semver version that compatible versions share.
fn compatibility_key(version: &str) -> Option<(u64, Option<u64>)> {
    let mut parts = version.split(['.', '-', '+']);
    let major: u64 = parts.next()?.parse().ok()?;
    let minor: u64 = parts.next()?.parse().ok()?;
    Some(if major == 0 {
        (0, Some(minor))
    } else {
        (major, None)
    })
}

pub(crate) fn describe(ty: &ExternType) -> &'static str {
    match ty {
        ExternType::Module(_) => "a core module",
        ExternType::Func(_) => "a func",
        ExternType::Value(_) => "a value",
        ExternType::Type(TypeBound::SubResource) => "a resource",
        ExternType::Type(_) => "a type",
        ExternType::Instance(_) => "an instance",
        ExternType::Component(_) => "a component",
    }
}

fn kind_error(path: &str, expected: &ExternType, found: &str) -> Error {
    Error::Link(format!(
        "import `{path}` has the wrong kind: expected {}, found {found}",
        describe(expected)
    ))
}

/// Checks what is supplied for import `path` against its type `ty`,
/// binding abstract resource types to the supplied ones. `scopes` are the
/// visible type index spaces, innermost (the one `ty` indexes) last;
/// `core_types` is the core type space `ty` indexes.
pub(crate) fn resolve_import<T: 'static>(
    path: &str,
    candidate: Candidate<'_, T>,
    ty: &ExternType,
    scopes: &[&[TypeItem]],
    core_types: &CoreTypes,
) -> Result<Item, Error> {
    let types: &[TypeItem] = scopes.last().copied().unwrap_or_default();
    let candidate = candidate.normalized();
    let mismatch = || kind_error(path, ty, candidate.kind());
    match ty {
        ExternType::Func(ti) => {
            let expected = types::func_type(types, *ti)?;
            match candidate {
                Candidate::Def(Definition::TypedFunc(make)) => {
                    let func = make(&expected).map_err(|mismatch| {
                        Error::Link(format!("import `{path}` has the wrong type: {mismatch}"))
                    })?;
                    Ok(Item::Func(Func::host(expected, func)))
                }
                Candidate::Def(Definition::Func(func)) => {
                    Ok(Item::Func(Func::host(expected, func.clone())))
                }
                Candidate::Item(Item::Func(func)) if func.inner.ty == expected => {
                    Ok(Item::Func(func.clone()))
                }
                Candidate::Item(Item::Func(func)) => Err(Error::Link(format!(
                    "import `{path}` has the wrong type: expected {expected:?}, found {:?}",
                    func.inner.ty
                ))),
                _ => Err(mismatch()),
            }
        }
        ExternType::Instance(ti) => match entry(types, *ti, "type")? {
            TypeItem::Instance(instance_type) => {
                if !matches!(
                    candidate,
                    Candidate::Def(Definition::Instance(_)) | Candidate::Item(Item::Instance(_))
                ) {
                    return Err(mismatch());
                }
                resolve_instance(path, candidate, &instance_type.decls, scopes)
            }
            _ => Err(Error::Invalid(format!("type {ti} is not an instance type"))),
        },
        ExternType::Type(TypeBound::SubResource) => match candidate {
            Candidate::Def(Definition::Resource(rt))
            | Candidate::Item(Item::Type(TypeItem::Resource(rt))) => {
                Ok(Item::Type(TypeItem::Resource(rt.clone())))
            }
            _ => Err(mismatch()),
        },
        ExternType::Type(TypeBound::Eq(i)) => {
            let expected = entry(types, *i, "type")?;
            if let (
                TypeItem::Resource(want),
                Candidate::Def(Definition::Resource(got))
                | Candidate::Item(Item::Type(TypeItem::Resource(got))),
            ) = (expected, candidate)
                && want != got
            {
                return Err(Error::Link(format!(
                    "import `{path}` is a different resource type than expected"
                )));
            }
            Ok(Item::Type(expected.clone()))
        }
        ExternType::Module(ti) => match candidate {
            Candidate::Def(Definition::Module(m)) | Candidate::Item(Item::Module(m)) => {
                check_module(path, m, *ti, core_types)?;
                Ok(Item::Module(m.clone()))
            }
            _ => Err(mismatch()),
        },
        ExternType::Component(_) => match candidate {
            Candidate::Item(Item::Component(c)) => Ok(Item::Component(c.clone())),
            _ => Err(mismatch()),
        },
        ExternType::Value(_) => Err(unsupported("value imports")),
    }
}

/// An import nothing supplies. Allowed when its type alone determines it:
/// a type equal to a known one (a record, or a resource aliased from
/// another interface: the host need not define it again), or an instance
/// whose every export is such an import (an empty instance included).
pub(crate) fn resolve_missing<T: 'static>(
    path: &str,
    ty: &ExternType,
    scopes: &[&[TypeItem]],
    core_types: &CoreTypes,
) -> Result<Item, Error> {
    let missing = || {
        Error::Link(format!(
            "missing import `{path}`: the component expects {}",
            describe(ty)
        ))
    };
    match ty {
        ExternType::Type(TypeBound::Eq(i)) => {
            let types: &[TypeItem] = scopes.last().copied().unwrap_or_default();
            Ok(Item::Type(entry(types, *i, "type")?.clone()))
        }
        ExternType::Instance(_) => {
            let nothing = Item::Instance(Arc::new(Exports::new()));
            resolve_import::<T>(path, Candidate::Item(&nothing), ty, scopes, core_types).map_err(
                |error| match error {
                    Error::Link(_) => missing(),
                    other => other,
                },
            )
        }
        _ => Err(missing()),
    }
}

/// An instance import: each export its type declares must be supplied.
fn resolve_instance<T: 'static>(
    path: &str,
    candidate: Candidate<'_, T>,
    decls: &[TypeDecl],
    scopes: &[&[TypeItem]],
) -> Result<Item, Error> {
    let mut local: Vec<TypeItem> = Vec::new();
    // Outer aliases of core types are not followed (`None`): module
    // imports typed by them are accepted unchecked.
    let mut local_core: Vec<Option<CoreTypeDef>> = Vec::new();
    let mut exports = Exports::new();
    for decl in decls {
        match decl {
            TypeDecl::CoreType(def) => local_core.push(Some(def.clone())),
            TypeDecl::Alias {
                sort: Sort::CoreType,
                ..
            } => local_core.push(None),
            TypeDecl::Type(def) => local.push(types::typedef(&local, def)?),
            TypeDecl::Alias {
                sort: Sort::Type,
                alias: Alias::Outer { count, index },
            } => {
                let scope = scopes
                    .len()
                    .checked_sub(*count as usize)
                    .and_then(|i| scopes.get(i))
                    .ok_or_else(|| {
                        Error::Invalid(format!("outer alias count {count} out of bounds"))
                    })?;
                local.push(entry(scope, *index, "type")?.clone())
            }
            TypeDecl::Alias { .. } => return Err(unsupported("this alias in an instance type")),
            TypeDecl::Import { .. } => {
                return Err(Error::Invalid("an instance type cannot import".into()));
            }
            TypeDecl::Export { name, ty } => {
                let name = &name.name;
                let member_path = format!("{path}#{name}");
                let chain: Vec<&[TypeItem]> =
                    scopes.iter().copied().chain([local.as_slice()]).collect();
                let item = match candidate.member(name) {
                    Some(member) => resolve_import(&member_path, member, ty, &chain, &local_core)?,
                    None => resolve_missing::<T>(&member_path, ty, &chain, &local_core).map_err(
                        |_| {
                            Error::Link(format!(
                                "import `{path}` has no export `{name}`: the component expects {}",
                                describe(ty)
                            ))
                        },
                    )?,
                };
                drop(chain);
                if let Item::Type(t) = &item {
                    local.push(t.clone());
                }
                exports.insert(name.clone(), item);
            }
        }
    }
    Ok(Item::Instance(Arc::new(exports)))
}
