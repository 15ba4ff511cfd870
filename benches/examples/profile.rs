//! Runs one compute program on myrt or on wasmi a given number of times, for profilers
//! (callgrind counts instructions repeatably on a shared machine, unlike wall time):
//!
//!     cargo build -p myrt-benches --release --example profile
//!     valgrind --tool=callgrind target/release/examples/profile sha256 [calls] [myrt|wasmi]
//!
//! The difference between runs with 3 calls and with 1 call, halved, is the cost of one call
//! without setup; the same for wasmi gives an instruction-count ratio beside criterion's
//! times. The program's checksum is printed so that a profile of a wrong run is noticed.
//!
//!     target/release/examples/profile coremark disasm
//!
//! prints myrt's bytecode of every function of the program instead, and
//!
//!     cargo run -p myrt-benches --release --features op-stats --example profile coremark
//!
//! counts the ops myrt runs: the most run instructions, pairs, functions and sites.

use anyhow::{Context, bail};
use myrt_benches::myrt_runner::MyrtProgram;
use myrt_benches::programs;

#[path = "../peer/wasmi_program.rs"]
mod wasmi_program;
use wasmi_program::{WasmiProgram, wasmi_engine};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(name) = args.next() else {
        bail!("usage: profile <program> [calls] [myrt|wasmi], or profile <program> disasm");
    };
    let Some(program) = programs::ALL.iter().find(|p| p.name == name) else {
        let names: Vec<_> = programs::ALL.iter().map(|p| p.name).collect();
        bail!("unknown program {name}; one of {}", names.join(", "));
    };
    let wasm = program.wasm()?;
    let calls: u32 = match args.next().as_deref() {
        Some("disasm") => {
            let module = myrt_interp::Module::new(&myrt_interp::Engine::default(), &wasm)?;
            print!("{}", module.disassemble()?);
            return Ok(());
        }
        Some(calls) => calls.parse().context("calls must be a number or disasm")?,
        None => 1,
    };
    let engine = args.next().unwrap_or_else(|| "myrt".to_owned());
    let mut call: Box<dyn FnMut(i32) -> anyhow::Result<i64>> = match engine.as_str() {
        "myrt" => {
            let mut myrt =
                MyrtProgram::new(&myrt_interp::Engine::default(), &wasm, program.export)?;
            Box::new(move |input| Ok(myrt.call(input)?))
        }
        "wasmi" => {
            let mut wasmi = WasmiProgram::new(&wasmi_engine(), &wasm, program.export)?;
            Box::new(move |input| Ok(wasmi.call(input)?))
        }
        other => bail!("unknown engine {other}; myrt or wasmi"),
    };
    for _ in 0..calls {
        let checksum = call(program.bench_input)?;
        println!("{name}({}) = {checksum} on {engine}", program.bench_input);
    }
    #[cfg(feature = "op-stats")]
    print!("{}", myrt_interp::op_stats::report(40));
    Ok(())
}
