//! Operation sequences: a compact, byte-decodable description of what an application and
//! its environment do, mapped onto the machine so that most operations land on live
//! handles (and some, deliberately, on NULL, stale, reissued or garbage values).
//!
//! Owns: [`Op`], [`decode`] (4 bytes → one op, so proptest and the fuzzers share one
//! input format) and [`run`] (apply ops through a checking [`Driver`], then wind
//! everything down and require an empty machine, law 11). Every step is checked by the
//! driver: laws 1–13 through the monitor, laws 8 and 13 by state comparison, and the structural
//! invariants.

use hinternet_core::{
    Api, CallArg, CallbackId, CallbackMode, Completion, CreateApi, DriveError, Driver, Family,
    HandleKind, HandleValue, Input, Lane, Machine, ObjectId, OpId, Output, Policy, ProtocolEvent,
    Ret, ValueReuse, WsBufferType, HIERARCHY,
};

/// One thing the application or the environment does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Open a root, sync or async.
    Open {
        /// Async flag.
        async_mode: bool,
    },
    /// Call a creating function of the family on a picked handle.
    Create {
        /// Index into the family's creators.
        api: u8,
        /// Handle pick.
        handle: u8,
        /// Context argument (0 = none).
        context: u8,
    },
    /// Call a non-creating function of the family on a picked handle.
    Call {
        /// Index into the family's functions.
        api: u8,
        /// Handle pick.
        handle: u8,
        /// Argument selector ([`call_arg`]).
        arg: u8,
    },
    /// The environment reports a protocol fact (data buffered, end of data, a redirect,
    /// a websocket frame) about a picked object.
    Protocol {
        /// Which existing object.
        pick: u8,
        /// Event selector ([`protocol_event`]).
        event: u8,
    },
    /// Close a picked handle.
    Close {
        /// Handle pick.
        handle: u8,
    },
    /// Set (or clear) the status callback of a picked handle.
    SetCallback {
        /// Handle pick.
        handle: u8,
        /// Mask selector: 0 clears the callback, 1 all notifications, else the raw byte
        /// spread over the mask.
        mask: u8,
    },
    /// Set the context of a picked handle.
    SetContext {
        /// Handle pick.
        handle: u8,
        /// New context.
        context: u8,
    },
    /// The environment finishes the I/O at the head of a picked queue.
    Complete {
        /// Which non-empty queue.
        pick: u8,
        /// Success or an error.
        ok: bool,
    },
    /// The executor reports the next wire step of the operation at the head of a picked
    /// busy queue as it happens (`ProtocolEvent::Progress`; refused when it has none
    /// left or is not the main lane's head).
    Step {
        /// Which non-empty queue.
        pick: u8,
    },
    /// The executor reports, late, the completion of an operation that was already
    /// cancelled or finished (law 13: stale, changes nothing).
    LateComplete {
        /// Which retired operation (those whose I/O was started and that are no longer
        /// queued).
        pick: u8,
        /// Its success, or an error.
        ok: bool,
    },
    /// Leave delivered callbacks running until `ReturnCallback` (or the wind-down)
    /// returns them, or go back to returning them at once.
    SetCallbackMode {
        /// True to leave callbacks running.
        leave_running: bool,
    },
    /// One running callback of a picked object returns.
    ReturnCallback {
        /// Which object with running callbacks.
        pick: u8,
    },
    /// Like `Close`, but made from inside the next delivered callback of the handle's
    /// object (law 9); falls back to a plain close when nothing is delivered.
    CloseInCallback {
        /// Handle pick.
        handle: u8,
        /// Which kind of step carries the callback: a completion (`Complete`) or a create.
        via_complete: bool,
    },
}

