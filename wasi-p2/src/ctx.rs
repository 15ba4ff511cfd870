//! `WasiCtx`: everything a guest is granted (arguments, environment,
//! preopens, stdio, clocks, randomness), built with `WasiCtxBuilder`.
//! Nothing from the host is granted unless asked for.

use std::hash::RandomState;
use std::path::Path;
use std::sync::Arc;

use crate::clocks::{HostMonotonicClock, HostWallClock, SystemMonotonicClock, SystemWallClock};
use crate::fs::{Descriptor, DirPerms, FilePerms, PathResolution};
use crate::io::stdio::{OutputSink, StdinSource};
use crate::random::{OsRandom, RandomSource, SplitMix64};

pub struct WasiCtx {
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) initial_cwd: Option<String>,
    pub(crate) preopens: Vec<(Descriptor, String)>,
    pub(crate) stdin: StdinSource,
    pub(crate) stdout: OutputSink,
    pub(crate) stderr: OutputSink,
    pub(crate) wall_clock: Box<dyn HostWallClock>,
    pub(crate) monotonic_clock: Arc<dyn HostMonotonicClock + Sync>,
    pub(crate) secure_random: Box<dyn RandomSource>,
    pub(crate) insecure_random: Box<dyn RandomSource>,
    pub(crate) insecure_seed: (u64, u64),
    pub(crate) metadata_hash_key: RandomState,
    pub(crate) exit_code: Option<i32>,
}

impl WasiCtx {
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }

    /// The status the guest asked to exit with (`wasi:cli/exit`), if it did.
    pub fn exit_code(&self) -> Option<i32> {
        self.exit_code
    }
}

pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    initial_cwd: Option<String>,
    preopens: Vec<(Descriptor, String)>,
    resolution: PathResolution,
    stdin: StdinSource,
    stdout: OutputSink,
    stderr: OutputSink,
    wall_clock: Box<dyn HostWallClock>,
    monotonic_clock: Arc<dyn HostMonotonicClock + Sync>,
    secure_random: Box<dyn RandomSource>,
    insecure_random: Option<Box<dyn RandomSource>>,
    insecure_seed: Option<(u64, u64)>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl WasiCtxBuilder {
    pub fn new() -> Self {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            initial_cwd: None,
            preopens: Vec::new(),
            resolution: PathResolution::Auto,
            stdin: StdinSource::Closed,
            stdout: OutputSink::Discard,
            stderr: OutputSink::Discard,
            wall_clock: Box::new(SystemWallClock),
            monotonic_clock: Arc::new(SystemMonotonicClock),
            secure_random: Box::new(OsRandom),
            insecure_random: None,
            insecure_seed: None,
        }
    }

    /// Appends one argument; the first is conventionally the program name.
    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, args: I) -> &mut Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets `key=value`, replacing an earlier value for `key`.
    pub fn env(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let key = key.into();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
        self
    }

    /// Passes one host variable through; does nothing if the host lacks it
    /// (or its value is not UTF-8).
    pub fn inherit_env_var(&mut self, key: &str) -> &mut Self {
        if let Ok(value) = std::env::var(key) {
            self.env(key, value);
        }
        self
    }

    /// Every host variable (with a UTF-8 name and value).
    pub fn inherit_env(&mut self) -> &mut Self {
        for (key, value) in std::env::vars_os() {
            if let (Ok(key), Ok(value)) = (key.into_string(), value.into_string()) {
                self.env(key, value);
            }
        }
        self
    }

    pub fn initial_cwd(&mut self, cwd: impl Into<String>) -> &mut Self {
        self.initial_cwd = Some(cwd.into());
        self
    }

    /// Grants the guest `host_path` as `guest_path`. Read-only grants:
    /// `DirPerms::READ, FilePerms::READ`.
    pub fn preopened_dir(
        &mut self,
        host_path: impl AsRef<Path>,
        guest_path: impl Into<String>,
        perms: DirPerms,
        file_perms: FilePerms,
    ) -> std::io::Result<&mut Self> {
        let host_path = host_path.as_ref();
        let dir =
            Descriptor::preopen(host_path, perms, file_perms, self.resolution).map_err(|err| {
                std::io::Error::new(
                    err.kind(),
                    format!("cannot preopen directory `{}`: {err}", host_path.display()),
                )
            })?;
        self.preopens.push((dir, guest_path.into()));
        Ok(self)
    }

    /// How paths beneath preopens are resolved; applies to the preopens
    /// added after this call. `Manual` forces the non-`openat2` walk.
    pub fn path_resolution(&mut self, resolution: PathResolution) -> &mut Self {
        self.resolution = resolution;
        self
    }

    pub fn stdin(&mut self, source: StdinSource) -> &mut Self {
        self.stdin = source;
        self
    }

    pub fn stdout(&mut self, sink: OutputSink) -> &mut Self {
        self.stdout = sink;
        self
    }

    pub fn stderr(&mut self, sink: OutputSink) -> &mut Self {
        self.stderr = sink;
        self
    }

    /// The host's stdin, stdout and stderr.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.stdin = StdinSource::Inherit;
        self.stdout = OutputSink::InheritStdout;
        self.stderr = OutputSink::InheritStderr;
        self
    }

    pub fn wall_clock(&mut self, clock: impl HostWallClock + 'static) -> &mut Self {
        self.wall_clock = Box::new(clock);
        self
    }

    pub fn monotonic_clock(
        &mut self,
        clock: impl HostMonotonicClock + Sync + 'static,
    ) -> &mut Self {
        self.monotonic_clock = Arc::new(clock);
        self
    }

    pub fn secure_random(&mut self, source: impl RandomSource + 'static) -> &mut Self {
        self.secure_random = Box::new(source);
        self
    }

    pub fn insecure_random(&mut self, source: impl RandomSource + 'static) -> &mut Self {
        self.insecure_random = Some(Box::new(source));
        self
    }

    pub fn insecure_random_seed(&mut self, seed: (u64, u64)) -> &mut Self {
        self.insecure_seed = Some(seed);
        self
    }

    pub fn build(&mut self) -> WasiCtx {
        let builder = std::mem::take(self);
        let insecure_seed = builder
            .insecure_seed
            .unwrap_or_else(|| (OsRandom.next_u64(), OsRandom.next_u64()));
        WasiCtx {
            args: builder.args,
            env: builder.env,
            initial_cwd: builder.initial_cwd,
            preopens: builder.preopens,
            stdin: builder.stdin,
            stdout: builder.stdout,
            stderr: builder.stderr,
            wall_clock: builder.wall_clock,
            monotonic_clock: builder.monotonic_clock,
            secure_random: builder.secure_random,
            insecure_random: builder
                .insecure_random
                .unwrap_or_else(|| Box::new(SplitMix64::from_os())),
            insecure_seed,
            metadata_hash_key: RandomState::new(),
            exit_code: None,
        }
    }
}
