//! The component binding end to end: a hand-written `wasi:cli/command`
//! (tests/components/command.wat) instantiated through `add_to_linker`,
//! with arguments, environment, preopens and stdout on in-memory pipes.

use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{Component, Engine, Error, Instance, Linker, Store};
use myrt_wasi_p2::fs::{DirPerms, FilePerms};
use myrt_wasi_p2::io::pipes::MemoryOutputPipe;
use myrt_wasi_p2::io::stdio::OutputSink;
use myrt_wasi_p2::{WasiCtx, WasiCtxBuilder, WasiState, add_to_linker};

const COMMAND: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/components/command.wat");

struct Run {
    result: Result<Val, Error>,
    stdout: String,
    store: Store<WasiState>,
}

fn instantiate(ctx: WasiCtx) -> (Store<WasiState>, Instance) {
    let engine = Engine::default();
    let bytes = wat::parse_file(COMMAND).expect("command.wat parses");
    let component = Component::new(&engine, &bytes).expect("command.wat compiles");
    let mut linker = Linker::new(&engine);
    add_to_linker(&mut linker, |state: &mut WasiState| state).expect("WASI defines once");
    let mut store = Store::new(&engine, WasiState::new(ctx));
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("WASI satisfies every 0.2.x import");
    (store, instance)
}

fn run(configure: impl FnOnce(&mut WasiCtxBuilder)) -> Run {
    let stdout = MemoryOutputPipe::new(1 << 16);
    let mut builder = WasiCtx::builder();
    builder.stdout(OutputSink::Memory(stdout.clone()));
    configure(&mut builder);
    let (mut store, instance) = instantiate(builder.build());
    let func = instance
        .get_func_path(&["wasi:cli/run@0.2.3", "run"])
        .expect("the command exports run");
    let mut results = [Val::Bool(false)];
    let result = func
        .call(&mut store, &[], &mut results)
        .map(|()| results[0].clone());
    Run {
        result,
        stdout: String::from_utf8(stdout.contents()).expect("utf-8 output"),
        store,
    }
}

#[test]
fn arguments_and_environment_reach_the_guest() {
    let run = run(|b| {
        b.arg("prog").env("GREETING", "hello").env("EMPTY", "");
    });
    assert_eq!(run.result.expect("run returns"), Val::Result(Ok(None)));
    assert_eq!(run.stdout, "prog\nGREETING=hello\nEMPTY=\n");
    assert_eq!(run.store.data().ctx.exit_code(), None);
}

#[test]
fn run_returning_err_is_a_result_not_an_error() {
    let run = run(|b| {
        b.args(["prog", "one"]);
    });
    assert_eq!(run.result.expect("run returns"), Val::Result(Err(None)));
    assert_eq!(run.stdout, "prog\none\n");
}

#[test]
fn exit_with_code_unwinds_and_records_the_status() {
    let run = run(|b| {
        b.args(["prog", "a", "b"]);
    });
    let err = run.result.expect_err("exit unwinds the guest");
    assert!(!err.is_trap(), "exit is not a trap: {err}");
    assert_eq!(run.store.data().ctx.exit_code(), Some(3));
    assert_eq!(run.stdout, "prog\na\nb\n");
}

#[test]
fn a_guest_trap_is_reported_as_a_trap() {
    let run = run(|b| {
        b.args(["prog", "1", "2", "3", "4"]);
    });
    let err = run.result.expect_err("the guest traps");
    assert!(err.is_trap(), "{err}");
    assert!(!err.backtrace().is_empty());
    assert_eq!(run.store.data().ctx.exit_code(), None);
}

#[test]
fn preopens_are_listed_and_dropped_handles_leave_the_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = run(|b| {
        b.arg("prog")
            .preopened_dir(dir.path(), "/data", DirPerms::all(), FilePerms::all())
            .expect("preopen");
    });
    assert_eq!(run.result.expect("run returns"), Val::Result(Ok(None)));
    assert_eq!(run.stdout, "prog\ndir:/data\n");
    // The guest dropped its stdout stream (the destructor deleted the
    // entry) but still owns the preopened descriptor.
    assert_eq!(run.store.data().table.len(), 1);
}
