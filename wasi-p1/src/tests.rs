//! The preview 1 functions called from wasm, as a guest calls them: each test
//! module imports the functions it needs and exports a wrapper per function
//! (host functions find the guest's memory through the calling instance).

use std::path::Path;

use myrt_interp::{Engine, Instance, Linker, Module, Store, Val};
use myrt_wasi_p2::ErrorCode;
use myrt_wasi_p2::fs::{DirPerms, FilePerms};
use myrt_wasi_p2::io::pipes::{MemoryInputPipe, MemoryOutputPipe};
use myrt_wasi_p2::io::stdio::{OutputSink, StdinSource};
use myrt_wasi_p2::{HostError, WasiCtx, WasiCtxBuilder};

use crate::{Errno, WasiP1Ctx, add_to_linker};

/// Parameter types of the functions the tests call.
const SIGNATURES: &[(&str, &str)] = &[
    ("args_sizes_get", "i32 i32"),
    ("fd_write", "i32 i32 i32 i32"),
    ("fd_read", "i32 i32 i32 i32"),
    ("fd_seek", "i32 i64 i32 i32"),
    ("fd_tell", "i32 i32"),
    ("fd_close", "i32"),
    ("fd_prestat_get", "i32 i32"),
    ("fd_prestat_dir_name", "i32 i32 i32"),
    ("fd_readdir", "i32 i32 i32 i64 i32"),
    ("path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"),
    ("path_symlink", "i32 i32 i32 i32 i32"),
    ("path_create_directory", "i32 i32 i32"),
    ("poll_oneoff", "i32 i32 i32 i32"),
    ("clock_time_get", "i32 i64 i32"),
    ("random_get", "i32 i32"),
    ("proc_raise", "i32"),
    ("sock_shutdown", "i32 i32"),
];

fn wat() -> String {
    let mut text = String::from("(module\n");
    for (name, params) in SIGNATURES {
        text += &format!(
            "(import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) (result i32)))\n"
        );
    }
    text += "(import \"wasi_snapshot_preview1\" \"proc_exit\" (func $proc_exit (param i32)))\n";
    text += "(memory (export \"memory\") 1)\n";
    for (name, params) in SIGNATURES {
        let gets: String = (0..params.split(' ').count())
            .map(|i| format!("local.get {i} "))
            .collect();
        text += &format!(
            "(func (export \"{name}\") (param {params}) (result i32) {gets} call ${name})\n"
        );
    }
    text += "(func (export \"proc_exit\") (param i32) local.get 0 call $proc_exit))";
    text
}

struct Guest {
    store: Store<WasiP1Ctx>,
    instance: Instance,
}

impl Guest {
    fn new(ctx: WasiCtx) -> Guest {
        let engine = Engine::default();
        let module = Module::new(&engine, &wat::parse_str(wat()).unwrap()).unwrap();
        let mut store = Store::new(&engine, WasiP1Ctx::new(ctx).unwrap());
        let mut linker = Linker::new(&engine);
        add_to_linker(&mut linker).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        Guest { store, instance }
    }

    fn with_dir(dir: &Path) -> Guest {
        let mut builder = WasiCtxBuilder::new();
        builder
            .preopened_dir(dir, "/sandbox", DirPerms::all(), FilePerms::all())
            .unwrap();
        Guest::new(builder.build())
    }

    fn try_call(&mut self, name: &str, args: &[Val]) -> Result<u16, myrt_interp::Error> {
        let func = self.instance.get_func(&self.store, name).unwrap();
        let mut results = vec![Val::I32(0)];
        func.call(&mut self.store, args, &mut results)?;
        match results[0] {
            Val::I32(errno) => Ok(errno as u16),
            ref other => panic!("errno of type {:?}", other.ty()),
        }
    }

    fn exit(&mut self, code: i32) -> Result<(), myrt_interp::Error> {
        let func = self.instance.get_func(&self.store, "proc_exit").unwrap();
        func.call(&mut self.store, &[Val::I32(code)], &mut [])
    }

    fn call(&mut self, name: &str, args: &[i64]) -> u16 {
        let ty = self
            .instance
            .get_func(&self.store, name)
            .unwrap()
            .ty(&self.store);
        let args: Vec<Val> = args
            .iter()
            .zip(ty.params())
            .map(|(value, ty)| match ty {
                myrt_interp::ValType::I64 => Val::I64(*value),
                _ => Val::I32(*value as i32),
            })
            .collect();
        self.try_call(name, &args).unwrap()
    }

