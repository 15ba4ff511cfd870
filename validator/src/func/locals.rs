//! The locals of a function. A body may declare up to 2^32 - 1 locals in a
//! few bytes, so they are stored as runs of equal types and never fully
//! expanded; the first few are also kept one entry each, because
//! `local.get`/`local.set` are the most frequent operators and real bodies
//! rarely have more locals than that.

use myrt_parser::ValType;

/// How many locals get a constant-time entry; beyond, lookups search the runs.
const DIRECT: usize = 1024;

#[derive(Debug, Default)]
pub(crate) struct Locals {
    /// Types of locals `0..min(len, DIRECT)`.
    direct: Vec<ValType>,
    /// `(end, ty)`: locals `previous end .. end` have type `ty`; `end` grows strictly.
    runs: Vec<(u32, ValType)>,
}

impl Locals {
    /// Forgets every local but keeps the allocations, for the next body.
    pub(crate) fn clear(&mut self) {
        self.direct.clear();
        self.runs.clear();
    }

    pub(crate) fn len(&self) -> u32 {
        self.runs.last().map_or(0, |&(end, _)| end)
    }

    /// Adds `count` locals of type `ty`; `None` if the total would not fit in a `u32`.
    pub(crate) fn push(&mut self, count: u32, ty: ValType) -> Option<()> {
        let end = self.len().checked_add(count)?;
        if count > 0 {
            self.runs.push((end, ty));
            let direct = DIRECT.saturating_sub(self.direct.len()).min(count as usize);
            self.direct.extend(std::iter::repeat_n(ty, direct));
        }
        Some(())
    }

    #[inline]
    pub(crate) fn get(&self, idx: u32) -> Option<ValType> {
        if let Some(&ty) = self.direct.get(idx as usize) {
            return Some(ty);
        }
        let run = self.runs.partition_point(|&(end, _)| end <= idx);
        self.runs.get(run).map(|&(_, ty)| ty)
    }
}
