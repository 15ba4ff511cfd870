//! The host resource table: typed handles (`Resource<T>`, a `u32` rep) to
//! boxed host objects, with parent/child links.
//!
//! WASI requires some resources to be dropped before the one they came from
//! (a pollable before its stream): a parent with live children cannot be
//! deleted, which the binding reports as a trap, like the canonical ABI does
//! for a lent `own` handle.

use std::any::Any;
use std::collections::BTreeSet;
use std::marker::PhantomData;

/// Cap on live entries, so that a guest leaking handles fails cleanly
/// instead of exhausting host memory.
const MAX_ENTRIES: usize = 1 << 20;

/// A typed handle to a table entry. The canonical-ABI binding creates one
/// from the rep of an `own` or `borrow` handle with [`Resource::new`].
pub struct Resource<T> {
    rep: u32,
    _type: PhantomData<fn() -> T>,
}

impl<T> Resource<T> {
    pub fn new(rep: u32) -> Self {
        Resource {
            rep,
            _type: PhantomData,
        }
    }

    pub fn rep(&self) -> u32 {
        self.rep
    }

    /// Another handle to the same entry: for borrows the binding hands out
    /// while the owner keeps its handle.
    pub fn borrowed(&self) -> Self {
        Resource::new(self.rep)
    }
}

impl<T> std::fmt::Debug for Resource<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Resource<{}>({})", std::any::type_name::<T>(), self.rep)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("resource handle {0} does not exist (already dropped or never created)")]
    NotPresent(u32),
    #[error("resource handle {rep} is not a {expected}")]
    WrongType { rep: u32, expected: &'static str },
    #[error("resource handle {0} cannot be dropped while resources derived from it are alive")]
    HasChildren(u32),
    #[error("the resource table is full ({MAX_ENTRIES} live entries)")]
    Full,
}

struct Entry {
    value: Box<dyn Any + Send>,
    parent: Option<u32>,
    children: BTreeSet<u32>,
}

#[derive(Default)]
pub struct ResourceTable {
    /// Slot `i` holds rep `i + 1`: rep 0 is never issued, matching the
    /// canonical ABI's reserved handle index so a zero is always a bug.
    slots: Vec<Option<Entry>>,
    free: Vec<u32>,
    live: usize,
}

impl ResourceTable {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub fn push<T: Any + Send>(&mut self, value: T) -> Result<Resource<T>, TableError> {
        self.insert(Box::new(value), None).map(Resource::new)
    }

    /// Pushes `value` as a child of `parent`: `parent` cannot be deleted
    /// until this entry is.
    pub fn push_child<T: Any + Send, P>(
        &mut self,
        value: T,
        parent: &Resource<P>,
    ) -> Result<Resource<T>, TableError> {
        self.entry(parent.rep)?;
        let rep = self.insert(Box::new(value), Some(parent.rep))?;
        if let Some(Some(p)) = self.slots.get_mut(slot_index(parent.rep)) {
            p.children.insert(rep);
        }
        Ok(Resource::new(rep))
    }

    pub fn get<T: Any>(&self, handle: &Resource<T>) -> Result<&T, TableError> {
        self.entry(handle.rep)?
            .value
            .downcast_ref()
            .ok_or(wrong_type::<T>(handle.rep))
    }

    pub fn get_mut<T: Any>(&mut self, handle: &Resource<T>) -> Result<&mut T, TableError> {
        let rep = handle.rep;
        self.entry_mut(rep)?
            .value
            .downcast_mut()
            .ok_or(wrong_type::<T>(rep))
    }

    /// Removes the entry (the resource's destructor in WASI terms) and
    /// returns its value.
    pub fn delete<T: Any>(&mut self, handle: Resource<T>) -> Result<T, TableError> {
        let rep = handle.rep;
        let entry = self.entry(rep)?;
        if !entry.value.is::<T>() {
            return Err(wrong_type::<T>(rep));
        }
        if !entry.children.is_empty() {
            return Err(TableError::HasChildren(rep));
        }
        let entry = self.slots[slot_index(rep)]
            .take()
            .ok_or(TableError::NotPresent(rep))?;
        self.free.push(rep);
        self.live -= 1;
        if let Some(parent) = entry.parent
            && let Some(Some(p)) = self.slots.get_mut(slot_index(parent))
        {
            p.children.remove(&rep);
        }
        entry
            .value
            .downcast()
            .map(|boxed| *boxed)
            .map_err(|_| wrong_type::<T>(rep))
    }

    fn insert(
        &mut self,
        value: Box<dyn Any + Send>,
        parent: Option<u32>,
    ) -> Result<u32, TableError> {
        if self.live >= MAX_ENTRIES {
            return Err(TableError::Full);
        }
        let entry = Entry {
            value,
            parent,
            children: BTreeSet::new(),
        };
        let rep = match self.free.pop() {
            Some(rep) => {
                self.slots[slot_index(rep)] = Some(entry);
                rep
            }
            None => {
                self.slots.push(Some(entry));
                // Cannot overflow: the slot count is bounded by MAX_ENTRIES.
                self.slots.len() as u32
            }
        };
        self.live += 1;
        Ok(rep)
    }

    fn entry(&self, rep: u32) -> Result<&Entry, TableError> {
        rep.checked_sub(1)
            .and_then(|i| self.slots.get(i as usize))
            .and_then(Option::as_ref)
            .ok_or(TableError::NotPresent(rep))
    }

    fn entry_mut(&mut self, rep: u32) -> Result<&mut Entry, TableError> {
        rep.checked_sub(1)
            .and_then(|i| self.slots.get_mut(i as usize))
            .and_then(Option::as_mut)
            .ok_or(TableError::NotPresent(rep))
    }
}

/// Only called with reps that passed `entry()`, so `rep >= 1`.
fn slot_index(rep: u32) -> usize {
    rep.saturating_sub(1) as usize
}

fn wrong_type<T>(rep: u32) -> TableError {
    TableError::WrongType {
        rep,
        expected: std::any::type_name::<T>(),
    }
}
