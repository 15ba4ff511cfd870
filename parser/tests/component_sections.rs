//! The component decoder, section by section: each test writes a small
//! component in text and checks the index spaces it decodes to.

use myrt_parser::component::*;
use myrt_parser::{DecodeError, Decoded, decode, decode_component};

fn component(text: &str) -> Component {
    let bytes = wat::parse_str(text).expect("test component must assemble");
    decode_component(bytes).expect("test component must decode")
}

fn plain(name: &str) -> ExternName {
    ExternName {
        name: name.to_owned(),
        ..ExternName::default()
    }
}

fn core_alias(instance: u32, name: &str) -> CoreExportAlias {
    CoreExportAlias {
        instance,
        name: name.to_owned(),
    }
}

#[test]
fn empty_component() {
    let c = component("(component)");
    assert_eq!(c.depth, 0);
    assert_eq!(c.range, 0..8);
    assert!(c.definitions.is_empty());
}

#[test]
fn imports_define_entries_of_their_sort() {
    let c = component(
        r#"(component
            (import "f" (func (param "x" u32) (result string)))
            (import "wasi:cli/run@0.2.0" (instance))
            (import "t" (type (sub resource)))
            (import "m" (core module))
            (import "c" (component))
        )"#,
    );
    let names: Vec<_> = c.imports.iter().map(|i| i.name.name.as_str()).collect();
    assert_eq!(names, ["f", "wasi:cli/run@0.2.0", "t", "m", "c"]);
    // The function's type was defined (type 0) before the import.
    assert!(matches!(c.imports[0].ty, ExternType::Func(0)));
    assert!(matches!(
        c.imports[2].ty,
        ExternType::Type(TypeBound::SubResource)
    ));
    assert_eq!(c.funcs, [FuncDef::Import(0)]);
    assert_eq!(c.instances, [InstanceDef::Import(1)]);
    assert!(matches!(
        c.types[..],
        [
            TypeEntry::Defined(_),
            TypeEntry::Defined(_),
            TypeEntry::Import(2),
            ..
        ]
    ));
    assert_eq!(c.core_modules, [CoreModuleDef::Import(3)]);
    assert!(matches!(c.components[..], [ComponentDef::Import(4)]));
}

#[test]
fn defined_value_types() {
    let c = component(
        r#"(component
            (type $r (record (field "a" u8) (field "b-c" string)))
            (type (variant (case "none") (case "some" $r)))
            (type (list char))
            (type (tuple bool s64 f32))
            (type (flags "read" "write"))
            (type (enum "x" "y"))
            (type (option f64))
            (type (result u32 (error string)))
            (type $res (resource (rep i32)))
            (type (own $res))
            (type (borrow $res))
        )"#,
    );
    let defined: Vec<_> = c
        .types
        .iter()
        .map(|t| match t {
            TypeEntry::Defined(TypeDef::Value(v)) => Some(v.clone()),
            _ => None,
        })
        .collect();
    let string = ValType::Primitive(PrimitiveType::String);
    assert_eq!(
        defined[0],
        Some(DefinedType::Record(vec![
            Field {
                name: "a".into(),
                ty: ValType::Primitive(PrimitiveType::U8)
            },
            Field {
                name: "b-c".into(),
                ty: string
            },
        ]))
    );
    assert_eq!(
        defined[1],
        Some(DefinedType::Variant(vec![
            Case {
                name: "none".into(),
                ty: None
            },
            Case {
                name: "some".into(),
                ty: Some(ValType::Type(0))
            },
        ]))
    );
    assert_eq!(
        defined[2],
        Some(DefinedType::List(ValType::Primitive(PrimitiveType::Char)))
    );
    assert!(matches!(&defined[3], Some(DefinedType::Tuple(t)) if t.len() == 3));
    assert_eq!(
        defined[4],
        Some(DefinedType::Flags(vec!["read".into(), "write".into()]))
    );
    assert_eq!(
        defined[5],
        Some(DefinedType::Enum(vec!["x".into(), "y".into()]))
    );
    assert_eq!(
        defined[6],
        Some(DefinedType::Option(ValType::Primitive(PrimitiveType::F64)))
    );
    assert_eq!(
        defined[7],
        Some(DefinedType::Result {
            ok: Some(ValType::Primitive(PrimitiveType::U32)),
            err: Some(string)
        })
    );
    assert!(matches!(
        &c.types[8],
        TypeEntry::Defined(TypeDef::Resource(ResourceType { dtor: None, .. }))
    ));
    assert_eq!(defined[9], Some(DefinedType::Own(8)));
    assert_eq!(defined[10], Some(DefinedType::Borrow(8)));
}

