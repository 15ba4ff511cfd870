//! wasmi as the peer engine, shared by the criterion run (compute.rs) and the profiling
//! example (examples/profile.rs). A dev-dependency, so it lives outside the library.

/// An instantiated program on wasmi, mirroring `MyrtProgram`.
pub struct WasmiProgram {
    store: wasmi::Store<()>,
    entry: wasmi::TypedFunc<i32, i64>,
}

impl WasmiProgram {
    pub fn new(engine: &wasmi::Engine, wasm: &[u8], export: &str) -> Result<Self, wasmi::Error> {
        let module = wasmi::Module::new(engine, wasm)?;
        let mut store = wasmi::Store::new(engine, ());
        let instance = wasmi::Linker::new(engine).instantiate_and_start(&mut store, &module)?;
        let entry = instance.get_typed_func::<i32, i64>(&store, export)?;
        Ok(Self { store, entry })
    }

    pub fn call(&mut self, input: i32) -> Result<i64, wasmi::Error> {
        self.entry.call(&mut self.store, input)
    }
}

/// wasmi as its users get it, with its default lazy translation spelled out, because that is
/// the mode myrt's `Module::new` matches (bodies validated eagerly, translated on first call).
pub fn wasmi_engine() -> wasmi::Engine {
    let mut config = wasmi::Config::default();
    config.compilation_mode(wasmi::CompilationMode::LazyTranslation);
    wasmi::Engine::new(&config)
}
