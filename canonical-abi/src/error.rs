//! Errors of the value layer.

/// Why lifting, lowering or a handle operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A condition the Canonical ABI defines as a trap (`trap_if` in
    /// definitions.py): the guest handed us bad data or broke a resource rule.
    #[error("trap: {0}")]
    Trap(String),
    /// A host-side value does not match the type it is lifted or lowered at.
    /// The spec asserts these away; a host can still get them wrong.
    #[error("value does not match its type: {0}")]
    TypeMismatch(String),
    /// A component type outside what the 0.2 Canonical ABI allows
    /// (for example flags with more than 32 labels).
    #[error("invalid component type: {0}")]
    InvalidType(String),
}

impl Error {
    pub(crate) fn trap(message: impl Into<String>) -> Self {
        Error::Trap(message.into())
    }

    pub(crate) fn mismatch(message: impl Into<String>) -> Self {
        Error::TypeMismatch(message.into())
    }
}

/// `trap_if` from definitions.py. The message is built only on a trap.
pub(crate) fn trap_if(condition: bool, message: impl FnOnce() -> String) -> Result<(), Error> {
    if condition {
        Err(Error::Trap(message()))
    } else {
        Ok(())
    }
}
