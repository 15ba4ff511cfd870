//! Executes the directives of one script against a fresh store.

use std::collections::{HashMap, HashSet};
use std::panic::{self, AssertUnwindSafe};

use myrt_interp::{Config, Engine, Error, Extern, Instance, Linker, Module, Store, Val};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::Id;
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use crate::component::{self, ComponentMode, Components, FailureKind};
use crate::expectations::{check_rejected, check_runtime_error};
use crate::report::FileReport;
use crate::spectest::spectest_items;
use crate::values::{arg_to_val, check_result, describe_val};

/// Runs every directive of the script `text`, executing components.
/// `path_for_messages` only prefixes the failure lines. Never panics: a panic
/// inside the interpreter fails the directive that caused it.
pub fn run_wast(path_for_messages: &str, text: &str) -> FileReport {
    run_wast_with(
        path_for_messages,
        text,
        ComponentMode::Execute,
        &Config::default(),
    )
}

/// [`run_wast`] with a choice of what `(component ...)` directives mean and
/// of the engine's configuration (e.g. the proposals a script may use).
pub fn run_wast_with(
    path_for_messages: &str,
    text: &str,
    mode: ComponentMode,
    config: &Config,
) -> FileReport {
    let mut report = FileReport::default();
    let mut lexer = Lexer::new(text);
    // The suite's names and strings deliberately contain bidirectional-text characters.
    lexer.allow_confusing_unicode(true);
    let buffer = match ParseBuffer::new_with_lexer(lexer) {
        Ok(buffer) => buffer,
        Err(error) => return unparsable(report, path_for_messages, text, error),
    };
    let directives = match parser::parse::<Wast<'_>>(&buffer) {
        Ok(wast) => wast.directives,
        Err(error) => return unparsable(report, path_for_messages, text, error),
    };
    let mut runner = match Runner::new(mode, config) {
        Ok(runner) => runner,
        Err(error) => {
            report.fail(format!(
                "{path_for_messages}: cannot create the host items: {error}"
            ));
            return report;
        }
    };
    for directive in directives {
        let (line, _column) = directive.span().linecol_in(text);
        let name = directive_name(&directive);
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| runner.run(directive)));
        let failure = match outcome {
            Ok(Ok(())) => None,
            Ok(Err(message)) => Some(message),
            Err(payload) => Some(format!("panicked: {}", panic_message(payload.as_ref()))),
        };
        match failure {
            None => report.pass(),
            Some(message) => {
                report.fail(format!(
                    "{path_for_messages}:{}: {name}: {message}",
                    line + 1
                ));
            }
        }
    }
    report
}

fn unparsable(
    mut report: FileReport,
    path: &str,
    text: &str,
    mut error: wast::Error,
) -> FileReport {
    error.set_text(text);
    report.fail(format!("{path}: cannot parse the script: {error}"));
    report
}

/// Why an action of a directive did not produce values.
enum Failure {
    /// The script itself could not be carried out (unknown module or export,
    /// unsupported value, module that does not compile): never an expected outcome.
    Setup(String),
    /// The interpreter reported an error while linking or running.
    Runtime(Error),
}

impl Failure {
    fn describe(self) -> String {
        match self {
            Failure::Setup(message) => message,
            Failure::Runtime(error) => error.to_string(),
        }
    }
}

/// The state a script builds up: its store, the instances it named, and the
/// items later modules may import.
struct Runner {
    engine: Engine,
    store: Store<()>,
    /// Importable items by (module name, item name): `spectest` and every `register`ed instance.
    importable: HashMap<(String, String), Extern>,
    named_instances: HashMap<String, Instance>,
    /// The most recently instantiated module, the target of actions without a module name.
    current: Option<Instance>,
    named_definitions: HashMap<String, Module>,
    last_definition: Option<Module>,
    components: Components,
    /// Which layer the most recent instance belongs to: unnamed actions go there.
    current_layer: Layer,
    /// Which layer the most recent definition belongs to: `(module instance)`
    /// and `(component instance)` without a definition name use it.
    last_definition_layer: Layer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    Core,
    Component,
}

