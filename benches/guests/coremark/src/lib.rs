//! The `coremark` benchmark guest: exports `run(n: i32) -> i64`, the checksum of one run of the
//! workload in `workload.rs` on a problem of size `n`.

mod workload;

#[unsafe(no_mangle)]
pub extern "C" fn run(n: i32) -> i64 {
    workload::run(n)
}
