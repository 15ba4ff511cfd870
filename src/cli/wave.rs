//! WAVE (WebAssembly Value Encoding, the syntax of `wasmtime run --invoke`)
//! for component values: parsing against a known type, and printing.
//!
//! Supported: `true`/`false`, integers, floats (with `nan`, `inf`, `-inf`),
//! `'c'` chars, `"strings"` (escapes `\n \t \r \' \" \\ \u{X}`), `[lists]`,
//! `{field: v}` records, `(tuples)`, variant cases `case` / `case(payload)`,
//! enum cases, `some(x)`/`none`, `ok`/`ok(x)`/`err`/`err(e)` and `{a, b}`
//! flags. Labels may be written `%label` to escape a keyword. Not supported:
//! multi-line strings, omitting `none` record fields, resource handles.

use std::fmt::Write as _;
use std::iter::Peekable;
use std::str::CharIndices;

use anyhow::{Context, anyhow, bail};
use myrt_canonical_abi::{FuncType, Type, Val};

/// Parses `name(arg, ...)` (or a bare `name`) into the function name and
/// the text of its argument list; the arguments need the function's type.
pub fn split_call(text: &str) -> anyhow::Result<(&str, Option<&str>)> {
    let text = text.trim();
    let Some(open) = text.find('(') else {
        return Ok((text, None));
    };
    let Some(inner) = text[open + 1..].strip_suffix(')') else {
        bail!("`{text}` is not a call: expected `name(arg, ...)`");
    };
    Ok((text[..open].trim(), Some(inner)))
}

/// Parses the comma-separated arguments of a call against the parameters of `ty`.
pub fn parse_args(text: &str, ty: &FuncType) -> anyhow::Result<Vec<Val>> {
    let mut parser = Parser::new(text)?;
    let mut args = Vec::with_capacity(ty.params.len());
    for (index, (name, param)) in ty.params.iter().enumerate() {
        if parser.peek().is_none() {
            bail!(
                "the function takes {} argument(s), {index} given",
                ty.params.len()
            );
        }
        if index > 0 {
            parser.expect(Token::Comma)?;
        }
        let value = parser
            .value(param)
            .with_context(|| format!("argument `{name}`"))?;
        args.push(value);
    }
    // A trailing comma is allowed after the last argument, as in WAVE lists.
    if !ty.params.is_empty() && parser.peek() == Some(&Token::Comma) {
        parser.next()?;
    }
    if let Some(extra) = parser.peek() {
        bail!(
            "the function takes {} argument(s); unexpected {} after them",
            ty.params.len(),
            extra.describe()
        );
    }
    Ok(args)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A number or anything starting with a digit or `-` (`-inf` included).
    Number(String),
    Label(String),
    Char(char),
    Str(String),
    Open(char),
    Close(char),
    Comma,
    Colon,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Number(text) | Token::Label(text) => format!("`{text}`"),
            Token::Char(c) => print_char(*c),
            Token::Str(s) => print_string(s),
            Token::Open(c) | Token::Close(c) => format!("`{c}`"),
            Token::Comma => "`,`".to_string(),
            Token::Colon => "`:`".to_string(),
        }
    }
}

fn tokenize(text: &str) -> anyhow::Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '[' | '{' | '(' => {
                chars.next();
                tokens.push(Token::Open(c));
            }
            ']' | '}' | ')' => {
                chars.next();
                tokens.push(Token::Close(c));
            }
            ',' => {
                chars.next();
                tokens.push(Token::Comma);
            }
            ':' => {
                chars.next();
                tokens.push(Token::Colon);
            }
            '\'' => {
                chars.next();
                let text = quoted(&mut chars, '\'')?;
                let mut it = text.chars();
                match (it.next(), it.next()) {
                    (Some(c), None) => tokens.push(Token::Char(c)),
                    _ => bail!("a char literal holds exactly one character: '{text}'"),
                }
            }
            '"' => {
                chars.next();
                tokens.push(Token::Str(quoted(&mut chars, '"')?));
            }
            c if c.is_ascii_digit() || c == '-' || c == '+' => {
                let end = word_end(&mut chars, text.len());
                tokens.push(Token::Number(text[start..end].to_string()));
            }
            '%' => {
                chars.next();
                let end = word_end(&mut chars, text.len());
                if end == start + 1 {
                    bail!("`%` must be followed by a label");
                }
                tokens.push(Token::Label(text[start + 1..end].to_string()));
            }
            c if c.is_ascii_alphabetic() => {
                let end = word_end(&mut chars, text.len());
                tokens.push(Token::Label(text[start..end].to_string()));
            }
            other => bail!("unexpected character `{other}` at offset {start}"),
        }
    }
    Ok(tokens)
}

