//! The executor on small programs: control flow, calls, memory, tables and
//! traps with their spec messages.

use myrt_interp::{Config, Engine, Error, Instance, Linker, Module, Store, TrapCode, Val};

fn instantiate_with(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, &wat::parse_str(wat).expect("test wat parses"))
        .expect("test module is valid");
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    (store, instance)
}

fn instantiate(wat: &str) -> (Store<()>, Instance) {
    instantiate_with(&Engine::default(), wat)
}

fn trap_code(err: Error) -> TrapCode {
    match err.as_trap() {
        Some(trap) => trap.code,
        None => panic!("expected a trap, got {err}"),
    }
}

#[test]
fn recursive_fib() {
    let (mut store, instance) = instantiate(
        r#"(module
            (func $fib (export "fib") (param i32) (result i32)
                (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
                    (then (local.get 0))
                    (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                                   (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#,
    );
    let fib = instance.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    assert_eq!(fib.call(&mut store, 0).unwrap(), 0);
    assert_eq!(fib.call(&mut store, 1).unwrap(), 1);
    assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);
}

#[test]
fn iterative_loops_and_locals() {
    let (mut store, instance) = instantiate(
        r#"(module
            (func (export "sum") (param $n i64) (result i64) (local $acc i64)
                (block $done
                    (loop $next
                        (br_if $done (i64.eqz (local.get $n)))
                        (local.set $acc (i64.add (local.get $acc) (local.get $n)))
                        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
                        (br $next)))
                (local.get $acc))
            (func (export "fac") (param i32) (result i32) (local $r i32)
                (local.set $r (i32.const 1))
                (loop $l
                    (local.set $r (i32.mul (local.get $r) (local.get 0)))
                    (br_if $l (i32.gt_s (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))
                (local.get $r))
            ;; a lazily read local must keep its old value when overwritten
            (func (export "swap") (param i32 i32) (result i32 i32)
                (local.get 1) (local.get 0) (local.set 1) (local.set 0)
                (local.get 0) (local.get 1)))"#,
    );
    let sum = instance.get_typed_func::<i64, i64>(&store, "sum").unwrap();
    assert_eq!(sum.call(&mut store, 100).unwrap(), 5050);
    let fac = instance.get_typed_func::<i32, i32>(&store, "fac").unwrap();
    assert_eq!(fac.call(&mut store, 10).unwrap(), 3628800);
    let swap = instance
        .get_typed_func::<(i32, i32), (i32, i32)>(&store, "swap")
        .unwrap();
    assert_eq!(swap.call(&mut store, (1, 2)).unwrap(), (2, 1));
}

#[test]
fn br_table_and_multi_value_blocks() {
    let (mut store, instance) = instantiate(
        r#"(module
            (func (export "classify") (param i32) (result i32)
                (block $default (block $two (block $one (block $zero
                    (br_table $zero $one $two $default (local.get 0)))
                    (return (i32.const 100)))
                    (return (i32.const 101)))
                    (return (i32.const 102)))
                (i32.const 999))
            ;; br_table carrying a value to blocks of different depths
            (func (export "pick") (param i32) (result i32)
                (block $b (result i32)
                    (block $a (result i32)
                        (br_table $a $b (i32.const 7) (local.get 0)))
                    (i32.const 1)
                    (i32.add)))
            (func (export "divmod") (param i32 i32) (result i32 i32)
                (local.get 1) (local.get 0)
                (block (param i32 i32) (result i32 i32)
                    (local.set 0) (local.set 1)
                    (i32.div_u (local.get 0) (local.get 1))
                    (i32.rem_u (local.get 0) (local.get 1)))
                (call $swap2) (call $swap2))
            (func $swap2 (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
            (func (export "select") (param i32) (result i64)
                (select (i64.const 11) (i64.const 22) (local.get 0))))"#,
    );
    let classify = instance
        .get_typed_func::<i32, i32>(&store, "classify")
        .unwrap();
    let got: Vec<i32> = (0..5)
        .map(|i| classify.call(&mut store, i).unwrap())
        .collect();
    assert_eq!(got, [100, 101, 102, 999, 999]);
    let pick = instance.get_typed_func::<i32, i32>(&store, "pick").unwrap();
    assert_eq!(pick.call(&mut store, 0).unwrap(), 8);
    assert_eq!(pick.call(&mut store, 1).unwrap(), 7);
    assert_eq!(pick.call(&mut store, 5).unwrap(), 7);
    let select = instance
        .get_typed_func::<i32, i64>(&store, "select")
        .unwrap();
    assert_eq!(select.call(&mut store, 1).unwrap(), 11);
    assert_eq!(select.call(&mut store, 0).unwrap(), 22);
    let divmod = instance
        .get_typed_func::<(i32, i32), (i32, i32)>(&store, "divmod")
        .unwrap();
    assert_eq!(divmod.call(&mut store, (17, 5)).unwrap(), (3, 2));
}

#[test]
fn loop_with_block_params() {
    let (mut store, instance) = instantiate(
        r#"(module
            (func (export "count") (param i32) (result i32)
                (i32.const 0)
                (loop $l (param i32) (result i32)
                    (i32.add (local.get 0))
                    (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                    (br_if $l (i32.gt_s (local.get 0) (i32.const 0))))))"#,
    );
    let count = instance
        .get_typed_func::<i32, i32>(&store, "count")
        .unwrap();
    assert_eq!(count.call(&mut store, 4).unwrap(), 10);
}

#[test]
fn memory_loads_stores_and_bulk_ops() {
    let (mut store, instance) = instantiate(
        r#"(module
            (memory (export "mem") 1 3)
            (data $d "\01\02\03\04")
            (func (export "roundtrip") (param i32 i64) (result i64)
                (i64.store offset=8 (local.get 0) (local.get 1))
                (i64.add (i64.load32_u offset=8 (local.get 0))
                         (i64.load8_s offset=15 (local.get 0))))
            (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
            (func (export "size") (result i32) (memory.size))
            (func (export "bulk") (result i32)
                (memory.init $d (i32.const 100) (i32.const 0) (i32.const 4))
                (memory.copy (i32.const 102) (i32.const 100) (i32.const 4))
                (memory.fill (i32.const 200) (i32.const 0xff) (i32.const 2))
                (data.drop $d)
                (i32.add (i32.load (i32.const 102)) (i32.load16_u (i32.const 200))))
            (func (export "init-dropped") (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))))"#,
    );
    let roundtrip = instance
        .get_typed_func::<(i32, i64), i64>(&store, "roundtrip")
        .unwrap();
    assert_eq!(
        roundtrip
            .call(&mut store, (0, 0xff00_0000_0000_0005u64 as i64))
            .unwrap(),
        5 - 1
    );
    let load = instance.get_typed_func::<i32, i32>(&store, "load").unwrap();
    assert_eq!(load.call(&mut store, 65532).unwrap(), 0);
    assert_eq!(
        trap_code(load.call(&mut store, 65533).unwrap_err()),
        TrapCode::MemoryOutOfBounds
    );
    assert_eq!(
        trap_code(load.call(&mut store, -1).unwrap_err()),
        TrapCode::MemoryOutOfBounds
    );
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
    assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 2);
    assert_eq!(
        load.call(&mut store, 65533).unwrap(),
        0,
        "grown memory is readable"
    );
    assert_eq!(grow.call(&mut store, 2).unwrap(), -1, "beyond the maximum");
    let bulk = instance.get_typed_func::<(), i32>(&store, "bulk").unwrap();
    assert_eq!(bulk.call(&mut store, ()).unwrap(), 0x0403_0201 + 0xffff);
    let init_dropped = instance
        .get_typed_func::<(), ()>(&store, "init-dropped")
        .unwrap();
    assert_eq!(
        trap_code(init_dropped.call(&mut store, ()).unwrap_err()),
        TrapCode::MemoryOutOfBounds
    );
}

#[test]
fn numeric_traps_and_float_semantics() {
    let (mut store, instance) = instantiate(
        r#"(module
            (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
            (func (export "rem") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
            (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
            (func (export "trunc_sat") (param f64) (result i32) (i32.trunc_sat_f64_u (local.get 0)))
            (func (export "min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
            (func (export "nearest") (param f64) (result f64) (f64.nearest (local.get 0)))
            (func (export "shl") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 65))))"#,
    );
    let div = instance
        .get_typed_func::<(i32, i32), i32>(&store, "div")
        .unwrap();
    assert_eq!(div.call(&mut store, (-7, 2)).unwrap(), -3);
    assert_eq!(
        trap_code(div.call(&mut store, (1, 0)).unwrap_err()),
        TrapCode::IntegerDivisionByZero
    );
    assert_eq!(
        trap_code(div.call(&mut store, (i32::MIN, -1)).unwrap_err()),
        TrapCode::IntegerOverflow
    );
    let rem = instance
        .get_typed_func::<(i32, i32), i32>(&store, "rem")
        .unwrap();
    assert_eq!(rem.call(&mut store, (i32::MIN, -1)).unwrap(), 0);
    let trunc = instance
        .get_typed_func::<f64, i32>(&store, "trunc")
        .unwrap();
    assert_eq!(trunc.call(&mut store, -2147483648.9).unwrap(), i32::MIN);
    assert_eq!(
        trap_code(trunc.call(&mut store, 2147483648.0).unwrap_err()),
        TrapCode::IntegerOverflow
    );
    let err = trunc.call(&mut store, f64::NAN).unwrap_err();
    assert_eq!(
        err.as_trap().unwrap().code.message(),
        "invalid conversion to integer"
    );
    let sat = instance
        .get_typed_func::<f64, i32>(&store, "trunc_sat")
        .unwrap();
    assert_eq!(sat.call(&mut store, 1e20).unwrap(), -1);
    assert_eq!(sat.call(&mut store, -5.0).unwrap(), 0);
    let min = instance
        .get_typed_func::<(f32, f32), f32>(&store, "min")
        .unwrap();
    assert_eq!(
        min.call(&mut store, (0.0, -0.0)).unwrap().to_bits(),
        (-0.0f32).to_bits()
    );
    assert!(min.call(&mut store, (f32::NAN, 1.0)).unwrap().is_nan());
    let nearest = instance
        .get_typed_func::<f64, f64>(&store, "nearest")
        .unwrap();
    assert_eq!(nearest.call(&mut store, 2.5).unwrap(), 2.0);
    assert_eq!(nearest.call(&mut store, -3.5).unwrap(), -4.0);
    let shl = instance.get_typed_func::<i64, i64>(&store, "shl").unwrap();
    assert_eq!(shl.call(&mut store, 3).unwrap(), 6);
}

#[test]
fn unreachable_traps_with_backtrace() {
    let (mut store, instance) = instantiate(
        r#"(module $m
            (func $inner (unreachable))
            (func $outer (export "run") (call $inner)))"#,
    );
    let run = instance.get_typed_func::<(), ()>(&store, "run").unwrap();
    let err = run.call(&mut store, ()).unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert_eq!(trap.code, TrapCode::Unreachable);
    let names: Vec<_> = trap.backtrace.iter().map(|f| f.func_name.clone()).collect();
    assert_eq!(
        names,
        [Some("inner".to_string()), Some("outer".to_string())]
    );
    assert_eq!(trap.backtrace[0].func_index, 0);
}

#[test]
fn deep_recursion_traps_without_crashing_the_host() {
    let wat = r#"(module
        (func $down (export "down") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
                (then (i32.const 0))
                (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
        (func $forever (export "forever") (call $forever)))"#;
    let (mut store, instance) = instantiate(wat);
    let forever = instance
        .get_typed_func::<(), ()>(&store, "forever")
        .unwrap();
    let err = forever.call(&mut store, ()).unwrap_err();
    assert_eq!(err.to_string().lines().next(), Some("call stack exhausted"));
    let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
    assert_eq!(down.call(&mut store, 5000).unwrap(), 5000);

    let mut config = Config::new();
    config.max_call_depth(100);
    let (mut store, instance) = instantiate_with(&Engine::new(&config), wat);
    let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
    assert_eq!(down.call(&mut store, 99).unwrap(), 99);
    assert_eq!(
        trap_code(down.call(&mut store, 100).unwrap_err()),
        TrapCode::StackOverflow
    );
}

#[test]
fn call_indirect_errors() {
    let (mut store, instance) = instantiate(
        r#"(module
            (type $i2i (func (param i32) (result i32)))
            (table 4 funcref)
            (elem (i32.const 0) $double $nullary)
            (func $double (type $i2i) (i32.mul (local.get 0) (i32.const 2)))
            (func $nullary (result i32) (i32.const 7))
            (func (export "call") (param i32 i32) (result i32)
                (call_indirect (type $i2i) (local.get 1) (local.get 0)))
            (func (export "set") (param i32)
                (table.set (local.get 0) (ref.func $double)))
            (func (export "grow") (result i32)
                (table.grow (ref.null func) (i32.const 2))))"#,
    );
    let call = instance
        .get_typed_func::<(i32, i32), i32>(&store, "call")
        .unwrap();
    assert_eq!(call.call(&mut store, (0, 21)).unwrap(), 42);
    let message = |err: Error| err.as_trap().unwrap().code.message();
    assert_eq!(
        message(call.call(&mut store, (1, 0)).unwrap_err()),
        "indirect call type mismatch"
    );
    assert_eq!(
        message(call.call(&mut store, (2, 0)).unwrap_err()),
        "uninitialized element"
    );
    assert_eq!(
        message(call.call(&mut store, (4, 0)).unwrap_err()),
        "undefined element"
    );
    assert_eq!(
        message(call.call(&mut store, (-1, 0)).unwrap_err()),
        "undefined element"
    );
    let set = instance.get_typed_func::<i32, ()>(&store, "set").unwrap();
    set.call(&mut store, 3).unwrap();
    assert_eq!(call.call(&mut store, (3, 5)).unwrap(), 10);
    assert_eq!(
        message(set.call(&mut store, 4).unwrap_err()),
        "out of bounds table access"
    );
    let grow = instance.get_typed_func::<(), i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, ()).unwrap(), 4);
    set.call(&mut store, 5).unwrap();
    assert_eq!(call.call(&mut store, (5, 8)).unwrap(), 16);
}

#[test]
fn globals_and_dynamic_calls() {
    let (mut store, instance) = instantiate(
        r#"(module
            (global $g (mut i64) (i64.const 40))
            (func (export "bump") (param i64) (result i64)
                (global.set $g (i64.add (global.get $g) (local.get 0)))
                (global.get $g)))"#,
    );
    let bump = instance.get_func(&store, "bump").unwrap();
    let mut out = [Val::I64(0)];
    bump.call(&mut store, &[Val::I64(2)], &mut out).unwrap();
    assert!(matches!(out[0], Val::I64(42)));
}

#[test]
fn memory_moved_by_a_host_call_and_calls_across_instances() {
    use myrt_interp::{Caller, Extern};
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "grow",
            |mut caller: Caller<'_, ()>, pages: i32| -> Result<i32, Error> {
                let Some(Extern::Memory(memory)) = caller.get_export("mem") else {
                    return Err(Error::host("no memory export"));
                };
                Ok(memory.grow(&mut caller, pages as u64)? as i32)
            },
        )
        .unwrap();
    let parse = |wat: &str| Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
    let other = parse(
        r#"(module
            (memory 1)
            (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
            (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))"#,
    );
    let other = linker.instantiate(&mut store, &other).unwrap();
    linker.instance(&mut store, "other", other).unwrap();
    let main = parse(
        r#"(module
            (import "host" "grow" (func $grow (param i32) (result i32)))
            (import "other" "poke" (func $poke (param i32 i32)))
            (import "other" "peek" (func $peek (param i32) (result i32)))
            (memory (export "mem") 1)
            (func (export "run") (result i32)
                ;; grow through the host, then use the new page right away
                (drop (call $grow (i32.const 3)))
                (i32.store (i32.const 200000) (i32.const 7))
                ;; the other instance has its own memory
                (call $poke (i32.const 16) (i32.const 5))
                (i32.store (i32.const 16) (i32.const 1))
                (i32.add (i32.add (i32.load (i32.const 200000)) (call $peek (i32.const 16)))
                         (i32.mul (i32.load (i32.const 16)) (i32.const 100)))))"#,
    );
    let main = linker.instantiate(&mut store, &main).unwrap();
    let run = main.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 7 + 5 + 100);
}

