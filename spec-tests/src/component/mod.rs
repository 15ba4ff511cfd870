//! The component half of a script: `(component ...)` definitions and
//! instances, calls of their exports with component values, and the
//! `assert_*` directives about components.
//!
//! The *kind* of a failing component directive (rejected at compile time,
//! unlinkable, trap) is checked. Messages are compared only for Canonical
//! ABI traps, which the runtime words as the suites do; the other messages
//! are wasmtime's or wasmparser's own wording, which upstream runners also
//! ignore for these suites (component-model `test/README.md`).

mod host;
mod values;

use std::collections::{BTreeMap, HashMap};

use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{Component, Error, Instance, Linker};
use myrt_interp::{Engine, Store};
use wast::{QuoteWat, WastInvoke, WastRet, Wat};

use self::values::{arg_to_val, check_result};
use crate::expectations::message_matches;

/// What a `(component ...)` directive means for a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ComponentMode {
    /// Components are instantiated and their exports can be called.
    #[default]
    Execute,
    /// A component only has to decode and validate (wasm-tools' `wast`
    /// command): its imports name items no host provides. A component that
    /// a script later calls into is instantiated at that call.
    ValidateOnly,
}

/// A component the script can call into: instantiated, or (in
/// [`ComponentMode::ValidateOnly`]) waiting for the first call to be.
enum Target {
    Instantiated(Instance),
    Pending(Component),
}

/// The components, definitions and instances a script has declared so far.
pub(crate) struct Components {
    mode: ComponentMode,
    engine: Engine,
    /// `None` in [`ComponentMode::ValidateOnly`], where nothing is linked.
    host: Option<host::HostItems>,
    /// Instances importable by name: named top-level instances and
    /// `register`ed ones. A later instance of the same name replaces the
    /// earlier one for components instantiated after it, as in wasmtime.
    registered: BTreeMap<String, Instance>,
    named_definitions: HashMap<String, Component>,
    last_definition: Option<Component>,
    named_instances: HashMap<String, usize>,
    /// Every instance in order; names refer into it.
    instances: Vec<Target>,
    /// The most recent instance, the target of actions without a name.
    current: Option<usize>,
}

impl Components {
    pub(crate) fn new(engine: &Engine, mode: ComponentMode) -> Result<Self, String> {
        let host = match mode {
            ComponentMode::Execute => Some(
                host::HostItems::new(engine)
                    .map_err(|error| format!("cannot create the host items: {error}"))?,
            ),
            ComponentMode::ValidateOnly => None,
        };
        Ok(Components {
            mode,
            engine: engine.clone(),
            host,
            registered: BTreeMap::new(),
            named_definitions: HashMap::new(),
            last_definition: None,
            named_instances: HashMap::new(),
            instances: Vec::new(),
            current: None,
        })
    }

    pub(crate) fn has_definition(&self, name: &str) -> bool {
        self.named_definitions.contains_key(name)
    }

    pub(crate) fn has_instance(&self, name: &str) -> bool {
        self.named_instances.contains_key(name)
    }

    /// `(component $n ...)`: compiles and instantiates; a named instance is
    /// also made importable under its name, as wasmtime's runner does.
    pub(crate) fn instantiate_new(
        &mut self,
        engine: &Engine,
        store: &mut Store<()>,
        module: &mut QuoteWat<'_>,
    ) -> Result<(), String> {
        // A failed compilation leaves no current instance either.
        self.current = None;
        let name = module.name().map(|id| id.name().to_string());
        let component = compile(engine, module)?;
        self.add_instance(store, name, component)
    }

    /// `(component definition $n ...)`.
    pub(crate) fn define(
        &mut self,
        engine: &Engine,
        module: &mut QuoteWat<'_>,
    ) -> Result<(), String> {
        // Nothing refers to an older definition after a failed one.
        self.last_definition = None;
        let name = module.name().map(|id| id.name().to_string());
        if let Some(name) = &name {
            self.named_definitions.remove(name);
        }
        let component = compile(engine, module)?;
        if let Some(name) = name {
            self.named_definitions.insert(name, component.clone());
        }
        self.last_definition = Some(component);
        Ok(())
    }

