//! The engine: translates wasm function bodies into myrt's bytecode and runs it.
//!
//! Why this design:
//! - **Register-style bytecode over one value stack.** Every wasm value is a
//!   64-bit cell of one `Vec<u64>`. A frame's cells are `[locals...,
//!   temporaries...]`, and since the wasm operand stack height is known at
//!   every point of a body, each operand is a frame-relative slot fixed at
//!   translation time. Instructions name their slots (`I32Add { dst, lhs, rhs }`),
//!   so the executor never pushes or pops, `local.get` and constants cost
//!   nothing (the translator reads locals in place and folds small constants
//!   into `...Imm` variants), and `op; local.set` writes the local directly.
//! - **Calls without copies or native recursion.** A callee's frame starts at
//!   the caller's argument slots, so arguments are already in place and
//!   results land where the caller expects them. Calls push a small record on
//!   an explicit frame stack: deep recursion traps ("call stack exhausted")
//!   instead of overflowing the host stack.
//! - **One definition per instruction set.** wasm operators come from
//!   wasmparser's `Operator`; our instructions from one macro table
//!   (`bytecode.rs` + the generated rows of `numeric.rs`), which also yields
//!   the disassembler (`Display`), the translator's and executor's arms.
//! - **Threaded code with a loop fallback.** Each instruction is stored with
//!   the address of its handler (`exec::Op`); a handler ends by calling the
//!   next op's handler, which LLVM compiles to a jump in optimised builds, so
//!   every op has its own well-predicted indirect jump and the hot state
//!   (instruction pointer, frame pointer, memory 0's base and length, the
//!   accumulator) travels in argument registers. Builds with debug assertions (including
//!   unoptimised dev builds, where those calls would stay calls and overflow
//!   the stack) run the same handlers from a plain loop instead.
//! - **An accumulator between adjacent instructions.** When an instruction's
//!   result is a temporary that the very next instruction consumes (and no
//!   jump lands between them), the translator rewrites the pair so that the
//!   value travels in the accumulator, a handler argument kept in a register,
//!   instead of a frame slot: one store and one dependent load less. The
//!   forms (`I32AddToAcc`, `I32AddAccLhs`, `I32LoadAccAddr`,
//!   `I32StoreAccValue`...) are generated from the `accumulate` rows and the
//!   load/store rows of `numeric.rs`. The accumulator is never live across a
//!   branch target, call or return, so nothing saves or restores it. Some
//!   such pairs become one instruction (`Instr::fuse_through_acc`): the
//!   scaled index `base + (i << k)` of array addresses (`I32AddShl`), and
//!   `p + imm` feeding a load (`I32LoadAddImm`..., which wraps the sum at
//!   2^32 before adding the offset, as wasm does). A constant address is
//!   folded into the access with its offset (`I32LoadAt`, `I32StoreAt`...)
//!   when the sum fits in 32 bits.
//! - **Cheap calls within a module**: `CallInternal` finds the callee in the
//!   module's code table and zeroes its locals with inline stores; frames
//!   save no memory view (it only changes where memory may move, or across
//!   instances) and name their function by its code (which knows its
//!   module index), so a call makes no look-up in the store; a
//!   `call_indirect` whose table entry is a function of the running instance
//!   takes the same path after its look-up and signature check, and returns
//!   within an instance keep memory 0's view in registers;
//!   `global.get`/`global.set` reach the store's globals through pointers
//!   cached for the running instance. The stack-pointer updates of Rust
//!   guests' prologues (`global.get; i32.const; i32.sub; local.tee;
//!   global.set`) and epilogues (`local.get; i32.const; i32.add; global.set`)
//!   are one instruction each (`GlobalAddImm`, `GlobalSetAddImm`).
//! - **Lazy translation**: a body is translated (and validated, by driving the
//!   validator op by op) on its first call and shared by all instances.
//! - Fused compare-and-branch (`BrIfI32LtS`...) for loop conditions and `if`,
//!   and loop rotation: a jump back to a loop that starts with a conditional
//!   exit tests the condition itself, so a `block/loop/br_if/br` loop costs
//!   one branch per iteration; when the last instruction before the jump
//!   back steps the variable it tests (`i = i + step; if i < n goto head`),
//!   both are one op (`I32AddBrIfLtU`..., from the `step_branch` rows: its
//!   variable is a 16-bit slot so that four operands fit in 16 bytes), one
//!   dispatch less per iteration of a counted loop; a step tested against
//!   zero (`n = n - 1; br_if n`, count-down loops and forward exits) is one
//!   op too (`I32AddImmBrIfNez`/`Eqz`), and two in-place steps of locals in a
//!   row (`p += 8; n -= 1`) are one `I32AddImmPair`. A single result is returned by one
//!   `ReturnOne`, and a jump to a return is replaced by the return.
//! - **Adjacent moves in one op**: the copies and constants that remain
//!   (block and branch values, call arguments, locals set from locals) often
//!   come in runs; after translation each two adjacent ones on whose second
//!   no branch lands become one op (`Copy2`, `Const32Copy`...; slots below
//!   2^16), and the targets are renumbered; a move just before a
//!   `CallInternal` (mostly its last argument) is one op with the call. The
//!   same pass pairs adjacent `i32.load`s (the fields of a struct read in a
//!   row) and adjacent `i32.store`s of memory 0 (`I32LoadPair`,
//!   `I32StorePair`; slots and offsets below 2^16).
//! - **Checked once, then trusted**: after translating a body, `verify` checks
//!   that every slot lies in the frame and every branch in the code; that is
//!   what lets the executor read slots and fetch instructions without bounds
//!   checks (the only `unsafe` here, in `exec.rs`, next to its reasoning).
//!
//! Measured on the benches (`cargo bench -p myrt-benches`, 2-core VM, noisy;
//! see BENCHMARKS.md), after the accumulator: against wasmi 2, sha256 1.34x,
//! deflate 1.27x, matmul 1.15x, sieve 1.12x, fib 1.07x; json 0.90-0.96x,
//! regex 0.87-1.02x and coremark 0.69-0.86x over two runs under load;
//! geometric mean 1.03x. Since then the call and return handlers make no
//! calls on their fast paths (slow paths are cold handlers reached by a tail
//! call, frames are written into spare capacity): the return handlers save no
//! registers and the call handler three, for zeroing the callee's locals
//! (callgrind: fib -12%, json -3%, regex -2% instructions). Then one compare
//! for depth and frame capacity, fixed 8-cell zeroing of locals and frames
//! without the function index: fib -10%, json -5%, regex -2% instructions
//! (against wasmi: fib 1.37x, json 1.08x, regex 1.05x fewer). Then the fused
//! stack-pointer updates, returns that keep memory's view, `call_indirect`
//! on the fast path and `br_table` without a bounds check: json -3.7%,
//! regex -2.1%, fib -1.8% instructions (callgrind, per call). What is left: the
//! accumulator for compares feeding `br_if`/`if` and for unary conversions,
//! temporaries copied at block ends, and the Rust guests' call-heavy code
//! (`CallInternal` is still ~10% of json's instructions, coremark untouched).

