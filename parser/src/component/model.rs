//! The decoded form of a component: its index spaces, each a list of
//! definitions in index order, every one saying where it comes from.
//!
//! Binary.md "Index spaces": a component has one index space per sort (core
//! funcs, tables, memories, globals, tags, types, modules, instances; component
//! funcs, values, types, instances, components). Each definition (import,
//! alias, canon, instantiation, nested module or component, export) appends
//! to exactly one of them. Nothing here is resolved or checked: that is what
//! the validator does by walking [`Component::definitions`] in order.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::decode::decode_module;
use crate::error::DecodeError;
use crate::module::Module;

use super::types::{CoreTypeDef, ExternType, TypeDef};

#[derive(Debug, Clone, Default)]
pub struct Component {
    /// The outermost binary: nested modules' ranges point into it.
    pub bytes: Arc<[u8]>,
    /// Where this component's own bytes are in [`Component::bytes`] (the whole
    /// binary for the outermost component).
    pub range: Range<usize>,
    /// 0 for the outermost component, 1 for a component nested in it, ...
    pub depth: u32,

    pub core_funcs: Vec<CoreFuncDef>,
    pub core_tables: Vec<CoreExportAlias>,
    pub core_memories: Vec<CoreExportAlias>,
    pub core_globals: Vec<CoreExportAlias>,
    /// Gated (exception handling in components): only aliases can define tags.
    pub core_tags: Vec<CoreExportAlias>,
    pub core_types: Vec<CoreTypeEntry>,
    pub core_modules: Vec<CoreModuleDef>,
    pub core_instances: Vec<CoreInstanceDef>,

    pub funcs: Vec<FuncDef>,
    pub values: Vec<ValueDef>,
    pub types: Vec<TypeEntry>,
    pub instances: Vec<InstanceDef>,
    pub components: Vec<ComponentDef>,

    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub start: Option<Start>,

    /// Every definition in the order the binary gives them. Each definition may
    /// only refer to earlier ones, so this is the order in which a validator
    /// checks them and an instantiator creates them.
    pub definitions: Vec<Definition>,

    pub names: ComponentNames,
    /// Custom sections other than `component-name`, e.g. `producers`.
    pub custom_sections: Vec<CustomSection>,
}

impl Component {
    /// The bytes of a nested core module (header included).
    pub fn module_bytes(&self, module: &NestedModule) -> &[u8] {
        &self.bytes[module.range.clone()]
    }

    /// Decodes a nested core module on demand, so that loading a component
    /// costs nothing for modules that are never instantiated.
    ///
    /// The module's bytes are copied into their own buffer: [`Module`]'s
    /// body and data ranges are offsets from the module's first byte, and one
    /// copy per instantiated module is cheaper than rebasing every range.
    /// Error offsets are rebased onto the outermost binary.
    pub fn decode_module(&self, module: &NestedModule) -> Result<Module, DecodeError> {
        let bytes: Arc<[u8]> = self.module_bytes(module).into();
        decode_module(bytes).map_err(|err| {
            DecodeError::new(err.offset.saturating_add(module.range.start), err.message)
        })
    }
}

/// The sorts of Binary.md, one per index space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    CoreFunc,
    CoreTable,
    CoreMemory,
    CoreGlobal,
    CoreTag,
    CoreType,
    CoreModule,
    CoreInstance,
    Func,
    Value,
    Type,
    Component,
    Instance,
}

impl Sort {
    pub fn name(self) -> &'static str {
        match self {
            Sort::CoreFunc => "core func",
            Sort::CoreTable => "core table",
            Sort::CoreMemory => "core memory",
            Sort::CoreGlobal => "core global",
            Sort::CoreTag => "core tag",
            Sort::CoreType => "core type",
            Sort::CoreModule => "core module",
            Sort::CoreInstance => "core instance",
            Sort::Func => "func",
            Sort::Value => "value",
            Sort::Type => "type",
            Sort::Component => "component",
            Sort::Instance => "instance",
        }
    }
}

/// Entry `index` of the index space of `sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Definition {
    pub sort: Sort,
    pub index: u32,
    /// Where the definition starts in the outermost binary, for errors.
    pub offset: usize,
}

/// The three forms of alias (Binary.md `aliastarget`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alias {
    /// An export of a component instance: `(alias export $i "name")`.
    InstanceExport { instance: u32, name: String },
    /// An export of a core instance: `(alias core export $i "name")`.
    CoreInstanceExport { instance: u32, name: String },
    /// A definition of an enclosing component (`count` levels out).
    Outer { count: u32, index: u32 },
}

