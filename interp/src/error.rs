//! Everything that can go wrong when loading, linking or running wasm.

use std::fmt;

use myrt_parser::DecodeError;
use myrt_validator::ValidationError;

/// One error type for the whole interpreter API.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The binary is not a well-formed module.
    #[error("malformed module: {0}")]
    Decode(DecodeError),
    /// The module is well-formed but breaks a validation rule.
    #[error("invalid module: {0}")]
    Invalid(ValidationError),
    /// An import could not be satisfied ("unknown import", "incompatible import type").
    #[error("{0}")]
    Link(String),
    /// Execution trapped.
    #[error("{0}")]
    Trap(Trap),
    /// A host function returned an error; it stops the wasm code that called it.
    #[error("host function failed: {0}")]
    Host(Box<dyn std::error::Error + Send + Sync>),
    /// The API was used in a way that cannot work (wrong argument count or types, ...).
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn as_trap(&self) -> Option<&Trap> {
        match self {
            Error::Trap(trap) => Some(trap),
            _ => None,
        }
    }

    /// Wraps any error value of a host function.
    pub fn host(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Host(err.into())
    }
}

/// Why execution trapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrapCode {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    /// `call_indirect` reached a null table entry.
    IndirectCallToNull,
    /// `call_indirect` reached a function of another type.
    BadSignature,
    IntegerOverflow,
    IntegerDivisionByZero,
    BadConversionToInteger,
    /// The call depth limit (`Config::max_call_depth`) was exceeded.
    StackOverflow,
    /// `call_indirect` with an index outside the table.
    UninitializedElement,
}

impl TrapCode {
    /// The message the spec test suite expects for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::IndirectCallToNull => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::UninitializedElement => "undefined element",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A trap with the wasm frames that were active when it happened, innermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub code: TrapCode,
    pub backtrace: Vec<FrameInfo>,
}

impl Trap {
    pub fn new(code: TrapCode) -> Self {
        Trap {
            code,
            backtrace: Vec::new(),
        }
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Self {
        Trap::new(code)
    }
}

// Written out rather than `#[from]`: that would also make the inner error the
// `source()`, and error reporters that print the chain would show it twice.
impl From<DecodeError> for Error {
    fn from(err: DecodeError) -> Self {
        Error::Decode(err)
    }
}

impl From<ValidationError> for Error {
    fn from(err: ValidationError) -> Self {
        Error::Invalid(err)
    }
}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Self {
        Error::Trap(trap)
    }
}

impl From<TrapCode> for Error {
    fn from(code: TrapCode) -> Self {
        Error::Trap(Trap::new(code))
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.message())?;
        if !self.backtrace.is_empty() {
            f.write_str("\nwasm backtrace:")?;
            // Deep recursion yields thousands of identical frames: print each
            // run of them once, with its length.
            let mut depth = 0;
            for run in self.backtrace.chunk_by(|a, b| a == b) {
                write!(f, "\n    {depth}: {}", run[0])?;
                if run.len() > 1 {
                    write!(f, " (and {} more identical frames)", run.len() - 1)?;
                }
                depth += run.len();
            }
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

/// One wasm frame of a trap's backtrace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// Index in the module's function index space.
    pub func_index: u32,
    /// From the module's `name` section.
    pub func_name: Option<String>,
    pub module_name: Option<String>,
}

impl fmt::Display for FrameInfo {
    /// `module!function`, with Rust symbols demangled (without their hash)
    /// as wasmtime shows them: rustc leaves some names mangled in the name
    /// section (`_ZN7rustapp6nested17h…E` is `rustapp::nested`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let func = self.func_name.as_deref().map(rustc_demangle::demangle);
        match (&self.module_name, func) {
            (Some(module), Some(func)) => write!(f, "{module}!{func:#}"),
            (None, Some(func)) => write!(f, "{func:#}"),
            (module, None) => {
                write!(
                    f,
                    "{}!func[{}]",
                    module.as_deref().unwrap_or("<module>"),
                    self.func_index
                )
            }
        }
    }
}
