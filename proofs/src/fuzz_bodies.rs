//! The bodies of the fuzz targets. They live in this library, not in `fuzz/`, so that
//! `cargo test` replays the committed corpora through exactly the code libFuzzer runs
//! (`tests/fuzz_corpora.rs`), and the `fuzz/` crate stays a thin shell.
//!
//! Input format, shared by every target: byte 0 picks the policy (preset × value-reuse
//! order), the rest is a sequence of 4-byte ops ([`crate::sequences::decode`]). A body
//! panics — which libFuzzer reports as a crash — when a law or invariant breaks or the
//! machine panics itself.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use hinternet_core::{
    CallbackMode, Driver, Family, HandleValue, Machine, Notification, ObjectId, Output, Policy,
    ValueReuse,
};
use hinternet_engine::{Engine, EngineBuilder, TraceEntry};

use crate::sequences::{decode, plan, policies, run, Op, Planned};

/// The policies a target runs under, optionally restricted to one family.
fn pick_policy(selector: u8, family: Option<Family>) -> Policy {
    let all: Vec<Policy> = policies()
        .into_iter()
        .filter(|p| family.is_none_or(|f| p.family == f))
        .collect();
    all[usize::from(selector) % all.len()]
}

fn sequence(data: &[u8], family: Option<Family>) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let policy = pick_policy(selector, family);
    if let Err(failure) = run(policy, &decode(rest)) {
        panic!("{policy:?}: {}\n{}", failure.error, failure.driver.trace);
    }
}

/// `machine_sequence`: any policy of either family.
pub fn machine_sequence(data: &[u8]) {
    sequence(data, None);
}

/// `winhttp_calls`: call legality and lifecycle from random WinHTTP states.
pub fn winhttp_calls(data: &[u8]) {
    sequence(data, Some(Family::WinHttp));
}

/// `wininet_calls`: call legality and lifecycle from random WinINet states (HTTP, FTP,
/// Gopher).
pub fn wininet_calls(data: &[u8]) {
    sequence(data, Some(Family::WinInet));
}

/// The notifications of a run, per object: the delivered ones in delivery order, and the
/// filtered ones (no callback sees them, so their place among deliveries is not
/// observable) in emission order.
type PerObject = BTreeMap<ObjectId, (Vec<Notification>, Vec<Notification>)>;

fn per_object<'a>(notifications: impl Iterator<Item = &'a Notification>) -> PerObject {
    let mut map = PerObject::new();
    for n in notifications {
        let (delivered, filtered) = map.entry(n.object).or_default();
        if n.callback.is_some() {
            delivered.push(*n);
        } else {
            filtered.push(*n);
        }
    }
    map
}

