//! Expected transcripts, recorded from wasmtime 49 (`wasmtime run`, same flags) and
//! reviewed by hand: a line ending in `{..}` matches any line starting with the text
//! before it, and a line listed in `ACCEPTED_DEVIATIONS` may be replaced by myrt's.

pub const HELLO: &str = "hello, world\n";

pub const ARGS_ENV_NO_GRANTS: &str = r#"argc=1
argv[0]="args_env.wasm"
envc=0
read_dir("/"): err NotFound
read_dir("."): err NotFound
read_dir("/sandbox"): err NotFound
"#;

pub const ARGS_ENV_GRANTED: &str = r#"argc=7
argv[0]="args_env.wasm"
argv[1]=""
argv[2]="with space"
argv[3]="--flag"
argv[4]="héllo"
argv[5]="-5"
argv[6]="--dir=/"
envc=3
env E="a b"
env FOO="bar"
env FROM_HOST="passed through"
read_dir("/"): err NotFound
read_dir("."): err NotFound
read_dir("/sandbox"): ok, 0 entries
"#;

pub const TIME: &str = "wall clock sane: true
instant monotonic: true
slept at least 10ms: true
slept under 5s: true
";

pub const RANDOM: &str = "two states differ: true
seed {..}
";

/// `app work /sandbox` with `--env FOO=bar`.
pub const APP_WORK: &str = r#"args: ["work", "/sandbox"]
env: [("FOO", "bar")]
cwd: Ok("/")
wall clock after 2020: true
remove missing: Err(NotFound)
read dir as file: Err(IsADirectory)
remove non-empty dir: Err("Directory not empty (os error 55)")
dir        0 data
file  524288 data/big.bin
file       0 data/empty
dir        0 docs
file      53 docs/readme.md
file      44 docs/todo.txt
dir        0 src
dir        0 src/lib
file      44 src/lib/util.rs
file      30 src/main.rs
file      30 src/main.rs.bak
date in docs/todo.txt: 05/01/2024
date in docs/todo.txt: 11/02/2024
report: 11 entries, 17 words, 1166 bytes, same: true
most frequent: Some(("the", 2))
json value: {"a":[1,2.5,"x",null,true],"b":{"c":-3}}
json error: Err("expected value at line 1 column 7")
monotonic under 10 min: true
"#;

/// What `app work` leaves in the sandbox (path, size): the host sees the guest's writes.
pub const APP_SANDBOX: &[(&str, u64)] = &[
    ("data/big.bin", 524_288),
    ("data/empty", 0),
    ("docs/readme.md", 53),
    ("docs/todo.txt", 44),
    ("report.json", 1166),
    ("src/lib/util.rs", 44),
    ("src/main.rs", 30),
    ("src/main.rs.bak", 30),
];

/// With `RUST_BACKTRACE=1`: std prints where and why, then its backtrace header (the
/// frames themselves come from the runtime's trap report).
pub const APP_PANIC_STDERR: &str =
    "panicked at src/bin/app.rs:72:15:\nthe value was never set\nstack backtrace:\n";

pub const PANIC_STDOUT: &str = "before the panic\n";
pub const PANIC_STDERR: &str = "boom from the guest";

/// Recorded with `wasmtime run -S http` (wasi:http is linked only with it there).
pub const HTTP_CLIENT: &str = r#"from-list ok: Ok([("accept", "text/plain"), ("x-n", "1")])
from-list bad name: Err(HeaderError::InvalidSyntax)
from-list bad value: Err(HeaderError::InvalidSyntax)
from-list forbidden: Err(HeaderError::Forbidden)
append: Ok(())
append again: Ok(())
get any case: ["a", "b"]
has: true false
get absent: []
set: Ok(())
set bad value: Err(HeaderError::InvalidSyntax)
after set: ["c"]
append empty value: Ok(())
get empty value: [""]
delete: Ok(()) has false
delete bad name: Err(HeaderError::InvalidSyntax)
append forbidden: Err(HeaderError::Forbidden)
clone append: Ok(())
clone is deep: true false
content-length: Ok(())
method default: Method::Get
set-method put: Ok(()) -> Method::Put
set-method other: Ok(()) -> Method::Other("PROPFIND")
set-method invalid: Err(()) -> Method::Other("PROPFIND")
scheme default: None
set-scheme https: Ok(())
set-scheme invalid: Ok(()) -> Some(Scheme::Other("1nvalid"))
authority default: None
set-authority: Ok(())
set-authority invalid: Err(()) -> Some("example.com:443")
set-path: Ok(())
set-path invalid: Err(()) -> Some("/search?q=wasi")
request headers: [("x-multi", "c"), ("content-length", "5")]
request headers append: Err(HeaderError::Immutable)
request headers set: Err(HeaderError::Immutable)
request headers delete: Err(HeaderError::Immutable)
second body(): Err(())
second write(): Err(())
write: Ok(())
finish short body: Err(ErrorCode::HttpRequestBodySize(Some(3)))
connect-timeout default: None
set-connect-timeout: Ok(()) -> Some(5000000000)
set-first-byte-timeout: Ok(()) -> Some(1)
set-between-bytes-timeout: Ok(()) -> None
handle: Err(ErrorCode::HttpProtocolError)
handle without authority: Err(ErrorCode::HttpRequestUriInvalid)
status default: 200
set-status 404: Ok(()) -> 404
set-status 42: Err(()) -> 404
response headers append: Err(HeaderError::Immutable)
second response body(): Err(())
write: Ok(())
finish exact body: Ok(())
"#;