mod bytecode;
#[cfg(test)]
mod disasm_tests;
mod exec;
mod numeric;
#[cfg(feature = "op-stats")]
pub mod op_stats;
mod translate;

use std::sync::{Arc, OnceLock};

use myrt_parser::FuncType;

use crate::module::ModuleInner;
use crate::store::entities::FuncEntity;
use crate::{Error, Store, TrapCode, call_host};

pub(crate) use bytecode::Instr;

/// A translated function body.
pub(crate) struct CompiledFunc {
    /// The code as the executor runs it: each instruction with its handler.
    pub(crate) ops: Box<[exec::Op]>,
    /// Targets of every `br_table`, each table's default last.
    pub(crate) br_tables: Box<[u32]>,
    pub(crate) indirect_sites: Box<[IndirectSite]>,
    /// The function's index in its module (the same in every instance), for
    /// backtraces: frames need not record it.
    pub(crate) func_idx: u32,
    pub(crate) num_params: u32,
    /// Parameters and declared locals.
    pub(crate) num_locals: u32,
    /// Cells the frame needs: locals, the deepest operand stack, and results.
    pub(crate) frame_size: u32,
    /// Whether a call zeroes the declared locals with one fixed run of
    /// [`ZERO_RUN`] cells from the first of them: there are 1 to `ZERO_RUN`
    /// and the frame has room for the run (the cells past the locals are
    /// temporaries, written before they are read).
    pub(crate) zero_run: bool,
}

