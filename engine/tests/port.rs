//! The executor port through the public API, with a small executor: starts go over a
//! channel to a completer thread (or are only recorded), cancels and destroyed objects
//! are recorded. Regression tests of the three seam defects of the port issue (a sync
//! call inside a callback, data attached at creation, a late completion after a
//! cancel), plus the destroyed hook, quiescence and blocking. Every wait is bounded.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hinternet_core::winhttp;
use hinternet_core::{
    Api, CallArg, Completion, CreateApi, HandleValue, Info, InputError, Lane, ObjectId, OpId,
    Outcome, Policy, Reply, Ret, WsBufferType, ERROR_SUCCESS,
};
use hinternet_engine::{Cancel, Engine, EngineBuilder, Executor, Start};

/// What a test shim attaches to each object.
#[derive(Debug, Default)]
struct Shim {
    headers: Mutex<Vec<&'static str>>,
}

/// What the executor saw.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Start {
        op: OpId,
        object: ObjectId,
        api: Api,
        blocking: bool,
        call: Option<&'static str>,
        has_data: bool,
    },
    Cancel {
        op: OpId,
        object: ObjectId,
        api: Api,
    },
    Destroyed {
        object: ObjectId,
        has_data: bool,
    },
}

/// Records every request; when a completer is attached, sends each start to it.
#[derive(Default)]
struct TestExecutor {
    seen: Mutex<Vec<Seen>>,
    completer: Mutex<Option<mpsc::Sender<(ObjectId, OpId, Api)>>>,
    panic_on_start: bool,
}

impl TestExecutor {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("seen").clone()
    }
    fn hang_up(&self) {
        self.completer.lock().expect("completer").take();
    }
}

impl Executor for TestExecutor {
    type Object = Shim;
    type Call = &'static str;

    fn start(&self, _engine: &Engine<Self>, io: Start<Self>) {
        self.seen.lock().expect("seen").push(Seen::Start {
            op: io.op,
            object: io.object,
            api: io.api,
            blocking: io.blocking,
            call: io.call,
            has_data: io.data.is_some(),
        });
        if let Some(tx) = self.completer.lock().expect("completer").as_ref() {
            // The completer may be gone at the end of a test; nothing to do then.
            let _ = tx.send((io.object, io.op, io.api));
        }
        assert!(!self.panic_on_start, "executor bug");
    }

    fn cancel(&self, _engine: &Engine<Self>, io: Cancel<Self>) {
        self.seen.lock().expect("seen").push(Seen::Cancel {
            op: io.op,
            object: io.object,
            api: io.api,
        });
    }

    fn destroyed(&self, _engine: &Engine<Self>, object: ObjectId, data: Option<Arc<Shim>>) {
        self.seen.lock().expect("seen").push(Seen::Destroyed {
            object,
            has_data: data.is_some(),
        });
    }
}

/// How the completer thread ends each operation.
fn completion_for(api: Api) -> Completion {
    match api {
        Api::WinHttpSendRequest => Completion::Http { status: None },
        Api::WinHttpReceiveResponse => Completion::Http { status: Some(101) },
        Api::WinHttpWebSocketReceive => Completion::WebSocket {
            buffer_type: WsBufferType::BinaryMessage,
            bytes: 3,
        },
        Api::WinHttpWebSocketClose | Api::WinHttpWebSocketShutdown => Completion::Done,
        _ => Completion::Bytes(7),
    }
}

/// Run `body` with a completer thread that completes every start (bounded: it stops
/// when the executor hangs up at the end).
fn with_completer(engine: &Engine<TestExecutor>, body: impl FnOnce() + Send) {
    let (tx, rx) = mpsc::channel();
    *engine.executor().completer.lock().expect("completer") = Some(tx);
    std::thread::scope(|s| {
        s.spawn(move || {
            for (object, op, api) in rx {
                let done = engine.complete(object, op, completion_for(api));
                assert!(done.is_ok(), "completion of {op}: {done:?}");
            }
        });
        body();
        engine.executor().hang_up();
    });
}

