//! Every compute program on myrt, with small inputs, against checksums computed independently
//! in Rust here (and, where there are any, against published values). Never timings.
//!
//! The Rust guests' expected checksums come from their own workload code compiled natively
//! for the host (the `#[path]` modules below): the same source run by rustc's x86-64 backend
//! instead of through wasm and an interpreter.

use myrt_benches::myrt_runner::MyrtProgram;
use myrt_benches::programs::{self, Program};

#[path = "../guests/coremark/src/workload.rs"]
mod coremark_workload;
#[path = "../guests/deflate/src/workload.rs"]
mod deflate_workload;
#[path = "../guests/json/src/workload.rs"]
mod json_workload;
#[path = "../guests/regex/src/workload.rs"]
mod regex_workload;

/// Runs `program` on myrt for each input (all in one instance, as the benchmarks do, so the
/// programs' re-initialisation of memory between calls is exercised too).
fn run_all(program: &Program, inputs: &[i32]) -> (MyrtProgram, Vec<i64>) {
    let wasm = program.wasm().expect("the checked-in program assembles");
    let mut instance = MyrtProgram::new(&myrt_interp::Engine::default(), &wasm, program.export)
        .unwrap_or_else(|error| panic!("{}: cannot instantiate: {error}", program.name));
    let results = inputs
        .iter()
        .map(|&input| {
            instance
                .call(input)
                .unwrap_or_else(|error| panic!("{}({input}) failed: {error}", program.name))
        })
        .collect();
    (instance, results)
}

fn fib_reference(n: i32) -> i64 {
    let (mut current, mut next) = (0i64, 1i64);
    for _ in 0..n {
        (current, next) = (next, current + next);
    }
    current
}

#[test]
fn fib_matches_reference() {
    let inputs = [0, 1, 2, 3, 10, 20, 22];
    let (_, results) = run_all(&programs::FIB, &inputs);
    for (&n, &result) in inputs.iter().zip(&results) {
        assert_eq!(result, fib_reference(n), "fib({n})");
    }
    assert_eq!(results[5], 6765, "fib(20), the published value");
}

fn prime_count_reference(n: i32) -> i64 {
    let n = n as usize;
    let mut composite = vec![false; n + 1];
    let mut count = 0;
    for i in 2..=n {
        if !composite[i] {
            count += 1;
            for multiple in (i * i..=n).step_by(i) {
                composite[multiple] = true;
            }
        }
    }
    count
}

#[test]
fn sieve_matches_reference() {
    // 100_000 needs a second memory page, so the in-guest memory.grow is exercised.
    let inputs = [0, 1, 2, 3, 10, 100, 1000, 100_000, 50];
    let (_, results) = run_all(&programs::SIEVE, &inputs);
    for (&n, &result) in inputs.iter().zip(&results) {
        assert_eq!(result, prime_count_reference(n), "sieve({n})");
    }
    // Published values of the prime-counting function.
    assert_eq!(results[5], 25);
    assert_eq!(results[6], 168);
    assert_eq!(results[7], 9592);
}