    /// `(component instance $i $definition)`.
    pub(crate) fn instantiate_definition(
        &mut self,
        store: &mut Store<()>,
        instance: Option<&str>,
        definition: Option<&str>,
    ) -> Result<(), String> {
        let component = match definition {
            Some(name) => self.named_definitions.get(name).cloned(),
            None => self.last_definition.clone(),
        }
        .ok_or_else(|| format!("unknown component definition {definition:?}"))?;
        self.add_instance(store, instance.map(str::to_string), component)
    }

    fn add_instance(
        &mut self,
        store: &mut Store<()>,
        name: Option<String>,
        component: Component,
    ) -> Result<(), String> {
        // A failed instantiation leaves no current instance: later actions
        // without a name must not run against an older one.
        self.current = None;
        let target = match self.mode {
            ComponentMode::ValidateOnly => Target::Pending(component),
            ComponentMode::Execute => {
                let instance = self
                    .instantiate(store, &component)
                    .map_err(|error| format!("instantiation failed: {error}"))?;
                if let Some(name) = &name {
                    self.registered.insert(name.clone(), instance.clone());
                }
                Target::Instantiated(instance)
            }
        };
        let index = self.instances.len();
        self.instances.push(target);
        if let Some(name) = name {
            self.named_instances.insert(name, index);
        }
        self.current = Some(index);
        Ok(())
    }

    /// `(register "name" $instance)` of a component instance.
    pub(crate) fn register(
        &mut self,
        store: &mut Store<()>,
        as_name: &str,
        instance: Option<&str>,
    ) -> Result<(), String> {
        let instance = self.instantiated(store, instance)?;
        self.registered.insert(as_name.to_string(), instance);
        Ok(())
    }

    /// Instantiates `component` with the host items and registered instances.
    fn instantiate(&self, store: &mut Store<()>, component: &Component) -> Result<Instance, Error> {
        let mut linker = Linker::new(&self.engine);
        if let Some(host) = &self.host {
            host.define(&mut linker)?;
        }
        for (name, instance) in &self.registered {
            linker.define_instance(name, instance.clone())?;
        }
        linker.instantiate(store, component)
    }

    /// The instance an action targets, instantiating a pending one.
    fn instantiated(
        &mut self,
        store: &mut Store<()>,
        name: Option<&str>,
    ) -> Result<Instance, String> {
        let index = match name {
            Some(name) => self.named_instances.get(name).copied(),
            None => self.current,
        }
        .ok_or_else(|| format!("unknown component instance {name:?}"))?;
        if let Target::Pending(component) = &self.instances[index] {
            let instance = self
                .instantiate(store, component)
                .map_err(|error| format!("instantiation failed: {error}"))?;
            self.instances[index] = Target::Instantiated(instance);
        }
        match &self.instances[index] {
            Target::Instantiated(instance) => Ok(instance.clone()),
            Target::Pending(_) => Err("the component could not be instantiated".to_string()),
        }
    }

    /// Calls an export. The outer error is a setup problem (unknown export,
    /// bad argument); the inner one what the call itself returned.
    pub(crate) fn invoke(
        &mut self,
        store: &mut Store<()>,
        invoke: &WastInvoke<'_>,
    ) -> Result<Result<Vec<Val>, Error>, String> {
        let instance = self.instantiated(store, invoke.module.map(|id| id.name()))?;
        let func = instance
            .get_func(&mut *store, invoke.name)
            .ok_or_else(|| format!("no exported function `{}`", invoke.name))?;
        let args = invoke
            .args
            .iter()
            .map(arg_to_val)
            .collect::<Result<Vec<Val>, String>>()?;
        let ty = func.ty(&*store);
        // Placeholders the call overwrites.
        let mut results: Vec<Val> = ty.result.iter().map(|_| Val::Bool(false)).collect();
        Ok(func
            .call(&mut *store, &args, &mut results)
            .map(|()| results))
    }

