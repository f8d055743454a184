//! Shared by the engine's stress test and loom tests: operation histories, a
//! linearizability checker with the pure machine as the sequential specification, and
//! the law check of a recorded engine trace.
//!
//! Under `--cfg loom` the history clock is a loom atomic, so loom permutes it with the
//! engine's own accesses; otherwise it is std's.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};

use hinternet_core::{
    drain, handle_closing, CreateApi, HandleKind, HandleValue, Input, InputError, LawMonitor,
    Machine, ObjectId, Output, Policy, Reply, Ret,
};
use hinternet_engine::{Engine, Executor, TraceEntry};

#[cfg(loom)]
use loom::sync::{
    atomic::{AtomicU64, Ordering},
    Mutex,
};
#[cfg(not(loom))]
use std::sync::{
    atomic::{AtomicU64, Ordering},
    Mutex,
};

/// One operation of a history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// An input applied through [`Engine::apply`].
    Apply(Input),
    /// [`Engine::pin`] of a value (held only for the operation).
    Pin(HandleValue),
}

/// What an operation returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Res {
    /// The reply of an input.
    Reply(Result<Reply, InputError>),
    /// The object and kind a pin found, or `None`.
    Pin(Option<(ObjectId, HandleKind)>),
}

/// One completed operation with its invocation and response times.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The recording thread.
    pub thread: usize,
    /// The operation.
    pub op: Op,
    /// Its result.
    pub res: Res,
    /// Clock value at invocation.
    pub call: u64,
    /// Clock value at response.
    pub ret: u64,
}

/// Records a concurrent history.
pub struct History {
    clock: AtomicU64,
    entries: Mutex<Vec<Entry>>,
}

impl Default for History {
    fn default() -> Self {
        History {
            clock: AtomicU64::new(0),
            entries: Mutex::new(Vec::new()),
        }
    }
}

impl History {
    /// Run `op` on `engine` from `thread`, recording it.
    pub fn run(&self, engine: &Engine, thread: usize, op: Op) -> Res {
        let call = self.clock.fetch_add(1, Ordering::SeqCst);
        let res = execute(engine, op);
        let ret = self.clock.fetch_add(1, Ordering::SeqCst);
        self.entries.lock().expect("history lock").push(Entry {
            thread,
            op,
            res: res.clone(),
            call,
            ret,
        });
        res
    }

    /// The recorded entries.
    pub fn entries(&self) -> Vec<Entry> {
        self.entries.lock().expect("history lock").clone()
    }
}

/// Apply `op` to the engine.
pub fn execute(engine: &Engine, op: Op) -> Res {
    match op {
        Op::Apply(input) => Res::Reply(engine.apply(input)),
        Op::Pin(value) => Res::Pin(engine.pin(value).map(|p| (p.object(), p.kind()))),
    }
}

/// Apply `op` to the sequential specification.
pub fn specify(machine: &mut Machine, op: Op) -> Res {
    match op {
        Op::Apply(input) => {
            let reply = machine.handle_input(input);
            // No callbacks in linearizability histories: outputs only need draining.
            let drained = drain(machine, |_, _| {});
            debug_assert!(drained.is_ok());
            Res::Reply(reply)
        }
        Op::Pin(value) => Res::Pin(
            machine
                .resolve(value)
                .and_then(|id| machine.object(id).map(|o| (id, o.kind()))),
        ),
    }
}

/// Search for a sequential order of `history`, consistent with its real-time order,
/// in which the machine starting at `start` reproduces every result.
pub fn check_linearizable(start: &Machine, history: &[Entry]) -> Result<Vec<usize>, String> {
    assert!(history.len() <= 32, "histories are kept small");
    let all: u32 = if history.len() == 32 {
        u32::MAX
    } else {
        (1u32 << history.len()) - 1
    };
    let mut failed: HashSet<(u32, Machine)> = HashSet::new();
    let mut order = Vec::new();
    if search(start, history, all, &mut failed, &mut order) {
        order.reverse();
        Ok(order)
    } else {
        let mut sorted = history.to_vec();
        sorted.sort_by_key(|e| e.call);
        Err(format!(
            "no linearization of this history:\n{}",
            sorted
                .iter()
                .map(|e| format!(
                    "  t{} [{:>3},{:>3}] {:?} -> {:?}",
                    e.thread, e.call, e.ret, e.op, e.res
                ))
                .collect::<Vec<_>>()
                .join("\n")
        ))
    }
}

