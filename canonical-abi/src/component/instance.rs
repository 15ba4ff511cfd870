//! An instantiated component: its exports.

use std::sync::Arc;

use myrt_interp::AsContext;

use super::error::Error;
use super::func::Func;
use super::items::{Exports, Item};
use super::resources::ResourceType;
use super::typed::{ComponentParams, ComponentResult, TypedFunc};
use super::types::TypeItem;

/// A component instance (cheap to clone).
#[derive(Clone)]
pub struct Instance {
    pub(crate) exports: Arc<Exports>,
}

impl Instance {
    fn item(&self, path: &[&str]) -> Option<&Item> {
        let (last, instances) = path.split_last()?;
        let mut exports = &*self.exports;
        for name in instances {
            match exports.get(*name)? {
                Item::Instance(inner) => exports = inner,
                _ => return None,
            }
        }
        exports.get(*last)
    }

    /// The exported function `name` (a root export).
    pub fn get_func(&self, _store: impl AsContext, name: &str) -> Option<Func> {
        self.get_func_path(&[name])
    }

    /// A function exported by an exported instance: `&["wasi:cli/run@0.2.0", "run"]`.
    pub fn get_func_path(&self, path: &[&str]) -> Option<Func> {
        match self.item(path)? {
            Item::Func(func) => Some(func.named(path.join("."))),
            _ => None,
        }
    }

    /// The function at `path` (`&["name"]` for a root export) as a typed
    /// function; fails if there is none or its type is not `(P) -> R`.
    pub fn get_typed_func<P: ComponentParams, R: ComponentResult>(
        &self,
        store: impl AsContext,
        path: &[&str],
    ) -> Result<TypedFunc<P, R>, Error> {
        let func = self.get_func_path(path).ok_or_else(|| {
            Error::Other(format!(
                "the instance exports no function `{}`",
                path.join(".")
            ))
        })?;
        func.typed(store)
    }

    /// An exported resource type, e.g. to drop an `own` the host received.
    pub fn get_resource(&self, path: &[&str]) -> Option<ResourceType> {
        match self.item(path)? {
            Item::Type(TypeItem::Resource(rt)) => Some(rt.clone()),
            _ => None,
        }
    }

    /// The names of the root exports, in order, with their kinds.
    pub fn export_names(&self) -> Vec<(String, &'static str)> {
        self.export_names_at(&[]).unwrap_or_default()
    }

    /// The names and kinds of the exports of the exported instance at
    /// `path` (`&["wasi:cli/run@0.2.0"]`; the root for `&[]`), or `None` if
    /// `path` names no instance.
    pub fn export_names_at(&self, path: &[&str]) -> Option<Vec<(String, &'static str)>> {
        let mut exports = &*self.exports;
        for name in path {
            match exports.get(*name)? {
                Item::Instance(inner) => exports = inner,
                _ => return None,
            }
        }
        Some(
            exports
                .iter()
                .map(|(name, item)| (name.clone(), item.kind()))
                .collect(),
        )
    }
}