/// Run `f` on another thread and fail (instead of hanging) if it does not finish.
fn bounded<T: Send>(what: &str, f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        s.spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{what}: did not finish (deadlock)"))
    })
}

fn handle(reply: Result<Reply, InputError>) -> HandleValue {
    match reply.expect("accepted input").ret {
        Ret::Handle(v) if !v.is_null() => v,
        other => panic!("expected a handle, got {other:?}"),
    }
}

fn engine(executor: TestExecutor) -> Engine<TestExecutor> {
    EngineBuilder::new(Policy::winhttp())
        .executor(executor)
        .build()
}

/// A WinHTTP session, connect and request (`async_mode` on the session).
fn tree(engine: &Engine<TestExecutor>, async_mode: bool) -> [HandleValue; 3] {
    let s = handle(engine.open_with(CreateApi::WinHttpOpen, async_mode, |_, _| Shim::default()));
    let c = handle(engine.create_with(CreateApi::WinHttpConnect, s, None, |_, _| Shim::default()));
    let r = handle(
        engine.create_with(CreateApi::WinHttpOpenRequest, c, None, |_, _| {
            Shim::default()
        }),
    );
    [s, c, r]
}

#[test]
fn a_sync_call_blocks_in_the_engine_and_returns_its_result() {
    let engine = engine(TestExecutor::default());
    let [s, c, r] = tree(&engine, false);
    with_completer(&engine, || {
        let reply = engine.call(Api::WinHttpSendRequest, r, CallArg::None, Some("body"));
        let reply = reply.expect("call");
        assert_eq!(reply.ret, Ret::Bool(true));
        assert_eq!(reply.last_error, Some(ERROR_SUCCESS));
        assert!(
            matches!(
                reply.outcome,
                Outcome::Returned {
                    result: Completion::Http { status: None },
                    ..
                }
            ),
            "{reply:?}"
        );
    });
    let seen = engine.executor().seen();
    assert!(
        matches!(
            seen.first(),
            Some(Seen::Start {
                blocking: true,
                call: Some("body"),
                has_data: true,
                ..
            })
        ),
        "the start carried the call's and the object's data: {seen:?}"
    );
    for h in [r, c, s] {
        engine.close(h).expect("close");
    }
    assert!(engine.wait_quiescent());
    assert!(engine.is_empty());
    assert_eq!(engine.refused_handoffs(), 0);
}

/// Seam defect 2: a synchronous `WinHttpSendRequest` made inside the `HANDLE_CREATED`
/// callback of its request completes (the executor's start reaches it before the call
/// returns, another thread completes it) instead of deadlocking.
#[test]
fn a_sync_send_inside_a_handle_created_callback_completes() {
    let engine = engine(TestExecutor::default());
    let results = Arc::new(Mutex::new(Vec::new()));
    let log = results.clone();
    let cb = engine.register_callback(move |engine, n| {
        if n.status == winhttp::HANDLE_CREATED {
            if let Info::Handle(h) = n.info {
                if engine
                    .pin(h)
                    .is_some_and(|p| p.kind() == hinternet_core::HandleKind::WinHttpRequest)
                {
                    let reply = engine.call(Api::WinHttpSendRequest, h, CallArg::None, None);
                    log.lock().expect("log").push(reply);
                }
            }
        }
    });
    let s = handle(engine.open(CreateApi::WinHttpOpen, false));
    engine
        .set_status_callback(s, Some(cb), u32::MAX)
        .expect("callback");
    let c = handle(engine.create(CreateApi::WinHttpConnect, s, None));
    with_completer(&engine, || {
        let r = bounded("create with a sync send in its callback", || {
            handle(engine.create(CreateApi::WinHttpOpenRequest, c, None))
        });
        engine.close(r).expect("close");
    });
    let results = results.lock().expect("log").clone();
    assert_eq!(results.len(), 1, "{results:?}");
    let reply = results[0].clone().expect("call");
    assert_eq!(reply.ret, Ret::Bool(true), "{reply:?}");
    assert!(
        matches!(reply.outcome, Outcome::Returned { .. }),
        "{reply:?}"
    );
    for h in [c, s] {
        engine.close(h).expect("close");
    }
    assert!(engine.wait_quiescent());
    assert!(engine.is_empty());
}

