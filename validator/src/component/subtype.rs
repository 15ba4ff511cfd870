//! Subtyping of component types (Explainer.md "Type checking"), used to
//! check instantiation arguments, export ascriptions, and by the linker to
//! check what it provides against an import.
//!
//! Value and function types must be equal; instances may have more exports
//! than expected; components may import less and export more. Resources are
//! compared by id, except that a component's own abstract resources (its
//! `(sub resource)` imports, the resources it defines) are *bound* to the
//! other side's on first use: that is how instantiation substitutes
//! arguments for imported resources.

use std::collections::HashMap;
use std::ops::Range;

use myrt_parser::{MemoryType, TableType};

use super::types::*;

/// Checks that `provided` can be used where `expected` is required.
pub fn is_subtype(provided: &ExternType, expected: &ExternType) -> Result<(), String> {
    Matcher::default().extern_type(provided, expected)
}

/// Resource bindings made while matching.
#[derive(Debug, Default)]
pub(crate) struct Matcher {
    pub bindable: Vec<Range<ResourceId>>,
    pub map: HashMap<ResourceId, ResourceId>,
    /// Tags of the expected side's types mapped to the provided side's.
    pub tags: HashMap<u32, u32>,
}

impl Matcher {
    fn resolve(&self, id: ResourceId) -> ResourceId {
        self.map.get(&id).copied().unwrap_or(id)
    }

    fn can_bind(&self, id: ResourceId) -> bool {
        !self.map.contains_key(&id) && self.bindable.iter().any(|r| r.contains(&id))
    }

    fn resource(&mut self, a: ResourceId, b: ResourceId) -> Result<(), String> {
        let (ra, rb) = (self.resolve(a), self.resolve(b));
        if ra == rb {
            Ok(())
        } else if self.can_bind(b) {
            self.map.insert(b, ra);
            Ok(())
        } else if self.can_bind(a) {
            self.map.insert(a, rb);
            Ok(())
        } else {
            Err("resource types are not the same".into())
        }
    }

    pub fn extern_type(&mut self, a: &ExternType, b: &ExternType) -> Result<(), String> {
        match (a, b) {
            (ExternType::Module(a), ExternType::Module(b)) => module(a, b),
            (ExternType::Func(a), ExternType::Func(b)) => self.func(a, b),
            (ExternType::Value(a), ExternType::Value(b)) => self.val(a, b),
            (ExternType::Type(a), ExternType::Type(b)) => self.type_def(a, b),
            (ExternType::Instance(a), ExternType::Instance(b)) => self.instance(a, b),
            (ExternType::Component(a), ExternType::Component(b)) => self.component(a, b),
            _ => Err(format!(
                "type mismatch: expected {}, found {}",
                b.kind(),
                a.kind()
            )),
        }
    }

    pub fn type_def(&mut self, a: &TypeDef, b: &TypeDef) -> Result<(), String> {
        if let (TypeDef::Value(va), TypeDef::Value(vb)) = (a, b)
            && let (Some(ta), Some(tb)) = (va.tag(), vb.tag())
        {
            self.tags.insert(tb.0, ta.0);
        }
        if let (TypeDef::Resource(ta, _), TypeDef::Resource(tb, _)) = (a, b) {
            self.tags.insert(tb.0, ta.0);
        }
        match (a, b) {
            (TypeDef::Value(a), TypeDef::Value(b)) => self.val(a, b),
            (TypeDef::Func(a), TypeDef::Func(b)) => self.func(a, b),
            (TypeDef::Instance(a), TypeDef::Instance(b)) => self.instance(a, b),
            (TypeDef::Component(a), TypeDef::Component(b)) => self.component(a, b),
            (TypeDef::Resource(_, a), TypeDef::Resource(_, b)) => self.resource(*a, *b),
            _ => Err(format!(
                "type mismatch: expected {} type, found {} type",
                b.kind(),
                a.kind()
            )),
        }
    }