    /// `assert_return` on a component export.
    pub(crate) fn assert_return(
        &mut self,
        store: &mut Store<()>,
        invoke: &WastInvoke<'_>,
        expected: &[WastRet<'_>],
    ) -> Result<(), String> {
        let actual = self
            .invoke(store, invoke)?
            .map_err(|error| format!("the call failed: {error}"))?;
        if actual.len() != expected.len() {
            return Err(format!(
                "expected {} results, got {}: {actual:?}",
                expected.len(),
                actual.len()
            ));
        }
        for (index, (actual, expected)) in actual.iter().zip(expected).enumerate() {
            check_result(actual, expected)
                .map_err(|mismatch| format!("result {index}: {mismatch}"))?;
        }
        Ok(())
    }

    /// `assert_trap` on a component export.
    pub(crate) fn assert_trap(
        &mut self,
        store: &mut Store<()>,
        invoke: &WastInvoke<'_>,
        message: &str,
    ) -> Result<(), String> {
        match self.invoke(store, invoke)? {
            Ok(values) => Err(format!(
                "expected a trap \"{message}\", but it returned {values:?}"
            )),
            Err(error) => expect_kind(&error, FailureKind::Trap, message),
        }
    }

    /// `assert_trap`/`assert_unlinkable` on a component's instantiation.
    pub(crate) fn assert_instantiation_fails(
        &mut self,
        engine: &Engine,
        store: &mut Store<()>,
        module: Wat<'_>,
        kind: FailureKind,
        message: &str,
    ) -> Result<(), String> {
        let component = compile(engine, &mut QuoteWat::Wat(module))?;
        if self.mode == ComponentMode::ValidateOnly {
            return Ok(());
        }
        match self.instantiate(store, &component) {
            Ok(_) => Err(format!("expected \"{message}\", but it instantiated")),
            Err(error) => expect_kind(&error, kind, message),
        }
    }
}

/// `assert_invalid`/`assert_malformed` of a component: the text, quoted or
/// binary component must not become a [`Component`]. One the text parser
/// already rejects is malformed (or invalid) in the text format.
pub(crate) fn expect_rejected(
    engine: &Engine,
    module: &mut QuoteWat<'_>,
    message: &str,
) -> Result<(), String> {
    let Ok(bytes) = module.encode() else {
        return Ok(());
    };
    match Component::new(engine, &bytes) {
        Ok(_) => Err(format!("the component compiled, expected \"{message}\"")),
        Err(error) => expect_kind(&error, FailureKind::Rejected, message),
    }
}

/// Whether a script item is a component rather than a core module.
pub(crate) fn is_component(module: &QuoteWat<'_>) -> bool {
    matches!(
        module,
        QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..)
    )
}

fn compile(engine: &Engine, module: &mut QuoteWat<'_>) -> Result<Component, String> {
    let bytes = module
        .encode()
        .map_err(|error| format!("cannot encode the component: {error}"))?;
    Component::new(engine, &bytes).map_err(|error| format!("compilation failed: {error}"))
}

/// wasmtime's prefix of every trap message, which its scripts include.
const WASMTIME_TRAP_PREFIX: &str = "wasm trap: ";

/// A Canonical ABI trap must also say what the script expects (the
/// runtime words these traps as the suites do). Core traps keep their
/// core-spec wording, which differs from wasmtime's ("unreachable" for
/// "wasm `unreachable` instruction executed"), so only their kind counts.
fn expect_abi_trap_message(error: &Error, expected: &str) -> Result<(), String> {
    let Error::Abi(myrt_canonical_abi::Error::Trap(actual)) = error else {
        return Ok(());
    };
    let expected = expected
        .strip_prefix(WASMTIME_TRAP_PREFIX)
        .unwrap_or(expected);
    if message_matches(actual, expected) {
        Ok(())
    } else {
        Err(format!("expected a trap \"{expected}\", got \"{actual}\""))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureKind {
    /// Decoding or validation failed.
    Rejected,
    /// Linking failed.
    Unlinkable,
    /// Running code trapped (including a trap during instantiation).
    Trap,
}

fn expect_kind(error: &Error, expected: FailureKind, message: &str) -> Result<(), String> {
    let actual = match error {
        _ if error.is_trap() => Some(FailureKind::Trap),
        Error::Decode(_) | Error::Validation(_) | Error::Invalid(_) => Some(FailureKind::Rejected),
        Error::Link(_) => Some(FailureKind::Unlinkable),
        _ => None,
    };
    if actual == Some(expected) {
        expect_abi_trap_message(error, message)
    } else {
        Err(format!(
            "expected {expected:?} \"{message}\", got: {}",
            error.to_string().lines().next().unwrap_or_default()
        ))
    }
}
