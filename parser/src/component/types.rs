//! Types of the component model (Binary.md: `deftype`, `coretype`), as
//! written in the binary: type indices are not resolved here, because what an
//! index means depends on the index space the validator has built so far.

use crate::types::{
    FuncType as CoreFuncType, GlobalType, MemoryType, TableType, ValType as CoreValType,
};

use super::model::{Alias, ExternName, Sort};

/// A component-level value type: a primitive, or an index into the type index
/// space that must name a defined value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    Primitive(PrimitiveType),
    Type(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrimitiveType {
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
    /// Gated (📝 error-context): decoded so that index spaces stay right, unsupported at run time.
    ErrorContext,
}

/// A type definition (Binary.md `deftype`).
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    Value(DefinedType),
    Func(FuncType),
    Component(ComponentType),
    Instance(InstanceType),
    Resource(ResourceType),
}

/// A defined value type (Binary.md `defvaltype`). Names are kept exactly as
/// written; checking that they are kebab-case is the validator's job.
#[derive(Debug, Clone, PartialEq)]
pub enum DefinedType {
    Primitive(PrimitiveType),
    Record(Vec<Field>),
    Variant(Vec<Case>),
    List(ValType),
    Tuple(Vec<ValType>),
    Flags(Vec<String>),
    Enum(Vec<String>),
    Option(ValType),
    Result {
        ok: Option<ValType>,
        err: Option<ValType>,
    },
    /// An owned handle to the resource type at this type index.
    Own(u32),
    /// A borrowed handle to the resource type at this type index.
    Borrow(u32),
    /// Gated (🔧 fixed-length lists).
    FixedLengthList(ValType, u32),
    /// Gated (maps).
    Map {
        key: ValType,
        value: ValType,
    },
    /// Gated (🔀 async).
    Future(Option<ValType>),
    /// Gated (🔀 async).
    Stream(Option<ValType>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub ty: ValType,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    pub ty: Option<ValType>,
}

/// A component function type: named parameters and at most one result.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncType {
    /// Gated (🔀 async): `async func` types.
    pub is_async: bool,
    pub params: Vec<Field>,
    pub result: Option<ValType>,
}

/// `(resource (rep i32) (dtor $f)?)`: the representation is a core value type
/// (only `i32` is valid today) and the destructor a core function index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResourceType {
    pub rep: CoreValType,
    pub dtor: Option<u32>,
}

/// A component type: its declarations build their own, local index spaces
/// (Explainer.md "Type definitions"), in the order given here.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComponentType {
    pub decls: Vec<TypeDecl>,
}

/// An instance type: like [`ComponentType`] but without imports (the binary
/// reader never produces [`TypeDecl::Import`] inside an instance type).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InstanceType {
    pub decls: Vec<TypeDecl>,
}

/// One declaration of a component or instance type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDecl {
    CoreType(CoreTypeDef),
    Type(TypeDef),
    Alias { sort: Sort, alias: Alias },
    Import { name: ExternName, ty: ExternType },
    Export { name: ExternName, ty: ExternType },
}

/// The type of an import or export (Binary.md `externdesc`). Indices are
/// into the type index space, except `Module`'s, which is a core type index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExternType {
    Module(u32),
    Func(u32),
    Value(ValType),
    Type(TypeBound),
    Instance(u32),
    Component(u32),
}

impl ExternType {
    /// The index space an import of this type adds an entry to.
    pub fn sort(&self) -> Sort {
        match self {
            ExternType::Module(_) => Sort::CoreModule,
            ExternType::Func(_) => Sort::Func,
            ExternType::Value(_) => Sort::Value,
            ExternType::Type(_) => Sort::Type,
            ExternType::Instance(_) => Sort::Instance,
            ExternType::Component(_) => Sort::Component,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeBound {
    /// `(eq i)`: the imported type is type `i`.
    Eq(u32),
    /// `(sub resource)`: a fresh abstract resource type.
    SubResource,
}

/// A core type definition inside a component (Binary.md `core:deftype`).
#[derive(Debug, Clone, PartialEq)]
pub enum CoreTypeDef {
    Func(CoreFuncType),
    Module(ModuleType),
}

/// A core module type: declarations with their own local type index space.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModuleType {
    pub decls: Vec<ModuleTypeDecl>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ModuleTypeDecl {
    Type(CoreFuncType),
    /// `(alias outer count index (type))`: only core types may be aliased here.
    OuterType {
        count: u32,
        index: u32,
    },
    Import {
        module: String,
        name: String,
        ty: CoreExternType,
    },
    Export {
        name: String,
        ty: CoreExternType,
    },
}

/// The type of a core import or export in a module type. `Func` and `Tag`
/// carry a core type index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CoreExternType {
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    Tag(u32),
}
