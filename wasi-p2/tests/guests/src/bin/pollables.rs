//! wasi:clocks, wasi:io/poll and wasi:random through raw bindings: deadlines from
//! subscribe-duration and subscribe-instant, `poll` picking the ready one, `ready`
//! without blocking, stdout's pollable, and the three random interfaces.

use wasip2::clocks::{monotonic_clock, wall_clock};
use wasip2::io::poll;
use wasip2::random::{insecure, insecure_seed, random};

fn main() {
    println!("monotonic resolution > 0: {}", monotonic_clock::resolution() > 0);
    let wall = wall_clock::resolution();
    println!("wall resolution > 0: {}", wall.seconds > 0 || wall.nanoseconds > 0);

    let start = monotonic_clock::now();
    let long = monotonic_clock::subscribe_duration(10_000_000_000);
    let short = monotonic_clock::subscribe_duration(20_000_000);
    println!("long ready now: {}", long.ready());
    println!("poll picks the short one: {:?}", poll::poll(&[&long, &short]));
    let waited = monotonic_clock::now() - start;
    println!("waited at least 20ms: {}", waited >= 20_000_000);
    println!("waited under 5s: {}", waited < 5_000_000_000);
    println!("short ready after: {}", short.ready());

    let past = monotonic_clock::subscribe_instant(start);
    println!("past instant ready: {}", past.ready());
    let soon = monotonic_clock::subscribe_instant(monotonic_clock::now() + 5_000_000);
    soon.block();
    println!("block returned when ready: {}", soon.ready());
    // The WIT leaves the order of the indices open.
    let mut ready = poll::poll(&[&past, &soon, &short]);
    ready.sort_unstable();
    println!("poll of ready ones: {ready:?}");
    let zero = monotonic_clock::subscribe_duration(0);
    println!("zero duration ready: {}", zero.ready());

    let stdout = wasip2::cli::stdout::get_stdout();
    let writable = stdout.subscribe();
    println!("stdout writable: {}", writable.ready());
    drop(writable);
    println!("stdout check-write > 0: {}", stdout.check_write().is_ok_and(|n| n > 0));

    println!("random bytes 0: {}", random::get_random_bytes(0).len());
    println!("random bytes 100: {}", random::get_random_bytes(100).len());
    let (a, b) = (random::get_random_u64(), random::get_random_u64());
    println!("random u64 differ: {}", a != b);
    println!("insecure bytes 33: {}", insecure::get_insecure_random_bytes(33).len());
    let (c, d) = (insecure::get_insecure_random_u64(), insecure::get_insecure_random_u64());
    println!("insecure u64 differ: {}", c != d);
    println!("insecure seed stable: {}", insecure_seed::insecure_seed() == insecure_seed::insecure_seed());
    let big = random::get_random_bytes(1 << 16);
    println!("64KiB random not all zero: {}", big.iter().any(|&b| b != 0));
}
