//! Focused checks of individual rules: the spec's message and the offset
//! of the offending item, and the operand-stack view the translator uses.

use myrt_parser::wasmparser::{BlockType, MemArg, Operator};
use myrt_parser::{Module, ValType, decode_module};
use myrt_validator::{Features, ModuleValidator, ValidationError};

fn module(wat: &str) -> Module {
    let buffer = wast::parser::ParseBuffer::new(wat).expect("lexes");
    let mut wat = wast::parser::parse::<wast::Wat>(&buffer).expect("parses");
    decode_module(wat.encode().expect("encodes")).expect("decodes")
}

fn validate(wat: &str) -> Result<(), ValidationError> {
    ModuleValidator::validate_all(&module(wat)).map(|_| ())
}

fn error(wat: &str) -> ValidationError {
    validate(wat).expect_err("the module is invalid")
}

#[test]
fn unknown_local_names_the_index_and_points_at_the_operator() {
    let wat = "(module (func (param i32) (local i64) local.get 3 drop))";
    let module = module(wat);
    let err = ModuleValidator::validate_all(&module).expect_err("invalid");
    assert_eq!(err.message, "unknown local 3");
    // `local.get 3` is 0x20 0x03: the offset must point at its opcode.
    assert_eq!(module.bytes[err.offset..err.offset + 2], [0x20, 0x03]);
}

#[test]
fn type_mismatch_on_wrong_operand_and_on_leftover_values() {
    assert_eq!(
        error("(module (func (result i32) i64.const 0))").message,
        "type mismatch"
    );
    assert_eq!(
        error("(module (func i32.const 0))").message,
        "type mismatch"
    );
    assert_eq!(
        error("(module (func (result i32) i32.const 0 i64.const 0 i32.add))").message,
        "type mismatch"
    );
    assert_eq!(
        error("(module (func (result i32) (if (result i32) (i32.const 0) (then (i32.const 1)))))")
            .message,
        "type mismatch"
    );
}

#[test]
fn dead_code_has_a_polymorphic_stack() {
    validate("(module (func (result i32) unreachable i32.add))").expect("valid");
    assert_eq!(
        error("(module (func (result i64) return))").message,
        "type mismatch"
    );
    validate("(module (func (result i64) unreachable select drop i64.const 0))").expect("valid");
    assert_eq!(
        error("(module (func unreachable (ref.null extern) (ref.null extern) select drop))")
            .message,
        "type mismatch"
    );
}

#[test]
fn br_table_targets_must_agree_in_arity() {
    let wat = "(module (func (block (result i32) (block (br_table 0 1 (i32.const 0) (i32.const 0))) (i32.const 0))))";
    assert_eq!(error(wat).message, "type mismatch");
}

#[test]
fn module_level_rules() {
    assert_eq!(
        error("(module (memory 2 1))").message,
        "size minimum must not be greater than maximum"
    );
    assert_eq!(
        error("(module (memory 65537))").message,
        "memory size must be at most 65536 pages (4GiB)"
    );
    assert_eq!(
        error("(module (func) (export \"a\" (func 0)) (export \"a\" (func 0)))").message,
        "duplicate export name"
    );
    assert_eq!(
        error("(module (func (param i32)) (start 0))").message,
        "start function must have type [] -> []"
    );
    assert_eq!(
        error("(module (global i32 (i32.const 0)) (global i32 (global.get 0)))").message,
        "unknown global 0"
    );
    assert_eq!(
        error("(module (global (import \"m\" \"g\") (mut i32)) (global i32 (global.get 0)))")
            .message,
        "constant expression required"
    );
    // Arithmetic is extended-const: on by default, invalid in strict 2.0.
    let arithmetic = module("(module (global i32 (i32.add (i32.const 0) (i32.const 1))))");
    ModuleValidator::new(&arithmetic).expect("valid with extended-const");
    assert_eq!(
        ModuleValidator::with_features(&arithmetic, Features::WASM2)
            .expect_err("invalid in 2.0")
            .message,
        "constant expression required"
    );
    assert_eq!(
        error("(module (global i32 (i32.add (i32.const 0) (i64.const 1))))").message,
        "type mismatch"
    );
    assert_eq!(
        error("(module (global i32 (i32.mul (i32.const 0))))").message,
        "type mismatch"
    );
    assert_eq!(
        error("(module (func (global.set 0 (i32.const 0))) (global i32 (i32.const 0)))").message,
        "global is immutable"
    );
}

