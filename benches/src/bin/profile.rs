//! Runs one compute program on myrt a given number of times, for profilers (callgrind counts
//! instructions repeatably on a shared machine, unlike wall time):
//!
//!     cargo build -p myrt-benches --release --bin profile
//!     valgrind --tool=callgrind target/release/profile sha256 [calls]
//!
//! The program's checksum is printed so that a profile of a wrong run is noticed.

use anyhow::{Context, bail};
use myrt_benches::myrt_runner::MyrtProgram;
use myrt_benches::programs;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(name) = args.next() else {
        bail!("usage: profile <program> [calls]");
    };
    let calls: u32 = match args.next() {
        Some(calls) => calls.parse().context("calls must be a number")?,
        None => 1,
    };
    let Some(program) = programs::ALL.iter().find(|p| p.name == name) else {
        let names: Vec<_> = programs::ALL.iter().map(|p| p.name).collect();
        bail!("unknown program {name}; one of {}", names.join(", "));
    };
    let wasm = program.wasm()?;
    let mut myrt = MyrtProgram::new(&myrt_interp::Engine::default(), &wasm, program.export)?;
    for _ in 0..calls {
        let checksum = myrt.call(program.bench_input)?;
        println!("{name}({}) = {checksum}", program.bench_input);
    }
    Ok(())
}