#[test]
fn func_component_and_instance_types() {
    let c = component(
        r#"(component
            (type (func (param "a" u32) (param "b" string) (result bool)))
            (type (func))
            (type (instance
                (type $t (record (field "x" u32)))
                (export "t" (type (eq $t)))
                (export "get" (func (result 1)))
            ))
            (type (component
                (import "in" (func))
                (core type (module (import "" "f" (func)) (export "memory" (memory 1))))
                (export "out" (instance (type 2)))
            ))
        )"#,
    );
    let TypeEntry::Defined(TypeDef::Func(f)) = &c.types[0] else {
        panic!("expected a func type: {:?}", c.types[0])
    };
    assert!(!f.is_async);
    let params: Vec<_> = f.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["a", "b"]);
    assert_eq!(f.result, Some(ValType::Primitive(PrimitiveType::Bool)));
    assert!(matches!(
        &c.types[1],
        TypeEntry::Defined(TypeDef::Func(FuncType { result: None, .. }))
    ));

    let TypeEntry::Defined(TypeDef::Instance(instance)) = &c.types[2] else {
        panic!("expected an instance type")
    };
    assert!(matches!(
        instance.decls[..],
        [
            TypeDecl::Type(_),
            TypeDecl::Export { .. },
            TypeDecl::Type(_),
            TypeDecl::Export { .. }
        ]
    ));

    let TypeEntry::Defined(TypeDef::Component(component)) = &c.types[3] else {
        panic!("expected a component type")
    };
    let TypeDecl::CoreType(CoreTypeDef::Module(module)) = &component.decls[2] else {
        panic!("expected a core module type: {:?}", component.decls)
    };
    assert!(matches!(&component.decls[1], TypeDecl::Import { name, .. } if name.name == "in"));
    assert!(matches!(
        &module.decls[..],
        [
            ModuleTypeDecl::Type(_),
            ModuleTypeDecl::Import { .. },
            ModuleTypeDecl::Export {
                ty: CoreExternType::Memory(_),
                ..
            }
        ]
    ));
}

#[test]
fn core_modules_instances_aliases_and_canon() {
    let c = component(
        r#"(component
            (import "log" (func $log (param "msg" string)))
            (core module $libc
                (memory (export "memory") 1)
                (table (export "table") 1 funcref)
                (global (export "global") i32 (i32.const 0))
                (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable))
            (core instance $libc (instantiate $libc))
            (core func $log (canon lower (func $log) (memory $libc "memory") (realloc (func $libc "realloc")) string-encoding=utf16))
            (core module $main
                (import "host" "log" (func (param i32 i32)))
                (func (export "run")))
            (core instance $host (export "log" (func $log)))
            (core instance $main (instantiate $main (with "host" (instance $host))))
            (alias core export $libc "table" (core table $t))
            (alias core export $libc "global" (core global $g))
            (func $run (canon lift (core func $main "run")))
            (export "run" (func $run))
        )"#,
    );
    assert_eq!(c.core_modules.len(), 2);
    let CoreModuleDef::Nested(libc) = &c.core_modules[0] else {
        panic!("expected a nested module")
    };
    let module = c.decode_module(libc).expect("nested module decodes");
    assert_eq!(module.exports.len(), 4);
    assert_eq!(&c.module_bytes(libc)[..4], b"\0asm");

    assert_eq!(c.core_instances.len(), 3);
    assert_eq!(
        c.core_instances[0],
        CoreInstanceDef::Instantiate {
            module: 0,
            args: vec![]
        }
    );
    assert_eq!(
        c.core_instances[1],
        CoreInstanceDef::FromExports(vec![CoreInlineExport {
            name: "log".into(),
            sort: Sort::CoreFunc,
            index: 1
        }])
    );
    assert_eq!(
        c.core_instances[2],
        CoreInstanceDef::Instantiate {
            module: 1,
            args: vec![CoreInstantiationArg {
                name: "host".into(),
                instance: 1
            }]
        }
    );

    // The text format's inline `(memory $libc "memory")` and `(func $libc "realloc")`
    // become aliases defined before the canon that uses them.
    assert_eq!(c.core_memories, [core_alias(0, "memory")]);
    assert_eq!(c.core_tables, [core_alias(0, "table")]);
    assert_eq!(c.core_globals, [core_alias(0, "global")]);
    assert_eq!(
        c.core_funcs[0],
        CoreFuncDef::Alias(core_alias(0, "realloc"))
    );
    assert_eq!(
        c.core_funcs[1],
        CoreFuncDef::Lower {
            func: 0,
            options: vec![
                CanonOption::Memory(0),
                CanonOption::Realloc(0),
                CanonOption::StringEncoding(StringEncoding::Utf16)
            ]
        }
    );
    assert_eq!(c.core_funcs[2], CoreFuncDef::Alias(core_alias(2, "run")));
    assert_eq!(
        c.funcs[1],
        FuncDef::Lift {
            core_func: 2,
            ty: 1,
            options: vec![]
        }
    );
    // The export introduces a new function index.
    assert_eq!(c.funcs[2], FuncDef::Export(0));
    assert_eq!(
        c.exports[0],
        Export {
            name: plain("run"),
            sort: Sort::Func,
            index: 1,
            ty: None
        }
    );
}

