//! Snapshot tests of the translation of small functions, shown by the
//! disassembler: a change in code generation shows up as a readable diff.

use crate::{Engine, Module};

fn disassemble(wat: &str, func_idx: u32) -> String {
    let wasm = wat::parse_str(wat).expect("test wat parses");
    let module = Module::new(&Engine::default(), &wasm).expect("test module is valid");
    super::compiled(&module.inner, func_idx)
        .expect("translates")
        .to_string()
}

/// `local.get` and small constants cost no instruction, `op; local.set`
/// writes the local directly, the jump back to the loop tests its exit
/// condition (fused with the count-down step before it), a jump to the
/// return is the return.
#[test]
fn counting_loop() {
    let got = disassemble(
        r#"(module
            (func (param $n i32) (result i32) (local $acc i32)
                (block $done
                    (loop $next
                        (br_if $done (i32.eqz (local.get $n)))
                        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
                        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                        (br $next)))
                (local.get $acc)))"#,
        0,
    );
    let expected = "\
params=1 locals=2 frame=4
   0: BrIfEqz cond=s0 target=@4
   1: I32Add dst=s1 lhs=s1 rhs=s0
   2: I32AddImmBrIfNez var=s0 step=-1 target=@1
   3: ReturnOne src=s1
   4: ReturnOne src=s1
";
    assert_eq!(got, expected);
}

const FIB_AND_MEMORY: &str = r#"(module
    (memory 1)
    (func $fib (param i32) (result i32)
        (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
            (then (local.get 0))
            (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                           (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
    (func (param i32) (result i64)
        (i64.store offset=8 (local.get 0) (i64.const 0x123456789))
        (i64.load offset=8 (local.get 0))))"#;

/// Compare-and-branch fusion for `if` (negated), calls whose arguments are
/// already in place as the callee's frame, calls within the module without
/// store look-ups, single results returned in one instruction.
#[test]
fn recursive_calls() {
    let expected = "\
params=1 locals=1 frame=4
   0: BrIfI32GeSImm lhs=s0 imm=2 target=@3
   1: Copy dst=s1 src=s0
   2: ReturnOne src=s1
   3: I32SubImm dst=s1 lhs=s0 imm=1
   4: CallInternal func=0 defined=0 base=s1
   5: I32SubImm dst=s2 lhs=s0 imm=2
   6: CallInternal func=0 defined=0 base=s2
   7: I32Add dst=s1 lhs=s1 rhs=s2
   8: ReturnOne src=s1
";
    assert_eq!(disassemble(FIB_AND_MEMORY, 0), expected);
}

/// Loads and stores carry their constant offset; wide constants are materialized.
#[test]
fn memory_access() {
    let expected = "\
params=1 locals=1 frame=3
   0: Const64 dst=s2 value=4886718345
   1: I64Store addr=s0 value=s2 offset=8
   2: I64Load dst=s0 addr=s0 offset=8
   3: Return
";
    assert_eq!(disassemble(FIB_AND_MEMORY, 1), expected);
}

/// A value computed for the very next instruction goes through the
/// accumulator: `ToAcc` writes it, `AccLhs`/`AccRhs`/`AccImm` read it, and
/// `...ToAcc` forms chain.
#[test]
fn accumulator_between_adjacent_instructions() {
    let got = disassemble(
        r#"(module
            (func (param $a i32) (param $b i32) (param $c i32) (result i32)
                (i32.xor
                    (i32.add (i32.add (local.get $a) (local.get $b)) (local.get $c))
                    (i32.shl (i32.sub (local.get $a) (i32.const 1)) (i32.const 3)))))"#,
        0,
    );
    let expected = "\
params=3 locals=3 frame=6
   0: I32AddToAcc lhs=s0 rhs=s1
   1: I32AddAccLhs dst=s3 rhs=s2
   2: I32SubImmToAcc lhs=s0 imm=1
   3: I32ShlAccImmToAcc imm=3
   4: I32XorAccRhs dst=s0 lhs=s3
   5: Return
";
    assert_eq!(got, expected);
}

/// Loads take their address from the accumulator and leave their value
/// there; stores take their value from it.
#[test]
fn accumulator_through_loads_and_stores() {
    let got = disassemble(
        r#"(module (memory 1)
            (func (param $p i32) (result i32)
                (i32.store offset=4 (local.get $p)
                    (i32.add (i32.load (i32.add (local.get $p) (i32.const 8))) (i32.const 1)))
                (i32.load8_u (local.get $p))))"#,
        0,
    );
    let expected = "\
params=1 locals=1 frame=4
   0: I32LoadAddImmToAcc addr=s0 imm=8 offset=0
   1: I32AddAccImmToAcc imm=1
   2: I32StoreAccValue addr=s0 offset=4
   3: I32Load8U dst=s0 addr=s0 offset=0
   4: Return
";
    assert_eq!(got, expected);
}

const BRANCH_ON_BITS: &str = r#"(module
    (func (param $x i32) (result i32)
        (block $b
            (br_if $b (i32.and (local.get $x) (i32.const 1)))
            (return (i32.const 10)))
        (if (i32.eqz (i32.and (local.get $x) (i32.const 2)))
            (then (return (i32.const 20))))
        (i32.const 30)))"#;