/// Decode a byte string into ops, 4 bytes each (a trailing partial op is ignored).
pub fn decode(bytes: &[u8]) -> Vec<Op> {
    bytes
        .chunks_exact(4)
        .map(|c| op_from([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Decode one op from 4 bytes.
pub fn op_from(b: [u8; 4]) -> Op {
    match b[0] % 16 {
        0 => Op::Open {
            async_mode: b[1].is_multiple_of(2),
        },
        1..=3 => Op::Create {
            api: b[1],
            handle: b[2],
            context: b[3],
        },
        4..=7 => Op::Call {
            api: b[1],
            handle: b[2],
            arg: b[3],
        },
        8 | 9 => Op::Close { handle: b[1] },
        10 => Op::SetCallback {
            handle: b[1],
            mask: b[2],
        },
        11 => Op::SetContext {
            handle: b[1],
            context: b[2],
        },
        12..=14 if b[3] % 4 == 2 => Op::Step { pick: b[1] },
        12..=14 if b[3] % 4 == 3 => Op::LateComplete {
            pick: b[1],
            ok: !b[2].is_multiple_of(4),
        },
        12..=14 => Op::Complete {
            pick: b[1],
            ok: !b[2].is_multiple_of(4),
        },
        _ => match b[3] % 4 {
            1 => Op::ReturnCallback { pick: b[1] },
            2 => Op::Protocol {
                pick: b[1],
                event: b[2],
            },
            3 => Op::SetCallbackMode {
                leave_running: b[1].is_multiple_of(2),
            },
            _ => Op::CloseInCallback {
                handle: b[1],
                via_complete: b[2].is_multiple_of(2),
            },
        },
    }
}

/// The call argument a selector byte stands for: mostly none, sometimes each of the
/// arguments the protocol rules look at.
pub fn call_arg(selector: u8) -> CallArg {
    let high = selector / 8;
    match selector % 8 {
        3 => CallArg::QueryLevel(u32::from(high)),
        4 => CallArg::BodyToWrite,
        5 => CallArg::RequestHeaders,
        6 => CallArg::WsBuffer(WsBufferType::ALL[usize::from(high) % WsBufferType::ALL.len()]),
        7 => CallArg::Option(u32::from(high)),
        _ => CallArg::None,
    }
}

/// The protocol event a selector byte stands for, on `object` of `machine`: selectors
/// 6 and 7 stand for a websocket frame completing the head of the object's receive lane
/// (naming an unissued operation when nothing is pending there, which the machine
/// refuses).
pub fn protocol_event(machine: &Machine, object: ObjectId, selector: u8) -> Input {
    let high = selector / 8;
    if selector % 8 >= 6 {
        let completion = Completion::WebSocket {
            buffer_type: WsBufferType::ALL[usize::from(high) % WsBufferType::ALL.len()],
            bytes: u32::from(high / 5),
        };
        let op = machine
            .object(object)
            .and_then(|o| o.queue(Lane::Receive).front())
            .map_or(machine.next_op(), |head| head.id);
        return Input::Complete {
            object,
            op,
            completion,
        };
    }
    let event = match selector % 8 {
        0 if high % 2 == 1 => ProtocolEvent::Progress {
            bytes: u32::from(high),
        },
        0 => ProtocolEvent::DataBuffered(u32::from(high)),
        1 => ProtocolEvent::Progress {
            bytes: u32::from(high),
        },
        2 => ProtocolEvent::EndOfData,
        3 if high % 4 == 3 => ProtocolEvent::Resend,
        3 => ProtocolEvent::Redirect,
        4 if high % 3 == 2 => ProtocolEvent::Resolving,
        4 => ProtocolEvent::Connecting {
            resolve: high.is_multiple_of(3),
        },
        5 if high % 2 == 1 => ProtocolEvent::Progress {
            bytes: u32::from(high),
        },
        _ => ProtocolEvent::ConnectionClosed,
    };
    Input::Protocol { object, event }
}

/// The input finishing the head operation of `object`'s `lane`: successfully with `n`
/// (the status code, byte count or frame length, in the shape its API reports), or
/// (`None`) with a network error. Names an unissued operation when the lane is empty.
pub fn finish_head(machine: &Machine, object: ObjectId, lane: Lane, n: Option<u32>) -> Input {
    let head = machine.object(object).and_then(|o| o.queue(lane).front());
    let completion = match (n, head.and_then(|h| h.api.completion_fit())) {
        (Some(n), Some(fit)) => fit.success(n),
        _ => Completion::Error(12030),
    };
    Input::Complete {
        object,
        op: head.map_or(machine.next_op(), |h| h.id),
        completion,
    }
}

/// Every policy the sequences run under: each preset with each value-reuse order.
pub fn policies() -> Vec<Policy> {
    let reuses = [
        ValueReuse::LowestFree,
        ValueReuse::Lifo,
        ValueReuse::Fifo,
        ValueReuse::Monotonic,
        ValueReuse::Strict,
    ];
    Policy::PRESETS
        .iter()
        .flat_map(|&(_, p)| reuses.iter().map(move |&r| p.with_reuse(r)))
        .collect()
}

/// Pick a handle value: mostly live ones, sometimes stale/reissued ones, NULL or garbage.
fn pick_handle(driver: &Driver, pick: u8) -> HandleValue {
    let live: Vec<HandleValue> = driver.monitor.open_values().map(|(v, _)| v).collect();
    let issued: Vec<HandleValue> = driver.monitor.issued_values().collect();
    match pick {
        250 => HandleValue::NULL,
        251 => HandleValue(u32::MAX),
        252 => HandleValue(0xdead),
        253..=255 if !issued.is_empty() => issued[usize::from(pick) % issued.len()],
        _ if !live.is_empty() => live[usize::from(pick) % live.len()],
        _ if !issued.is_empty() => issued[usize::from(pick) % issued.len()],
        _ => HandleValue(u32::from(pick % 8)),
    }
}

/// The kind of the live object `value` addresses, if any.
fn live_kind(driver: &Driver, value: HandleValue) -> Option<HandleKind> {
    let id = driver.machine.resolve(value)?;
    driver.machine.object(id).map(|o| o.kind())
}

fn family_creators(family: Family) -> Vec<CreateApi> {
    HIERARCHY
        .iter()
        .filter(|r| r.child.family() == family && !r.source.is_empty())
        .map(|r| r.api)
        .collect()
}

fn family_apis(family: Family) -> Vec<Api> {
    Api::ALL
        .iter()
        .copied()
        .filter(|a| a.family() == family)
        .collect()
}

/// Queues with an operation at their head, in a stable order.
/// The operations whose I/O was started (seen in the driver's outputs) and that are no
/// longer queued: cancelled or finished, so their completion now is late.
fn retired_ops(driver: &Driver) -> Vec<(ObjectId, OpId, Api)> {
    let queued = |object: ObjectId, op: OpId| {
        driver.machine.object(object).is_some_and(|o| {
            Lane::ALL
                .into_iter()
                .any(|l| o.queue(l).iter().any(|p| p.id == op))
        })
    };
    driver
        .outputs
        .iter()
        .filter_map(|o| match *o {
            Output::StartIo {
                object, op, api, ..
            } if !queued(object, op) => Some((object, op, api)),
            _ => None,
        })
        .collect()
}

fn busy_queues(machine: &Machine) -> Vec<(ObjectId, Lane)> {
    machine
        .objects()
        .flat_map(|(id, o)| {
            Lane::ALL
                .into_iter()
                .filter(move |&l| !o.queue(l).is_empty())
                .map(move |l| (id, l))
        })
        .collect()
}

fn root_api(family: Family) -> CreateApi {
    match family {
        Family::WinHttp => CreateApi::WinHttpOpen,
        Family::WinInet => CreateApi::InternetOpen,
    }
}

/// Objects with delivered callbacks still running, in a stable order: live objects with
/// running callbacks, then destroyed objects whose `HANDLE_CLOSING` callback has not
/// returned (they keep a reserved value until it does).
fn running_callbacks(machine: &Machine) -> Vec<ObjectId> {
    machine
        .objects()
        .filter(|(_, o)| o.running_callbacks() > 0)
        .map(|(id, _)| id)
        .chain(machine.lingering().map(|(id, _)| id))
        .collect()
}

/// Turn one op into the input it stands for, given the driver's current state.
fn input_for(driver: &Driver, op: Op) -> Option<Input> {
    let family = driver.machine.family();
    Some(match op {
        Op::Open { async_mode } => Input::Open {
            api: root_api(family),
            async_mode,
        },
        Op::Create {
            api,
            handle,
            context,
        } => {
            let source = pick_handle(driver, handle);
            let all = family_creators(family);
            // Mostly a creator that accepts the source's kind, so sequences go deep.
            let fitting: Vec<CreateApi> = match live_kind(driver, source) {
                Some(kind) => all
                    .iter()
                    .copied()
                    .filter(|a| a.rule().source.contains(&kind))
                    .collect(),
                None => Vec::new(),
            };
            let api = if api < 224 && !fitting.is_empty() {
                fitting[usize::from(api) % fitting.len()]
            } else {
                all[usize::from(api) % all.len()]
            };
            let takes_context =
                family == Family::WinInet || api == CreateApi::WinHttpWebSocketCompleteUpgrade;
            Input::Create {
                api,
                source,
                context: takes_context.then_some(u64::from(context)),
            }
        }
        Op::Protocol { pick, event } => {
            let objects: Vec<ObjectId> = driver.machine.objects().map(|(id, _)| id).collect();
            if objects.is_empty() {
                return None;
            }
            let object = objects[usize::from(pick) % objects.len()];
            protocol_event(&driver.machine, object, event)
        }
        Op::Call { api, handle, arg } => {
            let target = pick_handle(driver, handle);
            let all = family_apis(family);
            let fitting: Vec<Api> = match live_kind(driver, target) {
                Some(kind) => all.iter().copied().filter(|a| a.accepts(kind)).collect(),
                None => Vec::new(),
            };
            Input::Call {
                api: if api < 224 && !fitting.is_empty() {
                    fitting[usize::from(api) % fitting.len()]
                } else {
                    all[usize::from(api) % all.len()]
                },
                handle: target,
                arg: call_arg(arg),
            }
        }
        Op::Close { handle } | Op::CloseInCallback { handle, .. } => Input::Close {
            handle: pick_handle(driver, handle),
        },
        Op::SetCallback { handle, mask } => Input::SetStatusCallback {
            handle: pick_handle(driver, handle),
            callback: (mask != 0).then_some(CallbackId(1)),
            mask: if mask == 1 {
                u32::MAX
            } else {
                u32::from(mask).wrapping_mul(0x0101_0101)
            },
        },
        Op::SetContext { handle, context } => Input::SetContext {
            handle: pick_handle(driver, handle),
            context: u64::from(context),
        },
        Op::SetCallbackMode { .. } => return None,
        Op::ReturnCallback { pick } => {
            let running = running_callbacks(&driver.machine);
            if running.is_empty() {
                return None;
            }
            Input::CallbackReturned {
                object: running[usize::from(pick) % running.len()],
            }
        }
        Op::LateComplete { pick, ok } => {
            let retired = retired_ops(driver);
            if retired.is_empty() {
                return None;
            }
            let (object, op, api) = retired[usize::from(pick) % retired.len()];
            let completion = match api.completion_fit() {
                Some(fit) if ok => fit.success(u32::from(pick)),
                _ => Completion::Error(12030),
            };
            Input::Complete {
                object,
                op,
                completion,
            }
        }
        Op::Step { pick } => {
            let busy = busy_queues(&driver.machine);
            if busy.is_empty() {
                return None;
            }
            let (object, _) = busy[usize::from(pick) % busy.len()];
            Input::Protocol {
                object,
                event: ProtocolEvent::Progress {
                    bytes: u32::from(pick),
                },
            }
        }
        Op::Complete { pick, ok } => {
            let busy = busy_queues(&driver.machine);
            if busy.is_empty() {
                return None;
            }
            let (object, lane) = busy[usize::from(pick) % busy.len()];
            finish_head(&driver.machine, object, lane, ok.then_some(u32::from(pick)))
        }
    })
}

/// What one op does, decided from the driver's current state. `apply` and the engine
/// differential fuzz target both feed exactly this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Planned {
    /// The input to feed.
    pub input: Input,
    /// For `CloseInCallback`: close this handle from inside the first delivered callback
    /// of this object during the step; if no such callback comes, close it right after.
    pub close_inside: Option<(ObjectId, HandleValue)>,
}

/// Decide the input `op` stands for in the driver's current state (`None`: nothing to
/// do). `SetCallbackMode` and `ReturnCallback` are driver-side and plan nothing.
pub fn plan(driver: &Driver, op: Op) -> Option<Planned> {
    let input = input_for(driver, op)?;
    let Op::CloseInCallback {
        handle,
        via_complete,
    } = op
    else {
        return Some(Planned {
            input,
            close_inside: None,
        });
    };
    let target = pick_handle(driver, handle);
    let carrier = driver.machine.resolve(target).and_then(|object| {
        // A step that delivers to `object`: completing its own operation.
        busy_queues(&driver.machine)
            .into_iter()
            .find(|&(o, _)| via_complete && o == object)
            .map(|(object, lane)| (finish_head(&driver.machine, object, lane, Some(0)), object))
    });
    Some(match carrier {
        Some((carrier, object)) => Planned {
            input: carrier,
            close_inside: Some((object, target)),
        },
        None => Planned {
            input,
            close_inside: None,
        },
    })
}

/// Apply one op through the driver (every law checked).
pub fn apply(driver: &mut Driver, op: Op) -> Result<(), DriveError> {
    if let Op::SetCallbackMode { leave_running } = op {
        if !leave_running {
            return_all_callbacks(driver)?;
        }
        driver.set_callback_mode(if leave_running {
            CallbackMode::LeaveRunning
        } else {
            CallbackMode::ReturnAtOnce
        });
        return Ok(());
    }
    let Some(Planned {
        input,
        close_inside,
    }) = plan(driver, op)
    else {
        return Ok(());
    };
    match (op, close_inside) {
        (_, Some((object, target))) => {
            let mut done = false;
            let mut close_inside = |n: &hinternet_core::Notification| {
                if !done && n.object == object {
                    done = true;
                    vec![Input::Close { handle: target }]
                } else {
                    Vec::new()
                }
            };
            driver.step_with(input, &mut close_inside)?;
            if !done {
                driver.step(Input::Close { handle: target })?;
            }
        }
        (Op::Protocol { .. } | Op::Step { .. }, None) => {
            // A random event may not apply to the picked object: that is the embedder's
            // fault (an `InputError`), and it must leave the machine unchanged.
            let before = driver.machine.clone();
            match driver.step(input) {
                Err(DriveError::Input(_)) if driver.machine == before => {}
                Err(DriveError::Input(e)) => {
                    return Err(hinternet_core::Violation {
                        law: 8,
                        message: format!("rejected event {input:?} ({e}) changed the machine"),
                    }
                    .into())
                }
                other => {
                    other?;
                }
            }
        }
        _ => {
            driver.step(input)?;
        }
    }
    Ok(())
}

/// Return every callback still running (as the machine counts them).
fn return_all_callbacks(driver: &mut Driver) -> Result<(), DriveError> {
    while let Some(&object) = running_callbacks(&driver.machine).first() {
        driver.step(Input::CallbackReturned { object })?;
    }
    Ok(())
}

/// Complete every outstanding operation and close every open handle, then require an
/// empty machine (law 11).
pub fn wind_down(driver: &mut Driver) -> Result<(), DriveError> {
    return_all_callbacks(driver)?;
    driver.set_callback_mode(CallbackMode::ReturnAtOnce);
    // Each round completes at least one operation or closes at least one handle; the
    // bound only guards against a machine that never drains (which law 11 then reports).
    for _ in 0..10_000 {
        if let Some(&(object, lane)) = busy_queues(&driver.machine).first() {
            let done = finish_head(&driver.machine, object, lane, Some(0));
            driver.step(done)?;
            continue;
        }
        let open: Vec<HandleValue> = driver.monitor.open_values().map(|(v, _)| v).collect();
        let Some(&value) = open.last() else { break };
        let reply = driver.step(Input::Close { handle: value })?;
        if reply.ret != Ret::Bool(true) {
            return Err(hinternet_core::Violation {
                law: 4,
                message: format!("closing live value {value} failed: {reply:?}"),
            }
            .into());
        }
    }
    if !driver.machine.is_empty() {
        return Err(hinternet_core::Violation {
            law: 11,
            message: format!("machine not empty after winding down:\n{}", driver.trace),
        }
        .into());
    }
    Ok(())
}

/// A sequence that broke a law: the error and the driver (with its trace) at that point.
#[derive(Debug)]
pub struct SequenceFailure {
    /// What broke.
    pub error: DriveError,
    /// The driver when it broke; `driver.trace` shows the run.
    pub driver: Driver,
}

/// Run `ops` on `machine`, then wind down.
pub fn run_on(machine: Machine, ops: &[Op]) -> Result<Driver, Box<SequenceFailure>> {
    let mut driver = Driver::with_machine(machine, CallbackMode::ReturnAtOnce);
    let result = ops
        .iter()
        .try_for_each(|&op| apply(&mut driver, op))
        .and_then(|()| wind_down(&mut driver));
    match result {
        Ok(()) => Ok(driver),
        Err(error) => Err(Box::new(SequenceFailure { error, driver })),
    }
}

/// Run `ops` on a fresh machine under `policy`, then wind down.
pub fn run(policy: Policy, ops: &[Op]) -> Result<Driver, Box<SequenceFailure>> {
    run_on(Machine::new(policy), ops)
}
