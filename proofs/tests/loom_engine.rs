//! Loom models of the engine's races (2–3 threads each). Every model checks the laws on
//! the recorded notification stream (the engine's trace: machine steps in lock order,
//! callback invocations in delivery order) and the final state: exactly one
//! `HANDLE_CLOSING` per object, an empty machine once everything is closed. Some also
//! check their history for linearizability against the machine.
//!
//! Run with `bash proofs/loom.sh` (`RUSTFLAGS="--cfg loom"`, release with debug
//! assertions, `LOOM_MAX_PREEMPTIONS=2`). The mutant tests plant a bug in the engine
//! and assert that loom finds an execution that breaks.

#![cfg(loom)]

mod engine_support;

use engine_support::{check_linearizable, check_trace, handle_of, History, Op, Res};
use hinternet_core::{
    winhttp, Api, Completion, CreateApi, HandleValue, Info, Input, Notification, ObjectId, OpId,
    Outcome, Policy, Reply, Ret, Service, ERROR_INVALID_HANDLE,
};
use hinternet_engine::EngineMutant;
use hinternet_engine::{Engine, EngineBuilder};
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread;

/// The policies the models run under: small tables keep loom's object count low.
fn winhttp() -> Policy {
    Policy::winhttp().with_max_handles(6)
}
fn wininet() -> Policy {
    Policy::wininet().with_max_handles(6)
}

fn engine(policy: Policy, mutant: Option<EngineMutant>) -> Arc<Engine> {
    let mut builder = EngineBuilder::new(policy).record(true);
    if let Some(m) = mutant {
        builder = builder.mutant(m);
    }
    Arc::new(builder.build())
}

/// A callback that checks law 10 itself: no two invocations for one object overlap.
/// Returns the callback id; `inside` counts invocations in progress per object slot.
fn serial_callback(
    engine: &Engine,
    on: impl Fn(&Engine, &Notification) + Send + Sync + 'static,
) -> hinternet_core::CallbackId {
    let inside: Arc<Vec<AtomicUsize>> = Arc::new((0..8).map(|_| AtomicUsize::new(0)).collect());
    engine.register_callback(move |engine, n| {
        let slot = &inside[n.object.0 as usize % 8];
        let before = slot.fetch_add(1, Ordering::SeqCst);
        assert_eq!(before, 0, "law 10: two callbacks of {} at once", n.object);
        on(engine, n);
        slot.fetch_sub(1, Ordering::SeqCst);
    })
}

fn set_callback(engine: &Engine, handle: HandleValue, cb: hinternet_core::CallbackId) {
    let reply = engine.set_status_callback(handle, Some(cb), u32::MAX);
    assert!(matches!(reply, Ok(r) if !r.is_rejected()));
}

/// Close every value that may still be open, then check the trace and the final
/// state; returns the trace.
fn finish(engine: &Engine, policy: &Policy) -> Vec<hinternet_engine::TraceEntry> {
    for v in 1..=6 {
        let _ = engine.close(HandleValue(v));
    }
    let trace = engine.take_trace();
    if let Err(e) = check_trace(policy, &trace, engine) {
        panic!("{e}");
    }
    trace
}

/// `loom::model`, counting the executions explored (printed with `--nocapture`).
fn model(name: &str, f: impl Fn() + Sync + Send + 'static) {
    let runs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = runs.clone();
    loom::model(move || {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        f();
    });
    println!(
        "{name}: {} executions",
        runs.load(std::sync::atomic::Ordering::Relaxed)
    );
}

fn in_flight(reply: &Result<Reply, hinternet_core::InputError>) -> Option<(ObjectId, OpId)> {
    match reply {
        Ok(Reply {
            outcome: Outcome::InFlight { object, op, .. } | Outcome::Pending { object, op, .. },
            ..
        }) => Some((*object, *op)),
        _ => None,
    }
}

/// What the executor reports for a finished send: the request went out.
const SENT: Completion = Completion::Http { status: None };

// ----- the scenarios -------------------------------------------------------------------