/// Bit tests fuse with the branch that consumes them (`x & mask; br_if`, and
/// through `eqz`, negated, for `if`).
#[test]
fn bit_tests_fuse_with_branches() {
    let expected = "\
params=1 locals=1 frame=3
   0: BrIfI32AndImm lhs=s0 imm=1 target=@3
   1: Const32 dst=s0 value=10
   2: Return
   3: BrIfI32AndImm lhs=s0 imm=2 target=@6
   4: Const32 dst=s0 value=20
   5: Return
   6: Const32 dst=s0 value=30
   7: Return
";
    assert_eq!(disassemble(BRANCH_ON_BITS, 0), expected);
}

/// `br_if` and `if` test a condition computed just before (and not fused
/// with them) in the accumulator.
#[test]
fn branches_on_the_accumulator() {
    let got = disassemble(
        r#"(module
            (func (param $x i32) (result i32)
                (block $b
                    (br_if $b (i32.shr_u (local.get $x) (i32.const 4)))
                    (return (i32.const 10)))
                (if (i32.eqz (i32.add (local.get $x) (local.get $x)))
                    (then (return (i32.const 20))))
                (i32.const 30)))"#,
        0,
    );
    let expected = "\
params=1 locals=1 frame=3
   0: I32ShrUImmToAcc lhs=s0 imm=4
   1: BrIfNezAcc target=@4
   2: Const32 dst=s0 value=10
   3: Return
   4: I32AddToAcc lhs=s0 rhs=s0
   5: BrIfNezAcc target=@8
   6: Const32 dst=s0 value=20
   7: Return
   8: Const32 dst=s0 value=30
   9: Return
";
    assert_eq!(got, expected);
}

/// A loop's step and the jump back that tests the stepped variable are one
/// op: the rotated back edge of a `block/loop/br_if/br` loop (step in a
/// local) and a `br_if` back to the loop (constant step).
#[test]
fn loop_steps_fused_with_the_jump_back() {
    let got = disassemble(
        r#"(module
            (memory 1)
            (func (param $n i32) (param $step i32) (result i32) (local $i i32) (local $sum i32)
                (block $done
                    (loop $mark
                        (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
                        (i32.store8 (local.get $i) (i32.const 1))
                        (local.set $i (i32.add (local.get $i) (local.get $step)))
                        (br $mark)))
                (local.set $i (i32.const 0))
                (loop $count
                    (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $i))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br_if $count (i32.lt_s (local.get $i) (local.get $n))))
                (local.get $sum)))"#,
        0,
    );
    let expected = "\
params=2 locals=4 frame=6
   0: BrIfI32GtU lhs=s2 rhs=s0 target=@4
   1: I32Store8Imm addr=s2 value=1 offset=0
   2: I32AddBrIfLeU var=s2 step=s1 limit=s0 target=@1
   3: Br target=@4
   4: Const32 dst=s2 value=0
   5: I32Load8UToAcc addr=s2 offset=0
   6: I32AddAccRhs dst=s3 lhs=s3
   7: I32AddImmBrIfLtS var=s2 step=1 limit=s0 target=@5
   8: ReturnOne src=s3
";
    assert_eq!(got, expected);
}

