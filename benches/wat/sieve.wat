;; Sieve of Eratosthenes over a byte per number in linear memory: measures byte loads and
;; stores, tight loops and compare-and-branch. sieve(n) returns how many primes are <= n.
(module
  (memory 1)

  ;; Grows memory so that `bytes` bytes starting at address 0 are addressable; traps when the
  ;; host refuses to grow (a benchmark must not silently run on a smaller input).
  (func $ensure_memory (param $bytes i32)
    (local $have i32)
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $bytes) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u
                  (i32.add (i32.sub (local.get $bytes) (local.get $have)) (i32.const 65535))
                  (i32.const 16)))
              (i32.const -1))
          (then (unreachable))))))

  (func (export "sieve") (param $n i32) (result i64)
    (local $i i32)
    (local $multiple i32)
    (local $count i32)
    (call $ensure_memory (i32.add (local.get $n) (i32.const 1)))

    ;; composite[i] = 0 for every i in 0..=n (memory may hold a previous run's marks).
    (local.set $i (i32.const 0))
    (block $cleared
      (loop $clear
        (br_if $cleared (i32.gt_u (local.get $i) (local.get $n)))
        (i32.store8 (local.get $i) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $clear)))

    (local.set $i (i32.const 2))
    (block $done
      (loop $next_candidate
        (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            ;; Crossing out starts at i*i; `i <= n / i` keeps i*i from overflowing.
            (if (i32.le_u (local.get $i) (i32.div_u (local.get $n) (local.get $i)))
              (then
                (local.set $multiple (i32.mul (local.get $i) (local.get $i)))
                (block $crossed_out
                  (loop $cross_out
                    (br_if $crossed_out (i32.gt_u (local.get $multiple) (local.get $n)))
                    (i32.store8 (local.get $multiple) (i32.const 1))
                    (local.set $multiple (i32.add (local.get $multiple) (local.get $i)))
                    (br $cross_out)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next_candidate)))
    (i64.extend_i32_u (local.get $count))))
