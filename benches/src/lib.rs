//! Benchmarks of myrt against wasmi: the guest programs (checked-in WebAssembly text under
//! `wat/`, and Rust programs under `guests/` that build.rs compiles to wasm32-unknown-unknown),
//! a synthetic large module for startup measurements, a runner that drives a program on myrt,
//! and the code that turns criterion's measurements into a comparison table.
//!
//! The benchmarks themselves are in `benches/compute.rs` (`cargo bench -p myrt-benches`);
//! `tests/checksums.rs` checks every program's result on myrt against an independent Rust
//! computation; `src/bin/report.rs` writes `BENCHMARKS.md`.

pub mod myrt_runner;
pub mod programs;
pub mod results;
pub mod synthetic;
