//! Engine-wide settings.

use std::sync::Arc;

/// Settings shared by every store and module created from one [`Engine`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Wasm frames allowed on the executor's stack before a call traps with
    /// "call stack exhausted".
    pub(crate) max_call_depth: usize,
    /// Translate function bodies on their first call (true) or when the
    /// module is created (false).
    pub(crate) lazy_translation: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_call_depth: 10_000,
            lazy_translation: true,
        }
    }
}

impl Config {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn max_call_depth(&mut self, n: usize) -> &mut Self {
        self.max_call_depth = n;
        self
    }

    pub fn lazy_translation(&mut self, yes: bool) -> &mut Self {
        self.lazy_translation = yes;
        self
    }
}

/// The shared context modules are compiled in and stores run in. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    config: Arc<Config>,
}

impl Engine {
    pub fn new(config: &Config) -> Self {
        Engine {
            config: Arc::new(config.clone()),
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }
}
