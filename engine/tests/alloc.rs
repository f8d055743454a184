//! The engine adds no allocation to a create and a close in the steady state: counted
//! with an instrumented global allocator, an engine create+close pair allocates no more
//! than the bare machine's (step + drain into a sink that keeps nothing), attaching
//! per-object data adds exactly its `Arc`, and a full WinHTTP tree with callbacks
//! allocates no more than the bare machine driving the same tree with callbacks that
//! return at once. One test per binary: the counter is process-wide.

use std::alloc::System;

use hinternet_core::drain::{drain_into, CallbackMode, OutputSink};
use hinternet_core::{
    CallbackId, CreateApi, HandleValue, Input, InputError, Machine, Output, Policy, Reply, Ret,
};
use hinternet_engine::Engine;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const LIVE: usize = 256;
const PAIRS: usize = 2_000;

fn value(reply: Reply) -> HandleValue {
    match reply.ret {
        Ret::Handle(v) => v,
        other => panic!("no handle: {other:?}"),
    }
}

/// A sink that keeps nothing (so the baseline counts the machine's allocations only).
struct Discard;

impl OutputSink for Discard {
    type Error = InputError;
    fn output(&mut self, _: &mut Machine, output: &Output) -> Result<(), InputError> {
        std::hint::black_box(output);
        Ok(())
    }
}

fn machine_step(machine: &mut Machine, input: Input) -> Reply {
    let reply = machine
        .handle_input(input)
        .expect("the machine takes the input");
    drain_into(machine, CallbackMode::ReturnAtOnce, &mut Discard).expect("drains");
    reply
}

/// One WinHTTP session, connect and request with a callback on the session (inherited),
/// closed child first, on the bare machine (`step`) or the engine.
fn tree(mut step: impl FnMut(Input) -> Reply) {
    let session = value(step(Input::Open {
        api: CreateApi::WinHttpOpen,
        async_mode: true,
    }));
    step(Input::SetStatusCallback {
        handle: session,
        callback: Some(CallbackId(0)),
        mask: u32::MAX,
    });
    let connect = value(step(Input::Create {
        api: CreateApi::WinHttpConnect,
        source: session,
        context: None,
    }));
    let request = value(step(Input::Create {
        api: CreateApi::WinHttpOpenRequest,
        source: connect,
        context: None,
    }));
    for handle in [request, connect, session] {
        step(Input::Close { handle });
    }
}

/// Allocations made while running `f`.
fn allocations(f: impl FnOnce()) -> usize {
    let region = Region::new(GLOBAL);
    f();
    region.change().allocations
}

#[test]
fn a_create_and_close_allocate_nothing_beyond_the_machine() {
    let policy = Policy::winhttp();
    let open = Input::Open {
        api: CreateApi::WinHttpOpen,
        async_mode: false,
    };

    let mut machine = Machine::new(policy);
    for _ in 0..LIVE {
        machine_step(&mut machine, open);
    }
    let machine_pairs = |machine: &mut Machine| {
        for _ in 0..PAIRS {
            let h = value(machine_step(machine, open));
            machine_step(machine, Input::Close { handle: h });
        }
    };
    machine_pairs(&mut machine); // warm up
    let by_machine = allocations(|| machine_pairs(&mut machine));

    let engine = Engine::new(policy);
    let live: Vec<HandleValue> = (0..LIVE)
        .map(|_| value(engine.open(CreateApi::WinHttpOpen, false).expect("opens")))
        .collect();
    let engine_pairs = || {
        for _ in 0..PAIRS {
            let h = value(engine.open(CreateApi::WinHttpOpen, false).expect("opens"));
            assert!(engine.close(h).is_ok());
        }
    };
    engine_pairs(); // warm up: spare buffers, the object arrays, the thread-locals
    let by_engine = allocations(engine_pairs);
    assert!(
        by_engine <= by_machine,
        "{PAIRS} engine pairs allocated {by_engine} times, the bare machine's {by_machine}"
    );

    let with_data = || {
        for _ in 0..PAIRS {
            let reply = engine
                .open_with(CreateApi::WinHttpOpen, false, |_, _| ())
                .expect("opens");
            assert!(engine.close(value(reply)).is_ok());
        }
    };
    with_data(); // warm up: the data array is allocated by the first attach
    let by_engine_with_data = allocations(with_data);
    assert!(
        by_engine_with_data <= by_machine + PAIRS,
        "{PAIRS} pairs with data allocated {by_engine_with_data} times, the bare machine's {by_machine} plus one Arc each"
    );
    eprintln!("allocations per {PAIRS} pairs: machine {by_machine}, engine {by_engine}, engine with data {by_engine_with_data}");

    let machine_trees = |machine: &mut Machine| {
        for _ in 0..PAIRS {
            tree(|input| machine_step(machine, input));
        }
    };
    machine_trees(&mut machine);
    let trees_by_machine = allocations(|| machine_trees(&mut machine));
    let callback = engine.register_callback(|_, n| {
        std::hint::black_box(n.status);
    });
    assert_eq!(callback, CallbackId(0), "the trees name callback 0");
    let engine_trees = || {
        for _ in 0..PAIRS {
            tree(|input| engine.apply(input).expect("the engine takes the input"));
        }
    };
    engine_trees();
    let trees_by_engine = allocations(engine_trees);
    eprintln!(
        "allocations per {PAIRS} trees: machine {trees_by_machine}, engine {trees_by_engine}"
    );
    assert!(
        trees_by_engine <= trees_by_machine,
        "{PAIRS} engine trees allocated {trees_by_engine} times, the bare machine's {trees_by_machine}"
    );
    assert_eq!(live.len(), LIVE);
}
