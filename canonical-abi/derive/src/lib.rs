//! `#[derive(ComponentValue)]` for myrt-canonical-abi: Rust structs and
//! enums as component records, variants and enums (use it through
//! `myrt_canonical_abi::ComponentValue`).
//!
//! ```ignore
//! #[derive(ComponentValue)]
//! #[component(record)]
//! struct Point { x: i32, #[component(name = "y-coord")] y: i32 }
//!
//! #[derive(ComponentValue)]
//! #[component(variant)]
//! enum Shape { Circle(f64), Rect(Point), Nothing }
//!
//! #[derive(ComponentValue)]
//! #[component(enum)]
//! enum Color { Red, Green, Blue }
//! ```
//!
//! Labels default to the kebab-case of the Rust name (`label_text` ->
//! `label-text`, `HttpError` -> `http-error`); `#[component(name = "...")]`
//! on a field or case overrides it. The generated code calls the checks in
//! `myrt_canonical_abi::__derive`, so it is mostly names and field types.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, Ident, LitStr, parse_macro_input};

#[proc_macro_derive(ComponentValue, attributes(component))]
pub fn derive_component_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// The kebab-case label of a SCREAMING_SNAKE_CASE identifier, as a string
/// literal: `flags!` names its labels with it.
#[doc(hidden)]
#[proc_macro]
pub fn __flag_name(input: TokenStream) -> TokenStream {
    let ident = parse_macro_input!(input as Ident);
    let label = kebab_case(&ident.to_string());
    quote!(#label).into()
}

/// A Rust identifier (snake_case, CamelCase or SCREAMING_SNAKE_CASE) in
/// WIT's kebab-case: words split at `_` and where a lower-case letter or
/// digit meets an upper-case one (or an acronym ends: `HTTPError`), then
/// lower-cased. A raw identifier's `r#` is dropped.
fn kebab_case(ident: &str) -> String {
    let ident = ident.strip_prefix("r#").unwrap_or(ident);
    let chars: Vec<char> = ident.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let word_start = c.is_uppercase()
            && i > 0
            && (chars[i - 1].is_lowercase()
                || chars[i - 1].is_ascii_digit()
                || (chars[i - 1].is_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_lowercase())));
        if (c == '_' || word_start) && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if c != '_' {
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Record,
    Variant,
    Enum,
}

/// What `#[component(...)]` says on the type: its kind.
fn container_kind(input: &DeriveInput) -> syn::Result<Kind> {
    let mut kind = None;
    for attr in component_attrs(&input.attrs) {
        attr.parse_nested_meta(|meta| {
            let found = if meta.path.is_ident("record") {
                Kind::Record
            } else if meta.path.is_ident("variant") {
                Kind::Variant
            } else if meta.path.is_ident("enum") {
                Kind::Enum
            } else {
                return Err(meta.error("expected `record`, `variant` or `enum`"));
            };
            if kind.replace(found).is_some() {
                return Err(meta.error("the kind is given twice"));
            }
            Ok(())
        })?;
    }
    kind.ok_or_else(|| {
        syn::Error::new(
            input.ident.span(),
            "add #[component(record)], #[component(variant)] or #[component(enum)]",
        )
    })
}

fn component_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("component"))
}

/// The label of a field or case: `#[component(name = "...")]` or the
/// kebab-case of its Rust name.
fn label(attrs: &[Attribute], ident: &Ident) -> syn::Result<String> {
    let mut name = None;
    for attr in component_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            if !meta.path.is_ident("name") {
                return Err(meta.error("expected `name = \"...\"`"));
            }
            name = Some(meta.value()?.parse::<LitStr>()?.value());
            Ok(())
        })?;
    }
    Ok(name.unwrap_or_else(|| kebab_case(&ident.to_string())))
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let kind = container_kind(input)?;
    let d = quote!(::myrt_canonical_abi::__derive);
    let rust = input.ident.to_string();
    let (typecheck, into_val, from_val, field_types) = match (&input.data, kind) {
        (Data::Struct(data), Kind::Record) => record(&d, &rust, &data.fields)?,
        (Data::Enum(data), Kind::Variant) => variant(&d, &rust, data)?,
        (Data::Enum(data), Kind::Enum) => enumeration(&d, &rust, data)?,
        (_, kind) => {
            let what = match kind {
                Kind::Record => "a record is a struct with named fields",
                Kind::Variant | Kind::Enum => "a variant or enum is a Rust enum",
            };
            return Err(syn::Error::new(input.ident.span(), what));
        }
    };
    let name = &input.ident;
    let mut generics = input.generics.clone();
    let where_clause = generics.make_where_clause();
    for ty in field_types {
        where_clause
            .predicates
            .push(syn::parse_quote!(#ty: #d::ComponentValue));
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #d::ComponentValue for #name #ty_generics #where_clause {
            fn typecheck(ty: &#d::Type) -> ::core::result::Result<(), #d::TypeMismatch> {
                #typecheck
            }
            fn into_val(self, ty: &#d::Type) -> ::core::result::Result<#d::Val, #d::Error> {
                #into_val
            }
            fn from_val(value: #d::Val, ty: &#d::Type) -> ::core::result::Result<Self, #d::Error> {
                #from_val
            }
        }
    })
}

/// The bodies of `typecheck`, `into_val` and `from_val`, and the field
/// types that must be `ComponentValue`s.
type Expansion = (Tokens, Tokens, Tokens, Vec<syn::Type>);

