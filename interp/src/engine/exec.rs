//! The executor: threaded code over the bytecode of the running function.
//!
//! Every instruction is an [`Op`]: its operands plus the address of its
//! handler. A handler does its work and dispatches the next op itself, so the
//! hot state (instruction pointer, frame pointer, the [`Machine`]) stays in
//! argument registers and every op ends in its own indirect jump, which the
//! branch predictor learns per op instead of sharing one jump in a `match`.
//! Dispatch is one of two modes of the same handlers ([`THREADED`]):
//! - in optimised builds, each handler tail-calls the next one; LLVM turns
//!   these calls into jumps, so the native stack does not grow;
//! - in builds with debug assertions (unoptimised dev builds, where the calls
//!   would not become jumps and would overflow the stack), each handler
//!   returns the next op to a plain loop in [`execute`].
//!
//! Wasm calls never recurse natively: a call pushes a [`Frame`] record and
//! switches the machine's state (code, frame base) to the callee, whose frame
//! starts at the caller's argument slots. Host calls and the end of the entry
//! function leave the handlers ([`Exit`]) and return to [`Executor::run`],
//! which is the only code that knows the store's data type. The view of the
//! running instance's memory 0 is rebuilt wherever its buffer may have moved
//! (host calls, `memory.grow`, `memory.init`) and when a call or
//! return switches instances; frames do not save it.

use std::ptr::NonNull;
use std::sync::{Arc, OnceLock};

use smallvec::SmallVec;

use super::bytecode::{Instr, Slot};
use super::numeric::{Cell, Immediate, Outcome, for_each_numeric_op, semantics};
use super::{CompiledFunc, IndirectSite, ZERO_RUN, compiled};
use crate::store::entities::{FuncEntity, GlobalEntity, NULL_REF, StoreInner, TableEntity};
use crate::{Error, FrameInfo, Store, Trap, TrapCode, call_host, grow_memory, grow_table};

/// Value-stack cells one entry into wasm may use (64 MiB); deep recursion
/// with big frames traps with "call stack exhausted" instead of eating memory.
const MAX_STACK_CELLS: usize = 8 << 20;

const PAGE_SIZE_LOG2: u32 = 16;

/// Calling this marks a path as unlikely, so that LLVM keeps the branch to
/// it (`std::hint::cold_path` needs a newer Rust than the workspace's minimum).
#[cold]
#[inline]
fn unlikely_path() {}

/// A translated function, borrowed for the whole run without reference
/// counting: it is owned by its module's `code` table (a `OnceLock` that is
/// never reset), and the module by the store's function entities, which the
/// store never removes. The executor holds the store for as long as it runs.
#[derive(Clone, Copy)]
struct FuncCode(NonNull<CompiledFunc>);

impl FuncCode {
    fn new(func: &Arc<CompiledFunc>) -> Self {
        FuncCode(NonNull::from(&**func))
    }

    fn ops(self) -> *const Op {
        self.get().ops.as_ptr()
    }

    #[inline(always)]
    fn get<'a>(self) -> &'a CompiledFunc {
        // SAFETY: see the type's comment; the pointer came from a live `Arc`.
        unsafe { self.0.as_ref() }
    }
}

/// A suspended caller.
struct Frame {
    func: FuncCode,
    /// Where the caller resumes.
    ip: *const Op,
    base: usize,
    instance: u32,
}

/// The target of a `call_indirect`: its store index, and its index among
/// the running module's defined functions when it belongs to the running
/// instance (what `Machine::call_internal` takes).
struct IndirectCallee {
    func: u32,
    defined_here: Option<u32>,
}

/// What `Machine::enter_wasm` prepared: the callee's code and its instance.
struct Entered {
    func: FuncCode,
    instance: u32,
}

/// Zeroes a callee's declared locals. Most functions declare a few, for which
/// stores in place are cheaper than a call of `memset` (which would also give
/// the call handler a stack frame): each run of up to 16 cells is covered by
/// two overlapping fixed-size writes, which LLVM does not turn back into `memset`.
#[inline(always)]
fn zero_cells(cells: &mut [u64]) {
    for chunk in cells.chunks_mut(16) {
        match chunk.len() {
            1 => chunk[0] = 0,
            2..4 => zero_both_ends::<2>(chunk),
            4..8 => zero_both_ends::<4>(chunk),
            _ => zero_both_ends::<8>(chunk),
        }
    }
}

/// Zeroes the first and the last `N` cells of `cells`, which has `N..=2 * N`.
#[inline(always)]
fn zero_both_ends<const N: usize>(cells: &mut [u64]) {
    let n = cells.len();
    cells[..N].fill(0);
    cells[n - N..].fill(0);
}

/// A memory of the running instance (the executor keeps memory 0's) as a
/// raw pointer and length, so that loads and stores cost one bounds check.
#[derive(Clone, Copy)]
struct MemoryView {
    ptr: *mut u8,
    len: usize,
}

impl MemoryView {
    /// Memory `memory` of `instance`; an empty view (every access traps)
    /// when the instance has no such memory.
    fn of(store: &mut StoreInner, instance: u32, memory: u32) -> Self {
        let memory = store
            .instances
            .get(instance as usize)
            .and_then(|i| i.memories.get(memory as usize).copied());
        match memory.and_then(|m| store.memories.get_mut(m as usize)) {
            Some(m) => MemoryView {
                ptr: m.data.as_mut_ptr(),
                len: m.data.len(),
            },
            None => MemoryView {
                ptr: NonNull::dangling().as_ptr(),
                len: 0,
            },
        }
    }

    /// The effective address of an `N`-byte access, checked in u64 so that
    /// `addr + offset` cannot wrap.
    #[inline(always)]
    fn effective<const N: usize>(&self, addr: u64, offset: u32) -> Result<usize, TrapCode> {
        let ea = (addr as u32 as u64) + offset as u64;
        if ea + N as u64 > self.len as u64 {
            Err(TrapCode::MemoryOutOfBounds)
        } else {
            Ok(ea as usize)
        }
    }

    #[inline(always)]
    fn load<const N: usize>(&self, addr: u64, offset: u32) -> Result<[u8; N], TrapCode> {
        let ea = self.effective::<N>(addr, offset)?;
        // SAFETY: `ea + N <= len` was just checked, and `ptr..ptr + len` is
        // a live buffer: the executor rebuilds memory 0's view after every
        // point where the buffer may move or be borrowed (calls, host calls,
        // `memory.grow`, `memory.init`, bulk instructions on other memories),
        // and `in_memory` makes the view of another memory just before its access.
        Ok(unsafe { self.ptr.add(ea).cast::<[u8; N]>().read_unaligned() })
    }

    #[inline(always)]
    fn store<const N: usize>(
        &self,
        addr: u64,
        offset: u32,
        bytes: [u8; N],
    ) -> Result<(), TrapCode> {
        let ea = self.effective::<N>(addr, offset)?;
        // SAFETY: as in `load`.
        unsafe { self.ptr.add(ea).cast::<[u8; N]>().write_unaligned(bytes) };
        Ok(())
    }