    fn memory(&self) -> myrt_interp::Memory {
        match self.instance.get_export(&self.store, "memory") {
            Some(myrt_interp::Extern::Memory(memory)) => memory,
            _ => unreachable!("the module exports its memory"),
        }
    }

    fn poke(&mut self, ptr: usize, bytes: &[u8]) {
        let memory = self.memory();
        memory.write(&mut self.store, ptr, bytes).unwrap();
    }

    fn peek(&self, ptr: usize, len: usize) -> Vec<u8> {
        let mut out = vec![0; len];
        self.memory().read(&self.store, ptr, &mut out).unwrap();
        out
    }

    fn peek_u32(&self, ptr: usize) -> u32 {
        u32::from_le_bytes(self.peek(ptr, 4).try_into().unwrap())
    }

    fn peek_u64(&self, ptr: usize) -> u64 {
        u64::from_le_bytes(self.peek(ptr, 8).try_into().unwrap())
    }

    /// Writes `path` at 0x1000 and opens it beneath fd 3 (the preopen),
    /// read-write, following symlinks as `open(2)` does; returns the errno and, on success, the new fd.
    fn open(&mut self, path: &str, oflags: i64) -> (u16, u32) {
        self.poke(0x1000, path.as_bytes());
        let rights = (crate::abi::rights::READING | crate::abi::rights::WRITING) as i64;
        let errno = self.call(
            "path_open",
            &[3, 1, 0x1000, path.len() as i64, oflags, rights, 0, 0, 0x800],
        );
        (errno, self.peek_u32(0x800))
    }
}

const EFAULT: u16 = Errno::Fault as u16;
const EPERM: u16 = Errno::Perm as u16;

#[test]
fn errno_values_follow_the_witx() {
    for (code, errno) in [
        (ErrorCode::Access, 2),
        (ErrorCode::BadDescriptor, 8),
        (ErrorCode::Exist, 20),
        (ErrorCode::IllegalByteSequence, 25),
        (ErrorCode::IsDirectory, 31),
        (ErrorCode::Loop, 32),
        (ErrorCode::NameTooLong, 37),
        (ErrorCode::NoEntry, 44),
        (ErrorCode::NotDirectory, 54),
        (ErrorCode::NotEmpty, 55),
        (ErrorCode::Unsupported, 58),
        (ErrorCode::NotPermitted, 63),
        (ErrorCode::ReadOnly, 69),
        (ErrorCode::InvalidSeek, 70),
        (ErrorCode::CrossDevice, 75),
    ] {
        assert_eq!(Errno::from(code) as u16, errno, "{code}");
    }
    assert_eq!(Errno::Fault as u16, 21);
    assert_eq!(Errno::Nosys as u16, 52);
    assert_eq!(Errno::Notcapable as u16, 76);
}

#[test]
fn fd_write_gathers_iovecs_and_fd_read_scatters() {
    let stdout = MemoryOutputPipe::new(1 << 16);
    let mut builder = WasiCtxBuilder::new();
    builder
        .stdout(OutputSink::Memory(stdout.clone()))
        .stdin(StdinSource::Memory(MemoryInputPipe::new(
            b"abcdefgh".to_vec(),
        )));
    let mut guest = Guest::new(builder.build());
    guest.poke(0x100, b"hello, ");
    guest.poke(0x200, b"world\n");
    // Two iovecs and an empty one in between.
    for (i, (ptr, len)) in [(0x100u32, 7u32), (0x300, 0), (0x200, 6)]
        .iter()
        .enumerate()
    {
        guest.poke(
            0x10 + i * 8,
            &[ptr.to_le_bytes(), len.to_le_bytes()].concat(),
        );
    }
    assert_eq!(guest.call("fd_write", &[1, 0x10, 3, 0x40]), 0);
    assert_eq!(guest.peek_u32(0x40), 13);
    assert_eq!(stdout.contents(), b"hello, world\n");

    // 3 + 2 bytes of room: a read fills them in order.
    guest.poke(0x10, &[0x400u32.to_le_bytes(), 3u32.to_le_bytes()].concat());
    guest.poke(0x18, &[0x500u32.to_le_bytes(), 2u32.to_le_bytes()].concat());
    assert_eq!(guest.call("fd_read", &[0, 0x10, 2, 0x40]), 0);
    assert_eq!(guest.peek_u32(0x40), 5);
    assert_eq!(guest.peek(0x400, 3), b"abc");
    assert_eq!(guest.peek(0x500, 2), b"de");
    // Writing to stdin, reading from stdout: not what they are open for.
    assert_eq!(
        guest.call("fd_write", &[0, 0x10, 1, 0x40]),
        Errno::Badf as u16
    );
    assert_eq!(
        guest.call("fd_read", &[1, 0x10, 1, 0x40]),
        Errno::Badf as u16
    );
    assert_eq!(guest.call("fd_seek", &[1, 0, 0, 0x40]), Errno::Spipe as u16);
    assert_eq!(
        guest.call("fd_write", &[9, 0x10, 1, 0x40]),
        Errno::Badf as u16
    );
}

