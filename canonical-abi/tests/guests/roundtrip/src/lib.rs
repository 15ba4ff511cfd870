//! The round-trip guest: every export passes its argument through the host import of
//! the same type and returns the host's answer, so one call from the host lowers and
//! lifts the value four times (host -> guest -> host -> guest -> host), twice on each
//! side of the boundary.

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

use exports::myrt::roundtrip::guest::{Guest, GuestCounter, GuestGuestCounter};
use myrt::roundtrip::host::{self, HostCounter};
use myrt::roundtrip::types::{Color, Many, Point, Shape, Small, Wide};

wit_bindgen::generate!({
    world: "roundtrip",
    path: "wit",
});

struct Component;

/// Destructor calls of `Counter`, reported by `guest-counter-drops`.
static COUNTER_DROPS: AtomicU32 = AtomicU32::new(0);

struct Counter {
    value: Cell<u32>,
}

impl Drop for Counter {
    fn drop(&mut self) {
        COUNTER_DROPS.fetch_add(1, Ordering::Relaxed);
    }
}

impl GuestGuestCounter for Counter {
    fn new(start: u32) -> Self {
        Counter {
            value: Cell::new(start),
        }
    }

    fn get(&self) -> u32 {
        self.value.get()
    }

    fn bump(&self, by: u32) {
        self.value.set(self.value.get().wrapping_add(by));
    }
}

impl Guest for Component {
    type GuestCounter = Counter;

    fn echo_bool(v: bool) -> bool {
        host::echo_bool(v)
    }
    fn echo_u8(v: u8) -> u8 {
        host::echo_u8(v)
    }
    fn echo_s8(v: i8) -> i8 {
        host::echo_s8(v)
    }
    fn echo_u16(v: u16) -> u16 {
        host::echo_u16(v)
    }
    fn echo_s16(v: i16) -> i16 {
        host::echo_s16(v)
    }
    fn echo_u32(v: u32) -> u32 {
        host::echo_u32(v)
    }
    fn echo_s32(v: i32) -> i32 {
        host::echo_s32(v)
    }
    fn echo_u64(v: u64) -> u64 {
        host::echo_u64(v)
    }
    fn echo_s64(v: i64) -> i64 {
        host::echo_s64(v)
    }
    fn echo_f32(v: f32) -> f32 {
        host::echo_f32(v)
    }
    fn echo_f64(v: f64) -> f64 {
        host::echo_f64(v)
    }
    fn echo_char(v: char) -> char {
        host::echo_char(v)
    }
    fn echo_string(v: String) -> String {
        host::echo_string(&v)
    }
    fn echo_list_u32(v: Vec<u32>) -> Vec<u32> {
        host::echo_list_u32(&v)
    }
    fn echo_list_string(v: Vec<String>) -> Vec<String> {
        host::echo_list_string(&v)
    }
    fn echo_point(v: Point) -> Point {
        host::echo_point(&v)
    }
    fn echo_tuple(v: (u8, String, f64)) -> (u8, String, f64) {
        host::echo_tuple((v.0, &v.1, v.2))
    }
    fn echo_shape(v: Shape) -> Shape {
        host::echo_shape(&v)
    }
    fn echo_color(v: Color) -> Color {
        host::echo_color(v)
    }
    fn echo_option(v: Option<Option<u32>>) -> Option<Option<u32>> {
        host::echo_option(v)
    }
    fn echo_result(v: Result<String, u16>) -> Result<String, u16> {
        host::echo_result(v.as_deref().map_err(|e| *e))
    }
    fn echo_small(v: Small) -> Small {
        host::echo_small(v)
    }
    fn echo_wide(v: Wide) -> Wide {
        host::echo_wide(v)
    }
    fn echo_many(v: Many) -> Many {
        host::echo_many(&v)
    }

    fn count_with_host(start: u32) -> u32 {
        let counter = HostCounter::new(start);
        counter.get()
    }
    fn make_host_counter(start: u32) -> HostCounter {
        HostCounter::new(start)
    }
    fn peek_host_counter(c: &HostCounter) -> u32 {
        c.get()
    }
    fn consume_host_counter(c: HostCounter) -> u32 {
        c.get()
    }

    fn count_in_guest(start: u32) -> u32 {
        let counter = GuestCounter::new(Counter::new(start));
        let inner = counter.get::<Counter>();
        inner.bump(1);
        inner.get()
    }
    fn consume_guest_counter(c: GuestCounter) -> u32 {
        c.get::<Counter>().get()
    }
    fn guest_counter_drops() -> u32 {
        COUNTER_DROPS.load(Ordering::Relaxed)
    }

    fn fail_at_depth(depth: u32, message: String) -> u32 {
        recurse_then_panic(depth, &message)
    }
}

/// Not inlined, so the trap's backtrace shows one frame per level.
#[inline(never)]
fn recurse_then_panic(depth: u32, message: &str) -> u32 {
    if depth == 0 {
        panic!("{message}");
    }
    // A frame-local the optimizer must keep alive across the call stops it
    // from turning the recursion into a loop.
    let local = std::hint::black_box([depth; 2]);
    recurse_then_panic(depth - 1, message) + std::hint::black_box(local)[1]
}

export!(Component);
