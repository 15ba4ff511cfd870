//! Connects wasmparser's binary reader to the typing rules: [`Visit`] is the
//! reader's `VisitOperator`, so operators are checked straight from their
//! encoding, without an `Operator` value in between, and it is the reader's
//! `FrameStack`, so the reader's syntactic checks (`else` only in `if`,
//! nothing after the final `end`) use the validator's own control frames.
//!
//! The operators of the proposals in WebAssembly 2.0 (without SIMD) call the
//! rule of the same name in `ops.rs` or `numeric.rs`; every other operator is
//! rejected with its name and proposal.

use myrt_parser::wasmparser::{
    self as wp, BinaryReader, BlockType, FrameStack, MemArg, VisitOperator, VisitSimdOperator,
};

use super::{Check, FuncValidator, offset};
use crate::ValidationError;

pub(super) struct Visit<'v, 'm>(pub(super) &'v mut FuncValidator<'m>);

impl FrameStack for Visit<'_, '_> {
    #[inline]
    fn current_frame(&self) -> Option<wp::FrameKind> {
        self.0.frames.last().map(|frame| frame.kind.syntactic())
    }
}

macro_rules! define_visit {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        $( define_visit!(one $proposal $visit $({ $($arg: $argty),* })?); )*
    };
    (one mvp $($rest:tt)*) => { define_visit!(rule $($rest)*); };
    (one sign_extension $($rest:tt)*) => { define_visit!(rule $($rest)*); };
    (one saturating_float_to_int $($rest:tt)*) => { define_visit!(rule $($rest)*); };
    (one bulk_memory $($rest:tt)*) => { define_visit!(rule $($rest)*); };
    (one reference_types $($rest:tt)*) => { define_visit!(rule $($rest)*); };
    (one $proposal:ident $visit:ident $({ $($arg:ident: $argty:ty),* })?) => {
        fn $visit(&mut self $($(, _: $argty)*)?) -> Check {
            Err(self.0.unsupported(stringify!($proposal), stringify!($visit)))
        }
    };
    (rule $visit:ident $({ $($arg:ident: $argty:ty),* })?) => {
        #[inline]
        fn $visit(&mut self $($(, $arg: $argty)*)?) -> Check {
            self.0.$visit($($($arg),*)?)
        }
    };
}

impl<'a> VisitOperator<'a> for Visit<'_, '_> {
    type Output = Check;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Check>> {
        Some(self)
    }

    wp::for_each_visit_operator!(define_visit);
}

/// SIMD operators are decoded (so malformed ones stay malformed) and rejected.
impl<'a> VisitSimdOperator<'a> for Visit<'_, '_> {
    wp::for_each_visit_simd_operator!(define_visit);
}