#[test]
fn ref_func_needs_a_declaration_outside_bodies() {
    assert_eq!(
        error("(module (func (drop (ref.func 0))))").message,
        "undeclared function reference"
    );
    validate("(module (func (drop (ref.func 0))) (elem declare func 0))").expect("valid");
    validate("(module (func (export \"f\") (drop (ref.func 0))))").expect("valid");
}

#[test]
fn data_drop_needs_the_data_count_section() {
    // wast adds a data count section itself, so this module is written in binary.
    let bytes = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type 0: [] -> []
        0x03, 0x02, 0x01, 0x00, // func 0: type 0
        0x05, 0x03, 0x01, 0x00, 0x00, // memory 0 0
        0x0a, 0x07, 0x01, 0x05, 0x00, 0xfc, 0x09, 0x00, 0x0b, // code: data.drop 0; end
        0x0b, 0x04, 0x01, 0x01, 0x01, 0x00, // data: one passive segment
    ];
    let module = decode_module(bytes.to_vec()).expect("decodes");
    let err = ModuleValidator::validate_all(&module).expect_err("invalid");
    assert_eq!(err.message, "data count section required");
    assert_eq!(module.bytes[err.offset], 0xfc);
}

#[test]
fn proposals_beyond_2_0_are_rejected_by_name() {
    let simd = error("(module (func (drop (v128.const i64x2 0 0))))");
    assert!(simd.message.contains("is not supported"), "{simd}");
    let tail_call = error("(module (func (return_call 0)))");
    assert_eq!(
        tail_call.message,
        "operator return_call (tail_call proposal) is not supported"
    );
}

#[test]
fn memory_index_other_than_zero_is_unknown() {
    // In a 2.0 binary a memory index can only be spelled through the API:
    // the 2.0 encoding of a memarg has no room for one.
    let module = module("(module (memory 1) (func (param i32)))");
    let validator = ModuleValidator::new(&module).expect("valid");
    let mut func = validator.func_validator(&module, 0);
    func.op(0, &Operator::LocalGet { local_index: 0 })
        .expect("valid");
    let memarg = MemArg {
        align: 2,
        max_align: 2,
        offset: 0,
        memory: 1,
    };
    assert_eq!(
        func.op(1, &Operator::I32Load { memarg })
            .expect_err("invalid")
            .message,
        "unknown memory 1"
    );
    let memarg = MemArg {
        align: 3,
        max_align: 2,
        offset: 0,
        memory: 0,
    };
    let err = func
        .op(1, &Operator::I32Load { memarg })
        .expect_err("invalid");
    assert_eq!(err.message, "alignment must not be larger than natural");
}

#[test]
fn too_many_locals() {
    let module = module("(module (func (param i32)))");
    let validator = ModuleValidator::new(&module).expect("valid");
    let mut func = validator.func_validator(&module, 0);
    func.define_locals(0, u32::MAX - 1, ValType::I64)
        .expect("fits in u32");
    assert_eq!(func.num_locals(), u32::MAX);
    assert_eq!(func.local_type(0), Some(ValType::I32));
    assert_eq!(func.local_type(u32::MAX - 1), Some(ValType::I64));
    assert_eq!(func.local_type(u32::MAX), None);
    assert_eq!(
        func.define_locals(7, 1, ValType::I32)
            .expect_err("overflows")
            .message,
        "too many locals"
    );
}

#[test]
fn the_translator_sees_operand_types_and_reachability() {
    let module = module("(module (func (param i32 f64)))");
    let validator = ModuleValidator::new(&module).expect("valid");
    let mut func = validator.func_validator(&module, 0);
    func.op(0, &Operator::LocalGet { local_index: 1 })
        .expect("valid");
    func.op(1, &Operator::I32Const { value: 7 }).expect("valid");
    assert_eq!(
        (
            func.operand_height(),
            func.operand_type(0),
            func.operand_type(1)
        ),
        (2, Some(ValType::I32), Some(ValType::F64))
    );
    assert_eq!(func.operand_type(2), None);
    func.op(
        2,
        &Operator::Block {
            blockty: BlockType::Empty,
        },
    )
    .expect("valid");
    func.op(3, &Operator::Unreachable).expect("valid");
    assert!(func.is_unreachable());
    func.op(4, &Operator::Drop)
        .expect("pops from the polymorphic stack");
    func.op(5, &Operator::End).expect("valid");
    assert!(!func.is_unreachable());
    func.op(6, &Operator::Drop).expect("valid");
    func.op(7, &Operator::Drop).expect("valid");
    assert_eq!(
        func.finish(8).expect_err("no final end").message,
        "END opcode expected"
    );
    func.op(8, &Operator::End).expect("valid");
    func.finish(9).expect("complete");
    assert_eq!(
        func.op(9, &Operator::Nop)
            .expect_err("after the end")
            .offset,
        9
    );
}

