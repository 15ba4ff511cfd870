//! wasi:io streams and pollables on pipes and clocks; wasi:cli, clocks and
//! random through `WasiImpl`; resource-table ownership rules.

#[path = "common/clock.rs"]
mod clock;

use std::time::{Duration, Instant};

use clock::FixedWallClock;
use myrt_wasi_p2::clocks::Datetime;
use myrt_wasi_p2::io::pipes::{MemoryInputPipe, MemoryOutputPipe};
use myrt_wasi_p2::io::stdio::{OutputSink, StdinSource};
use myrt_wasi_p2::random::SplitMix64;
use myrt_wasi_p2::{HostError, ResourceTable, StreamError, TableError, WasiCtx, WasiImpl};

#[test]
fn environment_arguments_and_cwd() {
    // `std::env::set_var` is unsafe in a multi-threaded test binary: rely on
    // PATH, which the runner's environment normally has, for inheritance.
    let mut ctx = WasiCtx::builder()
        .args(["prog.wasm", "--flag"])
        .env("A", "1")
        .env("B", "2")
        .env("A", "3")
        .inherit_env_var("PATH")
        .inherit_env_var("MYRT_SURELY_UNSET_VARIABLE")
        .initial_cwd("/work")
        .build();
    let mut table = ResourceTable::new();
    let mut wasi = WasiImpl::new(&mut ctx, &mut table);
    assert_eq!(wasi.get_arguments(), ["prog.wasm", "--flag"]);
    let env = wasi.get_environment();
    assert_eq!(
        &env[..2],
        &[
            ("B".to_string(), "2".to_string()),
            ("A".to_string(), "3".to_string())
        ]
    );
    assert_eq!(env.len(), 2 + std::env::var("PATH").is_ok() as usize);
    assert_eq!(wasi.initial_cwd().as_deref(), Some("/work"));

    let mut bare = WasiCtx::builder().build();
    let mut wasi = WasiImpl::new(&mut bare, &mut table);
    assert!(
        wasi.get_environment().is_empty(),
        "nothing is inherited by default"
    );
    assert!(wasi.get_arguments().is_empty());
    assert_eq!(wasi.initial_cwd(), None);
    assert!(wasi.get_directories().unwrap().is_empty());
}

#[test]
fn exit_codes() {
    let mut ctx = WasiCtx::builder().build();
    let mut table = ResourceTable::new();
    let mut wasi = WasiImpl::new(&mut ctx, &mut table);
    assert!(matches!(wasi.exit(Ok(())), HostError::Exit(0)));
    assert!(matches!(wasi.exit(Err(())), HostError::Exit(1)));
    assert!(matches!(wasi.exit_with_code(42), HostError::Exit(42)));
    assert_eq!(ctx.exit_code(), Some(42));
}

