//! Compresses and decompresses `n` bytes of generated text with miniz_oxide (DEFLATE, level 6).
//!
//! The text is words drawn by a linear congruential generator from a small vocabulary, with
//! numbers mixed in: repetitive enough that the compressor finds matches at every distance,
//! varied enough that it also emits literals, as it would on logs or source code.

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec;

const WORDS: [&str; 16] = [
    "the", "module", "function", "memory", "table", "global", "import", "export", "value", "stack",
    "frame", "branch", "loop", "block", "call", "return",
];

/// Compression level: miniz's default trade-off between lazy matching and speed.
const LEVEL: u8 = 6;

/// `n` bytes of pseudo-random text, the same on every platform.
pub fn generate_text(n: usize) -> Vec<u8> {
    let mut text = Vec::with_capacity(n + 16);
    let mut state: u32 = 0x1234_5678;
    while text.len() < n {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let pick = (state >> 16) as usize;
        if pick.is_multiple_of(7) {
            text.extend_from_slice((pick % 1000).to_string().as_bytes());
        } else {
            text.extend_from_slice(WORDS[pick % WORDS.len()].as_bytes());
        }
        text.push(if pick.is_multiple_of(11) { b'\n' } else { b' ' });
    }
    text.truncate(n);
    text
}

/// FNV-1a over `bytes`: a cheap fingerprint of the compressed stream.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// The compressed size in the high 32 bits and a fingerprint of the compressed bytes in the
/// low 32, or -1 when decompression does not give back the original text.
pub fn run(n: i32) -> i64 {
    let text = generate_text(n.max(0) as usize);
    let compressed = compress_to_vec(&text, LEVEL);
    match decompress_to_vec(&compressed) {
        Ok(roundtrip) if roundtrip == text => {
            ((compressed.len() as i64) << 32) | i64::from(fnv1a(&compressed))
        }
        _ => -1,
    }
}
