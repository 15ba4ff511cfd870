//! Control frames: one per enclosing `block`/`loop`/`if` plus the function
//! itself (spec appendix "Validation Algorithm", `ctrl_frame`).

use myrt_parser::{FuncType, ValType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

/// A block type: what a frame takes from and leaves on the operand stack.
#[derive(Debug, Clone)]
pub(crate) enum BlockSig {
    Empty,
    Value(ValType),
    Func(FuncType),
}

impl BlockSig {
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

#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub(crate) kind: FrameKind,
    pub(crate) sig: BlockSig,
    /// Operand stack height when the frame was entered (below its params).
    pub(crate) height: usize,
    /// Set after an unconditional branch: the rest of the frame is dead code
    /// and the operand stack is polymorphic down to `height`.
    pub(crate) unreachable: bool,
}

impl Frame {
    /// The types a branch to this frame carries: a loop is re-entered at its
    /// start, every other frame is left at its end.
    pub(crate) fn label_types(&self) -> &[ValType] {
        match self.kind {
            FrameKind::Loop => self.sig.params(),
            _ => self.sig.results(),
        }
    }
}