/// Consumes a label or number (`[A-Za-z0-9_.+-]`) and returns its end offset.
fn word_end(chars: &mut Peekable<CharIndices<'_>>, text_len: usize) -> usize {
    while let Some(&(offset, c)) = chars.peek() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+') {
            chars.next();
        } else {
            return offset;
        }
    }
    text_len
}

/// Reads the rest of a quoted literal after its opening quote.
fn quoted(chars: &mut Peekable<CharIndices<'_>>, quote: char) -> anyhow::Result<String> {
    let mut out = String::new();
    loop {
        let Some((_, c)) = chars.next() else {
            bail!("unterminated literal: missing closing {quote}");
        };
        match c {
            c if c == quote => return Ok(out),
            '\\' => out.push(escape(chars)?),
            c => out.push(c),
        }
    }
}

fn escape(chars: &mut Peekable<CharIndices<'_>>) -> anyhow::Result<char> {
    let Some((_, c)) = chars.next() else {
        bail!("unterminated escape");
    };
    Ok(match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        '\'' | '"' | '\\' => c,
        'u' => {
            if chars.next().map(|(_, c)| c) != Some('{') {
                bail!("expected `\\u{{hex}}`");
            }
            let mut hex = String::new();
            loop {
                match chars.next() {
                    Some((_, '}')) => break,
                    Some((_, c)) => hex.push(c),
                    None => bail!("unterminated `\\u{{` escape"),
                }
            }
            let code =
                u32::from_str_radix(&hex, 16).map_err(|_| anyhow!("bad escape `\\u{{{hex}}}`"))?;
            char::from_u32(code).ok_or_else(|| anyhow!("`\\u{{{hex}}}` is not a char"))?
        }
        other => bail!("unknown escape `\\{other}`"),
    })
}

struct Parser {
    tokens: Vec<Token>,
    position: usize,
}