/// Seam defect 3: data attached at creation is visible from the application's
/// `HANDLE_CREATED` callback, so a header added there is not lost.
#[test]
fn data_attached_at_creation_is_seen_by_the_handle_created_callback() {
    let engine = engine(TestExecutor::default());
    let cb = engine.register_callback(|engine: &Engine<TestExecutor>, n| {
        if n.status == winhttp::HANDLE_CREATED {
            if let Info::Handle(h) = n.info {
                let pin = engine
                    .pin(h)
                    .expect("the new handle is live in its callback");
                if pin.kind() == hinternet_core::HandleKind::WinHttpRequest {
                    let reply = engine.call(Api::WinHttpAddRequestHeaders, h, CallArg::None, None);
                    assert_eq!(reply.map(|r| r.ret), Ok(Ret::Bool(true)));
                    let data = pin.data().expect("data attached before HANDLE_CREATED");
                    data.headers.lock().expect("headers").push("X-Added: 1");
                }
            }
        }
    });
    let s = handle(engine.open(CreateApi::WinHttpOpen, true));
    engine
        .set_status_callback(s, Some(cb), u32::MAX)
        .expect("callback");
    let c = handle(engine.create(CreateApi::WinHttpConnect, s, None));
    let reply = engine
        .create_with(CreateApi::WinHttpOpenRequest, c, None, |_, _| {
            Shim::default()
        })
        .expect("create");
    let object = reply.object().expect("created");
    let data = engine.data(object).expect("attached");
    assert_eq!(*data.headers.lock().expect("headers"), ["X-Added: 1"]);
    for h in [handle(Ok(reply)), c, s] {
        engine.close(h).expect("close");
    }
    assert!(engine.wait_quiescent());
    assert!(engine.data(object).is_none(), "handed back at destruction");
}

/// An async websocket on `engine` (upgrade through the engine, completions by hand).
fn websocket(engine: &Engine<TestExecutor>) -> (HandleValue, ObjectId, [HandleValue; 3]) {
    let [s, c, r] = tree(engine, true);
    let call = |api, h| engine.call(api, h, CallArg::None, None).expect("call");
    call(Api::WinHttpSetOption, r);
    let send = call(Api::WinHttpSendRequest, r);
    let (object, op) = (send.object().expect("object"), send.op().expect("pending"));
    engine
        .complete(object, op, Completion::Http { status: Some(101) })
        .expect("sent");
    let receive = call(Api::WinHttpReceiveResponse, r);
    if let Outcome::Pending { object, op, .. } = receive.outcome {
        engine
            .complete(object, op, Completion::Http { status: Some(101) })
            .expect("received");
    }
    let ws = engine
        .create_with(
            CreateApi::WinHttpWebSocketCompleteUpgrade,
            r,
            Some(1),
            |_, _| Shim::default(),
        )
        .expect("upgrade");
    let wso = ws.object().expect("websocket");
    (handle(Ok(ws)), wso, [s, c, r])
}

