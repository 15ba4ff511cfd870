//! Networking through std with no network granted: every attempt must fail with an
//! error the program can handle (and print), never trap.

use std::net::{TcpListener, TcpStream, ToSocketAddrs, UdpSocket};

fn outcome<T>(result: std::io::Result<T>) -> String {
    match result {
        Ok(_) => "ok".to_string(),
        Err(error) => format!("err {:?}", error.kind()),
    }
}

fn main() {
    println!("tcp connect: {}", outcome(TcpStream::connect("127.0.0.1:9")));
    println!("tcp connect v6: {}", outcome(TcpStream::connect("[::1]:9")));
    println!("tcp listen: {}", outcome(TcpListener::bind("127.0.0.1:0")));
    println!("udp bind: {}", outcome(UdpSocket::bind("0.0.0.0:0")));
    let lookup = ("localhost", 80).to_socket_addrs().map(|addrs| addrs.count());
    println!("name lookup fails: {}", lookup.is_err());
    println!("still running");
}
