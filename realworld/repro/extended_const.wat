;; Extended constant expressions (WebAssembly 3.0; wasmtime enables them by default).
;; Dynamically linked code places its data and globals at `__memory_base + offset`
;; this way: componentize-py's libpython and every module `wasm-tools component link`
;; produces. A validator without them loads no componentize-py component
;; ("constant expression required").
;;   wasmtime run --invoke get extended_const.wat   -> 42
;;   myrt run extended_const.wat --invoke get       -> 42
(module
  (memory 1)
  (global $g i32 (i32.add (i32.const 40) (i32.const 2)))
  (data (i32.add (i32.const 8) (i32.const 8)) "\2a")
  (func (export "get") (result i32)
    (i32.add
      (i32.sub (global.get $g) (i32.load8_u (i32.const 16)))
      (i32.const 42))))
