//! myrt's bytecode: one `Instr` enum, defined once by [`define_instr!`] from
//! the hand-written control/memory/table rows below plus the generated rows of
//! [`super::numeric::for_each_numeric_op!`]. The same macro generates the
//! disassembler (`Display`), so a new instruction is one row here (or there)
//! and one handler in the executor.
//!
//! Operands are frame-relative [`Slot`]s: a frame's cells are its locals
//! (parameters first) followed by the temporaries of the wasm operand stack.

use std::fmt;

use super::numeric::for_each_numeric_op;

/// A frame-relative cell index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slot(pub u32);

/// A frame-relative cell index below 2^16, for the instructions with four
/// operands that would not fit in 16 bytes with a full `Slot`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NarrowSlot(pub u16);

impl NarrowSlot {
    pub(crate) fn new(slot: Slot) -> Option<Self> {
        u16::try_from(slot.0).ok().map(NarrowSlot)
    }
}

/// An absolute instruction index in the function's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Target(pub u32);

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

impl fmt::Display for NarrowSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}", self.0)
    }
}

/// The kinds of instruction fields, for [`Instr::visit_operands`].
trait OperandKind {
    fn visit(&self, _slot: &mut impl FnMut(Slot), _target: &mut impl FnMut(Target)) {}
    fn visit_target_mut(&mut self, _target: &mut impl FnMut(&mut Target)) {}
}

impl OperandKind for Slot {
    fn visit(&self, slot: &mut impl FnMut(Slot), _target: &mut impl FnMut(Target)) {
        slot(*self)
    }
}

impl OperandKind for NarrowSlot {
    fn visit(&self, slot: &mut impl FnMut(Slot), _target: &mut impl FnMut(Target)) {
        slot(Slot(self.0.into()))
    }
}

impl OperandKind for Target {
    fn visit(&self, _slot: &mut impl FnMut(Slot), target: &mut impl FnMut(Target)) {
        target(*self)
    }
    fn visit_target_mut(&mut self, target: &mut impl FnMut(&mut Target)) {
        target(self)
    }
}

impl OperandKind for u8 {}
impl OperandKind for u16 {}
impl OperandKind for u32 {}
impl OperandKind for i32 {}
impl OperandKind for u64 {}

