use myrt_parser::{
    ConstOp, DataKind, ElemItems, ElemKind, ExternKind, ImportKind, ValType, decode_module,
};

fn decode_wat(text: &str) -> myrt_parser::Module {
    decode_module(wat::parse_str(text).expect("test wat parses")).expect("module decodes")
}

#[test]
fn decodes_every_section_kind() {
    let module = decode_wat(
        r#"(module $demo
            (type $sig (func (param i32 i64) (result f32)))
            (import "env" "f" (func $imported (type $sig)))
            (import "env" "g" (global $g i32))
            (func $add (export "add") (param i32 i32) (result i32)
                local.get 0 local.get 1 i32.add)
            (table 2 10 funcref)
            (memory 1 2)
            (global (mut i64) (i64.const 7))
            (elem (i32.const 0) $add)
            (elem declare func $add)
            (data (i32.const 8) "hi")
            (data "passive")
            (start $start)
            (func $start))"#,
    );
    assert_eq!(module.types.len(), 3);
    assert_eq!(module.types[0].params(), &[ValType::I32, ValType::I64]);
    assert_eq!(module.types[0].results(), &[ValType::F32]);
    assert_eq!(module.num_imported_funcs, 1);
    assert_eq!(module.num_imported_globals, 1);
    assert!(matches!(module.imports[0].kind, ImportKind::Func(0)));
    assert_eq!(module.funcs.len(), 3);
    assert_eq!(module.bodies.len(), 2);
    assert_eq!(module.func_type(1).unwrap().results(), &[ValType::I32]);
    assert!(module.body(0).is_none(), "imported functions have no body");
    assert!(!module.body_bytes(module.body(1).unwrap()).is_empty());
    assert_eq!(module.tables[0].min, 2);
    assert_eq!(module.tables[0].max, Some(10));
    assert_eq!(module.memories[0].max, Some(2));
    assert_eq!(module.global_inits[0].ops, vec![ConstOp::I64Const(7)]);
    assert!(module.globals[1].mutable);
    let export = &module.exports[0];
    assert_eq!(
        (export.name.as_str(), export.kind, export.index),
        ("add", ExternKind::Func, 1)
    );
    assert!(matches!(
        &module.elems[0].kind,
        ElemKind::Active { table: 0, .. }
    ));
    assert!(matches!(&module.elems[0].items, ElemItems::Funcs(f) if f == &[1]));
    assert!(matches!(module.elems[1].kind, ElemKind::Declared));
    assert_eq!(module.data_bytes(&module.datas[0]), b"hi");
    assert!(matches!(module.datas[1].kind, DataKind::Passive));
    assert_eq!(module.data_bytes(&module.datas[1]), b"passive");
    assert_eq!(module.start, Some(2));
    assert_eq!(module.names.module.as_deref(), Some("demo"));
    assert_eq!(module.names.funcs.get(&1).map(String::as_str), Some("add"));
}

#[test]
fn non_constant_operator_in_const_expr_is_kept_for_the_validator() {
    let module = decode_wat("(module (global i32 (i32.ctz (i32.const 1))))");
    assert!(matches!(
        module.global_inits[0].ops[1],
        ConstOp::NonConstant { .. }
    ));
}

#[test]
fn truncated_binary_reports_offset() {
    let mut bytes = wat::parse_str("(module (func (result i32) i32.const 1))").unwrap();
    bytes.truncate(bytes.len() - 3);
    let err = decode_module(bytes).unwrap_err();
    assert!(
        err.offset > 8,
        "offset {} should point into the code section",
        err.offset
    );
    assert!(err.to_string().contains("offset 0x"), "{err}");
}

#[test]
fn bad_magic_is_malformed() {
    let err = decode_module(&b"\0asn\x01\0\0\0"[..]).unwrap_err();
    assert_eq!(err.offset, 0);
}

#[test]
fn function_and_code_counts_must_match() {
    // type section: one () -> (); function section: two functions; no code section.
    let bytes: &[u8] = b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x03\x02\0\0";
    let err = decode_module(bytes).unwrap_err();
    assert!(err.message.contains("code section"), "{err}");
}

#[test]
fn sections_out_of_order_are_malformed() {
    // function section (3) before type section (1).
    let bytes: &[u8] = b"\0asm\x01\0\0\0\x03\x01\x00\x01\x01\x00";
    assert!(decode_module(bytes).is_err());
}

#[test]
fn components_are_not_core_modules() {
    let err = decode_module(wat::parse_str("(component)").unwrap()).unwrap_err();
    assert!(err.message.contains("component"), "{err}");
}
