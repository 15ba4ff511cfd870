//! The locals of a function, stored as runs of equal types: a body may
//! declare up to 2^32 - 1 locals in a few bytes, so they are never expanded.

use myrt_parser::ValType;

#[derive(Debug, Default)]
pub(crate) struct Locals {
    /// `(end, ty)`: locals `previous end .. end` have type `ty`; `end` grows strictly.
    runs: Vec<(u32, ValType)>,
}

impl Locals {
    pub(crate) fn len(&self) -> u32 {
        self.runs.last().map_or(0, |&(end, _)| end)
    }

    /// Adds `count` locals of type `ty`; `None` if the total would not fit in a `u32`.
    pub(crate) fn push(&mut self, count: u32, ty: ValType) -> Option<()> {
        let end = self.len().checked_add(count)?;
        if count > 0 {
            self.runs.push((end, ty));
        }
        Some(())
    }

    pub(crate) fn get(&self, idx: u32) -> Option<ValType> {
        let run = self.runs.partition_point(|&(end, _)| end <= idx);
        self.runs.get(run).map(|&(_, ty)| ty)
    }
}
