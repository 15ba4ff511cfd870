//! Command-line text <-> wasm values.

use anyhow::{Context, anyhow, bail};
use myrt_interp::{Val, ValType};

/// Parses one argument by its parameter type. Integers may be decimal or
/// `0x` hex, signed or (up to the type's width) unsigned; floats accept
/// what Rust's parser accepts, including `nan`, `inf` and `-inf`.
pub fn parse_arg(text: &str, ty: ValType) -> anyhow::Result<Val> {
    let value = match ty {
        ValType::I32 => Val::I32(parse_int(text, 32)? as i32),
        ValType::I64 => Val::I64(parse_int(text, 64)? as i64),
        ValType::F32 => Val::F32(parse_float::<f32>(text)?.to_bits()),
        ValType::F64 => Val::F64(parse_float::<f64>(text)?.to_bits()),
        ValType::V128 | ValType::Ref(_) => {
            bail!("arguments of type {ty} cannot be given on the command line")
        }
    };
    Ok(value)
}

/// Parses an integer of `bits` width; the result's low `bits` bits are the value.
fn parse_int(text: &str, bits: u32) -> anyhow::Result<i128> {
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = match magnitude
        .strip_prefix("0x")
        .or_else(|| magnitude.strip_prefix("0X"))
    {
        Some(hex) => i128::from_str_radix(hex, 16),
        None => magnitude.parse::<i128>(),
    }
    .map_err(|_| anyhow!("`{text}` is not an integer"))?;
    let value = if negative { -magnitude } else { magnitude };
    let min = -(1i128 << (bits - 1));
    let max_unsigned = (1i128 << bits) - 1;
    if value < min || value > max_unsigned {
        bail!("`{text}` does not fit in i{bits}");
    }
    Ok(value)
}

fn parse_float<F: std::str::FromStr>(text: &str) -> anyhow::Result<F> {
    text.parse::<F>()
        .ok()
        .with_context(|| format!("`{text}` is not a number"))
}

/// Formats a result the way `wasmtime run --invoke` prints it.
pub fn format_result(value: &Val) -> String {
    match value {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::FuncRef(None) => "<null funcref>".to_string(),
        Val::FuncRef(Some(_)) => "<funcref>".to_string(),
        Val::ExternRef(None) => "<null externref>".to_string(),
        Val::ExternRef(Some(_)) => "<externref>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i32_of(text: &str) -> i32 {
        match parse_arg(text, ValType::I32) {
            Ok(Val::I32(x)) => x,
            other => panic!("`{text}` parsed as {other:?}"),
        }
    }

    #[test]
    fn integers_accept_decimal_hex_and_unsigned_forms() {
        assert_eq!(i32_of("42"), 42);
        assert_eq!(i32_of("-7"), -7);
        assert_eq!(i32_of("0x10"), 16);
        assert_eq!(i32_of("0xffffffff"), -1);
        assert_eq!(i32_of("4294967295"), -1);
        assert!(parse_arg("4294967296", ValType::I32).is_err());
        assert!(parse_arg("twelve", ValType::I64).is_err());
    }

    #[test]
    fn floats_accept_special_values() {
        assert!(
            matches!(parse_arg("inf", ValType::F64), Ok(Val::F64(bits)) if f64::from_bits(bits).is_infinite())
        );
        assert!(
            matches!(parse_arg("nan", ValType::F32), Ok(Val::F32(bits)) if f32::from_bits(bits).is_nan())
        );
        assert!(
            matches!(parse_arg("1.5", ValType::F32), Ok(Val::F32(bits)) if bits == 1.5f32.to_bits())
        );
    }

    #[test]
    fn results_print_like_wasmtime() {
        assert_eq!(format_result(&Val::I32(-3)), "-3");
        assert_eq!(format_result(&Val::F64(2.5f64.to_bits())), "2.5");
        assert_eq!(format_result(&Val::FuncRef(None)), "<null funcref>");
    }
}
