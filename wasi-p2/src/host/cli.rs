//! `wasi:cli`: environment, exit, stdio and terminal-*.

use crate::error::HostError;
use crate::host::WasiImpl;
use crate::io::streams::{InputStream, OutputStream};
use crate::table::{Resource, TableError};

/// `terminal-input`: carries nothing; its presence says "stdin is a terminal".
pub struct TerminalInput;

/// `terminal-output`: as `TerminalInput`, for stdout/stderr.
pub struct TerminalOutput;

impl WasiImpl<'_> {
    pub fn get_environment(&mut self) -> Vec<(String, String)> {
        self.ctx.env.clone()
    }

    pub fn get_arguments(&mut self) -> Vec<String> {
        self.ctx.args.clone()
    }

    pub fn initial_cwd(&mut self) -> Option<String> {
        self.ctx.initial_cwd.clone()
    }

    /// `exit`: records the status and unwinds the guest with
    /// `HostError::Exit` (0 for `ok`, 1 for `err`).
    pub fn exit(&mut self, status: Result<(), ()>) -> HostError {
        self.exit_with_code(if status.is_ok() { 0 } else { 1 })
    }

    pub fn exit_with_code(&mut self, code: u8) -> HostError {
        self.ctx.exit_code = Some(code.into());
        HostError::Exit(code.into())
    }

    pub fn get_stdin(&mut self) -> Result<Resource<InputStream>, TableError> {
        let stream = self.ctx.stdin.stream();
        self.table.push(InputStream(stream))
    }

    pub fn get_stdout(&mut self) -> Result<Resource<OutputStream>, TableError> {
        let stream = self.ctx.stdout.stream();
        self.table.push(OutputStream::new(stream))
    }

    pub fn get_stderr(&mut self) -> Result<Resource<OutputStream>, TableError> {
        let stream = self.ctx.stderr.stream();
        self.table.push(OutputStream::new(stream))
    }

    pub fn get_terminal_stdin(&mut self) -> Result<Option<Resource<TerminalInput>>, TableError> {
        if !self.ctx.stdin.is_terminal() {
            return Ok(None);
        }
        self.table.push(TerminalInput).map(Some)
    }

    pub fn get_terminal_stdout(&mut self) -> Result<Option<Resource<TerminalOutput>>, TableError> {
        if !self.ctx.stdout.is_terminal() {
            return Ok(None);
        }
        self.table.push(TerminalOutput).map(Some)
    }

    pub fn get_terminal_stderr(&mut self) -> Result<Option<Resource<TerminalOutput>>, TableError> {
        if !self.ctx.stderr.is_terminal() {
            return Ok(None);
        }
        self.table.push(TerminalOutput).map(Some)
    }

    pub fn terminal_input_drop(
        &mut self,
        terminal: Resource<TerminalInput>,
    ) -> Result<(), TableError> {
        self.table.delete(terminal).map(drop)
    }

    pub fn terminal_output_drop(
        &mut self,
        terminal: Resource<TerminalOutput>,
    ) -> Result<(), TableError> {
        self.table.delete(terminal).map(drop)
    }
}
