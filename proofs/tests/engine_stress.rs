//! The engine under real threads: histories recorded from 3 threads racing on one small
//! handle tree are checked for linearizability against the pure machine, and recorded
//! traces (with callbacks that close handles from inside) against the laws. Bounded
//! iterations, no timing.

#![cfg(not(loom))]

mod engine_support;

use std::sync::Barrier;

use engine_support::{check_linearizable, check_trace, handle_of, History, Op, Res};
use hinternet_core::{
    CallArg, CreateApi, Family, HandleValue, Info, Input, Policy, Service, Shape, API_TABLE,
};
use hinternet_engine::{Engine, EngineBuilder};

/// A small deterministic generator (xorshift64*), so failures replay.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// (root creator, child creator, grandchild creator) of a family.
fn creators(family: Family) -> [CreateApi; 3] {
    match family {
        Family::WinHttp => [
            CreateApi::WinHttpOpen,
            CreateApi::WinHttpConnect,
            CreateApi::WinHttpOpenRequest,
        ],
        Family::WinInet => [
            CreateApi::InternetOpen,
            CreateApi::InternetConnect(Service::Http),
            CreateApi::HttpOpenRequest,
        ],
    }
}

fn tree(engine: &Engine, family: Family) -> [HandleValue; 3] {
    let [root, child, grandchild] = creators(family);
    let r = handle_of(engine.open(root, false));
    let c = handle_of(engine.create(child, r, Some(1)));
    let g = handle_of(engine.create(grandchild, c, Some(2)));
    [r, c, g]
}

/// One random operation over the values 1..=5 (some not issued yet, some reissued).
fn random_op(rng: &mut Rng, family: Family, values: [HandleValue; 3]) -> Op {
    let [root, child, grandchild] = creators(family);
    let any = HandleValue(1 + rng.below(5) as u32);
    let immediate = API_TABLE
        .iter()
        .find(|r| {
            r.api.family() == family
                && matches!(r.shape, Shape::Immediate)
                && r.api.accepts(
                    hinternet_core::HandleKind::ALL[if family == Family::WinHttp { 2 } else { 9 }],
                )
        })
        .map(|r| r.api)
        .expect("an immediate function on requests");
    match rng.below(9) {
        0 | 1 => Op::Pin(any),
        2 | 3 => Op::Apply(Input::Close { handle: any }),
        4 => Op::Apply(Input::Create {
            api: child,
            source: values[0],
            context: Some(3),
        }),
        5 => Op::Apply(Input::Create {
            api: grandchild,
            source: any,
            context: Some(4),
        }),
        6 => Op::Apply(Input::Open {
            api: root,
            async_mode: false,
        }),
        7 => Op::Apply(Input::Call {
            arg: CallArg::None,
            api: immediate,
            handle: any,
        }),
        _ => Op::Apply(Input::SetContext {
            handle: values[2],
            context: rng.next() % 4,
        }),
    }
}

#[test]
fn three_thread_histories_linearize_to_the_machine() {
    let policies = [
        Policy::winhttp(),
        Policy::winhttp_documented(),
        Policy::wininet(),
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut checked_ops = 0;
    let mut overlapping = 0;
    for round in 0..300 {
        let policy = policies[round % policies.len()].with_max_handles(16);
        let engine = Engine::new(policy);
        let values = tree(&engine, policy.family);
        let start = engine.inspect(Clone::clone);
        let scripts: Vec<Vec<Op>> = (0..3)
            .map(|_| {
                (0..5)
                    .map(|_| random_op(&mut rng, policy.family, values))
                    .collect()
            })
            .collect();
        let history = History::default();
        let barrier = Barrier::new(3);
        std::thread::scope(|s| {
            for (thread, script) in scripts.iter().enumerate() {
                let (engine, history, barrier) = (&engine, &history, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    for &op in script {
                        history.run(engine, thread, op);
                    }
                });
            }
        });
        let entries = history.entries();
        overlapping += entries
            .iter()
            .filter(|e| {
                entries
                    .iter()
                    .any(|f| f.thread != e.thread && f.call < e.ret && e.call < f.ret)
            })
            .count();
        checked_ops += entries.len();
        if let Err(e) = check_linearizable(&start, &entries) {
            panic!("round {round} under {policy:?}: {e}");
        }
    }
    assert_eq!(checked_ops, 300 * 15);
    // How many operations overlapped another thread's depends on the scheduler, so it is
    // reported, not asserted (the loom models cover the interleavings exhaustively).
    eprintln!("{overlapping} of {checked_ops} operations overlapped another thread's");
}