    pub fn func(&mut self, a: &FuncType, b: &FuncType) -> Result<(), String> {
        if a.params.len() != b.params.len() {
            return Err("type mismatch in function parameter count".into());
        }
        for ((na, ta), (nb, tb)) in a.params.iter().zip(&b.params) {
            if na != nb {
                return Err(format!(
                    "expected function parameter named `{nb}`, found `{na}`"
                ));
            }
            self.val(ta, tb)
                .map_err(|e| format!("type mismatch in function parameter `{na}`: {e}"))?;
        }
        match (&a.result, &b.result) {
            (None, None) => Ok(()),
            (Some(a), Some(b)) => self
                .val(a, b)
                .map_err(|e| format!("type mismatch with result type: {e}")),
            _ => Err("type mismatch with result type".into()),
        }
    }

    pub fn val(&mut self, a: &ValType, b: &ValType) -> Result<(), String> {
        use ValType as V;
        let mismatch = || Err(format!("type mismatch: expected {b:?}, found {a:?}"));
        match (a, b) {
            (V::Own(_, a), V::Own(_, b)) | (V::Borrow(_, a), V::Borrow(_, b)) => {
                self.resource(*a, *b)
            }
            (V::Own(..), V::Borrow(..)) => Err("expected borrow, found own".into()),
            (V::Borrow(..), V::Own(..)) => Err("expected own, found borrow".into()),
            (V::List(a), V::List(b)) | (V::Option(a), V::Option(b)) => self.val(a, b),
            (V::Record(_, fa), V::Record(_, fb)) if fa.len() == fb.len() => {
                for ((na, ta), (nb, tb)) in fa.iter().zip(fb) {
                    if na != nb {
                        return Err(format!("expected record field named `{nb}`, found `{na}`"));
                    }
                    self.val(ta, tb)
                        .map_err(|e| format!("type mismatch in record field `{na}`: {e}"))?;
                }
                Ok(())
            }
            (V::Variant(_, ca), V::Variant(_, cb)) if ca.len() == cb.len() => {
                for ((na, ta), (nb, tb)) in ca.iter().zip(cb) {
                    if na != nb {
                        return Err(format!("expected variant case named `{nb}`, found `{na}`"));
                    }
                    self.opt_val(ta.as_ref(), tb.as_ref())
                        .map_err(|e| format!("type mismatch in variant case `{na}`: {e}"))?;
                }
                Ok(())
            }
            (V::Tuple(ta), V::Tuple(tb)) if ta.len() == tb.len() => {
                for (i, (a, b)) in ta.iter().zip(tb).enumerate() {
                    self.val(a, b)
                        .map_err(|e| format!("type mismatch in tuple field {i}: {e}"))?;
                }
                Ok(())
            }
            (V::Flags(_, a), V::Flags(_, b)) => {
                if a == b {
                    Ok(())
                } else {
                    Err("mismatch in flags elements".into())
                }
            }
            (V::Enum(_, a), V::Enum(_, b)) => {
                if a == b {
                    Ok(())
                } else {
                    Err("mismatch in enum elements".into())
                }
            }
            (V::Result { ok: oa, err: ea }, V::Result { ok: ob, err: eb }) => {
                self.opt_val(oa.as_deref(), ob.as_deref())
                    .map_err(|e| format!("type mismatch in ok variant: {e}"))?;
                self.opt_val(ea.as_deref(), eb.as_deref())
                    .map_err(|e| format!("type mismatch in err variant: {e}"))
            }
            _ if a == b && a.children().is_empty() => Ok(()),
            _ => mismatch(),
        }
    }

    fn opt_val(&mut self, a: Option<&ValType>, b: Option<&ValType>) -> Result<(), String> {
        match (a, b) {
            (None, None) => Ok(()),
            (Some(a), Some(b)) => self.val(a, b),
            _ => Err("type mismatch".into()),
        }
    }

