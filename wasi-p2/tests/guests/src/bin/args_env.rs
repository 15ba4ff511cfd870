//! Prints what the guest was given: its arguments (argv[0] is the file's name without
//! its directories, as wasmtime passes it), every environment variable, and whether
//! any directory is reachable. Run without grants it shows that nothing leaks in.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("argc={}", args.len());
    for (index, arg) in args.iter().enumerate() {
        println!("argv[{index}]={arg:?}");
    }
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    println!("envc={}", vars.len());
    for (name, value) in vars {
        println!("env {name}={value:?}");
    }
    for dir in ["/", ".", "/sandbox"] {
        match std::fs::read_dir(dir) {
            Ok(entries) => println!("read_dir({dir:?}): ok, {} entries", entries.count()),
            Err(error) => println!("read_dir({dir:?}): err {:?}", error.kind()),
        }
    }
}
