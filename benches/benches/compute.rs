//! myrt against wasmi on the same guest programs, bytes and inputs, in one criterion run.
//!
//!     cargo bench -p myrt-benches --bench compute -- --measurement-time 3 --warm-up-time 1
//!
//! Every compute program is one criterion group with the functions `myrt` and `wasmi`; both
//! engines' checksums are compared before measuring and checked on every iteration. Startup is
//! measured as `Module::new` of a large module and store creation + instantiation of a small
//! one. After the run, the speedups (wasmi time / myrt time) and their geometric mean are
//! printed; `cargo run -p myrt-benches --bin report` writes them into BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, SamplingMode, measurement::WallTime};
use myrt_benches::myrt_runner::MyrtProgram;
use myrt_benches::programs::{self, Program};
use myrt_benches::results::{
    self, INSTANTIATE_GROUP, MODULE_NEW_GROUP, MODULE_NEW_REAL_GROUP, Results,
};
use myrt_benches::synthetic;

#[path = "../peer/wasmi_program.rs"]
mod wasmi_program;
use wasmi_program::{WasmiProgram, wasmi_engine};

/// Each iteration of these benchmarks takes milliseconds: a few flat samples are enough and
/// keep the whole run short on a shared machine.
fn configure_long_running(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
}

fn bench_program(criterion: &mut Criterion, program: &Program) {
    let wasm = program.wasm().expect("the checked-in program assembles");
    let input = program.bench_input;
    let mut myrt = MyrtProgram::new(&myrt_interp::Engine::default(), &wasm, program.export)
        .unwrap_or_else(|error| panic!("{}: myrt cannot instantiate: {error}", program.name));
    let mut wasmi = WasmiProgram::new(&wasmi_engine(), &wasm, program.export)
        .unwrap_or_else(|error| panic!("{}: wasmi cannot instantiate: {error}", program.name));

    let expected = wasmi
        .call(input)
        .unwrap_or_else(|error| panic!("{}: wasmi failed: {error}", program.name));
    let actual = myrt
        .call(input)
        .unwrap_or_else(|error| panic!("{}: myrt failed: {error}", program.name));
    assert_eq!(
        actual, expected,
        "{}({input}): myrt and wasmi disagree",
        program.name
    );

    let mut group = criterion.benchmark_group(program.name);
    configure_long_running(&mut group);
    group.bench_function("myrt", |bencher| {
        bencher.iter(|| {
            let checksum = myrt
                .call(black_box(input))
                .expect("myrt ran this input before");
            assert_eq!(
                checksum, expected,
                "{}: myrt's checksum changed",
                program.name
            );
        })
    });
    group.bench_function("wasmi", |bencher| {
        bencher.iter(|| {
            let checksum = wasmi
                .call(black_box(input))
                .expect("wasmi ran this input before");
            assert_eq!(
                checksum, expected,
                "{}: wasmi's checksum changed",
                program.name
            );
        })
    });
    group.finish();
}

/// `Module::new` of `wasm`: decoding and validating every body, translating none (both
/// engines translate a body on its first call).
fn bench_module_new(criterion: &mut Criterion, group_name: &str, wasm: &[u8]) {
    let myrt_engine = myrt_interp::Engine::default();
    let wasmi_engine = wasmi_engine();

    let mut group = criterion.benchmark_group(group_name);
    configure_long_running(&mut group);
    group.bench_function("myrt", |bencher| {
        bencher
            .iter(|| myrt_interp::Module::new(&myrt_engine, black_box(wasm)).expect("valid module"))
    });
    group.bench_function("wasmi", |bencher| {
        bencher.iter(|| wasmi::Module::new(&wasmi_engine, black_box(wasm)).expect("valid module"))
    });
    group.finish();
}

/// Store creation plus instantiation of the sha256 module (a memory with a data segment,
/// eight globals, a few functions). A fresh store per iteration: instances accumulate in a
/// store, so reusing one would measure a growing store and eventually run out of memory.
fn bench_instantiate(criterion: &mut Criterion) {
    let wasm = programs::SHA256
        .wasm()
        .expect("the checked-in program assembles");
    let myrt_engine = myrt_interp::Engine::default();
    let myrt_module = myrt_interp::Module::new(&myrt_engine, &wasm).expect("valid module");
    let myrt_linker = myrt_interp::Linker::<()>::new(&myrt_engine);
    let wasmi_engine = wasmi_engine();
    let wasmi_module = wasmi::Module::new(&wasmi_engine, &wasm).expect("valid module");
    let wasmi_linker = wasmi::Linker::<()>::new(&wasmi_engine);

    let mut group = criterion.benchmark_group(INSTANTIATE_GROUP);
    group.bench_function("myrt", |bencher| {
        bencher.iter(|| {
            let mut store = myrt_interp::Store::new(&myrt_engine, ());
            let instance = myrt_linker
                .instantiate(&mut store, &myrt_module)
                .expect("instantiates");
            black_box((store, instance))
        })
    });
    group.bench_function("wasmi", |bencher| {
        bencher.iter(|| {
            let mut store = wasmi::Store::new(&wasmi_engine, ());
            let instance = wasmi_linker
                .instantiate_and_start(&mut store, &wasmi_module)
                .expect("instantiates");
            black_box((store, instance))
        })
    });
    group.finish();
}

fn print_summary() {
    let dir = results::criterion_dir();
    let measured = Results::load(&dir);
    if measured.is_empty() {
        return;
    }
    println!(
        "\nmedian times from criterion's latest results in {}:\n",
        dir.display()
    );
    println!("{}", results::markdown_table(&measured.compute, true));
    println!("{}", results::markdown_table(&measured.startup, false));
}

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    for program in &programs::ALL {
        bench_program(&mut criterion, program);
    }
    let synthetic = synthetic::large_module().expect("the synthetic module assembles");
    bench_module_new(&mut criterion, MODULE_NEW_GROUP, &synthetic);
    bench_module_new(
        &mut criterion,
        MODULE_NEW_REAL_GROUP,
        programs::LARGE_REAL_MODULE,
    );
    bench_instantiate(&mut criterion);
    criterion.final_summary();
    print_summary();
}
