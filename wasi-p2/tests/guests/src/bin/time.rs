//! Clocks: the wall clock is near the present, `Instant` never goes back, and a
//! 10 ms sleep takes at least 10 ms (and not absurdly long).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    // 2020-01-01 .. 2100-01-01
    let sane = (1_577_836_800..4_102_444_800).contains(&now.as_secs());
    println!("wall clock sane: {sane}");

    let mut previous = Instant::now();
    let mut monotonic = true;
    for _ in 0..1000 {
        let next = Instant::now();
        monotonic &= next >= previous;
        previous = next;
    }
    println!("instant monotonic: {monotonic}");

    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(10));
    let slept = start.elapsed();
    println!(
        "slept at least 10ms: {}",
        slept >= Duration::from_millis(10)
    );
    println!("slept under 5s: {}", slept < Duration::from_secs(5));
}