/// Closing a request while another thread is inside a synchronous call on it: the
/// object lives until the call returns, then closes exactly once.
fn close_vs_in_flight_call(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = engine(policy, mutant);
    let cb = serial_callback(&engine, |_, _| {});
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, false));
    set_callback(&engine, session, cb);
    let connect = handle_of(engine.create(CreateApi::WinHttpConnect, session, None));
    let request = handle_of(engine.create(CreateApi::WinHttpOpenRequest, connect, None));
    let e = engine.clone();
    let caller = thread::spawn(move || e.call(Api::WinHttpSendRequest, request));
    let e = engine.clone();
    let closer = thread::spawn(move || e.close(request));
    let call = caller.join().expect("caller");
    let close = closer.join().expect("closer");
    assert_eq!(close.map(|r| r.ret), Ok(Ret::Bool(true)));
    if let Some((object, op)) = in_flight(&call) {
        assert_eq!(call.map(|r| r.ret), Ok(Ret::Blocked));
        // The executor finishes the I/O: the call returns, then the object closes.
        assert!(engine.inspect(|m| m.object(object).is_some()));
        let done = engine.complete(object, op, SENT);
        assert!(done.is_ok());
    } else {
        assert_eq!(
            call.map(|r| r.last_error),
            Ok(Some(ERROR_INVALID_HANDLE)),
            "closed first: invalid"
        );
    }
    finish(&engine, &policy);
}

/// Two threads close one handle: one wins, the other gets ERROR_INVALID_HANDLE.
fn two_closes(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = engine(policy, mutant);
    let cb = serial_callback(&engine, |_, _| {});
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, true));
    set_callback(&engine, session, cb);
    let connect = handle_of(engine.create(CreateApi::WinHttpConnect, session, None));
    let closers: Vec<_> = (0..2)
        .map(|_| {
            let e = engine.clone();
            thread::spawn(move || e.close(connect))
        })
        .collect();
    let mut replies: Vec<Reply> = closers
        .into_iter()
        .map(|t| t.join().expect("closer").expect("close answers"))
        .collect();
    replies.sort_by_key(|r| r.is_rejected());
    assert_eq!(replies[0].ret, Ret::Bool(true));
    assert_eq!(replies[1].ret, Ret::Bool(false));
    assert_eq!(replies[1].last_error, Some(ERROR_INVALID_HANDLE));
    finish(&engine, &policy);
}

/// A completion's callback closes its own request while another thread closes the
/// parent connect: both accepted, HANDLE_CLOSING after the callback returned (law 9),
/// the request's before the connect's (law 6).
fn close_inside_callback(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = engine(policy, mutant);
    let complete = winhttp::SENDREQUEST_COMPLETE;
    let cb = serial_callback(&engine, move |engine, n| {
        if n.status == complete {
            let closed = engine.close(n.handle);
            assert!(matches!(closed, Ok(r) if r.ret == Ret::Bool(true)));
        }
    });
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, true));
    set_callback(&engine, session, cb);
    let connect = handle_of(engine.create(CreateApi::WinHttpConnect, session, None));
    let request = handle_of(engine.create(CreateApi::WinHttpOpenRequest, connect, None));
    let pending = engine.call(Api::WinHttpSendRequest, request);
    let (object, op) = in_flight(&pending).expect("accepted asynchronously");
    let e = engine.clone();
    let completer = thread::spawn(move || e.complete(object, op, SENT));
    let e = engine.clone();
    let closer = thread::spawn(move || e.close(connect));
    assert!(completer.join().expect("completer").is_ok());
    assert!(closer.join().expect("closer").is_ok());
    assert!(
        engine.pin(request).is_none(),
        "closed from inside its callback"
    );
    finish(&engine, &policy);
}

