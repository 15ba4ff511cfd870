//! Offsets of module items for error messages. The IR keeps offsets only
//! where bodies and segments need them, so on the (rare) error path the
//! binary is read again up to the offending item.

use myrt_parser::Module;
use myrt_parser::wasmparser::{Parser, Payload};

/// Where a module-level error lies: the n-th item of a section, or a known offset.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Location {
    Type(u32),
    Import(u32),
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
    Export(u32),
    Start,
    Offset(usize),
}

/// The offset of `location` in the module binary (0 if it cannot be found,
/// which only happens if the IR does not come from `module.bytes`).
pub(crate) fn locate(module: &Module, location: Location) -> usize {
    if let Location::Offset(offset) = location {
        return offset;
    }
    find(module, location)
        .and_then(|at| usize::try_from(at).ok())
        .unwrap_or(0)
}

fn find(module: &Module, location: Location) -> Option<u64> {
    fn nth<T, E>(items: impl Iterator<Item = Result<(u64, T), E>>, n: u32) -> Option<u64> {
        items
            .map_while(Result::ok)
            .nth(n as usize)
            .map(|(at, _)| at)
    }
    for payload in Parser::new(0).parse_all(&module.bytes) {
        let found = match (payload.ok()?, location) {
            (Payload::TypeSection(r), Location::Type(n)) => nth(r.into_iter_with_offsets(), n),
            (Payload::ImportSection(r), Location::Import(n)) => {
                nth(r.into_imports_with_offsets(), n)
            }
            (Payload::FunctionSection(r), Location::Func(n)) => nth(r.into_iter_with_offsets(), n),
            (Payload::TableSection(r), Location::Table(n)) => nth(r.into_iter_with_offsets(), n),
            (Payload::MemorySection(r), Location::Memory(n)) => nth(r.into_iter_with_offsets(), n),
            (Payload::GlobalSection(r), Location::Global(n)) => nth(r.into_iter_with_offsets(), n),
            (Payload::ExportSection(r), Location::Export(n)) => nth(r.into_iter_with_offsets(), n),
            (Payload::StartSection { range, .. }, Location::Start) => Some(range.start),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}
