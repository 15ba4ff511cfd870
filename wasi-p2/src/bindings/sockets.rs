//! `wasi:sockets/*`, denied: a `network` can be had, but creating a socket
//! or resolving a name returns `access-denied`. Components that import
//! sockets without using them (most language runtimes) instantiate; no
//! socket handle can exist, so the socket methods are unreachable.

use myrt_canonical_abi::Val;
use myrt_canonical_abi::component::{Error, Linker};

use super::{GetState, Interface, interface};

pub(super) const INTERFACES: &[&str] = &[
    "wasi:sockets/network",
    "wasi:sockets/instance-network",
    "wasi:sockets/udp",
    "wasi:sockets/udp-create-socket",
    "wasi:sockets/tcp",
    "wasi:sockets/tcp-create-socket",
    "wasi:sockets/ip-name-lookup",
];

/// `wasi:sockets/network.network`: the permission to use the network,
/// which carries nothing while networking is denied.
pub struct Network;

const TCP_METHODS: &[&str] = &[
    "start-bind",
    "finish-bind",
    "start-connect",
    "finish-connect",
    "start-listen",
    "finish-listen",
    "accept",
    "local-address",
    "remote-address",
    "is-listening",
    "address-family",
    "set-listen-backlog-size",
    "keep-alive-enabled",
    "set-keep-alive-enabled",
    "keep-alive-idle-time",
    "set-keep-alive-idle-time",
    "keep-alive-interval",
    "set-keep-alive-interval",
    "keep-alive-count",
    "set-keep-alive-count",
    "hop-limit",
    "set-hop-limit",
    "receive-buffer-size",
    "set-receive-buffer-size",
    "send-buffer-size",
    "set-send-buffer-size",
    "subscribe",
    "shutdown",
];
const UDP_METHODS: &[&str] = &[
    "start-bind",
    "finish-bind",
    "stream",
    "local-address",
    "remote-address",
    "address-family",
    "unicast-hop-limit",
    "set-unicast-hop-limit",
    "receive-buffer-size",
    "set-receive-buffer-size",
    "send-buffer-size",
    "set-send-buffer-size",
    "subscribe",
];

fn access_denied() -> Option<Val> {
    let code = Val::Enum("access-denied".into());
    Some(Val::Result(Err(Some(Box::new(code)))))
}

/// Defines `resource` and its `methods`, none reachable.
fn socket_resource<T: 'static>(
    i: &mut Interface<'_, T>,
    resource: &str,
    methods: &[&str],
) -> Result<(), Error> {
    let names = methods
        .iter()
        .map(|method| format!("[method]{resource}.{method}"));
    i.never_issued(resource, names)
}

pub(super) fn add<T: 'static>(linker: &mut Linker<T>, get: GetState<T>) -> Result<(), Error> {
    interface(linker, get, "wasi:sockets/network", |i| {
        i.resource::<Network>("network")?;
        i.constant("network-error-code", || Some(Val::Option(None)))
    })?;
    interface(linker, get, "wasi:sockets/instance-network", |i| {
        i.func("instance-network", |w, (): ()| w.table.push(Network))
    })?;
    interface(linker, get, "wasi:sockets/tcp-create-socket", |i| {
        i.constant("create-tcp-socket", access_denied)
    })?;
    interface(linker, get, "wasi:sockets/udp-create-socket", |i| {
        i.constant("create-udp-socket", access_denied)
    })?;
    interface(linker, get, "wasi:sockets/ip-name-lookup", |i| {
        i.constant("resolve-addresses", access_denied)?;
        socket_resource(
            i,
            "resolve-address-stream",
            &["resolve-next-address", "subscribe"],
        )
    })?;
    interface(linker, get, "wasi:sockets/tcp", |i| {
        socket_resource(i, "tcp-socket", TCP_METHODS)
    })?;
    interface(linker, get, "wasi:sockets/udp", |i| {
        socket_resource(i, "udp-socket", UDP_METHODS)?;
        socket_resource(i, "incoming-datagram-stream", &["receive", "subscribe"])?;
        socket_resource(
            i,
            "outgoing-datagram-stream",
            &["check-send", "send", "subscribe"],
        )
    })?;
    Ok(())
}