#[test]
fn resources_and_their_builtins() {
    let c = component(
        r#"(component
            (core module $m (func (export "dtor") (param i32)))
            (core instance $m (instantiate $m))
            (type $r (resource (rep i32) (dtor (func $m "dtor"))))
            (core func (canon resource.new $r))
            (core func (canon resource.drop $r))
            (core func (canon resource.rep $r))
            (export "r" (type $r))
        )"#,
    );
    assert!(matches!(
        &c.types[0],
        TypeEntry::Defined(TypeDef::Resource(ResourceType { dtor: Some(0), .. }))
    ));
    assert_eq!(
        c.core_funcs[1..],
        [
            CoreFuncDef::ResourceNew { resource: 0 },
            CoreFuncDef::ResourceDrop { resource: 0 },
            CoreFuncDef::ResourceRep { resource: 0 }
        ]
    );
    assert_eq!(c.types[1], TypeEntry::Export(0));
}

#[test]
fn component_instances_and_instance_export_aliases() {
    let c = component(
        r#"(component
            (import "i" (instance $i (export "f" (func))))
            (alias export $i "f" (func $f))
            (component $inner
                (import "g" (func))
                (export "g2" (func 0)))
            (instance $a (instantiate $inner (with "g" (func $f))))
            (instance $b (export "f" (func $f)) (export "a" (instance $a)))
            (export "b" (instance $b))
        )"#,
    );
    assert_eq!(
        c.funcs[0],
        FuncDef::Alias(Alias::InstanceExport {
            instance: 0,
            name: "f".into()
        })
    );
    assert_eq!(
        c.instances[1],
        InstanceDef::Instantiate {
            component: 0,
            args: vec![InstantiationArg {
                name: "g".into(),
                sort: Sort::Func,
                index: 0
            }]
        }
    );
    assert_eq!(
        c.instances[2],
        InstanceDef::FromExports(vec![
            InlineExport {
                name: plain("f"),
                sort: Sort::Func,
                index: 0
            },
            InlineExport {
                name: plain("a"),
                sort: Sort::Instance,
                index: 1
            },
        ])
    );
    assert_eq!(c.instances[3], InstanceDef::Export(0));
}

#[test]
fn outer_aliases() {
    let c = component(
        r#"(component
            (type $t (list u8))
            (core type $ct (func))
            (core module $m)
            (component
                (alias outer 1 $t (type))
                (alias outer 1 $ct (core type))
                (alias outer 1 $m (core module))
            )
        )"#,
    );
    let ComponentDef::Nested(inner) = &c.components[0] else {
        panic!("expected a nested component")
    };
    assert_eq!(inner.depth, 1);
    assert_eq!(
        inner.types,
        [TypeEntry::Alias(Alias::Outer { count: 1, index: 0 })]
    );
    assert_eq!(
        inner.core_types,
        [CoreTypeEntry::Outer { count: 1, index: 0 }]
    );
    assert_eq!(
        inner.core_modules,
        [CoreModuleDef::Alias(Alias::Outer { count: 1, index: 0 })]
    );
}

