//! Reads stdin to its end and prints the length and an FNV-1a hash of the bytes,
//! so the harness can feed large inputs and compare a single line.

use std::io::Read;

fn main() {
    let mut bytes = Vec::new();
    match std::io::stdin().read_to_end(&mut bytes) {
        Ok(_) => println!(
            "stdin: {} bytes, fnv1a64 {:016x}",
            bytes.len(),
            fnv1a64(&bytes)
        ),
        Err(error) => println!("stdin: err {:?}", error.kind()),
    }
}

fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