impl Parser {
    fn new(text: &str) -> anyhow::Result<Self> {
        Ok(Parser {
            tokens: tokenize(text)?,
            position: 0,
        })
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn next(&mut self) -> anyhow::Result<Token> {
        let token = self
            .tokens
            .get(self.position)
            .cloned()
            .ok_or_else(|| anyhow!("unexpected end of input"))?;
        self.position += 1;
        Ok(token)
    }

    fn expect(&mut self, expected: Token) -> anyhow::Result<()> {
        let token = self.next()?;
        if token == expected {
            Ok(())
        } else {
            bail!(
                "expected {}, found {}",
                expected.describe(),
                token.describe()
            )
        }
    }

    fn label(&mut self) -> anyhow::Result<String> {
        match self.next()? {
            Token::Label(label) => Ok(label),
            other => bail!("expected a label, found {}", other.describe()),
        }
    }

    /// Parses a value of type `ty`.
    fn value(&mut self, ty: &Type) -> anyhow::Result<Val> {
        Ok(match ty {
            Type::Bool => match self.label()?.as_str() {
                "true" => Val::Bool(true),
                "false" => Val::Bool(false),
                other => bail!("expected `true` or `false`, found `{other}`"),
            },
            Type::S8 => Val::S8(self.integer()?),
            Type::U8 => Val::U8(self.integer()?),
            Type::S16 => Val::S16(self.integer()?),
            Type::U16 => Val::U16(self.integer()?),
            Type::S32 => Val::S32(self.integer()?),
            Type::U32 => Val::U32(self.integer()?),
            Type::S64 => Val::S64(self.integer()?),
            Type::U64 => Val::U64(self.integer()?),
            Type::F32 => Val::F32(self.float()?),
            Type::F64 => Val::F64(self.float()?),
            Type::Char => match self.next()? {
                Token::Char(c) => Val::Char(c),
                other => bail!("expected a 'c' char, found {}", other.describe()),
            },
            Type::String => match self.next()? {
                Token::Str(s) => Val::String(s),
                other => bail!("expected a \"string\", found {}", other.describe()),
            },
            Type::List(elem) => Val::List(self.sequence('[', ']', |p| p.value(elem))?),
            Type::Tuple(types) => {
                let mut types = types.iter();
                let items = self.sequence('(', ')', |p| match types.next() {
                    Some(ty) => p.value(ty),
                    None => bail!("too many tuple elements"),
                })?;
                if types.next().is_some() {
                    bail!("too few tuple elements");
                }
                Val::Tuple(items)
            }
            Type::Record(fields) => {
                let mut given: Vec<(String, Val)> = self.sequence('{', '}', |p| {
                    let name = p.label()?;
                    p.expect(Token::Colon)?;
                    let field = fields
                        .iter()
                        .find(|field| field.name == name)
                        .ok_or_else(|| anyhow!("the record has no field `{name}`"))?;
                    Ok((name, p.value(&field.ty)?))
                })?;
                let mut ordered = Vec::with_capacity(fields.len());
                for field in fields.iter() {
                    let index = given
                        .iter()
                        .position(|(name, _)| *name == field.name)
                        .ok_or_else(|| anyhow!("missing record field `{}`", field.name))?;
                    ordered.push(given.swap_remove(index));
                }
                if let Some((name, _)) = given.first() {
                    bail!("record field `{name}` given twice");
                }
                Val::Record(ordered)
            }
            Type::Flags(labels) => {
                let set = self.sequence('{', '}', |p| {
                    let label = p.label()?;
                    if labels.contains(&label) {
                        Ok(label)
                    } else {
                        bail!("no flag named `{label}`")
                    }
                })?;
                // Printing and comparison expect the order of the type.
                Val::Flags(labels.iter().filter(|l| set.contains(l)).cloned().collect())
            }
            Type::Enum(names) => {
                let name = self.label()?;
                if !names.contains(&name) {
                    bail!("no enum case named `{name}`");
                }
                Val::Enum(name)
            }
            Type::Variant(cases) => {
                let name = self.label()?;
                let case = cases
                    .iter()
                    .find(|case| case.name == name)
                    .ok_or_else(|| anyhow!("no variant case named `{name}`"))?;
                let payload = self.payload(case.ty.as_ref(), &name)?;
                Val::Variant(name, payload)
            }
            Type::Option(payload) => match self.label()?.as_str() {
                "none" => Val::Option(None),
                "some" => Val::Option(self.payload(Some(payload), "some")?),
                other => bail!("expected `some(..)` or `none`, found `{other}`"),
            },
            Type::Result { ok, err } => match self.label()?.as_str() {
                "ok" => Val::Result(Ok(self.payload(ok.as_deref(), "ok")?)),
                "err" => Val::Result(Err(self.payload(err.as_deref(), "err")?)),
                other => bail!("expected `ok` or `err`, found `{other}`"),
            },
            Type::Own(_) | Type::Borrow(_) => {
                bail!("resource handles cannot be written as values")
            }
        })
    }

    /// The parenthesized payload of a case, required exactly when the case has one.
    fn payload(&mut self, ty: Option<&Type>, case: &str) -> anyhow::Result<Option<Box<Val>>> {
        let Some(ty) = ty else {
            if self.peek() == Some(&Token::Open('(')) {
                bail!("case `{case}` has no payload");
            }
            return Ok(None);
        };
        self.expect(Token::Open('('))
            .with_context(|| format!("case `{case}` needs a payload"))?;
        let value = self.value(ty)?;
        self.expect(Token::Close(')'))?;
        Ok(Some(Box::new(value)))
    }

    /// `open item, item, ... close`, with an optional trailing comma.
    fn sequence<T>(
        &mut self,
        open: char,
        close: char,
        mut item: impl FnMut(&mut Self) -> anyhow::Result<T>,
    ) -> anyhow::Result<Vec<T>> {
        self.expect(Token::Open(open))?;
        let mut items = Vec::new();
        loop {
            if self.peek() == Some(&Token::Close(close)) {
                self.next()?;
                return Ok(items);
            }
            items.push(item(self)?);
            match self.next()? {
                Token::Comma => {}
                Token::Close(c) if c == close => return Ok(items),
                other => bail!("expected `,` or `{close}`, found {}", other.describe()),
            }
        }
    }

    fn integer<T: TryFrom<i128>>(&mut self) -> anyhow::Result<T> {
        let Token::Number(text) = self.next()? else {
            bail!("expected an integer");
        };
        let value: i128 = text
            .parse()
            .map_err(|_| anyhow!("`{text}` is not an integer"))?;
        T::try_from(value).map_err(|_| {
            anyhow!(
                "`{text}` is out of range for {}",
                std::any::type_name::<T>()
            )
        })
    }

    fn float<T: std::str::FromStr>(&mut self) -> anyhow::Result<T> {
        let text = match self.next()? {
            Token::Number(text) | Token::Label(text) => text,
            other => bail!("expected a number, found {}", other.describe()),
        };
        let valid = text.chars().any(|c| c.is_ascii_digit())
            || matches!(text.as_str(), "nan" | "inf" | "-inf");
        match text.parse::<T>() {
            Ok(value) if valid => Ok(value),
            _ => bail!("`{text}` is not a number"),
        }
    }
}

/// Prints a value in WAVE syntax.
pub fn print(value: &Val) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Val) {
    // `write!` into a String cannot fail.
    let _ = match value {
        Val::Bool(x) => write!(out, "{x}"),
        Val::S8(x) => write!(out, "{x}"),
        Val::U8(x) => write!(out, "{x}"),
        Val::S16(x) => write!(out, "{x}"),
        Val::U16(x) => write!(out, "{x}"),
        Val::S32(x) => write!(out, "{x}"),
        Val::U32(x) => write!(out, "{x}"),
        Val::S64(x) => write!(out, "{x}"),
        Val::U64(x) => write!(out, "{x}"),
        Val::F32(x) => write!(out, "{}", print_float(f64::from(*x), x.to_string())),
        Val::F64(x) => write!(out, "{}", print_float(*x, x.to_string())),
        Val::Char(c) => write!(out, "{}", print_char(*c)),
        Val::String(s) => write!(out, "{}", print_string(s)),
        Val::List(items) => {
            write_list(out, '[', ']', items.iter(), write_value);
            Ok(())
        }
        Val::Tuple(items) => {
            write_list(out, '(', ')', items.iter(), write_value);
            Ok(())
        }
        Val::Record(fields) => {
            write_list(out, '{', '}', fields.iter(), |out, (name, value)| {
                write_label(out, name);
                out.push_str(": ");
                write_value(out, value);
            });
            Ok(())
        }
        Val::Flags(set) => {
            write_list(out, '{', '}', set.iter(), |out, name| {
                write_label(out, name)
            });
            Ok(())
        }
        Val::Enum(name) => {
            write_label(out, name);
            Ok(())
        }
        Val::Variant(name, payload) => {
            write_label(out, name);
            write_payload(out, payload.as_deref());
            Ok(())
        }
        Val::Option(None) => write!(out, "none"),
        Val::Option(Some(payload)) => {
            out.push_str("some");
            write_payload(out, Some(payload));
            Ok(())
        }
        Val::Result(Ok(payload)) => {
            out.push_str("ok");
            write_payload(out, payload.as_deref());
            Ok(())
        }
        Val::Result(Err(payload)) => {
            out.push_str("err");
            write_payload(out, payload.as_deref());
            Ok(())
        }
        Val::Own(handle) => write!(out, "<own {handle}>"),
        Val::Borrow(handle) => write!(out, "<borrow {handle}>"),
    };
}

