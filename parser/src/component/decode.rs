//! Turns a component binary into a [`Component`]: sections are decoded in
//! order, each definition appended to its index space. Nested components are
//! decoded recursively; nested core modules are only located (see
//! [`Component::decode_module`]).

use std::ops::Range;
use std::sync::Arc;

use wasmparser::{self as wp, Chunk, Parser, Payload};

use crate::error::DecodeError;

use super::convert::*;
use super::model::*;

/// How deeply components may nest. The decoder recurses once per level, so a
/// bound keeps hostile binaries from exhausting the native stack; real
/// components nest a handful of levels.
const MAX_NESTING: u32 = 100;

/// Decodes a WebAssembly component binary.
pub fn decode_component(bytes: impl Into<Arc<[u8]>>) -> Result<Component, DecodeError> {
    let bytes: Arc<[u8]> = bytes.into();
    decode_nested(&bytes, Parser::new(0), 0, 0)
}

fn offset(pos: u64) -> usize {
    usize::try_from(pos).unwrap_or(usize::MAX)
}

/// Decodes the component whose header starts at `start`, with `parser`
/// positioned there (wasmparser bounds a nested parser to its section).
fn decode_nested(
    bytes: &Arc<[u8]>,
    mut parser: Parser,
    start: usize,
    depth: u32,
) -> Result<Component, DecodeError> {
    let mut decoder = Decoder {
        component: Component {
            bytes: bytes.clone(),
            range: start..start,
            depth,
            ..Component::default()
        },
    };
    let mut pos = start;
    loop {
        let data = bytes.get(pos..).unwrap_or_default();
        let (payload, consumed) = match parser.parse(data, true)? {
            Chunk::Parsed { payload, consumed } => (payload, consumed),
            // With `eof` set the parser reports truncation as an error instead; stay total anyway.
            Chunk::NeedMoreData(_) => {
                return Err(DecodeError::new(pos, "unexpected end of component"));
            }
        };
        let section_start = pos;
        pos += consumed;
        match payload {
            Payload::UnknownSection { id, .. } => {
                return Err(DecodeError::new(
                    section_start,
                    format!("malformed section id: {id}"),
                ));
            }
            Payload::ModuleSection {
                parser: nested,
                unchecked_range,
            } => {
                let range = nested_range(unchecked_range, bytes.len())?;
                check_module_framing(bytes, nested, range.start)?;
                pos = range.end;
                let at = range.start;
                decoder.define(
                    Sort::CoreModule,
                    CoreModuleDef::Nested(NestedModule { range }),
                    at,
                    |c| &mut c.core_modules,
                )?;
            }
            Payload::ComponentSection {
                parser: nested,
                unchecked_range,
            } => {
                let range = nested_range(unchecked_range, bytes.len())?;
                if depth + 1 > MAX_NESTING {
                    return Err(DecodeError::new(
                        range.start,
                        format!("components nested more than {MAX_NESTING} levels deep"),
                    ));
                }
                let nested = decode_nested(bytes, nested, range.start, depth + 1)?;
                pos = range.end;
                decoder.define(
                    Sort::Component,
                    ComponentDef::Nested(Box::new(nested)),
                    range.start,
                    |c| &mut c.components,
                )?;
            }
            Payload::End(end) => {
                decoder.component.range.end = offset(end);
                return Ok(decoder.component);
            }
            other => decoder.payload(other)?,
        }
    }
}

/// The bytes of a nested module or component, checked to lie in the binary
/// (wasmparser leaves that to its caller).
fn nested_range(range: Range<u64>, len: usize) -> Result<Range<usize>, DecodeError> {
    let range = offset(range.start)..offset(range.end);
    if range.end > len {
        return Err(DecodeError::new(
            range.start,
            "unexpected end: nested module or component goes past the end of the binary",
        ));
    }
    Ok(range)
}

