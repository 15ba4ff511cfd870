//! Builds HTTP requests and responses through raw `wasi:http` 0.2 bindings and
//! prints what every call returns: fields (from-list, get/has/set/delete/append,
//! entries, clone, the header-error cases, immutable headers of a request),
//! the request setters with their validity checks, request options, a body
//! written and finished against its content-length, and the send itself, which
//! must be refused (no network is granted).

use wasip2::http::outgoing_handler::handle;
use wasip2::http::types::{
    Fields, Method, OutgoingBody, OutgoingRequest, OutgoingResponse, RequestOptions, Scheme,
};

fn text(values: &[Vec<u8>]) -> Vec<String> {
    values
        .iter()
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect()
}

fn entries(fields: &Fields) -> Vec<(String, String)> {
    fields
        .entries()
        .into_iter()
        .map(|(n, v)| (n, String::from_utf8_lossy(&v).into_owned()))
        .collect()
}

fn main() {
    let list = |pairs: &[(&str, &[u8])]| {
        let owned: Vec<(String, Vec<u8>)> = pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_vec()))
            .collect();
        Fields::from_list(&owned).map(|f| entries(&f))
    };
    println!("from-list ok: {:?}", list(&[("Accept", b"text/plain"), ("x-n", b"1")]));
    println!("from-list bad name: {:?}", list(&[("bad name", b"v")]));
    println!("from-list bad value: {:?}", list(&[("x", b"a\r\nevil: 1")]));
    println!("from-list forbidden: {:?}", list(&[("Connection", b"close")]));

    let fields = Fields::new();
    println!("append: {:?}", fields.append("X-Multi", b"a"));
    println!("append again: {:?}", fields.append("x-multi", b"b"));
    println!("get any case: {:?}", text(&fields.get("X-MULTI")));
    println!("has: {} {}", fields.has("x-multi"), fields.has("absent"));
    println!("get absent: {:?}", text(&fields.get("absent")));
    println!("set: {:?}", fields.set("x-multi", &[b"c".to_vec()]));
    println!("set bad value: {:?}", fields.set("x-multi", &[b"\0".to_vec()]));
    println!("after set: {:?}", text(&fields.get("x-multi")));
    println!("append empty value: {:?}", fields.append("x-empty", b""));
    println!("get empty value: {:?}", text(&fields.get("x-empty")));
    println!("delete: {:?} has {}", fields.delete("x-empty"), fields.has("x-empty"));
    println!("delete bad name: {:?}", fields.delete("no spaces"));
    println!("append forbidden: {:?}", fields.append("host", b"example.com"));
    let copy = fields.clone();
    println!("clone append: {:?}", copy.append("x-copy", b"1"));
    println!("clone is deep: {} {}", copy.has("x-copy"), fields.has("x-copy"));
    println!("content-length: {:?}", fields.append("Content-Length", b"5"));

    let request = OutgoingRequest::new(fields);
    println!("method default: {:?}", request.method());
    println!("set-method put: {:?} -> {:?}", request.set_method(&Method::Put), request.method());
    let custom = Method::Other("PROPFIND".to_string());
    println!("set-method other: {:?} -> {:?}", request.set_method(&custom), request.method());
    let bad = Method::Other("BAD METHOD".to_string());
    println!("set-method invalid: {:?} -> {:?}", request.set_method(&bad), request.method());
    println!("scheme default: {:?}", request.scheme());
    println!("set-scheme https: {:?}", request.set_scheme(Some(&Scheme::Https)));
    let bad_scheme = Scheme::Other("1nvalid".to_string());
    println!("set-scheme invalid: {:?} -> {:?}", request.set_scheme(Some(&bad_scheme)), request.scheme());
    println!("authority default: {:?}", request.authority());
    println!("set-authority: {:?}", request.set_authority(Some("example.com:443")));
    println!("set-authority invalid: {:?} -> {:?}", request.set_authority(Some("exa mple")), request.authority());
    println!("set-path: {:?}", request.set_path_with_query(Some("/search?q=wasi")));
    println!("set-path invalid: {:?} -> {:?}", request.set_path_with_query(Some("/a b")), request.path_with_query());

    let headers = request.headers();
    println!("request headers: {:?}", entries(&headers));
    println!("request headers append: {:?}", headers.append("x-late", b"1"));
    println!("request headers set: {:?}", headers.set("x-multi", &[]));
    println!("request headers delete: {:?}", headers.delete("x-multi"));
    drop(headers);

    let body = request.body().expect("the first body() succeeds");
    println!("second body(): {:?}", request.body().map(|_| ()));
    let stream = body.write().expect("the first write() succeeds");
    println!("second write(): {:?}", body.write().map(|_| ()));
    println!("write: {:?}", stream.blocking_write_and_flush(b"abc"));
    drop(stream);
    println!("finish short body: {:?}", OutgoingBody::finish(body, None));

    let options = RequestOptions::new();
    println!("connect-timeout default: {:?}", options.connect_timeout());
    println!("set-connect-timeout: {:?} -> {:?}", options.set_connect_timeout(Some(5_000_000_000)), options.connect_timeout());
    println!("set-first-byte-timeout: {:?} -> {:?}", options.set_first_byte_timeout(Some(1)), options.first_byte_timeout());
    println!("set-between-bytes-timeout: {:?} -> {:?}", options.set_between_bytes_timeout(None), options.between_bytes_timeout());

    println!("handle: {:?}", handle(request, Some(options)).map(|_| ()));

    let no_authority = OutgoingRequest::new(Fields::new());
    println!("handle without authority: {:?}", handle(no_authority, None).map(|_| ()));

    let sized = Fields::from_list(&[("content-length".to_string(), b"2".to_vec())]).expect("valid");
    let response = OutgoingResponse::new(sized);
    println!("status default: {}", response.status_code());
    println!("set-status 404: {:?} -> {}", response.set_status_code(404), response.status_code());
    println!("set-status 42: {:?} -> {}", response.set_status_code(42), response.status_code());
    println!("response headers append: {:?}", response.headers().append("x", b"1"));
    let body = response.body().expect("the first body() succeeds");
    println!("second response body(): {:?}", response.body().map(|_| ()));
    let stream = body.write().expect("the first write() succeeds");
    println!("write: {:?}", stream.blocking_write_and_flush(b"ok"));
    drop(stream);
    let trailers = Fields::new();
    println!("finish exact body: {:?}", OutgoingBody::finish(body, Some(trailers)));
}
