//! Core modules, core instances and core aliases inside a component.

use std::collections::HashSet;
use std::sync::Arc;

use myrt_parser::component as p;
use myrt_parser::{ExternKind, ImportKind, Module};

use super::Ctx;
use super::state::{CoreTypeDef, get};
use super::subtype::core_extern;
use super::types::*;
use crate::{ModuleValidator, ValidationError};

impl Ctx {
    /// Validates a nested core module with the core validator and returns its type.
    /// Errors point into the module: decode errors come rebased onto the
    /// outermost binary, validation errors are relative to the module's
    /// first byte.
    pub(super) fn nested_module(
        &self,
        component: &p::Component,
        module: &p::NestedModule,
    ) -> Result<Arc<ModuleType>, ValidationError> {
        let start = module.range.start;
        let decoded = component
            .decode_module(module)
            .map_err(|e| ValidationError::new(e.offset, e.message))?;
        ModuleValidator::validate_all(&decoded)
            .map_err(|e| ValidationError::new(e.offset.saturating_add(start), e.message))?;
        module_type(&decoded)
            .map(Arc::new)
            .map_err(|message| ValidationError::new(start, message))
    }

    pub(super) fn core_instance(
        &self,
        def: &p::CoreInstanceDef,
    ) -> Result<CoreInstanceType, String> {
        let scope = self.scope();
        match def {
            p::CoreInstanceDef::Instantiate { module, args } => {
                let module = get(&scope.core_modules, *module, "module")?;
                let mut seen = HashSet::new();
                for arg in args {
                    if !seen.insert(arg.name.as_str()) {
                        return Err(format!(
                            "duplicate module instantiation argument named `{}`",
                            arg.name
                        ));
                    }
                    get(&scope.core_instances, arg.instance, "core instance")?;
                }
                for ((module_name, name), expected) in &module.imports {
                    let arg = args
                        .iter()
                        .find(|a| a.name == *module_name)
                        .ok_or_else(|| {
                            format!("missing module instantiation argument named `{module_name}`")
                        })?;
                    let instance = get(&scope.core_instances, arg.instance, "core instance")?;
                    let actual = lookup(&instance.exports, name)
                        .ok_or_else(|| format!("module instantiation argument `{module_name}` does not export an item named `{name}`"))?;
                    core_extern(actual, expected).map_err(|e| format!("type mismatch for export `{name}` of module instantiation argument `{module_name}`: {e}"))?;
                }
                Ok(CoreInstanceType {
                    exports: module.exports.clone(),
                })
            }
            p::CoreInstanceDef::FromExports(exports) => {
                let mut seen = HashSet::new();
                let mut result = CoreInstanceType::default();
                for export in exports {
                    if !seen.insert(export.name.as_str()) {
                        return Err(format!("export name `{}` already defined", export.name));
                    }
                    result.exports.push((
                        export.name.clone(),
                        self.core_item(export.sort, export.index)?,
                    ));
                }
                Ok(result)
            }
        }
    }

    fn core_item(&self, sort: p::Sort, index: u32) -> Result<CoreExtern, String> {
        let s = self.scope();
        Ok(match sort {
            p::Sort::CoreFunc => CoreExtern::Func(get(&s.core_funcs, index, "function")?.clone()),
            p::Sort::CoreTable => CoreExtern::Table(*get(&s.core_tables, index, "table")?),
            p::Sort::CoreMemory => CoreExtern::Memory(*get(&s.core_memories, index, "memory")?),
            p::Sort::CoreGlobal => CoreExtern::Global(*get(&s.core_globals, index, "global")?),
            p::Sort::CoreTag => CoreExtern::Tag(get(&s.core_tags, index, "tag")?.clone()),
            other => {
                return Err(format!(
                    "a {} cannot be exported from a core instance",
                    other.name()
                ));
            }
        })
    }

    /// `(alias core export $i "name" (sort))`.
    pub(super) fn core_alias(
        &mut self,
        sort: p::Sort,
        alias: &p::CoreExportAlias,
    ) -> Result<(), String> {
        let instance = get(
            &self.scope().core_instances,
            alias.instance,
            "core instance",
        )?;
        let item = lookup(&instance.exports, &alias.name)
            .ok_or_else(|| {
                format!(
                    "core instance {} has no export named `{}`",
                    alias.instance, alias.name
                )
            })?
            .clone();
        let s = self.scope_mut();
        match (sort, item) {
            (p::Sort::CoreFunc, CoreExtern::Func(f)) => s.core_funcs.push(f),
            (p::Sort::CoreTable, CoreExtern::Table(t)) => s.core_tables.push(t),
            (p::Sort::CoreMemory, CoreExtern::Memory(m)) => s.core_memories.push(m),
            (p::Sort::CoreGlobal, CoreExtern::Global(g)) => s.core_globals.push(g),
            (p::Sort::CoreTag, CoreExtern::Tag(t)) => s.core_tags.push(t),
            (sort, item) => {
                return Err(format!(
                    "export `{}` for core instance {} is not a {}, found a {}",
                    alias.name,
                    alias.instance,
                    sort.name(),
                    item.kind()
                ));
            }
        }
        Ok(())
    }

    pub(super) fn core_type_entry(&self, entry: &p::CoreTypeEntry) -> Result<CoreTypeDef, String> {
        match entry {
            p::CoreTypeEntry::Defined(def) => self.core_type_def(def),
            p::CoreTypeEntry::Outer { count, index } => {
                Ok(get(&self.outer(*count)?.core_types, *index, "core type")?.clone())
            }
        }
    }
}

/// The imports and exports of a validated core module.
fn module_type(module: &Module) -> Result<ModuleType, String> {
    let func = |index: u32| {
        module
            .func_type(index)
            .cloned()
            .ok_or_else(|| format!("unknown function {index}"))
    };
    let mut ty = ModuleType::default();
    let mut seen = HashSet::new();
    for import in &module.imports {
        // Components name core imports by the pair: a duplicate is ambiguous.
        if !seen.insert((import.module.as_str(), import.name.as_str())) {
            return Err(format!(
                "duplicate import name `{}:{}`",
                import.module, import.name
            ));
        }
        let extern_type = match &import.kind {
            ImportKind::Func(t) => CoreExtern::Func(get(&module.types, *t, "type")?.clone()),
            ImportKind::Table(t) => CoreExtern::Table(*t),
            ImportKind::Memory(m) => CoreExtern::Memory(*m),
            ImportKind::Global(g) => CoreExtern::Global(*g),
        };
        ty.imports
            .push(((import.module.clone(), import.name.clone()), extern_type));
    }
    for export in &module.exports {
        let extern_type = match export.kind {
            ExternKind::Func => CoreExtern::Func(func(export.index)?),
            ExternKind::Table => CoreExtern::Table(*get(&module.tables, export.index, "table")?),
            ExternKind::Memory => {
                CoreExtern::Memory(*get(&module.memories, export.index, "memory")?)
            }
            ExternKind::Global => {
                CoreExtern::Global(*get(&module.globals, export.index, "global")?)
            }
        };
        ty.exports.push((export.name.clone(), extern_type));
    }
    Ok(ty)
}