/// Checks a nested module's header and section framing (ids, sizes, order)
/// without decoding section contents, so that a malformed module makes the
/// component malformed, as the spec requires, while decoding stays lazy. The
/// code section is skipped whole: the cost is per section, not per function.
fn check_module_framing(bytes: &[u8], mut parser: Parser, start: usize) -> Result<(), DecodeError> {
    let mut pos = start;
    loop {
        let data = bytes.get(pos..).unwrap_or_default();
        let (payload, consumed) = match parser.parse(data, true)? {
            Chunk::Parsed { payload, consumed } => (payload, consumed),
            Chunk::NeedMoreData(_) => {
                return Err(DecodeError::new(pos, "unexpected end of module"));
            }
        };
        pos += consumed;
        match payload {
            Payload::Version {
                encoding, range, ..
            } if encoding != wp::Encoding::Module => {
                return Err(DecodeError::new(
                    offset(range.start),
                    "expected a core module, found a component",
                ));
            }
            Payload::CodeSectionStart { size, .. } => {
                parser.skip_section();
                pos += size as usize;
            }
            Payload::End(_) => return Ok(()),
            _ => {}
        }
    }
}

struct Decoder {
    component: Component,
}

impl Decoder {
    /// Appends `def` to the index space of `sort` (found by `space`).
    fn define<T>(
        &mut self,
        sort: Sort,
        def: T,
        at: usize,
        space: fn(&mut Component) -> &mut Vec<T>,
    ) -> Result<(), DecodeError> {
        let list = space(&mut self.component);
        let index = u32::try_from(list.len()).map_err(|_| {
            DecodeError::new(
                at,
                format!("too many definitions in the {} index space", sort.name()),
            )
        })?;
        list.push(def);
        self.component.definitions.push(Definition {
            sort,
            index,
            offset: at,
        });
        Ok(())
    }

    fn payload(&mut self, payload: Payload<'_>) -> Result<(), DecodeError> {
        match payload {
            Payload::Version {
                encoding, range, ..
            } => {
                if encoding != wp::Encoding::Component {
                    return Err(DecodeError::new(
                        offset(range.start),
                        "expected a component, found a core module",
                    ));
                }
            }
            Payload::InstanceSection(reader) => {
                for instance in reader.into_iter_with_offsets() {
                    let (at, instance) = instance?;
                    self.define(
                        Sort::CoreInstance,
                        core_instance(instance),
                        offset(at),
                        |c| &mut c.core_instances,
                    )?;
                }
            }
            Payload::CoreTypeSection(reader) => {
                for ty in reader.into_iter_with_offsets() {
                    let (at, ty) = ty?;
                    let at = offset(at);
                    self.define(
                        Sort::CoreType,
                        CoreTypeEntry::Defined(core_type(ty, at)?),
                        at,
                        |c| &mut c.core_types,
                    )?;
                }
            }
            Payload::ComponentInstanceSection(reader) => {
                for instance in reader.into_iter_with_offsets() {
                    let (at, instance) = instance?;
                    self.define(
                        Sort::Instance,
                        component_instance(instance),
                        offset(at),
                        |c| &mut c.instances,
                    )?;
                }
            }
            Payload::ComponentAliasSection(reader) => {
                for a in reader.into_iter_with_offsets() {
                    let (at, a) = a?;
                    let (sort, a) = alias(a);
                    self.define_alias(sort, a, offset(at))?;
                }
            }
            Payload::ComponentTypeSection(reader) => {
                for ty in reader.into_iter_with_offsets() {
                    let (at, ty) = ty?;
                    let at = offset(at);
                    self.define(Sort::Type, TypeEntry::Defined(type_def(ty, at)?), at, |c| {
                        &mut c.types
                    })?;
                }
            }
            Payload::ComponentCanonicalSection(reader) => {
                for func in reader.into_iter_with_offsets() {
                    let (at, func) = func?;
                    self.define_canon(func, offset(at))?;
                }
            }
            Payload::ComponentStartSection { start, range } => {
                let at = offset(range.start);
                self.component.start = Some(Start {
                    func: start.func_index,
                    args: start.arguments.into_vec(),
                    results: start.results,
                });
                for index in 0..start.results {
                    self.define(Sort::Value, ValueDef::StartResult { index }, at, |c| {
                        &mut c.values
                    })?;
                }
            }
            Payload::ComponentImportSection(reader) => {
                for import in reader.into_iter_with_offsets() {
                    let (at, import) = import?;
                    let ty = extern_type(import.ty);
                    self.define_import(
                        Import {
                            name: extern_name(import.name),
                            ty,
                        },
                        offset(at),
                    )?;
                }
            }
            Payload::ComponentExportSection(reader) => {
                for export in reader.into_iter_with_offsets() {
                    let (at, export) = export?;
                    let export = Export {
                        name: extern_name(export.name),
                        sort: component_sort(export.kind),
                        index: export.index,
                        ty: export.ty.map(extern_type),
                    };
                    self.define_export(export, offset(at))?;
                }
            }
            Payload::CustomSection(section) => match section.as_known() {
                wp::KnownCustom::ComponentName(reader) => {
                    // Names are informative only: a malformed section is ignored, as for core modules.
                    let _ = read_names(reader, &mut self.component.names);
                }
                _ => self.component.custom_sections.push(CustomSection {
                    name: section.name().to_owned(),
                    data: offset(section.data_offset())..offset(section.range().end),
                }),
            },
            other => {
                // Only core-module payloads are left, and wasmparser never yields them for a component.
                let at = other.as_section().map_or(0, |(_, r)| offset(r.start));
                return Err(DecodeError::new(at, "core module section in a component"));
            }
        }
        Ok(())
    }

