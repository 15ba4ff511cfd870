//! Turns a binary into a [`Module`]: every section but function bodies is
//! decoded eagerly; bodies are recorded as byte ranges.

use std::collections::HashMap;
use std::sync::Arc;

use wasmparser::{self as wp, Parser, Payload};

use crate::error::DecodeError;
use crate::module::*;
use crate::types::*;

/// Decodes a WebAssembly binary module.
pub fn decode_module(bytes: impl Into<Arc<[u8]>>) -> Result<Module, DecodeError> {
    let bytes: Arc<[u8]> = bytes.into();
    let mut module = Module {
        bytes: bytes.clone(),
        ..Module::default()
    };
    let mut decoder = Decoder {
        module: &mut module,
        last_section: 0,
        code_count: None,
    };
    // WebAssembly 2.0's encoding rules: with later features on, wasmparser
    // would accept encodings 2.0 calls malformed (e.g. overlong memory limits).
    let mut parser = Parser::new(0);
    parser.set_features(wp::WasmFeatures::WASM2);
    for payload in parser.parse_all(&bytes) {
        decoder.payload(payload?)?;
    }
    decoder.finish()?;
    Ok(module)
}

struct Decoder<'m> {
    module: &'m mut Module,
    /// Rank (see [`section_rank`]) of the last non-custom section seen.
    last_section: u8,
    code_count: Option<(u32, usize)>,
}

/// The required order of non-custom sections (the spec's binary grammar).
fn section_rank(payload: &Payload<'_>) -> Option<u8> {
    Some(match payload {
        Payload::TypeSection(_) => 1,
        Payload::ImportSection(_) => 2,
        Payload::FunctionSection(_) => 3,
        Payload::TableSection(_) => 4,
        Payload::MemorySection(_) => 5,
        Payload::TagSection(_) => 6,
        Payload::GlobalSection(_) => 7,
        Payload::ExportSection(_) => 8,
        Payload::StartSection { .. } => 9,
        Payload::ElementSection(_) => 10,
        Payload::DataCountSection { .. } => 11,
        Payload::CodeSectionStart { .. } => 12,
        Payload::DataSection(_) => 13,
        _ => return None,
    })
}

fn offset(pos: u64) -> usize {
    usize::try_from(pos).unwrap_or(usize::MAX)
}