fn write_payload(out: &mut String, payload: Option<&Val>) {
    if let Some(payload) = payload {
        out.push('(');
        write_value(out, payload);
        out.push(')');
    }
}

fn write_list<T>(
    out: &mut String,
    open: char,
    close: char,
    items: impl Iterator<Item = T>,
    mut write_item: impl FnMut(&mut String, T),
) {
    out.push(open);
    for (index, item) in items.enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        write_item(out, item);
    }
    out.push(close);
}

/// Labels that read as keywords get WAVE's `%` escape.
fn write_label(out: &mut String, label: &str) {
    const KEYWORDS: [&str; 8] = ["true", "false", "some", "none", "ok", "err", "inf", "nan"];
    if KEYWORDS.contains(&label) {
        out.push('%');
    }
    out.push_str(label);
}

fn print_float(value: f64, shortest: String) -> String {
    if value.is_nan() {
        "nan".to_string()
    } else if value.is_infinite() {
        if value > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        shortest
    }
}

fn print_char(c: char) -> String {
    match c {
        '\'' => "'\\''".to_string(),
        '"' => "'\"'".to_string(),
        c => format!("'{}'", escaped(c)),
    }
}

fn print_string(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\'' => out.push('\''),
            c => out.push_str(&escaped(c)),
        }
    }
    out.push('"');
    out
}