impl FuncValidator<'_> {
    /// Checks the operators of a body: `reader` is positioned after its
    /// locals, and `bytes` is what it reads (the whole body).
    pub(super) fn check_operators(
        &mut self,
        bytes: &[u8],
        mut reader: BinaryReader<'_>,
    ) -> Result<(), ValidationError> {
        let features = reader.features();
        // Multi-memory takes bit 6 of a memarg's flags for a memory index:
        // flags below 32 mean the same with it or without, 64-bit offsets do not.
        let plain_memargs = !features.memory64();
        while !reader.eof() {
            self.offset = offset(reader.original_position());
            let check = match self.check_frequent(bytes, &mut reader, plain_memargs)? {
                Some(check) => check,
                None => reader.visit_operator(&mut Visit(self))?,
            };
            check.map_err(|err| *err)?;
        }
        self.finish(offset(reader.original_position()))?;
        reader.finish_expression(&Visit(self))?;
        Ok(())
    }

    /// Checks the operator at `reader` if it is one of the frequent ones
    /// (locals, constants, calls, blocks and branches, numeric operators,
    /// memory accesses: nearly all operators of real code), decoding it here
    /// rather than through the reader's general dispatch. The opcode is
    /// looked at in `bytes` before deciding, and immediates are read with
    /// the reader's own methods, so the bytes accepted and the decoding
    /// errors are the reader's. `None`, with `reader` untouched, for any
    /// other operator, and after the final `end`, where the reader reports
    /// what remains.
    #[inline(always)]
    fn check_frequent(
        &mut self,
        bytes: &[u8],
        reader: &mut BinaryReader<'_>,
        plain_memargs: bool,
    ) -> wp::Result<Option<Check>> {
        let at = reader.current_position();
        let Some(&opcode) = bytes.get(at) else {
            return Ok(None);
        };
        if self.frames.is_empty() {
            return Ok(None);
        }
        let check = match opcode {
            0x00 | 0x01 | 0x0b | 0x0f | 0x1a | 0x1b => {
                reader.read_u8()?;
                match opcode {
                    0x00 => self.visit_unreachable(),
                    0x01 => self.visit_nop(),
                    0x0b => self.visit_end(),
                    0x0f => self.visit_return(),
                    0x1a => self.visit_drop(),
                    _ => self.visit_select(),
                }
            }
            0x02..=0x04 => {
                let Some(blockty) = bytes.get(at + 1).copied().and_then(plain_block_type) else {
                    return Ok(None);
                };
                reader.read_u8()?;
                reader.read_u8()?;
                match opcode {
                    0x02 => self.visit_block(blockty),
                    0x03 => self.visit_loop(blockty),
                    _ => self.visit_if(blockty),
                }
            }
            0x0c => self.visit_br(index_immediate(reader)?),
            0x0d => self.visit_br_if(index_immediate(reader)?),
            0x10 => self.visit_call(index_immediate(reader)?),
            0x20 => self.visit_local_get(index_immediate(reader)?),
            0x21 => self.visit_local_set(index_immediate(reader)?),
            0x22 => self.visit_local_tee(index_immediate(reader)?),
            0x23 => self.visit_global_get(index_immediate(reader)?),
            0x24 => self.visit_global_set(index_immediate(reader)?),
            0x41 => {
                reader.read_u8()?;
                self.visit_i32_const(reader.read_var_i32()?)
            }
            0x28..=0x3e if plain_memargs && bytes.get(at + 1).is_some_and(|&flags| flags < 32) => {
                match self.check_plain_access(opcode, bytes, reader) {
                    Some(check) => check?,
                    None => return Ok(None),
                }
            }
            _ => match self.check_numeric(opcode) {
                Some(check) => {
                    reader.read_u8()?;
                    check
                }
                None => return Ok(None),
            },
        };
        Ok(Some(check))
    }

    /// The error for an operator outside WebAssembly 2.0 without SIMD, named
    /// after the proposal wasmparser files it under.
    #[cold]
    #[inline(never)]
    fn unsupported(&self, proposal: &str, visit: &str) -> super::RuleError {
        let name = visit.strip_prefix("visit_").unwrap_or(visit);
        self.error(format!(
            "operator {name} ({proposal} proposal) is not supported"
        ))
    }
}

/// Skips an opcode and reads its one immediate, an index.
#[inline(always)]
fn index_immediate(reader: &mut BinaryReader<'_>) -> wp::Result<u32> {
    reader.read_u8()?;
    reader.read_var_u32()
}

/// Reads a load or store whose memarg is plain: WebAssembly 2.0's encoding
/// (no memory index, a 32-bit offset) with an `align` of one byte below 32,
/// which the caller has checked, so the reader would accept it as it is.
/// `bytes` is what `reader` reads: an offset of one byte is taken from it,
/// a longer one is read by the reader.
#[inline(always)]
pub(super) fn read_plain_access(
    bytes: &[u8],
    reader: &mut BinaryReader<'_>,
    natural: u8,
) -> wp::Result<MemArg> {
    let short_offset = bytes
        .get(reader.current_position() + 2)
        .is_some_and(|&byte| byte < 0x80);
    reader.read_u8()?;
    let align = reader.read_u8()?;
    let offset = if short_offset {
        u32::from(reader.read_u8()?)
    } else {
        reader.read_var_u32()?
    };
    Ok(MemArg {
        align,
        max_align: natural,
        offset: u64::from(offset),
        memory: 0,
    })
}

/// The block types of one byte that are not a type index (spec 5.4.1:
/// empty, or a number type); `None` for anything else, which the reader
/// decodes.
fn plain_block_type(byte: u8) -> Option<BlockType> {
    Some(match byte {
        0x40 => BlockType::Empty,
        0x7f => BlockType::Type(wp::ValType::I32),
        0x7e => BlockType::Type(wp::ValType::I64),
        0x7d => BlockType::Type(wp::ValType::F32),
        0x7c => BlockType::Type(wp::ValType::F64),
        _ => return None,
    })
}
