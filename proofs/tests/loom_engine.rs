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
    winhttp, Api, CallArg, Completion, CreateApi, HandleValue, Info, Input, Notification, ObjectId,
    OpId, Outcome, Policy, Reply, Ret, Service, ERROR_INVALID_HANDLE,
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

/// An asynchronous call (returns at once).
fn call(
    engine: &Engine,
    api: Api,
    handle: HandleValue,
) -> Result<Reply, hinternet_core::InputError> {
    engine.call(api, handle, CallArg::None, None)
}

/// The send's completion: request sent, reply not read.
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
    // The raw step: the caller does not block (the blocking models are below).
    let caller = thread::spawn(move || {
        e.apply(Input::Call {
            api: Api::WinHttpSendRequest,
            handle: request,
            arg: CallArg::None,
        })
    });
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
    let pending = call(&engine, Api::WinHttpSendRequest, request);
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
    let pending = call(&engine, Api::WinHttpSendRequest, request);
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
    let pending = call(&engine, Api::WinHttpSendRequest, request);
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

// ----- the port: blocking, callbacks, late completions ----------------------------------

/// A loom executor: once `forward` is set, every start goes over a loom channel to the
/// thread playing the network, which completes it. Counts its destroyed hooks.
#[derive(Default)]
struct LoomExecutor {
    forward: Mutex<Option<loom::sync::mpsc::Sender<(ObjectId, OpId, Api)>>>,
    destroyed: Mutex<usize>,
}

impl hinternet_engine::Executor for LoomExecutor {
    type Object = ();
    type Call = ();

    fn start(&self, _engine: &Engine<Self>, io: hinternet_engine::Start<Self>) {
        if let Some(tx) = self.forward.lock().expect("forward").as_ref() {
            let sent = tx.send((io.object, io.op, io.api));
            assert!(sent.is_ok(), "the network thread is listening");
        }
    }

    fn cancel(&self, _engine: &Engine<Self>, _io: hinternet_engine::Cancel<Self>) {}

    fn destroyed(
        &self,
        _engine: &Engine<Self>,
        _object: ObjectId,
        _data: Option<std::sync::Arc<()>>,
    ) {
        *self.destroyed.lock().expect("destroyed count") += 1;
    }
}

/// A close whose destroyed hook is handed over outside the engine lock races a thread
/// waiting for quiescence: the waiter is always woken (no lost wake-up; loom reports a
/// waiter left asleep as a deadlock), and once both are done the hook ran exactly once.
/// With `delivered`, the session has a status callback: its `HANDLE_CLOSING` is
/// delivered by the closing thread, whose hook is counted under the lock after the
/// callback returned and handed over once the delivery released it (the other path).
fn quiescence_waits_for_destroyed_hooks(mutant: Option<EngineMutant>, delivered: bool) {
    let policy = winhttp();
    let engine = port_engine(policy, mutant);
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, delivered));
    if delivered {
        let cb = engine.register_callback(|_: &Engine<LoomExecutor>, _| {});
        let set = engine.set_status_callback(session, Some(cb), u32::MAX);
        assert!(matches!(set, Ok(r) if !r.is_rejected()));
    }
    let closer = {
        let engine = engine.clone();
        thread::spawn(move || {
            let closed = engine.close(session);
            assert!(matches!(closed, Ok(r) if !r.is_rejected()));
        })
    };
    assert!(engine.wait_quiescent(), "not inside a callback");
    closer.join().expect("the closing thread");
    assert!(engine.wait_quiescent(), "not inside a callback");
    assert_eq!(
        *engine.executor().destroyed.lock().expect("destroyed count"),
        1,
        "the session's destroyed hook ran once"
    );
    finish_port(&engine, &policy);
}

fn port_engine(policy: Policy, mutant: Option<EngineMutant>) -> Arc<Engine<LoomExecutor>> {
    let mut builder = EngineBuilder::new(policy)
        .executor(LoomExecutor::default())
        .record(true);
    if let Some(m) = mutant {
        builder = builder.mutant(m);
    }
    Arc::new(builder.build())
}

