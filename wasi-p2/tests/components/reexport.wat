;; Re-exports WASI imports unchanged, so the tests can call the host's
;; functions through the component runtime with `Val`s: records, tuples,
;; lists, variants, options and resources.
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
  (export "wall-now" (func $wall "now"))
  (export "insecure-seed" (func $seed "insecure-seed"))
  (export "get-random-bytes" (func $random "get-random-bytes"))
  (export "get-stdin" (func $stdin "get-stdin"))
  (export "blocking-read" (func $streams "[method]input-stream.blocking-read"))
  (export "get-terminal-stdout" (func $terminal_stdout "get-terminal-stdout")))