#[test]
fn module_level_errors_point_at_the_offending_item() {
    let exports = module("(module (func) (export \"a\" (func 0)) (export \"a\" (func 0)))");
    let err = ModuleValidator::new(&exports).expect_err("invalid");
    assert_eq!(err.message, "duplicate export name");
    // An export entry here is: name length 1, "a", kind 0 (func), index 0.
    let entry = [1, b'a', 0, 0];
    assert_eq!(exports.bytes[err.offset..err.offset + 4], entry);
    assert!(
        exports.bytes[..err.offset].windows(4).any(|w| w == entry),
        "points at the second export"
    );

    // Several memories are multi-memory: on by default, invalid in strict 2.0.
    let memories = module("(module (memory 1) (memory 1))");
    ModuleValidator::new(&memories).expect("valid with multi-memory");
    let err =
        ModuleValidator::with_features(&memories, Features::WASM2).expect_err("invalid in 2.0");
    assert_eq!(err.message, "multiple memories");
    // Memory entries are flags 0, min 1: the second one is the last two bytes of the section.
    assert_eq!(err.offset, memories.bytes.len() - 2);
}

#[test]
fn memory_indices_name_one_of_the_memories() {
    let two = r#"(import "m" "a" (memory 1)) (memory 1)"#;
    let valid = format!(
        r#"(module {two}
            (data (memory 1) (i32.const 0) "x")
            (export "b" (memory 1))
            (func (result i32)
                (i32.store8 1 (i32.const 0) (i32.load8_u 0 (i32.const 0)))
                (memory.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 1))
                (memory.fill 1 (i32.const 0) (i32.const 0) (i32.const 1))
                (memory.init 1 0 (i32.const 0) (i32.const 0) (i32.const 0))
                (drop (memory.grow 1 (i32.const 1)))
                (memory.size 1)))"#
    );
    validate(&valid).expect("every index names a memory");

    for body in [
        "(drop (i32.load 2 (i32.const 0)))",
        "(i64.store32 2 (i32.const 0) (i64.const 0))",
        "(drop (memory.size 2))",
        "(drop (memory.grow 2 (i32.const 0)))",
        "(memory.fill 2 (i32.const 0) (i32.const 0) (i32.const 0))",
        "(memory.copy 2 0 (i32.const 0) (i32.const 0) (i32.const 0))",
        "(memory.copy 0 2 (i32.const 0) (i32.const 0) (i32.const 0))",
    ] {
        let err = error(&format!("(module {two} (func {body}))"));
        assert_eq!(err.message, "unknown memory 2", "{body}");
    }
    let data = error(&format!(
        r#"(module {two} (data (memory 2) (i32.const 0) "x"))"#
    ));
    assert_eq!(data.message, "unknown memory 2");
    let export = error(&format!(r#"(module {two} (export "c" (memory 2)))"#));
    assert!(
        export.message.contains("unknown memory"),
        "{}",
        export.message
    );
}

#[test]
fn memory_index_immediates_are_malformed_in_strict_2_0() {
    // `memory.size 1` with one memory: 2.0 reads the index as a reserved
    // byte that must be zero, multi-memory as an index out of range.
    let module = module("(module (memory 1) (func (drop (memory.size 1))))");
    let strict =
        ModuleValidator::with_features(&module, Features::WASM2).expect("module level is valid");
    let err = strict
        .validate_bodies(&module)
        .expect_err("malformed in 2.0");
    assert!(
        err.message.contains("zero byte expected"),
        "{}",
        err.message
    );
    let err = ModuleValidator::validate_all(&module).expect_err("invalid");
    assert_eq!(err.message, "unknown memory 1");
}
