//! The decoded form of a core module.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::types::{FuncType, GlobalType, MemoryType, RefType, TableType, ValType};

/// A decoded core module. Index spaces follow the spec: imported entities
/// come first, then the module's own definitions.
#[derive(Debug, Default)]
pub struct Module {
    /// The binary the module was decoded from; [`FuncBody`] and
    /// [`DataSegment`] ranges point into it.
    pub bytes: Arc<[u8]>,
    pub types: Vec<FuncType>,
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    pub tables: Vec<TableType>,
    pub memories: Vec<MemoryType>,
    /// Types of every global, imported ones first.
    pub globals: Vec<GlobalType>,
    /// Initializers of the module's own globals (after the imported ones).
    pub global_inits: Vec<ConstExpr>,
    /// Initializers of the module's own tables, when given (`(table 1 funcref (ref.func 0))`).
    pub table_inits: Vec<Option<ConstExpr>>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    pub data_count: Option<u32>,
    /// Bodies of the module's own functions (after the imported ones).
    pub bodies: Vec<FuncBody>,
    pub names: Names,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
}

impl Module {
    /// The signature of function `func_idx`.
    pub fn func_type(&self, func_idx: u32) -> Option<&FuncType> {
        let type_idx = *self.funcs.get(func_idx as usize)?;
        self.types.get(type_idx as usize)
    }

    /// The body of function `func_idx`, `None` for imported functions.
    pub fn body(&self, func_idx: u32) -> Option<&FuncBody> {
        let defined = func_idx.checked_sub(self.num_imported_funcs)?;
        self.bodies.get(defined as usize)
    }

    pub fn body_bytes(&self, body: &FuncBody) -> &[u8] {
        &self.bytes[body.range.clone()]
    }

    pub fn data_bytes(&self, data: &DataSegment) -> &[u8] {
        &self.bytes[data.range.clone()]
    }
}

#[derive(Debug, Clone)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
}

#[derive(Debug, Clone)]
pub enum ImportKind {
    /// A function with the given type index.
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternKind {
    Func,
    Table,
    Memory,
    Global,
}

#[derive(Debug, Clone)]
pub struct Export {
    pub name: String,
    pub kind: ExternKind,
    pub index: u32,
}

/// A function body: where its locals and code live in [`Module::bytes`].
#[derive(Debug, Clone)]
pub struct FuncBody {
    pub range: Range<usize>,
}

/// A constant expression, kept as the operators it consists of so that the
/// validator can check it and the runtime can evaluate it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConstExpr {
    pub ops: Vec<ConstOp>,
    /// Offset of the expression in the binary, for error messages.
    pub offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConstOp {
    I32Const(i32),
    I64Const(i64),
    F32Const(u32),
    F64Const(u64),
    RefNull(RefType),
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
    /// Any other operator: a constant expression may not contain it.
    NonConstant {
        offset: usize,
    },
    /// A `v128.const` (SIMD is not supported by myrt yet).
    V128Const {
        offset: usize,
    },
}

#[derive(Debug, Clone)]
pub struct Global {
    pub ty: GlobalType,
    pub init: ConstExpr,
}

#[derive(Debug, Clone)]
pub struct ElemSegment {
    pub kind: ElemKind,
    pub ty: RefType,
    pub items: ElemItems,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub enum ElemKind {
    Passive,
    Active { table: u32, offset: ConstExpr },
    Declared,
}

#[derive(Debug, Clone)]
pub enum ElemItems {
    Funcs(Vec<u32>),
    Exprs(Vec<ConstExpr>),
}

impl ElemItems {
    pub fn len(&self) -> usize {
        match self {
            ElemItems::Funcs(f) => f.len(),
            ElemItems::Exprs(e) => e.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone)]
pub struct DataSegment {
    pub kind: DataKind,
    /// The segment's bytes in [`Module::bytes`].
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
pub enum DataKind {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

/// Names from the `name` custom section, used for backtraces.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub module: Option<String>,
    pub funcs: FuncNames,
}

/// The function names of the `name` section, decoded on first use: only
/// backtraces need them, and a large module names thousands of functions.
#[derive(Debug, Clone, Default)]
pub struct FuncNames {
    /// The module binary and where the function name map lies in it.
    map: Option<(Arc<[u8]>, Range<usize>)>,
    decoded: OnceLock<HashMap<u32, String>>,
}

impl FuncNames {
    pub(crate) fn new(bytes: Arc<[u8]>, map: Range<usize>) -> Self {
        FuncNames {
            map: Some((bytes, map)),
            decoded: OnceLock::new(),
        }
    }

    /// The name of function `func_idx`, if the section gives one.
    pub fn get(&self, func_idx: &u32) -> Option<&String> {
        let names = self.decoded.get_or_init(|| match &self.map {
            Some((bytes, map)) => crate::decode::func_names(bytes, map.clone()),
            None => HashMap::new(),
        });
        names.get(func_idx)
    }
}

impl ValType {
    /// The default value of a local of this type is all-zero bits, or null.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }
}
