//! Resolved component types: what a type index means once the index spaces
//! around it are known. Value types are trees (indices replaced by what they
//! name), resources are unique ids, instance and component types are ordered
//! export/import lists.
//!
//! Two identities coexist. Equality (`==`) is structural, as the spec's type
//! checking is, and resources compare by [`ResourceId`]. A [`Tag`] also
//! records *which type index* a record, variant, enum, flags or handle was
//! written through; equality ignores it, and only the external-visibility
//! rule (Explainer.md "External visibility") looks at it: an export may only
//! mention types that were themselves imported or exported.

use std::ops::Range;
use std::sync::Arc;

use myrt_parser::{FuncType as CoreFuncType, GlobalType, MemoryType, TableType};

/// The identity of a resource type: fresh for every `(type (resource ...))`,
/// every `(sub resource)` import and every instantiation of a component that
/// defines resources.
pub type ResourceId = u32;

/// Which type index a type was named through; ignored by `==` (see module doc).
#[derive(Debug, Clone, Copy, Eq)]
pub struct Tag(pub u32);

impl PartialEq for Tag {
    fn eq(&self, _: &Tag) -> bool {
        true
    }
}

/// A component value type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValType {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List(Box<ValType>),
    Record(Tag, Vec<(String, ValType)>),
    Variant(Tag, Vec<(String, Option<ValType>)>),
    Tuple(Vec<ValType>),
    Flags(Tag, Vec<String>),
    Enum(Tag, Vec<String>),
    Option(Box<ValType>),
    Result {
        ok: Option<Box<ValType>>,
        err: Option<Box<ValType>>,
    },
    Own(Tag, ResourceId),
    Borrow(Tag, ResourceId),
}

impl ValType {
    /// The tag of a type that must be named to be visible externally.
    pub fn tag(&self) -> Option<Tag> {
        match self {
            ValType::Record(t, _)
            | ValType::Variant(t, _)
            | ValType::Flags(t, _)
            | ValType::Enum(t, _) => Some(*t),
            ValType::Own(t, _) | ValType::Borrow(t, _) => Some(*t),
            _ => None,
        }
    }

    /// The same type, reached through a new type index.
    pub fn retagged(&self, tag: Tag) -> ValType {
        let mut ty = self.clone();
        match &mut ty {
            ValType::Record(t, _)
            | ValType::Variant(t, _)
            | ValType::Flags(t, _)
            | ValType::Enum(t, _) => *t = tag,
            ValType::Own(t, _) | ValType::Borrow(t, _) => *t = tag,
            _ => {}
        }
        ty
    }

    /// The value types directly inside this one.
    pub fn children(&self) -> Vec<&ValType> {
        match self {
            ValType::List(t) | ValType::Option(t) => vec![t],
            ValType::Record(_, fields) => fields.iter().map(|(_, t)| t).collect(),
            ValType::Variant(_, cases) => cases.iter().filter_map(|(_, t)| t.as_ref()).collect(),
            ValType::Tuple(types) => types.iter().collect(),
            ValType::Result { ok, err } => ok.iter().chain(err.iter()).map(|t| &**t).collect(),
            _ => Vec::new(),
        }
    }

    /// How many type nodes this type is made of (for the type-size limit).
    pub fn size(&self) -> usize {
        1 + self
            .children()
            .into_iter()
            .map(ValType::size)
            .sum::<usize>()
    }

    /// How deeply types nest inside this one.
    pub fn depth(&self) -> usize {
        1 + self
            .children()
            .into_iter()
            .map(ValType::depth)
            .max()
            .unwrap_or(0)
    }

    /// Whether `pred` holds for this type or any type inside it.
    pub fn any(&self, pred: &dyn Fn(&ValType) -> bool) -> bool {
        pred(self) || self.children().into_iter().any(|t| t.any(pred))
    }
}

/// A component function type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncType {
    pub params: Vec<(String, ValType)>,
    pub result: Option<ValType>,
}

/// What one entry of the type index space is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    Value(ValType),
    Func(Arc<FuncType>),
    Instance(Arc<InstanceType>),
    Component(Arc<ComponentType>),
    Resource(Tag, ResourceId),
}