/// A Rust guest's prologue (`global.get $sp; i32.const; i32.sub; local.tee;
/// global.set $sp`) is one instruction, its epilogue (`local.get; i32.const;
/// i32.add; global.set $sp`) another.
#[test]
fn stack_pointer_updates_fuse() {
    let got = disassemble(
        r#"(module (memory 1)
            (global $sp (mut i32) (i32.const 1024))
            (func (param $x i32) (result i32) (local $fp i32)
                (global.set $sp (local.tee $fp (i32.sub (global.get $sp) (i32.const 32))))
                (i32.store offset=12 (local.get $fp) (local.get $x))
                (global.set $sp (i32.add (local.get $fp) (i32.const 32)))
                (i32.load offset=12 (local.get $fp))))"#,
        0,
    );
    let expected = "\
params=1 locals=2 frame=4
   0: GlobalAddImm dst=s1 global=0 imm=-32
   1: I32Store addr=s1 value=s0 offset=12
   2: GlobalSetAddImm global=0 lhs=s1 imm=32
   3: I32Load dst=s0 addr=s1 offset=12
   4: Return
";
    assert_eq!(got, expected);
}

/// Adjacent moves (of locals, call arguments) are one instruction each two,
/// in order (`b = 2` before `b` is read), but not across a branch target (the
/// end of the `if`); the move before an internal call is one with the call;
/// branch targets are renumbered.
#[test]
fn adjacent_moves_fuse() {
    let got = disassemble(
        r#"(module
            (func $f (param i32 i32 i32 i32) (result i32) (local.get 0))
            (func (param $a i32) (param $b i32) (result i32) (local $c i32)
                (local.set $c (i32.const 3))
                (local.set $b (i32.const 4))
                (if (local.get $a) (then (local.set $c (i32.const 1))))
                (local.set $b (i32.const 2))
                (call $f (local.get $b) (local.get $a) (i32.const 7) (local.get $c))))"#,
        1,
    );
    let expected = "\
params=2 locals=3 frame=7
   0: Const32x2 dst0=s2 value0=3 dst1=s1 value1=4
   1: BrIfEqz cond=s0 target=@3
   2: Const32 dst=s2 value=1
   3: Const32Copy dst0=s1 value0=2 dst1=s3 src1=s1
   4: CopyConst32 dst0=s4 src0=s0 dst1=s5 value1=7
   5: CopyCallInternal defined=0 base=s3 dst=s6 src=s2
   6: ReturnOne src=s3
";
    assert_eq!(got, expected);
}

/// A count-down step fused with the jump back and with a forward exit that
/// tests it against zero; other in-place steps of locals in a row pair up
/// (but not with the step that the jump back tests).
#[test]
fn steps_fused_with_zero_tests() {
    let got = disassemble(
        r#"(module
            (memory 1)
            (func (param $p i32) (param $n i32) (param $q i32)
                (loop $next
                    (i32.store8 (local.get $p) (i32.const 0))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (local.set $q (i32.add (local.get $q) (i32.const 4)))
                    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                    (br_if $next (local.get $n)))
                (loop $bump
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                    (br_if $bump (local.get $n)))
                (block $done
                    (loop $again
                        (local.set $n (i32.add (local.get $n) (i32.const -1)))
                        (br_if $done (i32.eqz (local.get $n)))
                        (local.set $p (i32.add (local.get $p) (i32.const 2)))
                        (br $again)))))"#,
        0,
    );
    let expected = "\
params=3 locals=3 frame=5
   0: I32Store8Imm addr=s0 value=0 offset=0
   1: I32AddImmPair var=s0 step=1 var2=s2 step2=4
   2: I32AddImmBrIfNez var=s1 step=-1 target=@0
   3: I32AddImm dst=s0 lhs=s0 imm=1
   4: I32AddImmBrIfNez var=s1 step=-1 target=@3
   5: I32AddImmBrIfEqz var=s1 step=-1 target=@8
   6: I32AddImm dst=s0 lhs=s0 imm=2
   7: Br target=@5
   8: Return
";
    assert_eq!(got, expected);
}

