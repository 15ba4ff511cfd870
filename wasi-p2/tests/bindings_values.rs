//! `Val` conversions of the binding: host functions re-exported by a
//! component (tests/components/reexport.wat) and called with `Val`s.

#[path = "common/clock.rs"]
mod clock;

use clock::FixedWallClock;
use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{Component, Engine, Instance, Linker, Store};
use myrt_wasi_p2::io::pipes::MemoryInputPipe;
use myrt_wasi_p2::io::stdio::StdinSource;
use myrt_wasi_p2::{WasiCtx, WasiState, add_to_linker};

const REEXPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/components/reexport.wat");

fn setup() -> (Store<WasiState>, Instance) {
    let engine = Engine::default();
    let bytes = wat::parse_file(REEXPORT).expect("reexport.wat parses");
    let component = Component::new(&engine, &bytes).expect("reexport.wat compiles");
    let mut linker = Linker::new(&engine);
    add_to_linker(&mut linker, |state: &mut WasiState| state).expect("WASI defines once");
    let ctx = WasiCtx::builder()
        .wall_clock(FixedWallClock)
        .insecure_random_seed((1, 2))
        .stdin(StdinSource::Memory(MemoryInputPipe::new("hello world")))
        .build();
    let mut store = Store::new(&engine, WasiState::new(ctx));
    let instance = linker.instantiate(&mut store, &component).expect("links");
    (store, instance)
}

fn call(store: &mut Store<WasiState>, instance: &Instance, name: &str, args: &[Val]) -> Val {
    let func = instance.get_func(&*store, name).expect("exported");
    let mut results = [Val::Bool(false)];
    func.call(store, args, &mut results).expect("call succeeds");
    results[0].clone()
}

fn bytes(text: &str) -> Val {
    Val::List(text.bytes().map(Val::U8).collect())
}

#[test]
fn records_and_tuples() {
    let (mut store, instance) = setup();
    assert_eq!(
        call(&mut store, &instance, "wall-now", &[]),
        Val::Record(vec![
            ("seconds".into(), Val::U64(42)),
            ("nanoseconds".into(), Val::U32(7)),
        ])
    );
    assert_eq!(
        call(&mut store, &instance, "insecure-seed", &[]),
        Val::Tuple(vec![Val::U64(1), Val::U64(2)])
    );
    match call(&mut store, &instance, "get-random-bytes", &[Val::U64(5)]) {
        Val::List(items) => assert_eq!(items.len(), 5),
        other => panic!("expected a list, got {other:?}"),
    }
}

#[test]
fn streams_results_and_variants() {
    let (mut store, instance) = setup();
    let Val::Own(stdin) = call(&mut store, &instance, "get-stdin", &[]) else {
        panic!("get-stdin returns an own handle");
    };
    let read = |store: &mut Store<WasiState>, len: u64| {
        call(
            store,
            &instance,
            "blocking-read",
            &[Val::Borrow(stdin), Val::U64(len)],
        )
    };
    assert_eq!(
        read(&mut store, 5),
        Val::Result(Ok(Some(Box::new(bytes("hello")))))
    );
    assert_eq!(
        read(&mut store, 100),
        Val::Result(Ok(Some(Box::new(bytes(" world")))))
    );
    assert_eq!(
        read(&mut store, 1),
        Val::Result(Err(Some(Box::new(Val::Variant("closed".into(), None)))))
    );
}

#[test]
fn options_and_stale_handles() {
    let (mut store, instance) = setup();
    assert_eq!(
        call(&mut store, &instance, "get-terminal-stdout", &[]),
        Val::Option(None)
    );
    // A rep the table never issued traps instead of panicking.
    let func = instance
        .get_func(&store, "blocking-read")
        .expect("exported");
    let mut results = [Val::Bool(false)];
    let err = func
        .call(&mut store, &[Val::Borrow(99), Val::U64(1)], &mut results)
        .expect_err("stale handle");
    assert!(err.is_trap(), "{err}");
}
