//! A decoded and validated module, ready to be instantiated any number of times.

use std::sync::{Arc, OnceLock};

use myrt_parser::{ExternKind, FuncType, GlobalType, ImportKind, MemoryType, TableType};
use myrt_validator::ModuleValidator;

use crate::engine::{self, CompiledFunc};
use crate::{Engine, Error};

/// When [`Module`] creation validates function bodies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyValidation {
    /// All of them, before the module exists.
    Eager,
    /// Each one when it is translated, on its first call.
    AtTranslation,
}

/// A compiled module. Cheap to clone.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub parsed: myrt_parser::Module,
    pub validator: ModuleValidator,
    /// Translated bodies of the module's own functions (index = func_idx -
    /// imported funcs), filled lazily on first call and shared by every
    /// instance of the module.
    pub code: Box<[OnceLock<Arc<CompiledFunc>>]>,
}

impl Module {
    /// Decodes and validates a binary module. Every function body is validated
    /// here; translation to bytecode waits until a function is first called.
    pub fn new(engine: &Engine, wasm: &[u8]) -> Result<Module, Error> {
        Self::build(engine, wasm, BodyValidation::Eager)
    }

    /// Like [`Module::new`] for a binary whose function bodies the caller has
    /// already validated with the same features (the component validator
    /// checks every nested module): module-level rules are checked again
    /// (they are cheap and give translation its facts), bodies are not. Safe
    /// whatever the caller did, because translation validates each body as it
    /// translates it: an invalid body would be reported at its first call.
    pub fn new_prevalidated(engine: &Engine, wasm: &[u8]) -> Result<Module, Error> {
        Self::build(engine, wasm, BodyValidation::AtTranslation)
    }

    fn build(engine: &Engine, wasm: &[u8], bodies: BodyValidation) -> Result<Module, Error> {
        // Straight into the shared allocation the module keeps (a Vec would be copied again).
        let parsed = myrt_parser::decode_module(Arc::<[u8]>::from(wasm))?;
        let validator = ModuleValidator::with_features(&parsed, engine.config().features)?;
        let code = (0..parsed.bodies.len()).map(|_| OnceLock::new()).collect();
        let inner = ModuleInner {
            engine: engine.clone(),
            parsed,
            validator,
            code,
        };
        if !engine.config().lazy_translation {
            // Translation drives the validator, so this validates as well.
            for func_idx in inner.parsed.num_imported_funcs..inner.parsed.funcs.len() as u32 {
                engine::compiled(&inner, func_idx)?;
            }
        } else if bodies == BodyValidation::Eager {
            inner.validator.validate_bodies(&inner.parsed)?;
        }
        Ok(Module {
            inner: Arc::new(inner),
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// myrt's bytecode of every defined function, each headed by its index
    /// and name, translating them: for profiling and debugging the
    /// interpreter, not a stable format.
    #[doc(hidden)]
    pub fn disassemble(&self) -> Result<String, Error> {
        let parsed = &self.inner.parsed;
        let mut text = String::new();
        for func_idx in parsed.num_imported_funcs..parsed.funcs.len() as u32 {
            let name = parsed.names.funcs.get(&func_idx).map_or("", String::as_str);
            let code = engine::compiled(&self.inner, func_idx)?;
            text += &format!("func {func_idx} {name}\n{code}\n");
        }
        Ok(text)
    }

    /// The module's name from its `name` section.
    pub fn name(&self) -> Option<&str> {
        self.inner.parsed.names.module.as_deref()
    }

    pub fn imports(&self) -> impl Iterator<Item = ImportType<'_>> {
        let parsed = &self.inner.parsed;
        parsed.imports.iter().map(move |import| ImportType {
            module: &import.module,
            name: &import.name,
            ty: match &import.kind {
                ImportKind::Func(type_idx) => {
                    ExternType::Func(parsed.types[*type_idx as usize].clone())
                }
                ImportKind::Table(ty) => ExternType::Table(*ty),
                ImportKind::Memory(ty) => ExternType::Memory(*ty),
                ImportKind::Global(ty) => ExternType::Global(*ty),
            },
        })
    }

    pub fn exports(&self) -> impl Iterator<Item = ExportType<'_>> {
        let parsed = &self.inner.parsed;
        parsed.exports.iter().filter_map(move |export| {
            let index = export.index as usize;
            let ty = match export.kind {
                ExternKind::Func => ExternType::Func(parsed.func_type(export.index)?.clone()),
                ExternKind::Table => ExternType::Table(*parsed.tables.get(index)?),
                ExternKind::Memory => ExternType::Memory(*parsed.memories.get(index)?),
                ExternKind::Global => ExternType::Global(*parsed.globals.get(index)?),
            };
            Some(ExportType {
                name: &export.name,
                ty,
            })
        })
    }
}

/// The type of an import or export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

impl std::fmt::Display for ExternType {
    /// In the text format's notation, for link error messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExternType::Func(ty) => write!(f, "{ty}"),
            ExternType::Table(ty) => {
                write!(
                    f,
                    "(table {}{}",
                    if ty.table64 { "i64 " } else { "" },
                    ty.min
                )?;
                if let Some(max) = ty.max {
                    write!(f, " {max}")?;
                }
                write!(f, " {})", ty.element)
            }
            ExternType::Memory(ty) => {
                write!(
                    f,
                    "(memory {}{}",
                    if ty.memory64 { "i64 " } else { "" },
                    ty.min
                )?;
                if let Some(max) = ty.max {
                    write!(f, " {max}")?;
                }
                f.write_str(")")
            }
            ExternType::Global(ty) if ty.mutable => write!(f, "(global (mut {}))", ty.content),
            ExternType::Global(ty) => write!(f, "(global {})", ty.content),
        }
    }
}

/// One import of a [`Module`].
#[derive(Clone, Debug)]
pub struct ImportType<'a> {
    module: &'a str,
    name: &'a str,
    ty: ExternType,
}

impl<'a> ImportType<'a> {
    pub fn module(&self) -> &'a str {
        self.module
    }

    pub fn name(&self) -> &'a str {
        self.name
    }

    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

/// One export of a [`Module`].
#[derive(Clone, Debug)]
pub struct ExportType<'a> {
    name: &'a str,
    ty: ExternType,
}

impl<'a> ExportType<'a> {
    pub fn name(&self) -> &'a str {
        self.name
    }

    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}
