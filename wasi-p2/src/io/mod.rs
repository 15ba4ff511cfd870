//! `wasi:io`: streams, their errors, and pollables.

pub mod pipes;
pub mod poll;
pub mod stdio;
pub mod streams;
