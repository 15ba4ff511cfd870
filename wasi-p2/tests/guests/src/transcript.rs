//! The transcript helpers of the `fs` and `escape` guests: one line per operation, so
//! the harness compares the whole run.

use std::fmt::Debug;
use std::io;
use std::path::Path;

/// One transcript line: `label: ok <value>` or `label: err <kind> (os <errno>)`.
pub fn show<T: Debug>(label: &str, result: io::Result<T>) {
    match result {
        Ok(value) => println!("{label}: ok {value:?}"),
        Err(error) => match error.raw_os_error() {
            Some(code) => println!("{label}: err {:?} (os {code})", error.kind()),
            None => println!("{label}: err {:?}", error.kind()),
        },
    }
}

#[allow(deprecated)] // `soft_link` is the portable spelling on wasm32-wasip2.
pub fn symlink(target: &str, link: impl AsRef<Path>) -> io::Result<()> {
    std::fs::soft_link(target, link)
}