impl TypeDef {
    pub fn kind(&self) -> &'static str {
        match self {
            TypeDef::Value(_) => "defined",
            TypeDef::Func(_) => "function",
            TypeDef::Instance(_) => "instance",
            TypeDef::Component(_) => "component",
            TypeDef::Resource(..) => "resource",
        }
    }
}

/// The type of an import, an export, or an entry of any component index space.
#[derive(Debug, Clone, PartialEq)]
pub enum ExternType {
    Module(Arc<ModuleType>),
    Func(Arc<FuncType>),
    Value(ValType),
    Type(TypeDef),
    Instance(Arc<InstanceType>),
    Component(Arc<ComponentType>),
}

impl ExternType {
    pub fn kind(&self) -> &'static str {
        match self {
            ExternType::Module(_) => "module",
            ExternType::Func(_) => "func",
            ExternType::Value(_) => "value",
            ExternType::Type(_) => "type",
            ExternType::Instance(_) => "instance",
            ExternType::Component(_) => "component",
        }
    }
}

impl FuncType {
    pub fn size(&self) -> usize {
        1 + self
            .params
            .iter()
            .map(|(_, t)| t)
            .chain(self.result.iter())
            .map(ValType::size)
            .sum::<usize>()
    }
}

impl ExternType {
    /// How many type nodes this type is made of (for the type-size limit).
    pub fn size(&self) -> usize {
        let list = |l: &[(String, ExternType)]| l.iter().map(|(_, t)| t.size()).sum::<usize>();
        1 + match self {
            ExternType::Module(m) => m.imports.len() + m.exports.len(),
            ExternType::Func(f) | ExternType::Type(TypeDef::Func(f)) => f.size(),
            ExternType::Value(v) | ExternType::Type(TypeDef::Value(v)) => v.size(),
            ExternType::Type(TypeDef::Resource(..)) => 0,
            ExternType::Instance(i) | ExternType::Type(TypeDef::Instance(i)) => list(&i.exports),
            ExternType::Component(c) | ExternType::Type(TypeDef::Component(c)) => {
                list(&c.imports) + list(&c.exports)
            }
        }
    }
}

/// An instance's exports, in definition order. `resources` are the abstract
/// resources an instance *type* declares (`(export "r" (type (sub resource)))`):
/// each import of the type gets fresh ones.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InstanceType {
    pub exports: Vec<(String, ExternType)>,
    pub resources: Range<ResourceId>,
}

impl InstanceType {
    pub fn export(&self, name: &str) -> Option<&ExternType> {
        lookup(&self.exports, name)
    }
}

/// A component's imports and exports. `resources` are the ids allocated while
/// the component (or component type) was validated: those it imports are
/// bound to the arguments on instantiation, the rest become fresh.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComponentType {
    pub imports: Vec<(String, ExternType)>,
    pub exports: Vec<(String, ExternType)>,
    pub resources: Range<ResourceId>,
}

pub(crate) fn lookup<'a, T>(list: &'a [(String, T)], name: &str) -> Option<&'a T> {
    list.iter().find(|(n, _)| n == name).map(|(_, t)| t)
}

/// A core extern type, as a core module's imports and exports declare them.
#[derive(Debug, Clone, PartialEq)]
pub enum CoreExtern {
    Func(CoreFuncType),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    /// Exception tags are gated; a tag only carries its function type.
    Tag(CoreFuncType),
}

impl CoreExtern {
    pub fn kind(&self) -> &'static str {
        match self {
            CoreExtern::Func(_) => "func",
            CoreExtern::Table(_) => "table",
            CoreExtern::Memory(_) => "memory",
            CoreExtern::Global(_) => "global",
            CoreExtern::Tag(_) => "tag",
        }
    }
}

/// A core module's type: its imports (module, name) and exports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModuleType {
    pub imports: Vec<((String, String), CoreExtern)>,
    pub exports: Vec<(String, CoreExtern)>,
}

/// A core instance's exports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CoreInstanceType {
    pub exports: Vec<(String, CoreExtern)>,
}
