//! The component validator's public API: resolved import/export types and
//! the subtyping check a linker uses.

use myrt_validator::component::types::{ExternType, ValType};
use myrt_validator::component::{ValidatedComponent, is_subtype, validate_component};

fn validate(wat: &str) -> ValidatedComponent {
    let buffer = wast::parser::ParseBuffer::new(wat).expect("lexes");
    let mut wat = wast::parser::parse::<wast::Wat>(&buffer).expect("parses");
    let component = myrt_parser::decode_component(wat.encode().expect("encodes")).expect("decodes");
    validate_component(&component).expect("valid")
}

fn import<'a>(c: &'a ValidatedComponent, name: &str) -> &'a ExternType {
    &c.imports()
        .iter()
        .find(|(n, _)| n == name)
        .expect("import exists")
        .1
}

#[test]
fn imports_and_exports_have_resolved_types() {
    let c = validate(
        r#"(component
            (type $r (record (field "a" u32) (field "b" string)))
            (import "r" (type $r' (eq $r)))
            (import "f" (func $f (param "x" $r') (result u32)))
            (export "g" (func $f)))"#,
    );
    let ExternType::Func(f) = import(&c, "f") else {
        panic!("f is a func")
    };
    assert!(matches!(&f.params[0].1, ValType::Record(_, fields) if fields.len() == 2));
    assert_eq!(f.result, Some(ValType::U32));
    assert_eq!(c.exports().len(), 1);
}

#[test]
fn instance_with_more_exports_is_a_subtype() {
    let provider = validate(
        r#"(component
            (import "i" (instance
                (export "a" (func (result u32)))
                (export "b" (func)))))"#,
    );
    let expected =
        validate(r#"(component (import "i" (instance (export "a" (func (result u32))))))"#);
    let (wide, narrow) = (import(&provider, "i"), import(&expected, "i"));
    assert!(is_subtype(wide, narrow).is_ok());
    let err = is_subtype(narrow, wide).expect_err("missing export `b`");
    assert!(err.contains("missing expected export `b`"), "{err}");
}

#[test]
fn distinct_resources_are_not_subtypes() {
    let c = validate(
        r#"(component
            (import "a" (type $a (sub resource)))
            (import "b" (type $b (sub resource)))
            (import "fa" (func (param "x" (own $a))))
            (import "fb" (func (param "x" (own $b)))))"#,
    );
    assert!(is_subtype(import(&c, "fa"), import(&c, "fa")).is_ok());
    let err = is_subtype(import(&c, "fa"), import(&c, "fb")).expect_err("different resources");
    assert!(err.contains("resource types are not the same"), "{err}");
}
