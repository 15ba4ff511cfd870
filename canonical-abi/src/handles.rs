//! A component instance's resource handle table (CanonicalABI.md: "Table
//! State", "Resource State", `lift_own`, `lift_borrow`, `lower_own`,
//! `lower_borrow`, `canon resource.{new,drop,rep}`), for synchronous calls.
//!
//! The rules it enforces:
//! - index 0 is never a handle, so guests can use 0 as "none";
//! - a handle is lent (`num_lends`) while a borrow of it is passed to a call,
//!   and an `own` that is lent cannot be dropped or moved out;
//! - a `borrow` received by a call must be dropped before that call
//!   returns (`BorrowScope`, the spec's `Task.num_borrows`).

use std::collections::{HashMap, HashSet};

use crate::abi::ResourceBridge;
use crate::error::{Error, trap_if};
use crate::types::ResourceId;

/// `Table.MAX_LENGTH`.
pub const MAX_TABLE_LENGTH: u32 = (1 << 28) - 1;

/// Runs when an owning handle is dropped, with the resource's `rep`.
///
/// `Send` so that a table can sit behind a mutex shared by the host
/// functions of a component instance (which the core store requires to be
/// `Send + Sync`).
pub type Destructor = Box<dyn FnMut(u32) -> Result<(), Error> + Send>;

/// `ResourceHandle`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ResourceHandle {
    rt: ResourceId,
    rep: u32,
    /// `None` for an `own`; the call that received it for a `borrow`.
    borrow_scope: Option<ScopeId>,
    num_lends: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ScopeId(u64);

/// One call into this instance, during which it may hold borrows
/// (the spec's `Task`, as far as borrows are concerned). Not `Clone`:
/// [`HandleTable::end_call`] consumes it.
#[derive(Debug)]
pub struct BorrowScope {
    id: ScopeId,
}

/// Handles this instance lent to one outgoing call (the spec's
/// `Subtask.lenders`); released by [`HandleTable::release_lenders`] when
/// the call returns.
#[derive(Debug, Default)]
pub struct Lenders {
    indices: Vec<u32>,
}

/// The handle table of one component instance.
#[derive(Default)]
pub struct HandleTable {
    /// Slot 0 is reserved and stays `None`.
    entries: Vec<Option<ResourceHandle>>,
    free: Vec<u32>,
    /// Resource types this instance defines (`rt.impl is inst`).
    implemented: HashSet<ResourceId>,
    destructors: HashMap<ResourceId, Destructor>,
    /// Borrow counts of the calls currently inside this instance.
    scopes: Vec<(ScopeId, u32)>,
    next_scope: u64,
}

