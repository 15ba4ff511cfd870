//! Strings in the three canonical encodings (CanonicalABI.md:
//! `load_string_from_range`, `store_string_into_range` and the
//! `store_*` transcoding functions it dispatches to).
//!
//! Storing follows the spec's allocation protocol exactly, since guests can
//! observe it through `realloc`: allocate for the common case (or the worst
//! case), then grow or shrink once the real size is known.

use super::StringEncoding;
use super::memory::{Content, GuestMemory, bytes, bytes_mut, check_range, realloc_checked};
use crate::error::{Error, trap_if};

/// `MAX_STRING_BYTE_LENGTH`: the most bytes a string may take in the
/// encoding it is stored in. It keeps the high bit of a length clear for
/// `UTF16_TAG`. Like the spec, only storing checks it (before each
/// allocation); loading is bounded by the memory.
pub const MAX_STRING_BYTE_LENGTH: u32 = (1 << 31) - 1;
/// `utf16_tag` for 32-bit memories: set in a `latin1+utf16` length when the
/// string is UTF-16.
pub const UTF16_TAG: u32 = 1 << 31;

/// `load_string_from_range`.
pub(crate) fn load_string_from_range(
    memory: &dyn GuestMemory,
    encoding: StringEncoding,
    ptr: u32,
    tagged_code_units: u32,
) -> Result<String, Error> {
    let (alignment, byte_length, simple) = match encoding {
        StringEncoding::Utf8 => (1, u64::from(tagged_code_units), SimpleEncoding::Utf8),
        StringEncoding::Utf16 => (2, 2 * u64::from(tagged_code_units), SimpleEncoding::Utf16),
        StringEncoding::Latin1Utf16 if tagged_code_units & UTF16_TAG != 0 => (
            2,
            2 * u64::from(tagged_code_units ^ UTF16_TAG),
            SimpleEncoding::Utf16,
        ),
        StringEncoding::Latin1Utf16 => (2, u64::from(tagged_code_units), SimpleEncoding::Latin1),
    };
    check_range(memory, ptr, alignment, byte_length, Content::String)?;
    // Within a 32-bit memory after the check above.
    let raw = bytes(memory, ptr, byte_length as u32)?;
    match simple {
        SimpleEncoding::Utf8 => std::str::from_utf8(raw)
            .map(str::to_owned)
            .map_err(|e| Error::trap(format!("string is not UTF-8: {e}"))),
        // ASCII text, the common case, skips decoding one char at a time,
        // which matters for strings of gigabytes.
        SimpleEncoding::Latin1 | SimpleEncoding::Utf16
            if let Some(ascii) = ascii_of(raw, simple) =>
        {
            Ok(ascii)
        }
        SimpleEncoding::Utf16 => {
            let units = raw
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .map_err(|e| Error::trap(format!("string is not UTF-16: {e}")))
        }
        SimpleEncoding::Latin1 => Ok(raw.iter().map(|&b| char::from(b)).collect()),
    }
}

/// The text of Latin-1 or UTF-16LE bytes if every character is ASCII.
fn ascii_of(raw: &[u8], encoding: SimpleEncoding) -> Option<String> {
    let ascii = match encoding {
        SimpleEncoding::Utf16 => {
            let is_ascii = raw
                .chunks_exact(2)
                .all(|unit| unit[1] == 0 && unit[0] < 0x80);
            is_ascii.then(|| raw.iter().step_by(2).copied().collect())
        }
        _ => raw.is_ascii().then(|| raw.to_vec()),
    }?;
    // ASCII is UTF-8.
    String::from_utf8(ascii).ok()
}

/// `trap_if(size > MAX_STRING_BYTE_LENGTH)`, made before each allocation.
fn check_string_size(byte_length: u64) -> Result<u32, Error> {
    trap_if(byte_length > u64::from(MAX_STRING_BYTE_LENGTH), || {
        // wasmtime's wording for this trap, which the suites match.
        format!(
            "string content out-of-bounds: a string of {byte_length} bytes exceeds \
             the {MAX_STRING_BYTE_LENGTH}-byte limit"
        )
    })?;
    Ok(byte_length as u32)
}

/// `realloc` for a string's bytes, checked like every `realloc` result.
fn realloc_string(
    memory: &mut dyn GuestMemory,
    old_ptr: u32,
    old_size: u32,
    alignment: u32,
    new_size: u32,
) -> Result<u32, Error> {
    realloc_checked(
        memory,
        old_ptr,
        old_size,
        alignment,
        new_size,
        Content::String,
    )
}

/// The spec's `src_simple_encoding`: the encoding of one concrete string,
/// with `latin1+utf16` resolved to one of its two forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SimpleEncoding {
    Utf8,
    Utf16,
    Latin1,
}

