//! The WebAssembly features a module may use beyond 2.0 (without SIMD).

/// Which post-2.0 proposals validation accepts. The default is what myrt
/// runs, and what wasmtime enables by default among the proposals myrt
/// implements; [`Features::WASM2`] is the 2.0 specification to the letter,
/// for its test suite, which asserts that the later additions are invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// `i32/i64.add`, `sub` and `mul` in constant expressions (extended-const,
    /// part of WebAssembly 3.0). Dynamically linked code places its data and
    /// globals at `__memory_base + offset` this way: componentize-py's
    /// libpython and every module `wasm-tools component link` produces.
    pub extended_const: bool,
    /// Several memories, imported and defined, named by an index in every
    /// memory instruction, data segment and export (multi-memory, part of
    /// WebAssembly 3.0): components that link several core modules hand
    /// each its own memory, and the component suites use it.
    pub multi_memory: bool,
}

impl Features {
    pub const WASM2: Features = Features {
        extended_const: false,
        multi_memory: false,
    };
}

impl Default for Features {
    fn default() -> Self {
        Features {
            extended_const: true,
            multi_memory: true,
        }
    }
}