/// Emits the enum and its `Display` from a flat list of rows.
macro_rules! define_instr_enum {
    ( $( $(#[doc = $doc:literal])* $name:ident { $($field:ident : $ty:ty),* } )* ) => {
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub(crate) enum Instr {
            $( $(#[doc = $doc])* $name { $($field: $ty),* }, )*
        }

        impl Instr {
            /// Calls `slot` with every slot operand and `target` with every branch target.
            pub(crate) fn visit_operands(&self, mut slot: impl FnMut(Slot), mut target: impl FnMut(Target)) {
                match self {
                    $( Instr::$name { $($field),* } => {
                        $( OperandKind::visit($field, &mut slot, &mut target); )*
                    } )*
                }
            }
        }

        impl Instr {
            /// Calls `target` with every branch target, to renumber them.
            pub(crate) fn visit_targets_mut(&mut self, mut target: impl FnMut(&mut Target)) {
                match self {
                    $( Instr::$name { $($field),* } => {
                        $( OperandKind::visit_target_mut($field, &mut target); )*
                    } )*
                }
            }
        }

        impl fmt::Display for Instr {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $( Instr::$name { $($field),* } => {
                        f.write_str(stringify!($name))?;
                        $( write!(f, " {}={}", stringify!($field), $field)?; )*
                        Ok(())
                    } )*
                }
            }
        }
    };
}

macro_rules! define_instr {
    (
        binary { $( $bname:ident $(/ $bimm:ident)?: fn($a:ident: $at:ty, $b:ident: $bt:ty) -> $br:ty $bbody:block )* }
        unary { $( $uname:ident: fn($x:ident: $xt:ty) -> $ur:ty $ubody:block )* }
        load { $( $lname:ident => $ltoacc:ident, $laccaddr:ident, $laccaddrtoacc:ident, $laddimm:ident, $laddimmtoacc:ident, $lat:ident, $lattoacc:ident: $lmem:ty as $lval:ty; )* }
        store { $( $sname:ident / $simm:ident => $saccvalue:ident, $sat:ident, $sataccvalue:ident: $sval:ty as $smem:ty; )* }
        branch_cmp { $( $brname:ident / $brimm:ident = $cmp:ident / $cmpimm:ident, not $negbr:ident / $negbrimm:ident; )* }
        branch_test { $( $btname:ident / $btimm:ident = $top:ident / $topimm:ident, zero $btzero:ident / $btzeroimm:ident; )* }
        accumulate { $( $aname:ident / $aimm:ident => $toacc:ident, $immtoacc:ident, $accrhs:ident, $acclhs:ident, $accimm:ident, $accrhstoacc:ident, $acclhstoacc:ident, $accimmtoacc:ident; )* }
        step_branch { $( $sbname:ident / $sbimm:ident = $sbadd:ident / $sbaddimm:ident then $sbbr:ident = $sbcmp:ident; )* }
    ) => {
        define_instr_enum! {
            /// `dst = src`
            Copy { dst: Slot, src: Slot }
            /// An i32 or f32 constant (bits).
            Const32 { dst: Slot, value: u32 }
            /// An i64 or f64 constant (bits).
            Const64 { dst: Slot, value: u64 }
            /// `dst` holds the first operand of wasm `select`: `if cond == 0 { dst = if_false }`.
            Select { dst: Slot, cond: Slot, if_false: Slot }
            Unreachable {}
            Br { target: Target }
            BrIfNez { cond: Slot, target: Target }
            BrIfEqz { cond: Slot, target: Target }
            /// `BrIfNez` on the accumulator.
            BrIfNezAcc { target: Target }
            /// `BrIfEqz` on the accumulator.
            BrIfEqzAcc { target: Target }
            /// Jumps to `br_tables[first + min(index, len - 1)]` (the last entry is the default).
            BrTable { index: Slot, first: u32, len: u32 }
            /// The results are already in the frame's first slots.
            Return {}
            /// Returns the single result `src`: `Copy { dst: s0, src }; Return` in one.
            ReturnOne { src: Slot }
            /// Calls function `func` (module index space); its arguments are at `base..`,
            /// which becomes the callee's frame and receives the results.
            Call { func: u32, base: Slot }
            /// `Call` of a function defined in the same module (not imported): its
            /// code is `defined` in the module's code table, so the call needs no
            /// look-up in the store.
            CallInternal { func: u32, defined: u32, base: Slot }
            /// Like `Call`, through `table[index]`; `site` indexes `CompiledFunc::indirect_sites`.
            CallIndirect { index: Slot, base: Slot, site: u32 }
            GlobalGet { dst: Slot, global: u32 }
            GlobalSet { src: Slot, global: u32 }
            /// `dst = global + imm; global = dst` on an i32 global: a Rust
            /// function's prologue, `global.get $sp; i32.const N; i32.sub;
            /// local.tee $fp; global.set $sp`, in one instruction.
            GlobalAddImm { dst: Slot, global: u32, imm: i32 }
            /// `global = lhs + imm` on an i32 global: the matching epilogue,
            /// `local.get $fp; i32.const N; i32.add; global.set $sp`.
            GlobalSetAddImm { global: u32, lhs: Slot, imm: i32 }
            /// `var = var + step; if var != 0 goto target`: the step of a
            /// count-down loop fused with the jump back (`Instr::fuse_step`).
            I32AddImmBrIfNez { var: Slot, step: i32, target: Target }
            /// `var = var + step; if var == 0 goto target`
            I32AddImmBrIfEqz { var: Slot, step: i32, target: Target }
            /// `var = var + step; var2 = var2 + step2` (i32): two in-place steps in
            /// a row, as the pointer bumps of compiled loops (`p += 8; n -= 1`).
            I32AddImmPair { var: NarrowSlot, step: i32, var2: NarrowSlot, step2: i32 }
            /// `dst = lhs * value` (i64) by a constant beyond the `i32` immediate
            /// (the multipliers of hashes and random generators).
            I64MulConst { dst: Slot, lhs: NarrowSlot, value: u64 }
            /// `dst = lhs + (rhs << shift)` on i32 (wrapping): the address of
            /// element `rhs` of an array at `lhs`, an `i32.shl` by a constant and
            /// the `i32.add` that consumes it in one (see `fuse_through_acc`).
            I32AddShl { dst: Slot, lhs: Slot, rhs: Slot, shift: u8 }
            /// `I32AddShl` to the accumulator.
            I32AddShlToAcc { lhs: Slot, rhs: Slot, shift: u8 }
            MemorySize { dst: Slot }
            MemoryGrow { dst: Slot, delta: Slot }
            /// Operands (dst, value, len) in three consecutive slots from `args`.
            MemoryFill { args: Slot }
            /// Operands (dst, src, len) in three consecutive slots from `args`.
            MemoryCopy { args: Slot }
            /// Operands (dst, src, len) in three consecutive slots from `args`.
            MemoryInit { args: Slot, data: u32 }
            DataDrop { data: u32 }
            /// The next instruction, a load or store, accesses `memory` (not 0)
            /// instead of memory 0: the rows of memory 0 keep its view in
            /// registers, this looks the other memory up on every access.
            InMemory { memory: u32 }
            /// `MemorySize` of `memory` (not 0), and so on.
            MemorySizeN { dst: Slot, memory: u32 }
            MemoryGrowN { dst: Slot, delta: Slot, memory: u32 }
            MemoryFillN { args: Slot, memory: u32 }
            /// Any `memory.copy` but from memory 0 to memory 0.
            MemoryCopyN { args: Slot, dst_memory: u32, src_memory: u32 }
            MemoryInitN { args: Slot, data: u32, memory: u32 }
            TableGet { dst: Slot, index: Slot, table: u32 }
            TableSet { index: Slot, value: Slot, table: u32 }
            TableSize { dst: Slot, table: u32 }
            /// Operands (init, delta) from `args`; the result replaces `init`.
            TableGrow { args: Slot, table: u32 }
            /// Operands (index, value, len) from `args`.
            TableFill { args: Slot, table: u32 }
            /// Operands (dst, src, len) from `args`.
            TableCopy { args: Slot, dst_table: u32, src_table: u32 }
            /// Operands (dst, src, len) from `args`.
            TableInit { args: Slot, table: u32, elem: u32 }
            ElemDrop { elem: u32 }
            RefFunc { dst: Slot, func: u32 }
            /// `dst0 = src0; dst1 = src1`, in that order: two adjacent `Copy`s
            /// (see [`Instr::fuse_moves`]).
            Copy2 { dst0: NarrowSlot, src0: NarrowSlot, dst1: NarrowSlot, src1: NarrowSlot }
            /// Two `I32Load`s in a row, in order (the second may read the first's
            /// `dst`), as struct fields are read (see [`Instr::fuse_accesses`]).
            I32LoadPair { dst0: NarrowSlot, addr0: NarrowSlot, offset0: u16, dst1: NarrowSlot, addr1: NarrowSlot, offset1: u16 }
            /// Two `I32Store`s in a row, in order.
            I32StorePair { addr0: NarrowSlot, value0: NarrowSlot, offset0: u16, addr1: NarrowSlot, value1: NarrowSlot, offset1: u16 }
            /// `Copy` then `Const32`.
            CopyConst32 { dst0: NarrowSlot, src0: NarrowSlot, dst1: NarrowSlot, value1: u32 }
            /// `Const32` then `Copy`.
            Const32Copy { dst0: NarrowSlot, value0: u32, dst1: NarrowSlot, src1: NarrowSlot }
            /// Two `Const32`s.
            Const32x2 { dst0: NarrowSlot, value0: u32, dst1: NarrowSlot, value1: u32 }
            /// `dst = src` (mostly the last argument), then `CallInternal`
            /// (whose module index the slow path derives from `defined`).
            CopyCallInternal { defined: u32, base: NarrowSlot, dst: NarrowSlot, src: NarrowSlot }
            /// `dst = value`, then `CallInternal`.
            Const32CallInternal { defined: u32, base: NarrowSlot, dst: NarrowSlot, value: u32 }
            $(
                $bname { dst: Slot, lhs: Slot, rhs: Slot }
                $( $bimm { dst: Slot, lhs: Slot, imm: i32 } )?
            )*
            $( $uname { dst: Slot, src: Slot } )*
            $(
                $lname { dst: Slot, addr: Slot, offset: u32 }
                /// The load, to the accumulator.
                $ltoacc { addr: Slot, offset: u32 }
                /// The load from the address in the accumulator.
                $laccaddr { dst: Slot, offset: u32 }
                $laccaddrtoacc { offset: u32 }
                /// The load from `addr + imm` (wrapping): an `i32.add` of a constant
                /// that only computes the address, which the offset cannot absorb.
                $laddimm { dst: NarrowSlot, addr: NarrowSlot, imm: i32, offset: u32 }
                $laddimmtoacc { addr: Slot, imm: i32, offset: u32 }
                /// The load from a constant address (the offset added in).
                $lat { dst: Slot, addr: u32 }
                $lattoacc { addr: u32 }
            )*
            $(
                $sname { addr: Slot, value: Slot, offset: u32 }
                $simm { addr: Slot, value: i32, offset: u32 }
                /// The store of the accumulator.
                $saccvalue { addr: Slot, offset: u32 }
                /// The store at a constant address (the offset added in).
                $sat { value: Slot, addr: u32 }
                $sataccvalue { addr: u32 }
            )*
            $(
                $brname { lhs: Slot, rhs: Slot, target: Target }
                $brimm { lhs: Slot, imm: i32, target: Target }
            )*
            $(
                $btname { lhs: Slot, rhs: Slot, target: Target }
                $btimm { lhs: Slot, imm: i32, target: Target }
                $btzero { lhs: Slot, rhs: Slot, target: Target }
                $btzeroimm { lhs: Slot, imm: i32, target: Target }
            )*
            $(
                /// `acc = lhs op rhs`
                $toacc { lhs: Slot, rhs: Slot }
                /// `acc = lhs op imm`
                $immtoacc { lhs: Slot, imm: i32 }
                /// `dst = lhs op acc`
                $accrhs { dst: Slot, lhs: Slot }
                /// `dst = acc op rhs`
                $acclhs { dst: Slot, rhs: Slot }
                /// `dst = acc op imm`
                $accimm { dst: Slot, imm: i32 }
                /// `acc = lhs op acc`
                $accrhstoacc { lhs: Slot }
                /// `acc = acc op rhs`
                $acclhstoacc { rhs: Slot }
                /// `acc = acc op imm`
                $accimmtoacc { imm: i32 }
            )*
            $(
                /// `var = var + step; if var <cmp> limit goto target`
                $sbname { var: NarrowSlot, step: Slot, limit: Slot, target: Target }
                /// `var = var + step; if var <cmp> limit goto target`
                $sbimm { var: NarrowSlot, step: i32, limit: Slot, target: Target }
            )*
        }

        impl Instr {
            /// The slot a single-result instruction writes, so that the translator
            /// can retarget `op; local.set x` to write `x` directly.
            pub(crate) fn result_slot_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    Instr::Copy { dst, .. }
                    | Instr::Const32 { dst, .. }
                    | Instr::Const64 { dst, .. }
                    | Instr::GlobalGet { dst, .. }
                    | Instr::I64MulConst { dst, .. }
                    | Instr::I32AddShl { dst, .. } => Some(dst),
                    $(
                        Instr::$bname { dst, .. } => Some(dst),
                        $( Instr::$bimm { dst, .. } => Some(dst), )?
                    )*
                    $( Instr::$uname { dst, .. } => Some(dst), )*
                    $( Instr::$lname { dst, .. } | Instr::$laccaddr { dst, .. } | Instr::$lat { dst, .. } => Some(dst), )*
                    $(
                        Instr::$accrhs { dst, .. }
                        | Instr::$acclhs { dst, .. }
                        | Instr::$accimm { dst, .. } => Some(dst),
                    )*
                    _ => None,
                }
            }

            /// Whether `self` is a load or store of memory 0 in any operand
            /// form: what may follow an `InMemory`.
            pub(crate) fn is_memory_access(&self) -> bool {
                matches!(
                    self,
                    $(
                        Instr::$lname { .. } | Instr::$ltoacc { .. } | Instr::$laccaddr { .. } | Instr::$laccaddrtoacc { .. }
                        | Instr::$laddimm { .. } | Instr::$laddimmtoacc { .. } | Instr::$lat { .. } | Instr::$lattoacc { .. }
                    )|*
                    | $( Instr::$sname { .. } | Instr::$simm { .. } | Instr::$saccvalue { .. } | Instr::$sat { .. } | Instr::$sataccvalue { .. } )|*
                )
            }

            /// The branch target, for patching forward branches.
            pub(crate) fn target_mut(&mut self) -> Option<&mut Target> {
                match self {
                    Instr::Br { target }
                    | Instr::BrIfNez { target, .. }
                    | Instr::BrIfEqz { target, .. }
                    | Instr::BrIfNezAcc { target }
                    | Instr::BrIfEqzAcc { target }
                    | Instr::I32AddImmBrIfNez { target, .. }
                    | Instr::I32AddImmBrIfEqz { target, .. } => Some(target),
                    $(
                        Instr::$brname { target, .. } => Some(target),
                        Instr::$brimm { target, .. } => Some(target),
                    )*
                    $(
                        Instr::$btname { target, .. }
                        | Instr::$btimm { target, .. }
                        | Instr::$btzero { target, .. }
                        | Instr::$btzeroimm { target, .. } => Some(target),
                    )*
                    $( Instr::$sbname { target, .. } | Instr::$sbimm { target, .. } => Some(target), )*
                    _ => None,
                }
            }

            /// `self` leaving its result in the accumulator, and the slot it
            /// wrote instead, for the rows of `accumulate` and loads.
            pub(crate) fn with_result_in_acc(&self) -> Option<(Slot, Instr)> {
                Some(match *self {
                    Instr::I32AddShl { dst, lhs, rhs, shift } => (dst, Instr::I32AddShlToAcc { lhs, rhs, shift }),
                    $(
                        Instr::$aname { dst, lhs, rhs } => (dst, Instr::$toacc { lhs, rhs }),
                        Instr::$aimm { dst, lhs, imm } => (dst, Instr::$immtoacc { lhs, imm }),
                        Instr::$accrhs { dst, lhs } => (dst, Instr::$accrhstoacc { lhs }),
                        Instr::$acclhs { dst, rhs } => (dst, Instr::$acclhstoacc { rhs }),
                        Instr::$accimm { dst, imm } => (dst, Instr::$accimmtoacc { imm }),
                    )*
                    $(
                        Instr::$lname { dst, addr, offset } => (dst, Instr::$ltoacc { addr, offset }),
                        Instr::$laccaddr { dst, offset } => (dst, Instr::$laccaddrtoacc { offset }),
                        Instr::$laddimm { dst, addr, imm, offset } => {
                            (Slot(dst.0.into()), Instr::$laddimmtoacc { addr: Slot(addr.0.into()), imm, offset })
                        }
                        Instr::$lat { dst, addr } => (dst, Instr::$lattoacc { addr }),
                    )*
                    _ => return None,
                })
            }

            /// `self` taking its operand `slot` from the accumulator instead,
            /// for the rows of `accumulate`, loads, stores and `br_if` that read
            /// `slot` once.
            pub(crate) fn reading_acc(&self, slot: Slot) -> Option<Instr> {
                Some(match *self {
                    Instr::BrIfNez { cond, target } if cond == slot => Instr::BrIfNezAcc { target },
                    Instr::BrIfEqz { cond, target } if cond == slot => Instr::BrIfEqzAcc { target },
                    $(
                        Instr::$aname { dst, lhs, rhs } if lhs == slot && rhs != slot => Instr::$acclhs { dst, rhs },
                        Instr::$aname { dst, lhs, rhs } if rhs == slot && lhs != slot => Instr::$accrhs { dst, lhs },
                        Instr::$aimm { dst, lhs, imm } if lhs == slot => Instr::$accimm { dst, imm },
                    )*
                    $(
                        Instr::$lname { dst, addr, offset } if addr == slot => Instr::$laccaddr { dst, offset },
                    )*
                    $(
                        Instr::$sname { addr, value, offset } if value == slot && addr != slot => {
                            Instr::$saccvalue { addr, offset }
                        }
                        Instr::$sat { value, addr } if value == slot => Instr::$sataccvalue { addr },
                    )*
                    _ => return None,
                })
            }

            /// One instruction doing what `self`, which leaves its result in the
            /// accumulator, and `consumer`, which reads it from there, do: the
            /// address computations that compiled code makes before an access
            /// (`base + (i << k)`, `p + imm` feeding a load).
            pub(crate) fn fuse_through_acc(&self, consumer: &Instr) -> Option<Instr> {
                Some(match (*self, *consumer) {
                    (Instr::I32ShlImmToAcc { lhs: rhs, imm }, Instr::I32AddAccRhs { dst, lhs } | Instr::I32AddAccLhs { dst, rhs: lhs }) => {
                        Instr::I32AddShl { dst, lhs, rhs, shift: (imm & 31) as u8 }
                    }
                    $(
                        (Instr::I32AddImmToAcc { lhs, imm }, Instr::$laccaddr { dst, offset }) => {
                            Instr::$laddimm { dst: NarrowSlot::new(dst)?, addr: NarrowSlot::new(lhs)?, imm, offset }
                        }
                    )*
                    _ => return None,
                })
            }

            /// The conditional branch taken exactly when `self` is not (same target).
            pub(crate) fn negated_branch(&self) -> Option<Instr> {
                Some(match *self {
                    Instr::BrIfNez { cond, target } => Instr::BrIfEqz { cond, target },
                    Instr::BrIfEqz { cond, target } => Instr::BrIfNez { cond, target },
                    $(
                        Instr::$brname { lhs, rhs, target } => Instr::$negbr { lhs, rhs, target },
                        Instr::$brimm { lhs, imm, target } => Instr::$negbrimm { lhs, imm, target },
                    )*
                    $(
                        Instr::$btname { lhs, rhs, target } => Instr::$btzero { lhs, rhs, target },
                        Instr::$btimm { lhs, imm, target } => Instr::$btzeroimm { lhs, imm, target },
                        Instr::$btzero { lhs, rhs, target } => Instr::$btname { lhs, rhs, target },
                        Instr::$btzeroimm { lhs, imm, target } => Instr::$btimm { lhs, imm, target },
                    )*
                    _ => return None,
                })
            }

            /// Fuses an integer comparison (or a `branch_test` operator) `cond = lhs <op> rhs`
            /// with a conditional branch taken when `cond` is true (`negate == false`) or false.
            pub(crate) fn fuse_branch(&self, negate: bool, target: Target) -> Option<Instr> {
                Some(match *self {
                    $(
                        Instr::$cmp { lhs, rhs, .. } if negate => Instr::$negbr { lhs, rhs, target },
                        Instr::$cmp { lhs, rhs, .. } => Instr::$brname { lhs, rhs, target },
                        Instr::$cmpimm { lhs, imm, .. } if negate => Instr::$negbrimm { lhs, imm, target },
                        Instr::$cmpimm { lhs, imm, .. } => Instr::$brimm { lhs, imm, target },
                    )*
                    $(
                        Instr::$top { lhs, rhs, .. } if negate => Instr::$btzero { lhs, rhs, target },
                        Instr::$top { lhs, rhs, .. } => Instr::$btname { lhs, rhs, target },
                        Instr::$topimm { lhs, imm, .. } if negate => Instr::$btzeroimm { lhs, imm, target },
                        Instr::$topimm { lhs, imm, .. } => Instr::$btimm { lhs, imm, target },
                    )*
                    _ => return None,
                })
            }

            /// Fuses `self`, a step `var = var + step` of a local, with `branch`, a
            /// conditional branch that compares the stepped `var` (with a slot or zero).
            pub(crate) fn fuse_step(&self, branch: &Instr) -> Option<Instr> {
                if let Some((var, step)) = self.in_place_step() {
                    match *branch {
                        Instr::BrIfNez { cond, target } if cond == var => {
                            return Some(Instr::I32AddImmBrIfNez { var, step, target });
                        }
                        Instr::BrIfEqz { cond, target } if cond == var => {
                            return Some(Instr::I32AddImmBrIfEqz { var, step, target });
                        }
                        _ => {}
                    }
                }
                Some(match (*self, *branch) {
                    $(
                        (Instr::$sbadd { dst, lhs, rhs: step }, Instr::$sbbr { lhs: tested, rhs: limit, target })
                            if dst == lhs && dst == tested =>
                        {
                            Instr::$sbname { var: NarrowSlot::new(dst)?, step, limit, target }
                        }
                        (Instr::$sbaddimm { dst, lhs, imm: step }, Instr::$sbbr { lhs: tested, rhs: limit, target })
                            if dst == lhs && dst == tested =>
                        {
                            Instr::$sbimm { var: NarrowSlot::new(dst)?, step, limit, target }
                        }
                    )*
                    _ => return None,
                })
            }
        }
    };
}

