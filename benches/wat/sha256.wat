;; SHA-256 (FIPS 180-4) of n bytes generated in the guest: measures 32-bit integer
;; arithmetic, rotates, and word loads and stores.
;; Message byte i is the top byte of the i+1-th state of the LCG
;;   state(0) = 0x2545F491, state(k+1) = state(k) * 1103515245 + 12345 (mod 2^32).
;; sha256(n) writes the 32-byte digest at address 512 (exported memory) and returns
;; (first digest word << 32) | second digest word, the words read big-endian.
(module
  (memory (export "memory") 1)

  ;; Memory layout: [0, 256) round constants K as little-endian words, [256, 512) the message
  ;; schedule W, [512, 544) the digest, [1024, 1024 + padded length) the message.
  (data (i32.const 0)
    "\98\2f\8a\42\91\44\37\71\cf\fb\c0\b5\a5\db\b5\e9"
    "\5b\c2\56\39\f1\11\f1\59\a4\82\3f\92\d5\5e\1c\ab"
    "\98\aa\07\d8\01\5b\83\12\be\85\31\24\c3\7d\0c\55"
    "\74\5d\be\72\fe\b1\de\80\a7\06\dc\9b\74\f1\9b\c1"
    "\c1\69\9b\e4\86\47\be\ef\c6\9d\c1\0f\cc\a1\0c\24"
    "\6f\2c\e9\2d\aa\84\74\4a\dc\a9\b0\5c\da\88\f9\76"
    "\52\51\3e\98\6d\c6\31\a8\c8\27\03\b0\c7\7f\59\bf"
    "\f3\0b\e0\c6\47\91\a7\d5\51\63\ca\06\67\29\29\14"
    "\85\0a\b7\27\38\21\1b\2e\fc\6d\2c\4d\13\0d\38\53"
    "\54\73\0a\65\bb\0a\6a\76\2e\c9\c2\81\85\2c\72\92"
    "\a1\e8\bf\a2\4b\66\1a\a8\70\8b\4b\c2\a3\51\6c\c7"
    "\19\e8\92\d1\24\06\99\d6\85\35\0e\f4\70\a0\6a\10"
    "\16\c1\a4\19\08\6c\37\1e\4c\77\48\27\b5\bc\b0\34"
    "\b3\0c\1c\39\4a\aa\d8\4e\4f\ca\9c\5b\f3\6f\2e\68"
    "\ee\82\8f\74\6f\63\a5\78\14\78\c8\84\08\02\c7\8c"
    "\fa\ff\be\90\eb\6c\50\a4\f7\a3\f9\be\f2\78\71\c6")

  (global $h0 (mut i32) (i32.const 0))
  (global $h1 (mut i32) (i32.const 0))
  (global $h2 (mut i32) (i32.const 0))
  (global $h3 (mut i32) (i32.const 0))
  (global $h4 (mut i32) (i32.const 0))
  (global $h5 (mut i32) (i32.const 0))
  (global $h6 (mut i32) (i32.const 0))
  (global $h7 (mut i32) (i32.const 0))

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

  ;; Reverses the bytes of a word: SHA-256 reads and writes words big-endian, wasm little-endian.
  (func $byte_swap (param $x i32) (result i32)
    (i32.or
      (i32.and (i32.rotl (local.get $x) (i32.const 8)) (i32.const 0x00FF00FF))
      (i32.and (i32.rotr (local.get $x) (i32.const 8)) (i32.const 0xFF00FF00))))

  ;; Processes the 64-byte block at `block`, updating the hash state $h0..$h7.
  (func $compress (param $block i32)
    (local $t i32)
    (local $w15 i32) (local $w2 i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $e i32) (local $f i32) (local $g i32) (local $h i32)
    (local $temp1 i32) (local $temp2 i32)

    ;; W[0..16] = the block's words, big-endian.
    (local.set $t (i32.const 0))
    (loop $load_words
      (i32.store offset=256 (local.get $t)
        (call $byte_swap (i32.load (i32.add (local.get $block) (local.get $t)))))
      (local.set $t (i32.add (local.get $t) (i32.const 4)))
      (br_if $load_words (i32.lt_u (local.get $t) (i32.const 64))))

    ;; W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16] for t in 16..64
    ;; ($t counts bytes, so W[t-k] is at offset 256 - 4k from $t).
    (loop $extend_schedule
      (local.set $w15 (i32.load offset=196 (local.get $t)))
      (local.set $w2 (i32.load offset=248 (local.get $t)))
      (i32.store offset=256 (local.get $t)
        (i32.add
          (i32.add (i32.load offset=192 (local.get $t)) (i32.load offset=228 (local.get $t)))
          (i32.add
            (i32.xor (i32.xor (i32.rotr (local.get $w15) (i32.const 7)) (i32.rotr (local.get $w15) (i32.const 18)))
                     (i32.shr_u (local.get $w15) (i32.const 3)))
            (i32.xor (i32.xor (i32.rotr (local.get $w2) (i32.const 17)) (i32.rotr (local.get $w2) (i32.const 19)))
                     (i32.shr_u (local.get $w2) (i32.const 10))))))
      (local.set $t (i32.add (local.get $t) (i32.const 4)))
      (br_if $extend_schedule (i32.lt_u (local.get $t) (i32.const 256))))

    (local.set $a (global.get $h0))
    (local.set $b (global.get $h1))
    (local.set $c (global.get $h2))
    (local.set $d (global.get $h3))
    (local.set $e (global.get $h4))
    (local.set $f (global.get $h5))
    (local.set $g (global.get $h6))
    (local.set $h (global.get $h7))

    (local.set $t (i32.const 0))
    (loop $round
      ;; temp1 = h + Sigma1(e) + Ch(e, f, g) + K[t] + W[t]
      (local.set $temp1
        (i32.add
          (i32.add (local.get $h) (i32.xor (i32.xor (i32.rotr (local.get $e) (i32.const 6)) (i32.rotr (local.get $e) (i32.const 11))) (i32.rotr (local.get $e) (i32.const 25))))
          (i32.add
            (i32.xor (i32.and (local.get $e) (local.get $f))
                     (i32.and (i32.xor (local.get $e) (i32.const -1)) (local.get $g)))
            (i32.add (i32.load (local.get $t)) (i32.load offset=256 (local.get $t))))))
      ;; temp2 = Sigma0(a) + Maj(a, b, c)
      (local.set $temp2
        (i32.add
          (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13))) (i32.rotr (local.get $a) (i32.const 22)))
          (i32.xor
            (i32.xor (i32.and (local.get $a) (local.get $b)) (i32.and (local.get $a) (local.get $c)))
            (i32.and (local.get $b) (local.get $c)))))
      (local.set $h (local.get $g))
      (local.set $g (local.get $f))
      (local.set $f (local.get $e))
      (local.set $e (i32.add (local.get $d) (local.get $temp1)))
      (local.set $d (local.get $c))
      (local.set $c (local.get $b))
      (local.set $b (local.get $a))
      (local.set $a (i32.add (local.get $temp1) (local.get $temp2)))
      (local.set $t (i32.add (local.get $t) (i32.const 4)))
      (br_if $round (i32.lt_u (local.get $t) (i32.const 256))))

    (global.set $h0 (i32.add (global.get $h0) (local.get $a)))
    (global.set $h1 (i32.add (global.get $h1) (local.get $b)))
    (global.set $h2 (i32.add (global.get $h2) (local.get $c)))
    (global.set $h3 (i32.add (global.get $h3) (local.get $d)))
    (global.set $h4 (i32.add (global.get $h4) (local.get $e)))
    (global.set $h5 (i32.add (global.get $h5) (local.get $f)))
    (global.set $h6 (i32.add (global.get $h6) (local.get $g)))
    (global.set $h7 (i32.add (global.get $h7) (local.get $h))))

  (func (export "sha256") (param $n i32) (result i64)
    (local $message i32)
    (local $padded_len i32)
    (local $i i32)
    (local $state i32)
    (local $bit_len i64)
    (local.set $message (i32.const 1024))
    ;; Padding: a 0x80 byte, zeros, then the 64-bit big-endian bit length, to a multiple of 64.
    (local.set $padded_len
      (i32.and (i32.add (local.get $n) (i32.const 72)) (i32.const -64)))
    (call $ensure_memory (i32.add (local.get $message) (local.get $padded_len)))

    (local.set $state (i32.const 0x2545F491))
    (local.set $i (i32.const 0))
    (block $generated
      (loop $generate
        (br_if $generated (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $state
          (i32.add (i32.mul (local.get $state) (i32.const 1103515245)) (i32.const 12345)))
        (i32.store8 (i32.add (local.get $message) (local.get $i))
          (i32.shr_u (local.get $state) (i32.const 24)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $generate)))

    (i32.store8 (i32.add (local.get $message) (local.get $n)) (i32.const 0x80))
    (local.set $i (i32.add (local.get $n) (i32.const 1)))
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_u (local.get $i) (i32.sub (local.get $padded_len) (i32.const 8))))
        (i32.store8 (i32.add (local.get $message) (local.get $i)) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $zero)))
    (local.set $bit_len (i64.shl (i64.extend_i32_u (local.get $n)) (i64.const 3)))
    (i32.store (i32.add (local.get $message) (i32.sub (local.get $padded_len) (i32.const 8)))
      (call $byte_swap (i32.wrap_i64 (i64.shr_u (local.get $bit_len) (i64.const 32)))))
    (i32.store (i32.add (local.get $message) (i32.sub (local.get $padded_len) (i32.const 4)))
      (call $byte_swap (i32.wrap_i64 (local.get $bit_len))))

    (global.set $h0 (i32.const 0x6A09E667))
    (global.set $h1 (i32.const 0xBB67AE85))
    (global.set $h2 (i32.const 0x3C6EF372))
    (global.set $h3 (i32.const 0xA54FF53A))
    (global.set $h4 (i32.const 0x510E527F))
    (global.set $h5 (i32.const 0x9B05688C))
    (global.set $h6 (i32.const 0x1F83D9AB))
    (global.set $h7 (i32.const 0x5BE0CD19))

    (local.set $i (i32.const 0))
    (loop $each_block
      (call $compress (i32.add (local.get $message) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 64)))
      (br_if $each_block (i32.lt_u (local.get $i) (local.get $padded_len))))

    (i32.store offset=512 (i32.const 0) (call $byte_swap (global.get $h0)))
    (i32.store offset=516 (i32.const 0) (call $byte_swap (global.get $h1)))
    (i32.store offset=520 (i32.const 0) (call $byte_swap (global.get $h2)))
    (i32.store offset=524 (i32.const 0) (call $byte_swap (global.get $h3)))
    (i32.store offset=528 (i32.const 0) (call $byte_swap (global.get $h4)))
    (i32.store offset=532 (i32.const 0) (call $byte_swap (global.get $h5)))
    (i32.store offset=536 (i32.const 0) (call $byte_swap (global.get $h6)))
    (i32.store offset=540 (i32.const 0) (call $byte_swap (global.get $h7)))

    (i64.or
      (i64.shl (i64.extend_i32_u (global.get $h0)) (i64.const 32))
      (i64.extend_i32_u (global.get $h1)))))
