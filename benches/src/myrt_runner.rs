//! Runs one compute program on myrt: instantiate once, then call the export as often as asked.

use myrt_interp::{Engine, Error, Instance, Linker, Module, Store, TypedFunc};

/// An instantiated program, ready to be called repeatedly (the programs re-initialise their
/// memory on every call, so calls are independent).
pub struct MyrtProgram {
    store: Store<()>,
    instance: Instance,
    entry: TypedFunc<i32, i64>,
}

impl MyrtProgram {
    /// Decodes, validates and instantiates `wasm`, and looks up the `(i32) -> i64` export.
    pub fn new(engine: &Engine, wasm: &[u8], export: &str) -> Result<Self, Error> {
        let module = Module::new(engine, wasm)?;
        let mut store = Store::new(engine, ());
        let instance = Linker::new(engine).instantiate(&mut store, &module)?;
        let entry = instance.get_typed_func::<i32, i64>(&store, export)?;
        Ok(Self {
            store,
            instance,
            entry,
        })
    }

    /// Calls the export with `input` and returns its checksum.
    pub fn call(&mut self, input: i32) -> Result<i64, Error> {
        self.entry.call(&mut self.store, input)
    }

    /// Copies `len` bytes of the exported memory `memory` starting at `offset`.
    pub fn read_memory(&mut self, offset: usize, len: usize) -> Result<Vec<u8>, Error> {
        let memory = self
            .instance
            .get_memory(&self.store, "memory")
            .ok_or_else(|| Error::Other("the program exports no memory named `memory`".into()))?;
        let mut bytes = vec![0; len];
        memory.read(&self.store, offset, &mut bytes)?;
        Ok(bytes)
    }
}
