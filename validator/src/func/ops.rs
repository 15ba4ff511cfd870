//! The typing rule of each operator (spec 3.3 "Instructions").

use myrt_parser::ValType::{self, I32};
use myrt_parser::wasmparser::{BlockType, BrTable, MemArg, Operator as Op};
use myrt_parser::{FuncType, RefType};

use super::frames::{BlockSig, FrameKind};
use super::{FuncValidator, numeric, unsupported};
use crate::error::{ValidationError, invalid};
use crate::types::{heap_type, val_type};

const TYPE_MISMATCH: &str = "type mismatch";

impl FuncValidator<'_> {
    pub(super) fn check_op(&mut self, at: usize, op: &Op<'_>) -> Result<(), ValidationError> {
        if let Some((params, result)) = numeric::signature(op) {
            self.pop_types(at, params)?;
            self.push(result);
            return Ok(());
        }
        match *op {
            Op::Unreachable => self.set_unreachable(at)?,
            Op::Nop => {}
            Op::Block { blockty } => self.enter_block(at, FrameKind::Block, blockty)?,
            Op::Loop { blockty } => self.enter_block(at, FrameKind::Loop, blockty)?,
            Op::If { blockty } => {
                self.pop_expect(at, I32)?;
                self.enter_block(at, FrameKind::If, blockty)?;
            }
            Op::Else => {
                let frame = self.pop_frame(at)?;
                if frame.kind != FrameKind::If {
                    return invalid(at, "else found outside of an if block");
                }
                self.push_frame(FrameKind::Else, frame.sig);
            }
            Op::End => {
                let frame = self.pop_frame(at)?;
                // An `if` without `else` has an empty else branch, which
                // passes its params through as its results.
                if frame.kind == FrameKind::If && frame.sig.params() != frame.sig.results() {
                    return invalid(at, TYPE_MISMATCH);
                }
                self.push_types(frame.sig.results());
            }
            Op::Br { relative_depth } => {
                let label = self.label(at, relative_depth)?;
                self.pop_types(at, label.label_types())?;
                self.set_unreachable(at)?;
            }
            Op::BrIf { relative_depth } => {
                self.pop_expect(at, I32)?;
                let label = self.label(at, relative_depth)?;
                self.pop_types(at, label.label_types())?;
                self.push_types(label.label_types());
            }
            Op::BrTable { ref targets } => self.br_table(at, targets)?,
            Op::Return => {
                let function = self.label(at, self.innermost_depth())?;
                self.pop_types(at, function.label_types())?;
                self.set_unreachable(at)?;
            }
            Op::Call { function_index } => {
                let Some(ty) = self.module.func_type(function_index) else {
                    return invalid(at, format!("unknown function {function_index}"));
                };
                self.call(at, ty)?;
            }
            Op::CallIndirect {
                type_index,
                table_index,
            } => {
                self.table(at, table_index, Some(RefType::FuncRef))?;
                let Some(ty) = self.module.types.get(type_index as usize) else {
                    return invalid(at, format!("unknown type {type_index}"));
                };
                self.pop_expect(at, I32)?;
                self.call(at, ty)?;
            }
            Op::Drop => {
                self.pop(at)?;
            }
            Op::Select => self.untyped_select(at)?,
            Op::TypedSelect { ty } => self.typed_select(at, val_type(ty, at)?)?,
            Op::TypedSelectMulti { ref tys } => match tys.as_slice() {
                [ty] => self.typed_select(at, val_type(*ty, at)?)?,
                _ => return invalid(at, "invalid result arity"),
            },
            Op::LocalGet { local_index } => {
                let ty = self.local(at, local_index)?;
                self.push(ty);
            }
            Op::LocalSet { local_index } => {
                let ty = self.local(at, local_index)?;
                self.pop_expect(at, ty)?;
            }
            Op::LocalTee { local_index } => {
                let ty = self.local(at, local_index)?;
                self.pop_expect(at, ty)?;
                self.push(ty);
            }
            Op::GlobalGet { global_index } => {
                let ty = self.global(at, global_index)?;
                self.push(ty.content);
            }
            Op::GlobalSet { global_index } => {
                let ty = self.global(at, global_index)?;
                if !ty.mutable {
                    return invalid(at, "global is immutable");
                }
                self.pop_expect(at, ty.content)?;
            }
            Op::I32Load { memarg }
            | Op::I32Load8S { memarg }
            | Op::I32Load8U { memarg }
            | Op::I32Load16S { memarg }
            | Op::I32Load16U { memarg } => self.load(at, &memarg, ValType::I32)?,
            Op::I64Load { memarg }
            | Op::I64Load8S { memarg }
            | Op::I64Load8U { memarg }
            | Op::I64Load16S { memarg }
            | Op::I64Load16U { memarg }
            | Op::I64Load32S { memarg }
            | Op::I64Load32U { memarg } => self.load(at, &memarg, ValType::I64)?,
            Op::F32Load { memarg } => self.load(at, &memarg, ValType::F32)?,
            Op::F64Load { memarg } => self.load(at, &memarg, ValType::F64)?,
            Op::I32Store { memarg } | Op::I32Store8 { memarg } | Op::I32Store16 { memarg } => {
                self.store(at, &memarg, ValType::I32)?
            }
            Op::I64Store { memarg }
            | Op::I64Store8 { memarg }
            | Op::I64Store16 { memarg }
            | Op::I64Store32 { memarg } => self.store(at, &memarg, ValType::I64)?,
            Op::F32Store { memarg } => self.store(at, &memarg, ValType::F32)?,
            Op::F64Store { memarg } => self.store(at, &memarg, ValType::F64)?,
            Op::MemorySize { mem } => {
                self.memory(at, mem)?;
                self.push(I32);
            }
            Op::MemoryGrow { mem } => {
                self.memory(at, mem)?;
                self.pop_expect(at, I32)?;
                self.push(I32);
            }
            Op::MemoryInit { data_index, mem } => {
                self.memory(at, mem)?;
                self.data_segment(at, data_index)?;
                self.pop_types(at, &[I32, I32, I32])?;
            }
            Op::DataDrop { data_index } => self.data_segment(at, data_index)?,
            Op::MemoryCopy { dst_mem, src_mem } => {
                self.memory(at, dst_mem)?;
                self.memory(at, src_mem)?;
                self.pop_types(at, &[I32, I32, I32])?;
            }
            Op::MemoryFill { mem } => {
                self.memory(at, mem)?;
                self.pop_types(at, &[I32, I32, I32])?;
            }
            Op::RefNull { hty } => self.push(ValType::Ref(heap_type(hty, at)?)),
            Op::RefIsNull => {
                if self.pop(at)?.is_some_and(|ty| !ty.is_ref()) {
                    return invalid(at, TYPE_MISMATCH);
                }
                self.push(I32);
            }
            Op::RefFunc { function_index } => {
                if function_index as usize >= self.module.funcs.len() {
                    return invalid(at, format!("unknown function {function_index}"));
                }
                if !self.facts.is_declared_ref(function_index) {
                    return invalid(at, "undeclared function reference");
                }
                self.push(ValType::FUNCREF);
            }
            Op::TableGet { table } => {
                let element = self.table(at, table, None)?;
                self.pop_expect(at, I32)?;
                self.push(ValType::Ref(element));
            }
            Op::TableSet { table } => {
                let element = self.table(at, table, None)?;
                self.pop_types(at, &[I32, ValType::Ref(element)])?;
            }
            Op::TableSize { table } => {
                self.table(at, table, None)?;
                self.push(I32);
            }
            Op::TableGrow { table } => {
                let element = self.table(at, table, None)?;
                self.pop_types(at, &[ValType::Ref(element), I32])?;
                self.push(I32);
            }
            Op::TableFill { table } => {
                let element = self.table(at, table, None)?;
                self.pop_types(at, &[I32, ValType::Ref(element), I32])?;
            }
            Op::TableInit { elem_index, table } => {
                let element = self.table(at, table, None)?;
                if self.elem_segment(at, elem_index)? != element {
                    return invalid(at, TYPE_MISMATCH);
                }
                self.pop_types(at, &[I32, I32, I32])?;
            }
            Op::ElemDrop { elem_index } => {
                self.elem_segment(at, elem_index)?;
            }
            Op::TableCopy {
                dst_table,
                src_table,
            } => {
                let dst = self.table(at, dst_table, None)?;
                self.table(at, src_table, Some(dst))?;
                self.pop_types(at, &[I32, I32, I32])?;
            }
            _ => unsupported::reject(at, op)?,
        }
        Ok(())
    }

    /// Depth of the function's own frame, the target of `return`.
    fn innermost_depth(&self) -> u32 {
        u32::try_from(self.frames.len().saturating_sub(1)).unwrap_or(u32::MAX)
    }

    fn block_sig(&self, at: usize, ty: BlockType) -> Result<BlockSig, ValidationError> {
        Ok(match ty {
            BlockType::Empty => BlockSig::Empty,
            BlockType::Type(ty) => BlockSig::Value(val_type(ty, at)?),
            BlockType::FuncType(idx) => match self.module.types.get(idx as usize) {
                Some(ty) => BlockSig::Func(ty.clone()),
                None => return invalid(at, format!("unknown type {idx}")),
            },
        })
    }

    fn enter_block(
        &mut self,
        at: usize,
        kind: FrameKind,
        ty: BlockType,
    ) -> Result<(), ValidationError> {
        let sig = self.block_sig(at, ty)?;
        self.pop_types(at, sig.params())?;
        self.push_frame(kind, sig);
        Ok(())
    }

    /// Every target must take as many values as the default one, and the
    /// operands must suit each target's types (spec appendix, `br_table`).
    fn br_table(&mut self, at: usize, targets: &BrTable<'_>) -> Result<(), ValidationError> {
        self.pop_expect(at, I32)?;
        let default = self.label(at, targets.default())?;
        let arity = default.label_types().len();
        for depth in targets.targets() {
            let label = self.label(at, depth?)?;
            if label.label_types().len() != arity {
                return invalid(at, TYPE_MISMATCH);
            }
            self.check_top(at, label.label_types())?;
        }
        self.pop_types(at, default.label_types())?;
        self.set_unreachable(at)
    }

    fn call(&mut self, at: usize, ty: &FuncType) -> Result<(), ValidationError> {
        self.pop_types(at, ty.params())?;
        self.push_types(ty.results());
        Ok(())
    }

    /// `select` without a type immediate only chooses between numbers.
    fn untyped_select(&mut self, at: usize) -> Result<(), ValidationError> {
        self.pop_expect(at, I32)?;
        let second = self.pop(at)?;
        let first = self.pop(at)?;
        let is_num = |ty: Option<ValType>| ty.is_none_or(|ty| ty.is_num());
        if !is_num(first) || !is_num(second) {
            return invalid(at, TYPE_MISMATCH);
        }
        match (first, second) {
            (Some(a), Some(b)) if a != b => invalid(at, TYPE_MISMATCH),
            _ => {
                self.operands.push(first.or(second));
                Ok(())
            }
        }
    }

    fn typed_select(&mut self, at: usize, ty: ValType) -> Result<(), ValidationError> {
        self.pop_types(at, &[ty, ty, I32])?;
        self.push(ty);
        Ok(())
    }

    fn local(&self, at: usize, idx: u32) -> Result<ValType, ValidationError> {
        match self.locals.get(idx) {
            Some(ty) => Ok(ty),
            None => invalid(at, format!("unknown local {idx}")),
        }
    }

    fn global(&self, at: usize, idx: u32) -> Result<myrt_parser::GlobalType, ValidationError> {
        match self.module.globals.get(idx as usize) {
            Some(ty) => Ok(*ty),
            None => invalid(at, format!("unknown global {idx}")),
        }
    }

    fn memory(&self, at: usize, idx: u32) -> Result<(), ValidationError> {
        if idx as usize >= self.module.memories.len() {
            return invalid(at, format!("unknown memory {idx}"));
        }
        Ok(())
    }

    /// Table `idx`'s element type, which must be `expected` when given.
    fn table(
        &self,
        at: usize,
        idx: u32,
        expected: Option<RefType>,
    ) -> Result<RefType, ValidationError> {
        let Some(table) = self.module.tables.get(idx as usize) else {
            return invalid(at, format!("unknown table {idx}"));
        };
        if expected.is_some_and(|expected| expected != table.element) {
            return invalid(at, TYPE_MISMATCH);
        }
        Ok(table.element)
    }

    fn elem_segment(&self, at: usize, idx: u32) -> Result<RefType, ValidationError> {
        match self.module.elems.get(idx as usize) {
            Some(segment) => Ok(segment.ty),
            None => invalid(at, format!("unknown elem segment {idx}")),
        }
    }

    /// Data segments are indexed through the data count section, which
    /// comes before the code: bodies are validated before the data section.
    fn data_segment(&self, at: usize, idx: u32) -> Result<(), ValidationError> {
        let Some(count) = self.module.data_count else {
            return invalid(at, "data count section required");
        };
        if idx >= count {
            return invalid(at, format!("unknown data segment {idx}"));
        }
        Ok(())
    }

    fn mem_arg(&self, at: usize, memarg: &MemArg) -> Result<(), ValidationError> {
        self.memory(at, memarg.memory)?;
        if memarg.align > memarg.max_align {
            return invalid(at, "alignment must not be larger than natural");
        }
        if memarg.offset > u64::from(u32::MAX) {
            return invalid(at, "offset out of range");
        }
        Ok(())
    }

    fn load(&mut self, at: usize, memarg: &MemArg, ty: ValType) -> Result<(), ValidationError> {
        self.mem_arg(at, memarg)?;
        self.pop_expect(at, I32)?;
        self.push(ty);
        Ok(())
    }

    fn store(&mut self, at: usize, memarg: &MemArg, ty: ValType) -> Result<(), ValidationError> {
        self.mem_arg(at, memarg)?;
        self.pop_types(at, &[I32, ty])
    }
}
