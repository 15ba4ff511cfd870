//! Resource handles in the typed API. They are what `Val::Own` /
//! `Val::Borrow` carry, the resource's rep, plus the resource type and
//! whether the handle is owned; the handle tables of the instances the
//! values cross stay the only handle mechanism.

use std::fmt;
use std::marker::PhantomData;

use myrt_interp::Store;

use super::error::Error;
use super::resources::ResourceType;
use super::typed::{ComponentValue, TypeMismatch};
use crate::types::{ResourceId, Type};
use crate::values::Val;

/// A handle to a host resource whose type is [`ResourceType::of::<T>()`]:
/// `rep` is whatever the host uses to find the resource (an index into its
/// own table, say). An owned handle can be passed where the component
/// expects an `own` or a `borrow` (the host lends it); a borrowed one only
/// where it expects a `borrow`.
pub struct Resource<T: 'static> {
    rep: u32,
    owned: bool,
    _type: PhantomData<fn() -> T>,
}

// Not derived: a derive would require `T: Clone` / `T: PartialEq`.
impl<T> Clone for Resource<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Resource<T> {}

impl<T> PartialEq for Resource<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.rep, self.owned) == (other.rep, other.owned)
    }
}

impl<T> fmt::Debug for Resource<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.owned { "own" } else { "borrow" };
        write!(
            f,
            "Resource<{}>({kind} {})",
            std::any::type_name::<T>(),
            self.rep
        )
    }
}

impl<T: 'static> Resource<T> {
    pub fn new_own(rep: u32) -> Self {
        Resource {
            rep,
            owned: true,
            _type: PhantomData,
        }
    }

    pub fn new_borrow(rep: u32) -> Self {
        Resource {
            rep,
            owned: false,
            _type: PhantomData,
        }
    }

    pub fn rep(&self) -> u32 {
        self.rep
    }

    pub fn owned(&self) -> bool {
        self.owned
    }
}

/// A handle to a resource of any type, guest- or host-defined, as lifted
/// from a component value: the resource type comes from the function type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceAny {
    ty: ResourceId,
    rep: u32,
    owned: bool,
}

impl ResourceAny {
    pub fn ty(&self) -> ResourceId {
        self.ty
    }

    pub fn rep(&self) -> u32 {
        self.rep
    }

    pub fn owned(&self) -> bool {
        self.owned
    }

    /// The typed handle, if this is a handle of `ResourceType::of::<T>()`.
    pub fn try_into_resource<T: 'static>(self) -> Result<Resource<T>, Error> {
        if self.ty != ResourceType::of::<T>().id {
            return Err(Error::Other(format!(
                "a handle of resource type {:?} is not a `Resource<{}>`",
                self.ty,
                std::any::type_name::<T>()
            )));
        }
        Ok(Resource {
            rep: self.rep,
            owned: self.owned,
            _type: PhantomData,
        })
    }

    /// Drops an owned handle the host holds: runs the destructor of `rt`,
    /// its resource type (for a guest resource, from
    /// [`Instance::get_resource`](super::Instance::get_resource)).
    pub fn resource_drop<T: 'static>(
        self,
        store: &mut Store<T>,
        rt: &ResourceType,
    ) -> Result<(), Error> {
        if rt.id != self.ty {
            return Err(Error::Other(format!(
                "a handle of resource type {:?} dropped as one of {:?}",
                self.ty, rt.id
            )));
        }
        if !self.owned {
            return Err(Error::Other(
                "a borrowed handle cannot be dropped by the host: it ends when its call returns"
                    .into(),
            ));
        }
        rt.drop_rep(store, self.rep)
    }
}

impl<T: 'static> From<Resource<T>> for ResourceAny {
    fn from(resource: Resource<T>) -> Self {
        ResourceAny {
            ty: ResourceType::of::<T>().id,
            rep: resource.rep,
            owned: resource.owned,
        }
    }
}

/// The resource type and ownership of an `own` or `borrow` type.
fn handle_type(ty: &Type) -> Option<(ResourceId, bool)> {
    match ty {
        Type::Own(id) => Some((*id, true)),
        Type::Borrow(id) => Some((*id, false)),
        _ => None,
    }
}

/// `rep` at handle type `ty`; `owned` says what the host holds. An owned
/// handle lowered as a borrow is lent; a borrowed one cannot become an own.
fn handle_val(ty: &Type, rep: u32, owned: bool) -> Result<Val, Error> {
    match handle_type(ty) {
        Some((_, true)) if owned => Ok(Val::Own(rep)),
        Some((_, true)) => Err(Error::Other(format!(
            "a borrowed resource handle (rep {rep}) cannot be passed as an `own`"
        ))),
        Some((_, false)) => Ok(Val::Borrow(rep)),
        None => Err(TypeMismatch::new("an own or borrow handle", ty).into()),
    }
}

/// The rep and ownership of a lifted handle value.
fn handle_rep(value: Val, ty: &Type) -> Result<(u32, bool), Error> {
    match value {
        Val::Own(rep) => Ok((rep, true)),
        Val::Borrow(rep) => Ok((rep, false)),
        other => Err(TypeMismatch::new(format!("a handle, not {other:?},"), ty).into()),
    }
}

impl<T: 'static> ComponentValue for Resource<T> {
    fn typecheck(ty: &Type) -> Result<(), TypeMismatch> {
        match handle_type(ty) {
            Some((id, _)) if id == ResourceType::of::<T>().id => Ok(()),
            _ => Err(TypeMismatch::new(
                format!(
                    "an own or borrow of the host resource `{}`",
                    std::any::type_name::<T>()
                ),
                ty,
            )),
        }
    }
    fn into_val(self, ty: &Type) -> Result<Val, Error> {
        handle_val(ty, self.rep, self.owned)
    }
    fn from_val(value: Val, ty: &Type) -> Result<Self, Error> {
        let (rep, owned) = handle_rep(value, ty)?;
        Ok(Resource {
            rep,
            owned,
            _type: PhantomData,
        })
    }
}

impl ComponentValue for ResourceAny {
    fn typecheck(ty: &Type) -> Result<(), TypeMismatch> {
        match handle_type(ty) {
            Some(_) => Ok(()),
            None => Err(TypeMismatch::new("an own or borrow handle", ty)),
        }
    }
    fn into_val(self, ty: &Type) -> Result<Val, Error> {
        match handle_type(ty) {
            Some((id, _)) if id != self.ty => Err(Error::Other(format!(
                "a handle of resource type {:?} passed as {ty:?}",
                self.ty
            ))),
            _ => handle_val(ty, self.rep, self.owned),
        }
    }
    fn from_val(value: Val, ty: &Type) -> Result<Self, Error> {
        let (rep, owned) = handle_rep(value, ty)?;
        let (ty, _) = handle_type(ty).ok_or_else(|| TypeMismatch::new("a handle type", ty))?;
        Ok(ResourceAny { ty, rep, owned })
    }
}
