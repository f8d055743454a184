//! The compact machine's promise to the engine: once warmed up, creating and closing a
//! handle (and draining what that emits) touches no allocator. Counted by the
//! `allocation-counter` crate's global allocator (allocations made on this thread).

use hinternet_core::{CreateApi, Family, HandleValue, Input, Machine, Outcome, Policy, Service};

fn created(machine: &mut Machine, input: Input) -> HandleValue {
    let reply = machine
        .handle_input(input)
        .expect("an API call always replies");
    while machine.poll_output().is_some() {}
    match reply.outcome {
        Outcome::Created { value, .. } => value,
        other => panic!("{input:?} did not create: {other:?}"),
    }
}

fn close(machine: &mut Machine, handle: HandleValue) {
    let reply = machine
        .handle_input(Input::Close { handle })
        .expect("an API call always replies");
    assert!(
        !reply.is_rejected(),
        "close of {handle} rejected: {reply:?}"
    );
    while machine.poll_output().is_some() {}
}

#[test]
fn create_and_close_touch_no_allocator_in_steady_state() {
    for policy in [Policy::winhttp(), Policy::wininet()] {
        let mut m = Machine::new(policy);
        let (root_api, child_api, context) = match policy.family {
            Family::WinHttp => (CreateApi::WinHttpOpen, CreateApi::WinHttpConnect, None),
            Family::WinInet => (
                CreateApi::InternetOpen,
                CreateApi::InternetConnect(Service::Http),
                Some(1),
            ),
        };
        let root = created(
            &mut m,
            Input::Open {
                api: root_api,
                async_mode: false,
            },
        );
        let child = |m: &mut Machine| {
            created(
                m,
                Input::Create {
                    api: child_api,
                    source: root,
                    context,
                },
            )
        };
        // Some live neighbours, so that the tables are not trivially empty.
        let neighbours: Vec<HandleValue> = (0..8).map(|_| child(&mut m)).collect();
        // Warm up: buffers reach their steady size.
        for _ in 0..16 {
            let h = child(&mut m);
            close(&mut m, h);
        }
        let during = allocation_counter::measure(|| {
            for _ in 0..1_000 {
                let h = child(&mut m);
                close(&mut m, h);
            }
        })
        .count_total;
        assert_eq!(
            during, 0,
            "{:?}: 1,000 create+close pairs allocated {during} times",
            policy.family
        );
        for h in neighbours {
            close(&mut m, h);
        }
        close(&mut m, root);
        assert!(m.is_empty());
    }
}
