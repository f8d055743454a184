//! Single-threaded checks of the engine; the races are in `proofs/` (loom and stress).

use std::sync::{Arc, Mutex as StdMutex};

use super::*;
use hinternet_core::{check_invariants, CallArg, LawMonitor, Output};
use hinternet_core::{handle_closing, winhttp, Policy, Ret, Shape, API_TABLE, HIERARCHY};

fn handle(reply: Result<Reply, InputError>) -> HandleValue {
    match reply.expect("accepted input").ret {
        Ret::Handle(v) if !v.is_null() => v,
        other => panic!("expected a handle, got {other:?}"),
    }
}

/// Feed the trace to a fresh monitor, as the loom tests do.
fn check_trace(policy: &Policy, trace: &[TraceEntry]) {
    let mut monitor = LawMonitor::new(policy);
    for event in trace {
        match event {
            TraceEntry::Step { input, reply } => monitor.on_input(input, reply),
            TraceEntry::Output(o) => monitor.on_output(o),
            TraceEntry::Deliver(n) => monitor.on_output(&Output::Notify(*n)),
        }
        .unwrap_or_else(|v| panic!("{v} in {trace:#?}"));
    }
}

#[test]
fn tree_with_callbacks_closes_every_object_once() {
    let policy = Policy::winhttp();
    let engine = EngineBuilder::new(policy).record(true).build();
    let seen = Arc::new(StdMutex::new(Vec::new()));
    let log = seen.clone();
    let cb = engine.register_callback(move |_, n| log.lock().expect("log").push(n.status));
    let session = handle(engine.open(CreateApi::WinHttpOpen, true));
    engine
        .set_status_callback(session, Some(cb), u32::MAX)
        .expect("set callback");
    let connect = handle(engine.create(CreateApi::WinHttpConnect, session, None));
    let request = handle(engine.create(CreateApi::WinHttpOpenRequest, connect, None));
    for h in [request, connect, session] {
        let reply = engine.close(h).expect("close");
        assert_eq!(reply.ret, Ret::Bool(true));
    }
    let closings = seen
        .lock()
        .expect("log")
        .iter()
        .filter(|&&s| s == winhttp::HANDLE_CLOSING)
        .count();
    assert_eq!(closings, 3);
    assert!(engine.is_empty());
    check_trace(&policy, &engine.take_trace());
}

#[test]
fn close_inside_callback_is_delivered_after_it_returns() {
    let policy = Policy::winhttp();
    let engine = EngineBuilder::new(policy).record(true).build();
    let inside = Arc::new(StdMutex::new(false));
    let order = Arc::new(StdMutex::new(Vec::new()));
    let (flag, log) = (inside.clone(), order.clone());
    let cb = engine.register_callback(move |engine, n| {
        log.lock().expect("log").push(n.status);
        if n.status == winhttp::HANDLE_CREATED {
            *flag.lock().expect("flag") = true;
            // Close the new handle from inside the callback it was announced in.
            if let Info::Handle(h) = n.info {
                let reply = engine.close(h).expect("close");
                assert_eq!(reply.ret, Ret::Bool(true));
            }
            *flag.lock().expect("flag") = false;
        } else {
            assert!(!*flag.lock().expect("flag"), "delivered re-entrantly");
        }
    });
    let session = handle(engine.open(CreateApi::WinHttpOpen, true));
    engine
        .set_status_callback(session, Some(cb), u32::MAX)
        .expect("set callback");
    let connect = handle(engine.create(CreateApi::WinHttpConnect, session, None));
    assert!(engine.pin(connect).is_none(), "closed inside the callback");
    let statuses = order.lock().expect("log").clone();
    assert_eq!(
        statuses,
        [winhttp::HANDLE_CREATED, winhttp::HANDLE_CLOSING],
        "created, then the closing only after that callback returned"
    );
    engine.close(session).expect("close");
    check_trace(&policy, &engine.take_trace());
    assert!(engine.is_empty());
}

use hinternet_core::Info;

#[test]
fn a_panicking_callback_counts_as_returned() {
    let policy = Policy::winhttp();
    let engine = EngineBuilder::new(policy).record(true).build();
    let cb = engine.register_callback(|_, n| {
        if n.status == winhttp::HANDLE_CREATED {
            panic!("callback bug");
        }
    });
    let session = handle(engine.open(CreateApi::WinHttpOpen, true));
    engine
        .set_status_callback(session, Some(cb), u32::MAX)
        .expect("set callback");
    let connect = handle(engine.create(CreateApi::WinHttpConnect, session, None));
    assert_eq!(engine.callback_panics(), 1);
    engine.close(connect).expect("close");
    engine.close(session).expect("close");
    assert!(engine.is_empty(), "the panic leaked no hold");
    check_trace(&policy, &engine.take_trace());
}

