//! Copies stdin to stdout and reports the count on stderr: large output through
//! `wasi:io` streams, with stdout and stderr interleaved.

use std::io::{self, Write};

fn main() {
    let copied = io::copy(&mut io::stdin().lock(), &mut io::stdout().lock());
    match copied {
        Ok(bytes) => eprintln!("cat: copied {bytes} bytes"),
        Err(error) => eprintln!("cat: err {:?}", error.kind()),
    }
    let _ = io::stdout().flush();
}