    fn define_alias(&mut self, sort: Sort, alias: Alias, at: usize) -> Result<(), DecodeError> {
        let core_export = |alias: Alias| match alias {
            Alias::CoreInstanceExport { instance, name } => Ok(CoreExportAlias { instance, name }),
            _ => Err(DecodeError::new(
                at,
                format!(
                    "a {} can only be aliased from a core instance export",
                    sort.name()
                ),
            )),
        };
        match sort {
            Sort::CoreFunc => self.define(sort, CoreFuncDef::Alias(core_export(alias)?), at, |c| {
                &mut c.core_funcs
            }),
            Sort::CoreTable => self.define(sort, core_export(alias)?, at, |c| &mut c.core_tables),
            Sort::CoreMemory => {
                self.define(sort, core_export(alias)?, at, |c| &mut c.core_memories)
            }
            Sort::CoreGlobal => self.define(sort, core_export(alias)?, at, |c| &mut c.core_globals),
            Sort::CoreTag => self.define(sort, core_export(alias)?, at, |c| &mut c.core_tags),
            Sort::CoreType => match alias {
                Alias::Outer { count, index } => {
                    self.define(sort, CoreTypeEntry::Outer { count, index }, at, |c| {
                        &mut c.core_types
                    })
                }
                _ => Err(DecodeError::new(
                    at,
                    "a core type can only be aliased from an outer component",
                )),
            },
            Sort::CoreModule => self.define(sort, CoreModuleDef::Alias(alias), at, |c| {
                &mut c.core_modules
            }),
            Sort::CoreInstance => Err(DecodeError::new(at, "core instances cannot be aliased")),
            Sort::Func => self.define(sort, FuncDef::Alias(alias), at, |c| &mut c.funcs),
            Sort::Value => self.define(sort, ValueDef::Alias(alias), at, |c| &mut c.values),
            Sort::Type => self.define(sort, TypeEntry::Alias(alias), at, |c| &mut c.types),
            Sort::Component => {
                self.define(sort, ComponentDef::Alias(alias), at, |c| &mut c.components)
            }
            Sort::Instance => {
                self.define(sort, InstanceDef::Alias(alias), at, |c| &mut c.instances)
            }
        }
    }

    fn define_canon(&mut self, func: wp::CanonicalFunction, at: usize) -> Result<(), DecodeError> {
        let core_func = match func {
            wp::CanonicalFunction::Lift {
                core_func_index,
                type_index,
                options,
            } => {
                let lift = FuncDef::Lift {
                    core_func: core_func_index,
                    ty: type_index,
                    options: canon_options(&options),
                };
                return self.define(Sort::Func, lift, at, |c| &mut c.funcs);
            }
            wp::CanonicalFunction::Lower {
                func_index,
                options,
            } => CoreFuncDef::Lower {
                func: func_index,
                options: canon_options(&options),
            },
            wp::CanonicalFunction::ResourceNew { resource } => {
                CoreFuncDef::ResourceNew { resource }
            }
            wp::CanonicalFunction::ResourceDrop { resource } => {
                CoreFuncDef::ResourceDrop { resource }
            }
            wp::CanonicalFunction::ResourceRep { resource } => {
                CoreFuncDef::ResourceRep { resource }
            }
            other => CoreFuncDef::Unsupported {
                builtin: builtin_name(&other),
                offset: at,
            },
        };
        self.define(Sort::CoreFunc, core_func, at, |c| &mut c.core_funcs)
    }