/// Recorded with wasmtime's defaults, which deny every address (`tcp` and `udp` are
/// on, without `inherit-network`): the same error kinds as myrt's refusal to create
/// the socket at all.
pub const SOCKETS: &str = "tcp connect: err PermissionDenied
tcp connect v6: err PermissionDenied
tcp listen: err PermissionDenied
udp bind: err PermissionDenied
name lookup fails: true
still running
";

pub const POLLABLES: &str = "monotonic resolution > 0: true
wall resolution > 0: true
long ready now: false
poll picks the short one: [1]
waited at least 20ms: true
waited under 5s: true
short ready after: true
past instant ready: false
block returned when ready: true
poll of ready ones: [0, 1, 2]
zero duration ready: false
stdout writable: true
stdout check-write > 0: true
random bytes 0: 0
random bytes 100: 100
random u64 differ: true
insecure bytes 33: 33
insecure u64 differ: true
insecure seed stable: true
64KiB random not all zero: true
";

/// `stdin_lines` fed `STDIN_LINES_INPUT`.
pub const STDIN_LINES_INPUT: &[u8] = b"one\r\ntwo\n\n\0nul\n\xff\xfe bad\nlast";
pub const STDIN_LINES: &str = "line 1: 5 bytes, end crlf, utf8 true, nul false
line 2: 4 bytes, end lf, utf8 true, nul false
line 3: 1 bytes, end lf, utf8 true, nul false
line 4: 5 bytes, end lf, utf8 true, nul true
line 5: 7 bytes, end lf, utf8 false, nul false
line 6: 4 bytes, end none, utf8 true, nul false
read after end: Ok(0)
read after end again: Ok(0)
";
pub const STDIN_LINES_EMPTY: &str = "read after end: Ok(0)
read after end again: Ok(0)
";

/// `/sandbox` is the guest path of the preopen; the scenario substitutes its own.
pub const FS: &str = r#"create_dir_all a/b/c: ok ()
write a/file.txt: ok ()
read a/file.txt: ok "hello"
append a/file.txt: ok ()
read a/file.txt: ok "hello world"
len a/file.txt: ok 11
is_file/is_dir a/file.txt: ok (true, false)
is_file/is_dir a/b: ok (false, true)
seek+read a/file.txt: ok "world"
rename a/file.txt -> a/b/renamed.txt: ok ()
exists a/file.txt: ok false
read a/b/renamed.txt: ok "hello world"
copy -> a/copy.txt: ok 11
read_dir a: ok ["b:dir", "copy.txt:file"]
read_dir a/b: ok ["c:dir", "renamed.txt:file"]
set_len 3: ok 3
read a/copy.txt: ok [104, 101, 108]
set_len 6: ok 6
read a/copy.txt: ok [104, 101, 108, 0, 0, 0]
symlink a/link -> b/renamed.txt: ok ()
read_link a/link: ok "b/renamed.txt"
read a/link: ok "hello world"
symlink_metadata a/link is_symlink: ok true
metadata a/link is_file: ok true
symlink a/dirlink -> b: ok ()
read a/dirlink/renamed.txt: ok "hello world"
hard_link a/hard.txt: ok ()
read a/hard.txt: ok "hello world"
canonicalize a/dirlink/renamed.txt: ok "/sandbox/a/b/renamed.txt"
set_times a/hard.txt: ok ()
modified: ok 1234567890.123456789s
accessed: ok 1000000000s
modified now is recent: ok true
big write 1 MiB: ok ()
big read: ok (1048576, true)
read missing: err NotFound (os 44)
create_dir existing: err AlreadyExists (os 20)
create_new existing: err AlreadyExists (os 20)
remove_dir non-empty: err Uncategorized (os 55)
write to a directory: err IsADirectory (os 31)
read_dir a file: err NotADirectory (os 54)
open file/ (trailing slash): err NotADirectory (os 54)
remove_file a directory: err IsADirectory (os 31)
remove_file a/link: ok ()
remove_file a/hard.txt: ok ()
remove_dir a/b/c: ok ()
remove_dir_all a: ok ()
remove_file big.bin: ok ()
read_dir root: ok []
"#;