impl std::fmt::Debug for HandleTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandleTable")
            .field("entries", &self.entries)
            .field("free", &self.free)
            .field("implemented", &self.implemented)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl HandleTable {
    pub fn new() -> Self {
        HandleTable {
            entries: vec![None],
            ..HandleTable::default()
        }
    }

    /// Declares that this instance implements `rt`: borrows of it lowered
    /// into this instance arrive as the bare `rep` (`lower_borrow`).
    pub fn implement_resource(&mut self, rt: ResourceId) {
        self.implemented.insert(rt);
    }

    /// Sets what runs when an owning handle of `rt` is dropped from this
    /// table: the type's destructor, called directly for a resource this
    /// instance implements, or through the implementing instance otherwise.
    pub fn set_destructor(&mut self, rt: ResourceId, destructor: Destructor) {
        self.destructors.insert(rt, destructor);
    }

    /// Number of live handles.
    pub fn live_handles(&self) -> usize {
        self.entries.iter().flatten().count()
    }

    /// `Table.add`.
    fn add(&mut self, handle: ResourceHandle) -> Result<u32, Error> {
        if let Some(index) = self.free.pop() {
            self.entries[index as usize] = Some(handle);
            return Ok(index);
        }
        let index = self.entries.len() as u32;
        trap_if(index > MAX_TABLE_LENGTH, || {
            "the handle table is full".into()
        })?;
        self.entries.push(Some(handle));
        Ok(index)
    }

    /// `Table.get`, plus the resource-type check every caller makes.
    fn get_mut(&mut self, rt: ResourceId, index: u32) -> Result<&mut ResourceHandle, Error> {
        let handle = self
            .entries
            .get_mut(index as usize)
            .and_then(Option::as_mut)
            .ok_or_else(|| Error::trap(format!("unknown handle index {index}")))?;
        trap_if(handle.rt != rt, || {
            let found = if handle.rt.is_host_defined() == rt.is_host_defined() {
                "a different"
            } else {
                "a"
            };
            format!(
                "handle index {index} used with the wrong type, expected {} but found {found} {}",
                rt.describe(),
                handle.rt.describe()
            )
        })?;
        Ok(handle)
    }

    /// `Table.remove`, after checking the handle may be removed.
    fn remove(&mut self, rt: ResourceId, index: u32) -> Result<ResourceHandle, Error> {
        let handle = self.get_mut(rt, index)?;
        trap_if(handle.num_lends != 0, || {
            let what = match handle.borrow_scope {
                None => "owned",
                Some(_) => "borrowed",
            };
            format!(
                "cannot remove {what} resource while borrowed (handle index {index} is lent to a call in progress)"
            )
        })?;
        let handle = self.entries[index as usize]
            .take()
            .ok_or_else(|| Error::trap("handle vanished"))?;
        self.free.push(index);
        Ok(handle)
    }

    /// `canon resource.new`: a new owning handle for `rep`.
    pub fn resource_new(&mut self, rt: ResourceId, rep: u32) -> Result<u32, Error> {
        self.add(ResourceHandle {
            rt,
            rep,
            borrow_scope: None,
            num_lends: 0,
        })
    }

    /// `canon resource.rep`.
    pub fn resource_rep(&mut self, rt: ResourceId, index: u32) -> Result<u32, Error> {
        Ok(self.get_mut(rt, index)?.rep)
    }

    /// `canon resource.drop`: an owning handle runs the destructor; a borrow
    /// ends, releasing its call's obligation to drop it.
    pub fn resource_drop(&mut self, rt: ResourceId, index: u32) -> Result<(), Error> {
        let handle = self.remove(rt, index)?;
        match handle.borrow_scope {
            None => match self.destructors.get_mut(&rt) {
                Some(destructor) => destructor(handle.rep),
                None => Ok(()),
            },
            Some(scope) => {
                let count = self.scope_count(scope)?;
                *count -= 1;
                Ok(())
            }
        }
    }

    /// `lift_own`: moves an owning handle out of the table.
    pub fn lift_own(&mut self, rt: ResourceId, index: u32) -> Result<u32, Error> {
        trap_if(self.get_mut(rt, index)?.borrow_scope.is_some(), || {
            format!("handle index {index} is a borrow where an own is expected")
        })?;
        Ok(self.remove(rt, index)?.rep)
    }

    /// `lift_borrow`: lends handle `index` (own or borrow) to an outgoing
    /// call until [`HandleTable::release_lenders`].
    pub fn lift_borrow(
        &mut self,
        rt: ResourceId,
        index: u32,
        lenders: &mut Lenders,
    ) -> Result<u32, Error> {
        let handle = self.get_mut(rt, index)?;
        handle.num_lends += 1;
        lenders.indices.push(index);
        Ok(handle.rep)
    }

    /// `Subtask.deliver_resolve`: the call returned; its lent handles may
    /// be dropped again.
    pub fn release_lenders(&mut self, lenders: Lenders) {
        for index in lenders.indices {
            // A lent handle cannot be removed, so it is still here.
            if let Some(Some(handle)) = self.entries.get_mut(index as usize) {
                handle.num_lends = handle.num_lends.saturating_sub(1);
            }
        }
    }

    /// `lower_own`: a new owning handle in this table.
    pub fn lower_own(&mut self, rt: ResourceId, rep: u32) -> Result<u32, Error> {
        self.resource_new(rt, rep)
    }

    /// `lower_borrow`: a borrowed handle owned by the call `scope`, or the
    /// bare `rep` when this instance implements `rt`.
    pub fn lower_borrow(
        &mut self,
        rt: ResourceId,
        rep: u32,
        scope: &BorrowScope,
    ) -> Result<u32, Error> {
        if self.implemented.contains(&rt) {
            return Ok(rep);
        }
        *self.scope_count(scope.id)? += 1;
        self.add(ResourceHandle {
            rt,
            rep,
            borrow_scope: Some(scope.id),
            num_lends: 0,
        })
    }

    /// A call into this instance starts.
    pub fn begin_call(&mut self) -> BorrowScope {
        let id = ScopeId(self.next_scope);
        self.next_scope += 1;
        self.scopes.push((id, 0));
        BorrowScope { id }
    }

    /// The call returns (`Task.return_`): traps if it still holds borrows.
    /// The scope is closed either way, so a trap leaves the table usable for
    /// tearing the instance down.
    pub fn end_call(&mut self, scope: BorrowScope) -> Result<(), Error> {
        let position = self
            .scopes
            .iter()
            .position(|(id, _)| *id == scope.id)
            .ok_or_else(|| Error::trap("call scope already ended"))?;
        let (_, borrows) = self.scopes.remove(position);
        trap_if(borrows != 0, || {
            format!("borrow handles still remain at the end of the call ({borrows} not dropped)")
        })
    }

    fn scope_count(&mut self, id: ScopeId) -> Result<&mut u32, Error> {
        self.scopes
            .iter_mut()
            .find(|(scope, _)| *scope == id)
            .map(|(_, count)| count)
            .ok_or_else(|| Error::trap("borrow belongs to a call that has ended"))
    }
}

