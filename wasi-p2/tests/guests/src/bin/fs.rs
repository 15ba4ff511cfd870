//! std::fs inside the preopen: every operation prints one line, results as values or
//! `err <ErrorKind>`, so the harness compares the whole transcript.
//! argv[1] is the guest path of an empty preopened directory (default `/sandbox`).

#[path = "../transcript.rs"]
mod transcript;

use std::fs::{self, File, FileTimes, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use transcript::{show, symlink};

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/sandbox".into()));
    let at = |relative: &str| root.join(relative);

    show("create_dir_all a/b/c", fs::create_dir_all(at("a/b/c")));
    show("write a/file.txt", fs::write(at("a/file.txt"), "hello"));
    show("read a/file.txt", fs::read_to_string(at("a/file.txt")));
    show("append a/file.txt", append(&at("a/file.txt"), " world"));
    show("read a/file.txt", fs::read_to_string(at("a/file.txt")));
    show(
        "len a/file.txt",
        fs::metadata(at("a/file.txt")).map(|m| m.len()),
    );
    show(
        "is_file/is_dir a/file.txt",
        fs::metadata(at("a/file.txt")).map(|m| (m.is_file(), m.is_dir())),
    );
    show(
        "is_file/is_dir a/b",
        fs::metadata(at("a/b")).map(|m| (m.is_file(), m.is_dir())),
    );
    show("seek+read a/file.txt", seek_read(&at("a/file.txt")));
    show(
        "rename a/file.txt -> a/b/renamed.txt",
        fs::rename(at("a/file.txt"), at("a/b/renamed.txt")),
    );
    show("exists a/file.txt", fs::exists(at("a/file.txt")));
    show(
        "read a/b/renamed.txt",
        fs::read_to_string(at("a/b/renamed.txt")),
    );
    show(
        "copy -> a/copy.txt",
        fs::copy(at("a/b/renamed.txt"), at("a/copy.txt")),
    );
    show("read_dir a", list(&at("a")));
    show("read_dir a/b", list(&at("a/b")));

    show("set_len 3", set_len(&at("a/copy.txt"), 3));
    show("read a/copy.txt", fs::read(at("a/copy.txt")));
    show("set_len 6", set_len(&at("a/copy.txt"), 6));
    show("read a/copy.txt", fs::read(at("a/copy.txt")));

    show(
        "symlink a/link -> b/renamed.txt",
        symlink("b/renamed.txt", &at("a/link")),
    );
    show("read_link a/link", fs::read_link(at("a/link")));
    show("read a/link", fs::read_to_string(at("a/link")));
    show(
        "symlink_metadata a/link is_symlink",
        fs::symlink_metadata(at("a/link")).map(|m| m.is_symlink()),
    );
    show(
        "metadata a/link is_file",
        fs::metadata(at("a/link")).map(|m| m.is_file()),
    );
    show("symlink a/dirlink -> b", symlink("b", &at("a/dirlink")));
    show(
        "read a/dirlink/renamed.txt",
        fs::read_to_string(at("a/dirlink/renamed.txt")),
    );
    show(
        "hard_link a/hard.txt",
        fs::hard_link(at("a/b/renamed.txt"), at("a/hard.txt")),
    );
    show("read a/hard.txt", fs::read_to_string(at("a/hard.txt")));
    show(
        "canonicalize a/dirlink/renamed.txt",
        fs::canonicalize(at("a/dirlink/renamed.txt")),
    );

    show("set_times a/hard.txt", set_times(&at("a/hard.txt")));
    show(
        "modified",
        fs::metadata(at("a/hard.txt"))
            .and_then(|m| m.modified())
            .map(since_epoch),
    );
    show(
        "accessed",
        fs::metadata(at("a/hard.txt"))
            .and_then(|m| m.accessed())
            .map(since_epoch),
    );
    show(
        "modified now is recent",
        modified_now_is_recent(&at("a/fresh.txt")),
    );

    show("big write 1 MiB", fs::write(at("big.bin"), big_data()));
    show(
        "big read",
        fs::read(at("big.bin")).map(|b| (b.len(), b == big_data())),
    );

    show("read missing", fs::read(at("missing")));
    show("create_dir existing", fs::create_dir(at("a")));
    show(
        "create_new existing",
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(at("big.bin"))
            .map(drop),
    );
    show("remove_dir non-empty", fs::remove_dir(at("a")));
    show("write to a directory", fs::write(at("a"), "x"));
    show("read_dir a file", fs::read_dir(at("big.bin")).map(|_| ()));
    show(
        "open file/ (trailing slash)",
        File::open(at("big.bin/")).map(drop),
    );
    show("remove_file a directory", fs::remove_file(at("a/b")));

    show("remove_file a/link", fs::remove_file(at("a/link")));
    show("remove_file a/hard.txt", fs::remove_file(at("a/hard.txt")));
    show("remove_dir a/b/c", fs::remove_dir(at("a/b/c")));
    show("remove_dir_all a", fs::remove_dir_all(at("a")));
    show("remove_file big.bin", fs::remove_file(at("big.bin")));
    show("read_dir root", list(&root));
}

fn append(path: &Path, text: &str) -> io::Result<()> {
    OpenOptions::new()
        .append(true)
        .open(path)?
        .write_all(text.as_bytes())
}

fn seek_read(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(6))?;
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    Ok(text)
}

fn set_len(path: &Path, len: u64) -> io::Result<u64> {
    let file = OpenOptions::new().write(true).open(path)?;
    file.set_len(len)?;
    Ok(file.metadata()?.len())
}

/// Sorted `name:type` pairs.
fn list(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let kind = if kind.is_symlink() {
            "link"
        } else if kind.is_dir() {
            "dir"
        } else {
            "file"
        };
        names.push(format!("{}:{kind}", entry.file_name().to_string_lossy()));
    }
    names.sort();
    Ok(names)
}

fn set_times(path: &Path) -> io::Result<()> {
    let modified = UNIX_EPOCH + Duration::new(1_234_567_890, 123_456_789);
    let accessed = UNIX_EPOCH + Duration::new(1_000_000_000, 0);
    let file = OpenOptions::new().write(true).open(path)?;
    file.set_times(
        FileTimes::new()
            .set_modified(modified)
            .set_accessed(accessed),
    )
}

fn since_epoch(time: SystemTime) -> Duration {
    time.duration_since(UNIX_EPOCH).unwrap_or_default()
}

fn modified_now_is_recent(path: &Path) -> io::Result<bool> {
    fs::write(path, "new")?;
    let modified = fs::metadata(path)?.modified()?;
    let age = SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default();
    Ok(age < Duration::from_secs(60))
}

fn big_data() -> Vec<u8> {
    (0..1_048_576u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect()
}