/// Three threads: a completion whose callback closes its request, a thread closing the
/// same request directly, and one closing the parent connect. Exactly one of the two
/// request closes wins; every object closes once, children first.
fn callback_close_races_direct_close(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = engine(policy, mutant);
    let complete = winhttp::SENDREQUEST_COMPLETE;
    let wins = Arc::new(AtomicUsize::new(0));
    let counter = wins.clone();
    let cb = serial_callback(&engine, move |engine, n| {
        if n.status == complete {
            if let Ok(r) = engine.close(n.handle) {
                if r.ret == Ret::Bool(true) {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    });
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, true));
    set_callback(&engine, session, cb);
    let connect = handle_of(engine.create(CreateApi::WinHttpConnect, session, None));
    let request = handle_of(engine.create(CreateApi::WinHttpOpenRequest, connect, None));
    let pending = engine.call(Api::WinHttpSendRequest, request);
    let (object, op) = in_flight(&pending).expect("accepted asynchronously");
    let e = engine.clone();
    let completer = thread::spawn(move || e.complete(object, op, SENT));
    let (e, counter) = (engine.clone(), wins.clone());
    let direct = thread::spawn(move || {
        if let Ok(r) = e.close(request) {
            if r.ret == Ret::Bool(true) {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    let e = engine.clone();
    let parent = thread::spawn(move || e.close(connect));
    assert!(completer.join().expect("completer").is_ok());
    direct.join().expect("direct closer");
    assert!(parent.join().expect("parent closer").is_ok());
    assert_eq!(
        wins.load(Ordering::SeqCst),
        1,
        "exactly one request close wins"
    );
    finish(&engine, &policy);
}

/// A parent closes while another thread creates a child under it (WinINet cascades,
/// WinHTTP keeps children): the child is either never created or closed by the cascade
/// or by us — one HANDLE_CLOSING each either way.
fn parent_close_while_child_created(policy: Policy, mutant: Option<EngineMutant>) {
    let engine = engine(policy, mutant);
    let cb = serial_callback(&engine, |_, _| {});
    let (root_api, child_api) = match policy.family {
        hinternet_core::Family::WinHttp => (CreateApi::WinHttpOpen, CreateApi::WinHttpConnect),
        hinternet_core::Family::WinInet => (
            CreateApi::InternetOpen,
            CreateApi::InternetConnect(Service::Http),
        ),
    };
    let root = handle_of(engine.open(root_api, true));
    set_callback(&engine, root, cb);
    let context = engine.apply(Input::SetContext {
        handle: root,
        context: 5,
    });
    assert!(context.is_ok());
    let e = engine.clone();
    let creator = thread::spawn(move || e.create(child_api, root, Some(7)));
    let e = engine.clone();
    let closer = thread::spawn(move || e.close(root));
    let created = creator.join().expect("creator");
    assert!(closer.join().expect("closer").is_ok());
    if let Ok(Reply {
        ret: Ret::Handle(child),
        ..
    }) = created
    {
        if !child.is_null() {
            let alive = engine.pin(child).is_some();
            let cascade = policy.parent_close == hinternet_core::ParentClose::Cascade;
            assert!(
                !(alive && cascade),
                "law 5: the cascade invalidated the child"
            );
        }
    }
    finish(&engine, &policy);
}

/// A stale value races its reissue: one thread closes the root and opens a new one
/// (lowest free: the same value), the other pins and queries the value. Checked for
/// linearizability against the machine.
fn stale_value_races_reissue(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = Arc::new({
        let mut b = EngineBuilder::new(policy);
        if let Some(m) = mutant {
            b = b.mutant(m);
        }
        b.build()
    });
    let root = handle_of(engine.open(CreateApi::WinHttpOpen, false));
    let start = engine.inspect(Clone::clone);
    let history = Arc::new(History::default());
    let (e, h) = (engine.clone(), history.clone());
    let reissuer = thread::spawn(move || {
        h.run(&e, 0, Op::Apply(Input::Close { handle: root }));
        h.run(
            &e,
            0,
            Op::Apply(Input::Open {
                api: CreateApi::WinHttpOpen,
                async_mode: false,
            }),
        );
    });
    let (e, h) = (engine.clone(), history.clone());
    let reader = thread::spawn(move || {
        h.run(&e, 1, Op::Pin(root));
        h.run(&e, 1, Op::Apply(Input::QueryContext { handle: root }));
    });
    reissuer.join().expect("reissuer");
    reader.join().expect("reader");
    let entries = history.entries();
    if let Err(e) = check_linearizable(&start, &entries) {
        panic!("{e}");
    }
}

/// A completion is delivered while another thread closes the request: exactly one
/// completion, before exactly one HANDLE_CLOSING (laws 1, 3).
fn completion_while_closing(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = engine(policy, mutant);
    let cb = serial_callback(&engine, |_, _| {});
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, true));
    set_callback(&engine, session, cb);
    let connect = handle_of(engine.create(CreateApi::WinHttpConnect, session, None));
    let request = handle_of(engine.create(CreateApi::WinHttpOpenRequest, connect, None));
    let pending = engine.call(Api::WinHttpSendRequest, request);
    let (object, op) = in_flight(&pending).expect("accepted asynchronously");
    let e = engine.clone();
    let completer = thread::spawn(move || e.complete(object, op, SENT));
    let e = engine.clone();
    let closer = thread::spawn(move || e.close(request));
    assert!(completer.join().expect("completer").is_ok());
    assert!(closer.join().expect("closer").is_ok());
    finish(&engine, &policy);
}

/// Two threads make notifications for one object at once (two children created from
/// one session: HANDLE_CREATED goes through the session): its callbacks never overlap
/// (law 10, checked in the callback) and arrive in the machine's order.
fn callbacks_serialize_per_object(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = engine(policy, mutant);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let cb = serial_callback(&engine, move |_, n| {
        // Give loom a point to switch threads inside the callback.
        thread::yield_now();
        if n.status == winhttp::HANDLE_CREATED {
            log.lock().expect("log").push((n.object, n.info));
        }
    });
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, true));
    set_callback(&engine, session, cb);
    let creators: Vec<_> = (0..2)
        .map(|_| {
            let e = engine.clone();
            thread::spawn(move || e.create(CreateApi::WinHttpConnect, session, None))
        })
        .collect();
    for c in creators {
        assert!(c.join().expect("creator").is_ok());
    }
    let trace = finish(&engine, &policy);
    // Delivery order per object equals the machine's emission order (the Created steps).
    let created: Vec<Info> = trace
        .iter()
        .filter_map(|e| match e {
            hinternet_engine::TraceEntry::Step {
                reply:
                    Reply {
                        outcome: Outcome::Created { value, .. },
                        ..
                    },
                input: Input::Create { .. },
            } => Some(Info::Handle(*value)),
            _ => None,
        })
        .collect();
    let delivered: Vec<Info> = seen
        .lock()
        .expect("log")
        .iter()
        .filter(|(o, _)| *o == ObjectId(0))
        .map(|(_, i)| *i)
        .collect();
    assert_eq!(delivered, created, "law 10: emission order");
}

/// A pin held across a close and the slot's reuse: the pinned slot is never recycled
/// while pinned (rules 2, 3), and the pin is linearizable.
fn pin_races_close_and_reuse(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = engine(policy, mutant);
    let root = handle_of(engine.open(CreateApi::WinHttpOpen, false));
    let e = engine.clone();
    let pinner = thread::spawn(move || {
        if let Some(pin) = e.pin(root) {
            // The first root, or the second one the value was reissued to.
            assert!(pin.object().0 <= 1, "the value's object when pinned");
            thread::yield_now();
            assert!(pin.is_intact(), "rule 3: a pinned slot was recycled");
        }
    });
    let e = engine.clone();
    let closer = thread::spawn(move || {
        assert!(e.close(root).is_ok());
        let again = handle_of(e.open(CreateApi::WinHttpOpen, false));
        assert!(e.close(again).is_ok());
    });
    pinner.join().expect("pinner");
    closer.join().expect("closer");
    finish(&engine, &policy);
}

/// A cascading close is atomic for readers (rule 5): a thread that finds the root
/// invalid then never finds its child valid, and the pins and the close linearize to
/// the machine.
fn cascade_is_atomic_for_pins(mutant: Option<EngineMutant>) {
    let policy = wininet();
    let engine = engine(policy, mutant);
    let root = handle_of(engine.open(CreateApi::InternetOpen, false));
    let connect =
        handle_of(engine.create(CreateApi::InternetConnect(Service::Http), root, Some(1)));
    let start = engine.inspect(Clone::clone);
    let history = Arc::new(History::default());
    let (e, h) = (engine.clone(), history.clone());
    let reader = thread::spawn(move || {
        let parent = h.run(&e, 1, Op::Pin(root)) != Res::Pin(None);
        let child = h.run(&e, 1, Op::Pin(connect)) != Res::Pin(None);
        assert!(
            parent || !child,
            "root invalid but its child still valid afterwards"
        );
    });
    let (e, h) = (engine.clone(), history.clone());
    let closer = thread::spawn(move || h.run(&e, 0, Op::Apply(Input::Close { handle: root })));
    reader.join().expect("reader");
    closer.join().expect("closer");
    if let Err(e) = check_linearizable(&start, &history.entries()) {
        panic!("{e}");
    }
    finish(&engine, &policy);
}

/// Two threads close one handle while a third pins it; linearizable to the machine.
fn two_closes_and_a_pin_linearize(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = engine(policy, mutant);
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, false));
    let start = engine.inspect(Clone::clone);
    let history = Arc::new(History::default());
    let threads: Vec<_> = (0..3)
        .map(|t| {
            let (e, h) = (engine.clone(), history.clone());
            thread::spawn(move || {
                let op = if t < 2 {
                    Op::Apply(Input::Close { handle: session })
                } else {
                    Op::Pin(session)
                };
                h.run(&e, t, op);
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    if let Err(e) = check_linearizable(&start, &history.entries()) {
        panic!("{e}");
    }
    finish(&engine, &policy);
}

// ----- tests ---------------------------------------------------------------------------

#[test]
fn loom_close_vs_in_flight_call() {
    model("loom_close_vs_in_flight_call", || {
        close_vs_in_flight_call(None)
    });
}

#[test]
fn loom_two_threads_close_one_handle() {
    model("loom_two_threads_close_one_handle", || two_closes(None));
}

#[test]
fn loom_close_from_inside_a_callback() {
    model("loom_close_from_inside_a_callback", || {
        close_inside_callback(None)
    });
}

#[test]
fn loom_parent_close_while_child_created_winhttp() {
    model("loom_parent_close_while_child_created_winhttp", || {
        parent_close_while_child_created(winhttp(), None)
    });
}

#[test]
fn loom_parent_close_while_child_created_wininet() {
    model("loom_parent_close_while_child_created_wininet", || {
        parent_close_while_child_created(wininet(), None)
    });
}

#[test]
fn loom_stale_value_races_its_reissue() {
    model("loom_stale_value_races_its_reissue", || {
        stale_value_races_reissue(None)
    });
}

#[test]
fn loom_completion_while_closing() {
    model("loom_completion_while_closing", || {
        completion_while_closing(None)
    });
}

#[test]
fn loom_callbacks_serialize_per_object() {
    model("loom_callbacks_serialize_per_object", || {
        callbacks_serialize_per_object(None)
    });
}

#[test]
fn loom_pin_races_close_and_reuse() {
    model("loom_pin_races_close_and_reuse", || {
        pin_races_close_and_reuse(None)
    });
}

#[test]
fn loom_two_closes_and_a_pin_linearize() {
    model("loom_two_closes_and_a_pin_linearize", || {
        two_closes_and_a_pin_linearize(None)
    });
}

#[test]
fn loom_callback_close_races_direct_close() {
    model("loom_callback_close_races_direct_close", || {
        callback_close_races_direct_close(None)
    });
}

#[test]
fn loom_cascade_is_atomic_for_pins() {
    model("loom_cascade_is_atomic_for_pins", || {
        cascade_is_atomic_for_pins(None)
    });
}

/// Run `scenario` under loom with `mutant` planted; true when loom found a failing
/// execution.
fn caught(scenario: fn(Option<EngineMutant>), mutant: EngineMutant) -> bool {
    let result = std::panic::catch_unwind(|| loom::model(move || scenario(Some(mutant))));
    result.is_err()
}

#[test]
fn loom_catches_a_pin_that_does_not_recheck() {
    assert!(
        caught(pin_races_close_and_reuse, EngineMutant::PinWithoutRecheck),
        "loom missed the pin that increments without re-checking liveness"
    );
}

#[test]
fn loom_catches_a_close_that_forgets_pins() {
    assert!(
        caught(pin_races_close_and_reuse, EngineMutant::CloseIgnoresPins),
        "loom missed the close that recycles a pinned slot"
    );
}

#[test]
fn loom_catches_delivery_without_an_owner() {
    assert!(
        caught(
            callbacks_serialize_per_object,
            EngineMutant::DeliverWithoutOwner
        ),
        "loom missed two threads delivering one object's callbacks"
    );
}

#[test]
fn loom_catches_a_cascade_without_closing_marks() {
    assert!(
        caught(cascade_is_atomic_for_pins, EngineMutant::CascadeWithoutMark),
        "loom missed the cascade that readers can see half done"
    );
}
