//! Line-oriented stdin: counts lines and bytes with `BufRead`, including a last line
//! without a newline, CRLF endings, empty lines, NUL and non-UTF-8 bytes; then reads
//! again after the end, which must keep returning 0 bytes rather than block or fail.

use std::io::{BufRead, Read};

fn main() {
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        match lock.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(n) => {
                number += 1;
                let ends = if line.ends_with(b"\r\n") {
                    "crlf"
                } else if line.ends_with(b"\n") {
                    "lf"
                } else {
                    "none"
                };
                let utf8 = std::str::from_utf8(&line).is_ok();
                let nul = line.contains(&0);
                println!("line {number}: {n} bytes, end {ends}, utf8 {utf8}, nul {nul}");
            }
            Err(error) => {
                println!("read error: {:?}", error.kind());
                break;
            }
        }
    }
    let mut rest = [0u8; 16];
    println!("read after end: {:?}", lock.read(&mut rest).map_err(|e| e.kind()));
    println!("read after end again: {:?}", lock.read(&mut rest).map_err(|e| e.kind()));
}