    /// `memory.fill` on this view: the buffer neither moves nor is borrowed
    /// elsewhere, so the handler needs no store access and no new view.
    #[inline(always)]
    fn fill(&self, dst: u64, value: u64, len: u64) -> Result<(), TrapCode> {
        let (dst, len) = (dst as u32 as u64, len as u32 as u64);
        if !in_bounds(dst, len, self.len) {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        // SAFETY: `dst..dst + len` lies in the live buffer (see `load`).
        unsafe {
            self.ptr
                .add(dst as usize)
                .write_bytes(value as u8, len as usize)
        };
        Ok(())
    }

    /// `memory.copy` on this view (see `fill`); the ranges may overlap.
    #[inline(always)]
    fn copy(&self, dst: u64, src: u64, len: u64) -> Result<(), TrapCode> {
        let (dst, src, len) = (dst as u32 as u64, src as u32 as u64, len as u32 as u64);
        if !in_bounds(dst, len, self.len) || !in_bounds(src, len, self.len) {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        // SAFETY: both ranges lie in the live buffer (see `load`);
        // `ptr::copy` allows them to overlap.
        unsafe {
            std::ptr::copy(
                self.ptr.add(src as usize),
                self.ptr.add(dst as usize),
                len as usize,
            )
        };
        Ok(())
    }
}

/// Dispatch mode of the handlers (see the module comment): tail calls where
/// the optimiser turns them into jumps, a loop where it may not.
const THREADED: bool = !cfg!(any(debug_assertions, feature = "op-stats"));

/// One executable instruction: the instruction and the handler that runs it.
#[derive(Clone, Copy)]
pub(crate) struct Op {
    run: Handler,
    instr: Instr,
}

impl Op {
    /// The only way to make an `Op`: the handler is chosen by the
    /// instruction's variant, which is what lets handlers read their operands
    /// without checking the variant.
    pub(crate) fn new(instr: Instr) -> Self {
        Op {
            run: handler_of(&instr),
            instr,
        }
    }

    pub(crate) fn instr(&self) -> Instr {
        self.instr
    }
}

/// Runs the op at `ip` on the frame at `fp` and everything after it (threaded
/// mode) or returns the next op (loop mode).
///
/// # Safety
/// `ip` points into the verified code of the machine's running function and
/// `fp` at that function's frame, which holds `frame_size` cells.
/// `mem` and `mem_len` are a copy of `m.mem`, passed along in registers;
/// `acc` is the accumulator, which an op leaves for the op after it (see
/// `Instr::with_result_in_acc`) and is meaningless anywhere else.
type Handler = unsafe fn(
    ip: *const Op,
    fp: *mut u64,
    m: &mut Machine,
    mem: *mut u8,
    mem_len: usize,
    acc: u64,
) -> Next;

/// Declares handlers with the signature of [`Handler`], each given as
/// `fn name(ip, fp, m, mem, mem_len, acc) { body }`.
macro_rules! handlers {
    ($(
        $(#[$attr:meta])*
        fn $name:ident($ip:ident, $fp:ident, $m:ident, $mem:ident, $mem_len:ident, $acc:ident) $body:block
    )*) => {
        $(
            $(#[$attr])*
            pub(super) unsafe fn $name(
                $ip: *const Op,
                $fp: *mut u64,
                $m: &mut Machine,
                $mem: *mut u8,
                $mem_len: usize,
                $acc: u64,
            ) -> Next $body
        )*
    };
}

/// The op to run next and its frame; a null `ip` means "leave, see `Machine::exit`".
#[derive(Clone, Copy)]
pub(crate) struct Next {
    ip: *const Op,
    fp: *mut u64,
}

impl Next {
    const EXIT: Next = Next {
        ip: std::ptr::null(),
        fp: std::ptr::null_mut(),
    };

    /// Continues with [`LEAVE`]: how calls and returns exit without making
    /// their handlers test for it.
    fn leave() -> Next {
        Next {
            ip: &LEAVE,
            fp: std::ptr::null_mut(),
        }
    }
}

/// The op that leaves the handlers, after `Machine::exit` was set.
static LEAVE: Op = Op {
    run: leave,
    instr: Instr::Unreachable {},
};

handlers! {
    /// The handler of [`LEAVE`]. Its result is opaque so that LLVM does not
    /// propagate the constant into the handlers that reach it: a handler whose
    /// paths all end in calls of handlers keeps them as jumps, one that returns a
    /// constant on some path does not.
    #[inline(never)]
    fn leave(_ip, _fp, _m, _mem, _mem_len, _acc) {
        std::hint::black_box(Next::EXIT)
    }
}

/// Why the handlers stopped.
enum Exit {
    /// The entry function returned; its results are at the bottom of the stack.
    Finished,
    Failed(Error),
    /// Host function `callee` is to be called with the arguments at `base`;
    /// then the caller continues at `resume`.
    CallHost {
        host_index: u32,
        callee: u32,
        base: usize,
        resume: *const Op,
    },
}

/// Runs handlers from `ip` until one exits.
fn execute(m: &mut Machine, ip: *const Op, fp: *mut u64) {
    if THREADED {
        // SAFETY: the caller passes the running function's code and frame
        // (see `Handler`); the handlers keep that invariant for the next op.
        unsafe { ((*ip).run)(ip, fp, m, m.mem.ptr, m.mem.len, 0) };
    } else {
        let mut next = Next { ip, fp };
        while !next.ip.is_null() {
            #[cfg(feature = "op-stats")]
            if !std::ptr::eq(next.ip, &LEAVE) {
                super::op_stats::record(m.func.get(), next.ip);
            }
            // SAFETY: as above; a non-null `next` comes from a handler.
            next = unsafe { ((*next.ip).run)(next.ip, next.fp, m, m.mem.ptr, m.mem.len, m.acc) };
        }
        #[cfg(feature = "op-stats")]
        super::op_stats::break_sequence();
    }
}

/// Everything the handlers share that does not fit in registers: the store
/// (without its data type), the value and frame stacks, the running function.
pub(super) struct Machine {
    /// The store's entities, set by `Executor::run` from its exclusive borrow
    /// of the store before every entry into the handlers.
    inner: *mut StoreInner,
    /// Every frame's cells: `[locals..., temporaries...]` at its base.
    stack: Vec<u64>,
    frames: Vec<Frame>,
    max_depth: usize,
    /// `frames.len()` below which `call_internal` may push a frame without
    /// growing `frames` or exceeding `max_depth`: the smaller of
    /// `frames.capacity()` and `max_depth - 1` (the running frame is not on
    /// `frames`). Updated wherever `frames` may grow.
    frames_limit: usize,
    func: FuncCode,
    /// `func`'s ops: branch targets are indices into them.
    code: *const Op,
    /// The code table of the running instance's module (see `FuncCode` for
    /// why it outlives the run), for `CallInternal`.
    module_code: *const [OnceLock<Arc<CompiledFunc>>],
    /// The running instance's globals (store indices, in its module's
    /// index space) and the store's globals, for `global.get`/`global.set`
    /// without going through the instance. Both are re-derived whenever the
    /// running instance changes and after host calls, the only code that can
    /// add instances or globals to the store while wasm runs.
    instance_globals: *const [u32],
    globals: *mut [GlobalEntity],
    base: usize,
    instance: u32,
    mem: MemoryView,
    /// The accumulator between two handlers in loop mode (threaded handlers
    /// pass it in a register).
    acc: u64,
    /// The trap `raise_trap` raises.
    pending_trap: TrapCode,
    exit: Option<Exit>,
}

impl Machine {
    fn inner(&self) -> &StoreInner {
        // SAFETY: `inner` was set from `&mut Store::inner`, which
        // `Executor::run` holds exclusively while handlers run.
        unsafe { &*self.inner }
    }

    fn inner_mut(&mut self) -> &mut StoreInner {
        // SAFETY: as in `inner`; `&mut self` makes this the only reference.
        unsafe { &mut *self.inner }
    }

    /// The running function's frame; `base + frame_size <= stack.len()` (see
    /// `enter_wasm`), and the stack never shrinks, so no check here (whose
    /// panic path would give the call and return handlers a stack frame).
    #[inline(always)]
    fn frame_ptr(&mut self) -> *mut u64 {
        debug_assert!(self.base <= self.stack.len());
        self.stack.as_mut_ptr().wrapping_add(self.base)
    }

    fn frame_info(&self, (instance, func_idx): (u32, u32)) -> Option<FrameInfo> {
        let names = &self
            .inner()
            .instances
            .get(instance as usize)?
            .module
            .inner
            .parsed
            .names;
        Some(FrameInfo {
            func_index: func_idx,
            func_name: names.funcs.get(&func_idx).cloned(),
            module_name: names.module.clone(),
        })
    }

    /// A trap with the backtrace of the running frames, innermost first.
    fn trap(&self, code: TrapCode) -> Error {
        let callers = self
            .frames
            .iter()
            .rev()
            .map(|f| (f.instance, f.func.get().func_idx));
        // `code` is null (and `func` dangling) until `Executor::run` enters
        // the first function.
        let running = (!self.code.is_null()).then(|| (self.instance, self.func.get().func_idx));
        let backtrace = running
            .into_iter()
            .chain(callers)
            .filter_map(|f| self.frame_info(f))
            .collect();
        Error::Trap(Trap { code, backtrace })
    }

    /// Leaves the handlers with a trap.
    #[cold]
    #[inline(never)]
    fn trap_exit(&mut self, code: TrapCode) -> Next {
        self.exit = Some(Exit::Failed(self.trap(code)));
        Next::leave()
    }

    /// Rebuilds the memory view of the running instance.
    fn refresh_memory(&mut self) {
        let instance = self.instance;
        self.mem = MemoryView::of(self.inner_mut(), instance, 0);
    }

    /// Prepares the frame of wasm function `callee` at `base`: translates it if
    /// needed, grows the value stack and zeroes its declared locals.
    fn enter_wasm(&mut self, callee: u32, base: usize) -> Result<Entered, Error> {
        let Some(FuncEntity::Wasm(w)) = self.inner().funcs.get(callee as usize) else {
            return Err(Error::Other(format!(
                "function {callee} is not a wasm function"
            )));
        };
        let instance = w.instance;
        let func = FuncCode::new(compiled(&w.module.inner, w.func_idx)?);
        let func_ref = func.get();
        let needed = base + func_ref.frame_size as usize;
        if needed > MAX_STACK_CELLS {
            return Err(self.trap(TrapCode::StackOverflow));
        }
        if self.stack.len() < needed {
            self.stack.resize(needed, 0);
        }
        let (params, locals) = (
            base + func_ref.num_params as usize,
            base + func_ref.num_locals as usize,
        );
        zero_cells(&mut self.stack[params.min(locals)..locals]);
        Ok(Entered { func, instance })
    }

    /// Calls store function `callee` with its arguments at slot `args` of the
    /// running frame; the caller continues at `resume`. Returns the callee's
    /// first op, or exits (host calls, errors).
    #[inline(never)]
    fn call(&mut self, callee: u32, args: Slot, resume: *const Op) -> Next {
        let new_base = self.base + args.0 as usize;
        if let Some(FuncEntity::Host { host_index, .. }) = self.inner().funcs.get(callee as usize) {
            self.exit = Some(Exit::CallHost {
                host_index: *host_index,
                callee,
                base: new_base,
                resume,
            });
            return Next::leave();
        }
        // The caller's frame is not on `frames` yet: with the callee, two more are live.
        if self.frames.len() + 2 > self.max_depth {
            return self.trap_exit(TrapCode::StackOverflow);
        }
        let entered = match self.enter_wasm(callee, new_base) {
            Ok(entered) => entered,
            Err(error) => {
                self.exit = Some(Exit::Failed(error));
                return Next::leave();
            }
        };
        self.frames.push(Frame {
            func: self.func,
            ip: resume,
            base: self.base,
            instance: self.instance,
        });
        self.frames_limit = self.frames.capacity().min(self.max_depth.saturating_sub(1));
        self.func = entered.func;
        self.code = entered.func.ops();
        self.base = new_base;
        if entered.instance != self.instance {
            self.instance = entered.instance;
            self.refresh_memory();
            self.refresh_instance();
        }
        Next {
            ip: self.code,
            fp: self.frame_ptr(),
        }
    }

    /// Points `module_code`, `instance_globals` and `globals` at the running
    /// instance's module and globals and the store's globals.
    fn refresh_instance(&mut self) {
        // SAFETY: as in `inner_mut`; the borrow ends before `self` is written.
        let inner = unsafe { &mut *self.inner };
        let instance = &inner.instances[self.instance as usize];
        self.module_code = &*instance.module.inner.code;
        self.instance_globals = &*instance.globals;
        self.globals = &mut *inner.globals;
    }

    /// The value of global `global` of the running instance, for the global
    /// handlers.
    #[inline(always)]
    fn global_value(&mut self, global: u32) -> &mut u64 {
        // SAFETY: see `instance_globals`: both point into the store, which
        // nothing has changed since they were derived; `&mut self` makes
        // this the only reference into it.
        let (map, globals) = unsafe { (&*self.instance_globals, &mut *self.globals) };
        &mut globals[map[global as usize] as usize].value
    }

    /// `call` of the function of the running instance defined there as
    /// `defined`: the common case without look-ups in the store or calls of
    /// other functions (not even a panic path), so that its handler needs no
    /// stack frame. `None` when the callee needs translation, the value stack
    /// or the frame stack growing, or the depth limit checking (see
    /// `call_internal_slow`).
    #[inline(always)]
    fn call_internal(&mut self, defined: u32, args: Slot, resume: *const Op) -> Option<Next> {
        // SAFETY: see `module_code`; `defined` names a defined function of the
        // running module (the translator emits `CallInternal` only for those,
        // from a validated body; `call_indirect` passes only functions of the
        // running instance), and the table has one cell per defined function.
        let cell = unsafe {
            let module_code = &*self.module_code;
            debug_assert!((defined as usize) < module_code.len());
            module_code.get_unchecked(defined as usize)
        };
        let callee = cell.get()?;
        let depth = self.frames.len();
        // One compare for both the depth limit and the frame stack's capacity.
        if depth >= self.frames_limit {
            return None;
        }
        let new_base = self.base + args.0 as usize;
        // No overflow: `base` is below `MAX_STACK_CELLS` and the others are u32.
        if new_base + callee.frame_size as usize > self.stack.len() {
            return None;
        }
        // SAFETY: `new_base + frame_size <= stack.len()` was just checked.
        let fp = unsafe { self.stack.as_mut_ptr().add(new_base) };
        // SAFETY: `depth < frames_limit <= frames.capacity()`: the first spare
        // element, written before the length covers it (`push` would keep
        // the growth path, a call, in the handler).
        unsafe {
            self.frames.as_mut_ptr().add(depth).write(Frame {
                func: self.func,
                ip: resume,
                base: self.base,
                instance: self.instance,
            });
            self.frames.set_len(depth + 1);
        }
        let code = FuncCode::new(callee);
        self.func = code;
        self.code = code.ops();
        self.base = new_base;
        // Last, when little else is live: fewer registers for the handler to save.
        // SAFETY: `num_params <= num_locals <= frame_size` (see `translate`),
        // and with `zero_run`, `num_params + ZERO_RUN <= frame_size`.
        unsafe {
            let params = fp.add(callee.num_params as usize);
            if callee.zero_run {
                params
                    .cast::<[u64; ZERO_RUN as usize]>()
                    .write_unaligned([0; ZERO_RUN as usize]);
            } else {
                let n = (callee.num_locals - callee.num_params) as usize;
                zero_cells(std::slice::from_raw_parts_mut(params, n));
            }
        }
        Some(Next { ip: self.code, fp })
    }

    /// Returns to a caller in the running instance: `None` when the entry
    /// function returns or the caller is in another instance (see `ret`),
    /// so that the return handlers make no calls and need no stack frame.
    #[inline(always)]
    fn ret_within_instance(&mut self) -> Option<Next> {
        if self.frames.last()?.instance != self.instance {
            return None;
        }
        let caller = self.frames.pop()?;
        self.func = caller.func;
        self.code = caller.func.ops();
        self.base = caller.base;
        Some(Next {
            ip: caller.ip,
            fp: self.frame_ptr(),
        })
    }

    /// Returns to the caller, or exits when the entry function returns.
    fn ret(&mut self) -> Next {
        let Some(caller) = self.frames.pop() else {
            self.exit = Some(Exit::Finished);
            return Next::leave();
        };
        self.func = caller.func;
        self.code = caller.func.ops();
        self.base = caller.base;
        // Within an instance, `mem` is kept up to date wherever memory may
        // move, so only a return to another instance needs a new view.
        if caller.instance != self.instance {
            self.instance = caller.instance;
            self.refresh_instance();
            self.refresh_memory();
        }
        Next {
            ip: caller.ip,
            fp: self.frame_ptr(),
        }
    }

    /// The function `call_indirect` reaches through `table[index]`.
    fn resolve_indirect(
        &self,
        site: &IndirectSite,
        index: u64,
    ) -> Result<IndirectCallee, TrapCode> {
        let inner = self.inner();
        let table = inner.instances[self.instance as usize].tables[site.table as usize];
        let elems = &inner.tables[table as usize].elems;
        let cell = *elems
            .get(index as u32 as usize)
            .ok_or(TrapCode::UninitializedElement)?;
        if cell == NULL_REF {
            return Err(TrapCode::IndirectCallToNull);
        }
        let func = (cell - 1) as u32;
        let entity = &inner.funcs[func as usize];
        if entity.ty() != &site.ty {
            return Err(TrapCode::BadSignature);
        }
        let defined_here = match entity {
            // `func_idx` is never an imported function's.
            FuncEntity::Wasm(w) if w.instance == self.instance => {
                Some(w.func_idx - w.module.inner.parsed.num_imported_funcs)
            }
            _ => None,
        };
        Ok(IndirectCallee { func, defined_here })
    }

    fn memory_index(&self, instance: u32, memory: u32) -> Result<usize, TrapCode> {
        let memories = &self.inner().instances[instance as usize].memories;
        memories
            .get(memory as usize)
            .map(|&m| m as usize)
            .ok_or(TrapCode::MemoryOutOfBounds)
    }

    /// The view of memory `memory` (not 0) of the running instance, for one access.
    fn memory_view(&mut self, memory: u32) -> MemoryView {
        let instance = self.instance;
        MemoryView::of(self.inner_mut(), instance, memory)
    }

    fn memory_size(&self, instance: u32, memory: u32) -> u64 {
        self.memory_index(instance, memory).map_or(0, |m| {
            (self.inner().memories[m].data.len() >> PAGE_SIZE_LOG2) as u64
        })
    }

    fn memory_grow(&mut self, instance: u32, memory: u32, delta: u64) -> u64 {
        let Ok(m) = self.memory_index(instance, memory) else {
            return u32::MAX as u64;
        };
        match grow_memory(&mut self.inner_mut().memories[m], delta as u32 as u64) {
            Some(old) => old as u32 as u64,
            None => u32::MAX as u64,
        }
    }

    fn memory_fill(
        &mut self,
        (instance, memory): (u32, u32),
        dst: u64,
        value: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let m = self.memory_index(instance, memory)?;
        let data = &mut self.inner_mut().memories[m].data;
        let (dst, len) = (dst as u32 as u64, len as u32 as u64);
        if !in_bounds(dst, len, data.len()) {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        data[dst as usize..(dst + len) as usize].fill(value as u8);
        Ok(())
    }

    /// `memory.copy` from memory `memories.1` to `memories.0` of `instance`,
    /// which may be one store memory (then ranges may overlap, as in `memmove`).
    fn memory_copy(
        &mut self,
        instance: u32,
        memories: (u32, u32),
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let dst_m = self.memory_index(instance, memories.0)?;
        let src_m = self.memory_index(instance, memories.1)?;
        let (dst, src, len) = (dst as u32 as u64, src as u32 as u64, len as u32 as u64);
        let store_memories = &mut self.inner_mut().memories;
        if !in_bounds(dst, len, store_memories[dst_m].data.len())
            || !in_bounds(src, len, store_memories[src_m].data.len())
        {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        let (dst, src, len) = (dst as usize, src as usize, len as usize);
        if dst_m == src_m {
            store_memories[dst_m].data.copy_within(src..src + len, dst);
        } else {
            let [to, from] = store_memories
                .get_disjoint_mut([dst_m, src_m])
                .map_err(|_| TrapCode::MemoryOutOfBounds)?;
            to.data[dst..dst + len].copy_from_slice(&from.data[src..src + len]);
        }
        Ok(())
    }

    fn memory_init(
        &mut self,
        (instance, memory): (u32, u32),
        data_idx: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let m = self.memory_index(instance, memory)?;
        let inner = self.inner_mut();
        let inst = &inner.instances[instance as usize];
        let parsed = &inst.module.inner.parsed;
        let bytes = match parsed.datas.get(data_idx as usize) {
            Some(seg)
                if inst
                    .datas_alive
                    .get(data_idx as usize)
                    .copied()
                    .unwrap_or(false) =>
            {
                parsed.data_bytes(seg)
            }
            _ => &[],
        };
        let data = &mut inner.memories[m].data;
        let (dst, src, len) = (dst as u32 as u64, src as u32 as u64, len as u32 as u64);
        if !in_bounds(dst, len, data.len()) || !in_bounds(src, len, bytes.len()) {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        data[dst as usize..(dst + len) as usize]
            .copy_from_slice(&bytes[src as usize..(src + len) as usize]);
        Ok(())
    }

    fn table_index(&self, instance: u32, table: u32) -> usize {
        self.inner().instances[instance as usize].tables[table as usize] as usize
    }

    fn table_fill(
        &mut self,
        instance: u32,
        table: u32,
        index: u64,
        value: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let t = self.table_index(instance, table);
        let elems = &mut self.inner_mut().tables[t].elems;
        let (index, len) = (index as u32 as u64, len as u32 as u64);
        if !in_bounds(index, len, elems.len()) {
            return Err(TrapCode::TableOutOfBounds);
        }
        elems[index as usize..(index + len) as usize].fill(value);
        Ok(())
    }

    fn table_copy(
        &mut self,
        instance: u32,
        tables: (u32, u32),
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let (dt, st) = (
            self.table_index(instance, tables.0),
            self.table_index(instance, tables.1),
        );
        let all = &mut self.inner_mut().tables;
        let (dst, src, len) = (dst as u32 as u64, src as u32 as u64, len as u32 as u64);
        if !in_bounds(dst, len, all[dt].elems.len()) || !in_bounds(src, len, all[st].elems.len()) {
            return Err(TrapCode::TableOutOfBounds);
        }
        copy_elems(all, (dt, dst as usize), (st, src as usize), len as usize);
        Ok(())
    }

    fn table_init(
        &mut self,
        instance: u32,
        table: u32,
        elem: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let t = self.table_index(instance, table);
        let inner = self.inner_mut();
        let segment = inner.instances[instance as usize]
            .elems
            .get(elem as usize)
            .map_or(&[][..], |s| &s[..]);
        let elems = &mut inner.tables[t].elems;
        let (dst, src, len) = (dst as u32 as u64, src as u32 as u64, len as u32 as u64);
        if !in_bounds(dst, len, elems.len()) || !in_bounds(src, len, segment.len()) {
            return Err(TrapCode::TableOutOfBounds);
        }
        elems[dst as usize..(dst + len) as usize]
            .copy_from_slice(&segment[src as usize..(src + len) as usize]);
        Ok(())
    }
}
/// `I32AddShl`'s `lhs + (rhs << shift)` on the cells of two i32 operands.
#[inline(always)]
fn add_shl(lhs: u64, rhs: u64, shift: u8) -> i32 {
    semantics::I32Add(
        i32::from_cell(lhs),
        semantics::I32Shl(i32::from_cell(rhs), shift.into()),
    )
}

/// The address `addr + imm` (wrapping, as the `i32.add` it comes from) of
/// the `...AddImm` loads, before their offset is added (without wrapping).
#[inline(always)]
fn add_imm(addr: u64, imm: i32) -> u64 {
    semantics::I32Add(i32::from_cell(addr), imm).into_cell()
}

/// Checks `start + len <= limit` without overflow.
fn in_bounds(start: u64, len: u64, limit: usize) -> bool {
    start
        .checked_add(len)
        .is_some_and(|end| end <= limit as u64)
}

/// Copies `len` elements from `(table, index)` `src` to `dst`, which may be
/// the same table (then ranges may overlap, as in `memmove`).
fn copy_elems(tables: &mut [TableEntity], dst: (usize, usize), src: (usize, usize), len: usize) {
    if dst.0 == src.0 {
        tables[dst.0].elems.copy_within(src.1..src.1 + len, dst.1);
        return;
    }
    let (to, from) = if dst.0 < src.0 {
        let (lo, hi) = tables.split_at_mut(src.0);
        (&mut lo[dst.0], &hi[0])
    } else {
        let (lo, hi) = tables.split_at_mut(dst.0);
        (&mut hi[0], &lo[src.0])
    };
    to.elems[dst.1..dst.1 + len].copy_from_slice(&from.elems[src.1..src.1 + len]);
}

/// Runs wasm code of a store: the part of the executor that knows the
/// store's data type (host calls), around the [`Machine`].
pub(super) struct Executor<'s, T> {
    store: &'s mut Store<T>,
    m: Machine,
}

impl<'s, T> Executor<'s, T> {
    pub(super) fn new(store: &'s mut Store<T>, args: &[u64]) -> Self {
        let max_depth = store.engine().config().max_call_depth;
        let mut stack = Vec::with_capacity(1024.max(args.len()));
        stack.extend_from_slice(args);
        let inner: *mut StoreInner = &mut store.inner;
        Executor {
            store,
            m: Machine {
                inner,
                stack,
                frames: Vec::new(),
                max_depth,
                frames_limit: 0,
                // Replaced by `run` before any handler runs.
                func: FuncCode(NonNull::dangling()),
                code: std::ptr::null(),
                module_code: &[],
                instance_globals: &[],
                globals: &mut [],
                base: 0,
                instance: 0,
                mem: MemoryView {
                    ptr: NonNull::dangling().as_ptr(),
                    len: 0,
                },
                acc: 0,
                pending_trap: TrapCode::Unreachable,
                exit: None,
            },
        }
    }

    pub(super) fn results(&self, results: &mut [u64]) {
        results.copy_from_slice(&self.m.stack[..results.len()]);
    }

    /// Runs wasm function `entry` with its arguments at the bottom of the stack;
    /// its results end up there.
    pub(super) fn run(&mut self, entry: u32) -> Result<(), Error> {
        self.m.inner = &mut self.store.inner;
        let entered = self.m.enter_wasm(entry, 0)?;
        self.m.func = entered.func;
        self.m.code = entered.func.ops();
        self.m.instance = entered.instance;
        self.m.refresh_memory();
        self.m.refresh_instance();
        let mut ip = self.m.code;
        loop {
            // Re-derived from the store on every entry: a host call had it borrowed.
            self.m.inner = &mut self.store.inner;
            let fp = self.m.frame_ptr();
            execute(&mut self.m, ip, fp);
            match self.m.exit.take() {
                Some(Exit::Finished) => return Ok(()),
                Some(Exit::Failed(error)) => return Err(error),
                Some(Exit::CallHost {
                    host_index,
                    callee,
                    base,
                    resume,
                }) => {
                    self.call_host_at(host_index, callee, base)?;
                    self.m.inner = &mut self.store.inner;
                    self.m.refresh_memory();
                    self.m.refresh_instance();
                    ip = resume;
                }
                None => return Err(Error::Other("internal error: executor stopped".into())),
            }
        }
    }

    /// Calls host function `callee` for the running code with the arguments
    /// at `base`; its results replace them.
    fn call_host_at(&mut self, host_index: u32, callee: u32, base: usize) -> Result<(), Error> {
        let ty = self.store.inner.funcs[callee as usize].ty();
        let (params, results) = (ty.params().len(), ty.results().len());
        let stack = &mut self.m.stack;
        let args: SmallVec<[u64; 8]> = SmallVec::from_slice(&stack[base..base + params]);
        if stack.len() < base + results {
            stack.resize(base + results, 0);
        }
        let mut out: SmallVec<[u64; 8]> = SmallVec::from_elem(0, results);
        // Lets the host's `Caller` see the calling instance's exports.
        self.store.calling_instance = Some(self.m.instance);
        call_host(self.store, host_index, &args, &mut out)?;
        self.m.stack[base..base + results].copy_from_slice(&out);
        Ok(())
    }
}

// The handlers. SAFETY (for every `unsafe` in the macros and handlers below):
// a handler runs only as the `run` of an `Op` made by `Op::new`, so `ip`
// points at an op of the instruction variant the handler is for; translation
// verified that every slot of the running function, including the consecutive
// operands of bulk instructions, is below its `frame_size`, that every branch
// target (and `br_table` entry) is inside its code, and that the code ends
// with an instruction that does not fall through, so `ip + 1` after an op that
// falls through is an op of the same code. `enter_wasm` and `call_internal`
// made the value stack at least `base + frame_size` long and it never shrinks;
// `fp` is re-derived after everything that can reallocate it (calls, returns,
// host calls). `mem`/`mem_len` equal `m.mem`, which is rebuilt wherever the
// buffer may move; handlers that rebuild it pass on the new one.

/// Binds the operands of the op at `ip`, an instruction of variant `$variant`.
macro_rules! operands {
    ($ip:ident, $variant:ident { $($field:ident),* $(; $rest:tt)? }) => {
        let Instr::$variant { $($field),* $(, $rest)? } = (unsafe { &*$ip }).instr else {
            unsafe { std::hint::unreachable_unchecked() }
        };
    };
}
macro_rules! get_at {
    ($fp:ident, $slot:expr, $extra:expr) => {
        unsafe { *$fp.add($slot.0 as usize + $extra) }
    };
}
macro_rules! get {
    ($fp:ident, $slot:expr) => {
        get_at!($fp, $slot, 0)
    };
}
macro_rules! set {
    ($fp:ident, $slot:expr, $value:expr) => {{
        let value = $value;
        unsafe { *$fp.add($slot.0 as usize) = value };
    }};
}
/// Runs the op at `$ip` (threaded mode) or hands it to the loop.
macro_rules! next {
    ($ip:expr, $fp:expr, $m:ident, $mem:expr, $mem_len:expr, $acc:expr) => {{
        let ip: *const Op = $ip;
        let fp: *mut u64 = $fp;
        let acc: u64 = $acc;
        if THREADED {
            return unsafe { ((*ip).run)(ip, fp, $m, $mem, $mem_len, acc) };
        }
        $m.acc = acc;
        return Next { ip, fp };
    }};
}
/// Continues with the op after `$ip`.
macro_rules! advance {
    ($ip:ident, $fp:ident, $m:ident, $mem:ident, $mem_len:ident, $acc:expr) => {
        next!(unsafe { $ip.add(1) }, $fp, $m, $mem, $mem_len, $acc)
    };
}
/// Continues at branch target `$target` of the running function.
macro_rules! jump {
    ($target:expr, $fp:ident, $m:ident, $mem:ident, $mem_len:ident, $acc:ident) => {{
        unlikely_path();
        next!(
            unsafe { $m.code.add($target.0 as usize) },
            $fp,
            $m,
            $mem,
            $mem_len,
            $acc
        )
    }};
}
/// Continues with `$next`, from a call or return (which may switch memories;
/// no value is left in the accumulator there).
macro_rules! resume {
    ($next:expr, $m:ident) => {{
        let next: Next = $next;
        next!(next.ip, next.fp, $m, $m.mem.ptr, $m.mem.len, 0)
    }};
}
/// `resume!` from a call or return that stays in the running instance,
/// where memory 0's view cannot have changed: the caller's view, still in
/// registers, is passed on instead of being reloaded from the machine.
/// (Not in `call_internal`, whose handler then saves two more registers.)
macro_rules! resume_in_instance {
    ($next:expr, $m:ident, $mem:ident, $mem_len:ident) => {{
        let next: Next = $next;
        next!(next.ip, next.fp, $m, $mem, $mem_len, 0)
    }};
}
/// The value of `$result`, or leaves with its trap. The trap is raised by a
/// tail call, like the dispatch: a handler whose only calls are tail calls
/// needs no stack frame, and then LLVM reliably turns them into jumps.
macro_rules! trap_on_err {
    ($result:expr, $ip:ident, $fp:ident, $m:ident) => {
        match $result {
            Ok(value) => value,
            Err(code) => {
                $m.pending_trap = code;
                return unsafe { raise_trap($ip, $fp, $m, std::ptr::null_mut(), 0, 0) };
            }
        }
    };
}

macro_rules! define_handlers {
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
        /// The handler of every instruction, named after its variant.
        #[allow(non_snake_case)]
        mod handlers {
            use super::*;

            /// Runs load or store `access` (any operand form) on `view`, taking
            /// and giving the accumulator: the access after an `InMemory`.
            ///
            /// # Safety
            /// As for a handler of `access`, whose slots are in `fp`'s frame.
            #[inline(always)]
            unsafe fn access_memory(access: Instr, fp: *mut u64, view: MemoryView, acc: u64) -> Result<u64, TrapCode> {
                match access {
                    $(
                        Instr::$lname { dst, addr, offset } => {
                            set!(fp, dst, (<$lmem>::from_le_bytes(view.load(get!(fp, addr), offset)?) as $lval).into_cell());
                            Ok(acc)
                        }
                        Instr::$ltoacc { addr, offset } => {
                            Ok((<$lmem>::from_le_bytes(view.load(get!(fp, addr), offset)?) as $lval).into_cell())
                        }
                        Instr::$laccaddr { dst, offset } => {
                            set!(fp, dst, (<$lmem>::from_le_bytes(view.load(acc, offset)?) as $lval).into_cell());
                            Ok(acc)
                        }
                        Instr::$laccaddrtoacc { offset } => {
                            Ok((<$lmem>::from_le_bytes(view.load(acc, offset)?) as $lval).into_cell())
                        }
                        Instr::$laddimm { dst, addr, imm, offset } => {
                            set!(fp, dst, (<$lmem>::from_le_bytes(view.load(add_imm(get!(fp, addr), imm), offset)?) as $lval).into_cell());
                            Ok(acc)
                        }
                        Instr::$laddimmtoacc { addr, imm, offset } => {
                            Ok((<$lmem>::from_le_bytes(view.load(add_imm(get!(fp, addr), imm), offset)?) as $lval).into_cell())
                        }
                        Instr::$lat { dst, addr } => {
                            set!(fp, dst, (<$lmem>::from_le_bytes(view.load(addr.into(), 0)?) as $lval).into_cell());
                            Ok(acc)
                        }
                        Instr::$lattoacc { addr } => {
                            Ok((<$lmem>::from_le_bytes(view.load(addr.into(), 0)?) as $lval).into_cell())
                        }
                    )*
                    $(
                        Instr::$sname { addr, value, offset } => {
                            let value = <$sval as Cell>::from_cell(get!(fp, value)) as $smem;
                            view.store(get!(fp, addr), offset, value.to_le_bytes())?;
                            Ok(acc)
                        }
                        Instr::$simm { addr, value, offset } => {
                            let value = <$sval as Immediate>::from_imm(value) as $smem;
                            view.store(get!(fp, addr), offset, value.to_le_bytes())?;
                            Ok(acc)
                        }
                        Instr::$saccvalue { addr, offset } => {
                            let value = <$sval as Cell>::from_cell(acc) as $smem;
                            view.store(get!(fp, addr), offset, value.to_le_bytes())?;
                            Ok(acc)
                        }
                        Instr::$sat { value, addr } => {
                            let value = <$sval as Cell>::from_cell(get!(fp, value)) as $smem;
                            view.store(addr.into(), 0, value.to_le_bytes())?;
                            Ok(acc)
                        }
                        Instr::$sataccvalue { addr } => {
                            let value = <$sval as Cell>::from_cell(acc) as $smem;
                            view.store(addr.into(), 0, value.to_le_bytes())?;
                            Ok(acc)
                        }
                    )*
                    // SAFETY: `verify` checked that an `InMemory` is followed by
                    // a load or store (`Instr::is_memory_access`).
                    _ => unsafe { std::hint::unreachable_unchecked() },
                }
            }

            handlers! {

            /// Runs the access after it on memory `memory` and continues after both.
            fn in_memory(ip, fp, m, mem, mem_len, acc) {
                operands!(ip, InMemory { memory });
                let view = m.memory_view(memory);
                // SAFETY: `verify` checked that an access follows (see `access_memory`).
                let access = unsafe { (*ip.add(1)).instr };
                let acc = trap_on_err!(unsafe { access_memory(access, fp, view, acc) }, ip, fp, m);
                next!(unsafe { ip.add(2) }, fp, m, mem, mem_len, acc)
            }

            $(
                fn $bname(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $bname { dst, lhs, rhs });
                    let result = semantics::$bname(<$at>::from_cell(get!(fp, lhs)), <$bt>::from_cell(get!(fp, rhs)));
                    set!(fp, dst, trap_on_err!(result.into_outcome(), ip, fp, m).into_cell());
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                $(
                    fn $bimm(ip, fp, m, mem, mem_len, acc) {
                        operands!(ip, $bimm { dst, lhs, imm });
                        let result = semantics::$bname(<$at>::from_cell(get!(fp, lhs)), <$bt as Immediate>::from_imm(imm));
                        set!(fp, dst, trap_on_err!(result.into_outcome(), ip, fp, m).into_cell());
                        advance!(ip, fp, m, mem, mem_len, acc)
                    }
                )?
            )*
            $(
                fn $uname(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $uname { dst, src });
                    let result = semantics::$uname(<$xt>::from_cell(get!(fp, src)));
                    set!(fp, dst, trap_on_err!(result.into_outcome(), ip, fp, m).into_cell());
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
            )*
            $(
                fn $lname(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $lname { dst, addr, offset });
                    let bytes = trap_on_err!(MemoryView { ptr: mem, len: mem_len }.load(get!(fp, addr), offset), ip, fp, m);
                    set!(fp, dst, (<$lmem>::from_le_bytes(bytes) as $lval).into_cell());
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $ltoacc(ip, fp, m, mem, mem_len, _acc) {
                    operands!(ip, $ltoacc { addr, offset });
                    let bytes = trap_on_err!(MemoryView { ptr: mem, len: mem_len }.load(get!(fp, addr), offset), ip, fp, m);
                    advance!(ip, fp, m, mem, mem_len, (<$lmem>::from_le_bytes(bytes) as $lval).into_cell())
                }
                fn $laccaddr(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $laccaddr { dst, offset });
                    let bytes = trap_on_err!(MemoryView { ptr: mem, len: mem_len }.load(acc, offset), ip, fp, m);
                    set!(fp, dst, (<$lmem>::from_le_bytes(bytes) as $lval).into_cell());
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $laccaddrtoacc(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $laccaddrtoacc { offset });
                    let bytes = trap_on_err!(MemoryView { ptr: mem, len: mem_len }.load(acc, offset), ip, fp, m);
                    advance!(ip, fp, m, mem, mem_len, (<$lmem>::from_le_bytes(bytes) as $lval).into_cell())
                }
                fn $laddimm(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $laddimm { dst, addr, imm, offset });
                    let bytes = trap_on_err!(MemoryView { ptr: mem, len: mem_len }.load(add_imm(get!(fp, addr), imm), offset), ip, fp, m);
                    set!(fp, dst, (<$lmem>::from_le_bytes(bytes) as $lval).into_cell());
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $laddimmtoacc(ip, fp, m, mem, mem_len, _acc) {
                    operands!(ip, $laddimmtoacc { addr, imm, offset });
                    let bytes = trap_on_err!(MemoryView { ptr: mem, len: mem_len }.load(add_imm(get!(fp, addr), imm), offset), ip, fp, m);
                    advance!(ip, fp, m, mem, mem_len, (<$lmem>::from_le_bytes(bytes) as $lval).into_cell())
                }
                fn $lat(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $lat { dst, addr });
                    let bytes = trap_on_err!(MemoryView { ptr: mem, len: mem_len }.load(addr.into(), 0), ip, fp, m);
                    set!(fp, dst, (<$lmem>::from_le_bytes(bytes) as $lval).into_cell());
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $lattoacc(ip, fp, m, mem, mem_len, _acc) {
                    operands!(ip, $lattoacc { addr });
                    let bytes = trap_on_err!(MemoryView { ptr: mem, len: mem_len }.load(addr.into(), 0), ip, fp, m);
                    advance!(ip, fp, m, mem, mem_len, (<$lmem>::from_le_bytes(bytes) as $lval).into_cell())
                }
            )*
            $(
                fn $sname(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $sname { addr, value, offset });
                    let value = <$sval as Cell>::from_cell(get!(fp, value)) as $smem;
                    trap_on_err!(MemoryView { ptr: mem, len: mem_len }.store(get!(fp, addr), offset, value.to_le_bytes()), ip, fp, m);
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $simm(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $simm { addr, value, offset });
                    let value = <$sval as Immediate>::from_imm(value) as $smem;
                    trap_on_err!(MemoryView { ptr: mem, len: mem_len }.store(get!(fp, addr), offset, value.to_le_bytes()), ip, fp, m);
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $saccvalue(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $saccvalue { addr, offset });
                    let value = <$sval as Cell>::from_cell(acc) as $smem;
                    trap_on_err!(MemoryView { ptr: mem, len: mem_len }.store(get!(fp, addr), offset, value.to_le_bytes()), ip, fp, m);
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $sat(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $sat { value, addr });
                    let value = <$sval as Cell>::from_cell(get!(fp, value)) as $smem;
                    trap_on_err!(MemoryView { ptr: mem, len: mem_len }.store(addr.into(), 0, value.to_le_bytes()), ip, fp, m);
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $sataccvalue(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $sataccvalue { addr });
                    let value = <$sval as Cell>::from_cell(acc) as $smem;
                    trap_on_err!(MemoryView { ptr: mem, len: mem_len }.store(addr.into(), 0, value.to_le_bytes()), ip, fp, m);
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
            )*
            $(
                fn $brname(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $brname { lhs, rhs, target });
                    if semantics::$cmp(Cell::from_cell(get!(fp, lhs)), Cell::from_cell(get!(fp, rhs))) != 0 {
                        jump!(target, fp, m, mem, mem_len, acc);
                    }
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $brimm(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $brimm { lhs, imm, target });
                    if semantics::$cmp(Cell::from_cell(get!(fp, lhs)), Immediate::from_imm(imm)) != 0 {
                        jump!(target, fp, m, mem, mem_len, acc);
                    }
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
            )*
            $(
                fn $btname(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $btname { lhs, rhs, target });
                    if semantics::$top(Cell::from_cell(get!(fp, lhs)), Cell::from_cell(get!(fp, rhs))) != 0 {
                        jump!(target, fp, m, mem, mem_len, acc);
                    }
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $btimm(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $btimm { lhs, imm, target });
                    if semantics::$top(Cell::from_cell(get!(fp, lhs)), Immediate::from_imm(imm)) != 0 {
                        jump!(target, fp, m, mem, mem_len, acc);
                    }
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $btzero(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $btzero { lhs, rhs, target });
                    if semantics::$top(Cell::from_cell(get!(fp, lhs)), Cell::from_cell(get!(fp, rhs))) == 0 {
                        jump!(target, fp, m, mem, mem_len, acc);
                    }
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $btzeroimm(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $btzeroimm { lhs, imm, target });
                    if semantics::$top(Cell::from_cell(get!(fp, lhs)), Immediate::from_imm(imm)) == 0 {
                        jump!(target, fp, m, mem, mem_len, acc);
                    }
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
            )*
            $(
                fn $toacc(ip, fp, m, mem, mem_len, _acc) {
                    operands!(ip, $toacc { lhs, rhs });
                    let acc = semantics::$aname(Cell::from_cell(get!(fp, lhs)), Cell::from_cell(get!(fp, rhs)));
                    advance!(ip, fp, m, mem, mem_len, acc.into_cell())
                }
                fn $immtoacc(ip, fp, m, mem, mem_len, _acc) {
                    operands!(ip, $immtoacc { lhs, imm });
                    let acc = semantics::$aname(Cell::from_cell(get!(fp, lhs)), Immediate::from_imm(imm));
                    advance!(ip, fp, m, mem, mem_len, acc.into_cell())
                }
                fn $accrhs(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $accrhs { dst, lhs });
                    set!(fp, dst, semantics::$aname(Cell::from_cell(get!(fp, lhs)), Cell::from_cell(acc)).into_cell());
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $acclhs(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $acclhs { dst, rhs });
                    set!(fp, dst, semantics::$aname(Cell::from_cell(acc), Cell::from_cell(get!(fp, rhs))).into_cell());
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $accimm(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $accimm { dst, imm });
                    set!(fp, dst, semantics::$aname(Cell::from_cell(acc), Immediate::from_imm(imm)).into_cell());
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $accrhstoacc(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $accrhstoacc { lhs });
                    let acc = semantics::$aname(Cell::from_cell(get!(fp, lhs)), Cell::from_cell(acc));
                    advance!(ip, fp, m, mem, mem_len, acc.into_cell())
                }
                fn $acclhstoacc(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $acclhstoacc { rhs });
                    let acc = semantics::$aname(Cell::from_cell(acc), Cell::from_cell(get!(fp, rhs)));
                    advance!(ip, fp, m, mem, mem_len, acc.into_cell())
                }
                fn $accimmtoacc(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $accimmtoacc { imm });
                    let acc = semantics::$aname(Cell::from_cell(acc), Immediate::from_imm(imm));
                    advance!(ip, fp, m, mem, mem_len, acc.into_cell())
                }
            )*
            $(
                fn $sbname(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $sbname { var, step, limit, target });
                    let value = semantics::$sbadd(Cell::from_cell(get!(fp, var)), Cell::from_cell(get!(fp, step)));
                    set!(fp, var, value.into_cell());
                    if semantics::$sbcmp(value, Cell::from_cell(get!(fp, limit))) != 0 {
                        jump!(target, fp, m, mem, mem_len, acc);
                    }
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
                fn $sbimm(ip, fp, m, mem, mem_len, acc) {
                    operands!(ip, $sbimm { var, step, limit, target });
                    let value = semantics::$sbadd(Cell::from_cell(get!(fp, var)), Immediate::from_imm(step));
                    set!(fp, var, value.into_cell());
                    if semantics::$sbcmp(value, Cell::from_cell(get!(fp, limit))) != 0 {
                        jump!(target, fp, m, mem, mem_len, acc);
                    }
                    advance!(ip, fp, m, mem, mem_len, acc)
                }
            )*
            }
        }

        /// The handler for `instr`'s variant.
        fn handler_of(instr: &Instr) -> Handler {
            use control as c;
            match instr {
                Instr::Copy { .. } => c::copy,
                Instr::Const32 { .. } => c::const32,
                Instr::Const64 { .. } => c::const64,
                Instr::Select { .. } => c::select,
                Instr::Unreachable {} => c::unreachable,
                Instr::Br { .. } => c::br,
                Instr::BrIfNez { .. } => c::br_if_nez,
                Instr::BrIfEqz { .. } => c::br_if_eqz,
                Instr::BrIfNezAcc { .. } => c::br_if_nez_acc,
                Instr::BrIfEqzAcc { .. } => c::br_if_eqz_acc,
                Instr::BrTable { .. } => c::br_table,
                Instr::Return {} => c::ret,
                Instr::ReturnOne { .. } => c::return_one,
                Instr::Call { .. } => c::call,
                Instr::CallInternal { .. } => c::call_internal,
                Instr::CallIndirect { .. } => c::call_indirect,
                Instr::GlobalGet { .. } => c::global_get,
                Instr::GlobalSet { .. } => c::global_set,
                Instr::GlobalAddImm { .. } => c::global_add_imm,
                Instr::GlobalSetAddImm { .. } => c::global_set_add_imm,
                Instr::I32AddImmBrIfNez { .. } => c::i32_add_imm_br_if_nez,
                Instr::I32AddImmBrIfEqz { .. } => c::i32_add_imm_br_if_eqz,
                Instr::I32AddImmPair { .. } => c::i32_add_imm_pair,
                Instr::I64MulConst { .. } => c::i64_mul_const,
                Instr::I32AddShl { .. } => c::i32_add_shl,
                Instr::I32AddShlToAcc { .. } => c::i32_add_shl_to_acc,
                Instr::MemorySize { .. } => c::memory_size,
                Instr::MemoryGrow { .. } => c::memory_grow,
                Instr::MemoryFill { .. } => c::memory_fill,
                Instr::MemoryCopy { .. } => c::memory_copy,
                Instr::MemoryInit { .. } => c::memory_init,
                Instr::InMemory { .. } => handlers::in_memory,
                Instr::MemorySizeN { .. } => c::memory_size_n,
                Instr::MemoryGrowN { .. } => c::memory_grow_n,
                Instr::MemoryFillN { .. } => c::memory_fill_n,
                Instr::MemoryCopyN { .. } => c::memory_copy_n,
                Instr::MemoryInitN { .. } => c::memory_init_n,
                Instr::DataDrop { .. } => c::data_drop,
                Instr::TableGet { .. } => c::table_get,
                Instr::TableSet { .. } => c::table_set,
                Instr::TableSize { .. } => c::table_size,
                Instr::TableGrow { .. } => c::table_grow,
                Instr::TableFill { .. } => c::table_fill,
                Instr::TableCopy { .. } => c::table_copy,
                Instr::TableInit { .. } => c::table_init,
                Instr::ElemDrop { .. } => c::elem_drop,
                Instr::RefFunc { .. } => c::ref_func,
                Instr::I32LoadPair { .. } => c::i32_load_pair,
                Instr::I32StorePair { .. } => c::i32_store_pair,
                Instr::Copy2 { .. } => c::copy2,
                Instr::CopyConst32 { .. } => c::copy_const32,
                Instr::Const32Copy { .. } => c::const32_copy,
                Instr::Const32x2 { .. } => c::const32x2,
                Instr::CopyCallInternal { .. } => c::copy_call_internal,
                Instr::Const32CallInternal { .. } => c::const32_call_internal,
                $(
                    Instr::$bname { .. } => handlers::$bname,
                    $( Instr::$bimm { .. } => handlers::$bimm, )?
                )*
                $( Instr::$uname { .. } => handlers::$uname, )*
                $(
                    Instr::$lname { .. } => handlers::$lname,
                    Instr::$ltoacc { .. } => handlers::$ltoacc,
                    Instr::$laccaddr { .. } => handlers::$laccaddr,
                    Instr::$laccaddrtoacc { .. } => handlers::$laccaddrtoacc,
                    Instr::$laddimm { .. } => handlers::$laddimm,
                    Instr::$laddimmtoacc { .. } => handlers::$laddimmtoacc,
                    Instr::$lat { .. } => handlers::$lat,
                    Instr::$lattoacc { .. } => handlers::$lattoacc,
                )*
                $(
                    Instr::$sname { .. } => handlers::$sname,
                    Instr::$simm { .. } => handlers::$simm,
                    Instr::$saccvalue { .. } => handlers::$saccvalue,
                    Instr::$sat { .. } => handlers::$sat,
                    Instr::$sataccvalue { .. } => handlers::$sataccvalue,
                )*
                $(
                    Instr::$brname { .. } => handlers::$brname,
                    Instr::$brimm { .. } => handlers::$brimm,
                )*
                $(
                    Instr::$btname { .. } => handlers::$btname,
                    Instr::$btimm { .. } => handlers::$btimm,
                    Instr::$btzero { .. } => handlers::$btzero,
                    Instr::$btzeroimm { .. } => handlers::$btzeroimm,
                )*
                $(
                    Instr::$toacc { .. } => handlers::$toacc,
                    Instr::$immtoacc { .. } => handlers::$immtoacc,
                    Instr::$accrhs { .. } => handlers::$accrhs,
                    Instr::$acclhs { .. } => handlers::$acclhs,
                    Instr::$accimm { .. } => handlers::$accimm,
                    Instr::$accrhstoacc { .. } => handlers::$accrhstoacc,
                    Instr::$acclhstoacc { .. } => handlers::$acclhstoacc,
                    Instr::$accimmtoacc { .. } => handlers::$accimmtoacc,
                )*
                $(
                    Instr::$sbname { .. } => handlers::$sbname,
                    Instr::$sbimm { .. } => handlers::$sbimm,
                )*
            }
        }
    };
}
for_each_numeric_op!(define_handlers);

handlers! {
    /// Leaves the handlers with the trap `pending_trap`.
    #[cold]
    #[inline(never)]
    fn raise_trap(ip, fp, m, mem, mem_len, acc) {
        m.trap_exit(m.pending_trap);
        unsafe { leave(ip, fp, m, mem, mem_len, acc) }
    }
}

/// The handlers of the hand-written instructions (control, calls, globals,
/// bulk memory and tables).
mod control {
    use super::*;

