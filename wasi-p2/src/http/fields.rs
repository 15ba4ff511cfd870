//! `wasi:http/types.fields`: an ordered multimap of field names to byte
//! values, with the syntax rules of RFC 9110 §5 checked on every insertion.

/// Cap on the bytes (names plus values) one `fields` holds, so a guest
/// appending in a loop fails cleanly instead of exhausting host memory.
pub const MAX_FIELDS_BYTES: usize = 1 << 20;

/// `wasi:http/types.header-error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderError {
    InvalidSyntax,
    Forbidden,
    Immutable,
}

/// Fields the host owns rather than the guest: the connection-specific
/// fields of RFC 9110 §7.6.1 (and HTTP/2's `http2-settings`), whose values
/// only the transport can choose, and `host`, which is derived from the
/// request's authority. Setting one is `header-error.forbidden`.
const FORBIDDEN: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "transfer-encoding",
    "upgrade",
    "host",
    "http2-settings",
];

/// One `fields` resource. Names keep the casing the guest gave them and are
/// compared case-insensitively (RFC 9110 §5.1); entries keep insertion order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    entries: Vec<(String, Vec<u8>)>,
    /// Fields handed out by a request or response (`headers()`) are
    /// immutable: their owner has already taken its copy.
    mutable: bool,
}

/// RFC 9110 §5.1: `field-name = token`, `token = 1*tchar`.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(is_tchar)
}

/// RFC 9110 §5.6.2 `tchar`.
pub fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// RFC 9110 §5.5: a value is visible ASCII, obs-text (0x80-0xFF), spaces and
/// tabs; no CR, LF, NUL or other control bytes, which would let a value
/// smuggle another field or end the header section.
pub fn is_valid_value(value: &[u8]) -> bool {
    value
        .iter()
        .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80)
}

fn is_forbidden(name: &str) -> bool {
    FORBIDDEN.iter().any(|f| f.eq_ignore_ascii_case(name))
}

/// A name the guest may change: syntax first, then the host-owned names.
fn check_name(name: &str) -> Result<(), HeaderError> {
    if !is_valid_name(name) {
        return Err(HeaderError::InvalidSyntax);
    }
    if is_forbidden(name) {
        return Err(HeaderError::Forbidden);
    }
    Ok(())
}

fn check_value(value: &[u8]) -> Result<(), HeaderError> {
    if is_valid_value(value) {
        Ok(())
    } else {
        Err(HeaderError::InvalidSyntax)
    }
}

/// Why a change was refused: a `header-error` for the guest, or the size
/// cap, which the binding reports as a trap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldsRefusal {
    Header(HeaderError),
    TooLarge,
}

impl From<HeaderError> for FieldsRefusal {
    fn from(err: HeaderError) -> Self {
        FieldsRefusal::Header(err)
    }
}

impl Fields {
    /// An empty, mutable `fields` (the constructor).
    pub fn new() -> Self {
        Fields {
            entries: Vec::new(),
            mutable: true,
        }
    }

    /// `from-list`: every entry is checked; the first bad one fails the call.
    pub fn from_list(entries: Vec<(String, Vec<u8>)>) -> Result<Self, FieldsRefusal> {
        let mut fields = Fields::new();
        for (name, value) in entries {
            fields.append(name, value)?;
        }
        Ok(fields)
    }

    /// A read-only copy, for the `headers()` of a request or response.
    pub fn immutable_copy(&self) -> Self {
        Fields {
            entries: self.entries.clone(),
            mutable: false,
        }
    }

    /// `clone`: a deep, mutable copy.
    pub fn mutable_copy(&self) -> Self {
        Fields {
            entries: self.entries.clone(),
            mutable: true,
        }
    }

    /// `get`: every value of `name`, in order; none for an invalid name.
    pub fn get(&self, name: &str) -> Vec<Vec<u8>> {
        self.entries
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// `set`: replaces every value of `name`; checked before anything
    /// changes, so a refused call leaves the fields as they were.
    pub fn set(&mut self, name: String, values: Vec<Vec<u8>>) -> Result<(), FieldsRefusal> {
        self.check_mutable()?;
        check_name(&name)?;
        values.iter().try_for_each(|v| check_value(v))?;
        let kept = self.size() - self.size_of(&name);
        let added: usize = values.iter().map(|v| name.len() + v.len()).sum();
        if kept + added > MAX_FIELDS_BYTES {
            return Err(FieldsRefusal::TooLarge);
        }
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.entries
            .extend(values.into_iter().map(|v| (name.clone(), v)));
        Ok(())
    }

    pub fn delete(&mut self, name: &str) -> Result<(), FieldsRefusal> {
        self.check_mutable()?;
        check_name(name)?;
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        Ok(())
    }

    pub fn append(&mut self, name: String, value: Vec<u8>) -> Result<(), FieldsRefusal> {
        self.check_mutable()?;
        check_name(&name)?;
        check_value(&value)?;
        if self.size() + name.len() + value.len() > MAX_FIELDS_BYTES {
            return Err(FieldsRefusal::TooLarge);
        }
        self.entries.push((name, value));
        Ok(())
    }

    pub fn entries(&self) -> Vec<(String, Vec<u8>)> {
        self.entries.clone()
    }

    /// The value of `content-length`, if there is exactly one and it is a
    /// decimal number (RFC 9110 §8.6).
    pub fn content_length(&self) -> Option<u64> {
        match self.get("content-length").as_slice() {
            [value] if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                std::str::from_utf8(value).ok()?.parse().ok()
            }
            _ => None,
        }
    }

