//! The executor: one dispatch loop over the bytecode of the running function.
//!
//! Wasm calls never recurse natively: a call pushes a [`Frame`] record and
//! switches the loop's state (code, instruction pointer, frame base) to the
//! callee, whose frame starts at the caller's argument slots. The hot state
//! lives in locals of [`Executor::run`]. The view of memory 0 is rebuilt
//! wherever its buffer may have moved (host calls, `memory.grow`, bulk memory
//! instructions); each such point bumps an epoch, so that a return can reuse
//! the caller's saved view when nothing happened in between.

use std::ptr::NonNull;
use std::sync::Arc;

use smallvec::SmallVec;

use super::bytecode::Instr;
use super::numeric::{Cell, Immediate, Outcome, for_each_numeric_op, semantics};
use super::{CompiledFunc, IndirectSite, compiled};
use crate::store::entities::{FuncEntity, NULL_REF, StoreInner, TableEntity};
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

    #[inline(always)]
    fn get<'a>(self) -> &'a CompiledFunc {
        // SAFETY: see the type's comment; the pointer came from a live `Arc`.
        unsafe { self.0.as_ref() }
    }
}

/// A suspended caller.
struct Frame {
    func: FuncCode,
    ip: usize,
    base: usize,
    instance: u32,
    store_func: u32,
    /// The caller's memory view, valid while `memory_epoch` is the executor's.
    mem: MemoryView,
    memory_epoch: u64,
}

/// Memory 0 of the running instance as a raw pointer and length, so that
/// loads and stores cost one bounds check.
#[derive(Clone, Copy)]
struct MemoryView {
    ptr: *mut u8,
    len: usize,
}

impl MemoryView {
    /// An empty view (every access traps) when the instance has no memory.
    fn of(store: &mut StoreInner, instance: u32) -> Self {
        let memory = store
            .instances
            .get(instance as usize)
            .and_then(|i| i.memories.first().copied());
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
        // memory 0's live buffer: the executor rebuilds the view after every
        // point where the buffer may move or be borrowed (calls, host calls,
        // `memory.grow`, bulk memory instructions).
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
}

pub(super) struct Executor<'s, T> {
    store: &'s mut Store<T>,
    /// Every frame's cells: `[locals..., temporaries...]` at its base.
    stack: Vec<u64>,
    frames: Vec<Frame>,
    max_depth: usize,
    /// Bumped whenever a memory buffer may have moved or been borrowed
    /// (`memory.grow`, bulk memory instructions, host calls).
    memory_epoch: u64,
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

impl<'s, T> Executor<'s, T> {
    pub(super) fn new(store: &'s mut Store<T>, args: &[u64]) -> Self {
        let max_depth = store.engine().config().max_call_depth;
        let mut stack = Vec::with_capacity(1024.max(args.len()));
        stack.extend_from_slice(args);
        Executor {
            store,
            stack,
            frames: Vec::new(),
            max_depth,
            memory_epoch: 0,
        }
    }

    pub(super) fn results(&self, results: &mut [u64]) {
        results.copy_from_slice(&self.stack[..results.len()]);
    }

    /// The frame at `base`; `base` is within the stack (see `enter_wasm`).
    fn frame_ptr(&mut self, base: usize) -> *mut u64 {
        self.stack[base..].as_mut_ptr()
    }

    fn frame_info(&self, store_func: u32) -> Option<FrameInfo> {
        let FuncEntity::Wasm(w) = self.store.inner.funcs.get(store_func as usize)? else {
            return None;
        };
        let names = &w.module.inner.parsed.names;
        Some(FrameInfo {
            func_index: w.func_idx,
            func_name: names.funcs.get(&w.func_idx).cloned(),
            module_name: names.module.clone(),
        })
    }

    /// A trap with the backtrace of the running frames, innermost first.
    fn trap(&self, code: TrapCode, current: u32) -> Error {
        let callers = self.frames.iter().rev().map(|f| f.store_func);
        let backtrace = std::iter::once(current)
            .chain(callers)
            .filter_map(|f| self.frame_info(f))
            .collect();
        Error::Trap(Trap { code, backtrace })
    }

