//! The laws hold with the protocol inputs included: random sequences of calls (with
//! every protocol argument), creations, closes, completions and protocol events, under
//! every policy preset, through the checked driver (laws 1–12, law 8 by state
//! comparison, structural invariants after every step), then a wind-down that must
//! leave the machine empty (law 11).

use hinternet_core::{
    Api, CallArg, CallbackId, Completion, CreateApi, DriveError, Driver, HandleValue, Input, Lane,
    Machine, ObjectId, Policy, ProtocolEvent, WsBufferType, HIERARCHY,
};
use proptest::prelude::*;

#[derive(Clone, Copy, Debug)]
enum Step {
    Open(bool),
    Create(u8, u8),
    Call(u8, u8, u8),
    Close(u8),
    Callback(u8),
    Complete(u8, bool),
    Event(u8, u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => any::<bool>().prop_map(Step::Open),
        4 => (any::<u8>(), any::<u8>()).prop_map(|(a, h)| Step::Create(a, h)),
        8 => (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(a, h, x)| Step::Call(a, h, x)),
        1 => any::<u8>().prop_map(Step::Close),
        1 => any::<u8>().prop_map(Step::Callback),
        5 => (any::<u8>(), any::<bool>()).prop_map(|(q, ok)| Step::Complete(q, ok)),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(o, e)| Step::Event(o, e)),
    ]
}

fn pick<T: Copy>(items: &[T], i: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[usize::from(i) % items.len()])
}

fn arg(x: u8) -> CallArg {
    use hinternet_core::{winhttp as wh, wininet as wi};
    const OPTIONS: [u32; 7] = [
        wh::OPTION_CONNECTION_INFO,
        wi::OPTION_CALLBACK,
        wi::OPTION_REQUEST_FLAGS,
        wi::OPTION_SECURITY_CERTIFICATE,
        wi::OPTION_REFRESH,
        wi::OPTION_USER_AGENT,
        wi::OPTION_SERVER_CERT_CHAIN_CONTEXT,
    ];
    const LEVELS: [u32; 5] = [
        wh::QUERY_MAX + 1,
        wh::QUERY_REQUEST_METHOD,
        wh::QUERY_FLAG_REQUEST_HEADERS | 1,
        wi::QUERY_STATUS_TEXT,
        wi::QUERY_STATUS_CODE,
    ];
    let i = usize::from(x / 12);
    match x % 12 {
        0..=2 => CallArg::None,
        3 => CallArg::BodyToWrite,
        4 => CallArg::RequestHeaders,
        5 | 6 => CallArg::Option(OPTIONS[i % OPTIONS.len()]),
        7 => CallArg::QueryLevel(LEVELS[i % LEVELS.len()]),
        _ => CallArg::WsBuffer(WsBufferType::ALL[i % 5]),
    }
}

/// A protocol event, or (for `x % 8 >= 5`) a websocket frame completing the head of
/// `object`'s receive lane (naming an unissued operation when nothing is pending there).
fn event(m: &Machine, object: ObjectId, x: u8) -> Input {
    let frame = Completion::WebSocket {
        buffer_type: WsBufferType::ALL[usize::from(x / 8) % 5],
        bytes: u32::from(x % 4),
    };
    match x % 8 {
        5.. => Input::Complete {
            object,
            op: m
                .object(object)
                .and_then(|o| o.queue(Lane::Receive).front())
                .map_or(m.next_op(), |op| op.id),
            completion: frame,
        },
        _ => Input::Protocol {
            object,
            event: protocol_event(x),
        },
    }
}

fn protocol_event(x: u8) -> ProtocolEvent {
    match x % 8 {
        0 => ProtocolEvent::DataBuffered(u32::from(x / 8 % 3) * 8),
        1 => ProtocolEvent::EndOfData,
        2 => ProtocolEvent::Redirect,
        3 => ProtocolEvent::Connecting {
            resolve: x / 8 % 2 == 0,
        },
        4 => ProtocolEvent::Resend,
        _ => ProtocolEvent::ConnectionClosed,
    }
}

/// The input finishing the head of `object`'s `lane`: successfully with `n` in the shape
/// its API reports, or (`None`) with a network error.
fn finish(m: &Machine, object: ObjectId, lane: Lane, n: Option<u32>) -> Input {
    let head = m.object(object).and_then(|o| o.queue(lane).front());
    let op = head.map_or(m.next_op(), |h| h.id);
    let fit = head.and_then(|h| h.api.completion_fit());
    let completion = match (n, fit) {
        (Some(n), Some(fit)) => fit.success(n),
        _ => Completion::Error(12030),
    };
    Input::Complete {
        object,
        op,
        completion,
    }
}

fn busy(d: &Driver) -> Vec<(ObjectId, Lane)> {
    d.machine
        .objects()
        .flat_map(|(id, o)| {
            Lane::ALL
                .into_iter()
                .filter(move |&l| !o.queue(l).is_empty())
                .map(move |l| (id, l))
        })
        .collect()
}