    fn define_import(&mut self, import: Import, at: usize) -> Result<(), DecodeError> {
        let index = u32::try_from(self.component.imports.len())
            .map_err(|_| DecodeError::new(at, "too many imports"))?;
        let sort = import.ty.sort();
        self.component.imports.push(import);
        match sort {
            Sort::CoreModule => self.define(sort, CoreModuleDef::Import(index), at, |c| {
                &mut c.core_modules
            }),
            Sort::Func => self.define(sort, FuncDef::Import(index), at, |c| &mut c.funcs),
            Sort::Value => self.define(sort, ValueDef::Import(index), at, |c| &mut c.values),
            Sort::Type => self.define(sort, TypeEntry::Import(index), at, |c| &mut c.types),
            Sort::Instance => {
                self.define(sort, InstanceDef::Import(index), at, |c| &mut c.instances)
            }
            Sort::Component => {
                self.define(sort, ComponentDef::Import(index), at, |c| &mut c.components)
            }
            core => Err(DecodeError::new(
                at,
                format!("a {} cannot be imported", core.name()),
            )),
        }
    }

    /// Binary.md: an export introduces a new index for the exported
    /// definition, which later definitions refer to.
    fn define_export(&mut self, export: Export, at: usize) -> Result<(), DecodeError> {
        let index = u32::try_from(self.component.exports.len())
            .map_err(|_| DecodeError::new(at, "too many exports"))?;
        let sort = export.sort;
        self.component.exports.push(export);
        match sort {
            Sort::CoreModule => self.define(sort, CoreModuleDef::Export(index), at, |c| {
                &mut c.core_modules
            }),
            Sort::Func => self.define(sort, FuncDef::Export(index), at, |c| &mut c.funcs),
            Sort::Value => self.define(sort, ValueDef::Export(index), at, |c| &mut c.values),
            Sort::Type => self.define(sort, TypeEntry::Export(index), at, |c| &mut c.types),
            Sort::Instance => {
                self.define(sort, InstanceDef::Export(index), at, |c| &mut c.instances)
            }
            Sort::Component => {
                self.define(sort, ComponentDef::Export(index), at, |c| &mut c.components)
            }
            core => Err(DecodeError::new(
                at,
                format!("a {} cannot be exported", core.name()),
            )),
        }
    }
}

fn core_instance(instance: wp::Instance<'_>) -> CoreInstanceDef {
    match instance {
        wp::Instance::Instantiate { module_index, args } => CoreInstanceDef::Instantiate {
            module: module_index,
            args: args
                .iter()
                .map(|a| CoreInstantiationArg {
                    name: a.name.to_owned(),
                    instance: a.index,
                })
                .collect(),
        },
        wp::Instance::FromExports(exports) => CoreInstanceDef::FromExports(
            exports
                .iter()
                .map(|e| CoreInlineExport {
                    name: e.name.to_owned(),
                    sort: core_sort(e.kind),
                    index: e.index,
                })
                .collect(),
        ),
    }
}

fn component_instance(instance: wp::ComponentInstance<'_>) -> InstanceDef {
    match instance {
        wp::ComponentInstance::Instantiate {
            component_index,
            args,
        } => InstanceDef::Instantiate {
            component: component_index,
            args: args
                .iter()
                .map(|a| InstantiationArg {
                    name: a.name.to_owned(),
                    sort: component_sort(a.kind),
                    index: a.index,
                })
                .collect(),
        },
        wp::ComponentInstance::FromExports(exports) => InstanceDef::FromExports(
            exports
                .iter()
                .map(|e| InlineExport {
                    name: extern_name(e.name),
                    sort: component_sort(e.kind),
                    index: e.index,
                })
                .collect(),
        ),
    }
}