fn record(d: &Tokens, rust: &str, fields: &Fields) -> syn::Result<Expansion> {
    let Fields::Named(named) = fields else {
        return Err(syn::Error::new(
            fields.span(),
            "a record is a struct with named fields",
        ));
    };
    let idents: Vec<&Ident> = named
        .named
        .iter()
        .filter_map(|f| f.ident.as_ref())
        .collect();
    let labels = named
        .named
        .iter()
        .zip(&idents)
        .map(|(f, ident)| label(&f.attrs, ident))
        .collect::<syn::Result<Vec<_>>>()?;
    let types: Vec<syn::Type> = named.named.iter().map(|f| f.ty.clone()).collect();
    let index: Vec<usize> = (0..idents.len()).collect();
    let vars: Vec<Ident> = index.iter().map(|i| format_ident!("field{i}")).collect();
    let fields = quote!(let fields = #d::record(ty, #rust, &[#(#labels),*])?;);
    let typecheck = quote! {
        #fields
        #(#d::field::<#types>(fields, #index, #rust)?;)*
        Ok(())
    };
    let into_val = quote! {
        #fields
        Ok(#d::Val::Record(::std::vec![#((
            fields[#index].name.clone(),
            #d::ComponentValue::into_val(self.#idents, &fields[#index].ty)?,
        )),*]))
    };
    let from_val = quote! {
        #fields
        let [#(#vars),*] = #d::record_values(value, ty)?;
        Ok(Self { #(#idents: #d::ComponentValue::from_val(#vars, &fields[#index].ty)?),* })
    };
    Ok((typecheck, into_val, from_val, types))
}

fn variant(d: &Tokens, rust: &str, data: &syn::DataEnum) -> syn::Result<Expansion> {
    let mut labels = Vec::new();
    let mut checks = Vec::new();
    let mut lowers = Vec::new();
    let mut lifts = Vec::new();
    let mut types = Vec::new();
    for (index, case) in data.variants.iter().enumerate() {
        let ident = &case.ident;
        labels.push(label(&case.attrs, ident)?);
        match &case.fields {
            Fields::Unit => {
                checks.push(quote!(#d::empty_case(cases, #index, #rust)?;));
                lowers.push(quote!(Self::#ident => #d::variant_val(cases, #index, None)));
                lifts.push(quote!(#index => Ok(Self::#ident)));
            }
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                let ty = fields.unnamed[0].ty.clone();
                checks.push(quote!(#d::case::<#ty>(cases, #index, #rust)?;));
                lowers.push(quote! {
                    Self::#ident(payload) => {
                        let payload_type = #d::payload_type(&cases[#index])?;
                        let payload = #d::ComponentValue::into_val(payload, payload_type)?;
                        #d::variant_val(cases, #index, Some(payload))
                    }
                });
                lifts.push(quote! {
                    #index => Ok(Self::#ident(#d::ComponentValue::from_val(
                        #d::payload(payload, &cases[#index])?,
                        #d::payload_type(&cases[#index])?,
                    )?))
                });
                types.push(ty);
            }
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    "a variant case has no fields or one unnamed field",
                ));
            }
        }
    }
    let cases = quote!(let cases = #d::variant(ty, #rust, &[#(#labels),*])?;);
    let typecheck = quote!(#cases #(#checks)* Ok(()));
    let into_val = quote!(#cases Ok(match self { #(#lowers,)* }));
    let from_val = quote! {
        #cases
        let (index, payload) = #d::variant_case(value, cases, ty)?;
        match index {
            #(#lifts,)*
            other => Err(#d::bad_case(other, ty)),
        }
    };
    Ok((typecheck, into_val, from_val, types))
}

fn enumeration(d: &Tokens, rust: &str, data: &syn::DataEnum) -> syn::Result<Expansion> {
    let mut labels = Vec::new();
    let mut idents = Vec::new();
    for case in &data.variants {
        if !matches!(case.fields, Fields::Unit) {
            return Err(syn::Error::new(
                case.fields.span(),
                "an enum case has no fields (use #[component(variant)] for payloads)",
            ));
        }
        labels.push(label(&case.attrs, &case.ident)?);
        idents.push(&case.ident);
    }
    let index: Vec<usize> = (0..idents.len()).collect();
    let cases = quote!(let cases = #d::enumeration(ty, #rust, &[#(#labels),*])?;);
    let typecheck = quote!(#d::enumeration(ty, #rust, &[#(#labels),*])?; Ok(()));
    let into_val = quote! {
        #cases
        let index = match self { #(Self::#idents => #index,)* };
        Ok(#d::Val::Enum(cases[index].clone()))
    };
    let from_val = quote! {
        #cases
        match #d::enum_case(value, cases, ty)? {
            #(#index => Ok(Self::#idents),)*
            other => Err(#d::bad_case(other, ty)),
        }
    };
    Ok((typecheck, into_val, from_val, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::kebab_case;

    #[test]
    fn snake_case_fields_become_kebab_case() {
        assert_eq!(kebab_case("x"), "x");
        assert_eq!(kebab_case("label_text"), "label-text");
        assert_eq!(kebab_case("r#type"), "type");
        assert_eq!(kebab_case("a_b_c"), "a-b-c");
        assert_eq!(kebab_case("f32_value"), "f32-value");
    }

    #[test]
    fn camel_case_cases_become_kebab_case() {
        assert_eq!(kebab_case("Red"), "red");
        assert_eq!(kebab_case("HttpError"), "http-error");
        assert_eq!(kebab_case("HTTPError"), "http-error");
        assert_eq!(kebab_case("Ipv4Addr"), "ipv4-addr");
        assert_eq!(kebab_case("ShapeLeaf"), "shape-leaf");
    }

    #[test]
    fn screaming_snake_case_flags_become_kebab_case() {
        assert_eq!(kebab_case("READ"), "read");
        assert_eq!(kebab_case("READ_ALL"), "read-all");
        assert_eq!(kebab_case("F31"), "f31");
    }
}
