//! Resources created by the host and by the guest, passed as `own` and
//! `borrow`, dropped on either side, with their destructors.

use std::sync::{Arc, Mutex};

use myrt_canonical_abi::component::{
    Component, Engine, Error, Instance, Linker, ResourceType, Store,
};
use myrt_canonical_abi::{Resource, ResourceAny, Val};

fn load(engine: &Engine, wat: &str) -> Component {
    let bytes = wat::parse_str(wat).expect("test component parses");
    Component::new(engine, &bytes).expect("component loads")
}

fn call<T: 'static>(
    store: &mut Store<T>,
    instance: &Instance,
    name: &str,
    args: &[Val],
) -> Result<Option<Val>, Error> {
    let func = instance
        .get_func(&*store, name)
        .unwrap_or_else(|| panic!("no export {name}"));
    let mut results = vec![Val::Bool(false); usize::from(func.ty(&*store).result.is_some())];
    func.call(store, args, &mut results)?;
    Ok(results.pop())
}

const HOST_RESOURCE_GUEST: &str = r#"(component
  (import "counter" (type $c (sub resource)))
  (import "make" (func $make (param "start" u32) (result (own $c))))
  (import "get" (func $get (param "c" (borrow $c)) (result u32)))
  (core func $make (canon lower (func $make)))
  (core func $get (canon lower (func $get)))
  (core func $drop (canon resource.drop $c))
  (core module $m
    (import "" "make" (func $make (param i32) (result i32)))
    (import "" "get" (func $get (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    ;; make, read through a borrow, drop: the host destructor runs
    (func (export "run") (param i32) (result i32)
      (local $h i32) (local $v i32)
      (local.set $h (call $make (local.get 0)))
      (local.set $v (call $get (local.get $h)))
      (call $drop (local.get $h))
      (local.get $v))
    ;; hands the own to the host
    (func (export "keep") (param i32) (result i32) (call $make (local.get 0)))
    ;; reads a borrow the host lent, and ends it
    (func (export "peek") (param $h i32) (result i32)
      (local $v i32)
      (local.set $v (call $get (local.get $h)))
      (call $drop (local.get $h))
      (local.get $v))
    ;; forgets to end the borrow
    (func (export "leak") (param $h i32) (result i32) (call $get (local.get $h)))
    ;; takes ownership, then drops it
    (func (export "consume") (param $h i32) (call $drop (local.get $h)))
    ;; drops a handle twice
    (func (export "double-drop") (param i32)
      (local $h i32)
      (local.set $h (call $make (local.get 0)))
      (call $drop (local.get $h))
      (call $drop (local.get $h))))
  (core instance $i (instantiate $m (with "" (instance
    (export "make" (func $make)) (export "get" (func $get)) (export "drop" (func $drop))))))
  (func (export "run") (param "start" u32) (result u32) (canon lift (core func $i "run")))
  (func (export "keep") (param "start" u32) (result (own $c)) (canon lift (core func $i "keep")))
  (func (export "peek") (param "c" (borrow $c)) (result u32) (canon lift (core func $i "peek")))
  (func (export "leak") (param "c" (borrow $c)) (result u32) (canon lift (core func $i "leak")))
  (func (export "consume") (param "c" (own $c)) (canon lift (core func $i "consume")))
  (func (export "double-drop") (param "start" u32) (canon lift (core func $i "double-drop")))
)"#;

#[test]
fn host_resources_live_in_the_guest_handle_table() {
    let engine = Engine::default();
    let component = load(&engine, HOST_RESOURCE_GUEST);
    let dropped: Arc<Mutex<Vec<u32>>> = Arc::default();
    let mut linker = Linker::<()>::new(&engine);
    let mut root = linker.root();
    let log = Arc::clone(&dropped);
    root.resource("counter", ResourceType::host(), move |_store, rep| {
        log.lock().unwrap().push(rep);
        Ok(())
    })
    .unwrap();
    root.func_new("make", |_, args, results| {
        let Val::U32(start) = args[0] else {
            unreachable!()
        };
        results[0] = Val::Own(start + 1000);
        Ok(())
    })
    .unwrap();
    root.func_new("get", |_, args, results| {
        let Val::Borrow(rep) = args[0] else {
            return Err(Error::Other(format!(
                "expected a borrow, got {:?}",
                args[0]
            )));
        };
        results[0] = Val::U32(rep);
        Ok(())
    })
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component).unwrap();

    assert_eq!(
        call(&mut store, &instance, "run", &[Val::U32(5)]).unwrap(),
        Some(Val::U32(1005))
    );
    assert_eq!(
        *dropped.lock().unwrap(),
        [1005],
        "the guest's drop ran the host destructor"
    );

    let own = call(&mut store, &instance, "keep", &[Val::U32(7)]).unwrap();
    assert_eq!(own, Some(Val::Own(1007)), "the host receives the rep");
    assert_eq!(
        call(&mut store, &instance, "peek", &[Val::Borrow(1007)]).unwrap(),
        Some(Val::U32(1007))
    );
    call(&mut store, &instance, "consume", &[Val::Own(1007)]).unwrap();
    assert_eq!(*dropped.lock().unwrap(), [1005, 1007]);

    // Broken rules trap (and poison the instance, so each gets a fresh one).
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let err = call(&mut store, &instance, "leak", &[Val::Borrow(1007)]).unwrap_err();
    assert!(
        err.to_string().contains("borrow handles still remain"),
        "{err}"
    );
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let err = call(&mut store, &instance, "double-drop", &[Val::U32(1)]).unwrap_err();
    assert!(
        err.is_trap() && err.to_string().contains("unknown handle index"),
        "{err}"
    );
}

const GUEST_RESOURCE: &str = r#"(component
  (core module $dtor
    (global $last (mut i32) (i32.const -1))
    (func (export "dtor") (param i32) (global.set $last (local.get 0)))
    (func (export "last") (result i32) (global.get $last)))
  (core instance $dtor (instantiate $dtor))
  (type $thing (resource (rep i32) (dtor (func $dtor "dtor"))))
  (core func $new (canon resource.new $thing))
  (core func $rep (canon resource.rep $thing))
  (core func $drop (canon resource.drop $thing))
  (core module $m
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "rep" (func $rep (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
    ;; a borrow of our own resource arrives as its rep
    (func (export "value") (param i32) (result i32) (local.get 0))
    (func (export "consume") (param $h i32) (result i32)
      (local $v i32)
      (local.set $v (call $rep (local.get $h)))
      (call $drop (local.get $h))
      (local.get $v)))
  (core instance $i (instantiate $m (with "" (instance
    (export "new" (func $new)) (export "rep" (func $rep)) (export "drop" (func $drop))))))
  (export $t "thing" (type $thing))
  (func (export "make") (param "v" u32) (result (own $t)) (canon lift (core func $i "make")))
  (func (export "value") (param "t" (borrow $t)) (result u32) (canon lift (core func $i "value")))
  (func (export "consume") (param "t" (own $t)) (result u32) (canon lift (core func $i "consume")))
  (func (export "last-dropped") (result s32) (canon lift (core func $dtor "last")))
)"#;

#[test]
fn guest_resources_are_created_borrowed_and_destroyed() {
    let engine = Engine::default();
    let component = load(&engine, GUEST_RESOURCE);
    let mut store = Store::new(&engine, ());
    let instance = Linker::<()>::new(&engine)
        .instantiate(&mut store, &component)
        .unwrap();

    let own = call(&mut store, &instance, "make", &[Val::U32(42)]).unwrap();
    assert_eq!(own, Some(Val::Own(42)));
    assert_eq!(
        call(&mut store, &instance, "value", &[Val::Borrow(42)]).unwrap(),
        Some(Val::U32(42))
    );
    assert_eq!(
        call(&mut store, &instance, "last-dropped", &[]).unwrap(),
        Some(Val::S32(-1))
    );
    assert_eq!(
        call(&mut store, &instance, "consume", &[Val::Own(42)]).unwrap(),
        Some(Val::U32(42))
    );
    assert_eq!(
        call(&mut store, &instance, "last-dropped", &[]).unwrap(),
        Some(Val::S32(42)),
        "the guest's drop of its own resource ran its destructor"
    );

    // The host drops an own it holds.
    call(&mut store, &instance, "make", &[Val::U32(43)]).unwrap();
    let thing = instance
        .get_resource(&["thing"])
        .expect("exported resource type");
    thing.drop_rep(&mut store, 43).unwrap();
    assert_eq!(
        call(&mut store, &instance, "last-dropped", &[]).unwrap(),
        Some(Val::S32(43))
    );
}

/// Resource types are generative: each instantiation defines a new one.
#[test]
fn each_instance_has_its_own_resource_type() {
    let engine = Engine::default();
    let component = load(&engine, GUEST_RESOURCE);
    let mut store = Store::new(&engine, ());
    let linker = Linker::<()>::new(&engine);
    let a = linker.instantiate(&mut store, &component).unwrap();
    let b = linker.instantiate(&mut store, &component).unwrap();
    assert_ne!(
        a.get_resource(&["thing"]).unwrap().id(),
        b.get_resource(&["thing"]).unwrap().id()
    );
}

/// The host resource `counter` as a Rust type, for `Resource<Counter>`.
struct Counter;

/// `HOST_RESOURCE_GUEST` with typed host functions and typed calls: the
/// host's `Resource<Counter>` handles are the same reps the dynamic API
/// passes, owned or borrowed as the function type says.
#[test]
fn typed_host_resources_are_lent_given_and_dropped() {
    let engine = Engine::default();
    let component = load(&engine, HOST_RESOURCE_GUEST);
    let dropped: Arc<Mutex<Vec<u32>>> = Arc::default();
    let mut linker = Linker::<()>::new(&engine);
    let mut root = linker.root();
    let log = Arc::clone(&dropped);
    root.resource(
        "counter",
        ResourceType::of::<Counter>(),
        move |_store, rep| {
            log.lock().unwrap().push(rep);
            Ok(())
        },
    )
    .unwrap();
    root.func_wrap("make", |_, (start,): (u32,)| {
        Ok(Resource::<Counter>::new_own(start + 1000))
    })
    .unwrap();
    root.func_wrap("get", |_, (c,): (Resource<Counter>,)| {
        assert!(!c.owned(), "`get` takes a borrow");
        Ok(c.rep())
    })
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component).unwrap();

    let run = instance
        .get_typed_func::<(u32,), u32>(&store, &["run"])
        .unwrap();
    assert_eq!(run.call(&mut store, (5,)).unwrap(), 1005);
    assert_eq!(*dropped.lock().unwrap(), [1005], "the guest dropped it");

    let keep = instance
        .get_typed_func::<(u32,), Resource<Counter>>(&store, &["keep"])
        .unwrap();
    let kept = keep.call(&mut store, (7,)).unwrap();
    assert_eq!((kept.rep(), kept.owned()), (1007, true));
    // An owned handle is lent where the function takes a borrow.
    let peek = instance
        .get_typed_func::<(Resource<Counter>,), u32>(&store, &["peek"])
        .unwrap();
    assert_eq!(peek.call(&mut store, (kept,)).unwrap(), 1007);
    assert_eq!(
        peek.call(&mut store, (Resource::new_borrow(1007),))
            .unwrap(),
        1007
    );
    let consume = instance
        .get_typed_func::<(Resource<Counter>,), ()>(&store, &["consume"])
        .unwrap();
    let err = consume
        .call(&mut store, (Resource::new_borrow(1007),))
        .unwrap_err();
    assert!(
        err.to_string().contains("cannot be passed as an `own`"),
        "{err}"
    );
    consume.call(&mut store, (kept,)).unwrap();
    assert_eq!(*dropped.lock().unwrap(), [1005, 1007]);

    // The untyped view of a typed handle keeps its resource type.
    let any = ResourceAny::from(Resource::<Counter>::new_own(3));
    assert_eq!(any.ty(), ResourceType::of::<Counter>().id());
    assert_eq!(any.try_into_resource::<Counter>().unwrap().rep(), 3);
}

/// `GUEST_RESOURCE` through `ResourceAny`: a guest resource the host holds,
/// lends, gives back and drops.
#[test]
fn typed_guest_resources_are_held_lent_and_dropped_by_the_host() {
    let engine = Engine::default();
    let component = load(&engine, GUEST_RESOURCE);
    let mut store = Store::new(&engine, ());
    let instance = Linker::<()>::new(&engine)
        .instantiate(&mut store, &component)
        .unwrap();
    let thing = instance.get_resource(&["thing"]).unwrap();
    let make = instance
        .get_typed_func::<(u32,), ResourceAny>(&store, &["make"])
        .unwrap();
    let value = instance
        .get_typed_func::<(ResourceAny,), u32>(&store, &["value"])
        .unwrap();
    let consume = instance
        .get_typed_func::<(ResourceAny,), u32>(&store, &["consume"])
        .unwrap();
    let last_dropped = instance
        .get_typed_func::<(), i32>(&store, &["last-dropped"])
        .unwrap();

    let own = make.call(&mut store, (42,)).unwrap();
    assert_eq!((own.ty(), own.rep(), own.owned()), (thing.id(), 42, true));
    assert!(own.try_into_resource::<Counter>().is_err());
    assert_eq!(value.call(&mut store, (own,)).unwrap(), 42);
    assert_eq!(consume.call(&mut store, (own,)).unwrap(), 42);
    assert_eq!(last_dropped.call(&mut store, ()).unwrap(), 42);

    let own = make.call(&mut store, (43,)).unwrap();
    own.resource_drop(&mut store, &thing).unwrap();
    assert_eq!(last_dropped.call(&mut store, ()).unwrap(), 43);

    // A handle of another resource type is refused before the call.
    let other = ResourceAny::from(Resource::<Counter>::new_own(1));
    let err = consume.call(&mut store, (other,)).unwrap_err();
    assert!(err.to_string().contains("passed as Own"), "{err}");
    assert!(other.resource_drop(&mut store, &thing).is_err());
}

#[test]
fn typed_resources_must_be_of_the_function_s_resource_type() {
    let engine = Engine::default();
    let component = load(&engine, GUEST_RESOURCE);
    let mut store = Store::new(&engine, ());
    let instance = Linker::<()>::new(&engine)
        .instantiate(&mut store, &component)
        .unwrap();
    let err = instance
        .get_typed_func::<(u32,), Resource<Counter>>(&store, &["make"])
        .err()
        .expect("a guest resource is not a host `Resource<Counter>`");
    let message = err.to_string();
    assert!(
        message.contains("function `make`")
            && message.contains("result")
            && message.contains("Counter")
            && message.contains("Own("),
        "{message}"
    );

    // A typed host function whose resource is not the import's.
    let component = load(&engine, HOST_RESOURCE_GUEST);
    let mut linker = Linker::<()>::new(&engine);
    let mut root = linker.root();
    root.resource("counter", ResourceType::host(), |_, _| Ok(()))
        .unwrap();
    root.func_wrap("make", |_, (start,): (u32,)| {
        Ok(Resource::<Counter>::new_own(start))
    })
    .unwrap();
    let err = linker
        .instantiate(&mut store, &component)
        .err()
        .expect("`make` returns another resource type");
    assert!(
        err.to_string()
            .contains("import `make` has the wrong type: result"),
        "{err}"
    );
}
