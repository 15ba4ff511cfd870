//! `wasi:http/types` and `wasi:http/outgoing-handler` over the table.
//!
//! Ownership follows the WIT: constructors and `handle` take their `own`
//! arguments out of the table; `headers()` hands out an immutable copy as a
//! child of its request or response (which then cannot be dropped first);
//! a body's stream is a child of the body, so `finish` with the stream
//! still alive traps, as the WIT says.

use std::any::Any;
use std::convert::Infallible;

use crate::error::HostError;
use crate::host::WasiImpl;
use crate::http::fields::MAX_FIELDS_BYTES;
use crate::http::{
    BodyOf, Fields, FieldsRefusal, HeaderError, HttpErrorCode, Method, OutgoingBody,
    OutgoingRequest, OutgoingResponse, RequestOptions, Scheme, is_valid_authority,
    is_valid_path_with_query,
};
use crate::io::streams::{IoError, OutputStream};
use crate::table::{Resource, TableError};

type F = Resource<Fields>;
type Request = Resource<OutgoingRequest>;
type Response = Resource<OutgoingResponse>;
type Options = Resource<RequestOptions>;
type Body = Resource<OutgoingBody>;

/// What a `fields` change returns: the guest's `header-error`, or a trap
/// for a stale handle or the size cap.
pub type FieldsResult<T> = Result<Result<T, HeaderError>, HostError>;

fn header_result<T>(result: Result<T, FieldsRefusal>) -> FieldsResult<T> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(FieldsRefusal::Header(err)) => Ok(Err(err)),
        Err(FieldsRefusal::TooLarge) => Err(HostError::TooLarge {
            what: "a `wasi:http` fields resource",
            requested: MAX_FIELDS_BYTES as u64 + 1,
            limit: MAX_FIELDS_BYTES as u64,
        }),
    }
}

/// `result` without payloads: a setter that accepts or refuses.
fn accepted(valid: bool) -> Result<(), ()> {
    if valid { Ok(()) } else { Err(()) }
}

