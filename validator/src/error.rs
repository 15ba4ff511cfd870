use std::fmt;

/// A module that is well-formed but breaks a validation rule ("invalid" in
/// the spec's terms), with the byte offset of the offending item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub offset: usize,
    pub message: String,
}

impl ValidationError {
    pub fn new(offset: usize, message: impl Into<String>) -> Self {
        ValidationError {
            offset,
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset 0x{:x})", self.message, self.offset)
    }
}

impl std::error::Error for ValidationError {}

/// Function bodies are decoded lazily, during validation, so a malformed body
/// surfaces here rather than in the parser.
impl From<wasmparser::BinaryReaderError> for ValidationError {
    fn from(err: wasmparser::BinaryReaderError) -> Self {
        ValidationError::new(
            usize::try_from(err.offset()).unwrap_or(usize::MAX),
            err.message(),
        )
    }
}

/// Shorthand for the many `return Err(ValidationError::new(..))` of the rules.
pub(crate) fn invalid<T>(offset: usize, message: impl Into<String>) -> Result<T, ValidationError> {
    Err(ValidationError::new(offset, message))
}