/// A plain FIPS 180-4 SHA-256, written independently of the guest (byte-oriented padding,
/// array-based schedule) so the two do not share mistakes.
fn sha256_reference(message: &[u8]) -> [u8; 32] {
    #[rustfmt::skip]
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];
    #[rustfmt::skip]
    let mut state: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];
    let mut padded = message.to_vec();
    padded.push(0x80);
    while padded.len() % 64 != 56 {
        padded.push(0);
    }
    padded.extend_from_slice(&((message.len() as u64) * 8).to_be_bytes());

    for block in padded.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (t, word) in block.chunks_exact(4).enumerate() {
            w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for t in 16..64 {
            let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
            let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16]
                .wrapping_add(s0)
                .wrapping_add(w[t - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = state;
        for t in 0..64 {
            let big_s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let choose = (e & f) ^ (!e & g);
            let temp1 = h
                .wrapping_add(big_s1)
                .wrapping_add(choose)
                .wrapping_add(K[t])
                .wrapping_add(w[t]);
            let big_s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let majority = (a & b) ^ (a & c) ^ (b & c);
            let temp2 = big_s0.wrapping_add(majority);
            (h, g, f, e, d, c, b, a) = (
                g,
                f,
                e,
                d.wrapping_add(temp1),
                c,
                b,
                a,
                temp1.wrapping_add(temp2),
            );
        }
        for (word, add) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
            *word = word.wrapping_add(add);
        }
    }
    let mut digest = [0u8; 32];
    for (bytes, word) in digest.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[test]
fn sha256_reference_matches_published_vectors() {
    // FIPS 180-4 examples (NIST CSRC "SHA256.pdf" and "SHA2_Additional.pdf").
    assert_eq!(
        hex(&sha256_reference(b"")),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        hex(&sha256_reference(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        hex(&sha256_reference(
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        )),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

/// The guest's message: byte i is the top byte of the (i+1)-th LCG state (see sha256.wat).
fn guest_message(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x2545_F491;
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn sha256_matches_reference() {
    // Lengths around the padding boundaries (55/56 bytes fit one block or not, 64 is exact),
    // several blocks, and one that needs a second memory page.
    let inputs = [0, 1, 55, 56, 63, 64, 65, 119, 1000, 70_000];
    let wasm = programs::SHA256
        .wasm()
        .expect("the checked-in program assembles");
    let mut instance = MyrtProgram::new(
        &myrt_interp::Engine::default(),
        &wasm,
        programs::SHA256.export,
    )
    .unwrap_or_else(|error| panic!("sha256: cannot instantiate: {error}"));
    for n in inputs {
        let checksum = instance
            .call(n)
            .unwrap_or_else(|error| panic!("sha256({n}) failed: {error}"));
        let expected = sha256_reference(&guest_message(n as usize));
        let digest = instance
            .read_memory(programs::SHA256_DIGEST_ADDRESS, 32)
            .unwrap_or_else(|error| panic!("sha256({n}): cannot read the digest: {error}"));
        assert_eq!(hex(&digest), hex(&expected), "sha256({n}) digest");
        let expected_checksum = i64::from_be_bytes(expected[..8].try_into().expect("8 bytes"));
        assert_eq!(checksum, expected_checksum, "sha256({n}) checksum");
    }
}

fn matmul_reference(n: i32) -> i64 {
    let n = n as usize;
    let a = |i: usize, j: usize| ((3 * i + 7 * j) % 13) as f64 * 0.1 - 0.6;
    let b = |i: usize, j: usize| ((5 * i + 11 * j) % 17) as f64 * 0.3 - 2.5;
    let mut checksum = 0.0f64;
    for i in 0..n {
        for j in 0..n {
            let mut acc = 0.0f64;
            for k in 0..n {
                acc += a(i, k) * b(k, j);
            }
            checksum += acc;
        }
    }
    checksum.to_bits() as i64
}

#[test]
fn matmul_matches_reference() {
    // 60 x 60 x 3 matrices of f64 need two memory pages.
    let inputs = [0, 1, 2, 7, 33, 60, 5];
    let (_, results) = run_all(&programs::MATMUL, &inputs);
    for (&n, &result) in inputs.iter().zip(&results) {
        assert_eq!(
            f64::from_bits(result as u64),
            f64::from_bits(matmul_reference(n) as u64),
            "matmul({n})"
        );
        assert_eq!(result, matmul_reference(n), "matmul({n}) bits");
    }
}

/// Runs `program` on myrt for each input and compares with `native`, the guest's workload
/// compiled for the host. Returns the checksums, to check properties of them too.
fn check_guest(program: &Program, inputs: &[i32], native: fn(i32) -> i64) -> Vec<i64> {
    let (_, results) = run_all(program, inputs);
    for (&n, &result) in inputs.iter().zip(&results) {
        assert_eq!(result, native(n), "{}({n}) on myrt vs native", program.name);
        assert_ne!(
            result, -1,
            "{}({n}): the guest's own round-trip check failed",
            program.name
        );
    }
    results
}

#[test]
fn deflate_matches_native() {
    // Empty input, one byte, less than one 32 KiB window, and several windows.
    let results = check_guest(
        &programs::DEFLATE,
        &[0, 1, 1000, 70_000, 5],
        deflate_workload::run,
    );
    let compressed_size = |checksum: i64| checksum >> 32;
    assert!(
        compressed_size(results[3]) < 70_000 / 3,
        "the generated text should compress well, got {} bytes",
        compressed_size(results[3])
    );
}

#[test]
fn json_matches_native() {
    check_guest(&programs::JSON, &[0, 1, 10, 150, 3], json_workload::run);
}

#[test]
fn regex_matches_native() {
    let results = check_guest(&programs::REGEX, &[0, 1, 40, 2], regex_workload::run);
    assert_ne!(
        results[2], results[0],
        "40 lines of text should match something"
    );
}

#[test]
fn coremark_matches_native() {
    check_guest(&programs::COREMARK, &[0, 1, 2, 7], coremark_workload::run);
}

#[test]
fn large_real_module_is_accepted() {
    let module =
        myrt_interp::Module::new(&myrt_interp::Engine::default(), programs::LARGE_REAL_MODULE);
    assert!(
        module.is_ok(),
        "myrt rejects the debug build of the regex guest: {:?}",
        module.err()
    );
    assert!(
        programs::LARGE_REAL_MODULE.len() > 2 << 20,
        "the startup benchmark's real module shrank to {} bytes",
        programs::LARGE_REAL_MODULE.len()
    );
}

#[test]
fn synthetic_module_assembles() {
    let wasm = myrt_benches::synthetic::large_module().expect("assembles");
    let module = myrt_interp::Module::new(&myrt_interp::Engine::default(), &wasm);
    assert!(
        module.is_ok(),
        "myrt rejects the startup benchmark's module: {:?}",
        module.err()
    );
}
