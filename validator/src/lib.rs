//! Validation of WebAssembly 2.0 modules (without SIMD), and of the later
//! proposals [`Features`] names, our own implementation of the spec's rules.
//!
//! Module-level rules are checked eagerly by [`ModuleValidator::new`].
//! Function bodies are checked one operator at a time by a [`FuncValidator`],
//! which the interpreter's translator drives while it translates, so one pass
//! over a body both validates and translates it:
//!
//! ```text
//! let validator = ModuleValidator::new(&module)?;            // once per module
//! let body = validator.function_body(&module, func_idx)?;     // encoding rules
//! let mut func = validator.func_validator(&module, func_idx); // params declared
//! for each (count, ty) in body.get_locals_reader()   -> func.define_locals(offset, count, ty)
//! for each (op, offset) in the operators that follow -> func.op(offset, &op), then translate op
//! func.finish(end_offset)
//! ```
//!
//! [`ModuleValidator::validate_body`] does the same without translating,
//! reading operators straight from their encoding (no `Operator` values),
//! and [`ModuleValidator::validate_bodies`] checks every body of a module
//! with one reused validator.

use myrt_parser::Module;
use myrt_parser::wasmparser::FunctionBody;

mod body;
pub mod component;
mod const_expr;
mod error;
mod features;
mod func;
mod module;
mod types;

pub use error::ValidationError;
pub use features::Features;
pub use func::FuncValidator;

/// The module-level facts function validation needs (e.g. which functions
/// may be referenced by `ref.func`), computed once by [`ModuleValidator::new`].
#[derive(Debug)]
pub struct ModuleValidator {
    facts: module::ModuleFacts,
    /// Also the encodings bodies are read with (see [`Self::function_body`]).
    features: Features,
}

impl ModuleValidator {
    /// Validates everything except function bodies, with the default
    /// [`Features`].
    pub fn new(module: &Module) -> Result<Self, ValidationError> {
        Self::with_features(module, Features::default())
    }

    /// Validates everything except function bodies, accepting `features`.
    pub fn with_features(module: &Module, features: Features) -> Result<Self, ValidationError> {
        Ok(ModuleValidator {
            facts: module::validate_module(module, features)?,
            features,
        })
    }

    /// The body of defined function `func_idx`, read with the encoding rules
    /// of 2.0 and of the features this validator accepts. Whoever drives a
    /// [`FuncValidator`] should read operators through it.
    pub fn function_body<'m>(&self, module: &'m Module, func_idx: u32) -> Option<FunctionBody<'m>> {
        body::function_body(module, func_idx, self.features)
    }

    /// A validator for the body of function `func_idx` (a defined function).
    /// Its parameters are already declared as locals.
    pub fn func_validator<'a>(&'a self, module: &'a Module, func_idx: u32) -> FuncValidator<'a> {
        FuncValidator::new(module, &self.facts, func_idx)
    }

    /// Validates the body of defined function `func_idx` by itself
    /// (reads its locals and operators and drives a [`FuncValidator`]).
    pub fn validate_body(&self, module: &Module, func_idx: u32) -> Result<(), ValidationError> {
        body::validate_body(
            &mut self.func_validator(module, func_idx),
            module,
            func_idx,
            self.features,
        )
    }

    /// Validates the body of every defined function, in order, stopping at
    /// the first error. One [`FuncValidator`] checks them all, so its stacks
    /// are allocated once per module rather than once per body.
    pub fn validate_bodies(&self, module: &Module) -> Result<(), ValidationError> {
        let mut defined = module.num_imported_funcs..module.funcs.len() as u32;
        let Some(first) = defined.next() else {
            return Ok(());
        };
        let mut validator = self.func_validator(module, first);
        body::validate_body(&mut validator, module, first, self.features)?;
        for func_idx in defined {
            validator.reset(func_idx);
            body::validate_body(&mut validator, module, func_idx, self.features)?;
        }
        Ok(())
    }

    /// Validates the module and every function body: the eager path, for
    /// tools and tests that want a single verdict.
    pub fn validate_all(module: &Module) -> Result<Self, ValidationError> {
        let validator = ModuleValidator::new(module)?;
        validator.validate_bodies(module)?;
        Ok(validator)
    }
}