    handlers! {

    fn copy(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, Copy { dst, src });
        set!(fp, dst, get!(fp, src));
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn const32(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, Const32 { dst, value });
        set!(fp, dst, value as u64);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn i32_load_pair(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, I32LoadPair { dst0, addr0, offset0, dst1, addr1, offset1 });
        let view = MemoryView { ptr: mem, len: mem_len };
        let first = trap_on_err!(view.load(get!(fp, addr0), offset0.into()), ip, fp, m);
        set!(fp, dst0, i32::from_le_bytes(first).into_cell());
        let second = trap_on_err!(view.load(get!(fp, addr1), offset1.into()), ip, fp, m);
        set!(fp, dst1, i32::from_le_bytes(second).into_cell());
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn i32_store_pair(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, I32StorePair { addr0, value0, offset0, addr1, value1, offset1 });
        let view = MemoryView { ptr: mem, len: mem_len };
        let first = i32::from_cell(get!(fp, value0)).to_le_bytes();
        trap_on_err!(view.store(get!(fp, addr0), offset0.into(), first), ip, fp, m);
        let second = i32::from_cell(get!(fp, value1)).to_le_bytes();
        trap_on_err!(view.store(get!(fp, addr1), offset1.into(), second), ip, fp, m);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn copy2(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, Copy2 { dst0, src0, dst1, src1 });
        set!(fp, dst0, get!(fp, src0));
        set!(fp, dst1, get!(fp, src1));
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn copy_const32(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, CopyConst32 { dst0, src0, dst1, value1 });
        set!(fp, dst0, get!(fp, src0));
        set!(fp, dst1, value1 as u64);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn const32_copy(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, Const32Copy { dst0, value0, dst1, src1 });
        set!(fp, dst0, value0 as u64);
        set!(fp, dst1, get!(fp, src1));
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn const32x2(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, Const32x2 { dst0, value0, dst1, value1 });
        set!(fp, dst0, value0 as u64);
        set!(fp, dst1, value1 as u64);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn const64(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, Const64 { dst, value });
        set!(fp, dst, value);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn select(ip, fp, m, mem, mem_len, acc) {
        operands!(
            ip,
            Select {
                dst,
                cond,
                if_false
            }
        );
        if get!(fp, cond) as u32 == 0 {
            set!(fp, dst, get!(fp, if_false));
        }
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn unreachable(ip, fp, m, mem, mem_len, acc) {
        m.pending_trap = TrapCode::Unreachable;
        unsafe { raise_trap(ip, fp, m, mem, mem_len, acc) }
    }

    fn br(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, Br { target });
        jump!(target, fp, m, mem, mem_len, acc)
    }

    fn br_if_nez(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, BrIfNez { cond, target });
        if get!(fp, cond) as u32 != 0 {
            jump!(target, fp, m, mem, mem_len, acc);
        }
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn br_if_eqz(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, BrIfEqz { cond, target });
        if get!(fp, cond) as u32 == 0 {
            jump!(target, fp, m, mem, mem_len, acc);
        }
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn br_if_nez_acc(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, BrIfNezAcc { target });
        if acc as u32 != 0 {
            jump!(target, fp, m, mem, mem_len, acc);
        }
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn br_if_eqz_acc(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, BrIfEqzAcc { target });
        if acc as u32 == 0 {
            jump!(target, fp, m, mem, mem_len, acc);
        }
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn br_table(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, BrTable { index, first, len });
        let entry = (get!(fp, index) as u32).min(len - 1);
        // SAFETY: `verify` checked that `first..first + len` lies in
        // `br_tables` (and `len > 0`): no bounds check on this hot path.
        let target = unsafe { *m.func.get().br_tables.get_unchecked((first + entry) as usize) };
        next!(unsafe { m.code.add(target as usize) }, fp, m, mem, mem_len, acc)
    }