#[test]
fn nested_components_share_the_outer_bytes() {
    let c = component(
        r#"(component
            (component $a
                (component $b
                    (core module $m (func (export "f")))
                )
            )
        )"#,
    );
    let ComponentDef::Nested(a) = &c.components[0] else {
        panic!("expected a nested component")
    };
    let ComponentDef::Nested(b) = &a.components[0] else {
        panic!("expected a nested component")
    };
    assert_eq!((a.depth, b.depth), (1, 2));
    assert!(std::sync::Arc::ptr_eq(&c.bytes, &b.bytes));
    assert!(c.range.start < a.range.start && a.range.end <= c.range.end);
    assert!(a.range.start < b.range.start && b.range.end <= a.range.end);
    let CoreModuleDef::Nested(m) = &b.core_modules[0] else {
        panic!("expected a nested module")
    };
    assert!(b.range.start < m.range.start && m.range.end <= b.range.end);
    assert_eq!(
        b.decode_module(m).expect("nested module decodes").exports[0].name,
        "f"
    );
}

#[test]
fn start_function_defines_values() {
    let c = component(
        r#"(component
            (import "v" (value $v string))
            (import "f" (func $f (param "x" string) (result u32)))
            (start $f (value $v) (result (value $r)))
            (export "r" (value $r))
        )"#,
    );
    assert_eq!(
        c.start,
        Some(Start {
            func: 0,
            args: vec![0],
            results: 1
        })
    );
    assert_eq!(
        c.values,
        [
            ValueDef::Import(0),
            ValueDef::StartResult { index: 0 },
            ValueDef::Export(0)
        ]
    );
}

#[test]
fn definitions_keep_the_binary_order() {
    let c = component(
        r#"(component
            (import "f" (func))
            (core module)
            (export "g" (func 0))
        )"#,
    );
    let order: Vec<_> = c.definitions.iter().map(|d| (d.sort, d.index)).collect();
    assert_eq!(
        order,
        [
            (Sort::Type, 0),
            (Sort::Func, 0),
            (Sort::CoreModule, 0),
            (Sort::Func, 1)
        ]
    );
}

#[test]
fn names_and_custom_sections() {
    let c = component(
        r#"(component $top
            (import "f" (func $logger))
            (core module $inner)
            (@custom "note" "hello")
        )"#,
    );
    assert_eq!(c.names.component.as_deref(), Some("top"));
    assert_eq!(c.names.get(Sort::Func, 0), Some("logger"));
    assert_eq!(c.names.get(Sort::CoreModule, 0), Some("inner"));
    let note = c
        .custom_sections
        .iter()
        .find(|s| s.name == "note")
        .expect("custom section kept");
    assert_eq!(&c.bytes[note.data.clone()], b"hello");
}

#[test]
fn export_type_ascription_and_interface_names() {
    let c = component(
        r#"(component
            (import "a:b/c@1.0.0" (func $f))
            (export "d:e/f" (func $f) (func))
        )"#,
    );
    assert_eq!(c.imports[0].name, plain("a:b/c@1.0.0"));
    assert_eq!(c.exports[0].name, plain("d:e/f"));
    assert!(matches!(c.exports[0].ty, Some(ExternType::Func(_))));
}

#[test]
fn gated_features_decode_into_the_ir() {
    let c = component(
        r#"(component
            (type $s (stream u8))
            (type $fu (future))
            (type (list u8 4))
            (type (func async))
            (core func (canon task.cancel))
            (core func (canon stream.new $s))
            (core func (canon future.new $fu))
            (core func (canon error-context.drop))
        )"#,
    );
    assert_eq!(
        c.types[0],
        TypeEntry::Defined(TypeDef::Value(DefinedType::Stream(Some(
            ValType::Primitive(PrimitiveType::U8)
        ))))
    );
    assert_eq!(
        c.types[1],
        TypeEntry::Defined(TypeDef::Value(DefinedType::Future(None)))
    );
    assert!(matches!(
        &c.types[2],
        TypeEntry::Defined(TypeDef::Value(DefinedType::FixedLengthList(_, 4)))
    ));
    assert!(matches!(
        &c.types[3],
        TypeEntry::Defined(TypeDef::Func(FuncType { is_async: true, .. }))
    ));
    let builtins: Vec<_> = c
        .core_funcs
        .iter()
        .map(|f| match f {
            CoreFuncDef::Unsupported { builtin, .. } => *builtin,
            other => panic!("expected an unsupported built-in, got {other:?}"),
        })
        .collect();
    assert_eq!(
        builtins,
        [
            "task.cancel",
            "stream.new",
            "future.new",
            "error-context.drop"
        ]
    );
}