/// wasi-libc errno values: 20 EEXIST, 31 EISDIR, 32 ELOOP, 37 ENAMETOOLONG, 44 ENOENT,
/// 54 ENOTDIR, 55 ENOTEMPTY, 63 EPERM (`not-permitted`, what a sandbox escape gets).
/// The lines that end in `ok` are not escapes: they stay inside the preopen.
pub const ESCAPE: &str = r#"read <root>/../outside.txt: err PermissionDenied (os 63)
read ../outside.txt (relative): err NotFound (os 44)
read /etc/passwd: err NotFound (os 44)
read host path of outside.txt: err NotFound (os 44)
read <root>/subdir/../../outside.txt: err PermissionDenied (os 63)
read <root>/./../outside.txt: err PermissionDenied (os 63)
create <root>/../new.txt: err PermissionDenied (os 63)
create_dir <root>/../newdir: err PermissionDenied (os 63)
remove_file <root>/../outside.txt: err PermissionDenied (os 63)
read_dir <root>/..: err PermissionDenied (os 63)
read abs_link: err PermissionDenied (os 63)
truncate abs_link: err PermissionDenied (os 63)
metadata abs_link: err PermissionDenied (os 63)
symlink_metadata abs_link: ok true
read_link abs_link: err PermissionDenied (os 63)
read_dir abs_dir_link: err PermissionDenied (os 63)
read abs_dir_link/canary.txt: err PermissionDenied (os 63)
read rel_link: err PermissionDenied (os 63)
truncate rel_link: err PermissionDenied (os 63)
read rel_dir_link/canary.txt: err PermissionDenied (os 63)
create rel_dir_link/new.txt: err PermissionDenied (os 63)
read_dir rel_dir_link/: err PermissionDenied (os 63)
remove_file rel_dir_link/canary.txt: err PermissionDenied (os 63)
create_dir rel_dir_link/newdir: err PermissionDenied (os 63)
read loop_a: err FilesystemLoop (os 32)
read self_loop: err FilesystemLoop (os 32)
read loop_a/x: err FilesystemLoop (os 32)
read dangling: err NotFound (os 44)
create through dangling: ok ()
create through dangling_out: err PermissionDenied (os 63)
create_new through dangling_out: err AlreadyExists (os 20)
read file_link/: err NotADirectory (os 54)
read file_link/.: err NotADirectory (os 54)
create file_link/: err IsADirectory (os 31)
read rel_link/: err PermissionDenied (os 63)
read abs_dir_link/: err PermissionDenied (os 63)
read file.txt/: err NotADirectory (os 54)
create_dir dangling_dir_out/: err AlreadyExists (os 20)
remove_dir empty_out/: err PermissionDenied (os 63)
rename empty_out/ -> stolen_dir: err NotADirectory (os 54)
remove_file rel_link/: err PermissionDenied (os 63)
rename file.txt -> dangling_out/: err NotADirectory (os 54)
hard_link file.txt -> dangling_out/: err PermissionDenied (os 63)
symlink dangling_out/ -> x: err PermissionDenied (os 63)
create dangling_out/: err IsADirectory (os 31)
read chain_link: err PermissionDenied (os 63)
read dotdot_link/outside.txt: err PermissionDenied (os 63)
read_dir dotdot_link: err PermissionDenied (os 63)
read sub_link/../file.txt: ok "inside\n"
read sub_link/../../outside.txt: err PermissionDenied (os 63)
read sub_link/../rel_link: err PermissionDenied (os 63)
symlink made_rel -> ../outside.txt: ok ()
read made_rel: err PermissionDenied (os 63)
truncate made_rel: err PermissionDenied (os 63)
symlink made_abs -> /etc/passwd: err PermissionDenied (os 63)
read made_abs: err NotFound (os 44)
symlink made_host -> host path: err PermissionDenied (os 63)
read made_host: err NotFound (os 44)
create through made_host: ok ()
symlink <root>/../made_link: err PermissionDenied (os 63)
rename file.txt -> ../x: err PermissionDenied (os 63)
rename file.txt -> rel_dir_link/x: err PermissionDenied (os 63)
rename ../outside.txt -> stolen: err PermissionDenied (os 63)
hard_link file.txt -> ../x: err PermissionDenied (os 63)
hard_link ../outside.txt -> stolen: err PermissionDenied (os 63)
hard_link rel_dir_link/canary.txt -> stolen: err PermissionDenied (os 63)
read ..\outside.txt: err NotFound (os 44)
read ..%2foutside.txt: err NotFound (os 44)
read with NUL: err InvalidInput
create control chars (inside): ok ()
create 300-byte name: err InvalidFilename (os 37)
read //..//outside.txt: err PermissionDenied (os 63)
read file.txt: ok "inside\n"
"#;