/// A string as the lifting side held it: its text, the encoding it was in
/// and its length in that encoding's code units (`src_code_units`).
struct SourceString<'a> {
    text: &'a str,
    encoding: StringEncoding,
    simple: SimpleEncoding,
    code_units: u32,
}

impl<'a> SourceString<'a> {
    /// Reconstructs how a string lifted under `encoding` was held. For
    /// `latin1+utf16` the Latin-1 form is assumed whenever it fits, which is
    /// what a spec-conforming `store` would have produced.
    fn new(text: &'a str, encoding: StringEncoding) -> Result<Self, Error> {
        let utf16_units = || text.encode_utf16().count();
        let (simple, code_units) = match encoding {
            StringEncoding::Utf8 => (SimpleEncoding::Utf8, text.len()),
            // One code unit per byte in every encoding; Latin-1 fits.
            StringEncoding::Utf16 if text.is_ascii() => (SimpleEncoding::Utf16, text.len()),
            StringEncoding::Latin1Utf16 if text.is_ascii() => (SimpleEncoding::Latin1, text.len()),
            StringEncoding::Utf16 => (SimpleEncoding::Utf16, utf16_units()),
            StringEncoding::Latin1Utf16 if text.chars().all(|c| u32::from(c) < 0x100) => {
                (SimpleEncoding::Latin1, text.chars().count())
            }
            StringEncoding::Latin1Utf16 => (SimpleEncoding::Utf16, utf16_units()),
        };
        // Every destination encoding needs at least a byte per source code
        // unit. The spec asserts this of lifted strings; a host string can
        // be longer.
        check_string_size(code_units as u64)?;
        Ok(SourceString {
            text,
            encoding,
            simple,
            code_units: code_units as u32,
        })
    }
}

/// `store_string_into_range`: returns `(ptr, tagged_code_units)`.
pub(crate) fn store_string_into_range(
    memory: &mut dyn GuestMemory,
    dst_encoding: StringEncoding,
    src_encoding: StringEncoding,
    text: &str,
) -> Result<(u32, u32), Error> {
    let src = SourceString::new(text, src_encoding)?;
    use SimpleEncoding as S;
    use StringEncoding as E;
    match (dst_encoding, src.simple) {
        (E::Utf8, S::Utf8) => store_string_copy(memory, &src, 1, 1, S::Utf8),
        (E::Utf8, S::Utf16) => store_string_to_utf8(memory, &src, 3),
        (E::Utf8, S::Latin1) => store_string_to_utf8(memory, &src, 2),
        (E::Utf16, S::Utf8) => store_utf8_to_utf16(memory, &src),
        (E::Utf16, S::Utf16 | S::Latin1) => store_string_copy(memory, &src, 2, 2, S::Utf16),
        (E::Latin1Utf16, _) => match (src.encoding, src.simple) {
            (E::Latin1Utf16, S::Latin1) => store_string_copy(memory, &src, 1, 2, S::Latin1),
            (E::Latin1Utf16, _) => store_probably_utf16_to_latin1_or_utf16(memory, &src),
            _ => store_string_to_latin1_or_utf16(memory, &src),
        },
    }
}

/// `store_string_copy`: same code units on both sides, one allocation.
fn store_string_copy(
    memory: &mut dyn GuestMemory,
    src: &SourceString,
    dst_code_unit_size: u32,
    dst_alignment: u32,
    dst_encoding: SimpleEncoding,
) -> Result<(u32, u32), Error> {
    let dst_byte_length =
        check_string_size(u64::from(dst_code_unit_size) * u64::from(src.code_units))?;
    let ptr = realloc_string(memory, 0, 0, dst_alignment, dst_byte_length)?;
    let dst = bytes_mut(memory, ptr, dst_byte_length)?;
    match dst_encoding {
        SimpleEncoding::Utf8 => dst.copy_from_slice(src.text.as_bytes()),
        SimpleEncoding::Utf16 => write_utf16(dst, src.text),
        SimpleEncoding::Latin1 if src.text.is_ascii() => dst.copy_from_slice(src.text.as_bytes()),
        SimpleEncoding::Latin1 => {
            for (byte, c) in dst.iter_mut().zip(src.text.chars()) {
                // `SourceString::new` chose Latin-1 only when every char fits.
                *byte = u32::from(c) as u8;
            }
        }
    }
    Ok((ptr, src.code_units))
}

