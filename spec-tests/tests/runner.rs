//! The runner must report wrong expectations: a runner that passes
//! everything would make the spec suite meaningless.

use myrt_interp::Config;
use myrt_spec_tests::{ComponentMode, run_wast, run_wast_with};

const MODULE: &str = r#"
(module $m
  (func (export "one") (result i32) (i32.const 1))
  (func (export "trap") (unreachable))
  (func (export "nan") (result f32) (f32.const nan:0x600000))
  (func (export "id") (param externref) (result externref) (local.get 0))
  (global (export "g") i32 (i32.const 7)))
(register "m" $m)
"#;

#[test]
fn correct_expectations_pass() {
    let script = format!(
        "{MODULE}{}",
        r#"
        (assert_return (invoke "one") (i32.const 1))
        (assert_trap (invoke "trap") "unreachable executed")
        (assert_return (invoke "nan") (f32.const nan:arithmetic))
        (assert_return (invoke "id" (ref.extern 1)) (ref.extern 1))
        (assert_return (invoke "id" (ref.null extern)) (ref.null extern))
        (assert_return (get $m "g") (i32.const 7))
        (assert_invalid (module (func (result i32))) "type mismatch")
        (assert_malformed (module quote "(func (i32.const))") "unexpected token")
        (assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
        (assert_unlinkable (module (import "m" "absent" (func))) "unknown import")
        (assert_trap (module (func $t unreachable) (start $t)) "unreachable")
        (module (import "m" "one" (func (result i32))) (import "spectest" "global_i32" (global i32)))
        "#
    );
    let report = run_wast("ok.wast", &script);
    assert_eq!(report.failures, Vec::<String>::new());
    assert_eq!(report.passed, 14);
}

#[test]
fn wrong_expectations_fail_with_their_line() {
    let script = format!(
        "{MODULE}{}",
        r#"(assert_return (invoke "one") (i32.const 2))
(assert_trap (invoke "trap") "integer overflow")
(assert_trap (invoke "one") "unreachable")
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_exhaustion (invoke "one") "call stack exhausted")
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
(assert_malformed (module quote "(func)") "unexpected token")
(assert_unlinkable (module (import "spectest" "print_i32" (func))) "unknown import")
(assert_return (invoke "id" (ref.extern 1)) (ref.extern 2))
(assert_return (invoke $absent "one") (i32.const 1))
(assert_return (invoke "absent"))
"#
    );
    let report = run_wast("bad.wast", &script);
    assert_eq!(report.passed, 2, "{:#?}", report.failures);
    assert_eq!(report.failed, 11, "{:#?}", report.failures);
    let first_line = MODULE.lines().count() + 1;
    assert!(report.failures[0].starts_with(&format!("bad.wast:{first_line}: assert_return: ")));
}

#[test]
fn an_unparsable_script_is_one_failure() {
    let report = run_wast("broken.wast", "(module");
    assert_eq!(report.failed, 1);
    assert!(report.failures[0].starts_with("broken.wast: cannot parse the script"));
}

const COMPONENT: &str = r#"
(component $c
  (core module $m
    (memory (export "mem") 1)
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "hi") (result i32)
      (i32.store (i32.const 0) (i32.const 8))
      (i32.store (i32.const 4) (i32.const 2))
      (i32.store16 (i32.const 8) (i32.const 0x6968))
      (i32.const 0))
    (func (export "trap") unreachable))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add")))
  (func (export "hi") (result string)
    (canon lift (core func $i "hi") (memory (core memory $i "mem"))))
  (func (export "trap") (canon lift (core func $i "trap"))))
"#;

#[test]
fn component_expectations_are_checked() {
    let script = format!(
        "{COMPONENT}{}",
        r#"
        (assert_return (invoke "add" (u32.const 2) (u32.const 40)) (u32.const 42))
        (assert_return (invoke $c "hi") (str.const "hi"))
        (assert_invalid (component (core module $m) (core instance (instantiate 7))) "index")
        (assert_unlinkable (component (import "absent" (func))) "not found")
        (module (func (export "one") (result i32) (i32.const 1)))
        (assert_return (invoke "one") (i32.const 1))
        (assert_return (invoke $c "add" (u32.const 1) (u32.const 1)) (u32.const 2))
        (assert_return (invoke "one") (i32.const 1))
        (assert_return (invoke $c "add" (u32.const 1) (u32.const 1)) (u32.const 3))
        (assert_return (invoke $c "hi") (str.const "ho"))
        (assert_trap (invoke $c "add" (u32.const 1) (u32.const 1)) "unreachable")
        (assert_invalid (component) "nothing wrong")
        (assert_unlinkable (component (import "host-return-two" (func (result u32)))) "x")
        ;; Last: a trap poisons the instance, so later calls into it would trap too.
        (assert_trap (invoke $c "trap") "unreachable")
        "#
    );
    let report = run_wast("component.wast", &script);
    assert_eq!(report.passed, 10, "{:#?}", report.failures);
    assert_eq!(report.failed, 5, "{:#?}", report.failures);
}

#[test]
fn wasm_tools_components_are_only_validated() {
    let script = r#"
        (component (import "no-host-has-this" (func)))
        (component
          (core module $m (func (export "f") (result i32) (i32.const 1)))
          (core instance $i (instantiate $m))
          (func (export "f") (result u32) (canon lift (core func $i "f"))))
        (assert_return (invoke "f") (u32.const 1))
    "#;
    let report = run_wast_with(
        "validate.wast",
        script,
        ComponentMode::ValidateOnly,
        &Config::default(),
    );
    assert_eq!(report.failures, Vec::<String>::new());
}
