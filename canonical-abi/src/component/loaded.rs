//! A loaded component: decoded (and validated) once, instantiated many
//! times. Nested core modules are compiled on first instantiation and
//! cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use myrt_interp::{Engine, Module};
use myrt_parser::component as ir;

use super::error::Error;
use super::types::TypeItem;
use crate::types::FuncType;

/// A compiled component (cheap to clone).
#[derive(Clone)]
pub struct Component(Arc<Inner>);

struct Inner {
    engine: Engine,
    ir: Arc<ir::Component>,
    /// Compiled nested modules, by their offset in the binary (unique across
    /// all nesting levels, which share one byte buffer).
    modules: Mutex<HashMap<usize, Module>>,
    /// Nested components, shared by every instantiation.
    nested: Mutex<HashMap<usize, Arc<ir::Component>>>,
}

/// A component (possibly nested) and the loaded component it belongs to.
#[derive(Clone)]
pub(crate) struct ComponentRef {
    pub root: Component,
    pub ir: Arc<ir::Component>,
    /// What its outer aliases see: the index spaces of the enclosing
    /// component instances where it was defined, innermost last. Captured
    /// at definition, so a nested component exported and instantiated
    /// elsewhere still sees its own parent's definitions.
    pub outer: Arc<[Arc<OuterScope>]>,
}

/// The index spaces an outer alias can name (Explainer.md: outer aliases
/// are limited to types, modules and components).
pub(crate) struct OuterScope {
    pub types: Vec<TypeItem>,
    pub modules: Vec<Module>,
    pub components: Vec<ComponentRef>,
}

/// What an import or export is, for listing and error messages.
#[derive(Debug, Clone, PartialEq)]
pub enum ComponentItem {
    Func(FuncType),
    Instance(Vec<(String, ComponentItem)>),
    Module,
    Component,
    Type,
    Resource,
    Value,
}

/// A valid component may still import or export a component at its root,
/// which no embedding can use: the [`Linker`](super::Linker) has no way to
/// define a component, and the host cannot instantiate an exported one.
/// Rejected on load, with wasmtime's wording, rather than at link time; so is
/// a root export of a host function (see [`super::reexports`]), as wasmtime
/// does.
fn check_root_restrictions(
    ir: &ir::Component,
    validated: &myrt_validator::component::ValidatedComponent,
) -> Result<(), Error> {
    use myrt_validator::component::types::ExternType;
    let first_component = |items: &[(String, ExternType)]| {
        items
            .iter()
            .find(|(_, ty)| matches!(ty, ExternType::Component(_)))
            .map(|(name, _)| name.clone())
    };
    if let Some(name) = first_component(validated.imports()) {
        return Err(Error::Invalid(format!(
            "root-level component imports are not supported (import `{name}`): a host cannot provide a component"
        )));
    }
    if let Some(name) = first_component(validated.exports()) {
        return Err(Error::Invalid(format!(
            "exporting a component from the root component is not supported (export `{name}`): a host cannot instantiate it"
        )));
    }
    if let Some(name) = super::reexports::first_reexported_import(ir, validated) {
        return Err(Error::Invalid(format!(
            "component export `{name}` is a reexport of an imported function which is not implemented: \
             the host already has that function, call it directly"
        )));
    }
    Ok(())
}

impl Component {
    /// Decodes and validates a component binary.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Component, Error> {
        let ir = myrt_parser::component::decode_component(bytes.to_vec())?;
        let validated = myrt_validator::component::validate_component(&ir)?;
        check_root_restrictions(&ir, &validated)?;
        Ok(Component(Arc::new(Inner {
            engine: engine.clone(),
            ir: Arc::new(ir),
            modules: Mutex::default(),
            nested: Mutex::default(),
        })))
    }

    pub fn engine(&self) -> &Engine {
        &self.0.engine
    }

    pub(crate) fn root_ref(&self) -> ComponentRef {
        ComponentRef {
            root: self.clone(),
            ir: Arc::clone(&self.0.ir),
            outer: Arc::new([]),
        }
    }

    /// The compiled form of a module nested in `ir` (a part of this component).
    pub(crate) fn module(
        &self,
        ir: &ir::Component,
        nested: &ir::NestedModule,
    ) -> Result<Module, Error> {
        let mut modules = self.0.modules.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(module) = modules.get(&nested.range.start) {
            return Ok(module.clone());
        }
        // `Component::new` validated every nested module, bodies included.
        let module = Module::new_prevalidated(&self.0.engine, ir.module_bytes(nested))?;
        modules.insert(nested.range.start, module.clone());
        Ok(module)
    }

    /// A component nested in `ir`, shared rather than copied per
    /// instantiation; `outer` is the scope chain its outer aliases see.
    pub(crate) fn nested(
        &self,
        nested: &ir::Component,
        outer: Arc<[Arc<OuterScope>]>,
    ) -> ComponentRef {
        let mut cache = self.0.nested.lock().unwrap_or_else(|p| p.into_inner());
        let ir = cache
            .entry(nested.range.start)
            .or_insert_with(|| Arc::new(nested.clone()));
        ComponentRef {
            root: self.clone(),
            ir: Arc::clone(ir),
            outer,
        }
    }

    /// The component's imports, in order.
    pub fn imports(&self) -> Vec<(String, ComponentItem)> {
        self.0
            .ir
            .imports
            .iter()
            .map(|import| {
                (
                    import.name.name.clone(),
                    super::listing::extern_item(&self.0.ir, &import.ty),
                )
            })
            .collect()
    }

    /// The component's exports, in order.
    pub fn exports(&self) -> Vec<(String, ComponentItem)> {
        self.0
            .ir
            .exports
            .iter()
            .map(|export| {
                (
                    export.name.name.clone(),
                    super::listing::export_item(&self.0.ir, export),
                )
            })
            .collect()
    }
}