impl WasiImpl<'_> {
    /// A setter: stores `value` in `slot` of the entry if it is valid; a
    /// refused value leaves the entry as it was.
    fn set_if_valid<R: Any, V>(
        &mut self,
        owner: &Resource<R>,
        value: V,
        valid: bool,
        slot: fn(&mut R) -> &mut V,
    ) -> Result<Result<(), ()>, TableError> {
        let entry = self.table.get_mut(owner)?;
        if valid {
            *slot(entry) = value;
        }
        Ok(accepted(valid))
    }

    /// `body()` of a request or response: succeeds once; the body learns
    /// the declared `content-length` from the owner's headers.
    fn take_body<R: Any>(
        &mut self,
        owner: &Resource<R>,
        of: BodyOf,
        parts: fn(&mut R) -> (&mut bool, &Fields),
    ) -> Result<Result<Body, ()>, TableError> {
        let (taken, headers) = parts(self.table.get_mut(owner)?);
        if *taken {
            return Ok(Err(()));
        }
        *taken = true;
        let body = OutgoingBody::new(of, headers.content_length());
        Ok(Ok(self.table.push(body)?))
    }

    pub fn fields_new(&mut self) -> Result<F, TableError> {
        self.table.push(Fields::new())
    }

    pub fn fields_from_list(&mut self, entries: Vec<(String, Vec<u8>)>) -> FieldsResult<F> {
        match header_result(Fields::from_list(entries))? {
            Ok(fields) => Ok(Ok(self.table.push(fields)?)),
            Err(err) => Ok(Err(err)),
        }
    }

    pub fn fields_get(&mut self, fields: &F, name: &str) -> Result<Vec<Vec<u8>>, TableError> {
        Ok(self.table.get(fields)?.get(name))
    }

    pub fn fields_has(&mut self, fields: &F, name: &str) -> Result<bool, TableError> {
        Ok(self.table.get(fields)?.has(name))
    }

    pub fn fields_set(
        &mut self,
        fields: &F,
        name: String,
        values: Vec<Vec<u8>>,
    ) -> FieldsResult<()> {
        header_result(self.table.get_mut(fields)?.set(name, values))
    }

    pub fn fields_delete(&mut self, fields: &F, name: &str) -> FieldsResult<()> {
        header_result(self.table.get_mut(fields)?.delete(name))
    }

    pub fn fields_append(&mut self, fields: &F, name: String, value: Vec<u8>) -> FieldsResult<()> {
        header_result(self.table.get_mut(fields)?.append(name, value))
    }

    pub fn fields_entries(&mut self, fields: &F) -> Result<Vec<(String, Vec<u8>)>, TableError> {
        Ok(self.table.get(fields)?.entries())
    }

    pub fn fields_clone(&mut self, fields: &F) -> Result<F, TableError> {
        let copy = self.table.get(fields)?.mutable_copy();
        self.table.push(copy)
    }

    /// The constructor takes the `fields`: they are the request's from now on.
    pub fn outgoing_request_new(&mut self, headers: F) -> Result<Request, TableError> {
        let headers = self.table.delete(headers)?;
        self.table.push(OutgoingRequest::new(headers))
    }

    pub fn outgoing_request_body(
        &mut self,
        request: &Request,
    ) -> Result<Result<Body, ()>, TableError> {
        self.take_body(request, BodyOf::Request, |r| {
            (&mut r.body_taken, &r.headers)
        })
    }

    pub fn outgoing_request_method(&mut self, request: &Request) -> Result<Method, TableError> {
        Ok(self.table.get(request)?.method.clone())
    }

    pub fn outgoing_request_set_method(
        &mut self,
        request: &Request,
        method: Method,
    ) -> Result<Result<(), ()>, TableError> {
        let valid = method.is_valid();
        self.set_if_valid(request, method, valid, |r| &mut r.method)
    }

    pub fn outgoing_request_path_with_query(
        &mut self,
        request: &Request,
    ) -> Result<Option<String>, TableError> {
        Ok(self.table.get(request)?.path_with_query.clone())
    }

    pub fn outgoing_request_set_path_with_query(
        &mut self,
        request: &Request,
        path: Option<String>,
    ) -> Result<Result<(), ()>, TableError> {
        let valid = path.as_deref().is_none_or(is_valid_path_with_query);
        self.set_if_valid(request, path, valid, |r| &mut r.path_with_query)
    }

    pub fn outgoing_request_scheme(
        &mut self,
        request: &Request,
    ) -> Result<Option<Scheme>, TableError> {
        Ok(self.table.get(request)?.scheme.clone())
    }

    pub fn outgoing_request_set_scheme(
        &mut self,
        request: &Request,
        scheme: Option<Scheme>,
    ) -> Result<Result<(), ()>, TableError> {
        let valid = scheme.as_ref().is_none_or(Scheme::is_valid);
        self.set_if_valid(request, scheme, valid, |r| &mut r.scheme)
    }

    pub fn outgoing_request_authority(
        &mut self,
        request: &Request,
    ) -> Result<Option<String>, TableError> {
        Ok(self.table.get(request)?.authority.clone())
    }

    pub fn outgoing_request_set_authority(
        &mut self,
        request: &Request,
        authority: Option<String>,
    ) -> Result<Result<(), ()>, TableError> {
        let valid = authority.as_deref().is_none_or(is_valid_authority);
        self.set_if_valid(request, authority, valid, |r| &mut r.authority)
    }

    pub fn outgoing_request_headers(&mut self, request: &Request) -> Result<F, TableError> {
        let copy = self.table.get(request)?.headers.immutable_copy();
        self.table.push_child(copy, request)
    }

    pub fn request_options_new(&mut self) -> Result<Options, TableError> {
        self.table.push(RequestOptions::default())
    }

    /// One of the three timeouts: `which` picks the field.
    pub fn request_options_timeout(
        &mut self,
        options: &Options,
        which: fn(&mut RequestOptions) -> &mut Option<u64>,
    ) -> Result<Option<u64>, TableError> {
        Ok(*which(self.table.get_mut(options)?))
    }

    /// Every timeout is honoured (recorded for the request), so setting one
    /// always succeeds.
    pub fn request_options_set_timeout(
        &mut self,
        options: &Options,
        which: fn(&mut RequestOptions) -> &mut Option<u64>,
        duration: Option<u64>,
    ) -> Result<Result<(), ()>, TableError> {
        *which(self.table.get_mut(options)?) = duration;
        Ok(Ok(()))
    }

    pub fn outgoing_response_new(&mut self, headers: F) -> Result<Response, TableError> {
        let headers = self.table.delete(headers)?;
        self.table.push(OutgoingResponse::new(headers))
    }

    pub fn outgoing_response_status_code(
        &mut self,
        response: &Response,
    ) -> Result<u16, TableError> {
        Ok(self.table.get(response)?.status)
    }

    pub fn outgoing_response_set_status_code(
        &mut self,
        response: &Response,
        status: u16,
    ) -> Result<Result<(), ()>, TableError> {
        let valid = OutgoingResponse::is_valid_status(status);
        self.set_if_valid(response, status, valid, |r| &mut r.status)
    }

    pub fn outgoing_response_headers(&mut self, response: &Response) -> Result<F, TableError> {
        let copy = self.table.get(response)?.headers.immutable_copy();
        self.table.push_child(copy, response)
    }

    pub fn outgoing_response_body(
        &mut self,
        response: &Response,
    ) -> Result<Result<Body, ()>, TableError> {
        self.take_body(response, BodyOf::Response, |r| {
            (&mut r.body_taken, &r.headers)
        })
    }

    /// `write`: the stream at most once, as a child of the body.
    pub fn outgoing_body_write(
        &mut self,
        body: &Body,
    ) -> Result<Result<Resource<OutputStream>, ()>, TableError> {
        let entry = self.table.get_mut(body)?;
        if entry.stream_taken {
            return Ok(Err(()));
        }
        entry.stream_taken = true;
        let stream = OutputStream::new(Box::new(entry.stream()));
        Ok(Ok(self.table.push_child(stream, body)?))
    }

    /// `finish` consumes the body (trapping while its stream is alive) and
    /// the trailers.
    pub fn outgoing_body_finish(
        &mut self,
        body: Body,
        trailers: Option<F>,
    ) -> Result<Result<(), HttpErrorCode>, TableError> {
        let body = self.table.delete(body)?;
        if let Some(trailers) = trailers {
            self.table.delete(trailers)?;
        }
        Ok(body.finish())
    }

    /// `outgoing-handler.handle`: consumes the request and options; a
    /// request that could not be sent anyway says why, any other is
    /// refused, since no network is granted.
    pub fn outgoing_handler_handle(
        &mut self,
        request: Request,
        options: Option<Options>,
    ) -> Result<Result<Infallible, HttpErrorCode>, TableError> {
        if let Some(options) = options {
            self.table.delete(options)?;
        }
        let request = self.table.delete(request)?;
        Ok(Err(request
            .check_sendable()
            .err()
            .unwrap_or(HttpErrorCode::RequestDenied)))
    }

    /// `http-error-code`: no stream of this host fails with an HTTP error
    /// (bodies are counted, never sent), so there is none to report.
    pub fn http_error_code(
        &mut self,
        error: &Resource<IoError>,
    ) -> Result<Option<HttpErrorCode>, TableError> {
        self.table.get(error)?;
        Ok(None)
    }
}
