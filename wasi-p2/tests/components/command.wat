;; A small `wasi:cli/command` written by hand, for the binding and CLI tests.
;; It prints its arguments one per line, then `K=V` per environment
;; variable, then `dir:NAME` per preopened directory, checks that the
;; monotonic clock does not go backwards and drops its stdout handle.
;; The outcome depends on the argument count (argv[0] included):
;;   1: `run` returns ok     2: `run` returns err
;;   3 or 4: `exit-with-code(argc)`     5 or more: traps (`unreachable`)
;; Imports use different 0.2.x versions on purpose: the host registers 0.2.0.
(component
  (import "wasi:io/error@0.2.3" (instance $io_error
    (export "error" (type (sub resource)))))
  (alias export $io_error "error" (type $error))
  (import "wasi:io/streams@0.2.12" (instance $streams
    (alias outer 1 $error (type $outer_error))
    (export "error" (type $err (eq $outer_error)))
    (export "output-stream" (type $os (sub resource)))
    (type $stream_error (variant (case "last-operation-failed" (own $err)) (case "closed")))
    (export "stream-error" (type $se (eq $stream_error)))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $os)) (param "contents" (list u8)) (result (result (error $se)))))))
  (alias export $streams "output-stream" (type $output_stream))
  (import "wasi:cli/stdout@0.2.6" (instance $stdout
    (alias outer 1 $output_stream (type $outer_os))
    (export "output-stream" (type $os (eq $outer_os)))
    (export "get-stdout" (func (result (own $os))))))
  (import "wasi:cli/environment@0.2.3" (instance $environment
    (export "get-environment" (func (result (list (tuple string string)))))
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $clock
    (export "now" (func (result u64)))))
  (import "wasi:cli/exit@0.2.3" (instance $exit
    (export "exit-with-code" (func (param "status-code" u8)))))
  (import "wasi:filesystem/types@0.2.3" (instance $fs_types
    (export "descriptor" (type (sub resource)))))
  (alias export $fs_types "descriptor" (type $descriptor))
  (import "wasi:filesystem/preopens@0.2.3" (instance $preopens
    (alias outer 1 $descriptor (type $outer_d))
    (export "descriptor" (type $d (eq $outer_d)))
    (export "get-directories" (func (result (list (tuple (own $d) string)))))))

  (core module $Libc
    (memory (export "memory") 2)
    (global $bump (mut i32) (i32.const 4096))
    ;; A bump allocator: enough for one run.
    (func (export "realloc") (param i32 i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and
        (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
      (global.set $bump (i32.add (local.get $p) (local.get $size)))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))

  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush")
    (memory $libc "memory")))
  (core func $get_stdout (canon lower (func $stdout "get-stdout")))
  (core func $drop_stdout (canon resource.drop $output_stream))
  (core func $get_arguments (canon lower (func $environment "get-arguments")
    (memory $libc "memory") (realloc (func $libc "realloc"))))
  (core func $get_environment (canon lower (func $environment "get-environment")
    (memory $libc "memory") (realloc (func $libc "realloc"))))
  (core func $get_directories (canon lower (func $preopens "get-directories")
    (memory $libc "memory") (realloc (func $libc "realloc"))))
  (core func $now (canon lower (func $clock "now")))
  (core func $exit_with_code (canon lower (func $exit "exit-with-code")))
  (core instance $host
    (export "write" (func $write))
    (export "get-stdout" (func $get_stdout))
    (export "drop-stdout" (func $drop_stdout))
    (export "get-arguments" (func $get_arguments))
    (export "get-environment" (func $get_environment))
    (export "get-directories" (func $get_directories))
    (export "now" (func $now))
    (export "exit-with-code" (func $exit_with_code)))

  (core module $Main
    (import "libc" "memory" (memory 1))
    (import "host" "write" (func $write (param i32 i32 i32 i32)))
    (import "host" "get-stdout" (func $get_stdout (result i32)))
    (import "host" "drop-stdout" (func $drop_stdout (param i32)))
    (import "host" "get-arguments" (func $get_arguments (param i32)))
    (import "host" "get-environment" (func $get_environment (param i32)))
    (import "host" "get-directories" (func $get_directories (param i32)))
    (import "host" "now" (func $now (result i64)))
    (import "host" "exit-with-code" (func $exit_with_code (param i32)))
    (global $out (mut i32) (i32.const 0))
    (data (i32.const 8) "=\0adir:")
    (func $print (param $ptr i32) (param $len i32)
      (call $write (global.get $out) (local.get $ptr) (local.get $len) (i32.const 32))
      (if (i32.load8_u (i32.const 32)) (then unreachable)))
    (func $line (param $ptr i32) (param $len i32)
      (call $print (local.get $ptr) (local.get $len))
      (call $print (i32.const 9) (i32.const 1)))
    (func (export "run") (result i32)
      (local $p i32) (local $n i32) (local $argc i32) (local $start i64)
      (global.set $out (call $get_stdout))
      (local.set $start (call $now))
      ;; Arguments: list<string>, 8 bytes per element.
      (call $get_arguments (i32.const 16))
      (local.set $p (i32.load (i32.const 16)))
      (local.set $argc (i32.load (i32.const 20)))
      (local.set $n (local.get $argc))
      (block $done (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $line (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
      ;; Environment: list<tuple<string, string>>, 16 bytes per element.
      (call $get_environment (i32.const 16))
      (local.set $p (i32.load (i32.const 16)))
      (local.set $n (i32.load (i32.const 20)))
      (block $done (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $print (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)))
        (call $print (i32.const 8) (i32.const 1))
        (call $line (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
      ;; Preopens: list<tuple<own<descriptor>, string>>, 12 bytes per element.
      (call $get_directories (i32.const 16))
      (local.set $p (i32.load (i32.const 16)))
      (local.set $n (i32.load (i32.const 20)))
      (block $done (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $print (i32.const 10) (i32.const 4))
        (call $line (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 12)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
      (if (i64.lt_u (call $now) (local.get $start)) (then unreachable))
      (call $drop_stdout (global.get $out))
      (if (i32.ge_u (local.get $argc) (i32.const 5)) (then unreachable))
      (if (i32.ge_u (local.get $argc) (i32.const 3))
        (then (call $exit_with_code (local.get $argc))))
      ;; `result` discriminant: 0 = ok, 1 = err.
      (i32.ne (local.get $argc) (i32.const 1))))
  (core instance $main (instantiate $Main
    (with "libc" (instance $libc))
    (with "host" (instance $host))))

  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run_instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.3" (instance $run_instance)))