/// `engine_differential`: the same operations through the thread-safe [`Engine`] (one
/// thread) and through the pure machine under the checking [`Driver`]: every reply (return
/// value, last error, outcome), every object's notification stream and the machine state
/// after each operation must be identical. Closes made from inside callbacks are made by
/// the engine's real callbacks.
pub fn engine_differential(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    // Under WinINet a value is freed when its HANDLE_CLOSING callback returns (law 7).
    // The engine returns callbacks per object, not in the machine's global emission
    // order, so with FIFO or LIFO reuse (where the free order decides the next value) the
    // two may legitimately hand out different values. The order-free reuse policies are
    // compared step for step.
    let comparable: Vec<Policy> = policies()
        .into_iter()
        .filter(|p| !matches!(p.value_reuse, ValueReuse::Fifo | ValueReuse::Lifo))
        .collect();
    let policy = comparable[usize::from(selector) % comparable.len()];
    let mut driver = Driver::with_machine(Machine::new(policy), CallbackMode::ReturnAtOnce);
    let engine = EngineBuilder::new(policy).record(true).build();
    // The engine's callback closes a planned handle from inside the first notification
    // of the planned object, exactly as the driver's callback does.
    let close_plan: Arc<Mutex<Option<(ObjectId, HandleValue)>>> = Arc::default();
    let closed_inside: Arc<Mutex<bool>> = Arc::default();
    // The sequences use callback id 1; register ids 0 and 1.
    for _ in 0..2 {
        let (close_plan, closed_inside) = (Arc::clone(&close_plan), Arc::clone(&closed_inside));
        engine.register_callback(move |engine: &Engine, n: &Notification| {
            let target = {
                let mut plan = close_plan.lock().unwrap_or_else(|e| e.into_inner());
                match *plan {
                    Some((object, handle)) if object == n.object => {
                        *plan = None;
                        Some(handle)
                    }
                    _ => None,
                }
            };
            if let Some(handle) = target {
                *closed_inside.lock().unwrap_or_else(|e| e.into_inner()) = true;
                // Its reply is compared through the machine state below.
                let _ = engine.close(handle);
            }
        });
    }
    for op in decode(rest) {
        if matches!(op, Op::SetCallbackMode { .. } | Op::ReturnCallback { .. }) {
            continue; // callback returns are the engine's own business
        }
        let Some(Planned {
            input,
            close_inside,
        }) = plan(&driver, op)
        else {
            continue;
        };
        // The reference: the pure machine, every law checked.
        let mut done = false;
        let expected = driver.step_with(input, &mut |n| match close_inside {
            Some((object, handle)) if !done && n.object == object => {
                done = true;
                vec![hinternet_core::Input::Close { handle }]
            }
            _ => Vec::new(),
        });
        *close_plan.lock().unwrap_or_else(|e| e.into_inner()) = close_inside;
        *closed_inside.lock().unwrap_or_else(|e| e.into_inner()) = false;
        let got = engine.apply(input);
        *close_plan.lock().unwrap_or_else(|e| e.into_inner()) = None;
        match (&expected, &got) {
            (Ok(want), Ok(have)) => assert_eq!(want, have, "reply to {input:?}"),
            (Err(hinternet_core::DriveError::Input(want)), Err(have)) => {
                assert_eq!(want, have, "input error for {input:?}")
            }
            (Err(hinternet_core::DriveError::Law(v)), _) => {
                panic!("the machine broke a law: {v}\n{}", driver.trace)
            }
            _ => panic!(
                "{input:?}: machine {expected:?}, engine {got:?}\n{}",
                driver.trace
            ),
        }
        let engine_closed = *closed_inside.lock().unwrap_or_else(|e| e.into_inner());
        assert_eq!(
            done, engine_closed,
            "close inside a callback happened on one side only"
        );
        if let (Some((_, handle)), false) = (close_inside, done) {
            let want = driver.step(hinternet_core::Input::Close { handle });
            let have = engine.close(handle);
            assert_eq!(want.ok(), have.ok(), "fallback close of {handle}");
        }
        // Same machine state, same notifications per object.
        let engine_machine = engine.inspect(Machine::clone);
        assert!(
            engine_machine == driver.machine,
            "machine states differ after {input:?}\nengine: {engine_machine:?}\nmachine: {:?}\n{}",
            driver.machine,
            driver.trace
        );
        let want = per_object(driver.take_outputs().iter().filter_map(|o| match o {
            Output::Notify(n) => Some(n),
            _ => None,
        }));
        let trace = engine.take_trace();
        let have = per_object(trace.iter().filter_map(|e| match e {
            TraceEntry::Deliver(n) | TraceEntry::Output(Output::Notify(n)) => Some(n),
            _ => None,
        }));
        assert_eq!(
            want, have,
            "notification streams differ after {input:?}\n{}",
            driver.trace
        );
    }
}

/// A fuzz target body.
pub type FuzzBody = fn(&[u8]);

/// Every target body by name, for the corpus replay test.
pub const TARGETS: &[(&str, FuzzBody)] = &[
    ("machine_sequence", machine_sequence),
    ("winhttp_calls", winhttp_calls),
    ("wininet_calls", wininet_calls),
    ("engine_differential", engine_differential),
];