for_each_numeric_op!(define_instr);

/// The operands of a plain `I32Load` or `I32Store` of memory 0 whose slots and
/// offset fit 16 bits: what [`Instr::fuse_accesses`] combines.
fn narrow_access(slot0: Slot, slot1: Slot, offset: u32) -> Option<(NarrowSlot, NarrowSlot, u16)> {
    Some((
        NarrowSlot::new(slot0)?,
        NarrowSlot::new(slot1)?,
        u16::try_from(offset).ok()?,
    ))
}

impl Instr {
    /// `self; next` in one instruction when both are `I32Load`s or both
    /// `I32Store`s with slots and offsets below 2^16: in compiled code, the
    /// fields of a struct are read and written a few in a row. The caller
    /// checks that `self` does not follow an `InMemory` (these are of memory 0).
    pub(crate) fn fuse_accesses(&self, next: &Instr) -> Option<Instr> {
        Some(match (*self, *next) {
            (
                Instr::I32Load { dst, addr, offset },
                Instr::I32Load {
                    dst: dst1,
                    addr: addr1,
                    offset: offset1,
                },
            ) => {
                let (dst0, addr0, offset0) = narrow_access(dst, addr, offset)?;
                let (dst1, addr1, offset1) = narrow_access(dst1, addr1, offset1)?;
                Instr::I32LoadPair {
                    dst0,
                    addr0,
                    offset0,
                    dst1,
                    addr1,
                    offset1,
                }
            }
            (
                Instr::I32Store {
                    addr,
                    value,
                    offset,
                },
                Instr::I32Store {
                    addr: addr1,
                    value: value1,
                    offset: offset1,
                },
            ) => {
                let (addr0, value0, offset0) = narrow_access(addr, value, offset)?;
                let (addr1, value1, offset1) = narrow_access(addr1, value1, offset1)?;
                Instr::I32StorePair {
                    addr0,
                    value0,
                    offset0,
                    addr1,
                    value1,
                    offset1,
                }
            }
            _ => return None,
        })
    }
}