    pub fn instance(&mut self, a: &InstanceType, b: &InstanceType) -> Result<(), String> {
        for (name, tb) in &b.exports {
            let ta = a
                .export(name)
                .ok_or_else(|| format!("missing expected export `{name}`"))?;
            self.extern_type(ta, tb)
                .map_err(|e| format!("type mismatch in instance export `{name}`: {e}"))?;
        }
        Ok(())
    }

    pub fn component(&mut self, a: &ComponentType, b: &ComponentType) -> Result<(), String> {
        self.bindable
            .extend([a.resources.clone(), b.resources.clone()]);
        for (name, ta) in &a.imports {
            let tb = lookup(&b.imports, name)
                .ok_or_else(|| format!("missing expected import `{name}`"))?;
            self.extern_type(tb, ta)
                .map_err(|e| format!("type mismatch in import `{name}`: {e}"))?;
        }
        for (name, tb) in &b.exports {
            let ta = lookup(&a.exports, name)
                .ok_or_else(|| format!("missing expected export `{name}`"))?;
            self.extern_type(ta, tb)
                .map_err(|e| format!("type mismatch in export `{name}`: {e}"))?;
        }
        Ok(())
    }
}

/// Core module subtyping: fewer imports, more exports.
pub fn module(a: &ModuleType, b: &ModuleType) -> Result<(), String> {
    for ((module, name), ta) in &a.imports {
        let tb = b
            .imports
            .iter()
            .find(|((m, n), _)| m == module && n == name)
            .map(|(_, t)| t)
            .ok_or_else(|| format!("missing expected import `{module}::{name}`"))?;
        core_extern(tb, ta)
            .map_err(|e| format!("type mismatch in import `{module}::{name}`: {e}"))?;
    }
    for (name, tb) in &b.exports {
        let ta =
            lookup(&a.exports, name).ok_or_else(|| format!("missing expected export `{name}`"))?;
        core_extern(ta, tb).map_err(|e| format!("type mismatch in export `{name}`: {e}"))?;
    }
    Ok(())
}

/// Core extern subtyping (core spec "Import Subtyping").
pub fn core_extern(a: &CoreExtern, b: &CoreExtern) -> Result<(), String> {
    match (a, b) {
        (CoreExtern::Func(a), CoreExtern::Func(b)) | (CoreExtern::Tag(a), CoreExtern::Tag(b)) => {
            if a == b {
                Ok(())
            } else {
                Err(format!("type mismatch: expected {b}, found {a}"))
            }
        }
        (CoreExtern::Table(a), CoreExtern::Table(b)) => table(a, b),
        (CoreExtern::Memory(a), CoreExtern::Memory(b)) => memory(a, b),
        (CoreExtern::Global(a), CoreExtern::Global(b)) => {
            if a == b {
                Ok(())
            } else {
                Err("global type mismatch".into())
            }
        }
        _ => Err(format!(
            "type mismatch: expected {}, found {}",
            b.kind(),
            a.kind()
        )),
    }
}

fn limits(a: (u64, Option<u64>), b: (u64, Option<u64>)) -> bool {
    a.0 >= b.0
        && match (a.1, b.1) {
            (_, None) => true,
            (Some(am), Some(bm)) => am <= bm,
            (None, Some(_)) => false,
        }
}

fn table(a: &TableType, b: &TableType) -> Result<(), String> {
    if a.element != b.element || a.table64 != b.table64 {
        return Err("table type mismatch".into());
    }
    if !limits((a.min, a.max), (b.min, b.max)) {
        return Err("mismatch in table limits".into());
    }
    Ok(())
}

fn memory(a: &MemoryType, b: &MemoryType) -> Result<(), String> {
    if a.shared != b.shared {
        return Err("mismatch in the shared flag for memories".into());
    }
    if a.memory64 != b.memory64 || a.page_size_log2 != b.page_size_log2 {
        return Err("memory type mismatch".into());
    }
    if !limits((a.min, a.max), (b.min, b.max)) {
        return Err("mismatch in memory limits".into());
    }
    Ok(())
}