#[test]
fn bad_pointers_are_efault_and_nothing_happens() {
    let stdout = MemoryOutputPipe::new(1 << 16);
    let mut builder = WasiCtxBuilder::new();
    builder.stdout(OutputSink::Memory(stdout.clone()));
    let mut guest = Guest::new(builder.build());
    let end = 65536i64;
    // The iovec array, an iovec's buffer, the result pointer: each out of bounds.
    assert_eq!(guest.call("fd_write", &[1, end - 4, 1, 0x40]), EFAULT);
    guest.poke(
        0x10,
        &[(end as u32 - 2).to_le_bytes(), 4u32.to_le_bytes()].concat(),
    );
    assert_eq!(guest.call("fd_write", &[1, 0x10, 1, 0x40]), EFAULT);
    guest.poke(
        0x10,
        &[0x100u32.to_le_bytes(), u32::MAX.to_le_bytes()].concat(),
    );
    assert_eq!(guest.call("fd_write", &[1, 0x10, 1, 0x40]), EFAULT);
    // An iovec count whose table size overflows 32 bits.
    assert_eq!(
        guest.call("fd_write", &[1, 0x10, 0x2000_0001, 0x40]),
        EFAULT
    );
    assert!(stdout.contents().is_empty());
    assert_eq!(guest.call("args_sizes_get", &[end - 2, 0]), EFAULT);
    assert_eq!(
        guest.call("clock_time_get", &[1, 0, u32::MAX as i64]),
        EFAULT
    );
    assert_eq!(guest.call("random_get", &[end - 8, 16]), EFAULT);
    assert_eq!(
        guest.call("poll_oneoff", &[end - 8, 0x100, 1, 0x40]),
        EFAULT
    );
    // Nothing was opened: the result pointer is checked first.
    let dir = tempfile::tempdir().unwrap();
    let mut guest = Guest::with_dir(dir.path());
    guest.poke(0x1000, b"new.txt");
    let created = guest.call("path_open", &[3, 0, 0x1000, 7, 1, 0, 0, 0, end]);
    assert_eq!(created, EFAULT);
    assert!(!dir.path().join("new.txt").exists());
}