/// Where myrt's sandbox deliberately differs from wasmtime's: (wasmtime's line, myrt's
/// line); either passes. None of them lets anything through:
/// - myrt refuses to *create* a symlink whose relative target climbs above the preopen
///   (wasmtime creates it and refuses only to follow it), so the link is then missing
///   rather than unfollowable;
/// - on a trailing-slash name that is a symlink to outside, myrt reports what Linux
///   reports for the name itself (`not-directory`, `exist`) where wasmtime reports
///   `not-permitted` for the target.
///
/// Outside the filesystem:
/// - wasi:http field names: the WIT says entries come back "in the original casing";
///   wasmtime lowercases them;
/// - `set-scheme` of a syntactically invalid scheme: the WIT says it fails; wasmtime
///   accepts it;
/// - `outgoing-handler.handle`: myrt grants no network and refuses with
///   `HTTP-request-denied`; wasmtime tries to send and fails on the way;
/// - a pollable for an instant already past (or a zero duration) is ready at once in
///   myrt, as the WIT says; wasmtime's timer may not have fired at the first `ready`.
pub const ACCEPTED_DEVIATIONS: &[(&str, &str)] = &[
    (
        r#"from-list ok: Ok([("accept", "text/plain"), ("x-n", "1")])"#,
        r#"from-list ok: Ok([("Accept", "text/plain"), ("x-n", "1")])"#,
    ),
    (
        r#"request headers: [("x-multi", "c"), ("content-length", "5")]"#,
        r#"request headers: [("x-multi", "c"), ("Content-Length", "5")]"#,
    ),
    (
        r#"set-scheme invalid: Ok(()) -> Some(Scheme::Other("1nvalid"))"#,
        "set-scheme invalid: Err(()) -> Some(Scheme::Https)",
    ),
    (
        "handle: Err(ErrorCode::HttpProtocolError)",
        "handle: Err(ErrorCode::HttpRequestDenied)",
    ),
    ("past instant ready: false", "past instant ready: true"),
    ("zero duration ready: false", "zero duration ready: true"),
    (
        "remove_dir empty_out/: err PermissionDenied (os 63)",
        "remove_dir empty_out/: err NotADirectory (os 54)",
    ),
    (
        "remove_file rel_link/: err PermissionDenied (os 63)",
        "remove_file rel_link/: err NotADirectory (os 54)",
    ),
    (
        "hard_link file.txt -> dangling_out/: err PermissionDenied (os 63)",
        "hard_link file.txt -> dangling_out/: err AlreadyExists (os 20)",
    ),
    (
        "symlink dangling_out/ -> x: err PermissionDenied (os 63)",
        "symlink dangling_out/ -> x: err AlreadyExists (os 20)",
    ),
    (
        "symlink made_rel -> ../outside.txt: ok ()",
        "symlink made_rel -> ../outside.txt: err PermissionDenied (os 63)",
    ),
    (
        "read made_rel: err PermissionDenied (os 63)",
        "read made_rel: err NotFound (os 44)",
    ),
    (
        "truncate made_rel: err PermissionDenied (os 63)",
        "truncate made_rel: err NotFound (os 44)",
    ),
];
