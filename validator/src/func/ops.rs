//! The typing rule of each operator (spec 3.3 "Instructions"), one method
//! per operator, named after the wasmparser visitor method that calls it
//! (see `visit.rs`); the numeric operators are in `numeric.rs`.

use myrt_parser::ValType::{self, F32, F64, I32, I64};
use myrt_parser::wasmparser::{
    self as wp, BinaryReader, BlockType, BrTable, HeapType, Ieee32, Ieee64, MemArg,
};
use myrt_parser::{FuncType, GlobalType, RefType};

use super::frames::{BlockSig, FrameKind};
use super::visit::read_plain_access;
use super::{Check, FuncValidator};
use crate::error::ValidationError;
use crate::types::{heap_type, val_type};

/// Each row defines the rule of the listed memory accesses: a load pops an
/// address and pushes a value of the row's type, a store pops both. Each
/// access has its one-byte opcode (spec 5.4.6) and its natural alignment
/// (log2 of its width), which the `align` immediate must not exceed.
macro_rules! memory_rules {
    ($( $access:ident $ty:ident { $($opcode:literal $visit:ident align $natural:literal)* } )*) => {
        impl FuncValidator<'_> {
            $($(
                #[inline]
                pub(super) fn $visit(&mut self, memarg: MemArg) -> Check {
                    self.$access(&memarg, $ty)
                }
            )*)*

            /// Reads (see [`read_plain_access`]) and checks the load or
            /// store with opcode `opcode` (`bytes` is what `reader` reads);
            /// `None`, with `reader` untouched, if `opcode` is not one.
            #[inline(always)]
            pub(super) fn check_plain_access(
                &mut self,
                opcode: u8,
                bytes: &[u8],
                reader: &mut BinaryReader<'_>,
            ) -> Option<wp::Result<Check>> {
                Some(match opcode {
                    $($( $opcode => read_plain_access(bytes, reader, $natural)
                        .map(|memarg| self.$access(&memarg, $ty)), )*)*
                    _ => return None,
                })
            }
        }
    };
}

memory_rules! {
    load I32 {
        0x28 visit_i32_load align 2
        0x2c visit_i32_load8_s align 0
        0x2d visit_i32_load8_u align 0
        0x2e visit_i32_load16_s align 1
        0x2f visit_i32_load16_u align 1
    }
    load I64 {
        0x29 visit_i64_load align 3
        0x30 visit_i64_load8_s align 0
        0x31 visit_i64_load8_u align 0
        0x32 visit_i64_load16_s align 1
        0x33 visit_i64_load16_u align 1
        0x34 visit_i64_load32_s align 2
        0x35 visit_i64_load32_u align 2
    }
    load F32 {
        0x2a visit_f32_load align 2
    }
    load F64 {
        0x2b visit_f64_load align 3
    }
    store I32 {
        0x36 visit_i32_store align 2
        0x3a visit_i32_store8 align 0
        0x3b visit_i32_store16 align 1
    }
    store I64 {
        0x37 visit_i64_store align 3
        0x3c visit_i64_store8 align 0
        0x3d visit_i64_store16 align 1
        0x3e visit_i64_store32 align 2
    }
    store F32 {
        0x38 visit_f32_store align 2
    }
    store F64 {
        0x39 visit_f64_store align 3
    }
}

impl<'m> FuncValidator<'m> {
    pub(super) fn visit_unreachable(&mut self) -> Check {
        self.set_unreachable()
    }

    pub(super) fn visit_nop(&mut self) -> Check {
        Ok(())
    }

    pub(super) fn visit_block(&mut self, blockty: BlockType) -> Check {
        self.enter_block(FrameKind::Block, blockty)
    }

    pub(super) fn visit_loop(&mut self, blockty: BlockType) -> Check {
        self.enter_block(FrameKind::Loop, blockty)
    }

    pub(super) fn visit_if(&mut self, blockty: BlockType) -> Check {
        self.pop_expect(I32)?;
        self.enter_block(FrameKind::If, blockty)
    }

    pub(super) fn visit_else(&mut self) -> Check {
        let frame = self.pop_frame()?;
        if frame.kind != FrameKind::If {
            return Err(self.error("else found outside of an if block"));
        }
        self.push_frame(FrameKind::Else, frame.sig);
        Ok(())
    }