/// Seam defect 1: a late completion for a websocket receive cancelled by
/// `WinHttpWebSocketClose` is stale, counted, and does not complete the close; the close
/// then completes with its own operation.
#[test]
fn a_late_completion_after_websocket_close_is_stale_and_does_not_complete_the_close() {
    let engine = engine(TestExecutor::default());
    let closes = Arc::new(Mutex::new(0));
    let counter = closes.clone();
    let cb = engine.register_callback(move |_, n| {
        if n.status == winhttp::CLOSE_COMPLETE {
            *counter.lock().expect("count") += 1;
        }
    });
    let (ws, wso, [s, c, r]) = websocket(&engine);
    engine
        .set_status_callback(ws, Some(cb), u32::MAX)
        .expect("callback");
    let receive = engine
        .call(
            Api::WinHttpWebSocketReceive,
            ws,
            CallArg::Buffer(16),
            Some("rx"),
        )
        .expect("receive");
    let receive_op = receive.op().expect("pending");
    let close = engine
        .call(Api::WinHttpWebSocketClose, ws, CallArg::None, None)
        .expect("close");
    assert_eq!(close.ret, Ret::Dword(ERROR_SUCCESS));
    let seen = engine.executor().seen();
    assert!(
        seen.contains(&Seen::Cancel {
            op: receive_op,
            object: wso,
            api: Api::WinHttpWebSocketReceive
        }),
        "{seen:?}"
    );
    let close_op = seen
        .iter()
        .find_map(|s| match s {
            Seen::Start {
                op,
                api: Api::WinHttpWebSocketClose,
                ..
            } => Some(*op),
            _ => None,
        })
        .expect("the close started");
    // The abandoned receive's result arrives late.
    let late = engine
        .complete(
            wso,
            receive_op,
            Completion::WebSocket {
                buffer_type: WsBufferType::BinaryMessage,
                bytes: 42,
            },
        )
        .expect("benign");
    assert_eq!(
        late.outcome,
        Outcome::Stale {
            object: wso,
            op: receive_op
        }
    );
    assert_eq!(engine.stale_completions(), 1);
    assert_eq!(
        *closes.lock().expect("count"),
        0,
        "the stale completion closed nothing"
    );
    engine
        .complete(wso, close_op, Completion::Done)
        .expect("close completes");
    assert_eq!(*closes.lock().expect("count"), 1);
    for h in [ws, r, c, s] {
        engine.close(h).expect("close");
    }
    assert!(engine.wait_quiescent());
    assert!(engine.is_empty());
    let _ = Lane::Receive;
}

/// Objects without a callback are destroyed with the embedder told, data included,
/// exactly once each, and only after the last handle closed.
#[test]
fn the_destroyed_hook_runs_without_a_callback() {
    let engine = engine(TestExecutor::default());
    let [s, c, r] = tree(&engine, true);
    let plain = handle(engine.create(CreateApi::WinHttpOpenRequest, c, None));
    engine.close(s).expect("close");
    assert!(
        !engine
            .executor()
            .seen()
            .iter()
            .any(|s| matches!(s, Seen::Destroyed { .. })),
        "the session lives on while its children do (WinHTTP keeps children)"
    );
    for h in [plain, r, c] {
        engine.close(h).expect("close");
    }
    assert!(engine.wait_quiescent());
    let destroyed: Vec<Seen> = engine
        .executor()
        .seen()
        .into_iter()
        .filter(|s| matches!(s, Seen::Destroyed { .. }))
        .collect();
    assert_eq!(destroyed.len(), 4, "{destroyed:?}");
    assert_eq!(
        destroyed
            .iter()
            .filter(|s| matches!(s, Seen::Destroyed { has_data: true, .. }))
            .count(),
        3,
        "three objects had data, the plain request none"
    );
    assert!(engine.is_empty());
}

/// `wait_quiescent` returns only after a `HANDLE_CLOSING` callback running on another
/// thread has returned; `is_empty` is false until then.
#[test]
fn wait_quiescent_waits_for_a_closing_callback_on_another_thread() {
    let engine = engine(TestExecutor::default());
    let (entered_tx, entered_rx) = mpsc::channel::<()>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (entered_tx, release_rx) = (Mutex::new(entered_tx), Mutex::new(release_rx));
    let cb = engine.register_callback(move |_, n| {
        if n.status == winhttp::HANDLE_CLOSING {
            let _ = entered_tx.lock().expect("tx").send(());
            let _ = release_rx
                .lock()
                .expect("rx")
                .recv_timeout(Duration::from_secs(20));
        }
    });
    let s = handle(engine.open(CreateApi::WinHttpOpen, true));
    engine
        .set_status_callback(s, Some(cb), u32::MAX)
        .expect("callback");
    std::thread::scope(|scope| {
        let closer = scope.spawn(|| engine.close(s));
        entered_rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the closing callback runs");
        assert!(
            engine.inspect(hinternet_core::Machine::is_empty),
            "the machine is empty"
        );
        assert!(
            !engine.is_empty(),
            "but a HANDLE_CLOSING is still being delivered"
        );
        assert!(!engine.is_quiescent());
        release_tx.send(()).expect("release");
        assert!(engine.wait_quiescent());
        assert!(engine.is_empty());
        assert!(closer.join().expect("closer").is_ok());
    });
}