/// The only way to define core tables, memories, globals and tags in a
/// component: alias an export of a core instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreExportAlias {
    pub instance: u32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CoreFuncDef {
    Alias(CoreExportAlias),
    /// `canon lower`: a core function calling component function `func`.
    Lower {
        func: u32,
        options: Vec<CanonOption>,
    },
    /// `canon resource.new`, `resource.drop`, `resource.rep` of the resource type at `resource`.
    ResourceNew {
        resource: u32,
    },
    ResourceDrop {
        resource: u32,
    },
    ResourceRep {
        resource: u32,
    },
    /// A built-in of a gated feature (async, streams, futures, error-context,
    /// threads). It still takes its place in the index space, so later indices
    /// stay right; validation and instantiation reject it.
    Unsupported {
        builtin: &'static str,
        offset: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum CoreTypeEntry {
    Defined(CoreTypeDef),
    /// `(alias outer count index (core type))`.
    Outer {
        count: u32,
        index: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreModuleDef {
    Nested(NestedModule),
    /// Index into [`Component::imports`].
    Import(u32),
    Alias(Alias),
    /// Index into [`Component::exports`]: an export introduces a new index.
    Export(u32),
}

/// A core module nested in a component, decoded lazily by
/// [`Component::decode_module`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NestedModule {
    /// The module's bytes (from its `\0asm` header) in [`Component::bytes`].
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreInstanceDef {
    Instantiate {
        module: u32,
        args: Vec<CoreInstantiationArg>,
    },
    /// A core instance made of existing core definitions.
    FromExports(Vec<CoreInlineExport>),
}

/// `(with "name" (instance $i))`: the only argument kind of a core instantiation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreInstantiationArg {
    pub name: String,
    pub instance: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreInlineExport {
    pub name: String,
    /// One of the core sorts (func, table, memory, global, tag).
    pub sort: Sort,
    pub index: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FuncDef {
    Import(u32),
    Alias(Alias),
    /// `canon lift`: a component function implemented by core function `core_func`, of type `ty`.
    Lift {
        core_func: u32,
        ty: u32,
        options: Vec<CanonOption>,
    },
    Export(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueDef {
    Import(u32),
    Alias(Alias),
    /// The `index`-th result of the start function.
    StartResult {
        index: u32,
    },
    Export(u32),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeEntry {
    Defined(TypeDef),
    Import(u32),
    Alias(Alias),
    Export(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceDef {
    Import(u32),
    Alias(Alias),
    Instantiate {
        component: u32,
        args: Vec<InstantiationArg>,
    },
    /// An instance made of existing definitions.
    FromExports(Vec<InlineExport>),
    Export(u32),
}

/// `(with "name" (sort index))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstantiationArg {
    pub name: String,
    pub sort: Sort,
    pub index: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineExport {
    pub name: ExternName,
    pub sort: Sort,
    pub index: u32,
}

#[derive(Debug, Clone)]
pub enum ComponentDef {
    Nested(Box<Component>),
    Import(u32),
    Alias(Alias),
    Export(u32),
}

/// An import or export name (Binary.md `importname'`/`exportname'`), kept
/// exactly as written: plain kebab-case (`"run"`), interface
/// (`"wasi:cli/run@0.2.0"`), or the `[method]`/`[constructor]` forms.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExternName {
    pub name: String,
    /// Gated (cm-implements): the `implements` option.
    pub implements: Option<String>,
    /// Gated (cm-implements): the `versionsuffix` option.
    pub version_suffix: Option<String>,
    /// Gated (cm-implements): the `external-id` option.
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub name: ExternName,
    pub ty: ExternType,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub name: ExternName,
    pub sort: Sort,
    pub index: u32,
    /// An explicit type ascription (`(export "f" (func $f) (func (type $t)))`).
    pub ty: Option<ExternType>,
}

/// The component start function (🪺 value imports): called with `args` (value
/// indices); each of its `results` results defines a new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    pub func: u32,
    pub args: Vec<u32>,
    pub results: u32,
}

/// A canonical ABI option (Binary.md `canonopt`), as written: duplicates and
/// conflicts are the validator's to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanonOption {
    StringEncoding(StringEncoding),
    /// Core memory index.
    Memory(u32),
    /// Core function index.
    Realloc(u32),
    /// Core function index.
    PostReturn(u32),
    /// Gated (🔀 async).
    Async,
    /// Gated (🔀 async): core function index.
    Callback(u32),
    /// Gated (🛸 GC): core type index.
    CoreType(u32),
    /// Gated (🛸 GC).
    Gc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringEncoding {
    Utf8,
    Utf16,
    /// `latin1+utf16`.
    CompactUtf16,
}

/// Names from the `component-name` custom section (informative only).
#[derive(Debug, Clone, Default)]
pub struct ComponentNames {
    pub component: Option<String>,
    pub by_sort: HashMap<Sort, HashMap<u32, String>>,
}

impl ComponentNames {
    pub fn get(&self, sort: Sort, index: u32) -> Option<&str> {
        self.by_sort.get(&sort)?.get(&index).map(String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomSection {
    pub name: String,
    /// The section's contents (after its name) in [`Component::bytes`].
    pub data: Range<usize>,
}
