//! Checking a core module supplied for a `(core module (type ...))` import
//! against that module type (Explainer.md "Type checking": a module matches
//! a module type when it has at least the type's exports, each a subtype of
//! the declared one, and needs at most the type's imports, each declared
//! with a subtype of what the module needs).

use myrt_interp::{ExternType, GlobalType, MemoryType, Module, TableType};
use myrt_parser::FuncType;
use myrt_parser::component::{CoreExternType, CoreTypeDef, ModuleType, ModuleTypeDecl};

use super::error::{Error, unsupported};

/// A core type index space as far as import checking needs it: `None`
/// marks a core type this runtime does not track (an outer alias), whose
/// module imports are then accepted unchecked.
pub(crate) type CoreTypes = [Option<CoreTypeDef>];

/// Checks `module`, supplied for import `path`, against module type
/// `index` of `core_types` (the space the import's type indexes).
pub(crate) fn check_module(
    path: &str,
    module: &Module,
    index: u32,
    core_types: &CoreTypes,
) -> Result<(), Error> {
    match core_types.get(index as usize) {
        Some(Some(CoreTypeDef::Module(ty))) => check_module_type(path, module, ty, core_types),
        Some(Some(CoreTypeDef::Func(_))) => Err(Error::Invalid(format!(
            "core type {index} is not a module type"
        ))),
        Some(None) => Ok(()),
        None => Err(Error::Invalid(format!(
            "core type index {index} out of bounds"
        ))),
    }
}

fn check_module_type(
    path: &str,
    module: &Module,
    ty: &ModuleType,
    enclosing: &CoreTypes,
) -> Result<(), Error> {
    // The module type's own core type space: its `(type ...)`s and outer
    // aliases, which are all function types.
    let mut funcs: Vec<Option<FuncType>> = Vec::new();
    let mut declared_imports = Vec::new();
    for decl in &ty.decls {
        match decl {
            ModuleTypeDecl::Type(func) => funcs.push(Some(func.clone())),
            ModuleTypeDecl::OuterType { count: 1, index } => {
                funcs.push(match enclosing.get(*index as usize) {
                    Some(Some(CoreTypeDef::Func(func))) => Some(func.clone()),
                    _ => None,
                })
            }
            ModuleTypeDecl::OuterType { .. } => funcs.push(None),
            ModuleTypeDecl::Import { module, name, ty } => {
                declared_imports.push((module.as_str(), name.as_str(), *ty))
            }
            ModuleTypeDecl::Export { name, ty } => {
                let actual = module.exports().find(|e| e.name() == name).map(|e| e.ty());
                let Some(actual) = actual else {
                    return Err(Error::Link(format!(
                        "import `{path}`: module export `{name}` not defined"
                    )));
                };
                if let Some(expected) = extern_type(&funcs, ty)? {
                    check_subtype(&actual, &expected).map_err(|found| {
                        Error::Link(format!(
                            "import `{path}`: module export `{name}` has the wrong type: {found}"
                        ))
                    })?;
                }
            }
        }
    }
    for import in module.imports() {
        let declared = declared_imports
            .iter()
            .find(|(m, n, _)| *m == import.module() && *n == import.name());
        let Some((_, _, declared)) = declared else {
            return Err(Error::Link(format!(
                "import `{path}`: module import `{}::{}` not defined",
                import.module(),
                import.name()
            )));
        };
        // Imports are contravariant: what the type promises to supply must
        // be a subtype of what the module needs.
        if let Some(declared) = extern_type(&funcs, declared)? {
            check_subtype(&declared, &import.ty()).map_err(|found| {
                Error::Link(format!(
                    "import `{path}`: module import `{}::{}` has the wrong type: {found}",
                    import.module(),
                    import.name()
                ))
            })?;
        }
    }
    Ok(())
}

/// A module type's extern type in the interpreter's terms; `None` when it
/// names a function type this runtime does not track.
fn extern_type(
    funcs: &[Option<FuncType>],
    ty: &CoreExternType,
) -> Result<Option<ExternType>, Error> {
    Ok(match *ty {
        CoreExternType::Func(index) => match funcs.get(index as usize) {
            Some(func) => func.clone().map(ExternType::Func),
            None => {
                return Err(Error::Invalid(format!(
                    "core type index {index} out of bounds"
                )));
            }
        },
        CoreExternType::Table(table) => Some(ExternType::Table(table)),
        CoreExternType::Memory(memory) => Some(ExternType::Memory(memory)),
        CoreExternType::Global(global) => Some(ExternType::Global(global)),
        CoreExternType::Tag(_) => return Err(unsupported("core tags")),
    })
}

/// Core extern subtyping (`actual <: expected`); the error says what was
/// expected and what was found.
fn check_subtype(actual: &ExternType, expected: &ExternType) -> Result<(), String> {
    let matches = match (actual, expected) {
        (ExternType::Func(a), ExternType::Func(e)) => a == e,
        (ExternType::Table(a), ExternType::Table(e)) => table_matches(a, e),
        (ExternType::Memory(a), ExternType::Memory(e)) => memory_matches(a, e),
        (ExternType::Global(a), ExternType::Global(e)) => global_matches(a, e),
        _ => false,
    };
    if matches {
        Ok(())
    } else {
        Err(format!("expected {expected}, found {actual}"))
    }
}

/// Limits subtyping: at least the minimum, at most the maximum.
fn limits_match(actual: (u64, Option<u64>), expected: (u64, Option<u64>)) -> bool {
    actual.0 >= expected.0
        && match (actual.1, expected.1) {
            (_, None) => true,
            (Some(a), Some(e)) => a <= e,
            (None, Some(_)) => false,
        }
}

fn table_matches(a: &TableType, e: &TableType) -> bool {
    a.element == e.element && a.table64 == e.table64 && limits_match((a.min, a.max), (e.min, e.max))
}

fn memory_matches(a: &MemoryType, e: &MemoryType) -> bool {
    a.memory64 == e.memory64
        && a.shared == e.shared
        && a.page_size_log2 == e.page_size_log2
        && limits_match((a.min, a.max), (e.min, e.max))
}

fn global_matches(a: &GlobalType, e: &GlobalType) -> bool {
    a == e
}