/// Two synchronous calls on one websocket handle (send and receive lanes), blocked at
/// once: each returns its own operation's result.
#[test]
fn two_blocked_sync_calls_on_one_handle_each_get_their_own_result() {
    let engine = engine(TestExecutor::default());
    let [s, c, r] = tree(&engine, false);
    with_completer(&engine, || {
        let call = |api, h| engine.call(api, h, CallArg::None, None).expect("call");
        call(Api::WinHttpSetOption, r);
        assert!(matches!(
            call(Api::WinHttpSendRequest, r).outcome,
            Outcome::Returned { .. }
        ));
        call(Api::WinHttpReceiveResponse, r);
    });
    // The websocket, sync; its two lanes are completed by hand, in reverse order.
    let ws = handle(engine.create(CreateApi::WinHttpWebSocketCompleteUpgrade, r, Some(1)));
    let (tx, rx) = mpsc::channel();
    *engine.executor().completer.lock().expect("completer") = Some(tx);
    std::thread::scope(|scope| {
        let sender =
            scope.spawn(|| engine.call(Api::WinHttpWebSocketSend, ws, CallArg::None, Some("send")));
        let receiver = scope.spawn(|| {
            engine.call(
                Api::WinHttpWebSocketReceive,
                ws,
                CallArg::Buffer(64),
                Some("recv"),
            )
        });
        let mut started: Vec<(ObjectId, OpId, Api)> = (0..2)
            .map(|_| {
                rx.recv_timeout(Duration::from_secs(20))
                    .expect("both start")
            })
            .collect();
        started.sort_by_key(|(_, _, api)| *api != Api::WinHttpWebSocketReceive);
        for (object, op, api) in started {
            let completion = match api {
                Api::WinHttpWebSocketReceive => Completion::WebSocket {
                    buffer_type: WsBufferType::Utf8Message,
                    bytes: 11,
                },
                _ => Completion::Bytes(5),
            };
            engine.complete(object, op, completion).expect("complete");
        }
        let sent = sender.join().expect("sender").expect("send");
        let received = receiver.join().expect("receiver").expect("receive");
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
            matches!(
                received.outcome,
                Outcome::Returned {
                    result: Completion::WebSocket { bytes: 11, .. },
                    ..
                }
            ),
            "{received:?}"
        );
        assert_eq!(sent.ret, Ret::Dword(ERROR_SUCCESS));
    });
    engine.executor().hang_up();
    for h in [ws, r, c, s] {
        engine.close(h).expect("close");
    }
    assert!(engine.wait_quiescent());
    assert!(engine.is_empty());
}

/// A panicking executor is caught and counted; the engine keeps working.
#[test]
fn a_panicking_executor_is_counted_and_the_engine_keeps_working() {
    let engine = engine(TestExecutor {
        panic_on_start: true,
        ..TestExecutor::default()
    });
    let [s, c, r] = tree(&engine, true);
    let reply = engine
        .call(Api::WinHttpSendRequest, r, CallArg::None, None)
        .expect("call");
    let (object, op) = (
        reply.object().expect("object"),
        reply.op().expect("pending"),
    );
    assert_eq!(engine.callback_panics(), 1);
    engine.close(r).expect("close");
    engine
        .complete(object, op, Completion::Http { status: None })
        .expect("complete");
    for h in [c, s] {
        engine.close(h).expect("close");
    }
    assert!(engine.wait_quiescent());
    assert!(engine.is_empty());
}