#[test]
fn decode_dispatches_on_the_layer() {
    let module = wat::parse_str("(module (func))").expect("module assembles");
    let comp = wat::parse_str("(component)").expect("component assembles");
    assert!(matches!(decode(module), Ok(Decoded::Module(_))));
    assert!(matches!(decode(comp), Ok(Decoded::Component(_))));
}

fn decode_error(bytes: &[u8]) -> DecodeError {
    decode_component(bytes.to_vec()).expect_err("binary must be rejected")
}

const PREAMBLE: &[u8] = b"\0asm\x0d\0\x01\0";

#[test]
fn errors_carry_offsets() {
    // A core module is not a component.
    let err = decode_error(b"\0asm\x01\0\0\0");
    assert_eq!(err.offset, 0);
    assert!(err.message.contains("expected a component"), "{err}");

    // Truncated preamble.
    let err = decode_error(b"\0asm\x0d\0");
    assert_eq!(err.offset, 4);

    // Unknown section id 0x0d right after the preamble.
    let err = decode_error(&[PREAMBLE, b"\x0d\x00"].concat());
    assert_eq!(err.offset, 8, "{err}");

    // A type section whose one type has an unknown leading byte.
    let err = decode_error(&[PREAMBLE, b"\x07\x02\x01\x00"].concat());
    assert_eq!(err.offset, 11, "{err}");

    // A section that runs past the end of the binary.
    let err = decode_error(&[PREAMBLE, b"\x07\x10\x01"].concat());
    assert!(err.offset >= 9, "{err}");

    // A nested component whose own section runs past its end.
    let inner = [PREAMBLE, b"\x07\x05\x01\x70\x7d"].concat();
    let mut bytes = PREAMBLE.to_vec();
    bytes.extend([0x04, inner.len() as u8 - 1]);
    bytes.extend(&inner[..inner.len() - 1]);
    let err = decode_error(&bytes);
    assert_eq!(err.offset, 19, "{err}");
}

#[test]
fn nested_module_errors_point_into_the_outer_binary() {
    // A nested module whose type section holds an unknown value type (0x7a):
    // framing is checked eagerly, contents only when the module is decoded.
    let module = b"\0asm\x01\0\0\0\x01\x05\x01\x60\x01\x7a\x00";
    let mut bytes = PREAMBLE.to_vec();
    bytes.extend([0x01, module.len() as u8]);
    bytes.extend(module);
    let c = decode_component(bytes).expect("framing is well-formed");
    let CoreModuleDef::Nested(m) = &c.core_modules[0] else {
        panic!("expected a nested module")
    };
    assert_eq!(m.range, 10..10 + module.len());
    let err = c
        .decode_module(m)
        .expect_err("value type 0x7a is malformed");
    assert_eq!(err.offset, 10 + 13, "{err}");
}

#[test]
fn nested_module_framing_errors_reject_the_component() {
    // A component preamble where a core module's is expected.
    let mut bytes = PREAMBLE.to_vec();
    bytes.extend([0x01, 0x08]);
    bytes.extend(PREAMBLE);
    let err = decode_error(&bytes);
    assert_eq!(err.offset, 10, "{err}");
}

#[test]
fn gc_core_types_are_reported_as_unsupported() {
    let bytes = wat::parse_str("(component (core type (struct)))").expect("component assembles");
    let err = decode_component(bytes).expect_err("GC types are not supported");
    assert!(err.message.contains("not supported"), "{err}");
    assert_eq!(err.offset, 11, "{err}");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut bytes = PREAMBLE.to_vec();
    for _ in 0..200 {
        let mut outer = PREAMBLE.to_vec();
        outer.push(0x04);
        let mut len = bytes.len();
        // LEB128 section size.
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            outer.push(if len == 0 { byte } else { byte | 0x80 });
            if len == 0 {
                break;
            }
        }
        outer.extend(&bytes);
        bytes = outer;
    }
    let err = decode_error(&bytes);
    assert!(err.message.contains("nested"), "{err}");
}
