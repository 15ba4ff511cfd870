use std::fmt;

/// A binary that is not a well-formed WebAssembly module ("malformed" in the
/// spec's terms), with the byte offset where decoding failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
    pub message: String,
}

impl DecodeError {
    pub fn new(offset: usize, message: impl Into<String>) -> Self {
        DecodeError {
            offset,
            message: message.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset 0x{:x})", self.message, self.offset)
    }
}

impl std::error::Error for DecodeError {}

impl From<wasmparser::BinaryReaderError> for DecodeError {
    fn from(err: wasmparser::BinaryReaderError) -> Self {
        DecodeError::new(
            usize::try_from(err.offset()).unwrap_or(usize::MAX),
            err.message(),
        )
    }
}