/// Nested integer expressions, whose intermediate values the translator
/// passes through the accumulator (every operand form: `ToAcc`, `ImmToAcc`,
/// `AccLhs`, `AccRhs`, `AccImm` and their `...ToAcc` chains), give the same
/// results as the same steps through locals, which never use it.
#[test]
fn accumulated_expressions_match_steps_through_locals() {
    let ops = [
        "add", "sub", "mul", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr",
    ];
    for ty in ["i32", "i64"] {
        let mut funcs = String::new();
        for op in ops {
            let o = format!("{ty}.{op}");
            funcs.push_str(&format!(
                r#"
                (func (export "nested_{op}") (param $a {ty}) (param $b {ty}) (param $c {ty}) (param $d {ty}) (result {ty})
                    ({o}
                        ({o} ({o} ({o} (local.get $a) (local.get $b)) ({ty}.const 5)) (local.get $c))
                        ({o} (local.get $a) ({o} (local.get $b) ({o} (local.get $c) (local.get $d))))))
                (func (export "stepped_{op}") (param $a {ty}) (param $b {ty}) (param $c {ty}) (param $d {ty}) (result {ty})
                    (local $l {ty}) (local $r {ty})
                    (local.set $l ({o} (local.get $a) (local.get $b)))
                    (local.set $l ({o} (local.get $l) ({ty}.const 5)))
                    (local.set $l ({o} (local.get $l) (local.get $c)))
                    (local.set $r ({o} (local.get $c) (local.get $d)))
                    (local.set $r ({o} (local.get $b) (local.get $r)))
                    (local.set $r ({o} (local.get $a) (local.get $r)))
                    ({o} (local.get $l) (local.get $r)))
                (func (export "chain_{op}") (param $a {ty}) (param $b {ty}) (result {ty})
                    ({o} ({o} ({o} (local.get $a) ({ty}.const 3)) (local.get $b)) ({ty}.const -7)))
                (func (export "chain_stepped_{op}") (param $a {ty}) (param $b {ty}) (result {ty})
                    (local $t {ty})
                    (local.set $t ({o} (local.get $a) ({ty}.const 3)))
                    (local.set $t ({o} (local.get $t) (local.get $b)))
                    ({o} (local.get $t) ({ty}.const -7)))"#
            ));
        }
        let (mut store, instance) = instantiate(&format!("(module {funcs})"));
        let inputs: [[i64; 4]; 4] = [
            [1, 2, 3, 4],
            [-1, 33, 0x7fff_ffff, -0x8000_0000],
            [0x1234_5678_9abc_def0, -65, 31, 63],
            [i64::MIN, i64::MAX, 7, -3],
        ];
        for op in ops {
            let run = |store: &mut Store<()>, name: &str, args: &[i64]| -> i64 {
                let func = instance.get_func(&*store, name).expect("exported");
                let args: Vec<Val> = args
                    .iter()
                    .map(|&v| {
                        if ty == "i32" {
                            Val::I32(v as i32)
                        } else {
                            Val::I64(v)
                        }
                    })
                    .collect();
                let mut out = [Val::I32(0)];
                func.call(store, &args, &mut out).expect("runs");
                match out[0] {
                    Val::I32(v) => v.into(),
                    Val::I64(v) => v,
                    other => panic!("{name} returned {other:?}"),
                }
            };
            for args in &inputs {
                let nested = run(&mut store, &format!("nested_{op}"), args);
                let stepped = run(&mut store, &format!("stepped_{op}"), args);
                assert_eq!(nested, stepped, "{ty}.{op} nested, inputs {args:?}");
                let chain = run(&mut store, &format!("chain_{op}"), &args[..2]);
                let chain_stepped = run(&mut store, &format!("chain_stepped_{op}"), &args[..2]);
                assert_eq!(chain, chain_stepped, "{ty}.{op} chain, inputs {args:?}");
            }
        }
    }
}

