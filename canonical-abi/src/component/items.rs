//! What a component's index spaces hold at run time.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::func::Func;
use super::loaded::ComponentRef;
use super::types::TypeItem;

/// One component-level definition: a func, instance, core module, nested
/// component or type.
#[derive(Clone)]
pub(crate) enum Item {
    Func(Func),
    Instance(Arc<Exports>),
    Module(myrt_interp::Module),
    Component(ComponentRef),
    Type(TypeItem),
}

/// The exports of a component instance, by name.
pub(crate) type Exports = BTreeMap<String, Item>;

impl Item {
    pub fn kind(&self) -> &'static str {
        match self {
            Item::Func(_) => "a func",
            Item::Instance(_) => "an instance",
            Item::Module(_) => "a core module",
            Item::Component(_) => "a component",
            Item::Type(TypeItem::Resource(_)) => "a resource",
            Item::Type(_) => "a type",
        }
    }
}
