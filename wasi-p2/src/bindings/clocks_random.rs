//! `wasi:clocks/{monotonic-clock,wall-clock}` and
//! `wasi:random/{random,insecure,insecure-seed}`.

use myrt_canonical_abi::component::{Error, Linker};

use super::convert::Plain;
use super::{GetState, interface};

pub(super) const INTERFACES: &[&str] = &[
    "wasi:clocks/monotonic-clock",
    "wasi:clocks/wall-clock",
    "wasi:random/random",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
];

pub(super) fn add<T: 'static>(linker: &mut Linker<T>, get: GetState<T>) -> Result<(), Error> {
    interface(linker, get, "wasi:clocks/monotonic-clock", |i| {
        i.func("now", |w, (): ()| Plain(w.monotonic_clock_now()))?;
        i.func("resolution", |w, (): ()| {
            Plain(w.monotonic_clock_resolution())
        })?;
        i.func("subscribe-instant", |w, (when,): (u64,)| {
            w.monotonic_clock_subscribe_instant(when)
        })?;
        i.func("subscribe-duration", |w, (d,): (u64,)| {
            w.monotonic_clock_subscribe_duration(d)
        })
    })?;
    interface(linker, get, "wasi:clocks/wall-clock", |i| {
        i.func("now", |w, (): ()| Plain(w.wall_clock_now()))?;
        i.func("resolution", |w, (): ()| Plain(w.wall_clock_resolution()))
    })?;
    interface(linker, get, "wasi:random/random", |i| {
        i.func("get-random-bytes", |w, (n,): (u64,)| w.get_random_bytes(n))?;
        i.func("get-random-u64", |w, (): ()| Plain(w.get_random_u64()))
    })?;
    interface(linker, get, "wasi:random/insecure", |i| {
        i.func("get-insecure-random-bytes", |w, (n,): (u64,)| {
            w.get_insecure_random_bytes(n)
        })?;
        i.func("get-insecure-random-u64", |w, (): ()| {
            Plain(w.get_insecure_random_u64())
        })
    })?;
    interface(linker, get, "wasi:random/insecure-seed", |i| {
        i.func("insecure-seed", |w, (): ()| Plain(w.insecure_seed()))
    })
}
