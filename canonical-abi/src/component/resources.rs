//! Resource types at run time: each `(type (resource ...))` definition and
//! each host resource gets a fresh identity (resource types are generative,
//! Explainer.md "Resource types"), together with its destructor.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use myrt_interp::{Func as CoreFunc, Store, Val as CoreVal};

use super::error::Error;
use crate::types::ResourceId;

/// A resource type: the host's (from [`ResourceType::host`]) or one a
/// component instance defines. Host values of it are `Val::Own(rep)` /
/// `Val::Borrow(rep)` carrying the resource's representation.
#[derive(Clone)]
pub struct ResourceType {
    pub(crate) id: ResourceId,
    pub(crate) dtor: Option<Dtor>,
}

impl std::fmt::Debug for ResourceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ResourceType({})", self.id.0)
    }
}

/// Who destroys a resource when its last owning handle is dropped.
#[derive(Clone)]
pub(crate) enum Dtor {
    /// The `(dtor $f)` core function of the defining component.
    Core(CoreFunc),
    /// A host destructor: a [`HostDtor<T>`] behind `Any`, so that items stay
    /// independent of the store's data type.
    Host(Arc<dyn Any + Send + Sync>),
}

pub(crate) type HostDtor<T> = Arc<dyn Fn(&mut Store<T>, u32) -> Result<(), Error> + Send + Sync>;

/// A resource id no other resource type has; host-defined ones carry
/// [`ResourceId::HOST_DEFINED`]. 2^31 types of each kind per process is
/// beyond any realistic use.
fn fresh_id(host_defined: bool) -> ResourceId {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed) & !ResourceId::HOST_DEFINED;
    ResourceId(if host_defined {
        n | ResourceId::HOST_DEFINED
    } else {
        n
    })
}

impl ResourceType {
    /// A new host resource type, distinct from every other.
    pub fn host() -> Self {
        ResourceType {
            id: fresh_id(true),
            dtor: None,
        }
    }

    /// The host resource type that [`Resource<T>`](super::Resource) handles
    /// have: the same for every call with the same `T`, distinct from every
    /// other resource type. Define it in a linker with
    /// [`LinkerInstance::resource`](super::LinkerInstance::resource).
    pub fn of<T: 'static>() -> Self {
        static IDS: OnceLock<Mutex<HashMap<TypeId, ResourceId>>> = OnceLock::new();
        let mut ids = IDS
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        ResourceType {
            id: *ids
                .entry(TypeId::of::<T>())
                .or_insert_with(|| fresh_id(true)),
            dtor: None,
        }
    }

    pub(crate) fn defined(dtor: Option<Dtor>) -> Self {
        ResourceType {
            id: fresh_id(false),
            dtor,
        }
    }

    pub fn id(&self) -> ResourceId {
        self.id
    }

    /// Runs the destructor for `rep`: what dropping the last owning handle
    /// does. A host holding an `own` it received from a guest calls this to
    /// release it.
    pub fn drop_rep<T: 'static>(&self, store: &mut Store<T>, rep: u32) -> Result<(), Error> {
        match &self.dtor {
            None => Ok(()),
            Some(Dtor::Core(func)) => {
                func.call(&mut *store, &[CoreVal::I32(rep as i32)], &mut [])?;
                Ok(())
            }
            Some(Dtor::Host(any)) => match any.downcast_ref::<HostDtor<T>>() {
                Some(dtor) => dtor(store, rep),
                None => Err(Error::Other(
                    "a host resource was used with a store of another data type".into(),
                )),
            },
        }
    }
}

impl PartialEq for ResourceType {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
