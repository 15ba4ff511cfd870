//! `wasi:cli/{environment,exit,stdin,stdout,stderr}` and the
//! `terminal-*` interfaces.

use myrt_canonical_abi::component::{Error, Linker};

use super::convert::Plain;
use super::{GetState, interface};
use crate::error::HostError;
use crate::host::{TerminalInput, TerminalOutput};

pub(super) const INTERFACES: &[&str] = &[
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:cli/terminal-stderr",
];

pub(super) fn add<T: 'static>(linker: &mut Linker<T>, get: GetState<T>) -> Result<(), Error> {
    interface(linker, get, "wasi:cli/environment", |i| {
        i.func("get-environment", |w, (): ()| Plain(w.get_environment()))?;
        i.func("get-arguments", |w, (): ()| Plain(w.get_arguments()))?;
        i.func("initial-cwd", |w, (): ()| Plain(w.initial_cwd()))
    })?;
    interface(linker, get, "wasi:cli/exit", |i| {
        i.func("exit", |w, (status,): (Result<(), ()>,)| {
            Err::<(), HostError>(w.exit(status))
        })?;
        i.func("exit-with-code", |w, (code,): (u8,)| {
            Err::<(), HostError>(w.exit_with_code(code))
        })
    })?;
    interface(linker, get, "wasi:cli/stdin", |i| {
        i.func("get-stdin", |w, (): ()| w.get_stdin())
    })?;
    interface(linker, get, "wasi:cli/stdout", |i| {
        i.func("get-stdout", |w, (): ()| w.get_stdout())
    })?;
    interface(linker, get, "wasi:cli/stderr", |i| {
        i.func("get-stderr", |w, (): ()| w.get_stderr())
    })?;
    interface(linker, get, "wasi:cli/terminal-input", |i| {
        i.resource::<TerminalInput>("terminal-input")
    })?;
    interface(linker, get, "wasi:cli/terminal-output", |i| {
        i.resource::<TerminalOutput>("terminal-output")
    })?;
    interface(linker, get, "wasi:cli/terminal-stdin", |i| {
        i.func("get-terminal-stdin", |w, (): ()| w.get_terminal_stdin())
    })?;
    interface(linker, get, "wasi:cli/terminal-stdout", |i| {
        i.func("get-terminal-stdout", |w, (): ()| w.get_terminal_stdout())
    })?;
    interface(linker, get, "wasi:cli/terminal-stderr", |i| {
        i.func("get-terminal-stderr", |w, (): ()| w.get_terminal_stderr())
    })
}