/// Start forwarding; returns the network side of the channel.
fn forward(engine: &Engine<LoomExecutor>) -> loom::sync::mpsc::Receiver<(ObjectId, OpId, Api)> {
    let (tx, rx) = loom::sync::mpsc::channel();
    *engine.executor().forward.lock().expect("forward") = Some(tx);
    rx
}

fn finish_port(engine: &Engine<LoomExecutor>, policy: &Policy) {
    for v in (1..=6).rev() {
        let _ = engine.close(HandleValue(v));
    }
    let trace = engine.take_trace();
    if let Err(e) = check_trace(policy, &trace, engine) {
        panic!("{e}");
    }
}

/// A synchronous `WinHttpSendRequest` made inside the `HANDLE_CREATED` callback of its
/// request blocks in the engine while another thread (the network) completes it: the
/// start reaches the executor before the call returns, the call returns its result, and
/// the create returns after it.
fn sync_call_inside_callback(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = port_engine(policy, mutant);
    let returned = Arc::new(Mutex::new(None));
    let log = returned.clone();
    let cb = engine.register_callback(move |engine: &Engine<LoomExecutor>, n| {
        if n.status == winhttp::HANDLE_CREATED {
            if let Info::Handle(h) = n.info {
                let is_request = engine
                    .pin(h)
                    .is_some_and(|p| p.kind() == hinternet_core::HandleKind::WinHttpRequest);
                if is_request {
                    let reply = engine.call(Api::WinHttpSendRequest, h, CallArg::None, None);
                    *log.lock().expect("log") = Some(reply);
                }
            }
        }
    });
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, false));
    assert!(engine
        .set_status_callback(session, Some(cb), u32::MAX)
        .is_ok());
    let connect = handle_of(engine.create(CreateApi::WinHttpConnect, session, None));
    let rx = forward(&engine);
    let e = engine.clone();
    let network = thread::spawn(move || {
        let (object, op, api) = rx.recv().expect("one start");
        assert_eq!(api, Api::WinHttpSendRequest);
        e.complete(object, op, SENT)
    });
    let request = handle_of(engine.create(CreateApi::WinHttpOpenRequest, connect, None));
    assert!(network.join().expect("network").is_ok());
    let reply = returned
        .lock()
        .expect("log")
        .take()
        .expect("the callback ran");
    let reply = reply.expect("call");
    assert_eq!(reply.ret, Ret::Bool(true), "{reply:?}");
    assert!(matches!(
        reply.outcome,
        Outcome::Returned { result: SENT, .. }
    ));
    assert!(engine.pin(request).is_some());
    finish_port(&engine, &policy);
}

/// An asynchronous websocket with a receive pending (set up with the raw step).
fn websocket_with_pending_receive(
    engine: &Engine,
    cb: hinternet_core::CallbackId,
) -> (HandleValue, ObjectId, OpId) {
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, true));
    // Every object inherits the callback, so every HANDLE_CLOSING is delivered and the
    // trace orders them as delivered (filtered ones are ordered at drain only).
    set_callback(engine, session, cb);
    let connect = handle_of(engine.create(CreateApi::WinHttpConnect, session, None));
    let request = handle_of(engine.create(CreateApi::WinHttpOpenRequest, connect, None));
    assert!(call(engine, Api::WinHttpSetOption, request).is_ok());
    let send = call(engine, Api::WinHttpSendRequest, request);
    let (object, op) = in_flight(&send).expect("pending");
    let upgraded = Completion::Http { status: Some(101) };
    assert!(engine.complete(object, op, upgraded).is_ok());
    let receive = call(engine, Api::WinHttpReceiveResponse, request);
    if let Some((object, op)) = in_flight(&receive) {
        assert!(engine.complete(object, op, upgraded).is_ok());
    }
    let ws = handle_of(engine.create(CreateApi::WinHttpWebSocketCompleteUpgrade, request, Some(1)));
    let receive = engine.call(Api::WinHttpWebSocketReceive, ws, CallArg::Buffer(8), None);
    let (wso, op) = in_flight(&receive).expect("receive pending");
    (ws, wso, op)
}