    pub(super) fn visit_end(&mut self) -> Check {
        if let Some(frame) = self.frames.last()
            && frame.kind != FrameKind::If
        {
            let results = frame.sig.results();
            if self.operands.len() == frame.height + results.len() && self.top_is(results) {
                // Popping the results and pushing them back for the
                // enclosing code would leave the operands as they are.
                self.frames.pop();
                return Ok(());
            }
        }
        let frame = self.pop_frame()?;
        // An `if` without `else` has an empty else branch, which passes
        // its params through as its results.
        if frame.kind == FrameKind::If && frame.sig.params() != frame.sig.results() {
            return Err(self.mismatch());
        }
        self.push_types(frame.sig.results());
        Ok(())
    }

    pub(super) fn visit_br(&mut self, relative_depth: u32) -> Check {
        let label = self.label(relative_depth)?;
        self.pop_types(label.label_types())?;
        self.set_unreachable()
    }

    pub(super) fn visit_br_if(&mut self, relative_depth: u32) -> Check {
        self.pop_expect(I32)?;
        let label = self.label(relative_depth)?;
        let types = label.label_types();
        // Popping and pushing back the label's types changes the stack
        // only where dead code left unknown operands.
        if self.top_is(types) {
            return Ok(());
        }
        self.pop_types(types)?;
        self.push_types(types);
        Ok(())
    }

    /// Every target must take as many values as the default one, and the
    /// operands must suit each target's types (spec appendix, `br_table`).
    pub(super) fn visit_br_table(&mut self, targets: BrTable<'_>) -> Check {
        self.pop_expect(I32)?;
        let default = self.label(targets.default())?;
        let arity = default.label_types().len();
        for depth in targets.targets() {
            let label = self.label(depth.map_err(ValidationError::from)?)?;
            if label.label_types().len() != arity {
                return Err(self.mismatch());
            }
            self.check_top(label.label_types())?;
        }
        self.pop_types(default.label_types())?;
        self.set_unreachable()
    }

    pub(super) fn visit_return(&mut self) -> Check {
        let function = self.label(self.innermost_depth())?;
        self.pop_types(function.label_types())?;
        self.set_unreachable()
    }

    pub(super) fn visit_call(&mut self, function_index: u32) -> Check {
        let Some(ty) = self.module.func_type(function_index) else {
            return Err(self.error(format!("unknown function {function_index}")));
        };
        self.call(ty)
    }

    pub(super) fn visit_call_indirect(&mut self, type_index: u32, table_index: u32) -> Check {
        self.table(table_index, Some(RefType::FuncRef))?;
        let Some(ty) = self.module.types.get(type_index as usize) else {
            return Err(self.error(format!("unknown type {type_index}")));
        };
        self.pop_expect(I32)?;
        self.call(ty)
    }

    pub(super) fn visit_drop(&mut self) -> Check {
        self.pop()?;
        Ok(())
    }

    /// `select` without a type immediate only chooses between numbers.
    pub(super) fn visit_select(&mut self) -> Check {
        self.pop_expect(I32)?;
        let second = self.pop()?;
        let first = self.pop()?;
        let is_num = |ty: Option<ValType>| ty.is_none_or(|ty| ty.is_num());
        if !is_num(first) || !is_num(second) {
            return Err(self.mismatch());
        }
        match (first, second) {
            (Some(a), Some(b)) if a != b => Err(self.mismatch()),
            _ => {
                self.operands.push(first.or(second));
                Ok(())
            }
        }
    }

    pub(super) fn visit_typed_select(&mut self, ty: wp::ValType) -> Check {
        let ty = val_type(ty, self.offset)?;
        self.typed_select(ty)
    }

    pub(super) fn visit_typed_select_multi(&mut self, tys: Vec<wp::ValType>) -> Check {
        match tys.as_slice() {
            [ty] => self.visit_typed_select(*ty),
            _ => Err(self.error("invalid result arity")),
        }
    }

    #[inline]
    pub(super) fn visit_local_get(&mut self, local_index: u32) -> Check {
        let ty = self.local(local_index)?;
        self.push(ty);
        Ok(())
    }

    #[inline]
    pub(super) fn visit_local_set(&mut self, local_index: u32) -> Check {
        let ty = self.local(local_index)?;
        self.pop_expect(ty)
    }

