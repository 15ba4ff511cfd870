//! The outcome of running one script.

/// Directive counts of one `.wast` file and a line per failed directive
/// (`file:line: directive: what happened`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    pub passed: usize,
    pub failed: usize,
    pub failures: Vec<String>,
}

impl FileReport {
    /// A file passes when every one of its directives passed.
    pub fn is_success(&self) -> bool {
        self.failed == 0
    }

    pub(crate) fn pass(&mut self) {
        self.passed += 1;
    }

    pub(crate) fn fail(&mut self, message: String) {
        self.failed += 1;
        self.failures.push(message);
    }
}

impl FileReport {
    /// A report of one failure that is not a directive's (unreadable file,
    /// timeout, runner thread lost).
    pub fn failed_with(message: String) -> Self {
        FileReport {
            passed: 0,
            failed: 1,
            failures: vec![message],
        }
    }
}

/// Deep but legal recursion in a script (and the host frames of nested
/// instantiations) needs more than a default thread stack.
const RUNNER_STACK_SIZE: usize = 64 * 1024 * 1024;

/// Runs `run` on its own thread with a big stack and gives up after
/// `timeout`, so that one hanging script cannot stall a whole suite. A
/// timed-out thread keeps running until the process exits, which is
/// acceptable for a test binary.
pub fn run_isolated(
    name: &str,
    timeout: std::time::Duration,
    run: impl FnOnce() -> FileReport + Send + 'static,
) -> FileReport {
    use std::sync::mpsc::{self, RecvTimeoutError};
    let (sender, receiver) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(name.to_string())
        .stack_size(RUNNER_STACK_SIZE)
        .spawn(move || {
            // The receiver is gone only after a timeout, when nobody needs the report.
            let _ = sender.send(run());
        });
    if let Err(error) = spawned {
        return FileReport::failed_with(format!("{name}: cannot start a runner thread: {error}"));
    }
    match receiver.recv_timeout(timeout) {
        Ok(report) => report,
        Err(RecvTimeoutError::Timeout) => FileReport::failed_with(format!(
            "{name}: did not finish within {} s",
            timeout.as_secs()
        )),
        Err(RecvTimeoutError::Disconnected) => {
            FileReport::failed_with(format!("{name}: the runner thread died"))
        }
    }
}