/// `base + (index << k)`, the address of an array element, is one
/// instruction whichever side the shift is on, and feeds a load through the
/// accumulator.
#[test]
fn scaled_index_addresses_fuse() {
    let got = disassemble(
        r#"(module
            (memory 1)
            (func (param $base i32) (param $i i32) (result i32)
                (i32.load (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 3))))
                (local.set $i (i32.add (i32.shl (local.get $i) (i32.const 2)) (local.get $base)))
                (i32.add (local.get $i))))"#,
        0,
    );
    let expected = "\
params=2 locals=2 frame=5
   0: I32AddShlToAcc lhs=s0 rhs=s1 shift=3
   1: I32LoadAccAddr dst=s2 offset=0
   2: I32AddShl dst=s1 lhs=s0 rhs=s1 shift=2
   3: I32Add dst=s0 lhs=s2 rhs=s1
   4: Return
";
    assert_eq!(got, expected);
}

/// A multiplication by a 64-bit constant beyond the `i32` immediate is one
/// op, which `local.set` retargets like any other.
#[test]
fn multiply_by_a_wide_constant() {
    let got = disassemble(
        r#"(module
            (func (param $x i64) (result i64)
                (local.set $x (i64.mul (local.get $x) (i64.const 6364136223846793005)))
                (i64.mul (local.get $x) (i64.const 3))))"#,
        0,
    );
    let expected = "\
params=1 locals=1 frame=3
   0: I64MulConst dst=s0 lhs=s0 value=6364136223846793005
   1: I64MulImm dst=s0 lhs=s0 imm=3
   2: Return
";
    assert_eq!(got, expected);
}

/// An `i32.add` of a constant that only computes an address is part of the
/// load (wrapping, unlike the offset); a constant address is part of the
/// load or store (with its offset), unless the sum leaves 32 bits.
#[test]
fn address_arithmetic_fuses_with_accesses() {
    let got = disassemble(
        r#"(module
            (memory 1)
            (func (param $p i32) (result i32)
                (i32.store offset=4 (i32.const 1024) (i32.load16_s offset=2 (i32.add (local.get $p) (i32.const 6))))
                (i32.store (i32.const 16) (local.get $p))
                (i32.add (i32.load offset=8 (i32.const 64))
                         (i32.load offset=1 (i32.const -1)))))"#,
        0,
    );
    let expected = "\
params=1 locals=1 frame=4
   0: I32Load16SAddImmToAcc addr=s0 imm=6 offset=2
   1: I32StoreAtAccValue addr=1028
   2: I32StoreAt value=s0 addr=16
   3: I32LoadAt dst=s1 addr=72
   4: Const32 dst=s2 value=4294967295
   5: I32LoadToAcc addr=s2 offset=1
   6: I32AddAccRhs dst=s0 lhs=s1
   7: Return
";
    assert_eq!(got, expected);
}

/// Adjacent `i32` loads (struct fields) and adjacent `i32` stores are one
/// instruction each, in order; not across a branch target, nor an access of
/// another memory, nor offsets beyond 16 bits.
#[test]
fn adjacent_i32_accesses_fuse() {
    let got = disassemble(
        r#"(module
            (memory 1)
            (memory $other 1)
            (func (param $p i32) (param $q i32) (result i32) (local $a i32) (local $b i32)
                (local.set $a (i32.load offset=4 (local.get $p)))
                (local.set $b (i32.load offset=8 (local.get $a)))
                (i32.store (local.get $q) (local.get $a))
                (i32.store offset=4 (local.get $q) (local.get $b))
                (local.set $a (i32.load $other (local.get $p)))
                (local.set $b (i32.load (local.get $p)))
                (local.set $a (i32.load offset=65536 (local.get $p)))
                (local.set $b (i32.load (local.get $p)))
                (i32.add (local.get $a) (local.get $b))))"#,
        0,
    );
    let expected = "\
params=2 locals=4 frame=6
   0: I32LoadPair dst0=s2 addr0=s0 offset0=4 dst1=s3 addr1=s2 offset1=8
   1: I32StorePair addr0=s1 value0=s2 offset0=0 addr1=s1 value1=s3 offset1=4
   2: InMemory memory=1
   3: I32Load dst=s2 addr=s0 offset=0
   4: I32Load dst=s3 addr=s0 offset=0
   5: I32Load dst=s2 addr=s0 offset=65536
   6: I32Load dst=s3 addr=s0 offset=0
   7: I32Add dst=s0 lhs=s2 rhs=s3
   8: Return
";
    assert_eq!(got, expected);
}