#[test]
fn stdio_through_memory_pipes() {
    let stdout = MemoryOutputPipe::new(1024);
    let stderr = MemoryOutputPipe::new(4);
    let mut ctx = WasiCtx::builder()
        .stdin(StdinSource::Memory(MemoryInputPipe::new("hello stdin")))
        .stdout(OutputSink::Memory(stdout.clone()))
        .stderr(OutputSink::Memory(stderr.clone()))
        .build();
    let mut table = ResourceTable::new();
    let mut wasi = WasiImpl::new(&mut ctx, &mut table);

    let stdin = wasi.get_stdin().unwrap();
    assert_eq!(wasi.input_stream_read(&stdin, 5).unwrap(), b"hello");
    // a second handle shares the position
    let stdin2 = wasi.get_stdin().unwrap();
    assert_eq!(wasi.input_stream_skip(&stdin2, 1).unwrap(), 1);
    assert_eq!(
        wasi.input_stream_blocking_read(&stdin, 100).unwrap(),
        b"stdin"
    );
    assert!(matches!(
        wasi.input_stream_read(&stdin, 1),
        Err(StreamError::Closed)
    ));
    assert_eq!(
        wasi.input_stream_read(&stdin, 0).unwrap(),
        b"",
        "a zero-length read is not the end"
    );

    let out = wasi.get_stdout().unwrap();
    wasi.output_stream_blocking_write_and_flush(&out, b"out!")
        .unwrap();
    assert_eq!(stdout.contents(), b"out!");

    let err = wasi.get_stderr().unwrap();
    assert_eq!(wasi.output_stream_check_write(&err).unwrap(), 4);
    wasi.output_stream_write(&err, b"1234").unwrap();
    assert!(matches!(
        wasi.output_stream_write(&err, b"5"),
        Err(StreamError::Trap(HostError::WriteNotPermitted {
            requested: 1,
            permitted: 0
        }))
    ));
    let Err(StreamError::LastOperationFailed(error)) = wasi.output_stream_check_write(&err) else {
        panic!("writing to a full pipe must fail")
    };
    assert!(wasi.error_to_debug_string(&error).unwrap().contains("full"));
    assert_eq!(wasi.filesystem_error_code(&error).unwrap(), None);
    wasi.error_drop(error).unwrap();

    // none of them is a terminal
    assert!(wasi.get_terminal_stdin().unwrap().is_none());
    assert!(wasi.get_terminal_stdout().unwrap().is_none());
    assert!(wasi.get_terminal_stderr().unwrap().is_none());

    // splice pipe -> pipe
    let mut ctx2 = WasiCtx::builder()
        .stdin(StdinSource::Memory(MemoryInputPipe::new("spliced")))
        .stdout(OutputSink::Memory(stdout.clone()))
        .build();
    let mut wasi = WasiImpl::new(&mut ctx2, &mut table);
    let src = wasi.get_stdin().unwrap();
    let dst = wasi.get_stdout().unwrap();
    assert_eq!(
        wasi.output_stream_blocking_splice(&dst, &src, 100).unwrap(),
        7
    );
    assert!(matches!(
        wasi.output_stream_splice(&dst, &src, 100),
        Err(StreamError::Closed)
    ));
    assert_eq!(stdout.contents(), b"out!spliced");
}

#[test]
fn default_stdio_is_closed_and_discarding() {
    let mut ctx = WasiCtx::builder().build();
    let mut table = ResourceTable::new();
    let mut wasi = WasiImpl::new(&mut ctx, &mut table);
    let stdin = wasi.get_stdin().unwrap();
    assert!(matches!(
        wasi.input_stream_blocking_read(&stdin, 10),
        Err(StreamError::Closed)
    ));
    let out = wasi.get_stdout().unwrap();
    wasi.output_stream_blocking_write_and_flush(&out, b"dropped")
        .unwrap();
}

#[test]
fn file_stream_failure_maps_to_error_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f"), "x").unwrap();
    let mut ctx = WasiCtx::builder()
        .preopened_dir(
            dir.path(),
            ".",
            myrt_wasi_p2::fs::DirPerms::all(),
            myrt_wasi_p2::fs::FilePerms::all(),
        )
        .unwrap()
        .build();
    let mut table = ResourceTable::new();
    let mut wasi = WasiImpl::new(&mut ctx, &mut table);
    let root = wasi.get_directories().unwrap().remove(0).0;
    let rw = myrt_wasi_p2::fs::DescriptorFlags::READ | myrt_wasi_p2::fs::DescriptorFlags::WRITE;
    let f = wasi
        .descriptor_open_at(
            &root,
            myrt_wasi_p2::fs::PathFlags::empty(),
            "f",
            myrt_wasi_p2::fs::OpenFlags::empty(),
            rw,
        )
        .unwrap();
    let out = wasi.descriptor_write_via_stream(&f, u64::MAX - 1).unwrap();
    wasi.output_stream_check_write(&out).unwrap();
    let Err(StreamError::LastOperationFailed(error)) = wasi.output_stream_write(&out, b"boom")
    else {
        panic!("a write past the largest file size must fail")
    };
    assert!(wasi.filesystem_error_code(&error).unwrap().is_some());
}