/// Executions of `late_completion_races_close` in which the completion came after the
/// close (stale) or before it (it finished the receive): the model must reach both.
static LATE_WAS_STALE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static LATE_WAS_ON_TIME: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// `WinHttpWebSocketClose` (cancelling the pending receive) races the receive's
/// completion: the completion either finishes the receive or is stale; it never
/// completes the close, which completes once, with its own operation.
fn late_completion_races_close(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = engine(policy, mutant);
    let closes = Arc::new(AtomicUsize::new(0));
    let counter = closes.clone();
    let cb = serial_callback(&engine, move |_, n| {
        if n.status == winhttp::CLOSE_COMPLETE {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let (ws, wso, receive_op) = websocket_with_pending_receive(&engine, cb);
    let e = engine.clone();
    let closer = thread::spawn(move || call(&e, Api::WinHttpWebSocketClose, ws));
    let e = engine.clone();
    let late = Completion::WebSocket {
        buffer_type: hinternet_core::WsBufferType::BinaryMessage,
        bytes: 3,
    };
    let network = thread::spawn(move || e.complete(wso, receive_op, late));
    let close = closer.join().expect("closer");
    let completed = network.join().expect("network").expect("benign either way");
    let stale = matches!(completed.outcome, Outcome::Stale { .. });
    assert_eq!(engine.stale_completions(), u64::from(stale));
    let seen = if stale {
        &LATE_WAS_STALE
    } else {
        &LATE_WAS_ON_TIME
    };
    seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(
        closes.load(Ordering::SeqCst),
        0,
        "no completion of the close yet"
    );
    let close = close.expect("close accepted");
    let close_op = close.op().expect("the close is pending");
    assert_ne!(close_op, receive_op);
    assert!(engine.complete(wso, close_op, Completion::Done).is_ok());
    assert_eq!(closes.load(Ordering::SeqCst), 1, "the close completed once");
    finish(&engine, &policy);
}

/// Two synchronous calls on one websocket (send and receive lanes) block at once; the
/// network completes them in either order: each caller returns its own result.
fn two_blocked_calls_on_one_handle(mutant: Option<EngineMutant>) {
    let policy = winhttp();
    let engine = port_engine(policy, mutant);
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, false));
    let connect = handle_of(engine.create(CreateApi::WinHttpConnect, session, None));
    let request = handle_of(engine.create(CreateApi::WinHttpOpenRequest, connect, None));
    let raw = |api| {
        engine.apply(Input::Call {
            api,
            handle: request,
            arg: CallArg::None,
        })
    };
    assert!(raw(Api::WinHttpSetOption).is_ok());
    let upgraded = Completion::Http { status: Some(101) };
    for api in [Api::WinHttpSendRequest, Api::WinHttpReceiveResponse] {
        if let Some((object, op)) = in_flight(&raw(api)) {
            assert!(engine.complete(object, op, upgraded).is_ok());
        }
    }
    let ws = handle_of(engine.create(CreateApi::WinHttpWebSocketCompleteUpgrade, request, Some(1)));
    let rx = forward(&engine);
    let e = engine.clone();
    let sender = thread::spawn(move || e.call(Api::WinHttpWebSocketSend, ws, CallArg::None, None));
    let e = engine.clone();
    let receiver =
        thread::spawn(move || e.call(Api::WinHttpWebSocketReceive, ws, CallArg::Buffer(8), None));
    let received = Completion::WebSocket {
        buffer_type: hinternet_core::WsBufferType::Utf8Message,
        bytes: 4,
    };
    for _ in 0..2 {
        let (object, op, api) = rx.recv().expect("two starts");
        let completion = if api == Api::WinHttpWebSocketReceive {
            received
        } else {
            Completion::Bytes(5)
        };
        assert!(engine.complete(object, op, completion).is_ok());
    }
    let sent = sender.join().expect("sender").expect("send");
    let got = receiver.join().expect("receiver").expect("receive");
    assert!(
        matches!(
            sent.outcome,
            Outcome::Returned {
                result: Completion::Bytes(5),
                ..
            }
        ),
        "{sent:?}"
    );
    assert!(
        matches!(got.outcome, Outcome::Returned { result, .. } if result == received),
        "{got:?}"
    );
    finish_port(&engine, &policy);
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

#[test]
fn loom_sync_call_inside_a_callback() {
    model("loom_sync_call_inside_a_callback", || {
        sync_call_inside_callback(None)
    });
}

#[test]
fn loom_late_completion_races_a_close() {
    model("loom_late_completion_races_a_close", || {
        late_completion_races_close(None)
    });
    for (what, seen) in [("stale", &LATE_WAS_STALE), ("on time", &LATE_WAS_ON_TIME)] {
        let n = seen.load(std::sync::atomic::Ordering::Relaxed);
        assert!(n > 0, "no execution where the completion was {what}");
    }
}

#[test]
fn loom_two_blocked_sync_calls_on_one_handle() {
    model("loom_two_blocked_sync_calls_on_one_handle", || {
        two_blocked_calls_on_one_handle(None)
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

/// Run the ignored test `name` of this binary in a child process; true when loom failed
/// it there. A mutant that deadlocks the model is caught this way: loom reports the
/// deadlock with a panic, and its own clean-up then panics again while unwinding, which
/// aborts the process, so `catch_unwind` cannot see it.
fn caught_in_child(name: &str) -> bool {
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            name,
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .output()
        .expect("the child test runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("running 1 test"),
        "the child ran {name}: {text}"
    );
    !out.status.success() && (text.contains("deadlock") || text.contains("panicked"))
}

#[test]
#[ignore = "run in a child process by loom_catches_io_held_behind_callbacks"]
fn mutant_io_behind_callbacks() {
    loom::model(|| sync_call_inside_callback(Some(EngineMutant::IoBehindCallbacks)));
}

#[test]
#[ignore = "run in a child process by loom_catches_a_return_to_the_wrong_blocked_caller"]
fn mutant_return_by_object() {
    loom::model(|| two_blocked_calls_on_one_handle(Some(EngineMutant::ReturnByObject)));
}

#[test]
fn loom_quiescence_waits_for_destroyed_hooks() {
    model("loom_quiescence_waits_for_destroyed_hooks", || {
        quiescence_waits_for_destroyed_hooks(None, false)
    });
}

#[test]
fn loom_quiescence_waits_for_hooks_of_delivered_closings() {
    model(
        "loom_quiescence_waits_for_hooks_of_delivered_closings",
        || quiescence_waits_for_destroyed_hooks(None, true),
    );
}

#[test]
#[ignore = "run in a child process by loom_catches_a_destroyed_hook_that_forgets_the_waiter"]
fn mutant_hook_forgets_waiter() {
    loom::model(|| {
        quiescence_waits_for_destroyed_hooks(Some(EngineMutant::HookForgetsWaiter), false)
    });
}

#[test]
#[ignore = "run in a child process by loom_catches_a_delivered_closing_hook_that_forgets_the_waiter"]
fn mutant_hook_forgets_waiter_after_delivery() {
    loom::model(|| {
        quiescence_waits_for_destroyed_hooks(Some(EngineMutant::HookForgetsWaiter), true)
    });
}

#[test]
fn loom_catches_a_delivered_closing_hook_that_forgets_the_waiter() {
    assert!(
        caught_in_child("mutant_hook_forgets_waiter_after_delivery"),
        "loom missed the delivered closing's destroyed hook that never wakes a quiescence waiter"
    );
}

#[test]
fn loom_catches_a_destroyed_hook_that_forgets_the_waiter() {
    assert!(
        caught_in_child("mutant_hook_forgets_waiter"),
        "loom missed the destroyed hook that never wakes a quiescence waiter"
    );
}

#[test]
fn loom_catches_io_held_behind_callbacks() {
    assert!(
        caught_in_child("mutant_io_behind_callbacks"),
        "loom missed the sync call inside a callback whose start waits for the callback"
    );
}

#[test]
fn loom_catches_a_return_to_the_wrong_blocked_caller() {
    assert!(
        caught_in_child("mutant_return_by_object"),
        "loom missed two blocked calls on one handle getting each other's results"
    );
}