/// A move: what [`Instr::fuse_moves`] combines.
enum Move {
    Copy(NarrowSlot, NarrowSlot),
    Const32(NarrowSlot, u32),
}

impl Move {
    fn of(instr: &Instr) -> Option<Move> {
        Some(match *instr {
            Instr::Copy { dst, src } => Move::Copy(NarrowSlot::new(dst)?, NarrowSlot::new(src)?),
            Instr::Const32 { dst, value } => Move::Const32(NarrowSlot::new(dst)?, value),
            _ => return None,
        })
    }
}

impl Instr {
    /// `self; next` in one instruction when both are moves (`Copy` or
    /// `Const32`) of slots below 2^16, or `self` is a move and `next` a
    /// `CallInternal`: block results, branch values and call arguments often
    /// write several slots in a row.
    pub(crate) fn fuse_moves(&self, next: &Instr) -> Option<Instr> {
        let first = Move::of(self)?;
        if let Instr::CallInternal { defined, base, .. } = *next {
            let base = NarrowSlot::new(base)?;
            return Some(match first {
                Move::Copy(dst, src) => Instr::CopyCallInternal {
                    defined,
                    base,
                    dst,
                    src,
                },
                Move::Const32(dst, value) => Instr::Const32CallInternal {
                    defined,
                    base,
                    dst,
                    value,
                },
            });
        }
        Some(match (first, Move::of(next)?) {
            (Move::Copy(dst0, src0), Move::Copy(dst1, src1)) => Instr::Copy2 {
                dst0,
                src0,
                dst1,
                src1,
            },
            (Move::Copy(dst0, src0), Move::Const32(dst1, value1)) => Instr::CopyConst32 {
                dst0,
                src0,
                dst1,
                value1,
            },
            (Move::Const32(dst0, value0), Move::Copy(dst1, src1)) => Instr::Const32Copy {
                dst0,
                value0,
                dst1,
                src1,
            },
            (Move::Const32(dst0, value0), Move::Const32(dst1, value1)) => Instr::Const32x2 {
                dst0,
                value0,
                dst1,
                value1,
            },
        })
    }
}

impl Instr {
    /// `(var, step)` if `self` steps an i32 slot in place by a constant,
    /// `var = var + step` (a subtraction steps by the negated constant).
    pub(crate) fn in_place_step(&self) -> Option<(Slot, i32)> {
        match *self {
            Instr::I32AddImm { dst, lhs, imm } if dst == lhs => Some((dst, imm)),
            Instr::I32SubImm { dst, lhs, imm } if dst == lhs => Some((dst, imm.wrapping_neg())),
            _ => None,
        }
    }

    /// The two steps of an `I32AddImmPair`.
    pub(crate) fn split_step_pair(&self) -> Option<[Instr; 2]> {
        let Instr::I32AddImmPair {
            var,
            step,
            var2,
            step2,
        } = *self
        else {
            return None;
        };
        let add = |var: NarrowSlot, imm| {
            let var = Slot(var.0.into());
            Instr::I32AddImm {
                dst: var,
                lhs: var,
                imm,
            }
        };
        Some([add(var, step), add(var2, step2)])
    }
}

// The executor copies instructions out of the code array on dispatch: keep them small.
const _: () = assert!(std::mem::size_of::<Instr>() <= 16);