#[test]
fn paths_cannot_leave_the_preopen() {
    let base = tempfile::tempdir().unwrap();
    let sandbox = base.path().join("sandbox");
    std::fs::create_dir_all(sandbox.join("sub")).unwrap();
    std::fs::write(base.path().join("outside.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(base.path().join("outside.txt"), sandbox.join("abs_link")).unwrap();
    std::os::unix::fs::symlink("../outside.txt", sandbox.join("rel_link")).unwrap();
    std::os::unix::fs::symlink("..", sandbox.join("up")).unwrap();
    let mut guest = Guest::with_dir(&sandbox);
    for path in [
        "../outside.txt",
        "/etc/passwd",
        "sub/../../outside.txt",
        "abs_link",
        "rel_link",
        "up/outside.txt",
    ] {
        assert_eq!(guest.open(path, 0).0, EPERM, "{path}");
    }
    // Creating through an escape, or a link that points out, is refused too.
    assert_eq!(guest.open("../new.txt", 1).0, EPERM);
    guest.poke(0x1000, b"../dir");
    assert_eq!(guest.call("path_create_directory", &[3, 0x1000, 6]), EPERM);
    guest.poke(0x1000, b"/etc");
    guest.poke(0x1100, b"etc_link");
    assert_eq!(
        guest.call("path_symlink", &[0x1000, 4, 3, 0x1100, 8]),
        EPERM
    );
    assert!(!base.path().join("new.txt").exists() && !base.path().join("dir").exists());
    assert!(!sandbox.join("etc_link").exists());
    // A path that is not UTF-8.
    guest.poke(0x1000, &[0xff, 0xfe]);
    assert_eq!(
        guest.call("path_create_directory", &[3, 0x1000, 2]),
        Errno::Ilseq as u16
    );
}

#[test]
fn files_have_a_position_and_directories_a_listing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "0123456789").unwrap();
    let mut guest = Guest::with_dir(dir.path());
    // The preopen is fd 3 and says its guest name.
    assert_eq!(guest.call("fd_prestat_get", &[3, 0x40]), 0);
    assert_eq!(guest.peek_u32(0x44), 8);
    assert_eq!(
        guest.call("fd_prestat_dir_name", &[3, 0x80, 4]),
        Errno::Nametoolong as u16
    );
    assert_eq!(guest.call("fd_prestat_dir_name", &[3, 0x80, 8]), 0);
    assert_eq!(guest.peek(0x80, 8), b"/sandbox");
    assert_eq!(guest.call("fd_prestat_get", &[4, 0x40]), Errno::Badf as u16);

    let (errno, fd) = guest.open("a.txt", 0);
    assert_eq!((errno, fd), (0, 4));
    assert_eq!(guest.call("fd_seek", &[fd.into(), -3, 2, 0x40]), 0);
    assert_eq!(guest.peek_u64(0x40), 7);
    guest.poke(
        0x10,
        &[0x400u32.to_le_bytes(), 16u32.to_le_bytes()].concat(),
    );
    assert_eq!(guest.call("fd_read", &[fd.into(), 0x10, 1, 0x40]), 0);
    assert_eq!(
        (guest.peek_u32(0x40), guest.peek(0x400, 3)),
        (3, b"789".to_vec())
    );
    assert_eq!(guest.call("fd_tell", &[fd.into(), 0x40]), 0);
    assert_eq!(guest.peek_u64(0x40), 10);
    assert_eq!(
        guest.call("fd_seek", &[fd.into(), -11, 1, 0x40]),
        Errno::Inval as u16
    );

    // `.`, `..`, `a.txt`; a buffer for one record and a half cuts the second.
    assert_eq!(guest.call("fd_readdir", &[3, 0x2000, 4096, 0, 0x40]), 0);
    let used = guest.peek_u32(0x40) as usize;
    assert_eq!(used, 3 * 24 + 1 + 2 + 5);
    assert_eq!(guest.call("fd_readdir", &[3, 0x2000, 30, 0, 0x40]), 0);
    assert_eq!(guest.peek_u32(0x40), 30);
    // From cookie 2 on: only the file, its name after the record.
    assert_eq!(guest.call("fd_readdir", &[3, 0x2000, 4096, 2, 0x40]), 0);
    assert_eq!(guest.peek_u32(0x40), 24 + 5);
    assert_eq!(guest.peek_u64(0x2000), 3);
    assert_eq!(
        guest.peek(0x2000 + 20, 1),
        [crate::abi::filetype::REGULAR_FILE]
    );
    assert_eq!(guest.peek(0x2000 + 24, 5), b"a.txt");

    assert_eq!(guest.call("fd_close", &[fd.into()]), 0);
    assert_eq!(guest.call("fd_close", &[fd.into()]), Errno::Badf as u16);
    assert_eq!(
        guest.call("fd_readdir", &[fd.into(), 0x2000, 4096, 0, 0x40]),
        Errno::Badf as u16
    );
}

#[test]
fn poll_waits_for_a_clock_and_processes_exit() {
    let mut guest = Guest::new(WasiCtxBuilder::new().build());
    // One relative monotonic clock subscription of 1 ms, userdata 7.
    let mut subscription = [0u8; 48];
    subscription[0..8].copy_from_slice(&7u64.to_le_bytes());
    subscription[16..20].copy_from_slice(&1u32.to_le_bytes());
    subscription[24..32].copy_from_slice(&1_000_000u64.to_le_bytes());
    guest.poke(0x100, &subscription);
    assert_eq!(guest.call("poll_oneoff", &[0x100, 0x200, 1, 0x40]), 0);
    assert_eq!(guest.peek_u32(0x40), 1);
    assert_eq!(guest.peek_u64(0x200), 7);
    assert_eq!(
        guest.call("poll_oneoff", &[0x100, 0x200, 0, 0x40]),
        Errno::Inval as u16
    );

    assert_eq!(guest.call("proc_raise", &[6]), Errno::Nosys as u16);
    assert_eq!(guest.call("sock_shutdown", &[1, 0]), Errno::Notsup as u16);
    assert_eq!(guest.call("sock_shutdown", &[42, 0]), Errno::Badf as u16);

    let exit = guest.exit(3);
    assert!(
        matches!(exit, Err(myrt_interp::Error::Host(ref e)) if e.downcast_ref::<HostError>().is_some())
    );
    assert_eq!(guest.store.data().exit_code(), Some(3));
    // Statuses from 126 on are reserved: a trap, no status.
    let mut guest = Guest::new(WasiCtxBuilder::new().build());
    assert!(guest.exit(200).is_err());
    assert_eq!(guest.store.data().exit_code(), None);
}
