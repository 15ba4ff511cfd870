//! Translation of one wasm function body into bytecode, in one pass that
//! also drives the validator.
//!
//! The translator mirrors the wasm operand stack at compile time. Each entry
//! is an [`Operand`]: a value in its *canonical* slot (`num_locals +
//! position`), or, lazily, a local or a constant that has not been copied
//! yet. `local.get` and constants therefore emit nothing; consumers read the
//! local's slot directly or take the constant as an immediate. A lazy entry
//! is copied into its canonical slot ("materialized") when something could
//! change what it refers to (`local.set` of that local, entering a block
//! whose code might run conditionally or repeatedly), and at control-flow
//! joins, whose values must sit in the label's canonical slots.

use myrt_parser::wasmparser::{BlockType, MemArg, Operator};
use myrt_parser::{FuncType, ValType};
use myrt_validator::ValidationError;

use super::bytecode::{Instr, NarrowSlot, Slot, Target};
use super::exec::Op;
use super::numeric::{Immediate, for_each_numeric_op};
use super::{CompiledFunc, IndirectSite, ZERO_RUN};
use crate::Error;
use crate::module::ModuleInner;

/// Locals per function (parameters included), as in other engines: frames are
/// allocated eagerly, so a body must not be able to demand gigabytes.
const MAX_LOCALS: u32 = 50_000;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Operand {
    /// In its canonical slot.
    Temp,
    /// The current value of a local, not copied yet.
    Local(u32),
    /// A constant's cell, not written anywhere yet.
    Const(u64),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CtrlKind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

/// A forward branch waiting for its label's position.
enum Patch {
    Instr(usize),
    Table(usize),
}

struct Ctrl {
    kind: CtrlKind,
    /// Operand stack height below the block's parameters.
    height: usize,
    params: usize,
    results: usize,
    /// Start of a loop's body: where its branches go.
    loop_head: u32,
    /// Forward branches to the end of the block.
    patches: Vec<Patch>,
    /// An `if`'s branch to its `else` (or `end` without one).
    else_patch: Option<usize>,
    /// An `if`'s parameters at entry, restored for the `else` arm.
    if_params: Vec<Operand>,
    unreachable: bool,
}

impl Ctrl {
    fn label_arity(&self) -> usize {
        if self.kind == CtrlKind::Loop {
            self.params
        } else {
            self.results
        }
    }
}

struct Translator<'a> {
    module: &'a myrt_parser::Module,
    code: Vec<Instr>,
    br_tables: Vec<u32>,
    indirect_sites: Vec<IndirectSite>,
    stack: Vec<Operand>,
    max_height: usize,
    ctrls: Vec<Ctrl>,
    num_locals: u32,
    num_results: usize,
    /// Position of the last bound label: the instruction before it may be
    /// reached by a jump, so it must not be rewritten.
    label_pos: usize,
    /// Depth of blocks opened inside unreachable code (skipped entirely).
    skip_depth: u32,
    /// Offset of the operator being translated, for errors.
    offset: usize,
}

fn invalid(offset: usize, message: impl Into<String>) -> Error {
    Error::Invalid(ValidationError::new(offset, message))
}

fn val_type(ty: myrt_parser::wasmparser::ValType, offset: usize) -> Result<ValType, Error> {
    use myrt_parser::wasmparser::{RefType, ValType as W};
    Ok(match ty {
        W::I32 => ValType::I32,
        W::I64 => ValType::I64,
        W::F32 => ValType::F32,
        W::F64 => ValType::F64,
        W::Ref(r) if r == RefType::FUNCREF => ValType::FUNCREF,
        W::Ref(r) if r == RefType::EXTERNREF => ValType::EXTERNREF,
        other => return Err(invalid(offset, format!("unsupported local type {other}"))),
    })
}

/// Translates defined function `func_idx` of `module`.
pub(crate) fn translate(module: &ModuleInner, func_idx: u32) -> Result<CompiledFunc, Error> {
    let parsed = &module.parsed;
    // The validator's reader applies the encoding rules of 2.0 and the enabled features.
    let (Some(body), Some(ty)) = (
        module.validator.function_body(parsed, func_idx),
        parsed.func_type(func_idx),
    ) else {
        return Err(Error::Other(format!(
            "function {func_idx} has no body to translate"
        )));
    };
    let mut validator = module.validator.func_validator(parsed, func_idx);

    let num_params = ty.params().len() as u32;
    let mut num_locals = num_params;
    let mut locals = body
        .get_locals_reader()
        .map_err(myrt_parser::DecodeError::from)?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position() as usize;
        let (count, ty) = locals.read().map_err(myrt_parser::DecodeError::from)?;
        let ty = val_type(ty, offset)?;
        num_locals = num_locals
            .checked_add(count)
            .filter(|&n| n <= MAX_LOCALS)
            .ok_or_else(|| invalid(offset, "too many locals"))?;
        validator.define_locals(offset, count, ty)?;
    }

    let mut t = Translator {
        module: parsed,
        code: Vec::new(),
        br_tables: Vec::new(),
        indirect_sites: Vec::new(),
        stack: Vec::new(),
        max_height: 0,
        ctrls: Vec::new(),
        num_locals,
        num_results: ty.results().len(),
        label_pos: 0,
        skip_depth: 0,
        offset: 0,
    };
    t.ctrls.push(Ctrl {
        kind: CtrlKind::Func,
        height: 0,
        params: 0,
        results: ty.results().len(),
        loop_head: 0,
        patches: Vec::new(),
        else_patch: None,
        if_params: Vec::new(),
        unreachable: false,
    });

    let mut ops = body
        .get_operators_reader()
        .map_err(myrt_parser::DecodeError::from)?;
    while !ops.eof() {
        let (op, offset) = ops
            .read_with_offset()
            .map_err(myrt_parser::DecodeError::from)?;
        t.offset = offset as usize;
        validator.op(t.offset, &op)?;
        if t.ctrls.is_empty() {
            return Err(invalid(t.offset, "operators after the end of the function"));
        }
        t.op(&op)?;
    }
    let end = ops.original_position() as usize;
    validator.finish(end)?;
    ops.finish().map_err(myrt_parser::DecodeError::from)?;
    if !t.ctrls.is_empty() {
        return Err(invalid(end, "function body ends inside a block"));
    }

    let frame_size = (num_locals as usize + t.max_height).max(t.num_results);
    let frame_size =
        u32::try_from(frame_size).map_err(|_| invalid(end, "function frame too large"))?;
    thread_jumps_to_returns(&mut t.code);
    fuse_pairs(&mut t.code, &mut t.br_tables);
    verify(&t.code, &t.br_tables, frame_size)?;
    Ok(CompiledFunc {
        ops: t.code.into_iter().map(Op::new).collect(),
        br_tables: t.br_tables.into(),
        indirect_sites: t.indirect_sites.into(),
        func_idx,
        num_params,
        num_locals,
        frame_size,
        zero_run: (1..=ZERO_RUN).contains(&(num_locals - num_params))
            && num_params + ZERO_RUN <= frame_size,
    })
}