impl Decoder<'_> {
    fn payload(&mut self, payload: Payload<'_>) -> Result<(), DecodeError> {
        if let Some(rank) = section_rank(&payload) {
            if rank <= self.last_section {
                let at = payload.as_section().map_or(0, |(_, r)| offset(r.start));
                return Err(DecodeError::new(
                    at,
                    "unexpected content after last section (section out of order or duplicated)",
                ));
            }
            self.last_section = rank;
        }
        let m = &mut *self.module;
        match payload {
            Payload::Version {
                encoding, range, ..
            } => {
                if encoding != wp::Encoding::Module {
                    return Err(DecodeError::new(
                        offset(range.start),
                        "expected a core module, found a component",
                    ));
                }
            }
            Payload::TypeSection(reader) => {
                for group in reader.into_iter_with_offsets() {
                    let (at, group) = group?;
                    let at = offset(at);
                    if group.is_explicit_rec_group() {
                        return Err(DecodeError::new(
                            at,
                            "recursive type groups (GC) are not supported",
                        ));
                    }
                    for sub in group.into_types() {
                        let wp::CompositeInnerType::Func(ty) = &sub.composite_type.inner else {
                            return Err(DecodeError::new(
                                at,
                                "only function types are supported (GC types are not)",
                            ));
                        };
                        let params = ty
                            .params()
                            .iter()
                            .map(|t| val_type(*t, at))
                            .collect::<Result<Vec<_>, _>>()?;
                        let results = ty
                            .results()
                            .iter()
                            .map(|t| val_type(*t, at))
                            .collect::<Result<Vec<_>, _>>()?;
                        m.types.push(FuncType::new(params, results));
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports_with_offsets() {
                    let (at, import) = import?;
                    let at = offset(at);
                    let kind = match import.ty {
                        wp::TypeRef::Func(idx) | wp::TypeRef::FuncExact(idx) => {
                            m.funcs.push(idx);
                            m.num_imported_funcs += 1;
                            ImportKind::Func(idx)
                        }
                        wp::TypeRef::Table(t) => {
                            let t = table_type(t, at)?;
                            m.tables.push(t);
                            m.num_imported_tables += 1;
                            ImportKind::Table(t)
                        }
                        wp::TypeRef::Memory(t) => {
                            let t = memory_type(t);
                            m.memories.push(t);
                            m.num_imported_memories += 1;
                            ImportKind::Memory(t)
                        }
                        wp::TypeRef::Global(t) => {
                            let t = global_type(t, at)?;
                            m.globals.push(t);
                            m.num_imported_globals += 1;
                            ImportKind::Global(t)
                        }
                        wp::TypeRef::Tag(_) => {
                            return Err(DecodeError::new(
                                at,
                                "exception handling (tag imports) is not supported",
                            ));
                        }
                    };
                    m.imports.push(Import {
                        module: import.module.to_owned(),
                        name: import.name.to_owned(),
                        kind,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for idx in reader {
                    m.funcs.push(idx?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader.into_iter_with_offsets() {
                    let (at, table) = table?;
                    m.tables.push(table_type(table.ty, offset(at))?);
                    m.table_inits.push(match table.init {
                        wp::TableInit::RefNull => None,
                        wp::TableInit::Expr(expr) => Some(const_expr(&expr)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    m.memories.push(memory_type(memory?));
                }
            }
            Payload::TagSection(reader) => {
                return Err(DecodeError::new(
                    offset(reader.range().start),
                    "exception handling (tag section) is not supported",
                ));
            }
            Payload::GlobalSection(reader) => {
                for global in reader.into_iter_with_offsets() {
                    let (at, global) = global?;
                    m.globals.push(global_type(global.ty, offset(at))?);
                    m.global_inits.push(const_expr(&global.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader.into_iter_with_offsets() {
                    let (at, export) = export?;
                    let kind = match export.kind {
                        wp::ExternalKind::Func | wp::ExternalKind::FuncExact => ExternKind::Func,
                        wp::ExternalKind::Table => ExternKind::Table,
                        wp::ExternalKind::Memory => ExternKind::Memory,
                        wp::ExternalKind::Global => ExternKind::Global,
                        wp::ExternalKind::Tag => {
                            return Err(DecodeError::new(
                                offset(at),
                                "exception handling (tag exports) is not supported",
                            ));
                        }
                    };
                    m.exports.push(Export {
                        name: export.name.to_owned(),
                        kind,
                        index: export.index,
                    });
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::ElementSection(reader) => {
                for elem in reader {
                    m.elems.push(elem_segment(elem?)?);
                }
            }
            Payload::DataCountSection { count, .. } => m.data_count = Some(count),
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    let kind = match data.kind {
                        wp::DataKind::Passive => DataKind::Passive,
                        wp::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => DataKind::Active {
                            memory: memory_index,
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    let end = offset(data.range.end);
                    let range = end - data.data.len()..end;
                    m.datas.push(DataSegment { kind, range });
                }
                if let Some(count) = m.data_count
                    && count as usize != m.datas.len()
                {
                    return Err(DecodeError::new(
                        0,
                        "data count and data section have inconsistent lengths",
                    ));
                }
            }
            Payload::CodeSectionStart { count, range, .. } => {
                self.code_count = Some((count, offset(range.start)))
            }
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                m.bodies.push(FuncBody {
                    range: offset(range.start)..offset(range.end),
                });
            }
            Payload::CustomSection(section) => {
                if let wp::KnownCustom::Name(reader) = section.as_known() {
                    // The name section is informative only: a malformed one is ignored, as the spec asks.
                    let _ = read_names(reader, &m.bytes, &mut m.names);
                }
            }
            Payload::End(_) => {}
            other => {
                let at = other.as_section().map_or(0, |(_, r)| offset(r.start));
                return Err(DecodeError::new(at, "malformed section id"));
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), DecodeError> {
        let m = &*self.module;
        let defined_funcs = m.funcs.len() - m.num_imported_funcs as usize;
        let (code_count, at) = self.code_count.unwrap_or((0, m.bytes.len()));
        if defined_funcs != code_count as usize || m.bodies.len() != code_count as usize {
            return Err(DecodeError::new(
                at,
                "function and code section have inconsistent lengths",
            ));
        }
        if let Some(count) = m.data_count
            && count as usize != m.datas.len()
        {
            return Err(DecodeError::new(
                m.bytes.len(),
                "data count and data section have inconsistent lengths",
            ));
        }
        Ok(())
    }
}

/// Reads the module name; the function name map is only located here, and
/// decoded by [`func_names`] when a name is first asked for.
fn read_names(
    reader: wp::NameSectionReader<'_>,
    bytes: &Arc<[u8]>,
    names: &mut Names,
) -> Result<(), DecodeError> {
    for name in reader {
        match name? {
            wp::Name::Module { name, .. } => names.module = Some(name.to_owned()),
            wp::Name::Function(map) => {
                let range = map.range();
                names.funcs = FuncNames::new(bytes.clone(), offset(range.start)..offset(range.end));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The function name map at `range` of `bytes`: the names up to the first
/// malformed entry, if any (names are informative only).
pub(crate) fn func_names(bytes: &[u8], range: std::ops::Range<usize>) -> HashMap<u32, String> {
    let mut names = HashMap::new();
    let Some(map) = bytes.get(range.clone()) else {
        return names;
    };
    let reader = wp::BinaryReader::new_features(map, range.start as u64, wp::WasmFeatures::WASM2);
    let Ok(map) = wp::NameMap::new(reader) else {
        return names;
    };
    for naming in map.into_iter().map_while(Result::ok) {
        names.insert(naming.index, naming.name.to_owned());
    }
    names
}

pub(crate) fn val_type(ty: wp::ValType, at: usize) -> Result<ValType, DecodeError> {
    Ok(match ty {
        wp::ValType::I32 => ValType::I32,
        wp::ValType::I64 => ValType::I64,
        wp::ValType::F32 => ValType::F32,
        wp::ValType::F64 => ValType::F64,
        wp::ValType::V128 => ValType::V128,
        wp::ValType::Ref(r) => ValType::Ref(ref_type(r, at)?),
    })
}

fn ref_type(ty: wp::RefType, at: usize) -> Result<RefType, DecodeError> {
    if ty == wp::RefType::FUNCREF {
        Ok(RefType::FuncRef)
    } else if ty == wp::RefType::EXTERNREF {
        Ok(RefType::ExternRef)
    } else {
        Err(DecodeError::new(
            at,
            format!("reference type {ty} is not supported (only funcref and externref)"),
        ))
    }
}

pub(crate) fn table_type(ty: wp::TableType, at: usize) -> Result<TableType, DecodeError> {
    Ok(TableType {
        element: ref_type(ty.element_type, at)?,
        min: ty.initial,
        max: ty.maximum,
        table64: ty.table64,
    })
}

pub(crate) fn memory_type(ty: wp::MemoryType) -> MemoryType {
    MemoryType {
        min: ty.initial,
        max: ty.maximum,
        memory64: ty.memory64,
        shared: ty.shared,
        page_size_log2: ty.page_size_log2,
    }
}

pub(crate) fn global_type(ty: wp::GlobalType, at: usize) -> Result<GlobalType, DecodeError> {
    // wasmparser reads flag 0x02 as `shared` (shared-everything-threads);
    // for every proposal myrt implements the mutability byte is 0 or 1.
    if ty.shared {
        return Err(DecodeError::new(at, "malformed mutability"));
    }
    Ok(GlobalType {
        content: val_type(ty.content_type, at)?,
        mutable: ty.mutable,
    })
}

fn const_expr(expr: &wp::ConstExpr<'_>) -> Result<ConstExpr, DecodeError> {
    let mut reader = expr.get_operators_reader();
    let start = offset(reader.original_position());
    let mut ops = Vec::new();
    loop {
        let at = offset(reader.original_position());
        let op = match reader.read()? {
            wp::Operator::End => break,
            wp::Operator::I32Const { value } => ConstOp::I32Const(value),
            wp::Operator::I64Const { value } => ConstOp::I64Const(value),
            wp::Operator::F32Const { value } => ConstOp::F32Const(value.bits()),
            wp::Operator::F64Const { value } => ConstOp::F64Const(value.bits()),
            wp::Operator::RefNull { hty } => ConstOp::RefNull(ref_type(
                wp::RefType::new(true, hty)
                    .ok_or_else(|| DecodeError::new(at, "invalid heap type"))?,
                at,
            )?),
            wp::Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            wp::Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            wp::Operator::I32Add => ConstOp::I32Add,
            wp::Operator::I32Sub => ConstOp::I32Sub,
            wp::Operator::I32Mul => ConstOp::I32Mul,
            wp::Operator::I64Add => ConstOp::I64Add,
            wp::Operator::I64Sub => ConstOp::I64Sub,
            wp::Operator::I64Mul => ConstOp::I64Mul,
            wp::Operator::V128Const { .. } => ConstOp::V128Const { offset: at },
            _ => ConstOp::NonConstant { offset: at },
        };
        ops.push(op);
    }
    if !reader.eof() {
        return Err(DecodeError::new(
            offset(reader.original_position()),
            "unexpected content after end of constant expression",
        ));
    }
    Ok(ConstExpr { ops, offset: start })
}

fn elem_segment(elem: wp::Element<'_>) -> Result<ElemSegment, DecodeError> {
    let at = offset(elem.range.start);
    let kind = match elem.kind {
        wp::ElementKind::Passive => ElemKind::Passive,
        wp::ElementKind::Declared => ElemKind::Declared,
        wp::ElementKind::Active {
            table_index,
            offset_expr,
        } => ElemKind::Active {
            table: table_index.unwrap_or(0),
            offset: const_expr(&offset_expr)?,
        },
    };
    let (ty, items) = match elem.items {
        wp::ElementItems::Functions(reader) => (
            RefType::FuncRef,
            ElemItems::Funcs(reader.into_iter().collect::<Result<_, _>>()?),
        ),
        wp::ElementItems::Expressions(ty, reader) => {
            let exprs = reader
                .into_iter()
                .map(|e| const_expr(&e?))
                .collect::<Result<_, _>>()?;
            (ref_type(ty, at)?, ElemItems::Exprs(exprs))
        }
    };
    Ok(ElemSegment {
        kind,
        ty,
        items,
        offset: at,
    })
}
