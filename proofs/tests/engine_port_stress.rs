//! The executor port under real threads: application threads make synchronous and
//! asynchronous calls (some from inside callbacks) and close handles while a network
//! thread completes every started operation — some twice, so late completions arrive
//! for finished or cancelled operations. Each round checks the recorded trace against
//! the laws, that every blocked call returned, that late completions were answered as
//! stale (never completing another operation), and that the engine ends quiescent and
//! empty. Bounded rounds; every wait bounded.

#![cfg(not(loom))]

mod engine_support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use engine_support::{check_trace, handle_of};
use hinternet_core::{
    Api, CallArg, Completion, CreateApi, HandleValue, Info, ObjectId, OpId, Outcome, Policy,
    WsBufferType,
};
use hinternet_engine::{Cancel, Engine, EngineBuilder, Executor, Start};

/// Forwards every start to the network thread.
#[derive(Default)]
struct Net {
    to_network: Mutex<Option<mpsc::Sender<(ObjectId, OpId, Api)>>>,
}

impl Executor for Net {
    type Object = ObjectId;
    type Call = u32;

    fn start(&self, _engine: &Engine<Self>, io: Start<Self>) {
        if let Some(tx) = self.to_network.lock().expect("network").as_ref() {
            // The network thread outlives every start of the round.
            let _ = tx.send((io.object, io.op, io.api));
        }
    }

    fn cancel(&self, _engine: &Engine<Self>, _io: Cancel<Self>) {}
}

fn completion(api: Api) -> Completion {
    match api {
        Api::WinHttpSendRequest | Api::WinHttpReceiveResponse => {
            Completion::Http { status: Some(200) }
        }
        Api::WinHttpWebSocketReceive => Completion::WebSocket {
            buffer_type: WsBufferType::BinaryMessage,
            bytes: 1,
        },
        _ => Completion::Bytes(1),
    }
}

#[test]
fn sync_and_async_calls_with_a_network_thread_keep_the_laws() {
    let mut stale_total = 0;
    for round in 0..60u64 {
        let policy = Policy::winhttp().with_max_handles(32);
        let engine = EngineBuilder::new(policy)
            .executor(Net::default())
            .record(true)
            .build();
        let async_mode = round % 2 == 1;
        // The callback sends a request from inside its HANDLE_CREATED (sync sessions:
        // the call blocks inside the callback until the network completes it).
        let cb = engine.register_callback(move |engine: &Engine<Net>, n| {
            if n.status == hinternet_core::winhttp::HANDLE_CREATED {
                if let Info::Handle(h) = n.info {
                    let is_request = engine
                        .pin(h)
                        .is_some_and(|p| p.kind() == hinternet_core::HandleKind::WinHttpRequest);
                    if is_request && h.0.is_multiple_of(2) {
                        let _ = engine.call(Api::WinHttpSendRequest, h, CallArg::None, Some(1));
                    }
                }
            }
        });
        let session = handle_of(engine.open(CreateApi::WinHttpOpen, async_mode));
        assert!(engine
            .set_status_callback(session, Some(cb), u32::MAX)
            .is_ok());
        let connect = handle_of(engine.create(CreateApi::WinHttpConnect, session, None));
        let (tx, rx) = mpsc::channel();
        *engine.executor().to_network.lock().expect("network") = Some(tx);
        let stale_seen = Arc::new(Mutex::new(0u64));
        let barrier = Barrier::new(2);
        let done = AtomicBool::new(false);
        std::thread::scope(|s| {
            let (engine, stale_seen, done) = (&engine, stale_seen.clone(), &done);
            s.spawn(move || {
                // Complete every start; every third one twice (the second is late).
                // Runs until the application side is done and nothing arrived for a
                // while (a start can only come from an application thread or from one
                // of this thread's own completions, sent before it returns).
                let mut n = 0u64;
                let deadline = Instant::now() + Duration::from_secs(60);
                loop {
                    assert!(
                        Instant::now() < deadline,
                        "round {round}: the network ran too long"
                    );
                    let (object, op, api) = match rx.recv_timeout(Duration::from_millis(20)) {
                        Ok(start) => start,
                        Err(mpsc::RecvTimeoutError::Timeout) if !done.load(Ordering::SeqCst) => {
                            continue
                        }
                        Err(_) => break,
                    };
                    let first = engine.complete(object, op, completion(api));
                    assert!(first.is_ok(), "{op}: {first:?}");
                    n += 1;
                    if (n + round).is_multiple_of(3) {
                        let late = engine.complete(object, op, completion(api));
                        match late {
                            Ok(r) if matches!(r.outcome, Outcome::Stale { .. }) => {
                                *stale_seen.lock().expect("stale") += 1;
                            }
                            // Handed to the caller still blocked on it: applied there.
                            Ok(r) if r.outcome == Outcome::Event => {}
                            other => panic!("a late completion of {op}: {other:?}"),
                        }
                    }
                }
            });
            std::thread::scope(|apps| {
                for t in 0..2u64 {
                    let barrier = &barrier;
                    apps.spawn(move || {
                        barrier.wait();
                        for i in 0..3u64 {
                            let Ok(reply) = engine.create_with(
                                CreateApi::WinHttpOpenRequest,
                                connect,
                                None,
                                |object, _| object,
                            ) else {
                                continue;
                            };
                            let hinternet_core::Ret::Handle(r) = reply.ret else {
                                continue;
                            };
                            for api in [Api::WinHttpSendRequest, Api::WinHttpReceiveResponse] {
                                let _ = engine.call(api, r, CallArg::None, Some(2));
                            }
                            let read = CallArg::Buffer(8);
                            let _ = engine.call(Api::WinHttpReadData, r, read, Some(3));
                            if (i + t + round).is_multiple_of(2) {
                                let _ = engine.close(r);
                            }
                        }
                    });
                }
            });
            // The application threads are done: close what is left, then let the network
            // thread end once it has completed everything started.
            for v in (1..=32).rev() {
                let _ = engine.close(HandleValue(v));
            }
            done.store(true, Ordering::SeqCst);
        });
        assert!(engine.wait_quiescent());
        let trace = engine.take_trace();
        if let Err(e) = check_trace(&policy, &trace, &engine) {
            panic!("round {round}: {e}");
        }
        assert!(engine.is_empty(), "round {round}");
        assert_eq!(engine.refused_handoffs(), 0, "round {round}");
        let stale = *stale_seen.lock().expect("stale");
        assert!(
            engine.stale_completions() >= stale,
            "round {round}: every stale answer was counted"
        );
        stale_total += engine.stale_completions();
    }
    assert!(stale_total > 0, "late completions were exercised");
}