#[test]
fn clocks_and_pollables() {
    let mut ctx = WasiCtx::builder().wall_clock(FixedWallClock).build();
    let mut table = ResourceTable::new();
    let mut wasi = WasiImpl::new(&mut ctx, &mut table);
    assert_eq!(
        wasi.wall_clock_now(),
        Datetime {
            seconds: 42,
            nanoseconds: 7
        }
    );
    assert_eq!(wasi.wall_clock_resolution().nanoseconds, 1);
    assert!(wasi.monotonic_clock_resolution() > 0);
    let t0 = wasi.monotonic_clock_now();
    assert!(wasi.monotonic_clock_now() >= t0);

    let past = wasi.monotonic_clock_subscribe_instant(0).unwrap();
    assert!(wasi.pollable_ready(&past).unwrap());
    let far = wasi
        .monotonic_clock_subscribe_duration(3_600_000_000_000)
        .unwrap();
    assert!(!wasi.pollable_ready(&far).unwrap());
    assert_eq!(
        wasi.poll(&[far.borrowed(), past.borrowed()]).unwrap(),
        vec![1]
    );

    let started = Instant::now();
    let soon = wasi.monotonic_clock_subscribe_duration(30_000_000).unwrap();
    assert_eq!(
        wasi.poll(&[far.borrowed(), soon.borrowed()]).unwrap(),
        vec![1]
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(29),
        "poll returned after {waited:?}"
    );
    assert!(waited < Duration::from_secs(5));

    let started = Instant::now();
    let block = wasi.monotonic_clock_subscribe_duration(10_000_000).unwrap();
    wasi.pollable_block(&block).unwrap();
    assert!(started.elapsed() >= Duration::from_millis(9));

    assert!(matches!(wasi.poll(&[]), Err(HostError::EmptyPollList)));
    wasi.pollable_drop(far).unwrap();
    let stale = past.borrowed();
    wasi.pollable_drop(past).unwrap();
    assert!(matches!(
        wasi.poll(&[stale]),
        Err(HostError::Table(TableError::NotPresent(_)))
    ));
}

#[test]
fn randomness() {
    let mut ctx = WasiCtx::builder()
        .insecure_random(SplitMix64::new(7))
        .insecure_random_seed((1, 2))
        .build();
    let mut table = ResourceTable::new();
    let mut wasi = WasiImpl::new(&mut ctx, &mut table);
    let a = wasi.get_random_bytes(32).unwrap();
    let b = wasi.get_random_bytes(32).unwrap();
    assert_eq!(a.len(), 32);
    assert_ne!(a, b);
    assert_ne!(wasi.get_random_u64(), wasi.get_random_u64());
    assert_eq!(wasi.insecure_seed(), (1, 2));
    assert_eq!(wasi.insecure_seed(), (1, 2));
    let x = wasi.get_insecure_random_u64();
    let mut again = SplitMix64::new(7);
    assert_eq!(x, myrt_wasi_p2::random::RandomSource::next_u64(&mut again));
    assert_eq!(wasi.get_insecure_random_bytes(13).unwrap().len(), 13);
    assert!(matches!(
        wasi.get_random_bytes(1 << 40),
        Err(HostError::TooLarge { .. })
    ));

    let seeds: Vec<_> = (0..2)
        .map(|_| WasiCtx::builder().build())
        .map(|mut c| WasiImpl::new(&mut c, &mut table).insecure_seed())
        .collect();
    assert_ne!(seeds[0], seeds[1], "default seeds are random");
}

