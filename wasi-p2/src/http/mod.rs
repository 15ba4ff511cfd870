//! `wasi:http` for guests of `wasi:cli/command` that import it: a guest
//! builds requests and responses (fields, methods, URIs, bodies, options)
//! exactly as the WIT describes, and `outgoing-handler.handle` refuses to
//! send with `HTTP-request-denied`, since no network is granted.
//!
//! The `incoming-*` resources, `future-*` and `response-outparam` only come
//! from a server (`wasi:http/incoming-handler`) or from a request that was
//! sent; a `run` guest can never hold one.

pub mod fields;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use fields::{Fields, FieldsRefusal, HeaderError};

use crate::io::poll::Pollable;
use crate::io::streams::{HostOutputStream, MAX_CHUNK, StreamResult};

/// `wasi:http/types.method`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
    Other(String),
}

impl Method {
    /// RFC 9110 §9.1: `method = token`.
    pub fn is_valid(&self) -> bool {
        match self {
            Method::Other(name) => fields::is_valid_name(name),
            _ => true,
        }
    }
}

/// `wasi:http/types.scheme`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
    Other(String),
}

impl Scheme {
    /// RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    pub fn is_valid(&self) -> bool {
        match self {
            Scheme::Other(name) => {
                let mut bytes = name.bytes();
                bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
                    && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
            }
            _ => true,
        }
    }
}

/// RFC 3986 §2.3 unreserved and §2.2 sub-delims, and `%` of a
/// pct-encoding (checked for its two hex digits by the callers).
fn is_uri_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=%".contains(&byte)
}

fn pct_encodings_are_complete(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// RFC 3986 §3.2: `[ userinfo "@" ] host [ ":" port ]`, host a reg-name,
/// an IPv4 address or a bracketed IP literal; the port is decimal and
/// below 65536.
pub fn is_valid_authority(authority: &str) -> bool {
    let host_port = match authority.rsplit_once('@') {
        Some((userinfo, rest)) => {
            if !userinfo.bytes().all(|b| is_uri_char(b) || b == b':') {
                return false;
            }
            rest
        }
        None => authority,
    };
    let (host_ok, port) = if let Some(literal) = host_port.strip_prefix('[') {
        let Some((inside, after)) = literal.split_once(']') else {
            return false;
        };
        let inside_ok = !inside.is_empty()
            && inside
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b":.".contains(&b));
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return false,
            },
        };
        (inside_ok, port)
    } else {
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        };
        (!host.is_empty() && host.bytes().all(is_uri_char), port)
    };
    let port_ok = port.is_none_or(|port| {
        port.is_empty() || (port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok())
    });
    host_ok && port_ok && pct_encodings_are_complete(authority)
}

/// RFC 9112 §3.2 origin-form (`/path?query`), or `*` (asterisk-form):
/// visible ASCII only, no fragment.
pub fn is_valid_path_with_query(path: &str) -> bool {
    let form_ok = path == "*" || path.starts_with('/') || path.starts_with('?');
    form_ok
        && path.bytes().all(|b| b.is_ascii_graphic() && b != b'#')
        && pct_encodings_are_complete(path)
}

/// `wasi:http/types.error-code`: the cases this host produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpErrorCode {
    /// `handle` without a granted network.
    RequestDenied,
    /// `handle` of a request that names no host to send it to.
    RequestUriInvalid,
    /// `handle` of a request with a method the scheme cannot carry.
    RequestMethodInvalid,
    /// `outgoing-body.finish` of a request body whose length differs
    /// from its `content-length`.
    RequestBodySize(Option<u64>),
    /// The same for a response body.
    ResponseBodySize(Option<u64>),
}

/// `outgoing-request`: headers are fixed at construction (the constructor
/// takes the `fields`), so `headers()` hands out immutable copies.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    pub method: Method,
    pub path_with_query: Option<String>,
    pub scheme: Option<Scheme>,
    pub authority: Option<String>,
    pub headers: Fields,
    pub body_taken: bool,
}

impl OutgoingRequest {
    pub fn new(headers: Fields) -> Self {
        OutgoingRequest {
            method: Method::Get,
            path_with_query: None,
            scheme: None,
            authority: None,
            headers,
            body_taken: false,
        }
    }

    /// What `outgoing-handler.handle` checks before sending: HTTP and HTTPS
    /// need an authority (RFC 9110 §4.2.1), and CONNECT is not a request
    /// for a resource.
    pub fn check_sendable(&self) -> Result<(), HttpErrorCode> {
        let needs_authority = matches!(self.scheme, None | Some(Scheme::Http | Scheme::Https));
        if needs_authority && self.authority.as_deref().is_none_or(str::is_empty) {
            return Err(HttpErrorCode::RequestUriInvalid);
        }
        if self.method == Method::Connect {
            return Err(HttpErrorCode::RequestMethodInvalid);
        }
        Ok(())
    }
}

