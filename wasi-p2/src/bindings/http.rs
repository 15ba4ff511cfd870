//! `wasi:http/types` and `wasi:http/outgoing-handler`: a guest builds
//! requests and responses; `handle` refuses with `HTTP-request-denied`.
//! The server-side resources (incoming-*, response-outparam, the futures)
//! link, but a `run` guest can never hold one.

use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{Error, Linker};

use super::convert::{FromVal, IntoVal};
use super::{GetState, interface};
use crate::http::{
    Fields, HeaderError, HttpErrorCode, Method, OutgoingBody, OutgoingRequest, OutgoingResponse,
    RequestOptions, Scheme,
};
use crate::io::streams::IoError;
use crate::table::Resource;

pub(super) const INTERFACES: &[&str] = &["wasi:http/types", "wasi:http/outgoing-handler"];

type F = Resource<Fields>;
type Request = Resource<OutgoingRequest>;
type Response = Resource<OutgoingResponse>;
type Options = Resource<RequestOptions>;
type Body = Resource<OutgoingBody>;

fn case(name: &str, payload: Option<Val>) -> Option<Val> {
    Some(Val::Variant(name.to_string(), payload.map(Box::new)))
}

/// The cases without payload of `method`, in WIT order.
const METHODS: [(&str, Method); 9] = [
    ("get", Method::Get),
    ("head", Method::Head),
    ("post", Method::Post),
    ("put", Method::Put),
    ("delete", Method::Delete),
    ("connect", Method::Connect),
    ("options", Method::Options),
    ("trace", Method::Trace),
    ("patch", Method::Patch),
];

impl FromVal for Method {
    fn from_val(val: &Val) -> Result<Self, Error> {
        match val {
            Val::Variant(label, Some(name)) if label == "other" => {
                String::from_val(name).map(Method::Other)
            }
            Val::Variant(label, None) => METHODS
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, method)| method.clone())
                .ok_or_else(|| super::convert::trap(format!("unknown method case `{label}`"))),
            other => Err(super::convert::trap(format!(
                "expected a method, found {other:?}"
            ))),
        }
    }
}

impl IntoVal for Method {
    fn into_val(self) -> Option<Val> {
        if let Method::Other(name) = self {
            return case("other", name.into_val());
        }
        let label = METHODS.iter().find(|(_, m)| *m == self).map(|(l, _)| *l);
        case(label.unwrap_or("get"), None)
    }
}

impl FromVal for Scheme {
    fn from_val(val: &Val) -> Result<Self, Error> {
        match val {
            Val::Variant(label, None) if label == "HTTP" => Ok(Scheme::Http),
            Val::Variant(label, None) if label == "HTTPS" => Ok(Scheme::Https),
            Val::Variant(label, Some(name)) if label == "other" => {
                String::from_val(name).map(Scheme::Other)
            }
            other => Err(super::convert::trap(format!(
                "expected a scheme, found {other:?}"
            ))),
        }
    }
}

impl IntoVal for Scheme {
    fn into_val(self) -> Option<Val> {
        match self {
            Scheme::Http => case("HTTP", None),
            Scheme::Https => case("HTTPS", None),
            Scheme::Other(name) => case("other", name.into_val()),
        }
    }
}

impl IntoVal for HeaderError {
    fn into_val(self) -> Option<Val> {
        let label = match self {
            HeaderError::InvalidSyntax => "invalid-syntax",
            HeaderError::Forbidden => "forbidden",
            HeaderError::Immutable => "immutable",
        };
        case(label, None)
    }
}

impl IntoVal for HttpErrorCode {
    fn into_val(self) -> Option<Val> {
        match self {
            HttpErrorCode::RequestDenied => case("HTTP-request-denied", None),
            HttpErrorCode::RequestUriInvalid => case("HTTP-request-URI-invalid", None),
            HttpErrorCode::RequestMethodInvalid => case("HTTP-request-method-invalid", None),
            HttpErrorCode::RequestBodySize(size) => case("HTTP-request-body-size", size.into_val()),
            HttpErrorCode::ResponseBodySize(size) => {
                case("HTTP-response-body-size", size.into_val())
            }
        }
    }
}

/// Accessors of the three `request-options` timeouts.
fn connect(o: &mut RequestOptions) -> &mut Option<u64> {
    &mut o.connect_timeout
}
fn first_byte(o: &mut RequestOptions) -> &mut Option<u64> {
    &mut o.first_byte_timeout
}
fn between_bytes(o: &mut RequestOptions) -> &mut Option<u64> {
    &mut o.between_bytes_timeout
}

/// Resources only a server or a sent request produces, with their
/// functions.
const NEVER_ISSUED: &[(&str, &[&str])] = &[
    (
        "incoming-request",
        &[
            "[method]incoming-request.method",
            "[method]incoming-request.path-with-query",
            "[method]incoming-request.scheme",
            "[method]incoming-request.authority",
            "[method]incoming-request.headers",
            "[method]incoming-request.consume",
        ],
    ),
    ("response-outparam", &["[static]response-outparam.set"]),
    (
        "incoming-response",
        &[
            "[method]incoming-response.status",
            "[method]incoming-response.headers",
            "[method]incoming-response.consume",
        ],
    ),
    (
        "incoming-body",
        &[
            "[method]incoming-body.stream",
            "[static]incoming-body.finish",
        ],
    ),
    (
        "future-trailers",
        &[
            "[method]future-trailers.subscribe",
            "[method]future-trailers.get",
        ],
    ),
    (
        "future-incoming-response",
        &[
            "[method]future-incoming-response.subscribe",
            "[method]future-incoming-response.get",
        ],
    ),
];