fn input(d: &Driver, s: Step) -> Option<Input> {
    let family = d.machine.family();
    let live: Vec<HandleValue> = d.monitor.open_values().map(|(v, _)| v).collect();
    // Mostly handles the function accepts (so the protocol rows are reached), sometimes
    // any live handle (wrong kinds).
    let fitting = |accepts: &dyn Fn(hinternet_core::HandleKind) -> bool, i: u8| {
        let fit: Vec<HandleValue> = d
            .monitor
            .open_values()
            .filter(|&(_, k)| accepts(k))
            .map(|(v, _)| v)
            .collect();
        if i % 8 == 0 || fit.is_empty() {
            pick(&live, i)
        } else {
            pick(&fit, i)
        }
    };
    let root = match family {
        hinternet_core::Family::WinHttp => CreateApi::WinHttpOpen,
        hinternet_core::Family::WinInet => CreateApi::InternetOpen,
    };
    let creators: Vec<CreateApi> = HIERARCHY
        .iter()
        .filter(|r| r.child.family() == family && !r.source.is_empty())
        .map(|r| r.api)
        .collect();
    let apis: Vec<Api> = Api::ALL
        .iter()
        .copied()
        .filter(|a| a.family() == family)
        .collect();
    let objects: Vec<ObjectId> = d.machine.objects().map(|(id, _)| id).collect();
    Some(match s {
        Step::Open(async_mode) => Input::Open {
            api: root,
            async_mode,
        },
        Step::Create(a, h) => {
            let api = pick(&creators, a)?;
            Input::Create {
                api,
                source: fitting(&|k| api.rule().source.contains(&k), h)?,
                context: Some(u64::from(a % 3)),
            }
        }
        Step::Call(a, h, x) => {
            let api = pick(&apis, a)?;
            Input::Call {
                api,
                handle: fitting(&|k| api.accepts(k), h)?,
                arg: arg(x),
            }
        }
        Step::Close(h) => Input::Close {
            handle: pick(&live, h)?,
        },
        Step::Callback(h) => Input::SetStatusCallback {
            handle: pick(&live, h)?,
            callback: Some(CallbackId(1)),
            mask: u32::MAX,
        },
        Step::Complete(q, ok) => {
            let (object, lane) = pick(&busy(d), q)?;
            finish(
                &d.machine,
                object,
                lane,
                ok.then_some(u32::from(q % 3) * 200),
            )
        }
        Step::Event(o, e) => event(&d.machine, pick(&objects, o)?, e),
    })
}

/// A root with a callback and one handle of every kind its family creates, so that the
/// random steps land on protocol states quickly.
fn tree(d: &mut Driver, async_mode: bool) -> Vec<Input> {
    let family = d.machine.family();
    let mut inputs = Vec::new();
    let root = HIERARCHY
        .iter()
        .find(|r| r.child.family() == family && r.source.is_empty())
        .map(|r| r.api);
    let Some(root) = root else {
        return inputs;
    };
    inputs.push(Input::Open {
        api: root,
        async_mode,
    });
    inputs.push(Input::SetStatusCallback {
        handle: HandleValue(1),
        callback: Some(CallbackId(1)),
        mask: u32::MAX,
    });
    inputs
}

/// Apply `steps` (after a tree prefix), then wind down; a law violation is an error.
fn run(policy: Policy, async_mode: bool, steps: &[Step]) -> Result<(), String> {
    let mut d = Driver::new(policy);
    let apply = |d: &mut Driver, i: Input| match d.step(i) {
        Ok(_) | Err(DriveError::Input(_)) => Ok(()),
        Err(DriveError::Law(v)) => Err(format!("{v}\n{}", d.trace)),
    };
    for i in tree(&mut d, async_mode) {
        apply(&mut d, i)?;
    }
    let family = d.machine.family();
    for rule in HIERARCHY
        .iter()
        .filter(|r| r.child.family() == family && !r.source.is_empty())
    {
        let source = d
            .monitor
            .open_values()
            .find(|(_, k)| rule.source.contains(k))
            .map(|(v, _)| v);
        if let Some(source) = source {
            apply(
                &mut d,
                Input::Create {
                    api: rule.api,
                    source,
                    context: Some(1),
                },
            )?;
        }
    }
    for &s in steps {
        if let Some(i) = input(&d, s) {
            apply(&mut d, i)?;
        }
    }
    // Wind down: finish all I/O, close every handle, finish what the closes left.
    for round in 0..2 {
        for _ in 0..10_000 {
            let Some(&(object, lane)) = busy(&d).first() else {
                break;
            };
            let done = finish(&d.machine, object, lane, Some(0));
            apply(&mut d, done)?;
        }
        if round == 0 {
            let live: Vec<HandleValue> = d.monitor.open_values().map(|(v, _)| v).collect();
            for handle in live {
                apply(&mut d, Input::Close { handle })?;
            }
        }
    }
    if !d.machine.is_empty() {
        return Err(format!("not empty after wind-down\n{}", d.trace));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]
    #[test]
    fn laws_hold_with_protocol_calls_and_events(
        steps in prop::collection::vec(step(), 1..60),
        which in 0usize..Policy::PRESETS.len(),
        async_mode in any::<bool>(),
    ) {
        let policy = Policy::PRESETS[which].1;
        if let Err(e) = run(policy, async_mode, &steps) {
            prop_assert!(false, "{}", e);
        }
    }
}

#[test]
fn a_scripted_protocol_run_winds_down_cleanly() {
    // The tree alone, then a few calls and completions, in both modes: every preset.
    let steps = [
        Step::Call(2, 2, 0),
        Step::Complete(0, true),
        Step::Call(4, 2, 0),
        Step::Event(2, 1),
        Step::Call(8, 2, 0),
    ];
    for (name, policy) in Policy::PRESETS {
        for async_mode in [false, true] {
            assert_eq!(run(policy, async_mode, &steps), Ok(()), "{name}");
        }
    }
}
