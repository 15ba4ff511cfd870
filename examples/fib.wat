;; A tiny program for `myrt run`:
;;   cargo run --release -- run examples/fib.wat --invoke fib 20     -> 6765
;;   cargo run --release -- run examples/fib.wat --invoke add 2 3    -> 5
(module
  ;; The n-th Fibonacci number, computed iteratively (fib 0 = 0, fib 1 = 1).
  (func (export "fib") (param $n i32) (result i64)
    (local $previous i64) (local $current i64)
    (local.set $current (i64.const 1))
    (if (i32.eqz (local.get $n)) (then (return (i64.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.le_u (local.get $n) (i32.const 1)))
        (local.set $current
          (i64.add (local.get $previous)
                   (local.tee $previous (local.get $current))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $current))

  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))