#[test]
fn pins_follow_the_machine() {
    for (name, policy) in Policy::PRESETS {
        let policy = policy.with_max_handles(16);
        let engine = Engine::new(policy);
        let root_api = HIERARCHY
            .iter()
            .find(|r| r.api.is_root() && r.api.family() == policy.family)
            .map(|r| r.api)
            .expect("a root creator");
        let root = handle(engine.open(root_api, false));
        let pin = engine.pin(root).expect("live");
        assert_eq!(Some(pin.object()), engine.inspect(|m| m.resolve(root)));
        assert!(pin.is_intact());
        engine.close(root).expect("close");
        assert!(pin.is_intact(), "{name}: a pinned slot is not recycled");
        assert!(engine.pin(root).is_none(), "{name}: closed");
        drop(pin);
        // The slot comes back and the value is reissued to a new object.
        let again = handle(engine.open(root_api, false));
        let pin = engine.pin(again).expect("live");
        assert_eq!(Some(pin.object()), engine.inspect(|m| m.resolve(again)));
        assert!(engine.pin(HandleValue::NULL).is_none());
        assert!(engine.pin(HandleValue(1000)).is_none());
    }
}

#[test]
fn strict_and_monotonic_values_beyond_the_map_still_pin() {
    use hinternet_core::ValueReuse;
    for reuse in [ValueReuse::Monotonic, ValueReuse::Strict] {
        let policy = Policy::winhttp().with_reuse(reuse).with_max_handles(2);
        let engine = Engine::new(policy);
        let keep = handle(engine.open(CreateApi::WinHttpOpen, false));
        for _ in 0..5 {
            let h = handle(engine.open(CreateApi::WinHttpOpen, false));
            let pinned = engine.pin(h).map(|p| p.object());
            assert_eq!(pinned, engine.inspect(|m| m.resolve(h)), "{reuse:?}");
            engine.close(h).expect("close");
            assert!(engine.pin(h).is_none(), "{reuse:?}");
            assert!(engine.pin(keep).is_some(), "{reuse:?}");
        }
    }
}

#[test]
fn immediate_calls_answer_as_the_machine() {
    for (_, policy) in Policy::PRESETS {
        for rule in API_TABLE.iter().filter(|r| r.api.family() == policy.family) {
            if !matches!(rule.shape, Shape::Immediate) {
                continue;
            }
            for create in HIERARCHY.iter().filter(|r| r.api.family() == policy.family) {
                // Build the kind `create` makes, along its chain, in both the engine and
                // a machine, then compare the immediate call's replies.
                let Some(chain) = chain_to(create.api) else {
                    continue;
                };
                let engine = Engine::new(policy);
                let mut machine = Machine::new(policy);
                let mut last = (HandleValue::NULL, HandleValue::NULL);
                for api in chain {
                    let input = if api.is_root() {
                        Input::Open {
                            api,
                            async_mode: false,
                        }
                    } else {
                        Input::Create {
                            api,
                            source: last.0,
                            context: Some(1),
                        }
                    };
                    let a = handle(engine.apply(input));
                    let b = handle(machine.handle_input(input));
                    hinternet_core::drain(&mut machine, |_, _| {}).expect("drain");
                    last = (a, b);
                }
                assert_eq!(last.0, last.1);
                let input = Input::Call {
                    arg: CallArg::None,
                    api: rule.api,
                    handle: last.0,
                };
                assert_eq!(
                    engine.apply(input),
                    machine.handle_input(input),
                    "{input:?}"
                );
            }
        }
    }
}

/// The creating functions from a root down to `api`.
fn chain_to(api: CreateApi) -> Option<Vec<CreateApi>> {
    let rule = api.rule();
    if api.is_root() {
        return Some(vec![api]);
    }
    let source = rule.source.first()?;
    let maker = HIERARCHY.iter().find(|r| r.child == *source)?.api;
    let mut chain = chain_to(maker)?;
    chain.push(api);
    Some(chain)
}

#[test]
fn cascade_close_invalidates_the_subtree_in_the_table() {
    let policy = Policy::wininet().with_max_handles(16);
    let engine = EngineBuilder::new(policy).record(true).build();
    let root = handle(engine.open(CreateApi::InternetOpen, false));
    let connect = handle(engine.create(
        CreateApi::InternetConnect(hinternet_core::Service::Http),
        root,
        Some(1),
    ));
    let request = handle(engine.create(CreateApi::HttpOpenRequest, connect, Some(2)));
    let pinned = engine.pin(request).expect("live");
    engine.close(root).expect("close");
    for h in [root, connect, request] {
        assert!(engine.pin(h).is_none(), "{h} invalidated by the cascade");
    }
    assert!(pinned.is_intact());
    drop(pinned);
    check_trace(&policy, &engine.take_trace());
    assert!(engine.inspect(|m| m.is_empty() && check_invariants(m).is_ok()));
    assert_eq!(
        handle_closing(policy.family),
        hinternet_core::wininet::HANDLE_CLOSING
    );
}
