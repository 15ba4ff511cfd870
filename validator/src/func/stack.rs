//! The operand and control stack primitives of the spec appendix
//! (`push_val`, `pop_val`, `push_ctrl`, `pop_ctrl`, `unreachable`).
//!
//! Most operators find exactly the types they expect on top of the stack,
//! above the current frame's base: each primitive checks that case first,
//! inline, and leaves unknown operands and the polymorphic stack of dead
//! code to an out-of-line general path.

use myrt_parser::ValType;

use super::frames::{BlockSig, Frame, FrameKind};
use super::{Check, FuncValidator, RuleError};
use crate::error::ValidationError;

const TYPE_MISMATCH: &str = "type mismatch";

impl<'m> FuncValidator<'m> {
    /// The error of the operator being checked.
    #[cold]
    #[inline(never)]
    pub(super) fn error(&self, message: impl Into<String>) -> RuleError {
        Box::new(ValidationError::new(self.offset, message))
    }

    #[cold]
    #[inline(never)]
    pub(super) fn mismatch(&self) -> RuleError {
        self.error(TYPE_MISMATCH)
    }

    #[cold]
    #[inline(never)]
    fn after_end(&self) -> RuleError {
        self.error("operators remaining after end of function")
    }

    /// Operand stack height at the base of the innermost frame.
    #[inline]
    fn base(&self) -> usize {
        self.frames.last().map_or(0, |frame| frame.height)
    }

    /// The operands of the innermost frame (above its base).
    #[inline]
    fn frame_operands(&mut self) -> &mut [Option<ValType>] {
        let base = self.base();
        self.operands.get_mut(base..).unwrap_or_default()
    }

    #[inline]
    pub(super) fn push(&mut self, ty: ValType) {
        self.operands.push(Some(ty));
    }

    #[inline]
    pub(super) fn push_types(&mut self, types: &[ValType]) {
        self.operands.extend(types.iter().map(|&ty| Some(ty)));
    }

    /// Pops one operand; `None` when it comes from the polymorphic stack.
    pub(super) fn pop(&mut self) -> Check<Option<ValType>> {
        let Some(frame) = self.frames.last() else {
            return Err(self.after_end());
        };
        if self.operands.len() <= frame.height {
            if frame.unreachable {
                return Ok(None);
            }
            return Err(self.mismatch());
        }
        Ok(self.operands.pop().flatten())
    }

    #[inline]
    pub(super) fn pop_expect(&mut self, expected: ValType) -> Check {
        if let [.., top] = self.frame_operands()
            && *top == Some(expected)
        {
            self.operands.pop();
            return Ok(());
        }
        self.pop_expect_general(expected)
    }

    #[inline(never)]
    fn pop_expect_general(&mut self, expected: ValType) -> Check {
        match self.pop()? {
            Some(actual) if actual != expected => Err(self.mismatch()),
            _ => Ok(()),
        }
    }

    /// Pops `types` (the last one first).
    #[inline]
    pub(super) fn pop_types(&mut self, types: &[ValType]) -> Check {
        if self.top_is(types) {
            self.operands.truncate(self.operands.len() - types.len());
            return Ok(());
        }
        for &ty in types.iter().rev() {
            self.pop_expect(ty)?;
        }
        Ok(())
    }

    /// `[operand] -> [result]`.
    #[inline]
    pub(super) fn unary(&mut self, operand: ValType, result: ValType) -> Check {
        if let [.., top] = self.frame_operands()
            && *top == Some(operand)
        {
            *top = Some(result);
            return Ok(());
        }
        self.pop_expect_general(operand)?;
        self.push(result);
        Ok(())
    }

    /// `[operand operand] -> [result]`.
    #[inline]
    pub(super) fn binary(&mut self, operand: ValType, result: ValType) -> Check {
        if let [.., lhs, rhs] = self.frame_operands()
            && *lhs == Some(operand)
            && *rhs == Some(operand)
        {
            *lhs = Some(result);
            self.operands.pop();
            return Ok(());
        }
        self.pop_expect(operand)?;
        self.pop_expect(operand)?;
        self.push(result);
        Ok(())
    }

    /// Whether the innermost frame's operands end with exactly `types`, all known.
    #[inline]
    pub(super) fn top_is(&self, types: &[ValType]) -> bool {
        let base = self.base();
        self.operands.len() >= base + types.len()
            && self.operands[self.operands.len() - types.len()..]
                .iter()
                .zip(types)
                .all(|(&actual, &ty)| actual == Some(ty))
    }

    /// Checks that `types` could be popped, without popping them: the
    /// operands stay as they are, unknown ones unknown (`br_if`, and each
    /// target of `br_table`).
    pub(super) fn check_top(&self, types: &[ValType]) -> Check {
        let Some(frame) = self.frames.last() else {
            return Err(self.after_end());
        };
        let available = self.operands.get(frame.height..).unwrap_or_default();
        if available.len() < types.len() && !frame.unreachable {
            return Err(self.mismatch());
        }
        // Past the frame's base (dead code only) operands are polymorphic.
        let matches = available
            .iter()
            .rev()
            .zip(types.iter().rev())
            .all(|(&actual, &ty)| actual.is_none_or(|actual| actual == ty));
        if !matches {
            return Err(self.mismatch());
        }
        Ok(())
    }

    /// Enters a block whose params are already popped; pushes them back for the inner code.
    pub(super) fn push_frame(&mut self, kind: FrameKind, sig: BlockSig<'m>) {
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
    pub(super) fn pop_frame(&mut self) -> Check<Frame<'m>> {
        let Some(&frame) = self.frames.last() else {
            return Err(self.after_end());
        };
        let results = frame.sig.results();
        if self.operands.len() == frame.height + results.len() && self.top_is(results) {
            self.operands.truncate(frame.height);
        } else {
            self.pop_types(results)?;
            if self.operands.len() != frame.height {
                return Err(self.mismatch());
            }
        }
        self.frames.pop();
        Ok(frame)
    }

    /// The rest of the current frame is dead code (after `br`, `return`, `unreachable`...).
    pub(super) fn set_unreachable(&mut self) -> Check {
        let Some(frame) = self.frames.last_mut() else {
            return Err(self.after_end());
        };
        self.operands.truncate(frame.height);
        frame.unreachable = true;
        Ok(())
    }

    /// The frame `depth` levels out (0 = innermost), the target of a branch.
    #[inline]
    pub(super) fn label(&self, depth: u32) -> Check<Frame<'m>> {
        let frame = (depth as usize)
            .checked_add(1)
            .and_then(|n| self.frames.len().checked_sub(n))
            .and_then(|idx| self.frames.get(idx));
        match frame {
            Some(&frame) => Ok(frame),
            None => Err(self.error(format!("unknown label {depth}"))),
        }
    }
}