/// `store_string_to_utf8` (for UTF-16 and Latin-1 sources): optimistically
/// allocate one byte per source code unit; on the first non-ASCII code
/// point, grow to the worst case (`worst_case_factor` bytes per source code
/// unit), finish, and shrink to fit.
fn store_string_to_utf8(
    memory: &mut dyn GuestMemory,
    src: &SourceString,
    worst_case_factor: u64,
) -> Result<(u32, u32), Error> {
    let mut ptr = realloc_string(memory, 0, 0, 1, src.code_units)?;
    let encoded = src.text.as_bytes();
    // While every code point is ASCII, code points, source code units and
    // UTF-8 bytes all coincide, so the ASCII prefix length is its byte length.
    let ascii_prefix = encoded
        .iter()
        .position(|b| !b.is_ascii())
        .unwrap_or(encoded.len());
    bytes_mut(memory, ptr, ascii_prefix as u32)?.copy_from_slice(&encoded[..ascii_prefix]);
    if ascii_prefix == encoded.len() {
        return Ok((ptr, src.code_units));
    }
    let worst_case_size = check_string_size(worst_case_factor * u64::from(src.code_units))?;
    ptr = realloc_string(memory, ptr, src.code_units, 1, worst_case_size)?;
    let rest = &encoded[ascii_prefix..];
    bytes_mut(memory, ptr + ascii_prefix as u32, rest.len() as u32)?.copy_from_slice(rest);
    let byte_length = encoded.len() as u32;
    if worst_case_size > byte_length {
        ptr = realloc_string(memory, ptr, worst_case_size, 1, byte_length)?;
    }
    Ok((ptr, byte_length))
}

/// `store_utf8_to_utf16`: allocate the worst case (two bytes per UTF-8
/// byte), then shrink.
fn store_utf8_to_utf16(
    memory: &mut dyn GuestMemory,
    src: &SourceString,
) -> Result<(u32, u32), Error> {
    let worst_case_size = check_string_size(2 * u64::from(src.code_units))?;
    let mut ptr = realloc_string(memory, 0, 0, 2, worst_case_size)?;
    let byte_length = 2 * src.text.encode_utf16().count() as u32;
    write_utf16(bytes_mut(memory, ptr, byte_length)?, src.text);
    if byte_length < worst_case_size {
        ptr = realloc_string(memory, ptr, worst_case_size, 2, byte_length)?;
    }
    Ok((ptr, byte_length / 2))
}

/// `store_string_to_latin1_or_utf16` (UTF-8 or UTF-16 source): write
/// Latin-1 optimistically; on the first code point above 0xFF, grow to the
/// worst case, widen what was written in place, and continue in UTF-16.
fn store_string_to_latin1_or_utf16(
    memory: &mut dyn GuestMemory,
    src: &SourceString,
) -> Result<(u32, u32), Error> {
    let mut ptr = realloc_string(memory, 0, 0, 2, src.code_units)?;
    let mut dst_byte_length: u32 = 0;
    for c in src.text.chars() {
        if u32::from(c) < 0x100 {
            bytes_mut(memory, ptr + dst_byte_length, 1)?[0] = u32::from(c) as u8;
            dst_byte_length += 1;
            continue;
        }
        let worst_case_size = check_string_size(2 * u64::from(src.code_units))?;
        ptr = realloc_string(memory, ptr, src.code_units, 2, worst_case_size)?;
        let widened = bytes_mut(memory, ptr, 2 * dst_byte_length)?;
        // Back to front, so no byte is overwritten before it is moved.
        for j in (0..dst_byte_length as usize).rev() {
            widened[2 * j] = widened[j];
            widened[2 * j + 1] = 0;
        }
        let mut encoded = vec![0u8; 2 * src.text.encode_utf16().count()];
        write_utf16(&mut encoded, src.text);
        let done = 2 * dst_byte_length as usize;
        bytes_mut(memory, ptr + done as u32, (encoded.len() - done) as u32)?
            .copy_from_slice(&encoded[done..]);
        let byte_length = encoded.len() as u32;
        if worst_case_size > byte_length {
            ptr = realloc_string(memory, ptr, worst_case_size, 2, byte_length)?;
        }
        return Ok((ptr, (byte_length / 2) | UTF16_TAG));
    }
    if dst_byte_length < src.code_units {
        ptr = realloc_string(memory, ptr, src.code_units, 2, dst_byte_length)?;
    }
    Ok((ptr, dst_byte_length))
}

/// `store_probably_utf16_to_latin1_or_utf16` (a `latin1+utf16` source in
/// its UTF-16 form). The spec copies as UTF-16 and narrows to Latin-1 if
/// every code point turns out to fit; `SourceString::new` only picks the
/// UTF-16 form for a string with a code point above 0xFF, so the copy is
/// always final here.
fn store_probably_utf16_to_latin1_or_utf16(
    memory: &mut dyn GuestMemory,
    src: &SourceString,
) -> Result<(u32, u32), Error> {
    let (ptr, code_units) = store_string_copy(memory, src, 2, 2, SimpleEncoding::Utf16)?;
    Ok((ptr, code_units | UTF16_TAG))
}

/// Writes `text` as UTF-16LE; `dst` is exactly its encoded length.
fn write_utf16(dst: &mut [u8], text: &str) {
    for (pair, unit) in dst.chunks_exact_mut(2).zip(text.encode_utf16()) {
        pair.copy_from_slice(&unit.to_le_bytes());
    }
}
