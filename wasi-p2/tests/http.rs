//! wasi:http through `WasiImpl`: the ownership rules of the WIT (constructors
//! and `handle` consume their arguments, `headers()` and a body's stream are
//! children), and what `handle` and `finish` return.

use myrt_wasi_p2::http::{HeaderError, HttpErrorCode, Method, Scheme};
use myrt_wasi_p2::{ResourceTable, TableError, WasiCtx, WasiImpl};

fn with_wasi(test: impl FnOnce(&mut WasiImpl<'_>)) {
    let mut ctx = WasiCtx::builder().build();
    let mut table = ResourceTable::new();
    test(&mut WasiImpl::new(&mut ctx, &mut table));
}

#[test]
fn a_request_takes_its_headers_and_hands_out_immutable_children() {
    with_wasi(|w| {
        let fields = w.fields_new().unwrap();
        w.fields_append(&fields, "x-a".into(), b"1".to_vec())
            .unwrap()
            .unwrap();
        let kept = fields.borrowed();
        let request = w.outgoing_request_new(fields).unwrap();
        // The rep may already be reused (by the request), but not as fields.
        assert!(
            w.fields_get(&kept, "x-a").is_err(),
            "the constructor consumed the fields"
        );
        let headers = w.outgoing_request_headers(&request).unwrap();
        assert_eq!(w.fields_get(&headers, "X-A").unwrap(), [b"1".to_vec()]);
        let refused = w.fields_append(&headers, "x-b".into(), vec![]).unwrap();
        assert_eq!(refused, Err(HeaderError::Immutable));
        let copy = w.fields_clone(&headers).unwrap();
        assert_eq!(
            w.fields_append(&copy, "x-b".into(), vec![]).unwrap(),
            Ok(())
        );
        // The headers child is alive: the request cannot be consumed yet.
        assert!(matches!(
            w.outgoing_handler_handle(request.borrowed(), None),
            Err(TableError::HasChildren(_))
        ));
        w.table.delete(headers).unwrap();
        let sent = w.outgoing_handler_handle(request.borrowed(), None).unwrap();
        assert_eq!(sent.err(), Some(HttpErrorCode::RequestUriInvalid));
    });
}

#[test]
fn handle_refuses_a_valid_request_and_consumes_it_and_its_options() {
    with_wasi(|w| {
        let fields = w.fields_new().unwrap();
        let request = w.outgoing_request_new(fields).unwrap();
        let set = |ok: Result<Result<(), ()>, TableError>| ok.unwrap().is_ok();
        assert!(set(w.outgoing_request_set_method(&request, Method::Post)));
        assert!(set(
            w.outgoing_request_set_scheme(&request, Some(Scheme::Http))
        ));
        assert!(set(w.outgoing_request_set_authority(
            &request,
            Some("localhost:8080".into())
        )));
        assert!(!set(
            w.outgoing_request_set_authority(&request, Some("a b".into()))
        ));
        assert_eq!(
            w.outgoing_request_authority(&request).unwrap().as_deref(),
            Some("localhost:8080")
        );
        let options = w.request_options_new().unwrap();
        let kept_options = options.borrowed();
        let kept_request = request.borrowed();
        let sent = w.outgoing_handler_handle(request, Some(options)).unwrap();
        assert_eq!(sent.err(), Some(HttpErrorCode::RequestDenied));
        assert!(w.outgoing_request_method(&kept_request).is_err());
        assert!(w.table.delete(kept_options).is_err());
        assert!(w.table.is_empty(), "nothing is left behind");
    });
}

#[test]
fn a_body_is_finished_after_its_stream_and_checked_against_content_length() {
    with_wasi(|w| {
        let headers = w
            .fields_from_list(vec![("Content-Length".into(), b"4".to_vec())])
            .unwrap()
            .unwrap();
        let response = w.outgoing_response_new(headers).unwrap();
        let body = w.outgoing_response_body(&response).unwrap().unwrap();
        assert_eq!(w.outgoing_response_body(&response).unwrap().err(), Some(()));
        let stream = w.outgoing_body_write(&body).unwrap().unwrap();
        assert!(w.outgoing_body_write(&body).unwrap().is_err());
        let room = w.output_stream_check_write(&stream).unwrap();
        assert!(room >= 3);
        w.output_stream_write(&stream, b"abc").unwrap();
        // The stream is a child of the body: finishing now is a guest bug.
        assert!(matches!(
            w.outgoing_body_finish(body.borrowed(), None),
            Err(TableError::HasChildren(_))
        ));
        w.output_stream_drop(stream).unwrap();
        let trailers = w.fields_new().unwrap();
        let finished = w.outgoing_body_finish(body, Some(trailers)).unwrap();
        assert_eq!(finished, Err(HttpErrorCode::ResponseBodySize(Some(3))));
    });
}

#[test]
fn from_list_reports_the_first_bad_entry() {
    with_wasi(|w| {
        let list = |entries: &[(&str, &[u8])]| {
            entries
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_vec()))
                .collect::<Vec<_>>()
        };
        let forbidden = w.fields_from_list(list(&[("ok", b"1"), ("Upgrade", b"h2c")]));
        assert_eq!(forbidden.unwrap().err(), Some(HeaderError::Forbidden));
        let syntax = w.fields_from_list(list(&[("a:b", b"1")]));
        assert_eq!(syntax.unwrap().err(), Some(HeaderError::InvalidSyntax));
        assert!(w.table.is_empty());
    });
}