/// Replaces each jump to a return by the return itself (a return does not
/// depend on where it is), saving a dispatch on paths that end a function.
fn thread_jumps_to_returns(code: &mut [Instr]) {
    for at in 0..code.len() {
        if let Instr::Br { target } = code[at]
            && let Some(&ret @ (Instr::Return {} | Instr::ReturnOne { .. })) =
                code.get(target.0 as usize)
        {
            code[at] = ret;
        }
    }
}

/// Fuses each pair of adjacent moves, or of adjacent `i32` loads or stores,
/// on whose second no branch lands into one instruction ([`Instr::fuse_moves`],
/// [`Instr::fuse_accesses`]), renumbering every target. It runs
/// after translation so that the peepholes of emission time, which look at
/// the last instruction, only ever see single moves.
fn fuse_pairs(code: &mut Vec<Instr>, br_tables: &mut [u32]) {
    let mut landed = vec![false; code.len()];
    let mut mark = |target: u32| {
        if let Some(l) = landed.get_mut(target as usize) {
            *l = true;
        }
    };
    br_tables.iter().for_each(|&t| mark(t));
    for instr in code.iter() {
        instr.visit_operands(|_| {}, |t| mark(t.0));
    }
    // `renumbered[old]` is the new index of old instruction `old`.
    let mut renumbered = Vec::with_capacity(code.len());
    let mut fused = Vec::with_capacity(code.len());
    let mut at = 0;
    while at < code.len() {
        renumbered.push(fused.len() as u32);
        let after_in_memory = at > 0 && matches!(code[at - 1], Instr::InMemory { .. });
        let pair = code
            .get(at + 1)
            .filter(|_| !landed[at + 1])
            .and_then(|next| {
                let accesses = || code[at].fuse_accesses(next).filter(|_| !after_in_memory);
                code[at].fuse_moves(next).or_else(accesses)
            });
        if let Some(pair) = pair {
            renumbered.push(fused.len() as u32);
            fused.push(pair);
            at += 2;
        } else {
            fused.push(code[at]);
            at += 1;
        }
    }
    if fused.len() == code.len() {
        return;
    }
    // A target outside the code stays outside, for `verify` to reject.
    let renumber = |t: u32| renumbered.get(t as usize).copied().unwrap_or(u32::MAX);
    for instr in &mut fused {
        instr.visit_targets_mut(|t| t.0 = renumber(t.0));
    }
    br_tables.iter_mut().for_each(|t| *t = renumber(*t));
    *code = fused;
}

/// Checks what the executor relies on to skip bounds checks: every slot lies
/// in the frame (including the consecutive operands of bulk instructions),
/// every branch lands in the code, every `InMemory` is followed by the
/// access it applies to, and execution cannot run off its end.
fn verify(code: &[Instr], br_tables: &[u32], frame_size: u32) -> Result<(), Error> {
    let internal = |what: &str| Error::Other(format!("internal error: translated code {what}"));
    let len = code.len() as u32;
    let mut slots_ok = true;
    let mut targets_ok = true;
    for instr in code {
        let last_operand = match *instr {
            // A call's frame starts at its first argument, which is the end of
            // the caller's frame when there are no arguments: it is not read.
            Instr::Call { base, .. } | Instr::CallInternal { base, .. } => {
                slots_ok &= base.0 <= frame_size;
                continue;
            }
            Instr::CopyCallInternal { base, dst, src, .. } => {
                slots_ok &= u32::from(base.0) <= frame_size
                    && u32::from(dst.0) < frame_size
                    && u32::from(src.0) < frame_size;
                continue;
            }
            Instr::Const32CallInternal { base, dst, .. } => {
                slots_ok &= u32::from(base.0) <= frame_size && u32::from(dst.0) < frame_size;
                continue;
            }
            Instr::CallIndirect { index, base, .. } => {
                slots_ok &= base.0 <= frame_size && index.0 < frame_size;
                continue;
            }
            Instr::MemoryFill { args }
            | Instr::MemoryCopy { args }
            | Instr::MemoryInit { args, .. }
            | Instr::MemoryFillN { args, .. }
            | Instr::MemoryCopyN { args, .. }
            | Instr::MemoryInitN { args, .. }
            | Instr::TableFill { args, .. }
            | Instr::TableCopy { args, .. }
            | Instr::TableInit { args, .. } => args.0.checked_add(2),
            Instr::TableGrow { args, .. } => args.0.checked_add(1),
            Instr::BrTable { first, len: n, .. } => {
                let entries = first
                    .checked_add(n)
                    .and_then(|end| br_tables.get(first as usize..end as usize));
                targets_ok &= n > 0 && entries.is_some_and(|e| e.iter().all(|&t| t < len));
                None
            }
            _ => None,
        };
        slots_ok &= last_operand.is_none_or(|s| s < frame_size);
        instr.visit_operands(
            |slot| slots_ok &= slot.0 < frame_size,
            |target| targets_ok &= target.0 < len,
        );
    }
    if !slots_ok {
        return Err(internal("uses a slot outside its frame"));
    }
    if !targets_ok {
        return Err(internal("branches outside the function"));
    }
    let selects_access =
        |pair: &[Instr]| !matches!(pair[0], Instr::InMemory { .. }) || pair[1].is_memory_access();
    if !code.windows(2).all(selects_access) {
        return Err(internal(
            "selects a memory for something other than a load or store",
        ));
    }
    match code.last() {
        Some(
            Instr::Return {}
            | Instr::ReturnOne { .. }
            | Instr::Br { .. }
            | Instr::BrTable { .. }
            | Instr::Unreachable {},
        ) => Ok(()),
        _ => Err(internal("can run past its end")),
    }
}

