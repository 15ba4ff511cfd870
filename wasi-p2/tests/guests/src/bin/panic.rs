//! A panic aborts the guest: the runtime reports a trap (exit status 134) and the
//! panic message reaches stderr.

fn main() {
    println!("before the panic");
    panic!("boom from the guest");
}
