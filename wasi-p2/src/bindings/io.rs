//! `wasi:io/error`, `wasi:io/poll`, `wasi:io/streams`.

use myrt_canonical_abi::component::{Error, Linker};

use super::{GetState, interface};
use crate::io::poll::Pollable;
use crate::io::streams::{InputStream, IoError, OutputStream};
use crate::table::Resource;

pub(super) const INTERFACES: &[&str] = &["wasi:io/error", "wasi:io/poll", "wasi:io/streams"];

type In = Resource<InputStream>;
type Out = Resource<OutputStream>;

pub(super) fn add<T: 'static>(linker: &mut Linker<T>, get: GetState<T>) -> Result<(), Error> {
    interface(linker, get, "wasi:io/error", |i| {
        i.resource::<IoError>("error")?;
        i.func(
            "[method]error.to-debug-string",
            |w, (e,): (Resource<IoError>,)| w.error_to_debug_string(&e),
        )
    })?;
    interface(linker, get, "wasi:io/poll", |i| {
        i.resource::<Pollable>("pollable")?;
        i.func(
            "[method]pollable.ready",
            |w, (p,): (Resource<Pollable>,)| w.pollable_ready(&p),
        )?;
        i.func(
            "[method]pollable.block",
            |w, (p,): (Resource<Pollable>,)| w.pollable_block(&p),
        )?;
        i.func("poll", |w, (ps,): (Vec<Resource<Pollable>>,)| w.poll(&ps))
    })?;
    interface(linker, get, "wasi:io/streams", |i| {
        i.resource::<InputStream>("input-stream")?;
        i.resource::<OutputStream>("output-stream")?;
        i.func("[method]input-stream.read", |w, (s, n): (In, u64)| {
            w.input_stream_read(&s, n)
        })?;
        i.func(
            "[method]input-stream.blocking-read",
            |w, (s, n): (In, u64)| w.input_stream_blocking_read(&s, n),
        )?;
        i.func("[method]input-stream.skip", |w, (s, n): (In, u64)| {
            w.input_stream_skip(&s, n)
        })?;
        i.func(
            "[method]input-stream.blocking-skip",
            |w, (s, n): (In, u64)| w.input_stream_blocking_skip(&s, n),
        )?;
        i.func("[method]input-stream.subscribe", |w, (s,): (In,)| {
            w.input_stream_subscribe(&s)
        })?;
        i.func("[method]output-stream.check-write", |w, (s,): (Out,)| {
            w.output_stream_check_write(&s)
        })?;
        i.func(
            "[method]output-stream.write",
            |w, (s, b): (Out, Vec<u8>)| w.output_stream_write(&s, &b),
        )?;
        i.func(
            "[method]output-stream.blocking-write-and-flush",
            |w, (s, b): (Out, Vec<u8>)| w.output_stream_blocking_write_and_flush(&s, &b),
        )?;
        i.func("[method]output-stream.flush", |w, (s,): (Out,)| {
            w.output_stream_flush(&s)
        })?;
        i.func("[method]output-stream.blocking-flush", |w, (s,): (Out,)| {
            w.output_stream_blocking_flush(&s)
        })?;
        i.func("[method]output-stream.subscribe", |w, (s,): (Out,)| {
            w.output_stream_subscribe(&s)
        })?;
        i.func(
            "[method]output-stream.write-zeroes",
            |w, (s, n): (Out, u64)| w.output_stream_write_zeroes(&s, n),
        )?;
        i.func(
            "[method]output-stream.blocking-write-zeroes-and-flush",
            |w, (s, n): (Out, u64)| w.output_stream_blocking_write_zeroes_and_flush(&s, n),
        )?;
        i.func(
            "[method]output-stream.splice",
            |w, (s, src, n): (Out, In, u64)| w.output_stream_splice(&s, &src, n),
        )?;
        i.func(
            "[method]output-stream.blocking-splice",
            |w, (s, src, n): (Out, In, u64)| w.output_stream_blocking_splice(&s, &src, n),
        )
    })
}
