//! Serializes a generated document of `n` records with serde_json, parses it back into the
//! typed records, checks they are equal, then parses it once more as an untyped
//! `serde_json::Value` and serializes that: derive-generated (de)serializers, string escaping,
//! number formatting and parsing, maps and vectors, the work a JSON API does per request.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Position {
    x: i32,
    y: i32,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Record {
    id: u32,
    name: String,
    /// Multiples of 1/8: exact in binary and short in decimal, so they survive the text
    /// round trip bit for bit whatever float parsing algorithm serde_json uses.
    score: f64,
    active: bool,
    tags: Vec<String>,
    position: Position,
    note: Option<String>,
}

const TAGS: [&str; 6] = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "quoted \"tag\"",
    "tab\tbed",
];

/// `n` records, the same on every platform.
fn generate_records(n: usize) -> Vec<Record> {
    let mut state: u32 = 0x0bad_cafe;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    };
    (0..n)
        .map(|index| {
            let random = next();
            Record {
                id: index as u32,
                name: format!("record-{index}-{:x}", random >> 8),
                score: f64::from(random % 8000) / 8.0,
                active: random & 1 == 1,
                tags: (0..(random >> 4) % 4)
                    .map(|tag| TAGS[(tag as usize + index) % TAGS.len()].to_string())
                    .collect(),
                position: Position {
                    x: (random % 2001) as i32 - 1000,
                    y: (random >> 11) as i32 % 500,
                },
                note: random
                    .is_multiple_of(5)
                    .then(|| format!("note {index}: \u{e9}t\u{e9}")),
            }
        })
        .collect()
}

/// FNV-1a over `bytes`.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// The document's length in the high 32 bits and a fingerprint of the re-serialized untyped
/// document in the low 32, or -1 when a round trip loses anything.
pub fn run(n: i32) -> i64 {
    let records = generate_records(n.max(0) as usize);
    let Ok(text) = serde_json::to_string(&records) else {
        return -1;
    };
    match serde_json::from_str::<Vec<Record>>(&text) {
        Ok(parsed) if parsed == records => {}
        _ => return -1,
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return -1;
    };
    let Ok(reserialized) = serde_json::to_string(&value) else {
        return -1;
    };
    ((text.len() as i64) << 32) | i64::from(fnv1a(reserialized.as_bytes()))
}
