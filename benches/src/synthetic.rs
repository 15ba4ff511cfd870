//! A large synthetic module for startup benchmarks: no big real-world module ships with the
//! repository, so one is generated with many functions of realistic shape (locals, loops,
//! branches, memory accesses, calls), big enough that decoding and validation dominate.

use std::fmt::Write;

/// WebAssembly text of a module with `functions` functions. Function `i` calls function
/// `i - 1`, so every body is reachable, and only function 0 is ever executed by a benchmark.
pub fn large_module_wat(functions: usize) -> String {
    let mut wat =
        String::from("(module\n  (memory 1)\n  (global $counter (mut i32) (i32.const 0))\n");
    for index in 0..functions {
        let callee = index.saturating_sub(1);
        // `writeln!` into a String cannot fail.
        let _ = writeln!(
            wat,
            r#"  (func $f{index} (export "f{index}") (param $n i32) (result i32)
    (local $i i32) (local $acc i32) (local $x i64)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (i32.const {index}))))
        (i32.store offset={offset} (i32.and (local.get $i) (i32.const 1020)) (local.get $acc))
        (local.set $x (i64.xor (local.get $x) (i64.extend_i32_u (i32.load (i32.const {offset})))))
        (if (i32.eqz (i32.rem_u (local.get $acc) (i32.const 7)))
          (then (global.set $counter (i32.add (global.get $counter) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (if (result i32) (i32.gt_u (local.get $n) (i32.const 1000))
      (then (call $f{callee} (i32.shr_u (local.get $n) (i32.const 1))))
      (else (i32.add (local.get $acc) (i32.wrap_i64 (local.get $x))))))"#,
            offset = (index % 16) * 4,
        );
    }
    wat.push_str(")\n");
    wat
}

/// Number of functions of the module used by the startup benchmark (about 1 MiB of code).
pub const LARGE_MODULE_FUNCTIONS: usize = 10_000;

/// Binary encoding of the startup benchmark's large module.
pub fn large_module() -> anyhow::Result<Vec<u8>> {
    wat::parse_str(large_module_wat(LARGE_MODULE_FUNCTIONS))
        .map_err(|error| anyhow::anyhow!("the synthetic module does not assemble: {error}"))
}