/// `outgoing-response`, status 200 until set.
#[derive(Debug, Clone)]
pub struct OutgoingResponse {
    pub status: u16,
    pub headers: Fields,
    pub body_taken: bool,
}

impl OutgoingResponse {
    pub fn new(headers: Fields) -> Self {
        OutgoingResponse {
            status: 200,
            headers,
            body_taken: false,
        }
    }

    /// RFC 9110 §15: three digits, 100 to 599 in use; the http ecosystem
    /// (and the WIT's "valid http status code") accepts 100..=999.
    pub fn is_valid_status(status: u16) -> bool {
        (100..=999).contains(&status)
    }
}

/// `request-options`: the three timeouts, in nanoseconds.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub connect_timeout: Option<u64>,
    pub first_byte_timeout: Option<u64>,
    pub between_bytes_timeout: Option<u64>,
}

/// Whose body an `outgoing-body` is: decides the error `finish` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyOf {
    Request,
    Response,
}

/// `outgoing-body`. Nothing can be sent, so the contents are counted (for
/// the `content-length` check of `finish`) and not kept.
#[derive(Debug)]
pub struct OutgoingBody {
    pub of: BodyOf,
    pub content_length: Option<u64>,
    pub written: Arc<AtomicU64>,
    pub stream_taken: bool,
}

impl OutgoingBody {
    pub fn new(of: BodyOf, content_length: Option<u64>) -> Self {
        OutgoingBody {
            of,
            content_length,
            written: Arc::default(),
            stream_taken: false,
        }
    }

    /// The stream `write()` hands out, counting into this body.
    pub fn stream(&self) -> BodyStream {
        BodyStream {
            written: Arc::clone(&self.written),
        }
    }

    /// `finish`: the contents must match a declared `content-length`.
    pub fn finish(&self) -> Result<(), HttpErrorCode> {
        let written = self.written.load(Ordering::Relaxed);
        match self.content_length {
            Some(expected) if expected != written => Err(match self.of {
                BodyOf::Request => HttpErrorCode::RequestBodySize(Some(written)),
                BodyOf::Response => HttpErrorCode::ResponseBodySize(Some(written)),
            }),
            _ => Ok(()),
        }
    }
}

/// The `output-stream` of an `outgoing-body`.
pub struct BodyStream {
    written: Arc<AtomicU64>,
}

impl HostOutputStream for BodyStream {
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(MAX_CHUNK)
    }

    fn write(&mut self, bytes: &[u8]) -> StreamResult<()> {
        self.written
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn readiness(&self) -> Pollable {
        Pollable::Ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities() {
        for ok in [
            "example.com",
            "example.com:8080",
            "a@b:1",
            "[::1]:443",
            "[::1]",
            "10.0.0.1",
            "h:",
        ] {
            assert!(is_valid_authority(ok), "{ok}");
        }
        for bad in [
            "",
            "exa mple.com",
            "h:99999",
            "h:x",
            "[::1",
            "[zz]",
            "a/b",
            "h%2",
            "[::1]x",
        ] {
            assert!(!is_valid_authority(bad), "{bad}");
        }
    }

    #[test]
    fn paths_methods_schemes() {
        assert!(is_valid_path_with_query("/a/b?c=d&e"));
        assert!(is_valid_path_with_query("*"));
        assert!(!is_valid_path_with_query("/a b"));
        assert!(!is_valid_path_with_query("/a#frag"));
        assert!(!is_valid_path_with_query("relative"));
        assert!(Method::Other("PROPFIND".into()).is_valid());
        assert!(!Method::Other("BAD METHOD".into()).is_valid());
        assert!(!Method::Other(String::new()).is_valid());
        assert!(Scheme::Other("git+ssh".into()).is_valid());
        assert!(!Scheme::Other("1http".into()).is_valid());
    }

    #[test]
    fn finish_checks_content_length() {
        let body = OutgoingBody::new(BodyOf::Request, Some(3));
        let mut stream = body.stream();
        stream.write(b"ab").unwrap();
        assert_eq!(body.finish(), Err(HttpErrorCode::RequestBodySize(Some(2))));
        stream.write(b"c").unwrap();
        assert_eq!(body.finish(), Ok(()));
        let response = OutgoingBody::new(BodyOf::Response, Some(0));
        response.stream().write(b"x").unwrap();
        assert_eq!(
            response.finish(),
            Err(HttpErrorCode::ResponseBodySize(Some(1)))
        );
    }
}