    fn check_mutable(&self) -> Result<(), HeaderError> {
        if self.mutable {
            Ok(())
        } else {
            Err(HeaderError::Immutable)
        }
    }

    fn size(&self) -> usize {
        self.entries.iter().map(|(n, v)| n.len() + v.len()).sum()
    }

    fn size_of(&self, name: &str) -> usize {
        self.entries
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(n, v)| n.len() + v.len())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(err: HeaderError) -> Result<(), FieldsRefusal> {
        Err(FieldsRefusal::Header(err))
    }

    #[test]
    fn names_are_case_insensitive_and_keep_their_casing() {
        let mut f = Fields::new();
        f.append("Content-Type".into(), b"text/plain".to_vec())
            .unwrap();
        f.append("x-a".into(), b"1".to_vec()).unwrap();
        f.append("X-A".into(), b"2".to_vec()).unwrap();
        assert_eq!(f.get("content-type"), [b"text/plain".to_vec()]);
        assert_eq!(f.get("x-A"), [b"1".to_vec(), b"2".to_vec()]);
        assert!(f.has("CONTENT-TYPE"));
        assert_eq!(f.entries()[0].0, "Content-Type");
        f.set("x-a".into(), vec![b"3".to_vec()]).unwrap();
        assert_eq!(f.get("x-a"), [b"3".to_vec()]);
        f.delete("X-a").unwrap();
        assert!(!f.has("x-a"));
    }

    #[test]
    fn syntax_and_forbidden_names_are_refused_without_change() {
        let mut f = Fields::new();
        assert_eq!(
            f.append("bad name".into(), vec![]),
            header(HeaderError::InvalidSyntax)
        );
        assert_eq!(
            f.append("".into(), vec![]),
            header(HeaderError::InvalidSyntax)
        );
        assert_eq!(
            f.append("x".into(), b"a\r\nevil: 1".to_vec()),
            header(HeaderError::InvalidSyntax)
        );
        assert_eq!(
            f.append("Host".into(), b"h".to_vec()),
            header(HeaderError::Forbidden)
        );
        assert_eq!(
            f.set("x".into(), vec![b"ok".to_vec(), b"\0".to_vec()]),
            header(HeaderError::InvalidSyntax)
        );
        assert_eq!(f.delete("connection"), header(HeaderError::Forbidden));
        assert!(f.entries().is_empty());
        assert!(Fields::from_list(vec![("te".into(), b"x".to_vec())]).is_err());
    }

    #[test]
    fn immutable_copies_refuse_changes_and_clones_are_mutable() {
        let mut f = Fields::new();
        f.append("a".into(), b"1".to_vec()).unwrap();
        let mut frozen = f.immutable_copy();
        assert_eq!(
            frozen.append("b".into(), vec![]),
            header(HeaderError::Immutable)
        );
        assert_eq!(frozen.delete("a"), header(HeaderError::Immutable));
        assert_eq!(
            frozen.set("a".into(), vec![]),
            header(HeaderError::Immutable)
        );
        let mut thawed = frozen.mutable_copy();
        assert_eq!(thawed.append("b".into(), vec![]), Ok(()));
        assert_eq!(frozen.get("a"), [b"1".to_vec()]);
    }

    #[test]
    fn content_length_needs_one_decimal_value() {
        let with = |values: &[&[u8]]| {
            let mut f = Fields::new();
            for v in values {
                f.append("Content-Length".into(), v.to_vec()).unwrap();
            }
            f.content_length()
        };
        assert_eq!(with(&[b"12"]), Some(12));
        assert_eq!(with(&[]), None);
        assert_eq!(with(&[b"1", b"1"]), None);
        assert_eq!(with(&[b"-1"]), None);
    }

    #[test]
    fn size_is_capped() {
        let mut f = Fields::new();
        let big = vec![b'a'; MAX_FIELDS_BYTES];
        assert_eq!(f.append("x".into(), big), Err(FieldsRefusal::TooLarge));
    }
}
