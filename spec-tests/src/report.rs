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
