//! A std program of the size users write, with crates from crates.io: builds a tree of
//! files, renames, copies and removes in it, walks it in sorted order, scans the text
//! with `regex`, and writes, reads back and reparses a `serde_json` report.
//! Modes (argv[1]): `work DIR` (default, DIR defaults to `/sandbox`), `panic DEPTH`
//! (an `expect` failure DEPTH calls deep), `exit N` (`std::process::exit(N)`).

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use regex::Regex;
use serde_json::{Value, json};

/// The tree `work` creates under DIR: path and contents.
const TEXTS: [(&str, &str); 5] = [
    (
        "docs/readme.md",
        "# Title\nThe quick brown fox jumps over the lazy dog.\n",
    ),
    (
        "docs/notes/todo.txt",
        "- buy milk 2024-01-05\n- call bob 2024-02-11\n",
    ),
    ("src/main.rs", "fn main() { println!(\"hi\"); }\n"),
    (
        "src/lib/util.rs",
        "pub fn add(a: u32, b: u32) -> u32 { a + b }\n",
    ),
    ("data/empty", ""),
];

struct Entry {
    path: String,
    is_dir: bool,
    size: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count = args.get(2).and_then(|n| n.parse::<i32>().ok());
    match args.get(1).map(String::as_str) {
        Some("panic") => nested(count.map_or(3, i32::unsigned_abs)),
        Some("exit") => {
            let code = count.unwrap_or(0);
            println!("exit {code}");
            io::stdout().flush().expect("flush stdout");
            std::process::exit(code)
        }
        Some("work") | None => {
            let root = PathBuf::from(args.get(2).map_or("/sandbox", String::as_str));
            if let Err(error) = work(&root) {
                eprintln!("error: {error}");
                std::process::exit(2);
            }
        }
        Some(other) => {
            eprintln!("unknown mode {other:?}");
            std::process::exit(64);
        }
    }
}

/// Recursion the optimizer keeps, so the backtrace shows one frame per level.
#[inline(never)]
fn nested(depth: u32) -> ! {
    if depth == 0 {
        let unset: Option<u32> = std::env::var("NOT_SET_ANYWHERE")
            .ok()
            .and_then(|v| v.parse().ok());
        unset.expect("the value was never set");
        unreachable!("expect returned on None")
    }
    nested(depth - 1)
}

fn work(root: &Path) -> io::Result<()> {
    println!("args: {:?}", std::env::args().skip(1).collect::<Vec<_>>());
    let mut env: Vec<(String, String)> = std::env::vars().collect();
    env.sort();
    println!("env: {env:?}");
    println!(
        "cwd: {:?}",
        std::env::current_dir().map(|dir| dir.display().to_string())
    );
    let start = Instant::now();
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(io::Error::other)?;
    println!(
        "wall clock after 2020: {}",
        since_epoch > Duration::from_secs(1_577_836_800)
    );

    build_tree(root)?;
    println!(
        "remove missing: {:?}",
        fs::remove_file(root.join("nope")).map_err(|e| e.kind())
    );
    println!(
        "read dir as file: {:?}",
        fs::read(root.join("docs")).map_err(|e| e.kind())
    );
    println!(
        "remove non-empty dir: {:?}",
        fs::remove_dir(root.join("src")).map_err(|e| e.to_string())
    );

    let mut entries = Vec::new();
    walk(root, root, &mut entries)?;
    for entry in &entries {
        let kind = if entry.is_dir { "dir" } else { "file" };
        println!("{kind:<4} {:>7} {}", entry.size, entry.path);
    }
    let words = scan(root, &entries)?;
    report(root, &entries, &words)?;

    println!(
        "monotonic under 10 min: {}",
        start.elapsed() < Duration::from_secs(600)
    );
    eprintln!("app: done");
    Ok(())
}

fn build_tree(root: &Path) -> io::Result<()> {
    for (path, text) in TEXTS {
        let path = root.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text)?;
    }
    // 512 KiB in 64 KiB writes, then synced.
    let mut big = fs::File::create(root.join("data/big.bin"))?;
    let chunk: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    for _ in 0..8 {
        big.write_all(&chunk)?;
    }
    big.sync_all()?;
    drop(big);
    fs::rename(root.join("docs/notes/todo.txt"), root.join("docs/todo.txt"))?;
    fs::remove_dir(root.join("docs/notes"))?;
    fs::copy(root.join("src/main.rs"), root.join("src/main.rs.bak"))?;
    Ok(())
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<Entry>) -> io::Result<()> {
    let mut children = fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    children.sort_by_key(fs::DirEntry::file_name);
    for child in children {
        let path = child.path();
        let metadata = child.metadata()?;
        let relative = path
            .strip_prefix(root)
            .map_err(io::Error::other)?
            .display()
            .to_string();
        out.push(Entry {
            path: relative,
            is_dir: metadata.is_dir(),
            size: if metadata.is_dir() { 0 } else { metadata.len() },
        });
        if metadata.is_dir() {
            walk(root, &path, out)?;
        }
    }
    Ok(())
}

/// Counts the words of every text file, line by line, and prints the dates found.
fn scan(root: &Path, entries: &[Entry]) -> io::Result<BTreeMap<String, usize>> {
    let word = Regex::new(r"[A-Za-z]{3,}").map_err(io::Error::other)?;
    let date = Regex::new(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})").map_err(io::Error::other)?;
    let mut words = BTreeMap::new();
    let texts = entries
        .iter()
        .filter(|e| !e.is_dir && !e.path.ends_with(".bin"));
    for entry in texts {
        let file = fs::File::open(root.join(&entry.path))?;
        for line in io::BufReader::new(file).lines() {
            let line = line?;
            for found in word.find_iter(&line) {
                *words.entry(found.as_str().to_lowercase()).or_insert(0) += 1;
            }
            for found in date.captures_iter(&line) {
                println!(
                    "date in {}: {}/{}/{}",
                    entry.path, &found["d"], &found["m"], &found["y"]
                );
            }
        }
    }
    Ok(words)
}

fn report(root: &Path, entries: &[Entry], words: &BTreeMap<String, usize>) -> io::Result<()> {
    let listed: Vec<Value> = entries
        .iter()
        .map(|e| json!({"path": e.path, "dir": e.is_dir, "size": e.size}))
        .collect();
    let report = json!({"root": root.display().to_string(), "entries": listed, "words": words});
    let text = serde_json::to_string_pretty(&report).map_err(io::Error::other)?;
    fs::write(root.join("report.json"), &text)?;
    let back: Value = serde_json::from_str(&fs::read_to_string(root.join("report.json"))?)
        .map_err(io::Error::other)?;
    println!(
        "report: {} entries, {} words, {} bytes, same: {}",
        back["entries"].as_array().map_or(0, Vec::len),
        back["words"].as_object().map_or(0, |w| w.len()),
        text.len(),
        back == report
    );
    println!("most frequent: {:?}", words.iter().max_by_key(|(_, n)| **n));
    let value: Value = serde_json::from_str(r#"{"a": [1, 2.5, "x", null, true], "b": {"c": -3}}"#)
        .map_err(io::Error::other)?;
    println!("json value: {value}");
    println!(
        "json error: {:?}",
        serde_json::from_str::<Value>("{\"a\": }").map_err(|e| e.to_string())
    );
    Ok(())
}