pub(super) fn add<T: 'static>(linker: &mut Linker<T>, get: GetState<T>) -> Result<(), Error> {
    interface(linker, get, "wasi:http/types", |i| {
        i.resource::<Fields>("fields")?;
        i.resource::<OutgoingRequest>("outgoing-request")?;
        i.resource::<OutgoingResponse>("outgoing-response")?;
        i.resource::<RequestOptions>("request-options")?;
        i.resource::<OutgoingBody>("outgoing-body")?;
        for (resource, functions) in NEVER_ISSUED {
            i.never_issued(resource, functions.iter())?;
        }
        i.func("http-error-code", |w, (e,): (Resource<IoError>,)| {
            w.http_error_code(&e)
        })?;

        i.func("[constructor]fields", |w, (): ()| w.fields_new())?;
        i.func(
            "[static]fields.from-list",
            |w, (entries,): (Vec<(String, Vec<u8>)>,)| w.fields_from_list(entries),
        )?;
        i.func("[method]fields.get", |w, (f, name): (F, String)| {
            w.fields_get(&f, &name)
        })?;
        i.func("[method]fields.has", |w, (f, name): (F, String)| {
            w.fields_has(&f, &name)
        })?;
        i.func(
            "[method]fields.set",
            |w, (f, name, values): (F, String, Vec<Vec<u8>>)| w.fields_set(&f, name, values),
        )?;
        i.func("[method]fields.delete", |w, (f, name): (F, String)| {
            w.fields_delete(&f, &name)
        })?;
        i.func(
            "[method]fields.append",
            |w, (f, name, value): (F, String, Vec<u8>)| w.fields_append(&f, name, value),
        )?;
        i.func("[method]fields.entries", |w, (f,): (F,)| {
            w.fields_entries(&f)
        })?;
        i.func("[method]fields.clone", |w, (f,): (F,)| w.fields_clone(&f))?;

        i.func("[constructor]outgoing-request", |w, (h,): (F,)| {
            w.outgoing_request_new(h)
        })?;
        i.func("[method]outgoing-request.body", |w, (r,): (Request,)| {
            w.outgoing_request_body(&r)
        })?;
        i.func("[method]outgoing-request.method", |w, (r,): (Request,)| {
            w.outgoing_request_method(&r)
        })?;
        i.func(
            "[method]outgoing-request.set-method",
            |w, (r, m): (Request, Method)| w.outgoing_request_set_method(&r, m),
        )?;
        i.func(
            "[method]outgoing-request.path-with-query",
            |w, (r,): (Request,)| w.outgoing_request_path_with_query(&r),
        )?;
        i.func(
            "[method]outgoing-request.set-path-with-query",
            |w, (r, p): (Request, Option<String>)| w.outgoing_request_set_path_with_query(&r, p),
        )?;
        i.func("[method]outgoing-request.scheme", |w, (r,): (Request,)| {
            w.outgoing_request_scheme(&r)
        })?;
        i.func(
            "[method]outgoing-request.set-scheme",
            |w, (r, s): (Request, Option<Scheme>)| w.outgoing_request_set_scheme(&r, s),
        )?;
        i.func(
            "[method]outgoing-request.authority",
            |w, (r,): (Request,)| w.outgoing_request_authority(&r),
        )?;
        i.func(
            "[method]outgoing-request.set-authority",
            |w, (r, a): (Request, Option<String>)| w.outgoing_request_set_authority(&r, a),
        )?;
        i.func("[method]outgoing-request.headers", |w, (r,): (Request,)| {
            w.outgoing_request_headers(&r)
        })?;

        i.func("[constructor]request-options", |w, (): ()| {
            w.request_options_new()
        })?;
        for (name, which) in [
            (
                "connect-timeout",
                connect as fn(&mut RequestOptions) -> &mut Option<u64>,
            ),
            ("first-byte-timeout", first_byte),
            ("between-bytes-timeout", between_bytes),
        ] {
            i.func(
                &format!("[method]request-options.{name}"),
                move |w, (o,): (Options,)| w.request_options_timeout(&o, which),
            )?;
            i.func(
                &format!("[method]request-options.set-{name}"),
                move |w, (o, d): (Options, Option<u64>)| {
                    w.request_options_set_timeout(&o, which, d)
                },
            )?;
        }

        i.func("[constructor]outgoing-response", |w, (h,): (F,)| {
            w.outgoing_response_new(h)
        })?;
        i.func(
            "[method]outgoing-response.status-code",
            |w, (r,): (Response,)| w.outgoing_response_status_code(&r),
        )?;
        i.func(
            "[method]outgoing-response.set-status-code",
            |w, (r, s): (Response, u16)| w.outgoing_response_set_status_code(&r, s),
        )?;
        i.func(
            "[method]outgoing-response.headers",
            |w, (r,): (Response,)| w.outgoing_response_headers(&r),
        )?;
        i.func("[method]outgoing-response.body", |w, (r,): (Response,)| {
            w.outgoing_response_body(&r)
        })?;

        i.func("[method]outgoing-body.write", |w, (b,): (Body,)| {
            w.outgoing_body_write(&b)
        })?;
        i.func(
            "[static]outgoing-body.finish",
            |w, (b, trailers): (Body, Option<F>)| w.outgoing_body_finish(b, trailers),
        )
    })?;
    interface(linker, get, "wasi:http/outgoing-handler", |i| {
        i.func("handle", |w, (r, o): (Request, Option<Options>)| {
            w.outgoing_handler_handle(r, o)
        })
    })
}