/// Loads and stores with their address or value in the accumulator (an
/// address computed just before, a loaded value consumed or stored just
/// after) match the same steps through locals.
#[test]
fn accumulated_loads_and_stores_match_steps_through_locals() {
    let loads = [
        ("i32", "i32.load"),
        ("i64", "i64.load"),
        ("i32", "i32.load8_s"),
        ("i32", "i32.load8_u"),
        ("i32", "i32.load16_s"),
        ("i32", "i32.load16_u"),
        ("i64", "i64.load8_s"),
        ("i64", "i64.load8_u"),
        ("i64", "i64.load16_s"),
        ("i64", "i64.load16_u"),
        ("i64", "i64.load32_s"),
        ("i64", "i64.load32_u"),
    ];
    let mut funcs = String::new();
    for (i, (ty, load)) in loads.iter().enumerate() {
        funcs.push_str(&format!(
            r#"
            (func (export "nested_{i}") (param $p i32) (param $x i64) (result i64)
                ({ty}.store offset=64 (local.get $p) ({ty}.add ({load} offset=3 (i32.add (local.get $p) (i32.const 5))) ({ty}.const 9)))
                (i64.extend_{ty}_u ({load} offset=64 (local.get $p))))"#
        ).replace("i64.extend_i64_u", "i64.add (i64.const 0)"));
        funcs.push_str(
            &format!(
                r#"
            (func (export "stepped_{i}") (param $p i32) (param $x i64) (result i64)
                (local $a i32) (local $v {ty})
                (local.set $a (i32.add (local.get $p) (i32.const 5)))
                (local.set $v ({load} offset=3 (local.get $a)))
                (local.set $v ({ty}.add (local.get $v) ({ty}.const 9)))
                ({ty}.store offset=64 (local.get $p) (local.get $v))
                (local.set $v ({load} offset=64 (local.get $p)))
                (i64.extend_{ty}_u (local.get $v)))"#
            )
            .replace("i64.extend_i64_u", "i64.add (i64.const 0)"),
        );
    }
    funcs.push_str(
        r#"
        (func (export "copy_floats") (param $from i32) (param $to i32)
            (f32.store (local.get $to) (f32.load (local.get $from)))
            (f64.store offset=8 (local.get $to) (f64.load offset=8 (local.get $from))))
        (func (export "read64") (param $at i32) (result i64) (i64.load (local.get $at)))"#,
    );
    let wat = format!(
        r#"(module (memory 1)
            (data (i32.const 0) "\f1\e2\d3\c4\b5\a6\97\88\79\6a\5b\4c\3d\2e\1f\00\ff\80\7f\01")
            {funcs})"#
    );
    let (mut store, instance) = instantiate(&wat);
    for (i, (_, load_name)) in loads.iter().enumerate() {
        for p in [0, 3, 7] {
            let mut results = [0i64; 2];
            for (which, name) in ["nested", "stepped"].iter().enumerate() {
                let func = instance
                    .get_typed_func::<(i32, i64), i64>(&store, &format!("{name}_{i}"))
                    .expect("exported");
                results[which] = func.call(&mut store, (p, 0)).expect("runs");
            }
            assert_eq!(results[0], results[1], "{load_name} at {p}");
        }
    }
    let copy = instance
        .get_typed_func::<(i32, i32), ()>(&store, "copy_floats")
        .expect("exported");
    let read = instance
        .get_typed_func::<i32, i64>(&store, "read64")
        .expect("exported");
    copy.call(&mut store, (0, 200)).expect("runs");
    let low = |v: i64| v & 0xffff_ffff;
    assert_eq!(
        low(read.call(&mut store, 200).unwrap()),
        low(read.call(&mut store, 0).unwrap())
    );
    assert_eq!(
        read.call(&mut store, 208).unwrap(),
        read.call(&mut store, 8).unwrap()
    );
}

/// `br_if` and `if` on a condition left in the accumulator take the right
/// arm both ways.
#[test]
fn branches_on_accumulated_conditions() {
    let (mut store, instance) = instantiate(
        r#"(module
            (func (export "pick") (param $x i32) (result i32)
                (block $b
                    (br_if $b (i32.and (local.get $x) (i32.const 1)))
                    (return (i32.const 10)))
                (if (i32.eqz (i32.and (local.get $x) (i32.const 2)))
                    (then (return (i32.const 20))))
                (i32.const 30)))"#,
    );
    let pick = instance
        .get_typed_func::<i32, i32>(&store, "pick")
        .expect("exported");
    for (x, expected) in [(0, 10), (2, 10), (1, 20), (3, 30)] {
        assert_eq!(
            pick.call(&mut store, x).expect("runs"),
            expected,
            "pick({x})"
        );
    }
}