/// Lifts and lowers resources against a [`HandleTable`]: values carry the
/// resource's `rep`.
///
/// Lifting a `borrow` needs the outgoing call's [`Lenders`]; lowering one
/// needs the incoming call's [`BorrowScope`].
pub struct TableBridge<'a> {
    table: &'a mut HandleTable,
    lenders: Option<&'a mut Lenders>,
    scope: Option<&'a BorrowScope>,
}

impl<'a> TableBridge<'a> {
    /// For lifting the arguments of an outgoing call (`canon lower`).
    pub fn lifting(table: &'a mut HandleTable, lenders: &'a mut Lenders) -> Self {
        TableBridge {
            table,
            lenders: Some(lenders),
            scope: None,
        }
    }

    /// For lowering the arguments of an incoming call (`canon lift`).
    pub fn lowering(table: &'a mut HandleTable, scope: &'a BorrowScope) -> Self {
        TableBridge {
            table,
            lenders: None,
            scope: Some(scope),
        }
    }

    /// For results, which never contain borrows.
    pub fn results(table: &'a mut HandleTable) -> Self {
        TableBridge {
            table,
            lenders: None,
            scope: None,
        }
    }
}

impl ResourceBridge for TableBridge<'_> {
    fn lift_own(&mut self, rt: ResourceId, index: u32) -> Result<u32, Error> {
        self.table.lift_own(rt, index)
    }

    fn lift_borrow(&mut self, rt: ResourceId, index: u32) -> Result<u32, Error> {
        match self.lenders.as_deref_mut() {
            Some(lenders) => self.table.lift_borrow(rt, index, lenders),
            None => Err(Error::mismatch(
                "a borrow can only be lifted from the arguments of a call",
            )),
        }
    }

    fn lower_own(&mut self, rt: ResourceId, rep: u32) -> Result<u32, Error> {
        self.table.lower_own(rt, rep)
    }

    fn lower_borrow(&mut self, rt: ResourceId, rep: u32) -> Result<u32, Error> {
        match self.scope {
            Some(scope) => self.table.lower_borrow(rt, rep, scope),
            None => Err(Error::mismatch(
                "a borrow can only be lowered into the arguments of a call",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{CanonOptions, Context, VecMemory, lift_func_params, lower_func_params};
    use crate::types::Type;
    use crate::values::Val;
    use std::sync::{Arc, Mutex};

    const FILE: ResourceId = ResourceId(1);
    const SOCKET: ResourceId = ResourceId(2);

    fn is_trap<T: std::fmt::Debug>(r: Result<T, Error>, needle: &str) -> bool {
        matches!(&r, Err(Error::Trap(m)) if m.contains(needle))
    }

    #[test]
    fn index_zero_is_never_handed_out_and_slots_are_reused() {
        let mut table = HandleTable::new();
        assert_eq!(table.resource_new(FILE, 100), Ok(1));
        assert_eq!(table.resource_new(FILE, 200), Ok(2));
        assert!(is_trap(table.resource_rep(FILE, 0), "unknown handle index"));
        table.resource_drop(FILE, 1).unwrap();
        assert_eq!(table.resource_new(FILE, 300), Ok(1));
        assert_eq!(table.resource_rep(FILE, 1), Ok(300));
        assert_eq!(table.live_handles(), 2);
    }

    #[test]
    fn handles_are_checked_for_liveness_and_type() {
        let mut table = HandleTable::new();
        let h = table.resource_new(FILE, 7).unwrap();
        assert!(is_trap(
            table.resource_rep(SOCKET, h),
            "wrong type, expected guest-defined resource but found a different guest-defined resource"
        ));
        assert!(is_trap(table.resource_drop(SOCKET, h), "wrong type"));
        table.resource_drop(FILE, h).unwrap();
        assert!(is_trap(
            table.resource_drop(FILE, h),
            "unknown handle index"
        ));
        assert!(is_trap(
            table.resource_rep(FILE, 99),
            "unknown handle index"
        ));
    }

    #[test]
    fn dropping_an_own_runs_the_destructor() {
        let dropped = Arc::new(Mutex::new(Vec::new()));
        let mut table = HandleTable::new();
        let log = Arc::clone(&dropped);
        table.set_destructor(
            FILE,
            Box::new(move |rep| {
                log.lock().unwrap().push(rep);
                Ok(())
            }),
        );
        let h = table.resource_new(FILE, 42).unwrap();
        table.resource_drop(FILE, h).unwrap();
        assert_eq!(*dropped.lock().unwrap(), [42]);
    }

    #[test]
    fn a_lent_own_cannot_be_dropped_or_moved_until_the_call_returns() {
        let mut table = HandleTable::new();
        let h = table.resource_new(FILE, 5).unwrap();
        let mut lenders = Lenders::default();
        assert_eq!(table.lift_borrow(FILE, h, &mut lenders), Ok(5));
        assert!(is_trap(table.resource_drop(FILE, h), "while borrowed"));
        assert!(is_trap(table.lift_own(FILE, h), "while borrowed"));
        table.release_lenders(lenders);
        assert_eq!(table.lift_own(FILE, h), Ok(5));
        assert_eq!(table.live_handles(), 0);
    }

    #[test]
    fn a_borrow_must_be_dropped_before_its_call_returns() {
        let mut table = HandleTable::new();
        let scope = table.begin_call();
        let b = table.lower_borrow(FILE, 9, &scope).unwrap();
        assert_eq!(table.resource_rep(FILE, b), Ok(9));
        assert!(is_trap(table.lift_own(FILE, b), "borrow where an own"));
        assert!(is_trap(
            table.end_call(scope),
            "remain at the end of the call (1 not dropped)"
        ));

        let scope = table.begin_call();
        let b = table.lower_borrow(FILE, 9, &scope).unwrap();
        table.resource_drop(FILE, b).unwrap();
        assert_eq!(table.end_call(scope), Ok(()));
    }

    #[test]
    fn dropping_a_borrow_does_not_run_the_destructor() {
        let mut table = HandleTable::new();
        table.set_destructor(FILE, Box::new(|_| Err(Error::trap("destructor ran"))));
        let scope = table.begin_call();
        let b = table.lower_borrow(FILE, 1, &scope).unwrap();
        assert_eq!(table.resource_drop(FILE, b), Ok(()));
        assert_eq!(table.end_call(scope), Ok(()));
    }

    #[test]
    fn borrows_of_own_resources_arrive_as_the_rep() {
        let mut table = HandleTable::new();
        table.implement_resource(FILE);
        let scope = table.begin_call();
        assert_eq!(table.lower_borrow(FILE, 1234, &scope), Ok(1234));
        assert_eq!(table.live_handles(), 0);
        assert_eq!(table.end_call(scope), Ok(()));
    }

    #[test]
    fn resources_move_between_instances_through_the_bridge() {
        // Caller instance A holds an own and passes (own, borrow-of-own).
        let mut caller = HandleTable::new();
        let moved = caller.resource_new(FILE, 10).unwrap();
        let lent = caller.resource_new(FILE, 20).unwrap();
        let types = [Type::Own(FILE), Type::Borrow(FILE)];
        let flat_args = [
            crate::FlatVal::I32(moved as i32),
            crate::FlatVal::I32(lent as i32),
        ];
        let mut memory = VecMemory::new(16);

        let mut lenders = Lenders::default();
        let args = {
            let mut bridge = TableBridge::lifting(&mut caller, &mut lenders);
            let mut cx = Context::new(CanonOptions::default(), Some(&mut memory), &mut bridge);
            lift_func_params(&mut cx, &flat_args, &types).unwrap()
        };
        assert_eq!(args, [Val::Own(10), Val::Borrow(20)]);
        assert!(
            is_trap(caller.resource_rep(FILE, moved), "unknown handle index"),
            "the own moved out"
        );

        // Callee instance B receives new handles.
        let mut callee = HandleTable::new();
        let scope = callee.begin_call();
        let lowered = {
            let mut bridge = TableBridge::lowering(&mut callee, &scope);
            let mut cx = Context::new(CanonOptions::default(), Some(&mut memory), &mut bridge);
            lower_func_params(&mut cx, &args, &types).unwrap()
        };
        let [crate::FlatVal::I32(own), crate::FlatVal::I32(borrow)] = lowered[..] else {
            panic!("{lowered:?}")
        };
        assert_eq!(callee.resource_rep(FILE, own as u32), Ok(10));
        assert_eq!(callee.resource_rep(FILE, borrow as u32), Ok(20));
        assert!(is_trap(caller.resource_drop(FILE, lent), "while borrowed"));

        callee.resource_drop(FILE, borrow as u32).unwrap();
        callee.end_call(scope).unwrap();
        caller.release_lenders(lenders);
        assert_eq!(caller.resource_drop(FILE, lent), Ok(()));
    }

    #[test]
    fn borrows_outside_call_arguments_are_rejected() {
        let mut table = HandleTable::new();
        let h = table.resource_new(FILE, 1).unwrap();
        let mut bridge = TableBridge::results(&mut table);
        assert!(matches!(
            bridge.lift_borrow(FILE, h),
            Err(Error::TypeMismatch(_))
        ));
        assert!(matches!(
            bridge.lower_borrow(FILE, 1),
            Err(Error::TypeMismatch(_))
        ));
        assert_eq!(bridge.lift_own(FILE, h), Ok(1));
    }
}
