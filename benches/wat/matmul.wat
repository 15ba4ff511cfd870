;; Dense f64 matrix multiply C = A * B of two n x n matrices in linear memory (row-major):
;; measures f64 arithmetic, address computation and nested loops.
;;   A[i][j] = ((3i + 7j) mod 13) * 0.1 - 0.6
;;   B[i][j] = ((5i + 11j) mod 17) * 0.3 - 2.5
;;   C[i][j] = sum over k = 0, 1, .. n-1 (in that order) of A[i][k] * B[k][j]
;; matmul(n) returns the bits (i64.reinterpret) of the sum of all C[i][j] taken row by row,
;; so any difference in rounding shows up in the checksum (0.1 and 0.3 are inexact in binary, so
;; nearly every product and sum rounds).
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

  (func (export "matmul") (param $n i32) (result i64)
    (local $matrix_bytes i32)
    (local $a i32) (local $b i32) (local $c i32)
    (local $i i32) (local $j i32) (local $k i32)
    (local $row_a i32) (local $column_b i32)
    (local $acc f64)
    (local $checksum f64)

    (local.set $matrix_bytes (i32.shl (i32.mul (local.get $n) (local.get $n)) (i32.const 3)))
    (local.set $a (i32.const 0))
    (local.set $b (local.get $matrix_bytes))
    (local.set $c (i32.shl (local.get $matrix_bytes) (i32.const 1)))
    (call $ensure_memory (i32.mul (local.get $matrix_bytes) (i32.const 3)))

    ;; Fill A and B.
    (local.set $i (i32.const 0))
    (block $filled
      (loop $fill_row
        (br_if $filled (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $row_filled
          (loop $fill_column
            (br_if $row_filled (i32.ge_u (local.get $j) (local.get $n)))
            (f64.store
              (i32.add (local.get $a)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
              (f64.sub
                (f64.mul
                  (f64.convert_i32_u
                    (i32.rem_u
                      (i32.add (i32.mul (local.get $i) (i32.const 3)) (i32.mul (local.get $j) (i32.const 7)))
                      (i32.const 13)))
                  (f64.const 0.1))
                (f64.const 0.6)))
            (f64.store
              (i32.add (local.get $b)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
              (f64.sub
                (f64.mul
                  (f64.convert_i32_u
                    (i32.rem_u
                      (i32.add (i32.mul (local.get $i) (i32.const 5)) (i32.mul (local.get $j) (i32.const 11)))
                      (i32.const 17)))
                  (f64.const 0.3))
                (f64.const 2.5)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $fill_column)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill_row)))

    ;; C = A * B, accumulating the checksum as each C[i][j] is finished.
    (local.set $i (i32.const 0))
    (block $multiplied
      (loop $each_row
        (br_if $multiplied (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $row_a
          (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $row_done
          (loop $each_column
            (br_if $row_done (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $column_b (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $acc (f64.const 0))
            (local.set $k (i32.const 0))
            (block $dot_done
              (loop $dot
                (br_if $dot_done (i32.ge_u (local.get $k) (local.get $n)))
                (local.set $acc
                  (f64.add (local.get $acc)
                    (f64.mul
                      (f64.load (i32.add (local.get $row_a) (i32.shl (local.get $k) (i32.const 3))))
                      (f64.load
                        (i32.add (local.get $column_b)
                          (i32.shl (i32.mul (local.get $k) (local.get $n)) (i32.const 3)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $dot)))
            (f64.store
              (i32.add (local.get $c)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
              (local.get $acc))
            (local.set $checksum (f64.add (local.get $checksum) (local.get $acc)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $each_column)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each_row)))
    (i64.reinterpret_f64 (local.get $checksum))))