#[test]
fn resource_table_rules() {
    let mut table = ResourceTable::new();
    let parent = table.push(String::from("parent")).unwrap();
    assert_ne!(parent.rep(), 0, "rep 0 is never issued");
    let child = table.push_child(5u32, &parent).unwrap();
    assert_eq!(table.get(&parent).unwrap(), "parent");
    assert_eq!(
        table.delete(parent.borrowed()),
        Err(TableError::HasChildren(parent.rep()))
    );
    let wrong = myrt_wasi_p2::Resource::<u64>::new(child.rep());
    assert!(matches!(
        table.get(&wrong),
        Err(TableError::WrongType { .. })
    ));
    assert!(matches!(
        table.delete(wrong),
        Err(TableError::WrongType { .. })
    ));
    assert_eq!(table.delete(child).unwrap(), 5);
    assert_eq!(table.delete(parent.borrowed()).unwrap(), "parent");
    assert_eq!(
        table.get(&parent),
        Err(TableError::NotPresent(parent.rep()))
    );
    assert!(
        table
            .get(&myrt_wasi_p2::Resource::<String>::new(0))
            .is_err()
    );
    assert!(table.is_empty());
    // freed slots are reused
    let again = table.push(String::from("again")).unwrap();
    assert_eq!(again.rep(), parent.rep());
}

/// Runs this test binary again as a child with a piped stdin, so the
/// inherited-stdio streams see a real host pipe (poll, non-blocking read,
/// end of stream) without touching the test runner's own stdin.
#[test]
fn inherited_stdin_and_stdout() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    if std::env::var_os("MYRT_WASI_STDIO_CHILD").is_some() {
        let mut ctx = WasiCtx::builder().inherit_stdio().build();
        let mut table = ResourceTable::new();
        let mut wasi = WasiImpl::new(&mut ctx, &mut table);
        let stdin = wasi.get_stdin().unwrap();
        let stdout = wasi.get_stdout().unwrap();
        let readable = wasi.input_stream_subscribe(&stdin).unwrap();
        let mut got = Vec::new();
        loop {
            wasi.poll(&[readable.borrowed()]).unwrap();
            match wasi.input_stream_read(&stdin, 4) {
                Ok(bytes) => got.extend(bytes),
                Err(StreamError::Closed) => break,
                Err(other) => panic!("{other:?}"),
            }
        }
        assert!(
            wasi.get_terminal_stdin().unwrap().is_none(),
            "a pipe is not a terminal"
        );
        let line = format!("got:{}\n", String::from_utf8_lossy(&got));
        wasi.output_stream_blocking_write_and_flush(&stdout, line.as_bytes())
            .unwrap();
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "inherited_stdin_and_stdout", "--nocapture"])
        .env("MYRT_WASI_STDIO_CHILD", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"from the host").unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("got:from the host\n"), "{text}");
}

#[test]
fn large_zero_writes_are_chunked() {
    let sink = MemoryOutputPipe::new(3 << 20);
    let mut ctx = WasiCtx::builder()
        .stdout(OutputSink::Memory(sink.clone()))
        .build();
    let mut table = ResourceTable::new();
    let mut wasi = WasiImpl::new(&mut ctx, &mut table);
    let out = wasi.get_stdout().unwrap();
    wasi.output_stream_blocking_write_zeroes_and_flush(&out, (2 << 20) + 5)
        .unwrap();
    assert_eq!(sink.contents().len(), (2 << 20) + 5);
}

#[test]
fn preopen_errors_name_the_directory() {
    let err = WasiCtx::builder()
        .preopened_dir(
            "/definitely/not/here",
            "x",
            myrt_wasi_p2::fs::DirPerms::all(),
            myrt_wasi_p2::fs::FilePerms::all(),
        )
        .err()
        .expect("a missing directory cannot be preopened");
    assert!(err.to_string().contains("/definitely/not/here"), "{err}");
}

/// Embedders keep these in a `Store<T>` that may move between threads.
#[test]
fn host_state_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<WasiCtx>();
    assert_send::<ResourceTable>();
}
