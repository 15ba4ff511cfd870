//! WASI preview 1 (`wasi_snapshot_preview1`) for core modules, as built by
//! `cargo build --target wasm32-wasip1`, wasi-sdk, Go (`GOOS=wasip1`),
//! TinyGo or Zig.
//!
//! Every function of the witx is implemented natively on top of the WASI
//! 0.2 host of `myrt_wasi_p2`: the same `WasiCtx` grants (preopens, env,
//! args, stdio), the same sandboxed filesystem (`Descriptor` resolves every
//! path beneath its preopen), the same streams and clocks. What preview 1
//! adds is integer fds with seek positions, `fd_readdir` cookies and
//! records in guest memory, all bounds-checked (`memory`).
//!
//! `wasi_unstable` (the older snapshot) is not provided: its records and
//! `whence` values differ from preview 1's.

mod abi;
mod ctx;
mod env;
mod fd;
mod memory;
mod path;
mod poll;

use myrt_interp::{Caller, Error, FuncType, Linker, Val, ValType};
use myrt_wasi_p2::{ErrorCode, FsError, HostError, TableError};

pub use abi::Errno;
pub use ctx::WasiP1Ctx;
pub use memory::MissingMemory;

use memory::Guest;

/// The import module of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// How a preview 1 function ends other than with success: an errno for the
/// guest, or a trap (a host failure, or `proc_exit`).
pub(crate) enum Fail {
    Errno(Errno),
    Trap(Error),
}

pub(crate) type P1Result<T> = Result<T, Fail>;

impl From<Errno> for Fail {
    fn from(errno: Errno) -> Fail {
        Fail::Errno(errno)
    }
}

impl From<ErrorCode> for Fail {
    fn from(code: ErrorCode) -> Fail {
        Fail::Errno(code.into())
    }
}

impl From<TableError> for Fail {
    fn from(err: TableError) -> Fail {
        Fail::Trap(Error::host(err))
    }
}

impl From<HostError> for Fail {
    fn from(err: HostError) -> Fail {
        Fail::Trap(Error::host(err))
    }
}

impl From<FsError> for Fail {
    fn from(err: FsError) -> Fail {
        match err {
            FsError::Code(code) => code.into(),
            FsError::Trap(err) => err.into(),
        }
    }
}

/// A guest `u32` or `u64` argument, as the linked function type guarantees.
trait Arg: Sized {
    const TYPE: ValType;
    fn from_val(val: &Val) -> Self;
}

impl Arg for u32 {
    const TYPE: ValType = ValType::I32;
    fn from_val(val: &Val) -> u32 {
        match val {
            Val::I32(v) => *v as u32,
            _ => unreachable!("the linker checked the argument type"),
        }
    }
}

impl Arg for u64 {
    const TYPE: ValType = ValType::I64;
    fn from_val(val: &Val) -> u64 {
        match val {
            Val::I64(v) => *v as u64,
            _ => unreachable!("the linker checked the argument type"),
        }
    }
}

/// The function's result: its errno, or the trap that ends the guest.
fn finish(result: P1Result<()>) -> Result<i32, Error> {
    match result {
        Ok(()) => Ok(Errno::Success as i32),
        Err(Fail::Errno(errno)) => Ok(errno as i32),
        Err(Fail::Trap(err)) => Err(err),
    }
}

/// Each row is a `wasi_snapshot_preview1` function returning `errno`,
/// implemented by the `Guest` method of the same name.
macro_rules! preview1 {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        fn add_errno_functions(linker: &mut Linker<WasiP1Ctx>) -> Result<(), Error> {
            $(
                let ty = FuncType::new([$(<$ty as Arg>::TYPE),*], [ValType::I32]);
                linker.func_new(MODULE, stringify!($name), ty,
                    |mut caller: Caller<'_, WasiP1Ctx>, args: &[Val], results: &mut [Val]| {
                        #[allow(unused_mut, unused_variables)]
                        let mut args = args.iter();
                        $(let $arg = <$ty as Arg>::from_val(args.next().expect("typed arguments"));)*
                        let mut guest = Guest::new(&mut caller)?;
                        results[0] = Val::I32(finish(guest.$name($($arg),*))?);
                        Ok(())
                    })?;
            )*
            Ok(())
        }
    };
}

preview1! {
    args_get(argv: u32, argv_buf: u32);
    args_sizes_get(argc: u32, argv_buf_size: u32);
    environ_get(environ: u32, environ_buf: u32);
    environ_sizes_get(count: u32, buf_size: u32);
    clock_res_get(id: u32, out: u32);
    clock_time_get(id: u32, precision: u64, out: u32);
    fd_advise(fd: u32, offset: u64, len: u64, advice: u32);
    fd_allocate(fd: u32, offset: u64, len: u64);
    fd_close(fd: u32);
    fd_datasync(fd: u32);
    fd_fdstat_get(fd: u32, out: u32);
    fd_fdstat_set_flags(fd: u32, flags: u32);
    fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64);
    fd_filestat_get(fd: u32, out: u32);
    fd_filestat_set_size(fd: u32, size: u64);
    fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, flags: u32);
    fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32);
    fd_prestat_get(fd: u32, out: u32);
    fd_prestat_dir_name(fd: u32, path: u32, path_len: u32);
    fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32);
    fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32);
    fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32);
    fd_renumber(fd: u32, to: u32);
    fd_seek(fd: u32, offset: u64, whence: u32, newoffset: u32);
    fd_sync(fd: u32);
    fd_tell(fd: u32, out: u32);
    fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32);
    path_create_directory(fd: u32, path: u32, path_len: u32);
    path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, out: u32);
    path_filestat_set_times(fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32);
    path_link(old_fd: u32, old_flags: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32);
    path_open(fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, base: u64, inheriting: u64, fdflags: u32, out: u32);
    path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32);
    path_remove_directory(fd: u32, path: u32, path_len: u32);
    path_rename(fd: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32);
    path_symlink(old_path: u32, old_len: u32, fd: u32, new_path: u32, new_len: u32);
    path_unlink_file(fd: u32, path: u32, path_len: u32);
    poll_oneoff(subscriptions: u32, events: u32, count: u32, nevents: u32);
    proc_raise(signal: u32);
    random_get(buf: u32, buf_len: u32);
    sched_yield();
    sock_accept(fd: u32, flags: u32, out: u32);
    sock_recv(fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u32, ro_datalen: u32, ro_flags: u32);
    sock_send(fd: u32, si_data: u32, si_data_len: u32, si_flags: u32, so_datalen: u32);
    sock_shutdown(fd: u32, how: u32);
}

/// Defines every function of `wasi_snapshot_preview1` in `linker`.
pub fn add_to_linker(linker: &mut Linker<WasiP1Ctx>) -> Result<(), Error> {
    add_errno_functions(linker)?;
    // `proc_exit` returns nothing: it always unwinds.
    linker.func_wrap(
        MODULE,
        "proc_exit",
        |mut caller: Caller<'_, WasiP1Ctx>, code: u32| -> Result<(), Error> {
            Err(env::proc_exit(caller.data_mut(), code))
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