fn escaped(c: char) -> String {
    match c {
        '\\' => "\\\\".to_string(),
        '\n' => "\\n".to_string(),
        '\t' => "\\t".to_string(),
        '\r' => "\\r".to_string(),
        c if c.is_control() => format!("\\u{{{:x}}}", u32::from(c)),
        c => c.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_value(text: &str, ty: &Type) -> anyhow::Result<Val> {
        let mut parser = Parser::new(text)?;
        let value = parser.value(ty)?;
        if let Some(extra) = parser.peek() {
            bail!("unexpected {} after the value", extra.describe());
        }
        Ok(value)
    }

    fn round_trip(text: &str, ty: &Type) -> String {
        match parse_value(text, ty) {
            Ok(value) => print(&value),
            Err(error) => panic!("`{text}` did not parse: {error:#}"),
        }
    }

    #[test]
    fn scalars_parse_and_print() {
        assert_eq!(round_trip("true", &Type::Bool), "true");
        assert_eq!(round_trip("-128", &Type::S8), "-128");
        assert_eq!(
            round_trip("18446744073709551615", &Type::U64),
            "18446744073709551615"
        );
        assert_eq!(round_trip("1.5", &Type::F32), "1.5");
        assert_eq!(round_trip("-inf", &Type::F64), "-inf");
        assert_eq!(round_trip("nan", &Type::F32), "nan");
        assert_eq!(round_trip("'x'", &Type::Char), "'x'");
        assert_eq!(round_trip("'\\u{1f600}'", &Type::Char), "'😀'");
        assert_eq!(round_trip("'\\''", &Type::Char), "'\\''");
        assert_eq!(
            round_trip(r#""a \"q\"\n\\ ok""#, &Type::String),
            r#""a \"q\"\n\\ ok""#
        );
        assert!(parse_value("256", &Type::U8).is_err());
        assert!(parse_value("-1", &Type::U32).is_err());
        assert!(parse_value("1.5", &Type::U32).is_err());
        assert!(parse_value("abc", &Type::F32).is_err());
        assert!(parse_value("'ab'", &Type::Char).is_err());
        assert!(parse_value("1 2", &Type::U8).is_err());
    }

    #[test]
    fn compound_values_parse_against_their_type() {
        let point = Type::record([("x", Type::S32), ("y-pos", Type::S32)]);
        assert_eq!(round_trip("{y-pos: 2, x: -1}", &point), "{x: -1, y-pos: 2}");
        assert!(parse_value("{x: 1}", &point).is_err());
        assert!(parse_value("{x: 1, y-pos: 2, z: 3}", &point).is_err());

        let list = Type::list(Type::U8);
        assert_eq!(round_trip("[1, 2, 3,]", &list), "[1, 2, 3]");
        assert_eq!(round_trip("[]", &list), "[]");

        let tuple = Type::tuple([Type::U8, Type::String]);
        assert_eq!(round_trip("(1, \"a\")", &tuple), "(1, \"a\")");
        assert!(parse_value("(1)", &tuple).is_err());

        let flags = Type::flags(["read", "write", "exec"]);
        assert_eq!(round_trip("{exec, read}", &flags), "{read, exec}");
        assert_eq!(round_trip("{}", &flags), "{}");
        assert!(parse_value("{delete}", &flags).is_err());
    }

    #[test]
    fn cases_parse_with_and_without_payloads() {
        let shape = Type::variant([("circle", Some(Type::F32)), ("none", None)]);
        assert_eq!(round_trip("circle(2.5)", &shape), "circle(2.5)");
        assert_eq!(round_trip("%none", &shape), "%none");
        assert!(parse_value("circle", &shape).is_err());
        assert!(parse_value("square", &shape).is_err());

        let color = Type::enumeration(["red", "green"]);
        assert_eq!(round_trip("green", &color), "green");
        assert!(parse_value("blue", &color).is_err());

        let option = Type::option(Type::option(Type::U8));
        assert_eq!(round_trip("some(some(1))", &option), "some(some(1))");
        assert_eq!(round_trip("some(none)", &option), "some(none)");
        assert_eq!(round_trip("none", &option), "none");

        let result = Type::result(Some(Type::String), None);
        assert_eq!(round_trip("ok(\"x\")", &result), "ok(\"x\")");
        assert_eq!(round_trip("err", &result), "err");
        assert!(parse_value("err(1)", &result).is_err());
    }

    #[test]
    fn calls_split_and_parse_their_arguments() {
        let ty = FuncType {
            params: vec![("a".into(), Type::U32), ("b".into(), Type::String)],
            result: None,
        };
        let (name, args) = split_call(" greet(7, \"hi, there\") ").unwrap_or_default();
        assert_eq!(name, "greet");
        let values = parse_args(args.unwrap_or_default(), &ty).ok();
        assert_eq!(
            values,
            Some(vec![Val::U32(7), Val::String("hi, there".into())])
        );
        assert!(parse_args("7", &ty).is_err());
        assert!(parse_args("7, \"a\", 8", &ty).is_err());
        assert_eq!(split_call("run").ok(), Some(("run", None)));
        assert!(split_call("f(1").is_err());
    }
}