/// The cells of `CompiledFunc::zero_run`.
pub(crate) const ZERO_RUN: u32 = 8;

/// The static part of a `call_indirect`: which table, which signature.
pub(crate) struct IndirectSite {
    pub(crate) table: u32,
    pub(crate) ty: FuncType,
}

impl std::fmt::Display for CompiledFunc {
    /// The disassembly: one instruction per line, `br_table` targets inline.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "params={} locals={} frame={}",
            self.num_params, self.num_locals, self.frame_size
        )?;
        for (ip, op) in (0..).zip(self.ops.iter()) {
            let instr = op.instr();
            write!(f, "{ip:4}: {instr}")?;
            if let Instr::BrTable { first, len, .. } = instr {
                let targets = &self.br_tables[first as usize..(first + len) as usize];
                write!(f, " targets={targets:?}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// The translated body of defined function `func_idx` of `module`,
/// translating it on first use (or eagerly, for modules that ask for it).
#[inline]
pub(crate) fn compiled(module: &ModuleInner, func_idx: u32) -> Result<&Arc<CompiledFunc>, Error> {
    let cell = func_idx
        .checked_sub(module.parsed.num_imported_funcs)
        .and_then(|defined| module.code.get(defined as usize));
    match cell.and_then(OnceLock::get) {
        Some(compiled) => Ok(compiled),
        None => translate_once(module, func_idx),
    }
}

#[cold]
#[inline(never)]
fn translate_once(module: &ModuleInner, func_idx: u32) -> Result<&Arc<CompiledFunc>, Error> {
    let defined = func_idx.checked_sub(module.parsed.num_imported_funcs);
    let Some(cell) = defined.and_then(|d| module.code.get(d as usize)) else {
        return Err(Error::Other(format!("function {func_idx} has no body")));
    };
    let compiled = Arc::new(translate::translate(module, func_idx)?);
    Ok(cell.get_or_init(|| compiled))
}

/// Calls store function `func` (wasm or host) with argument cells and writes
/// result cells. Wasm-to-wasm calls never recurse on the native stack; the
/// depth limit is the engine's `max_call_depth`, beyond which the call traps
/// with "call stack exhausted".
pub(crate) fn call<T>(
    store: &mut Store<T>,
    func: u32,
    args: &[u64],
    results: &mut [u64],
) -> Result<(), Error> {
    let Some(entity) = store.inner.funcs.get(func as usize) else {
        return Err(Error::Other(format!(
            "function {func} does not belong to this store"
        )));
    };
    let ty = entity.ty();
    if ty.params().len() != args.len() || ty.results().len() != results.len() {
        return Err(Error::Other(format!(
            "wrong number of arguments or results for a function of type {ty}"
        )));
    }
    if let FuncEntity::Host { host_index, .. } = *entity {
        return call_host(store, host_index, args, results);
    }
    // Wasm calls inside one executor never recurse natively, but a host
    // function that calls back into wasm starts a new executor on the native
    // stack: bound that nesting so that it traps instead of overflowing.
    if store.inner.nested_entries >= MAX_NESTED_ENTRIES {
        return Err(TrapCode::StackOverflow.into());
    }
    store.inner.nested_entries += 1;
    let outcome = run_executor(store, func, args, results);
    store.inner.nested_entries -= 1;
    outcome
}

/// Host-to-wasm entries that may be active at once; each costs a few KiB of
/// native stack (more in unoptimized builds), well within a 2 MiB thread stack.
const MAX_NESTED_ENTRIES: u32 = 100;

fn run_executor<T>(
    store: &mut Store<T>,
    func: u32,
    args: &[u64],
    results: &mut [u64],
) -> Result<(), Error> {
    let mut executor = exec::Executor::new(store, args);
    executor.run(func)?;
    executor.results(results);
    Ok(())
}
