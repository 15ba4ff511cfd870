//! The optional Cranelift tier. Empty until the JIT issue: the crate exists so
//! that the `jit` cargo feature and the crate boundary are in place.