    fn ret(ip, fp, m, mem, mem_len, acc) {
        match m.ret_within_instance() {
            Some(next) => resume_in_instance!(next, m, mem, mem_len),
            None => unsafe { ret_slow(ip, fp, m, mem, mem_len, acc) },
        }
    }

    fn return_one(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, ReturnOne { src });
        // Slot 0 exists: a function with a result has a frame of at least one cell.
        set!(fp, Slot(0), get!(fp, src));
        match m.ret_within_instance() {
            Some(next) => resume_in_instance!(next, m, mem, mem_len),
            None => unsafe { ret_slow(ip, fp, m, mem, mem_len, acc) },
        }
    }

    /// A return that `Machine::ret_within_instance` declines: the general one.
    #[cold]
    #[inline(never)]
    fn ret_slow(_ip, _fp, m, _mem, _mem_len, _acc) {
        resume!(m.ret(), m)
    }

    fn call(ip, _fp, m, _mem, _mem_len, _acc) {
        operands!(ip, Call { func, base });
        let callee = m.inner().instances[m.instance as usize].funcs[func as usize];
        resume!(m.call(callee, base, unsafe { ip.add(1) }), m)
    }

    fn call_internal(ip, fp, m, mem, mem_len, acc) {
        operands!(
            ip,
            CallInternal {
                defined,
                base;
                ..
            }
        );
        match m.call_internal(defined, base, unsafe { ip.add(1) }) {
            Some(next) => resume!(next, m),
            None => unsafe { call_internal_slow(ip, fp, m, mem, mem_len, acc) },
        }
    }

