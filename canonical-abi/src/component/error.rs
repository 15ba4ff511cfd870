//! The component runtime's error type, and its conversions to and from the
//! core interpreter's errors (a component error crosses core frames as a
//! host error and is unwrapped again on the way out).

use myrt_interp::{FrameInfo, Trap};

/// Everything that can go wrong loading, linking or calling a component.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The binary is not a well-formed component (or nested module).
    #[error("malformed component: {0}")]
    Decode(myrt_parser::DecodeError),
    /// Well-formed, but breaks a validation rule; carries the offset of the
    /// failing definition.
    #[error("invalid component: {0}")]
    Validation(myrt_validator::ValidationError),
    /// The component's definitions do not fit together at instantiation
    /// (what validation would have rejected, found while instantiating).
    #[error("invalid component: {0}")]
    Invalid(String),
    /// An import is missing or has the wrong kind or type.
    #[error("{0}")]
    Link(String),
    /// Core wasm code trapped; the trap carries the wasm backtrace.
    #[error("{0}")]
    Trap(Trap),
    /// The Canonical ABI trapped (bad guest data, a resource rule, a
    /// reentrance) or a host value did not match its type.
    #[error("{0}")]
    Abi(crate::Error),
    /// Misuse of the API, or a feature this runtime does not support.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// A trap defined by the component model (not by core wasm).
    pub(crate) fn trap(message: impl Into<String>) -> Self {
        Error::Abi(crate::Error::Trap(message.into()))
    }

    /// Did execution trap (in core code or in the Canonical ABI)?
    pub fn is_trap(&self) -> bool {
        matches!(self, Error::Trap(_) | Error::Abi(crate::Error::Trap(_)))
    }

    /// Where in the binary a malformed or invalid component went wrong.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Error::Decode(err) => Some(err.offset),
            Error::Validation(err) => Some(err.offset),
            _ => None,
        }
    }

    /// The wasm frames active when core code trapped, innermost first.
    pub fn backtrace(&self) -> &[FrameInfo] {
        match self {
            Error::Trap(trap) => &trap.backtrace,
            _ => &[],
        }
    }
}

// Written out rather than `#[from]`: that would also make the inner error the
// `source()`, and error reporters that print the chain (anyhow's `{:#}`, the
// CLI) would show its message twice.
impl From<myrt_parser::DecodeError> for Error {
    fn from(err: myrt_parser::DecodeError) -> Self {
        Error::Decode(err)
    }
}

impl From<myrt_validator::ValidationError> for Error {
    fn from(err: myrt_validator::ValidationError) -> Self {
        Error::Validation(err)
    }
}

impl From<crate::Error> for Error {
    fn from(err: crate::Error) -> Self {
        Error::Abi(err)
    }
}

/// Core errors reaching the component layer: traps keep their backtrace, a
/// component error that crossed core frames as a host error is unwrapped.
impl From<myrt_interp::Error> for Error {
    fn from(err: myrt_interp::Error) -> Self {
        match err {
            myrt_interp::Error::Trap(trap) => Error::Trap(trap),
            myrt_interp::Error::Link(message) => Error::Link(message),
            myrt_interp::Error::Decode(err) => Error::Decode(err),
            myrt_interp::Error::Invalid(err) => Error::Invalid(err.to_string()),
            myrt_interp::Error::Host(err) => match err.downcast::<Error>() {
                Ok(err) => *err,
                Err(other) => Error::Other(other.to_string()),
            },
            myrt_interp::Error::Other(message) => Error::Other(message),
        }
    }
}

/// A feature this runtime does not implement.
pub(crate) fn unsupported(what: impl std::fmt::Display) -> Error {
    Error::Other(format!("{what} is not supported by this runtime"))
}

/// Entry `index` of an index space, or an error naming the space.
pub(crate) fn entry<'v, V>(space: &'v [V], index: u32, sort: &str) -> Result<&'v V, Error> {
    space
        .get(index as usize)
        .ok_or_else(|| Error::Invalid(format!("{sort} index {index} out of bounds")))
}

/// The way back into core frames: traps stay traps so the interpreter can
/// extend their backtrace, anything else travels as a host error.
impl From<Error> for myrt_interp::Error {
    fn from(err: Error) -> Self {
        match err {
            Error::Trap(trap) => myrt_interp::Error::Trap(trap),
            other => myrt_interp::Error::Host(Box::new(other)),
        }
    }
}