/// The effective address of an access at constant address `cell` (an i32)
/// with `offset`, when it fits in 32 bits (when it does not, the access
/// traps on any memory and keeps its plain form).
fn constant_address(cell: u64, offset: u32) -> Option<u32> {
    (cell as u32).checked_add(offset)
}

/// The generated rows: numeric operators, loads and stores.
macro_rules! define_generated_translation {
    (
        binary { $( $bname:ident $(/ $bimm:ident)?: fn($a:ident: $at:ty, $b:ident: $bt:ty) -> $br:ty $bbody:block )* }
        unary { $( $uname:ident: fn($x:ident: $xt:ty) -> $ur:ty $ubody:block )* }
        load { $( $lname:ident => $ltoacc:ident, $laccaddr:ident, $laccaddrtoacc:ident, $laddimm:ident, $laddimmtoacc:ident, $lat:ident, $lattoacc:ident: $lmem:ty as $lval:ty; )* }
        store { $( $sname:ident / $simm:ident => $saccvalue:ident, $sat:ident, $sataccvalue:ident: $sval:ty as $smem:ty; )* }
        $($rest:tt)*
    ) => {
        impl Translator<'_> {
            /// Translates a generated-row operator; `false` if `op` is not one.
            fn generated_op(&mut self, op: &Operator<'_>) -> Result<bool, Error> {
                match op {
                    $(
                        Operator::$bname => {
                            $(
                                if let Some(imm) = self.top_const().and_then(<$at as Immediate>::imm_of_cell) {
                                    self.binary_imm(|dst, lhs| Instr::$bimm { dst, lhs, imm })?;
                                    return Ok(true);
                                }
                            )?
                            self.binary(|dst, lhs, rhs| Instr::$bname { dst, lhs, rhs })?;
                        }
                    )*
                    $( Operator::$uname => self.unary(|dst, src| Instr::$uname { dst, src })?, )*
                    $( Operator::$lname { memarg } => {
                        let offset = self.mem_offset(memarg)?;
                        if let Some(addr) = self.top_const().and_then(|cell| constant_address(cell, offset)) {
                            self.pop()?;
                            let dst = self.canonical(self.stack.len());
                            self.emit(Instr::$lat { dst, addr });
                            self.push(Operand::Temp);
                        } else {
                            self.unary(|dst, addr| Instr::$lname { dst, addr, offset })?;
                        }
                        self.select_memory(memarg.memory);
                    } )*
                    $( Operator::$sname { memarg } => {
                        let offset = self.mem_offset(memarg)?;
                        if let Some(value) = self.top_const().and_then(<$sval as Immediate>::imm_of_cell) {
                            self.pop()?;
                            let addr = self.pop()?;
                            let addr = self.use_operand(self.stack.len(), addr);
                            self.emit(Instr::$simm { addr, value, offset });
                            self.select_memory(memarg.memory);
                            return Ok(true);
                        }
                        let value = self.pop()?;
                        let addr = self.pop()?;
                        let pos = self.stack.len();
                        if let Operand::Const(cell) = addr
                            && let Some(addr) = constant_address(cell, offset)
                        {
                            let temps = [None, self.temp_slot(pos + 1, value)];
                            let value = self.use_operand(pos + 1, value);
                            self.emit_consuming(Instr::$sat { value, addr }, temps);
                            self.select_memory(memarg.memory);
                            return Ok(true);
                        }
                        let temps = [self.temp_slot(pos, addr), self.temp_slot(pos + 1, value)];
                        let addr = self.use_operand(pos, addr);
                        let value = self.use_operand(pos + 1, value);
                        self.emit_consuming(Instr::$sname { addr, value, offset }, temps);
                        self.select_memory(memarg.memory);
                    } )*
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }
    };
}
for_each_numeric_op!(define_generated_translation);

impl Translator<'_> {
    fn canonical(&self, pos: usize) -> Slot {
        Slot(self.num_locals + pos as u32)
    }

    fn emit(&mut self, instr: Instr) -> usize {
        self.code.push(instr);
        self.code.len() - 1
    }

    fn here(&self) -> Target {
        Target(self.code.len() as u32)
    }

    fn bind_label(&mut self) {
        self.label_pos = self.code.len();
    }

    fn push(&mut self, operand: Operand) {
        self.stack.push(operand);
        self.max_height = self.max_height.max(self.stack.len());
    }

    fn ctrl(&self) -> &Ctrl {
        // The function's own frame is pushed first and `translate` stops at its `end`.
        &self.ctrls[self.ctrls.len() - 1]
    }

    fn pop(&mut self) -> Result<Operand, Error> {
        if self.stack.len() <= self.ctrl().height {
            return Err(invalid(
                self.offset,
                "type mismatch: operand stack underflow",
            ));
        }
        self.stack
            .pop()
            .ok_or_else(|| invalid(self.offset, "operand stack underflow"))
    }

    /// Checks that the top `n` operands belong to the current block.
    fn check_available(&self, n: usize) -> Result<(), Error> {
        if self.stack.len() < self.ctrl().height + n {
            return Err(invalid(
                self.offset,
                "type mismatch: operand stack underflow",
            ));
        }
        Ok(())
    }

    fn top_const(&self) -> Option<u64> {
        match self.stack.last() {
            Some(&Operand::Const(cell)) if self.stack.len() > self.ctrl().height => Some(cell),
            _ => None,
        }
    }

    /// Writes `operand` into `dst` (nothing if it is already there).
    fn write_operand(&mut self, dst: Slot, pos: usize, operand: Operand) {
        let instr = match operand {
            Operand::Temp if self.canonical(pos) == dst => return,
            Operand::Temp => Instr::Copy {
                dst,
                src: self.canonical(pos),
            },
            Operand::Local(local) if Slot(local) == dst => return,
            Operand::Local(local) => Instr::Copy {
                dst,
                src: Slot(local),
            },
            Operand::Const(value) => match u32::try_from(value) {
                Ok(value) => Instr::Const32 { dst, value },
                Err(_) => Instr::Const64 { dst, value },
            },
        };
        self.emit(instr);
    }

    /// The slot to read a popped operand (at `pos`) from; constants are written
    /// to their canonical slot first.
    fn use_operand(&mut self, pos: usize, operand: Operand) -> Slot {
        match operand {
            Operand::Local(local) => Slot(local),
            Operand::Temp => self.canonical(pos),
            Operand::Const(_) => {
                let dst = self.canonical(pos);
                self.write_operand(dst, pos, operand);
                dst
            }
        }
    }

    fn materialize(&mut self, pos: usize) {
        let operand = self.stack[pos];
        if operand != Operand::Temp {
            let dst = self.canonical(pos);
            self.write_operand(dst, pos, operand);
            self.stack[pos] = Operand::Temp;
        }
    }

    fn materialize_top(&mut self, n: usize) {
        for pos in self.stack.len() - n..self.stack.len() {
            self.materialize(pos);
        }
    }

    /// Lazy locals must not cross into code that runs conditionally or
    /// repeatedly: a `local.set` there would materialize them on one path only.
    fn materialize_locals(&mut self) {
        for pos in 0..self.stack.len() {
            if matches!(self.stack[pos], Operand::Local(_)) {
                self.materialize(pos);
            }
        }
    }

    fn binary(&mut self, make: impl FnOnce(Slot, Slot, Slot) -> Instr) -> Result<(), Error> {
        let rhs = self.pop()?;
        let lhs = self.pop()?;
        let pos = self.stack.len();
        let temps = [self.temp_slot(pos, lhs), self.temp_slot(pos + 1, rhs)];
        let rhs = self.use_operand(pos + 1, rhs);
        let lhs = self.use_operand(pos, lhs);
        self.emit_consuming(make(self.canonical(pos), lhs, rhs), temps);
        self.push(Operand::Temp);
        Ok(())
    }

    fn binary_imm(&mut self, make: impl FnOnce(Slot, Slot) -> Instr) -> Result<(), Error> {
        self.pop()?;
        let lhs = self.pop()?;
        let pos = self.stack.len();
        let temps = [self.temp_slot(pos, lhs), None];
        let lhs = self.use_operand(pos, lhs);
        self.emit_consuming(make(self.canonical(pos), lhs), temps);
        self.push(Operand::Temp);
        Ok(())
    }

    /// The slot of popped operand `operand` (at `pos`) if it is a temporary,
    /// which nothing but its consumer reads.
    fn temp_slot(&self, pos: usize, operand: Operand) -> Option<Slot> {
        (operand == Operand::Temp).then(|| self.canonical(pos))
    }

    /// Emits `instr`, which consumes the temporaries `temps`. When the last
    /// instruction computed one of them and no jump lands between the two,
    /// that value goes through the accumulator instead of its slot, or both
    /// become one instruction (`Instr::fuse_through_acc`).
    fn emit_consuming(&mut self, instr: Instr, temps: [Option<Slot>; 2]) -> usize {
        if self.code.len() > self.label_pos
            && let Some((produced, producer)) = self.code.last().and_then(Instr::with_result_in_acc)
            && temps.contains(&Some(produced))
            && let Some(consumer) = instr.reading_acc(produced)
        {
            let last = self.code.len() - 1;
            if let Some(fused) = producer.fuse_through_acc(&consumer) {
                self.code[last] = fused;
                return last;
            }
            self.code[last] = producer;
            return self.emit(consumer);
        }
        self.emit(instr)
    }

    /// Emits a branch made by `conditional_jump` (or an unconditional one):
    /// the popped condition's slot, just above the stack, is dead after it.
    fn emit_branch(&mut self, instr: Instr) -> usize {
        let instr = self.fuse_step(instr);
        let cond = self.canonical(self.stack.len());
        self.emit_consuming(instr, [Some(cond), None])
    }

    fn unary(&mut self, make: impl FnOnce(Slot, Slot) -> Instr) -> Result<(), Error> {
        let src = self.pop()?;
        let pos = self.stack.len();
        let temps = [self.temp_slot(pos, src), None];
        let src = self.use_operand(pos, src);
        self.emit_consuming(make(self.canonical(pos), src), temps);
        self.push(Operand::Temp);
        Ok(())
    }

    /// Pops `n` operands that an instruction takes in consecutive slots; returns the first.
    fn pop_consecutive(&mut self, n: usize) -> Result<Slot, Error> {
        self.check_available(n)?;
        self.materialize_top(n);
        let pos = self.stack.len() - n;
        self.stack.truncate(pos);
        Ok(self.canonical(pos))
    }

    fn mem_offset(&self, memarg: &MemArg) -> Result<u32, Error> {
        self.check_memory(memarg.memory)?;
        u32::try_from(memarg.offset)
            .map_err(|_| invalid(self.offset, "offset out of range for a 32-bit memory"))
    }

    fn block_arity(&self, ty: BlockType) -> Result<(usize, usize), Error> {
        Ok(match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(idx) => {
                let ty = self
                    .module
                    .types
                    .get(idx as usize)
                    .ok_or_else(|| invalid(self.offset, format!("unknown type {idx}")))?;
                (ty.params().len(), ty.results().len())
            }
        })
    }

    fn func_type(&self, func: u32) -> Result<&FuncType, Error> {
        self.module
            .func_type(func)
            .ok_or_else(|| invalid(self.offset, format!("unknown function {func}")))
    }

    fn push_ctrl(&mut self, kind: CtrlKind, params: usize, results: usize) {
        self.ctrls.push(Ctrl {
            kind,
            height: self.stack.len() - params,
            params,
            results,
            loop_head: self.code.len() as u32,
            patches: Vec::new(),
            else_patch: None,
            if_params: Vec::new(),
            unreachable: false,
        });
    }

    fn set_unreachable(&mut self) {
        let last = self.ctrls.len() - 1;
        self.ctrls[last].unreachable = true;
    }

    fn label(&self, depth: u32) -> Result<usize, Error> {
        let depth = depth as usize;
        if depth >= self.ctrls.len() {
            return Err(invalid(self.offset, format!("unknown label {depth}")));
        }
        Ok(self.ctrls.len() - 1 - depth)
    }

    /// Whether branching to `ctrl` needs more than a jump (copies or a return).
    fn branch_needs_moves(&self, ctrl: usize) -> bool {
        let target = &self.ctrls[ctrl];
        if target.kind == CtrlKind::Func {
            return true;
        }
        let arity = target.label_arity();
        let first = self.stack.len() - arity;
        first != target.height || self.stack[first..].iter().any(|&o| o != Operand::Temp)
    }

    /// Emits a jump to label `ctrl`, to be patched if forward.
    fn jump_to(&mut self, ctrl: usize, make: impl FnOnce(Target) -> Instr) {
        let target = &self.ctrls[ctrl];
        if target.kind == CtrlKind::Loop {
            let head = Target(target.loop_head);
            self.emit_branch(make(head));
        } else {
            let at = self.emit_branch(make(Target(u32::MAX)));
            self.ctrls[ctrl].patches.push(Patch::Instr(at));
        }
    }

    /// Moves the branch values to label `ctrl`'s slots and jumps (or returns).
    fn branch_with_moves(&mut self, ctrl: usize) {
        if self.ctrls[ctrl].kind == CtrlKind::Func {
            self.return_sequence();
            return;
        }
        let arity = self.ctrls[ctrl].label_arity();
        let height = self.ctrls[ctrl].height;
        let first = self.stack.len() - arity;
        // Sources are locals or canonical slots at or above their targets, so
        // copying in order never overwrites a source still to be read.
        for i in 0..arity {
            let dst = self.canonical(height + i);
            self.write_operand(dst, first + i, self.stack[first + i]);
        }
        if !self.rotate_loop_jump(ctrl) {
            self.jump_to(ctrl, |target| Instr::Br { target });
        }
    }

    /// `branch` (the jump back of a loop, or a forward exit) fused with the
    /// step of the variable it tests when that step is the last instruction
    /// (and no jump lands between them): `var = var + step; if var < limit
    /// goto head` or `var = var - 1; if var != 0 goto head` in one dispatch.
    fn fuse_step(&mut self, branch: Instr) -> Instr {
        if self.code.len() <= self.label_pos {
            return branch;
        }
        let last = self.code.len() - 1;
        // The second step of a pair fused with the branch costs as many
        // dispatches and fewer instructions than the pair and the branch.
        if let Some([first, second]) = self.code[last].split_step_pair()
            && let Some(fused) = second.fuse_step(&branch)
        {
            self.code[last] = first;
            return fused;
        }
        if let Some(fused) = self.code[last].fuse_step(&branch) {
            self.code.pop();
            return fused;
        }
        branch
    }

    /// A jump back to a loop whose first instruction is a conditional exit
    /// (`loop (br_if $out cond) ...`) evaluates that test itself: `if !cond
    /// goto head+1; goto out`, which saves one dispatch per iteration.
    fn rotate_loop_jump(&mut self, ctrl: usize) -> bool {
        if self.ctrls[ctrl].kind != CtrlKind::Loop {
            return false;
        }
        let head = self.ctrls[ctrl].loop_head as usize;
        let Some(mut exit) = self.code.get(head).copied() else {
            return false;
        };
        let (Some(stay), Some(&mut exit_target)) = (exit.negated_branch(), exit.target_mut())
        else {
            return false;
        };
        // An exit not yet resolved is a forward branch of an enclosing block.
        let pending = (exit_target.0 == u32::MAX).then(|| {
            self.ctrls.iter().position(|c| {
                c.patches
                    .iter()
                    .any(|p| matches!(p, Patch::Instr(at) if *at == head))
            })
        });
        if pending == Some(None) {
            return false;
        }
        let stay = self.fuse_step(Self::with_target(stay, Target(head as u32 + 1)));
        self.emit(stay);
        let at = self.emit(Instr::Br {
            target: exit_target,
        });
        if let Some(Some(owner)) = pending {
            self.ctrls[owner].patches.push(Patch::Instr(at));
        }
        true
    }

    /// Moves the function's results into its first slots and returns.
    fn return_sequence(&mut self) {
        let n = self.num_results;
        let first = self.stack.len() - n;
        if n == 1 && self.stack[first] == Operand::Temp && self.retarget_last(first, Slot(0)) {
            self.emit(Instr::Return {});
            return;
        }
        if n == 1 {
            let src = match self.stack[first] {
                Operand::Temp => Some(self.canonical(first)),
                Operand::Local(local) => Some(Slot(local)),
                Operand::Const(_) => None,
            };
            if let Some(src) = src.filter(|&src| src != Slot(0)) {
                self.emit(Instr::ReturnOne { src });
                return;
            }
        }
        // A lazy local among the first `n` slots could be overwritten by an
        // earlier result before it is read: copy such locals away first.
        for pos in first..self.stack.len() {
            if matches!(self.stack[pos], Operand::Local(local) if (local as usize) < n) {
                let dst = self.canonical(pos);
                self.write_operand(dst, pos, self.stack[pos]);
            }
        }
        for i in 0..n {
            let pos = first + i;
            let operand = match self.stack[pos] {
                Operand::Local(local) if (local as usize) < n => Operand::Temp,
                other => other,
            };
            self.write_operand(Slot(i as u32), pos, operand);
        }
        self.emit(Instr::Return {});
    }

    /// If the last instruction computed the value at `pos` (a temporary) and
    /// no jump lands after it, makes it write `dst` instead.
    fn retarget_last(&mut self, pos: usize, dst: Slot) -> bool {
        if self.code.len() <= self.label_pos {
            return false;
        }
        let canonical = self.canonical(pos);
        match self.code.last_mut().and_then(Instr::result_slot_mut) {
            Some(slot) if *slot == canonical => {
                *slot = dst;
                true
            }
            _ => false,
        }
    }

    /// Two in-place constant steps of locals in a row (`p += 8; n -= 1`, the
    /// pointer bumps of compiled loops), with no jump landing on the second,
    /// become one `I32AddImmPair`.
    fn fuse_step_pair(&mut self) {
        let n = self.code.len();
        if n < self.label_pos + 2 {
            return;
        }
        let (Some((var, step)), Some((var2, step2))) = (
            self.code[n - 2].in_place_step(),
            self.code[n - 1].in_place_step(),
        ) else {
            return;
        };
        let (Some(var), Some(var2)) = (NarrowSlot::new(var), NarrowSlot::new(var2)) else {
            return;
        };
        self.code.truncate(n - 2);
        self.emit(Instr::I32AddImmPair {
            var,
            step,
            var2,
            step2,
        });
    }

    /// `i64.mul` by a constant that does not fit the `i32` immediate of
    /// `I64MulImm`: one `I64MulConst` instead of `Const64; I64Mul`.
    fn mul_by_wide_const(&mut self) -> Result<bool, Error> {
        let Some(value) = self.top_const().filter(|&c| i64::imm_of_cell(c).is_none()) else {
            return Ok(false);
        };
        if self.check_available(2).is_err() {
            return Ok(false);
        }
        let pos = self.stack.len() - 2;
        let lhs = match self.stack[pos] {
            Operand::Local(local) => Slot(local),
            _ => self.canonical(pos),
        };
        let Some(lhs) = NarrowSlot::new(lhs) else {
            return Ok(false);
        };
        self.binary_imm(|dst, _| Instr::I64MulConst { dst, lhs, value })?;
        Ok(true)
    }

    /// Fuses `global.set` of `src` (popped from `pos`) with the constant
    /// addition that computed it, as Rust guests move their stack pointer on
    /// every call: removes the instructions it absorbs and returns the fused
    /// one, saving two dispatches per prologue and one per epilogue.
    fn fuse_global_update(&mut self, pos: usize, src: Slot, global: u32) -> Option<Instr> {
        let n = self.code.len();
        if n <= self.label_pos {
            return None;
        }
        let (dst, lhs, imm) = match *self.code.last()? {
            Instr::I32AddImm { dst, lhs, imm } => (dst, lhs, imm),
            Instr::I32SubImm { dst, lhs, imm } => (dst, lhs, imm.wrapping_neg()),
            _ => return None,
        };
        if dst != src {
            return None;
        }
        // Only the addition read the temporary above the stack.
        let temp = self.canonical(pos);
        if n - 1 > self.label_pos
            && lhs == temp
            && self.code[n - 2] == (Instr::GlobalGet { dst: temp, global })
        {
            self.code.truncate(n - 2);
            return Some(Instr::GlobalAddImm { dst, global, imm });
        }
        if dst == temp {
            self.code.pop();
            return Some(Instr::GlobalSetAddImm { global, lhs, imm });
        }
        None
    }

    /// If the last instruction computed `cond` (at the top) by an integer
    /// comparison, removes it and returns the fused compare-and-branch.
    fn take_fusable_compare(&mut self, cond_pos: usize, negate: bool) -> Option<Instr> {
        if self.code.len() <= self.label_pos {
            return None;
        }
        let mut last = *self.code.last()?;
        if last.result_slot_mut().copied() != Some(self.canonical(cond_pos)) {
            return None;
        }
        let fused = match last {
            Instr::I32Eqz { src, .. } => {
                self.code.pop();
                // `eqz` of a value computed just before: fuse that instead, negated.
                if src == self.canonical(cond_pos)
                    && let Some(fused) = self.take_fusable_compare(cond_pos, !negate)
                {
                    return Some(fused);
                }
                let target = Target(u32::MAX);
                return Some(if negate {
                    Instr::BrIfNez { cond: src, target }
                } else {
                    Instr::BrIfEqz { cond: src, target }
                });
            }
            _ => last.fuse_branch(negate, Target(u32::MAX))?,
        };
        self.code.pop();
        Some(fused)
    }

    /// Pops a branch condition and returns the conditional jump taken when it
    /// is true (`negate == false`) or false, with a placeholder target.
    fn conditional_jump(&mut self, negate: bool) -> Result<Instr, Error> {
        let cond = self.pop()?;
        let pos = self.stack.len();
        if cond == Operand::Temp
            && let Some(fused) = self.take_fusable_compare(pos, negate)
        {
            return Ok(fused);
        }
        let cond = self.use_operand(pos, cond);
        let target = Target(u32::MAX);
        Ok(if negate {
            Instr::BrIfEqz { cond, target }
        } else {
            Instr::BrIfNez { cond, target }
        })
    }

    fn with_target(mut instr: Instr, target: Target) -> Instr {
        if let Some(t) = instr.target_mut() {
            *t = target;
        }
        instr
    }

    fn patch(&mut self, patch: Patch, target: Target) {
        match patch {
            Patch::Instr(at) => {
                if let Some(t) = self.code[at].target_mut() {
                    *t = target;
                }
            }
            Patch::Table(at) => self.br_tables[at] = target.0,
        }
    }

    fn set_local(&mut self, local: u32, value: Operand) -> Result<(), Error> {
        if local >= self.num_locals {
            return Err(invalid(self.offset, format!("unknown local {local}")));
        }
        let pos = self.stack.len();
        let pending = self.stack.contains(&Operand::Local(local));
        if value == Operand::Temp && !pending && self.retarget_last(pos, Slot(local)) {
            self.fuse_step_pair();
            return Ok(());
        }
        if pending {
            for p in 0..self.stack.len() {
                if self.stack[p] == Operand::Local(local) {
                    self.materialize(p);
                }
            }
        }
        self.write_operand(Slot(local), pos, value);
        Ok(())
    }

    fn op(&mut self, op: &Operator<'_>) -> Result<(), Error> {
        if self.ctrl().unreachable {
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                    self.skip_depth += 1;
                    return Ok(());
                }
                Operator::End | Operator::Else if self.skip_depth > 0 => {
                    if matches!(op, Operator::End) {
                        self.skip_depth -= 1;
                    }
                    return Ok(());
                }
                Operator::End | Operator::Else => {}
                _ => return Ok(()),
            }
        }
        if matches!(op, Operator::I64Mul) && self.mul_by_wide_const()? {
            return Ok(());
        }
        if self.generated_op(op)? {
            return Ok(());
        }
        match *op {
            Operator::Nop => {}
            Operator::Unreachable => {
                self.emit(Instr::Unreachable {});
                self.set_unreachable();
            }
            Operator::Block { blockty } => {
                let (params, results) = self.block_arity(blockty)?;
                self.check_available(params)?;
                self.materialize_locals();
                self.push_ctrl(CtrlKind::Block, params, results);
            }
            Operator::Loop { blockty } => {
                let (params, results) = self.block_arity(blockty)?;
                self.check_available(params)?;
                self.materialize_locals();
                self.materialize_top(params);
                self.bind_label();
                self.push_ctrl(CtrlKind::Loop, params, results);
            }
            Operator::If { blockty } => {
                let (params, results) = self.block_arity(blockty)?;
                self.check_available(params + 1)?;
                let jump = self.conditional_jump(true)?;
                self.materialize_locals();
                self.materialize_top(params);
                let at = self.emit_branch(jump);
                self.push_ctrl(CtrlKind::If, params, results);
                let last = self.ctrls.len() - 1;
                self.ctrls[last].else_patch = Some(at);
                self.ctrls[last].if_params = self.stack[self.stack.len() - params..].to_vec();
            }
            Operator::Else => {
                let last = self.ctrls.len() - 1;
                if self.ctrls[last].kind != CtrlKind::If {
                    return Err(invalid(self.offset, "else without if"));
                }
                if !self.ctrls[last].unreachable {
                    self.end_values(last)?;
                    let at = self.emit(Instr::Br {
                        target: Target(u32::MAX),
                    });
                    self.ctrls[last].patches.push(Patch::Instr(at));
                }
                if let Some(at) = self.ctrls[last].else_patch.take() {
                    let here = self.here();
                    self.patch(Patch::Instr(at), here);
                }
                self.bind_label();
                let ctrl = &mut self.ctrls[last];
                ctrl.kind = CtrlKind::Else;
                ctrl.unreachable = false;
                let height = ctrl.height;
                let params = std::mem::take(&mut ctrl.if_params);
                self.stack.truncate(height);
                self.stack.extend(params);
            }
            Operator::End => self.end()?,
            Operator::Br { relative_depth } => {
                let ctrl = self.label(relative_depth)?;
                self.check_available(self.ctrls[ctrl].label_arity())?;
                self.branch_with_moves(ctrl);
                self.set_unreachable();
            }
            Operator::BrIf { relative_depth } => {
                let ctrl = self.label(relative_depth)?;
                self.check_available(self.ctrls[ctrl].label_arity() + 1)?;
                // Decide with the condition popped: the values are below it.
                let cond = self.stack.pop().unwrap_or(Operand::Temp);
                let needs_moves = self.branch_needs_moves(ctrl);
                self.stack.push(cond);
                if needs_moves {
                    let skip = self.conditional_jump(true)?;
                    let at = self.emit_branch(skip);
                    self.branch_with_moves(ctrl);
                    let here = self.here();
                    self.patch(Patch::Instr(at), here);
                    self.bind_label();
                } else {
                    let jump = self.conditional_jump(false)?;
                    self.jump_to(ctrl, |target| Self::with_target(jump, target));
                }
            }
            Operator::BrTable { ref targets } => {
                let index = self.pop()?;
                let pos = self.stack.len();
                let index = self.use_operand(pos, index);
                let mut depths = Vec::new();
                for depth in targets.targets() {
                    depths.push(depth.map_err(myrt_parser::DecodeError::from)?);
                }
                depths.push(targets.default());
                let first = self.br_tables.len();
                self.emit(Instr::BrTable {
                    index,
                    first: first as u32,
                    len: depths.len() as u32,
                });
                let mut pads = Vec::new();
                for (i, &depth) in depths.iter().enumerate() {
                    let ctrl = self.label(depth)?;
                    self.check_available(self.ctrls[ctrl].label_arity())?;
                    self.br_tables.push(u32::MAX);
                    if self.branch_needs_moves(ctrl) {
                        pads.push((first + i, ctrl));
                    } else if self.ctrls[ctrl].kind == CtrlKind::Loop {
                        self.br_tables[first + i] = self.ctrls[ctrl].loop_head;
                    } else {
                        self.ctrls[ctrl].patches.push(Patch::Table(first + i));
                    }
                }
                for (entry, ctrl) in pads {
                    self.br_tables[entry] = self.code.len() as u32;
                    self.branch_with_moves(ctrl);
                }
                self.set_unreachable();
            }
            Operator::Return => {
                self.check_available(self.num_results)?;
                self.return_sequence();
                self.set_unreachable();
            }
            Operator::Call { function_index } => {
                let ty = self.func_type(function_index)?;
                let (params, results) = (ty.params().len(), ty.results().len());
                let base = self.pop_consecutive(params)?;
                let func = function_index;
                self.emit(match func.checked_sub(self.module.num_imported_funcs) {
                    Some(defined) => Instr::CallInternal {
                        func,
                        defined,
                        base,
                    },
                    None => Instr::Call { func, base },
                });
                for _ in 0..results {
                    self.push(Operand::Temp);
                }
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let ty = self
                    .module
                    .types
                    .get(type_index as usize)
                    .ok_or_else(|| invalid(self.offset, format!("unknown type {type_index}")))?
                    .clone();
                let (params, results) = (ty.params().len(), ty.results().len());
                let index = self.pop()?;
                let index_pos = self.stack.len();
                // Read the index before the arguments' slots become the callee's frame.
                let index = self.use_operand(index_pos, index);
                let base = self.pop_consecutive(params)?;
                let site = self.indirect_sites.len() as u32;
                self.indirect_sites.push(IndirectSite {
                    table: table_index,
                    ty,
                });
                self.emit(Instr::CallIndirect { index, base, site });
                for _ in 0..results {
                    self.push(Operand::Temp);
                }
            }
            Operator::Drop => {
                self.pop()?;
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let cond = self.pop()?;
                let if_false = self.pop()?;
                let if_true = self.pop()?;
                let pos = self.stack.len();
                let dst = self.canonical(pos);
                self.write_operand(dst, pos, if_true);
                let if_false = self.use_operand(pos + 1, if_false);
                let cond = self.use_operand(pos + 2, cond);
                self.emit(Instr::Select {
                    dst,
                    cond,
                    if_false,
                });
                self.push(Operand::Temp);
            }
            Operator::LocalGet { local_index } => {
                if local_index >= self.num_locals {
                    return Err(invalid(self.offset, format!("unknown local {local_index}")));
                }
                self.push(Operand::Local(local_index));
            }
            Operator::LocalSet { local_index } => {
                let value = self.pop()?;
                self.set_local(local_index, value)?;
            }
            Operator::LocalTee { local_index } => {
                let value = self.pop()?;
                self.set_local(local_index, value)?;
                self.push(Operand::Local(local_index));
            }
            Operator::GlobalGet { global_index } => {
                let dst = self.canonical(self.stack.len());
                self.emit(Instr::GlobalGet {
                    dst,
                    global: global_index,
                });
                self.push(Operand::Temp);
            }
            Operator::GlobalSet { global_index } => {
                let value = self.pop()?;
                let pos = self.stack.len();
                let src = self.use_operand(pos, value);
                let set = self.fuse_global_update(pos, src, global_index);
                self.emit(set.unwrap_or(Instr::GlobalSet {
                    src,
                    global: global_index,
                }));
            }
            Operator::I32Const { value } => self.push(Operand::Const(value as u32 as u64)),
            Operator::I64Const { value } => self.push(Operand::Const(value as u64)),
            Operator::F32Const { value } => self.push(Operand::Const(value.bits() as u64)),
            Operator::F64Const { value } => self.push(Operand::Const(value.bits())),
            Operator::RefNull { .. } => self.push(Operand::Const(crate::store::entities::NULL_REF)),
            Operator::RefFunc { function_index } => {
                let dst = self.canonical(self.stack.len());
                self.emit(Instr::RefFunc {
                    dst,
                    func: function_index,
                });
                self.push(Operand::Temp);
            }
            Operator::MemorySize { mem } => {
                self.check_memory(mem)?;
                let dst = self.canonical(self.stack.len());
                self.emit(match mem {
                    0 => Instr::MemorySize { dst },
                    memory => Instr::MemorySizeN { dst, memory },
                });
                self.push(Operand::Temp);
            }
            Operator::MemoryGrow { mem } => {
                self.check_memory(mem)?;
                self.unary(|dst, delta| match mem {
                    0 => Instr::MemoryGrow { dst, delta },
                    memory => Instr::MemoryGrowN { dst, delta, memory },
                })?;
            }
            Operator::MemoryFill { mem } => {
                self.check_memory(mem)?;
                let args = self.pop_consecutive(3)?;
                self.emit(match mem {
                    0 => Instr::MemoryFill { args },
                    memory => Instr::MemoryFillN { args, memory },
                });
            }
            Operator::MemoryCopy { dst_mem, src_mem } => {
                self.check_memory(dst_mem)?;
                self.check_memory(src_mem)?;
                let args = self.pop_consecutive(3)?;
                self.emit(match (dst_mem, src_mem) {
                    (0, 0) => Instr::MemoryCopy { args },
                    (dst_memory, src_memory) => Instr::MemoryCopyN {
                        args,
                        dst_memory,
                        src_memory,
                    },
                });
            }
            Operator::MemoryInit { data_index, mem } => {
                self.check_memory(mem)?;
                let args = self.pop_consecutive(3)?;
                let data = data_index;
                self.emit(match mem {
                    0 => Instr::MemoryInit { args, data },
                    memory => Instr::MemoryInitN { args, data, memory },
                });
            }
            Operator::DataDrop { data_index } => {
                self.emit(Instr::DataDrop { data: data_index });
            }
            Operator::TableGet { table } => {
                self.unary(|dst, index| Instr::TableGet { dst, index, table })?
            }
            Operator::TableSet { table } => {
                let value = self.pop()?;
                let index = self.pop()?;
                let pos = self.stack.len();
                let index = self.use_operand(pos, index);
                let value = self.use_operand(pos + 1, value);
                self.emit(Instr::TableSet {
                    index,
                    value,
                    table,
                });
            }
            Operator::TableSize { table } => {
                let dst = self.canonical(self.stack.len());
                self.emit(Instr::TableSize { dst, table });
                self.push(Operand::Temp);
            }
            Operator::TableGrow { table } => {
                let args = self.pop_consecutive(2)?;
                self.emit(Instr::TableGrow { args, table });
                self.push(Operand::Temp);
            }
            Operator::TableFill { table } => {
                let args = self.pop_consecutive(3)?;
                self.emit(Instr::TableFill { args, table });
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let args = self.pop_consecutive(3)?;
                self.emit(Instr::TableCopy {
                    args,
                    dst_table,
                    src_table,
                });
            }
            Operator::TableInit { elem_index, table } => {
                let args = self.pop_consecutive(3)?;
                self.emit(Instr::TableInit {
                    args,
                    table,
                    elem: elem_index,
                });
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(Instr::ElemDrop { elem: elem_index });
            }
            ref other => {
                return Err(invalid(
                    self.offset,
                    format!("unsupported operator {other:?}"),
                ));
            }
        }
        Ok(())
    }

    /// Makes the load or store just emitted access `memory`: memory 0's rows
    /// serve every memory, those of another one run behind an `InMemory`.
    /// The access is the last instruction and nothing records a position
    /// after it, so a jump that lands on it lands on the `InMemory` now.
    fn select_memory(&mut self, memory: u32) {
        if memory != 0 {
            let access = self.code.len() - 1;
            self.code.insert(access, Instr::InMemory { memory });
        }
    }

    fn check_memory(&self, mem: u32) -> Result<(), Error> {
        if mem as usize >= self.module.memories.len() {
            return Err(invalid(self.offset, format!("unknown memory {mem}")));
        }
        Ok(())
    }

    /// Puts a block's results into its label's slots at its end (or `else`).
    fn end_values(&mut self, ctrl: usize) -> Result<(), Error> {
        let results = self.ctrls[ctrl].results;
        if self.stack.len() != self.ctrls[ctrl].height + results {
            return Err(invalid(
                self.offset,
                "type mismatch: wrong number of values at the end of a block",
            ));
        }
        self.materialize_top(results);
        Ok(())
    }

    fn end(&mut self) -> Result<(), Error> {
        let last = self.ctrls.len() - 1;
        let reachable = !self.ctrls[last].unreachable;
        if self.ctrls[last].kind == CtrlKind::Func {
            if reachable {
                if self.stack.len() != self.num_results {
                    return Err(invalid(
                        self.offset,
                        "type mismatch: wrong number of results",
                    ));
                }
                self.return_sequence();
            }
            // Branches to the function's label are returns: nothing is left to patch.
            self.ctrls.pop();
            return Ok(());
        }
        if reachable {
            self.end_values(last)?;
        }
        let Some(ctrl) = self.ctrls.pop() else {
            return Ok(());
        };
        if ctrl.kind == CtrlKind::If && ctrl.params != ctrl.results {
            return Err(invalid(
                self.offset,
                "type mismatch: if without else must not change the stack",
            ));
        }
        let here = self.here();
        let has_label = !ctrl.patches.is_empty() || ctrl.else_patch.is_some();
        if let Some(at) = ctrl.else_patch {
            self.patch(Patch::Instr(at), here);
        }
        for patch in ctrl.patches {
            self.patch(patch, here);
        }
        if has_label {
            self.bind_label();
        }
        self.stack.truncate(ctrl.height);
        for _ in 0..ctrl.results {
            self.push(Operand::Temp);
        }
        Ok(())
    }
}
