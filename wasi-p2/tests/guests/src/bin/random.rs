//! std seeds `RandomState` from the host's `wasi:random`: the harness runs this twice
//! and checks the `seed` lines differ. Within one run, two states must differ too.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

fn main() {
    let first = RandomState::new().hash_one("myrt");
    let second = RandomState::new().hash_one("myrt");
    println!("two states differ: {}", first != second);
    println!("seed {first:016x}");
}