    #[inline]
    pub(super) fn visit_local_tee(&mut self, local_index: u32) -> Check {
        let ty = self.local(local_index)?;
        self.unary(ty, ty)
    }

    pub(super) fn visit_global_get(&mut self, global_index: u32) -> Check {
        let ty = self.global(global_index)?;
        self.push(ty.content);
        Ok(())
    }

    pub(super) fn visit_global_set(&mut self, global_index: u32) -> Check {
        let ty = self.global(global_index)?;
        if !ty.mutable {
            return Err(self.error("global is immutable"));
        }
        self.pop_expect(ty.content)
    }

    pub(super) fn visit_memory_size(&mut self, mem: u32) -> Check {
        self.memory(mem)?;
        self.push(I32);
        Ok(())
    }

    pub(super) fn visit_memory_grow(&mut self, mem: u32) -> Check {
        self.memory(mem)?;
        self.unary(I32, I32)
    }

    #[inline]
    pub(super) fn visit_i32_const(&mut self, _value: i32) -> Check {
        self.push(I32);
        Ok(())
    }

    #[inline]
    pub(super) fn visit_i64_const(&mut self, _value: i64) -> Check {
        self.push(I64);
        Ok(())
    }

    #[inline]
    pub(super) fn visit_f32_const(&mut self, _value: Ieee32) -> Check {
        self.push(F32);
        Ok(())
    }

    #[inline]
    pub(super) fn visit_f64_const(&mut self, _value: Ieee64) -> Check {
        self.push(F64);
        Ok(())
    }

    pub(super) fn visit_memory_init(&mut self, data_index: u32, mem: u32) -> Check {
        self.memory(mem)?;
        self.data_segment(data_index)?;
        self.pop_types(&[I32, I32, I32])
    }

    pub(super) fn visit_data_drop(&mut self, data_index: u32) -> Check {
        self.data_segment(data_index)
    }

    pub(super) fn visit_memory_copy(&mut self, dst_mem: u32, src_mem: u32) -> Check {
        self.memory(dst_mem)?;
        self.memory(src_mem)?;
        self.pop_types(&[I32, I32, I32])
    }

    pub(super) fn visit_memory_fill(&mut self, mem: u32) -> Check {
        self.memory(mem)?;
        self.pop_types(&[I32, I32, I32])
    }

    pub(super) fn visit_table_init(&mut self, elem_index: u32, table: u32) -> Check {
        let element = self.table(table, None)?;
        if self.elem_segment(elem_index)? != element {
            return Err(self.mismatch());
        }
        self.pop_types(&[I32, I32, I32])
    }

    pub(super) fn visit_elem_drop(&mut self, elem_index: u32) -> Check {
        self.elem_segment(elem_index)?;
        Ok(())
    }

    pub(super) fn visit_table_copy(&mut self, dst_table: u32, src_table: u32) -> Check {
        let dst = self.table(dst_table, None)?;
        self.table(src_table, Some(dst))?;
        self.pop_types(&[I32, I32, I32])
    }

    pub(super) fn visit_ref_null(&mut self, hty: HeapType) -> Check {
        let ty = heap_type(hty, self.offset)?;
        self.push(ValType::Ref(ty));
        Ok(())
    }

    pub(super) fn visit_ref_is_null(&mut self) -> Check {
        if self.pop()?.is_some_and(|ty| !ty.is_ref()) {
            return Err(self.mismatch());
        }
        self.push(I32);
        Ok(())
    }

    pub(super) fn visit_ref_func(&mut self, function_index: u32) -> Check {
        if function_index as usize >= self.module.funcs.len() {
            return Err(self.error(format!("unknown function {function_index}")));
        }
        if !self.facts.is_declared_ref(function_index) {
            return Err(self.error("undeclared function reference"));
        }
        self.push(ValType::FUNCREF);
        Ok(())
    }

    pub(super) fn visit_table_fill(&mut self, table: u32) -> Check {
        let element = self.table(table, None)?;
        self.pop_types(&[I32, ValType::Ref(element), I32])
    }

    pub(super) fn visit_table_get(&mut self, table: u32) -> Check {
        let element = self.table(table, None)?;
        self.unary(I32, ValType::Ref(element))
    }

