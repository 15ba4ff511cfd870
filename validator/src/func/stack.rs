//! The operand and control stack primitives of the spec appendix
//! (`push_val`, `pop_val`, `push_ctrl`, `pop_ctrl`, `unreachable`).

use myrt_parser::ValType;

use super::FuncValidator;
use super::frames::{BlockSig, Frame, FrameKind};
use crate::error::{ValidationError, invalid};

const TYPE_MISMATCH: &str = "type mismatch";

impl FuncValidator<'_> {
    fn current_frame(&self, at: usize) -> Result<&Frame, ValidationError> {
        match self.frames.last() {
            Some(frame) => Ok(frame),
            None => invalid(at, "operators remaining after end of function"),
        }
    }

    pub(super) fn push(&mut self, ty: ValType) {
        self.operands.push(Some(ty));
    }

    pub(super) fn push_types(&mut self, types: &[ValType]) {
        self.operands.extend(types.iter().map(|&ty| Some(ty)));
    }

    /// Pops one operand; `None` when it comes from the polymorphic stack.
    pub(super) fn pop(&mut self, at: usize) -> Result<Option<ValType>, ValidationError> {
        let frame = self.current_frame(at)?;
        if self.operands.len() == frame.height {
            if frame.unreachable {
                return Ok(None);
            }
            return invalid(at, TYPE_MISMATCH);
        }
        Ok(self.operands.pop().flatten())
    }

    pub(super) fn pop_expect(
        &mut self,
        at: usize,
        expected: ValType,
    ) -> Result<(), ValidationError> {
        match self.pop(at)? {
            Some(actual) if actual != expected => invalid(at, TYPE_MISMATCH),
            _ => Ok(()),
        }
    }

    /// Pops `types` (the last one first).
    pub(super) fn pop_types(
        &mut self,
        at: usize,
        types: &[ValType],
    ) -> Result<(), ValidationError> {
        for &ty in types.iter().rev() {
            self.pop_expect(at, ty)?;
        }
        Ok(())
    }

    /// Pops `types` and pushes back what was found: the types are checked,
    /// but unknown operands stay unknown (`br_table` over several labels).
    pub(super) fn check_top(
        &mut self,
        at: usize,
        types: &[ValType],
    ) -> Result<(), ValidationError> {
        let mut found = Vec::with_capacity(types.len());
        for &ty in types.iter().rev() {
            let actual = self.pop(at)?;
            if actual.is_some_and(|actual| actual != ty) {
                return invalid(at, TYPE_MISMATCH);
            }
            found.push(actual);
        }
        self.operands.extend(found.into_iter().rev());
        Ok(())
    }

    /// Enters a block whose params are already popped; pushes them back for the inner code.
    pub(super) fn push_frame(&mut self, kind: FrameKind, sig: BlockSig) {
        let height = self.operands.len();
        self.push_types(sig.params());
        self.frames.push(Frame {
            kind,
            sig,
            height,
            unreachable: false,
        });
    }

    /// Leaves the innermost frame: its results must be exactly what is left above its base.
    pub(super) fn pop_frame(&mut self, at: usize) -> Result<Frame, ValidationError> {
        let frame = self.current_frame(at)?;
        let results = frame.sig.clone();
        let height = frame.height;
        self.pop_types(at, results.results())?;
        if self.operands.len() != height {
            return invalid(at, TYPE_MISMATCH);
        }
        self.frames.pop().map_or_else(
            || invalid(at, "operators remaining after end of function"),
            Ok,
        )
    }

    /// The rest of the current frame is dead code (after `br`, `return`, `unreachable`...).
    pub(super) fn set_unreachable(&mut self, at: usize) -> Result<(), ValidationError> {
        let Some(frame) = self.frames.last_mut() else {
            return invalid(at, "operators remaining after end of function");
        };
        self.operands.truncate(frame.height);
        frame.unreachable = true;
        Ok(())
    }

    /// The label types of the frame `depth` levels out (0 = innermost).
    pub(super) fn label(&self, at: usize, depth: u32) -> Result<Frame, ValidationError> {
        let frame = (depth as usize)
            .checked_add(1)
            .and_then(|n| self.frames.len().checked_sub(n))
            .and_then(|idx| self.frames.get(idx));
        match frame {
            Some(frame) => Ok(frame.clone()),
            None => invalid(at, format!("unknown label {depth}")),
        }
    }
}
