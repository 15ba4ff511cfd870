//! `std::process::exit(argv[1])`, after a line on stdout that must not be lost.

fn main() {
    let code: i32 = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(0);
    println!("exiting with {code}");
    std::process::exit(code);
}