    /// Prepares the frame of wasm function `callee` at `base`: translates it if
    /// needed, grows the value stack and zeroes its declared locals.
    #[inline(never)]
    fn enter_wasm(
        &mut self,
        callee: u32,
        base: usize,
        caller: u32,
    ) -> Result<(FuncCode, u32), Error> {
        let Some(FuncEntity::Wasm(w)) = self.store.inner.funcs.get(callee as usize) else {
            return Err(Error::Other(format!(
                "function {callee} is not a wasm function"
            )));
        };
        let instance = w.instance;
        let func = compiled(&w.module.inner, w.func_idx)?;
        let needed = base + func.frame_size as usize;
        if needed > MAX_STACK_CELLS {
            return Err(self.trap(TrapCode::StackOverflow, caller));
        }
        if self.stack.len() < needed {
            self.stack.resize(needed, 0);
        }
        let (params, locals) = (
            base + func.num_params as usize,
            base + func.num_locals as usize,
        );
        if params < locals {
            self.stack[params..locals].fill(0);
        }
        Ok((FuncCode::new(func), instance))
    }

    /// Calls host function `callee` for the code of `instance` with the
    /// arguments at `base`; its results replace them.
    fn call_host_at(
        &mut self,
        host_index: u32,
        callee: u32,
        base: usize,
        instance: u32,
    ) -> Result<(), Error> {
        let ty = self.store.inner.funcs[callee as usize].ty();
        let (params, results) = (ty.params().len(), ty.results().len());
        let args: SmallVec<[u64; 8]> = SmallVec::from_slice(&self.stack[base..base + params]);
        if self.stack.len() < base + results {
            self.stack.resize(base + results, 0);
        }
        let mut out: SmallVec<[u64; 8]> = SmallVec::from_elem(0, results);
        // Lets the host's `Caller` see the calling instance's exports.
        self.store.calling_instance = Some(instance);
        call_host(self.store, host_index, &args, &mut out)?;
        self.stack[base..base + results].copy_from_slice(&out);
        Ok(())
    }

    fn host_index(&self, func: u32) -> Option<u32> {
        match self.store.inner.funcs.get(func as usize) {
            Some(FuncEntity::Host { host_index, .. }) => Some(*host_index),
            _ => None,
        }
    }

    /// The function `call_indirect` reaches through `table[index]`.
    fn resolve_indirect(
        &self,
        site: &IndirectSite,
        instance: u32,
        index: u64,
    ) -> Result<u32, TrapCode> {
        let inner = &self.store.inner;
        let table = inner.instances[instance as usize].tables[site.table as usize];
        let elems = &inner.tables[table as usize].elems;
        let cell = *elems
            .get(index as u32 as usize)
            .ok_or(TrapCode::UninitializedElement)?;
        if cell == NULL_REF {
            return Err(TrapCode::IndirectCallToNull);
        }
        let callee = (cell - 1) as u32;
        if inner.funcs[callee as usize].ty() != &site.ty {
            return Err(TrapCode::BadSignature);
        }
        Ok(callee)
    }

    fn memory_index(&self, instance: u32) -> Result<usize, TrapCode> {
        let memories = &self.store.inner.instances[instance as usize].memories;
        memories
            .first()
            .map(|&m| m as usize)
            .ok_or(TrapCode::MemoryOutOfBounds)
    }

    fn memory_grow(&mut self, instance: u32, delta: u64) -> u64 {
        let Ok(m) = self.memory_index(instance) else {
            return u32::MAX as u64;
        };
        match grow_memory(&mut self.store.inner.memories[m], delta as u32 as u64) {
            Some(old) => old as u32 as u64,
            None => u32::MAX as u64,
        }
    }

