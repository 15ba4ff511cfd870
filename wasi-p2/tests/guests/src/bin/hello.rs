//! The smallest command: one line on stdout, exit status 0.

fn main() {
    println!("hello, world");
}