    /// `call_internal` when `Machine::call_internal` declines: the general call.
    #[cold]
    #[inline(never)]
    fn call_internal_slow(ip, _fp, m, _mem, _mem_len, _acc) {
        // `..`: the look-up below needs only the module index.
        operands!(ip, CallInternal { func, base; .. });
        let callee = m.inner().instances[m.instance as usize].funcs[func as usize];
        resume!(m.call(callee, base, unsafe { ip.add(1) }), m)
    }

    fn copy_call_internal(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, CopyCallInternal { defined, base, dst, src });
        set!(fp, dst, get!(fp, src));
        match m.call_internal(defined, Slot(base.0.into()), unsafe { ip.add(1) }) {
            Some(next) => resume!(next, m),
            None => unsafe { fused_call_internal_slow(ip, fp, m, mem, mem_len, acc) },
        }
    }

    fn const32_call_internal(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, Const32CallInternal { defined, base, dst, value });
        set!(fp, dst, value as u64);
        match m.call_internal(defined, Slot(base.0.into()), unsafe { ip.add(1) }) {
            Some(next) => resume!(next, m),
            None => unsafe { fused_call_internal_slow(ip, fp, m, mem, mem_len, acc) },
        }
    }

    /// `call_internal_slow` of a move fused with a `CallInternal` (the move
    /// is done): the module index is `defined` after the imported functions.
    #[cold]
    #[inline(never)]
    fn fused_call_internal_slow(ip, _fp, m, _mem, _mem_len, _acc) {
        let (Instr::CopyCallInternal { defined, base, .. }
        | Instr::Const32CallInternal { defined, base, .. }) = (unsafe { &*ip }).instr
        else {
            unsafe { std::hint::unreachable_unchecked() }
        };
        let instance = &m.inner().instances[m.instance as usize];
        let func = instance.module.inner.parsed.num_imported_funcs + defined;
        let callee = instance.funcs[func as usize];
        resume!(m.call(callee, Slot(base.0.into()), unsafe { ip.add(1) }), m)
    }

    fn call_indirect(ip, fp, m, _mem, _mem_len, _acc) {
        operands!(ip, CallIndirect { index, base, site });
        let site = &m.func.get().indirect_sites[site as usize];
        let callee = trap_on_err!(m.resolve_indirect(site, get!(fp, index)), ip, fp, m);
        let resume = unsafe { ip.add(1) };
        // Most tables hold functions of their own instance: those take the
        // fast path of `CallInternal`.
        if let Some(defined) = callee.defined_here
            && let Some(next) = m.call_internal(defined, base, resume)
        {
            resume!(next, m)
        }
        resume!(m.call(callee.func, base, resume), m)
    }

    fn global_get(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, GlobalGet { dst, global });
        set!(fp, dst, *m.global_value(global));
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn global_set(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, GlobalSet { src, global });
        *m.global_value(global) = get!(fp, src);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn global_add_imm(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, GlobalAddImm { dst, global, imm });
        let global = m.global_value(global);
        let value = semantics::I32Add(i32::from_cell(*global), imm).into_cell();
        *global = value;
        set!(fp, dst, value);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn global_set_add_imm(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, GlobalSetAddImm { global, lhs, imm });
        *m.global_value(global) = semantics::I32Add(i32::from_cell(get!(fp, lhs)), imm).into_cell();
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn i32_add_imm_br_if_nez(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, I32AddImmBrIfNez { var, step, target });
        let value = semantics::I32Add(i32::from_cell(get!(fp, var)), step);
        set!(fp, var, value.into_cell());
        if value != 0 {
            jump!(target, fp, m, mem, mem_len, acc);
        }
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn i32_add_imm_br_if_eqz(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, I32AddImmBrIfEqz { var, step, target });
        let value = semantics::I32Add(i32::from_cell(get!(fp, var)), step);
        set!(fp, var, value.into_cell());
        if value == 0 {
            jump!(target, fp, m, mem, mem_len, acc);
        }
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn i64_mul_const(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, I64MulConst { dst, lhs, value });
        set!(fp, dst, semantics::I64Mul(i64::from_cell(get!(fp, lhs)), value as i64).into_cell());
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn i32_add_imm_pair(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, I32AddImmPair { var, step, var2, step2 });
        set!(fp, var, semantics::I32Add(i32::from_cell(get!(fp, var)), step).into_cell());
        // Read after the first write: `var2` may be `var`.
        set!(fp, var2, semantics::I32Add(i32::from_cell(get!(fp, var2)), step2).into_cell());
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn i32_add_shl(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, I32AddShl { dst, lhs, rhs, shift });
        set!(fp, dst, add_shl(get!(fp, lhs), get!(fp, rhs), shift).into_cell());
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn i32_add_shl_to_acc(ip, fp, m, mem, mem_len, _acc) {
        operands!(ip, I32AddShlToAcc { lhs, rhs, shift });
        advance!(ip, fp, m, mem, mem_len, add_shl(get!(fp, lhs), get!(fp, rhs), shift).into_cell())
    }

    fn memory_size(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, MemorySize { dst });
        set!(fp, dst, (mem_len >> PAGE_SIZE_LOG2) as u64);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn memory_grow(ip, fp, m, _mem, _mem_len, acc) {
        operands!(ip, MemoryGrow { dst, delta });
        set!(fp, dst, m.memory_grow(m.instance, 0, get!(fp, delta)));
        m.refresh_memory();
        next!(unsafe { ip.add(1) }, fp, m, m.mem.ptr, m.mem.len, acc)
    }

    fn memory_fill(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, MemoryFill { args });
        let (d, v, n) = (get!(fp, args), get_at!(fp, args, 1), get_at!(fp, args, 2));
        trap_on_err!(MemoryView { ptr: mem, len: mem_len }.fill(d, v, n), ip, fp, m);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn memory_copy(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, MemoryCopy { args });
        let (d, s, n) = (get!(fp, args), get_at!(fp, args, 1), get_at!(fp, args, 2));
        trap_on_err!(MemoryView { ptr: mem, len: mem_len }.copy(d, s, n), ip, fp, m);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn memory_init(ip, fp, m, _mem, _mem_len, acc) {
        operands!(ip, MemoryInit { args, data });
        let (d, s, n) = (get!(fp, args), get_at!(fp, args, 1), get_at!(fp, args, 2));
        trap_on_err!(m.memory_init((m.instance, 0), data, d, s, n), ip, fp, m);
        m.refresh_memory();
        next!(unsafe { ip.add(1) }, fp, m, m.mem.ptr, m.mem.len, acc)
    }

    fn memory_size_n(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, MemorySizeN { dst, memory });
        set!(fp, dst, m.memory_size(m.instance, memory));
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    // The bulk instructions of other memories rebuild memory 0's view too:
    // an instance may import one store memory as memory 0 and as another.
    fn memory_grow_n(ip, fp, m, _mem, _mem_len, acc) {
        operands!(ip, MemoryGrowN { dst, delta, memory });
        set!(fp, dst, m.memory_grow(m.instance, memory, get!(fp, delta)));
        m.refresh_memory();
        next!(unsafe { ip.add(1) }, fp, m, m.mem.ptr, m.mem.len, acc)
    }

    fn memory_fill_n(ip, fp, m, _mem, _mem_len, acc) {
        operands!(ip, MemoryFillN { args, memory });
        let (d, v, n) = (get!(fp, args), get_at!(fp, args, 1), get_at!(fp, args, 2));
        trap_on_err!(m.memory_fill((m.instance, memory), d, v, n), ip, fp, m);
        m.refresh_memory();
        next!(unsafe { ip.add(1) }, fp, m, m.mem.ptr, m.mem.len, acc)
    }

    fn memory_copy_n(ip, fp, m, _mem, _mem_len, acc) {
        operands!(ip, MemoryCopyN { args, dst_memory, src_memory });
        let (d, s, n) = (get!(fp, args), get_at!(fp, args, 1), get_at!(fp, args, 2));
        trap_on_err!(m.memory_copy(m.instance, (dst_memory, src_memory), d, s, n), ip, fp, m);
        m.refresh_memory();
        next!(unsafe { ip.add(1) }, fp, m, m.mem.ptr, m.mem.len, acc)
    }

    fn memory_init_n(ip, fp, m, _mem, _mem_len, acc) {
        operands!(ip, MemoryInitN { args, data, memory });
        let (d, s, n) = (get!(fp, args), get_at!(fp, args, 1), get_at!(fp, args, 2));
        trap_on_err!(m.memory_init((m.instance, memory), data, d, s, n), ip, fp, m);
        m.refresh_memory();
        next!(unsafe { ip.add(1) }, fp, m, m.mem.ptr, m.mem.len, acc)
    }

    fn data_drop(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, DataDrop { data });
        let instance = m.instance as usize;
        if let Some(alive) = m.inner_mut().instances[instance]
            .datas_alive
            .get_mut(data as usize)
        {
            *alive = false;
        }
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn table_get(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, TableGet { dst, index, table });
        let t = m.table_index(m.instance, table);
        let elems = &m.inner().tables[t].elems;
        let value = trap_on_err!(
            elems
                .get(get!(fp, index) as u32 as usize)
                .copied()
                .ok_or(TrapCode::TableOutOfBounds),
            ip,
            fp,
            m
        );
        set!(fp, dst, value);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn table_set(ip, fp, m, mem, mem_len, acc) {
        operands!(
            ip,
            TableSet {
                index,
                value,
                table
            }
        );
        let t = m.table_index(m.instance, table);
        let (index, value) = (get!(fp, index) as u32 as usize, get!(fp, value));
        let slot = trap_on_err!(
            m.inner_mut().tables[t]
                .elems
                .get_mut(index)
                .ok_or(TrapCode::TableOutOfBounds),
            ip,
            fp,
            m
        );
        *slot = value;
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn table_size(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, TableSize { dst, table });
        let t = m.table_index(m.instance, table);
        set!(fp, dst, m.inner().tables[t].elems.len() as u64);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn table_grow(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, TableGrow { args, table });
        let t = m.table_index(m.instance, table);
        let (init, delta) = (get!(fp, args), get_at!(fp, args, 1));
        let old = grow_table(&mut m.inner_mut().tables[t], delta as u32 as u64, init);
        set!(
            fp,
            args,
            old.map_or(u32::MAX as u64, |old| old as u32 as u64)
        );
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn table_fill(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, TableFill { args, table });
        let (i, v, n) = (get!(fp, args), get_at!(fp, args, 1), get_at!(fp, args, 2));
        trap_on_err!(m.table_fill(m.instance, table, i, v, n), ip, fp, m);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn table_copy(ip, fp, m, mem, mem_len, acc) {
        operands!(
            ip,
            TableCopy {
                args,
                dst_table,
                src_table
            }
        );
        let (d, s, n) = (get!(fp, args), get_at!(fp, args, 1), get_at!(fp, args, 2));
        trap_on_err!(
            m.table_copy(m.instance, (dst_table, src_table), d, s, n),
            ip,
            fp,
            m
        );
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn table_init(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, TableInit { args, table, elem });
        let (d, s, n) = (get!(fp, args), get_at!(fp, args, 1), get_at!(fp, args, 2));
        trap_on_err!(m.table_init(m.instance, table, elem, d, s, n), ip, fp, m);
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn elem_drop(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, ElemDrop { elem });
        let instance = m.instance as usize;
        if let Some(segment) = m.inner_mut().instances[instance]
            .elems
            .get_mut(elem as usize)
        {
            *segment = Arc::from([]);
        }
        advance!(ip, fp, m, mem, mem_len, acc)
    }

    fn ref_func(ip, fp, m, mem, mem_len, acc) {
        operands!(ip, RefFunc { dst, func });
        let store_index = m.inner().instances[m.instance as usize].funcs[func as usize];
        set!(fp, dst, store_index as u64 + 1);
        advance!(ip, fp, m, mem, mem_len, acc)
    }
    }
}