#[test]
fn the_checker_rejects_a_wrong_history() {
    // A pin that saw the root live after its close returned, in real-time order.
    let policy = Policy::winhttp();
    let engine = Engine::new(policy);
    let root = handle_of(engine.open(CreateApi::WinHttpOpen, false));
    let start = engine.inspect(Clone::clone);
    let pin = engine.pin(root).map(|p| (p.object(), p.kind()));
    let history = History::default();
    history.run(&engine, 0, Op::Apply(Input::Close { handle: root }));
    let mut entries = history.entries();
    entries.push(engine_support::Entry {
        thread: 1,
        op: Op::Pin(root),
        res: Res::Pin(pin),
        call: 10,
        ret: 11,
    });
    assert!(check_linearizable(&start, &entries).is_err());
    entries[1].call = 0;
    assert!(
        check_linearizable(&start, &entries).is_ok(),
        "overlapping, the pin may come first"
    );
}

#[test]
fn racing_closes_and_callbacks_keep_the_laws() {
    for round in 0..200u64 {
        // WinHTTP observed (children survive) and documented (cascade), and WinINet,
        // whose closed values stay reserved until their HANDLE_CLOSING callback returned
        // (law 7; see the engine docs, "Reserved values and delayed delivery").
        let policy = match round % 3 {
            0 => Policy::winhttp(),
            1 => Policy::winhttp_documented(),
            _ => Policy::wininet(),
        }
        .with_max_handles(32);
        let engine = EngineBuilder::new(policy).record(true).build();
        let family = policy.family;
        // The callback closes every third handle it sees created, from inside.
        let cb = engine.register_callback(move |engine, n| {
            if n.status == hinternet_core::handle_created(family) {
                if let Info::Handle(h) = n.info {
                    if h.0 % 3 == 0 {
                        let closed = engine.close(h);
                        assert!(closed.is_ok());
                    }
                }
            }
        });
        let [root_api, child_api, grandchild_api] = creators(family);
        let root = handle_of(engine.open(root_api, true));
        let set = engine.set_status_callback(root, Some(cb), u32::MAX);
        assert!(set.is_ok());
        // A non-zero context, so WinINet filters nothing out: every notification is
        // delivered and recorded in delivery order (filtered ones are recorded when
        // drained, which orders them only against the machine's steps).
        let ctx = engine.apply(Input::SetContext {
            handle: root,
            context: 9,
        });
        assert!(ctx.is_ok());
        let barrier = Barrier::new(2);
        std::thread::scope(|s| {
            for t in 0..2u64 {
                let (engine, barrier) = (&engine, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    for i in 0..4u64 {
                        let Ok(reply) = engine.create(child_api, root, Some(1 + t)) else {
                            continue;
                        };
                        if let hinternet_core::Ret::Handle(c) = reply.ret {
                            let _ = engine.create(grandchild_api, c, Some(5));
                            if (i + t + round) % 2 == 0 {
                                let _ = engine.close(c);
                            }
                        }
                        let _ = engine.close(HandleValue(2 + ((i + t) % 4) as u32));
                    }
                });
            }
        });
        // Close whatever is left, then check the whole trace.
        for v in 1..=32 {
            let _ = engine.close(HandleValue(v));
        }
        let trace = engine.take_trace();
        if let Err(e) = check_trace(&policy, &trace, &engine) {
            panic!("round {round}: {e}");
        }
        // Every delivery is done when the threads are: empty means no live object and
        // no HANDLE_CLOSING still being delivered.
        assert!(engine.is_quiescent());
        assert!(engine.is_empty());
    }
}
