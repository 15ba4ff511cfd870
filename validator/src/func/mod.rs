//! Validation of one function body, operator by operator: the algorithm of
//! the spec appendix, with an operand stack whose entries may be unknown
//! (the polymorphic stack of dead code) and a stack of control frames.
//!
//! Two drivers share the rules: [`FuncValidator::op`] checks an `Operator`
//! the caller decoded (the translator, which needs the operator itself), and
//! [`FuncValidator::validate_body`] lets wasmparser's reader call the rules
//! directly from the encoding (`visit.rs`), the fast path of `Module::new`.

mod frames;
mod locals;
mod numeric;
mod ops;
mod stack;
mod visit;

use myrt_parser::wasmparser::{FunctionBody, Operator, VisitOperator};
use myrt_parser::{Module, ValType};

use crate::error::{ValidationError, invalid};
use crate::module::ModuleFacts;
use crate::types::{check_supported, val_type};
use frames::{BlockSig, Frame, FrameKind};
use locals::Locals;
use visit::Visit;

/// The error of a typing rule, boxed so that a rule's result, almost
/// always success, is one register wide.
type RuleError = Box<ValidationError>;

/// What the typing rules return.
type Check<T = ()> = Result<T, RuleError>;

fn offset(pos: u64) -> usize {
    usize::try_from(pos).unwrap_or(usize::MAX)
}

/// Validates one function body, operator by operator.
pub struct FuncValidator<'m> {
    module: &'m Module,
    facts: &'m ModuleFacts,
    locals: Locals,
    /// `None` is an operand of unknown type, popped from the polymorphic
    /// stack of unreachable code.
    operands: Vec<Option<ValType>>,
    /// Innermost frame last; empty once the function's final `end` is seen.
    frames: Vec<Frame<'m>>,
    /// Offset of the operator being checked, for its errors.
    offset: usize,
    /// A bad function index passed to the constructor, which cannot fail:
    /// reported by the first call that can.
    setup_error: Option<ValidationError>,
}

impl<'m> FuncValidator<'m> {
    pub(crate) fn new(module: &'m Module, facts: &'m ModuleFacts, func_idx: u32) -> Self {
        let mut validator = FuncValidator {
            module,
            facts,
            locals: Locals::default(),
            operands: Vec::new(),
            frames: Vec::new(),
            offset: 0,
            setup_error: None,
        };
        validator.reset(func_idx);
        validator
    }

    /// Starts over with the body of `func_idx`, keeping the allocations of
    /// the previous one: validating a module's bodies in a row allocates
    /// only for the largest.
    pub(crate) fn reset(&mut self, func_idx: u32) {
        self.locals.clear();
        self.operands.clear();
        self.frames.clear();
        self.offset = 0;
        self.setup_error = None;
        let module = self.module;
        let sig = match (module.func_type(func_idx), module.body(func_idx)) {
            (Some(ty), Some(_)) => {
                for &param in ty.params() {
                    // Parameter types were checked with the module's types.
                    let _fits_u32 = self.locals.push(1, param);
                }
                BlockSig::Func(ty)
            }
            _ => {
                self.setup_error = Some(ValidationError::new(
                    0,
                    format!("function {func_idx} has no body"),
                ));
                BlockSig::Empty
            }
        };
        self.frames.push(Frame {
            kind: FrameKind::Function,
            sig,
            height: 0,
            unreachable: false,
        });
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
    pub fn op(&mut self, offset: usize, op: &Operator<'_>) -> Result<(), ValidationError> {
        self.check_setup()?;
        if self.frames.is_empty() {
            return invalid(offset, "operators remaining after end of function");
        }
        self.offset = offset;
        Visit(self).visit_operator(op).map_err(|err| *err)
    }

    /// Checks that the body ended where it should (after its final `end`).
    pub fn finish(&mut self, offset: usize) -> Result<(), ValidationError> {
        self.check_setup()?;
        if !self.frames.is_empty() {
            return invalid(offset, "END opcode expected");
        }
        Ok(())
    }

    /// Validates a whole body: its local declarations, then its operators,
    /// each checked by the rules as the reader decodes it.
    pub(crate) fn validate_body(&mut self, body: &FunctionBody<'_>) -> Result<(), ValidationError> {
        self.check_setup()?;
        let mut locals = body.get_locals_reader()?;
        for _ in 0..locals.get_count() {
            let at = offset(locals.original_position());
            let (count, ty) = locals.read()?;
            self.define_locals(at, count, val_type(ty, at)?)?;
        }
        self.check_operators(body.as_bytes(), locals.get_binary_reader())
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
