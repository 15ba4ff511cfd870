//! Control frames: one per enclosing `block`/`loop`/`if` plus the function
//! itself (spec appendix "Validation Algorithm", `ctrl_frame`).

use myrt_parser::wasmparser as wp;
use myrt_parser::{FuncType, ValType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

impl FrameKind {
    /// The binary reader's view of the frame, for its syntactic checks
    /// (`else` only inside `if`, nothing after the function's `end`).
    pub(crate) fn syntactic(self) -> wp::FrameKind {
        match self {
            FrameKind::Function | FrameKind::Block => wp::FrameKind::Block,
            FrameKind::Loop => wp::FrameKind::Loop,
            FrameKind::If => wp::FrameKind::If,
            FrameKind::Else => wp::FrameKind::Else,
        }
    }
}

/// A block type: what a frame takes from and leaves on the operand stack.
/// Function types are borrowed from the module, so a frame is a small copy.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BlockSig<'m> {
    Empty,
    Value(ValType),
    Func(&'m FuncType),
}

impl<'m> BlockSig<'m> {
    pub(crate) fn params(&self) -> &[ValType] {
        match self {
            BlockSig::Empty | BlockSig::Value(_) => &[],
            BlockSig::Func(ty) => ty.params(),
        }
    }

    pub(crate) fn results(&self) -> &[ValType] {
        match self {
            BlockSig::Empty => &[],
            BlockSig::Value(ty) => std::slice::from_ref(ty),
            BlockSig::Func(ty) => ty.results(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame<'m> {
    pub(crate) kind: FrameKind,
    pub(crate) sig: BlockSig<'m>,
    /// Operand stack height when the frame was entered (below its params).
    pub(crate) height: usize,
    /// Set after an unconditional branch: the rest of the frame is dead code
    /// and the operand stack is polymorphic down to `height`.
    pub(crate) unreachable: bool,
}

impl Frame<'_> {
    /// The types a branch to this frame carries: a loop is re-entered at its
    /// start, every other frame is left at its end.
    pub(crate) fn label_types(&self) -> &[ValType] {
        match self.kind {
            FrameKind::Loop => self.sig.params(),
            _ => self.sig.results(),
        }
    }
}
