//! The message for operators outside WebAssembly 2.0 without SIMD, named
//! after the proposal wasmparser files them under.

use myrt_parser::wasmparser::{self as wp, Operator};

use crate::error::{ValidationError, invalid};

macro_rules! define_describe {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// `(proposal, operator name)` of any operator wasmparser knows.
        fn describe(op: &Operator<'_>) -> (&'static str, &'static str) {
            match op {
                $( Operator::$op { .. } => (stringify!($proposal), stringify!($visit)), )*
                _ => ("unknown", "visit_unknown"),
            }
        }
    };
}
wp::for_each_operator!(define_describe);

pub(super) fn reject(at: usize, op: &Operator<'_>) -> Result<(), ValidationError> {
    let (proposal, visit_name) = describe(op);
    let name = visit_name.strip_prefix("visit_").unwrap_or(visit_name);
    invalid(
        at,
        format!("operator {name} ({proposal} proposal) is not supported"),
    )
}
