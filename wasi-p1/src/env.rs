//! Arguments, environment, clocks, randomness, process and scheduling, and
//! the socket functions (no sockets can be opened through preview 1).

use myrt_interp::Error;

use crate::P1Result;
use crate::abi::{Errno, clockid};
use crate::ctx::WasiP1Ctx;
use crate::memory::Guest;

/// Writes `strings` as NUL-terminated C strings into `buf` and their
/// addresses into `pointers` (`args_get`, `environ_get`).
fn put_strings(
    guest: &mut Guest<'_, '_>,
    strings: &[String],
    mut pointers: u32,
    mut buf: u32,
) -> P1Result<()> {
    for string in strings {
        guest.write_u32(pointers, buf)?;
        guest.write(buf, string.as_bytes())?;
        guest.write(buf + string.len() as u32, &[0])?;
        pointers += 4;
        buf += string.len() as u32 + 1;
    }
    Ok(())
}

fn put_sizes(guest: &mut Guest<'_, '_>, strings: &[String], count: u32, size: u32) -> P1Result<()> {
    let total: usize = strings.iter().map(|s| s.len() + 1).sum();
    guest.write_u32(count, strings.len() as u32)?;
    guest.write_u32(size, u32::try_from(total).map_err(|_| Errno::Overflow)?)
}

fn environment(ctx: &mut WasiP1Ctx) -> Vec<String> {
    ctx.host()
        .get_environment()
        .into_iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect()
}

/// `proc_exit`: statuses 0..126 end the program with that status, as in
/// wasmtime; larger ones (reserved for signals by shells) trap.
pub(crate) fn proc_exit(ctx: &mut WasiP1Ctx, code: u32) -> Error {
    match u8::try_from(code) {
        Ok(code) if code < 126 => Error::host(ctx.host().exit_with_code(code)),
        _ => Error::host(InvalidExitStatus(code)),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("exit with invalid exit status {0} outside of [0..126)")]
pub struct InvalidExitStatus(pub u32);

impl Guest<'_, '_> {
    pub(crate) fn args_get(&mut self, argv: u32, argv_buf: u32) -> P1Result<()> {
        let args = self.ctx().host().get_arguments();
        put_strings(self, &args, argv, argv_buf)
    }

    pub(crate) fn args_sizes_get(&mut self, argc: u32, argv_buf_size: u32) -> P1Result<()> {
        let args = self.ctx().host().get_arguments();
        put_sizes(self, &args, argc, argv_buf_size)
    }

    pub(crate) fn environ_get(&mut self, environ: u32, environ_buf: u32) -> P1Result<()> {
        let env = environment(self.ctx());
        put_strings(self, &env, environ, environ_buf)
    }

    pub(crate) fn environ_sizes_get(&mut self, count: u32, buf_size: u32) -> P1Result<()> {
        let env = environment(self.ctx());
        put_sizes(self, &env, count, buf_size)
    }

    /// The CPU-time clocks are not provided (wasmtime does the same).
    pub(crate) fn clock_res_get(&mut self, id: u32, out: u32) -> P1Result<()> {
        let mut host = self.ctx().host();
        let resolution = match id {
            clockid::REALTIME => datetime_nanos(host.wall_clock_resolution()),
            clockid::MONOTONIC => host.monotonic_clock_resolution(),
            clockid::PROCESS_CPUTIME | clockid::THREAD_CPUTIME => return Err(Errno::Badf.into()),
            _ => return Err(Errno::Inval.into()),
        };
        self.write_u64(out, resolution)
    }

    pub(crate) fn clock_time_get(&mut self, id: u32, _precision: u64, out: u32) -> P1Result<()> {
        let now = self.ctx().clock_now(id)?;
        self.write_u64(out, now)
    }

    pub(crate) fn random_get(&mut self, buf: u32, buf_len: u32) -> P1Result<()> {
        // Checked first: the host never fills more than the guest can hold.
        self.bytes(buf, buf_len)?;
        let bytes = self.ctx().host().get_random_bytes(buf_len.into())?;
        self.write(buf, &bytes)
    }

    pub(crate) fn proc_raise(&mut self, _signal: u32) -> P1Result<()> {
        Err(Errno::Nosys.into())
    }

    pub(crate) fn sched_yield(&mut self) -> P1Result<()> {
        std::thread::yield_now();
        Ok(())
    }

    pub(crate) fn sock_accept(&mut self, fd: u32, _flags: u32, _out: u32) -> P1Result<()> {
        self.not_a_socket(fd)
    }

    pub(crate) fn sock_recv(
        &mut self,
        fd: u32,
        _data: u32,
        _len: u32,
        _flags: u32,
        _datalen: u32,
        _roflags: u32,
    ) -> P1Result<()> {
        self.not_a_socket(fd)
    }

    pub(crate) fn sock_send(
        &mut self,
        fd: u32,
        _data: u32,
        _len: u32,
        _flags: u32,
        _datalen: u32,
    ) -> P1Result<()> {
        self.not_a_socket(fd)
    }

    pub(crate) fn sock_shutdown(&mut self, fd: u32, _how: u32) -> P1Result<()> {
        self.not_a_socket(fd)
    }

    /// No fd is a socket (preview 1 cannot create one and the host passes
    /// none in): an open fd is `ENOTSUP` for socket calls, as in wasmtime
    /// without sockets, and an unknown one `EBADF`.
    fn not_a_socket(&mut self, fd: u32) -> P1Result<()> {
        self.ctx().entry(fd)?;
        Err(Errno::Notsup.into())
    }
}

impl WasiP1Ctx {
    /// `clock_time_get` in nanoseconds; also the base of `poll_oneoff`'s
    /// absolute timeouts.
    pub(crate) fn clock_now(&mut self, id: u32) -> P1Result<u64> {
        let mut host = self.host();
        match id {
            clockid::REALTIME => Ok(datetime_nanos(host.wall_clock_now())),
            clockid::MONOTONIC => Ok(host.monotonic_clock_now()),
            clockid::PROCESS_CPUTIME | clockid::THREAD_CPUTIME => Err(Errno::Badf.into()),
            _ => Err(Errno::Inval.into()),
        }
    }
}

fn datetime_nanos(time: myrt_wasi_p2::clocks::Datetime) -> u64 {
    time.seconds
        .saturating_mul(1_000_000_000)
        .saturating_add(time.nanoseconds.into())
}
