//! Engine-wide settings.

use std::sync::Arc;

use myrt_validator::Features;

/// Settings shared by every store and module created from one [`Engine`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Wasm frames allowed on the executor's stack before a call traps with
    /// "call stack exhausted".
    pub(crate) max_call_depth: usize,
    /// Translate function bodies on their first call (true) or when the
    /// module is created (false).
    pub(crate) lazy_translation: bool,
    /// The proposals beyond WebAssembly 2.0 that modules may use.
    pub(crate) features: Features,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_call_depth: 10_000,
            lazy_translation: true,
            features: Features::default(),
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

    /// Accept integer arithmetic in constant expressions (the extended-const
    /// proposal, WebAssembly 3.0); on by default, as in wasmtime.
    pub fn wasm_extended_const(&mut self, yes: bool) -> &mut Self {
        self.features.extended_const = yes;
        self
    }

    /// Accept several memories per module, named by index in memory
    /// instructions, data segments and exports (the multi-memory proposal,
    /// WebAssembly 3.0); on by default, as in wasmtime.
    pub fn wasm_multi_memory(&mut self, yes: bool) -> &mut Self {
        self.features.multi_memory = yes;
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