/// Instantiation's substitution: the component's imported resources and
/// type tags become the arguments', its own resources fresh ones.
pub(crate) struct Subst<'a> {
    pub resource: &'a mut dyn FnMut(ResourceId) -> ResourceId,
    pub tags: &'a HashMap<u32, u32>,
}

impl Subst<'_> {
    fn tag(&self, tag: Tag) -> Tag {
        Tag(self.tags.get(&tag.0).copied().unwrap_or(tag.0))
    }

    fn id(&mut self, id: ResourceId) -> ResourceId {
        (self.resource)(id)
    }

    pub fn extern_type(&mut self, ty: &ExternType) -> ExternType {
        match ty {
            ExternType::Module(_) => ty.clone(),
            ExternType::Func(t) => ExternType::Func(self.func(t).into()),
            ExternType::Value(v) => ExternType::Value(self.val(v)),
            ExternType::Type(t) => ExternType::Type(self.type_def(t)),
            ExternType::Instance(t) => ExternType::Instance(self.instance(t).into()),
            ExternType::Component(t) => ExternType::Component(self.component(t).into()),
        }
    }

    fn list(&mut self, list: &[(String, ExternType)]) -> Vec<(String, ExternType)> {
        list.iter()
            .map(|(n, t)| (n.clone(), self.extern_type(t)))
            .collect()
    }

    pub fn instance(&mut self, t: &InstanceType) -> InstanceType {
        InstanceType {
            exports: self.list(&t.exports),
            resources: t.resources.clone(),
        }
    }

    fn component(&mut self, t: &ComponentType) -> ComponentType {
        ComponentType {
            imports: self.list(&t.imports),
            exports: self.list(&t.exports),
            resources: t.resources.clone(),
        }
    }

    fn type_def(&mut self, t: &TypeDef) -> TypeDef {
        match t {
            TypeDef::Value(v) => TypeDef::Value(self.val(v)),
            TypeDef::Func(t) => TypeDef::Func(self.func(t).into()),
            TypeDef::Resource(tag, id) => TypeDef::Resource(self.tag(*tag), self.id(*id)),
            TypeDef::Instance(t) => TypeDef::Instance(self.instance(t).into()),
            TypeDef::Component(t) => TypeDef::Component(self.component(t).into()),
        }
    }

    fn func(&mut self, t: &FuncType) -> FuncType {
        FuncType {
            params: t
                .params
                .iter()
                .map(|(n, v)| (n.clone(), self.val(v)))
                .collect(),
            result: t.result.as_ref().map(|v| self.val(v)),
        }
    }

    fn val(&mut self, v: &ValType) -> ValType {
        use ValType as V;
        match v {
            V::Own(tag, id) => V::Own(self.tag(*tag), self.id(*id)),
            V::Borrow(tag, id) => V::Borrow(self.tag(*tag), self.id(*id)),
            V::List(t) => V::List(Box::new(self.val(t))),
            V::Option(t) => V::Option(Box::new(self.val(t))),
            V::Record(tag, fields) => V::Record(
                self.tag(*tag),
                fields
                    .iter()
                    .map(|(n, t)| (n.clone(), self.val(t)))
                    .collect(),
            ),
            V::Variant(tag, cases) => V::Variant(
                self.tag(*tag),
                cases
                    .iter()
                    .map(|(n, t)| (n.clone(), t.as_ref().map(|t| self.val(t))))
                    .collect(),
            ),
            V::Flags(tag, names) => V::Flags(self.tag(*tag), names.clone()),
            V::Enum(tag, names) => V::Enum(self.tag(*tag), names.clone()),
            V::Tuple(types) => V::Tuple(types.iter().map(|t| self.val(t)).collect()),
            V::Result { ok, err } => V::Result {
                ok: ok.as_ref().map(|t| Box::new(self.val(t))),
                err: err.as_ref().map(|t| Box::new(self.val(t))),
            },
            _ => v.clone(),
        }
    }
}