fn search(
    machine: &Machine,
    history: &[Entry],
    remaining: u32,
    failed: &mut HashSet<(u32, Machine)>,
    order: &mut Vec<usize>,
) -> bool {
    if remaining == 0 {
        return true;
    }
    if failed.contains(&(remaining, machine.clone())) {
        return false;
    }
    let pending = |i: usize| remaining & (1 << i) != 0;
    for (i, e) in history.iter().enumerate() {
        if !pending(i) {
            continue;
        }
        // Minimal in real-time order: no pending operation returned before it began.
        let blocked = history
            .iter()
            .enumerate()
            .any(|(j, f)| j != i && pending(j) && f.ret < e.call);
        if blocked {
            continue;
        }
        let mut next = machine.clone();
        if specify(&mut next, e.op) != e.res {
            continue;
        }
        if search(&next, history, remaining & !(1 << i), failed, order) {
            order.push(i);
            return true;
        }
    }
    failed.insert((remaining, machine.clone()));
    false
}

/// Check a recorded engine trace with the law monitor, then the final state: every
/// object created and closed got exactly one `HANDLE_CLOSING`, and the machine is empty
/// when every handle was closed. Returns the number of `HANDLE_CLOSING`s per object.
pub fn check_trace<X: Executor>(
    policy: &Policy,
    trace: &[TraceEntry],
    engine: &Engine<X>,
) -> Result<BTreeMap<ObjectId, usize>, String> {
    let mut monitor = LawMonitor::new(policy);
    let closing = handle_closing(policy.family);
    let mut closings: BTreeMap<ObjectId, usize> = BTreeMap::new();
    let mut created = Vec::new();
    for event in trace {
        let checked = match event {
            TraceEntry::Step { input, reply } => {
                if let Some(object) = created_object(reply) {
                    created.push(object);
                }
                monitor.on_input(input, reply)
            }
            TraceEntry::Output(o) => {
                if let Output::Notify(n) = o {
                    if n.status == closing {
                        *closings.entry(n.object).or_default() += 1;
                    }
                }
                monitor.on_output(o)
            }
            TraceEntry::Deliver(n) => {
                if n.status == closing {
                    *closings.entry(n.object).or_default() += 1;
                }
                monitor.on_output(&Output::Notify(*n))
            }
        };
        checked.map_err(|v| format!("{v}\ntrace:\n{trace:#?}"))?;
    }
    engine
        .inspect(|m| {
            hinternet_core::check_invariants(m)?;
            monitor.on_quiescent(m)
        })
        .map_err(|v| format!("{v}\ntrace:\n{trace:#?}"))?;
    if !engine.is_quiescent() {
        return Err(format!(
            "every thread finished but the engine is not quiescent: {trace:#?}"
        ));
    }
    if monitor.all_closed() {
        if !engine.inspect(Machine::is_empty) {
            return Err(format!(
                "every handle closed but the machine is not empty: {trace:#?}"
            ));
        }
        for object in &created {
            if closings.get(object) != Some(&1) {
                return Err(format!(
                    "object {object} got {:?} HANDLE_CLOSING(s)\ntrace:\n{trace:#?}",
                    closings.get(object)
                ));
            }
        }
    }
    if let Some((object, n)) = closings.iter().find(|(_, &n)| n > 1) {
        return Err(format!("object {object} got {n} HANDLE_CLOSINGs"));
    }
    Ok(closings)
}

fn created_object(reply: &Reply) -> Option<ObjectId> {
    match reply.outcome {
        hinternet_core::Outcome::Created { object, .. } => Some(object),
        _ => None,
    }
}

/// The handle a reply returned (panics when it returned none: test set-up only).
pub fn handle_of(reply: Result<Reply, InputError>) -> HandleValue {
    match reply {
        Ok(Reply {
            ret: Ret::Handle(v),
            ..
        }) if !v.is_null() => v,
        other => panic!("set-up expected a handle, got {other:?}"),
    }
}

/// A WinHTTP tree: (session, connect, request) values.
pub fn winhttp_tree<X: Executor>(
    engine: &Engine<X>,
    async_mode: bool,
) -> (HandleValue, HandleValue, HandleValue) {
    let session = handle_of(engine.open(CreateApi::WinHttpOpen, async_mode));
    let connect = handle_of(engine.create(CreateApi::WinHttpConnect, session, None));
    let request = handle_of(engine.create(CreateApi::WinHttpOpenRequest, connect, None));
    (session, connect, request)
}