    fn memory_fill(
        &mut self,
        instance: u32,
        dst: u64,
        value: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let m = self.memory_index(instance)?;
        let data = &mut self.store.inner.memories[m].data;
        let (dst, len) = (dst as u32 as u64, len as u32 as u64);
        if !in_bounds(dst, len, data.len()) {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        data[dst as usize..(dst + len) as usize].fill(value as u8);
        Ok(())
    }

    fn memory_copy(&mut self, instance: u32, dst: u64, src: u64, len: u64) -> Result<(), TrapCode> {
        let m = self.memory_index(instance)?;
        let data = &mut self.store.inner.memories[m].data;
        let (dst, src, len) = (dst as u32 as u64, src as u32 as u64, len as u32 as u64);
        if !in_bounds(dst, len, data.len()) || !in_bounds(src, len, data.len()) {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        data.copy_within(src as usize..(src + len) as usize, dst as usize);
        Ok(())
    }

    fn memory_init(
        &mut self,
        instance: u32,
        data_idx: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let m = self.memory_index(instance)?;
        let inner = &mut self.store.inner;
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
        self.store.inner.instances[instance as usize].tables[table as usize] as usize
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
        let elems = &mut self.store.inner.tables[t].elems;
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
        let all = &mut self.store.inner.tables;
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
        let inner = &mut self.store.inner;
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

macro_rules! define_run {
    (
        binary { $( $bname:ident $(/ $bimm:ident)?: fn($a:ident: $at:ty, $b:ident: $bt:ty) -> $br:ty $bbody:block )* }
        unary { $( $uname:ident: fn($x:ident: $xt:ty) -> $ur:ty $ubody:block )* }
        load { $( $lname:ident: $lmem:ty as $lval:ty; )* }
        store { $( $sname:ident / $simm:ident: $sval:ty as $smem:ty; )* }
        branch_cmp { $( $brname:ident / $brimm:ident = $cmp:ident / $cmpimm:ident, not $negbr:ident / $negbrimm:ident; )* }
    ) => {
        impl<T> Executor<'_, T> {
            /// Runs wasm function `entry` with its arguments at the bottom of the stack;
            /// its results end up there.
            pub(super) fn run(&mut self, entry: u32) -> Result<(), Error> {
                let (mut func, mut instance) = self.enter_wasm(entry, 0, entry)?;
                let mut store_func = entry;
                let mut base = 0usize;
                let mut ip = 0usize;
                let mut mem = MemoryView::of(&mut self.store.inner, instance);
                // Raw views of the running code and frame, rebuilt whenever the
                // function changes or the value stack may have been reallocated.
                let mut code: *const Instr = func.get().code.as_ptr();
                let mut frame: *mut u64 = self.frame_ptr(base);

                // SAFETY (for `get`, `set`, `get_at` and the instruction fetch): translation
                // verified that every slot of `func`, including the consecutive operands of
                // bulk instructions, is below `func.frame_size`, that every branch target is
                // inside `func.code`, and that the code ends with an instruction that
                // does not fall through. `enter_wasm` made the value stack at least `base +
                // frame_size` long and it never shrinks; `frame` and `code` are refreshed
                // after everything that can reallocate or replace them (calls, returns).
                macro_rules! get_at {
                    ($slot:expr, $extra:expr) => { unsafe { *frame.add($slot.0 as usize + $extra) } };
                }
                macro_rules! get {
                    ($slot:expr) => { get_at!($slot, 0) };
                }
                macro_rules! set {
                    ($slot:expr, $value:expr) => {{
                        let value = $value;
                        unsafe { *frame.add($slot.0 as usize) = value };
                    }};
                }
                // A conditional branch must stay a branch: as a conditional move, the
                // next instruction's address would wait for the comparison, serializing
                // every loop iteration. The hint keeps LLVM from making it a select.
                macro_rules! take_branch {
                    ($target:expr) => {{
                        unlikely_path();
                        ip = $target.0 as usize;
                    }};
                }
                macro_rules! trap_on_err {
                    ($result:expr) => {
                        match $result {
                            Ok(value) => value,
                            Err(code) => return Err(self.trap(code, store_func)),
                        }
                    };
                }
                // Rebuilds the memory view and invalidates the views saved in frames.
                macro_rules! refresh_memory {
                    () => {{
                        mem = MemoryView::of(&mut self.store.inner, instance);
                        self.memory_epoch += 1;
                    }};
                }
                macro_rules! call {
                    ($callee:expr, $args:expr) => {{
                        let callee = $callee;
                        let new_base = base + $args.0 as usize;
                        if let Some(host_index) = self.host_index(callee) {
                            self.call_host_at(host_index, callee, new_base, instance)?;
                            refresh_memory!();
                        } else {
                            // The caller's frame is not on `frames` yet: with the callee, two more are live.
                            if self.frames.len() + 2 > self.max_depth {
                                return Err(self.trap(TrapCode::StackOverflow, store_func));
                            }
                            let (callee_func, callee_instance) = self.enter_wasm(callee, new_base, store_func)?;
                            let caller = std::mem::replace(&mut func, callee_func);
                            self.frames.push(Frame { func: caller, ip, base, instance, store_func, mem, memory_epoch: self.memory_epoch });
                            ip = 0;
                            base = new_base;
                            store_func = callee;
                            code = func.get().code.as_ptr();
                            if callee_instance != instance {
                                instance = callee_instance;
                                refresh_memory!();
                            }
                        }
                        frame = self.frame_ptr(base);
                    }};
                }

                loop {
                    let instr = unsafe { *code.add(ip) };
                    ip += 1;
                    match instr {
                        Instr::Copy { dst, src } => set!(dst, get!(src)),
                        Instr::Const32 { dst, value } => set!(dst, value as u64),
                        Instr::Const64 { dst, value } => set!(dst, value),
                        Instr::Select { dst, cond, if_false } => {
                            if get!(cond) as u32 == 0 {
                                set!(dst, get!(if_false));
                            }
                        }
                        Instr::Unreachable {} => return Err(self.trap(TrapCode::Unreachable, store_func)),
                        Instr::Br { target } => ip = target.0 as usize,
                        Instr::BrIfNez { cond, target } => {
                            if get!(cond) as u32 != 0 {
                                take_branch!(target);
                            }
                        }
                        Instr::BrIfEqz { cond, target } => {
                            if get!(cond) as u32 == 0 {
                                take_branch!(target);
                            }
                        }
                        Instr::BrTable { index, first, len } => {
                            let entry = (get!(index) as u32).min(len - 1);
                            ip = func.get().br_tables[(first + entry) as usize] as usize;
                        }
                        Instr::Return {} => {
                            let Some(caller) = self.frames.pop() else { return Ok(()) };
                            func = caller.func;
                            ip = caller.ip;
                            base = caller.base;
                            instance = caller.instance;
                            store_func = caller.store_func;
                            code = func.get().code.as_ptr();
                            frame = self.frame_ptr(base);
                            // The caller's view is still valid unless memory may have moved since.
                            mem = if caller.memory_epoch == self.memory_epoch {
                                caller.mem
                            } else {
                                MemoryView::of(&mut self.store.inner, instance)
                            };
                        }
                        Instr::Call { func: callee, base: args } => {
                            let callee = self.store.inner.instances[instance as usize].funcs[callee as usize];
                            call!(callee, args);
                        }
                        Instr::CallIndirect { index, base: args, site } => {
                            let callee = trap_on_err!(self.resolve_indirect(&func.get().indirect_sites[site as usize], instance, get!(index)));
                            call!(callee, args);
                        }
                        Instr::GlobalGet { dst, global } => {
                            let g = self.store.inner.instances[instance as usize].globals[global as usize];
                            set!(dst, self.store.inner.globals[g as usize].value);
                        }
                        Instr::GlobalSet { src, global } => {
                            let g = self.store.inner.instances[instance as usize].globals[global as usize];
                            self.store.inner.globals[g as usize].value = get!(src);
                        }
                        Instr::MemorySize { dst } => set!(dst, (mem.len >> PAGE_SIZE_LOG2) as u64),
                        Instr::MemoryGrow { dst, delta } => {
                            set!(dst, self.memory_grow(instance, get!(delta)));
                            refresh_memory!();
                        }
                        Instr::MemoryFill { args } => {
                            let (d, v, n) = (get!(args), get_at!(args, 1), get_at!(args, 2));
                            trap_on_err!(self.memory_fill(instance, d, v, n));
                            refresh_memory!();
                        }
                        Instr::MemoryCopy { args } => {
                            let (d, s, n) = (get!(args), get_at!(args, 1), get_at!(args, 2));
                            trap_on_err!(self.memory_copy(instance, d, s, n));
                            refresh_memory!();
                        }
                        Instr::MemoryInit { args, data } => {
                            let (d, s, n) = (get!(args), get_at!(args, 1), get_at!(args, 2));
                            trap_on_err!(self.memory_init(instance, data, d, s, n));
                            refresh_memory!();
                        }
                        Instr::DataDrop { data } => {
                            if let Some(alive) = self.store.inner.instances[instance as usize].datas_alive.get_mut(data as usize) {
                                *alive = false;
                            }
                        }
                        Instr::TableGet { dst, index, table } => {
                            let t = self.table_index(instance, table);
                            let elems = &self.store.inner.tables[t].elems;
                            let value = trap_on_err!(elems.get(get!(index) as u32 as usize).copied().ok_or(TrapCode::TableOutOfBounds));
                            set!(dst, value);
                        }
                        Instr::TableSet { index, value, table } => {
                            let t = self.table_index(instance, table);
                            let (index, value) = (get!(index) as u32 as usize, get!(value));
                            let slot = trap_on_err!(self.store.inner.tables[t].elems.get_mut(index).ok_or(TrapCode::TableOutOfBounds));
                            *slot = value;
                        }
                        Instr::TableSize { dst, table } => {
                            let t = self.table_index(instance, table);
                            set!(dst, self.store.inner.tables[t].elems.len() as u64);
                        }
                        Instr::TableGrow { args, table } => {
                            let t = self.table_index(instance, table);
                            let (init, delta) = (get!(args), get_at!(args, 1));
                            let old = grow_table(&mut self.store.inner.tables[t], delta as u32 as u64, init);
                            set!(args, old.map_or(u32::MAX as u64, |old| old as u32 as u64));
                        }
                        Instr::TableFill { args, table } => {
                            let (i, v, n) = (get!(args), get_at!(args, 1), get_at!(args, 2));
                            trap_on_err!(self.table_fill(instance, table, i, v, n));
                        }
                        Instr::TableCopy { args, dst_table, src_table } => {
                            let (d, s, n) = (get!(args), get_at!(args, 1), get_at!(args, 2));
                            trap_on_err!(self.table_copy(instance, (dst_table, src_table), d, s, n));
                        }
                        Instr::TableInit { args, table, elem } => {
                            let (d, s, n) = (get!(args), get_at!(args, 1), get_at!(args, 2));
                            trap_on_err!(self.table_init(instance, table, elem, d, s, n));
                        }
                        Instr::ElemDrop { elem } => {
                            if let Some(segment) = self.store.inner.instances[instance as usize].elems.get_mut(elem as usize) {
                                *segment = Arc::from([]);
                            }
                        }
                        Instr::RefFunc { dst, func: f } => {
                            let store_index = self.store.inner.instances[instance as usize].funcs[f as usize];
                            set!(dst, store_index as u64 + 1);
                        }
                        $(
                            Instr::$bname { dst, lhs, rhs } => {
                                let result = semantics::$bname(<$at>::from_cell(get!(lhs)), <$bt>::from_cell(get!(rhs)));
                                set!(dst, trap_on_err!(result.into_outcome()).into_cell());
                            }
                            $(
                                Instr::$bimm { dst, lhs, imm } => {
                                    let result = semantics::$bname(<$at>::from_cell(get!(lhs)), <$bt as Immediate>::from_imm(imm));
                                    set!(dst, trap_on_err!(result.into_outcome()).into_cell());
                                }
                            )?
                        )*
                        $(
                            Instr::$uname { dst, src } => {
                                let result = semantics::$uname(<$xt>::from_cell(get!(src)));
                                set!(dst, trap_on_err!(result.into_outcome()).into_cell());
                            }
                        )*
                        $(
                            Instr::$lname { dst, addr, offset } => {
                                let bytes = trap_on_err!(mem.load(get!(addr), offset));
                                set!(dst, (<$lmem>::from_le_bytes(bytes) as $lval).into_cell());
                            }
                        )*
                        $(
                            Instr::$sname { addr, value, offset } => {
                                let value = <$sval as Cell>::from_cell(get!(value)) as $smem;
                                trap_on_err!(mem.store(get!(addr), offset, value.to_le_bytes()));
                            }
                            Instr::$simm { addr, value, offset } => {
                                let value = <$sval as Immediate>::from_imm(value) as $smem;
                                trap_on_err!(mem.store(get!(addr), offset, value.to_le_bytes()));
                            }
                        )*
                        $(
                            Instr::$brname { lhs, rhs, target } => {
                                if semantics::$cmp(Cell::from_cell(get!(lhs)), Cell::from_cell(get!(rhs))) != 0 {
                                    take_branch!(target);
                                }
                            }
                            Instr::$brimm { lhs, imm, target } => {
                                if semantics::$cmp(Cell::from_cell(get!(lhs)), Immediate::from_imm(imm)) != 0 {
                                    take_branch!(target);
                                }
                            }
                        )*
                    }
                }
            }
        }
    };
}
for_each_numeric_op!(define_run);
