//! The canonical built-ins (Explainer.md "Canonical Definitions"): `lift`,
//! `lower` and the resource built-ins, with their options.

use myrt_parser::component as p;
use myrt_parser::{FuncType as CoreFuncType, ValType as CoreValType};

use super::Ctx;
use super::flatten::{lift_type, lower_type, params_spill, results_spill};
use super::state::get;
use super::types::*;

/// Whether the canonical ABI needs linear memory (strings and lists live there).
fn uses_memory(ty: &ValType) -> bool {
    ty.any(&|t| matches!(t, ValType::String | ValType::List(_)))
}

#[derive(Default)]
struct Options {
    memory: Option<u32>,
    realloc: Option<u32>,
    post_return: Option<u32>,
}

impl Ctx {
    /// Checks each option once, for duplicates, types and gated features.
    fn options(&self, options: &[p::CanonOption]) -> Result<Options, String> {
        let mut result = Options::default();
        let mut encoding = false;
        let once = |slot: &mut Option<u32>, value: u32, name: &str| {
            if slot.replace(value).is_some() {
                return Err(format!(
                    "canonical option `{name}` is specified more than once"
                ));
            }
            Ok(())
        };
        for option in options {
            match *option {
                p::CanonOption::StringEncoding(_) => {
                    if std::mem::replace(&mut encoding, true) {
                        return Err(
                            "canonical encoding option conflicts with another encoding option"
                                .into(),
                        );
                    }
                }
                p::CanonOption::Memory(index) => {
                    let memory = get(&self.scope().core_memories, index, "memory")?;
                    if memory.memory64 {
                        return Err("64-bit memories in canonical options are not supported".into());
                    }
                    once(&mut result.memory, index, "memory")?;
                }
                p::CanonOption::Realloc(index) => {
                    let ty = get(&self.scope().core_funcs, index, "core function")?;
                    let expected = CoreFuncType::new([CoreValType::I32; 4], [CoreValType::I32]);
                    if *ty != expected {
                        return Err(format!(
                            "canonical option `realloc` uses a core function with an incorrect signature: expected {expected}, found {ty}"
                        ));
                    }
                    once(&mut result.realloc, index, "realloc")?;
                }
                p::CanonOption::PostReturn(index) => {
                    get(&self.scope().core_funcs, index, "core function")?;
                    once(&mut result.post_return, index, "post-return")?;
                }
                p::CanonOption::Async | p::CanonOption::Callback(_) => {
                    return Err("async canonical options are not supported".into());
                }
                p::CanonOption::CoreType(_) | p::CanonOption::Gc => {
                    return Err("GC canonical options are not supported".into());
                }
            }
        }
        if result.realloc.is_some() && result.memory.is_none() {
            return Err("canonical option `realloc` requires `memory` to also be specified".into());
        }
        Ok(result)
    }

    /// `canon lift`: the component function's type.
    pub(super) fn lift(
        &self,
        core_func: u32,
        ty: u32,
        options: &[p::CanonOption],
    ) -> Result<std::sync::Arc<FuncType>, String> {
        let func = self.scope().func_type(ty)?;
        let core = get(&self.scope().core_funcs, core_func, "core function")?;
        let opts = self.options(options)?;
        let expected = lift_type(&func);
        if *core != expected {
            return Err(format!(
                "lowered function type mismatch: expected {expected}, found {core}"
            ));
        }
        let params_memory = func.params.iter().any(|(_, t)| uses_memory(t)) || params_spill(&func);
        let result_memory = func.result.as_ref().is_some_and(uses_memory) || results_spill(&func);
        if (params_memory || result_memory) && opts.memory.is_none() {
            return Err("canonical option `memory` is required".into());
        }
        if params_memory && opts.realloc.is_none() {
            return Err("canonical option `realloc` is required".into());
        }
        if let Some(post_return) = opts.post_return {
            let ty = get(&self.scope().core_funcs, post_return, "core function")?;
            let expected = CoreFuncType::new(expected.results().iter().copied(), []);
            if *ty != expected {
                return Err(format!(
                    "canonical option `post-return` uses a core function with an incorrect signature: expected {expected}, found {ty}"
                ));
            }
        }
        Ok(func)
    }

    /// `canon lower`: the core function's type.
    pub(super) fn lower(
        &self,
        func: u32,
        options: &[p::CanonOption],
    ) -> Result<CoreFuncType, String> {
        let func = get(&self.scope().funcs, func, "function")?.clone();
        let opts = self.options(options)?;
        if opts.post_return.is_some() {
            return Err("canonical option `post-return` cannot be specified for lowerings".into());
        }
        let params_memory = func.params.iter().any(|(_, t)| uses_memory(t)) || params_spill(&func);
        let result_alloc = func.result.as_ref().is_some_and(uses_memory);
        if (params_memory || result_alloc || results_spill(&func)) && opts.memory.is_none() {
            return Err("canonical option `memory` is required".into());
        }
        if result_alloc && opts.realloc.is_none() {
            return Err("canonical option `realloc` is required".into());
        }
        Ok(lower_type(&func))
    }

    /// `resource.new`, `resource.drop`, `resource.rep`: the core function's type.
    pub(super) fn resource_builtin(&self, def: &p::CoreFuncDef) -> Result<CoreFuncType, String> {
        use CoreValType::I32;
        let (resource, local, ty) = match *def {
            p::CoreFuncDef::ResourceNew { resource } => {
                (resource, true, CoreFuncType::new([I32], [I32]))
            }
            p::CoreFuncDef::ResourceRep { resource } => {
                (resource, true, CoreFuncType::new([I32], [I32]))
            }
            p::CoreFuncDef::ResourceDrop { resource } => {
                (resource, false, CoreFuncType::new([I32], []))
            }
            _ => return Err("not a resource built-in".into()),
        };
        let (_, id) = self.resource(resource)?;
        if local && !self.scope().local_resources.contains(&id) {
            return Err(format!("type index {resource} is not a local resource"));
        }
        Ok(ty)
    }
}
