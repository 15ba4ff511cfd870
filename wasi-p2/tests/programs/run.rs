//! Runs one guest through the runtime's CLI with a deadline: a program that waits
//! forever (on stdin, on a pollable) must fail its line, not hang the suite.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(120);

pub struct Outcome {
    /// `None` when the process was killed by a signal or by the deadline.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
    pub elapsed: Duration,
}

pub struct Invocation<'a> {
    pub runtime: &'a Path,
    /// `--dir`, `--env`, ... before the file.
    pub options: Vec<String>,
    pub wasm: &'a Path,
    pub args: Vec<String>,
    /// Host variables set on the runtime's own process (to prove none leak in).
    pub host_env: Vec<(String, String)>,
    pub stdin: Option<Vec<u8>>,
    /// The read end of stdout is closed at once, as `| head -0` would.
    pub stdout_closed: bool,
    pub cwd: &'a Path,
}

pub fn run(invocation: &Invocation) -> std::io::Result<Outcome> {
    let start = Instant::now();
    let mut command = Command::new(invocation.runtime);
    command
        .arg("run")
        .args(&invocation.options)
        .arg(invocation.wasm)
        .args(&invocation.args)
        .current_dir(invocation.cwd)
        .envs(invocation.host_env.iter().map(|(k, v)| (k, v)))
        .stdin(if invocation.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn()?;

    // Every pipe has its own thread so a full pipe never blocks the others.
    let feeder = invocation.stdin.clone().and_then(|bytes| {
        let mut pipe = child.stdin.take()?;
        // A runtime that exits without reading everything closes the pipe: not our error.
        Some(thread::spawn(move || drop(pipe.write_all(&bytes))))
    });
    let stdout = child.stdout.take();
    let stdout = drain(stdout.filter(|_| !invocation.stdout_closed));
    let stderr = drain(child.stderr.take());

    let (code, timed_out) = wait_with_deadline(&mut child)?;
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    Ok(Outcome {
        code,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        timed_out,
        elapsed: start.elapsed(),
    })
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn wait_with_deadline(child: &mut Child) -> std::io::Result<(Option<i32>, bool)> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((status.code(), false));
        }
        if start.elapsed() > DEADLINE {
            child.kill()?;
            child.wait()?;
            return Ok((None, true));
        }
        thread::sleep(Duration::from_millis(10));
    }
}