/// The text-format name of a canonical built-in, for "not supported" messages.
fn builtin_name(func: &wp::CanonicalFunction) -> &'static str {
    use wp::CanonicalFunction as F;
    match func {
        F::Lift { .. } => "canon lift",
        F::Lower { .. } => "canon lower",
        F::ResourceNew { .. } => "resource.new",
        F::ResourceDrop { .. } => "resource.drop",
        F::ResourceRep { .. } => "resource.rep",
        F::ThreadSpawnRef { .. } => "thread.spawn-ref",
        F::ThreadSpawnIndirect { .. } => "thread.spawn-indirect",
        F::ThreadAvailableParallelism => "thread.available-parallelism",
        F::BackpressureInc => "backpressure.inc",
        F::BackpressureDec => "backpressure.dec",
        F::TaskReturn { .. } => "task.return",
        F::TaskCancel => "task.cancel",
        F::ContextGet { .. } => "context.get",
        F::ContextSet { .. } => "context.set",
        F::ThreadYield { .. } => "thread.yield",
        F::SubtaskDrop => "subtask.drop",
        F::SubtaskCancel { .. } => "subtask.cancel",
        F::StreamNew { .. } => "stream.new",
        F::StreamRead { .. } => "stream.read",
        F::StreamWrite { .. } => "stream.write",
        F::StreamCancelRead { .. } => "stream.cancel-read",
        F::StreamCancelWrite { .. } => "stream.cancel-write",
        F::StreamDropReadable { .. } => "stream.drop-readable",
        F::StreamDropWritable { .. } => "stream.drop-writable",
        F::FutureNew { .. } => "future.new",
        F::FutureRead { .. } => "future.read",
        F::FutureWrite { .. } => "future.write",
        F::FutureCancelRead { .. } => "future.cancel-read",
        F::FutureCancelWrite { .. } => "future.cancel-write",
        F::FutureDropReadable { .. } => "future.drop-readable",
        F::FutureDropWritable { .. } => "future.drop-writable",
        F::ErrorContextNew { .. } => "error-context.new",
        F::ErrorContextDebugMessage { .. } => "error-context.debug-message",
        F::ErrorContextDrop => "error-context.drop",
        F::WaitableSetNew => "waitable-set.new",
        F::WaitableSetWait { .. } => "waitable-set.wait",
        F::WaitableSetPoll { .. } => "waitable-set.poll",
        F::WaitableSetDrop => "waitable-set.drop",
        F::WaitableJoin => "waitable.join",
        F::ThreadIndex => "thread.index",
        F::ThreadNewIndirect { .. } => "thread.new-indirect",
        F::ThreadResumeLater => "thread.resume-later",
        F::ThreadSuspend { .. } => "thread.suspend",
        F::ThreadSuspendThenResume { .. } => "thread.suspend-then-resume",
        F::ThreadYieldThenResume { .. } => "thread.yield-then-resume",
        F::ThreadSuspendThenPromote { .. } => "thread.suspend-then-promote",
        F::ThreadYieldThenPromote { .. } => "thread.yield-then-promote",
    }
}

fn read_names(
    reader: wp::ComponentNameSectionReader<'_>,
    names: &mut ComponentNames,
) -> Result<(), DecodeError> {
    for subsection in reader {
        let (sort, map) = match subsection? {
            wp::ComponentName::Component { name, .. } => {
                names.component = Some(name.to_owned());
                continue;
            }
            wp::ComponentName::CoreFuncs(m) => (Sort::CoreFunc, m),
            wp::ComponentName::CoreGlobals(m) => (Sort::CoreGlobal, m),
            wp::ComponentName::CoreMemories(m) => (Sort::CoreMemory, m),
            wp::ComponentName::CoreTables(m) => (Sort::CoreTable, m),
            wp::ComponentName::CoreTags(m) => (Sort::CoreTag, m),
            wp::ComponentName::CoreModules(m) => (Sort::CoreModule, m),
            wp::ComponentName::CoreInstances(m) => (Sort::CoreInstance, m),
            wp::ComponentName::CoreTypes(m) => (Sort::CoreType, m),
            wp::ComponentName::Types(m) => (Sort::Type, m),
            wp::ComponentName::Instances(m) => (Sort::Instance, m),
            wp::ComponentName::Components(m) => (Sort::Component, m),
            wp::ComponentName::Funcs(m) => (Sort::Func, m),
            wp::ComponentName::Values(m) => (Sort::Value, m),
            wp::ComponentName::Unknown { .. } => continue,
        };
        let by_index = names.by_sort.entry(sort).or_default();
        for naming in map {
            let naming = naming?;
            by_index.insert(naming.index, naming.name.to_owned());
        }
    }
    Ok(())
}