    pub(super) fn visit_table_set(&mut self, table: u32) -> Check {
        let element = self.table(table, None)?;
        self.pop_types(&[I32, ValType::Ref(element)])
    }

    pub(super) fn visit_table_grow(&mut self, table: u32) -> Check {
        let element = self.table(table, None)?;
        self.pop_types(&[ValType::Ref(element), I32])?;
        self.push(I32);
        Ok(())
    }

    pub(super) fn visit_table_size(&mut self, table: u32) -> Check {
        self.table(table, None)?;
        self.push(I32);
        Ok(())
    }

    /// Depth of the function's own frame, the target of `return`.
    fn innermost_depth(&self) -> u32 {
        u32::try_from(self.frames.len().saturating_sub(1)).unwrap_or(u32::MAX)
    }

    fn block_sig(&self, ty: BlockType) -> Check<BlockSig<'m>> {
        Ok(match ty {
            BlockType::Empty => BlockSig::Empty,
            BlockType::Type(ty) => BlockSig::Value(val_type(ty, self.offset)?),
            BlockType::FuncType(idx) => match self.module.types.get(idx as usize) {
                Some(ty) => BlockSig::Func(ty),
                None => return Err(self.error(format!("unknown type {idx}"))),
            },
        })
    }

    fn enter_block(&mut self, kind: FrameKind, ty: BlockType) -> Check {
        let sig = self.block_sig(ty)?;
        self.pop_types(sig.params())?;
        self.push_frame(kind, sig);
        Ok(())
    }

    fn call(&mut self, ty: &FuncType) -> Check {
        self.pop_types(ty.params())?;
        self.push_types(ty.results());
        Ok(())
    }

    fn typed_select(&mut self, ty: ValType) -> Check {
        self.pop_types(&[ty, ty, I32])?;
        self.push(ty);
        Ok(())
    }

    #[inline]
    fn local(&self, idx: u32) -> Check<ValType> {
        match self.locals.get(idx) {
            Some(ty) => Ok(ty),
            None => Err(self.error(format!("unknown local {idx}"))),
        }
    }

    fn global(&self, idx: u32) -> Check<GlobalType> {
        match self.module.globals.get(idx as usize) {
            Some(ty) => Ok(*ty),
            None => Err(self.error(format!("unknown global {idx}"))),
        }
    }

    #[inline]
    fn memory(&self, idx: u32) -> Check {
        if idx as usize >= self.module.memories.len() {
            return Err(self.error(format!("unknown memory {idx}")));
        }
        Ok(())
    }

    /// Table `idx`'s element type, which must be `expected` when given.
    fn table(&self, idx: u32, expected: Option<RefType>) -> Check<RefType> {
        let Some(table) = self.module.tables.get(idx as usize) else {
            return Err(self.error(format!("unknown table {idx}")));
        };
        if expected.is_some_and(|expected| expected != table.element) {
            return Err(self.mismatch());
        }
        Ok(table.element)
    }

    fn elem_segment(&self, idx: u32) -> Check<RefType> {
        match self.module.elems.get(idx as usize) {
            Some(segment) => Ok(segment.ty),
            None => Err(self.error(format!("unknown elem segment {idx}"))),
        }
    }

    /// Data segments are indexed through the data count section, which
    /// comes before the code: bodies are validated before the data section.
    fn data_segment(&self, idx: u32) -> Check {
        let Some(count) = self.module.data_count else {
            return Err(self.error("data count section required"));
        };
        if idx >= count {
            return Err(self.error(format!("unknown data segment {idx}")));
        }
        Ok(())
    }

    #[inline]
    fn mem_arg(&self, memarg: &MemArg) -> Check {
        self.memory(memarg.memory)?;
        if memarg.align > memarg.max_align {
            return Err(self.error("alignment must not be larger than natural"));
        }
        if memarg.offset > u64::from(u32::MAX) {
            return Err(self.error("offset out of range"));
        }
        Ok(())
    }

    #[inline]
    fn load(&mut self, memarg: &MemArg, ty: ValType) -> Check {
        self.mem_arg(memarg)?;
        self.unary(I32, ty)
    }

    #[inline]
    fn store(&mut self, memarg: &MemArg, ty: ValType) -> Check {
        self.mem_arg(memarg)?;
        self.pop_expect(ty)?;
        self.pop_expect(I32)
    }
}
