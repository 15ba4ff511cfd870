//! Validation of one function body, operator by operator: the algorithm of
//! the spec appendix, with an operand stack whose entries may be unknown
//! (the polymorphic stack of dead code) and a stack of control frames.

mod frames;
mod locals;
mod numeric;
mod ops;
mod stack;
mod unsupported;

use myrt_parser::{FuncType, Module, ValType};

use crate::error::{ValidationError, invalid};
use crate::module::ModuleFacts;
use crate::types::check_supported;
use frames::{BlockSig, Frame, FrameKind};
use locals::Locals;

/// Validates one function body, operator by operator.
pub struct FuncValidator<'a> {
    module: &'a Module,
    facts: &'a ModuleFacts,
    locals: Locals,
    /// `None` is an operand of unknown type, popped from the polymorphic
    /// stack of unreachable code.
    operands: Vec<Option<ValType>>,
    /// Innermost frame last; empty once the function's final `end` is seen.
    frames: Vec<Frame>,
    /// A bad function index passed to the constructor, which cannot fail:
    /// reported by the first call that can.
    setup_error: Option<ValidationError>,
}

impl<'a> FuncValidator<'a> {
    pub(crate) fn new(module: &'a Module, facts: &'a ModuleFacts, func_idx: u32) -> Self {
        let mut validator = FuncValidator {
            module,
            facts,
            locals: Locals::default(),
            operands: Vec::new(),
            frames: Vec::new(),
            setup_error: None,
        };
        let ty = match (module.func_type(func_idx), module.body(func_idx)) {
            (Some(ty), Some(_)) => ty.clone(),
            _ => {
                validator.setup_error = Some(ValidationError::new(
                    0,
                    format!("function {func_idx} has no body"),
                ));
                FuncType::new([], [])
            }
        };
        for &param in ty.params() {
            // Parameter types were checked with the module's types.
            let _fits_u32 = validator.locals.push(1, param);
        }
        validator.frames.push(Frame {
            kind: FrameKind::Function,
            sig: BlockSig::Func(ty),
            height: 0,
            unreachable: false,
        });
        validator
    }

    fn check_setup(&self) -> Result<(), ValidationError> {
        match &self.setup_error {
            Some(err) => Err(err.clone()),
            None => Ok(()),
        }
    }

    /// Declares `count` more locals of type `ty` (from the body's local declarations).
    pub fn define_locals(
        &mut self,
        offset: usize,
        count: u32,
        ty: ValType,
    ) -> Result<(), ValidationError> {
        self.check_setup()?;
        check_supported(ty, offset)?;
        if self.locals.push(count, ty).is_none() {
            return invalid(offset, "too many locals");
        }
        Ok(())
    }

    /// Checks one operator; `offset` is its position in the module binary.
    pub fn op(
        &mut self,
        offset: usize,
        op: &myrt_parser::wasmparser::Operator<'_>,
    ) -> Result<(), ValidationError> {
        self.check_setup()?;
        if self.frames.is_empty() {
            return invalid(offset, "operators remaining after end of function");
        }
        self.check_op(offset, op)
    }

    /// Checks that the body ended where it should (after its final `end`).
    pub fn finish(&mut self, offset: usize) -> Result<(), ValidationError> {
        self.check_setup()?;
        if !self.frames.is_empty() {
            return invalid(offset, "END opcode expected");
        }
        Ok(())
    }

    /// The type of local `idx` (parameters first), if it exists.
    pub fn local_type(&self, idx: u32) -> Option<ValType> {
        self.locals.get(idx)
    }

    /// Number of locals including parameters.
    pub fn num_locals(&self) -> u32 {
        self.locals.len()
    }

    /// Whether the code at the current position is unreachable (after `unreachable`, `br`, `return`, ...
    /// and before the enclosing block's `end`/`else`).
    pub fn is_unreachable(&self) -> bool {
        self.frames.last().is_some_and(|frame| frame.unreachable)
    }

    /// Height of the operand stack (all control frames).
    pub fn operand_height(&self) -> usize {
        self.operands.len()
    }

    /// Type of the operand `depth` slots below the top (0 = top), `None` if unknown
    /// (polymorphic stack in unreachable code) or absent.
    pub fn operand_type(&self, depth: usize) -> Option<ValType> {
        let idx = self.operands.len().checked_sub(depth + 1)?;
        self.operands.get(idx).copied().flatten()
    }

    /// Number of open control frames, the function's own included (0 after its final `end`).
    pub fn control_depth(&self) -> usize {
        self.frames.len()
    }
}
