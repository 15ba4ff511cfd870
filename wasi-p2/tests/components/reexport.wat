;; Passes WASI functions through to its exports, so the tests can call the
;; host's functions through the component runtime with `Val`s: records,
;; tuples, lists, variants, options and resources. Each import is lowered
;; into the core module $adapter and lifted back out (the values cross the
;; canonical ABI both ways, through this component's memory and handle
;; table), as wit-component's adapters do: a root export may not simply be
;; an import (wasmtime refuses such a component, and so does myrt).
(component
  (import "wasi:clocks/wall-clock@0.2.6" (instance $wall
    (type $datetime (record (field "seconds" u64) (field "nanoseconds" u32)))
    (export "datetime" (type $dt (eq $datetime)))
    (export "now" (func (result $dt)))))
  (alias export $wall "datetime" (type $datetime))
  (import "wasi:random/insecure-seed@0.2.6" (instance $seed
    (export "insecure-seed" (func (result (tuple u64 u64))))))
  (import "wasi:random/random@0.2.6" (instance $random
    (export "get-random-bytes" (func (param "len" u64) (result (list u8))))))
  (import "wasi:io/error@0.2.6" (instance $io_error
    (export "error" (type (sub resource)))
    (export "[method]error.to-debug-string" (func (param "self" (borrow 0)) (result string)))))
  (alias export $io_error "error" (type $error))
  (import "wasi:io/streams@0.2.6" (instance $streams
    (alias outer 1 $error (type $outer_error))
    (export "error" (type $err (eq $outer_error)))
    (export "input-stream" (type $is (sub resource)))
    (type $stream_error (variant (case "last-operation-failed" (own $err)) (case "closed")))
    (export "stream-error" (type $se (eq $stream_error)))
    (export "[method]input-stream.blocking-read"
      (func (param "self" (borrow $is)) (param "len" u64) (result (result (list u8) (error $se)))))))
  (alias export $streams "input-stream" (type $input_stream))
  (alias export $streams "stream-error" (type $stream_error))
  (import "wasi:cli/stdin@0.2.6" (instance $stdin
    (alias outer 1 $input_stream (type $outer_is))
    (export "input-stream" (type $is (eq $outer_is)))
    (export "get-stdin" (func (result (own $is))))))
  (import "wasi:cli/terminal-output@0.2.6" (instance $terminal_output
    (export "terminal-output" (type (sub resource)))))
  (alias export $terminal_output "terminal-output" (type $terminal))
  (import "wasi:cli/terminal-stdout@0.2.6" (instance $terminal_stdout
    (alias outer 1 $terminal (type $outer_t))
    (export "terminal-output" (type $t (eq $outer_t)))
    (export "get-terminal-stdout" (func (result (option (own $t)))))))

  (export "datetime" (type $datetime))
  (export "error" (type $error))
  (export "input-stream" (type $input_stream))
  (export "stream-error" (type $stream_error))
  (export "terminal-output" (type $terminal))

  (core module $libc
    (memory (export "memory") 1)
    ;; A bump allocator for the lists the host lowers into this component's
    ;; memory; nothing is freed (the tests' instances are short-lived).
    (global $next (mut i32) (i32.const 64))
    (func (export "realloc")
      (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
      (local $ptr i32) (local $end i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $ptr) (local.get $size)))
      (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
        (then
          (if (i32.eq
                (memory.grow
                  (i32.shr_u
                    (i32.add
                      (i32.sub (local.get $end) (i32.shl (memory.size) (i32.const 16)))
                      (i32.const 0xffff))
                    (i32.const 16)))
                (i32.const -1))
            (then unreachable))))
      (if (local.get $old)
        (then
          (memory.copy (local.get $ptr) (local.get $old)
            (select (local.get $old_size) (local.get $size)
              (i32.lt_u (local.get $old_size) (local.get $size))))))
      (global.set $next (local.get $end))
      (local.get $ptr)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $memory))
  (alias core export $libc "realloc" (core func $realloc))

  (core func $wall_now (canon lower (func $wall "now") (memory $memory)))
  (core func $insecure_seed (canon lower (func $seed "insecure-seed") (memory $memory)))
  (core func $get_random_bytes
    (canon lower (func $random "get-random-bytes") (memory $memory) (realloc $realloc)))
  (core func $get_stdin (canon lower (func $stdin "get-stdin")))
  (core func $blocking_read
    (canon lower (func $streams "[method]input-stream.blocking-read")
      (memory $memory) (realloc $realloc)))
  (core func $drop_input_stream (canon resource.drop $input_stream))
  (core func $get_terminal_stdout
    (canon lower (func $terminal_stdout "get-terminal-stdout") (memory $memory)))

  ;; Each export calls its import; a result that needs more than one core
  ;; value is written to the return area and lifted from there.
  (core module $adapter
    (import "wasi" "wall-now" (func $wall_now (param i32)))
    (import "wasi" "insecure-seed" (func $insecure_seed (param i32)))
    (import "wasi" "get-random-bytes" (func $get_random_bytes (param i64 i32)))
    (import "wasi" "get-stdin" (func $get_stdin (result i32)))
    (import "wasi" "blocking-read" (func $blocking_read (param i32 i64 i32)))
    (import "wasi" "drop-input-stream" (func $drop_input_stream (param i32)))
    (import "wasi" "get-terminal-stdout" (func $get_terminal_stdout (param i32)))
    ;; The return area, in $libc's memory below its allocator's first
    ;; address: 16 bytes, 8-aligned, enough for every result here.
    (global $ret i32 (i32.const 16))
    (func (export "wall-now") (result i32)
      (call $wall_now (global.get $ret))
      (global.get $ret))
    (func (export "insecure-seed") (result i32)
      (call $insecure_seed (global.get $ret))
      (global.get $ret))
    (func (export "get-random-bytes") (param $len i64) (result i32)
      (call $get_random_bytes (local.get $len) (global.get $ret))
      (global.get $ret))
    (func (export "get-stdin") (result i32)
      (call $get_stdin))
    ;; The stream arrives as a borrow handle in this component's table,
    ;; which the canonical ABI requires to be dropped before returning.
    (func (export "blocking-read") (param $stream i32) (param $len i64) (result i32)
      (call $blocking_read (local.get $stream) (local.get $len) (global.get $ret))
      (call $drop_input_stream (local.get $stream))
      (global.get $ret))
    (func (export "get-terminal-stdout") (result i32)
      (call $get_terminal_stdout (global.get $ret))
      (global.get $ret)))
  (core instance $adapter (instantiate $adapter
    (with "wasi" (instance
      (export "wall-now" (func $wall_now))
      (export "insecure-seed" (func $insecure_seed))
      (export "get-random-bytes" (func $get_random_bytes))
      (export "get-stdin" (func $get_stdin))
      (export "blocking-read" (func $blocking_read))
      (export "drop-input-stream" (func $drop_input_stream))
      (export "get-terminal-stdout" (func $get_terminal_stdout))))))

  (func (export "wall-now") (result $datetime)
    (canon lift (core func $adapter "wall-now") (memory $memory)))
  (func (export "insecure-seed") (result (tuple u64 u64))
    (canon lift (core func $adapter "insecure-seed") (memory $memory)))
  (func (export "get-random-bytes") (param "len" u64) (result (list u8))
    (canon lift (core func $adapter "get-random-bytes") (memory $memory)))
  (func (export "get-stdin") (result (own $input_stream))
    (canon lift (core func $adapter "get-stdin")))
  (func (export "blocking-read")
    (param "self" (borrow $input_stream)) (param "len" u64)
    (result (result (list u8) (error $stream_error)))
    (canon lift (core func $adapter "blocking-read") (memory $memory)))
  (func (export "get-terminal-stdout") (result (option (own $terminal)))
    (canon lift (core func $adapter "get-terminal-stdout") (memory $memory))))
