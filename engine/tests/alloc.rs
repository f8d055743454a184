//! The engine adds no allocation to a create and a close in the steady state: counted
//! with an instrumented global allocator, an engine create+close pair allocates no more
//! than the bare machine's (step + drain), and attaching per-object data adds exactly
//! its `Arc`. One test per binary: the counter is process-wide.

use std::alloc::System;

use hinternet_core::{drain, CreateApi, HandleValue, Input, Machine, Policy, Reply, Ret};
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

fn machine_step(machine: &mut Machine, input: Input) -> Reply {
    let reply = machine
        .handle_input(input)
        .expect("the machine takes the input");
    drain(machine, |_, _| {}).expect("drains");
    reply
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
    assert_eq!(live.len(), LIVE);
}
