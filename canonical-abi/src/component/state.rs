//! Per-component-instance run-time state the canonical built-ins share:
//! the resource handle table and the reentrance flags
//! (CanonicalABI.md: `ComponentInstance.may_enter` / `may_leave`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::error::Error;
use crate::handles::HandleTable;

#[derive(Debug)]
pub(crate) struct InstanceState {
    /// The instance whose instantiation created this one (`None` for a
    /// root instance): calls between an instance and its ancestors count
    /// as reentrance (`call_might_be_recursive`).
    parent: Option<Arc<InstanceState>>,
    table: Mutex<HandleTable>,
    /// False while a call into this instance is in progress: the 0.2 model
    /// forbids reentering an instance that is on the stack.
    may_enter: AtomicBool,
    /// False while the instance must not call out: during lowering into its
    /// memory (its `realloc` runs) and during `post-return`.
    may_leave: AtomicBool,
    /// Set when a call into the instance trapped: its state may be
    /// inconsistent, so it is never entered again (the spec's trap unwinds
    /// and leaves the instance unusable).
    poisoned: AtomicBool,
    /// Reps of owned resources the table dropped, waiting for their
    /// destructors (which need the store, out of the table's reach).
    doomed: Arc<Mutex<Vec<u32>>>,
}

impl InstanceState {
    pub fn new(parent: Option<Arc<InstanceState>>) -> Self {
        InstanceState {
            parent,
            table: Mutex::new(HandleTable::new()),
            may_enter: AtomicBool::new(true),
            may_leave: AtomicBool::new(true),
            poisoned: AtomicBool::new(false),
            doomed: Arc::default(),
        }
    }

    /// The handle table. Locks are held only while values are lifted or
    /// lowered; core code that runs meanwhile (`realloc`) and tries to use
    /// the table again traps instead of deadlocking.
    pub fn table(&self) -> Result<MutexGuard<'_, HandleTable>, Error> {
        match self.table.try_lock() {
            Ok(guard) => Ok(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Ok(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => Err(Error::trap(
                "cannot use the component instance's handle table while values are being copied",
            )),
        }
    }

    /// Makes the table note the rep of every dropped owning handle of `rt`,
    /// for [`InstanceState::take_doomed`].
    pub fn track_drops(&self, rt: crate::ResourceId) -> Result<(), Error> {
        let doomed = Arc::clone(&self.doomed);
        self.table()?.set_destructor(
            rt,
            Box::new(move |rep| {
                doomed
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(rep);
                Ok(())
            }),
        );
        Ok(())
    }

    /// The reps whose destructors are due.
    pub fn take_doomed(&self) -> Vec<u32> {
        std::mem::take(
            &mut *self
                .doomed
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    /// `trap_if(call_might_be_recursive(caller, inst))`, then marks the
    /// instance entered until the guard drops. `caller` is the instance
    /// whose `canon lower` makes the call, `None` for the host.
    ///
    /// Besides the spec's ancestor rule, an instance already on the stack
    /// (`may_enter` from the 0.2 ABI) or one a trap left inconsistent is
    /// never entered.
    pub fn enter(&self, caller: Option<&InstanceState>) -> Result<FlagGuard<'_>, Error> {
        let recursive = caller.is_some_and(|caller| {
            caller.is_reflexive_ancestor_of(self) || self.is_reflexive_ancestor_of(caller)
        });
        if recursive
            || self.poisoned.load(Ordering::Relaxed)
            || !self.may_enter.swap(false, Ordering::Relaxed)
        {
            return Err(Error::trap("cannot enter component instance"));
        }
        Ok(FlagGuard(&self.may_enter))
    }

    /// `ComponentInstance.is_reflexive_ancestor_of`.
    fn is_reflexive_ancestor_of(&self, other: &InstanceState) -> bool {
        let mut next = Some(other);
        while let Some(instance) = next {
            if std::ptr::eq(self, instance) {
                return true;
            }
            next = instance.parent.as_deref();
        }
        false
    }

    /// A call into the instance trapped.
    pub fn poison(&self) {
        self.poisoned.store(true, Ordering::Relaxed);
    }

    /// `trap_if(not inst.may_leave)`.
    pub fn check_may_leave(&self) -> Result<(), Error> {
        if self.may_leave.load(Ordering::Relaxed) {
            Ok(())
        } else {
            Err(Error::trap("cannot leave component instance"))
        }
    }

    /// Forbids calls out of the instance until the guard drops.
    pub fn forbid_leave(&self) -> FlagGuard<'_> {
        self.may_leave.store(false, Ordering::Relaxed);
        FlagGuard(&self.may_leave)
    }
}

/// Sets its flag back to true when dropped, so errors cannot leave an
/// instance locked.
pub(crate) struct FlagGuard<'a>(&'a AtomicBool);

impl Drop for FlagGuard<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
