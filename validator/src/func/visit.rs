//! Connects wasmparser's binary reader to the typing rules: [`Visit`] is the
//! reader's `VisitOperator`, so operators are checked straight from their
//! encoding, without an `Operator` value in between, and it is the reader's
//! `FrameStack`, so the reader's syntactic checks (`else` only in `if`,
//! nothing after the final `end`) use the validator's own control frames.
//!
//! The operators of the proposals in WebAssembly 2.0 (without SIMD) call the
//! rule of the same name in `ops.rs` or `numeric.rs`; every other operator is
//! rejected with its name and proposal.

use myrt_parser::wasmparser::{self as wp, FrameStack, VisitOperator, VisitSimdOperator};

use super::{Check, FuncValidator};

pub(super) struct Visit<'v, 'm>(pub(super) &'v mut FuncValidator<'m>);

impl FrameStack for Visit<'_, '_> {
    #[inline]
    fn current_frame(&self) -> Option<wp::FrameKind> {
        self.0.frames.last().map(|frame| frame.kind.syntactic())
    }
}

macro_rules! define_visit {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        $( define_visit!(one $proposal $visit $({ $($arg: $argty),* })?); )*
    };
    (one mvp $($rest:tt)*) => { define_visit!(rule $($rest)*); };
    (one sign_extension $($rest:tt)*) => { define_visit!(rule $($rest)*); };
    (one saturating_float_to_int $($rest:tt)*) => { define_visit!(rule $($rest)*); };
    (one bulk_memory $($rest:tt)*) => { define_visit!(rule $($rest)*); };
    (one reference_types $($rest:tt)*) => { define_visit!(rule $($rest)*); };
    (one $proposal:ident $visit:ident $({ $($arg:ident: $argty:ty),* })?) => {
        fn $visit(&mut self $($(, _: $argty)*)?) -> Check {
            Err(self.0.unsupported(stringify!($proposal), stringify!($visit)))
        }
    };
    (rule $visit:ident $({ $($arg:ident: $argty:ty),* })?) => {
        #[inline]
        fn $visit(&mut self $($(, $arg: $argty)*)?) -> Check {
            self.0.$visit($($($arg),*)?)
        }
    };
}

impl<'a> VisitOperator<'a> for Visit<'_, '_> {
    type Output = Check;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Check>> {
        Some(self)
    }

    wp::for_each_visit_operator!(define_visit);
}

/// SIMD operators are decoded (so malformed ones stay malformed) and rejected.
impl<'a> VisitSimdOperator<'a> for Visit<'_, '_> {
    wp::for_each_visit_simd_operator!(define_visit);
}

impl FuncValidator<'_> {
    /// The error for an operator outside WebAssembly 2.0 without SIMD, named
    /// after the proposal wasmparser files it under.
    #[cold]
    #[inline(never)]
    fn unsupported(&self, proposal: &str, visit: &str) -> super::RuleError {
        let name = visit.strip_prefix("visit_").unwrap_or(visit);
        self.error(format!(
            "operator {name} ({proposal} proposal) is not supported"
        ))
    }
}