impl Runner {
    fn new(mode: ComponentMode, config: &Config) -> Result<Self, String> {
        let engine = Engine::new(config);
        let mut store = Store::new(&engine, ());
        let importable = spectest_items(&mut store)
            .map_err(|error| error.to_string())?
            .into_iter()
            .map(|(name, item)| (("spectest".to_string(), name.to_string()), item))
            .collect();
        let components = Components::new(&engine, mode)?;
        Ok(Runner {
            components,
            current_layer: Layer::Core,
            last_definition_layer: Layer::Core,
            engine,
            store,
            importable,
            named_instances: HashMap::new(),
            current: None,
            named_definitions: HashMap::new(),
            last_definition: None,
        })
    }

    fn run(&mut self, directive: WastDirective<'_>) -> Result<(), String> {
        if self.is_about_components(&directive) {
            return self.run_component(directive);
        }
        match directive {
            WastDirective::Module(mut module) => {
                let name = module.name();
                let compiled = self.compile(&mut module)?;
                let instance = self
                    .instantiate(&compiled)
                    .map_err(|error| format!("instantiation failed: {error}"))?;
                self.add_instance(name, instance);
                Ok(())
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name();
                let compiled = self.compile(&mut module)?;
                self.last_definition_layer = Layer::Core;
                if let Some(name) = name {
                    self.named_definitions
                        .insert(name.name().to_string(), compiled.clone());
                }
                self.last_definition = Some(compiled);
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let definition = match module {
                    Some(id) => self.named_definitions.get(id.name()).cloned(),
                    None => self.last_definition.clone(),
                }
                .ok_or_else(|| format!("unknown module definition {}", display_id(module)))?;
                let created = self
                    .instantiate(&definition)
                    .map_err(|error| format!("instantiation failed: {error}"))?;
                self.add_instance(instance, created);
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                let exports: Vec<(String, Extern)> = instance
                    .exports(&self.store)
                    .map(|(export_name, item)| (export_name.to_string(), item))
                    .collect();
                for (export_name, item) in exports {
                    self.importable
                        .insert((name.to_string(), export_name), item);
                }
                Ok(())
            }
            WastDirective::Invoke(invoke) => {
                self.invoke(&invoke).map(drop).map_err(Failure::describe)
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let actual = self.execute(exec).map_err(Failure::describe)?;
                self.check_results(&actual, &results)
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let outcome = self.execute(exec);
                self.expect_runtime_error(outcome, message)
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let outcome = self.invoke(&call);
                self.expect_runtime_error(outcome, message)
            }
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let mut module = QuoteWat::Wat(module);
                let compiled = self.compile(&mut module)?;
                let outcome = self
                    .instantiate(&compiled)
                    .map(|_| Vec::new())
                    .map_err(Failure::Runtime);
                self.expect_runtime_error(outcome, message)
            }
            WastDirective::AssertInvalid {
                module, message, ..
            }
            | WastDirective::AssertMalformed {
                module, message, ..
            } => self.expect_rejected(module, message),
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. }
            | WastDirective::AssertException { .. }
            | WastDirective::AssertSuspension { .. }
            | WastDirective::Thread(_)
            | WastDirective::Wait { .. } => {
                Err("this directive belongs to a proposal myrt does not support".to_string())
            }
        }
    }

    /// Carries out a directive that [`Runner::is_about_components`] accepted.
    fn run_component(&mut self, directive: WastDirective<'_>) -> Result<(), String> {
        let (engine, store, components) = (&self.engine, &mut self.store, &mut self.components);
        match directive {
            WastDirective::Module(mut module) => {
                self.current_layer = Layer::Component;
                components.instantiate_new(engine, store, &mut module)
            }
            WastDirective::ModuleDefinition(mut module) => {
                self.last_definition_layer = Layer::Component;
                components.define(engine, &mut module)
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                self.current_layer = Layer::Component;
                components.instantiate_definition(
                    store,
                    instance.map(|id| id.name()),
                    module.map(|id| id.name()),
                )
            }
            WastDirective::Register { name, module, .. } => {
                components.register(store, name, module.map(|id| id.name()))
            }
            WastDirective::Invoke(invoke) => match components.invoke(store, &invoke) {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(error)) => Err(format!("the call failed: {error}")),
                Err(setup) => Err(setup),
            },
            WastDirective::AssertReturn {
                exec: WastExecute::Invoke(invoke),
                results,
                ..
            } => components.assert_return(store, &invoke, &results),
            WastDirective::AssertTrap {
                exec: WastExecute::Invoke(invoke),
                message,
                ..
            } => components.assert_trap(store, &invoke, message),
            WastDirective::AssertTrap {
                exec: WastExecute::Wat(module),
                message,
                ..
            } => components.assert_instantiation_fails(
                engine,
                store,
                module,
                FailureKind::Trap,
                message,
            ),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => components.assert_instantiation_fails(
                engine,
                store,
                module,
                FailureKind::Unlinkable,
                message,
            ),
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            }
            | WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => component::expect_rejected(engine, &mut module, message),
            other => Err(format!(
                "{} is not a component directive",
                directive_name(&other)
            )),
        }
    }

    /// Whether a directive defines, instantiates, calls or asserts something
    /// about a component rather than a core module.
    fn is_about_components(&self, directive: &WastDirective<'_>) -> bool {
        match directive {
            WastDirective::Module(module)
            | WastDirective::ModuleDefinition(module)
            | WastDirective::AssertInvalid { module, .. }
            | WastDirective::AssertMalformed { module, .. } => component::is_component(module),
            WastDirective::ModuleInstance { module, .. } => self.is_component_definition(*module),
            WastDirective::Register { module, .. } => self.is_component_instance(*module),
            WastDirective::Invoke(invoke)
            | WastDirective::AssertReturn {
                exec: WastExecute::Invoke(invoke),
                ..
            }
            | WastDirective::AssertTrap {
                exec: WastExecute::Invoke(invoke),
                ..
            } => self.is_component_instance(invoke.module),
            WastDirective::AssertTrap {
                exec: WastExecute::Wat(module),
                ..
            }
            | WastDirective::AssertUnlinkable { module, .. } => {
                matches!(module, Wat::Component(_))
            }
            _ => false,
        }
    }

    /// A name that neither layer knows goes to the layer of the most recent
    /// instance, so that a component that failed to compile is reported as
    /// an unknown component rather than an unknown module.
    fn is_component_instance(&self, name: Option<Id<'_>>) -> bool {
        match name {
            Some(id) if self.components.has_instance(id.name()) => true,
            Some(id) if self.named_instances.contains_key(id.name()) => false,
            _ => self.current_layer == Layer::Component,
        }
    }

    fn is_component_definition(&self, name: Option<Id<'_>>) -> bool {
        match name {
            Some(id) if self.components.has_definition(id.name()) => true,
            Some(id) if self.named_definitions.contains_key(id.name()) => false,
            _ => self.last_definition_layer == Layer::Component,
        }
    }

    /// Encodes a text, quoted or binary module and compiles it.
    fn compile(&self, module: &mut QuoteWat<'_>) -> Result<Module, String> {
        if let QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..) = module {
            return Err("components are not supported".to_string());
        }
        let bytes = module
            .encode()
            .map_err(|error| format!("cannot encode the module: {error}"))?;
        Module::new(&self.engine, &bytes).map_err(|error| format!("compilation failed: {error}"))
    }

    /// Instantiates `module` with the importable items it asks for. Missing
    /// items are left to the linker to report, so its message is the one checked.
    fn instantiate(&mut self, module: &Module) -> Result<Instance, Error> {
        let mut linker = Linker::new(&self.engine);
        let mut defined = HashSet::new();
        for import in module.imports() {
            let key = (import.module().to_string(), import.name().to_string());
            if let Some(item) = self.importable.get(&key)
                && defined.insert(key.clone())
            {
                linker.define(&self.store, &key.0, &key.1, *item)?;
            }
        }
        linker.instantiate(&mut self.store, module)
    }

    fn add_instance(&mut self, name: Option<Id<'_>>, instance: Instance) {
        self.current_layer = Layer::Core;
        if let Some(name) = name {
            self.named_instances
                .insert(name.name().to_string(), instance);
        }
        self.current = Some(instance);
    }

    fn instance(&self, name: Option<Id<'_>>) -> Result<Instance, String> {
        match name {
            Some(id) => self.named_instances.get(id.name()).copied(),
            None => self.current,
        }
        .ok_or_else(|| format!("unknown module {}", display_id(name)))
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>, Failure> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Wat(module) => {
                let compiled = self
                    .compile(&mut QuoteWat::Wat(module))
                    .map_err(Failure::Setup)?;
                let instance = self.instantiate(&compiled).map_err(Failure::Runtime)?;
                self.add_instance(None, instance);
                Ok(Vec::new())
            }
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module).map_err(Failure::Setup)?;
                match instance.get_export(&self.store, global) {
                    Some(Extern::Global(item)) => Ok(vec![item.get(&self.store)]),
                    _ => Err(Failure::Setup(format!("no exported global `{global}`"))),
                }
            }
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>, Failure> {
        let instance = self.instance(invoke.module).map_err(Failure::Setup)?;
        let func = match instance.get_export(&self.store, invoke.name) {
            Some(Extern::Func(func)) => func,
            _ => {
                return Err(Failure::Setup(format!(
                    "no exported function `{}`",
                    invoke.name
                )));
            }
        };
        let args = invoke
            .args
            .iter()
            .map(|arg| arg_to_val(&mut self.store, arg))
            .collect::<Result<Vec<Val>, String>>()
            .map_err(Failure::Setup)?;
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty
            .results()
            .iter()
            .map(|ty| Val::default_for(*ty))
            .collect();
        func.call(&mut self.store, &args, &mut results)
            .map_err(Failure::Runtime)?;
        Ok(results)
    }

    fn check_results(&self, actual: &[Val], expected: &[WastRet<'_>]) -> Result<(), String> {
        if actual.len() != expected.len() {
            return Err(format!(
                "expected {} results, got {}: {}",
                expected.len(),
                actual.len(),
                self.describe_vals(actual)
            ));
        }
        for (index, (actual, expected)) in actual.iter().zip(expected).enumerate() {
            check_result(&self.store, actual, expected)
                .map_err(|mismatch| format!("result {index}: {mismatch}"))?;
        }
        Ok(())
    }

    fn expect_runtime_error(
        &self,
        outcome: Result<Vec<Val>, Failure>,
        expected_message: &str,
    ) -> Result<(), String> {
        match outcome {
            Ok(values) => Err(format!(
                "expected \"{expected_message}\", but it succeeded with [{}]",
                self.describe_vals(&values)
            )),
            Err(Failure::Setup(message)) => Err(message),
            Err(Failure::Runtime(error)) => check_runtime_error(&error, expected_message),
        }
    }

    /// `assert_invalid` and `assert_malformed`: the module must not compile.
    /// A quoted or text module that the text parser already rejects is
    /// malformed (or invalid) in the text format, which is what the script asserts.
    fn expect_rejected(&self, mut module: QuoteWat<'_>, message: &str) -> Result<(), String> {
        let Ok(bytes) = module.encode() else {
            return Ok(());
        };
        match Module::new(&self.engine, &bytes) {
            Ok(_) => Err(format!("the module compiled, expected \"{message}\"")),
            Err(error) => check_rejected(&error),
        }
    }

    fn describe_vals(&self, values: &[Val]) -> String {
        let described: Vec<String> = values
            .iter()
            .map(|value| describe_val(&self.store, value))
            .collect();
        described.join(", ")
    }
}

fn display_id(id: Option<Id<'_>>) -> String {
    match id {
        Some(id) => format!("${}", id.name()),
        None => "(none instantiated yet)".to_string(),
    }
}

fn directive_name(directive: &WastDirective<'_>) -> &'static str {
    match directive {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "(no message)"
    }
}
