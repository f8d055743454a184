//! The one harness of the core's integration tests.
//!
//! Two layers over the same checked [`Driver`] (laws and invariants after every step):
//! free functions that take the driver (`open`, `create`, `call`, `close`, … and the
//! readers `stream`, `delivered`, `closing_order`), used by the lifecycle and hostile
//! input tests, and [`H`], a driver with a mark over its outputs (the notifications of
//! one step), used by the protocol tests. Reply inspectors (`handle_of`, `expect`,
//! `rejected`, …) serve both.
#![allow(dead_code)]

use hinternet_core::{
    handle_closing, handle_created, Api, CallArg, CallbackId, CallbackMode, Completion, CreateApi,
    Driver, HandleValue, Info, Input, Lane, Machine, Notification, ObjectId, Outcome, Output,
    PendingOp, Policy, ProtocolEvent, Reply, Ret, WsBufferType,
};

/// A callback id the tests register.
pub const CB: CallbackId = CallbackId(7);

// ----- the driver layer ---------------------------------------------------------------

pub fn driver(policy: Policy) -> Driver {
    Driver::new(policy)
}

/// The handle a creating reply returned (never NULL).
pub fn handle_of(reply: &Reply) -> HandleValue {
    match reply.ret {
        Ret::Handle(h) if !h.is_null() => h,
        other => panic!("expected a handle, got {other:?} ({reply:?})"),
    }
}

pub fn object_of(reply: &Reply) -> ObjectId {
    reply
        .object()
        .unwrap_or_else(|| panic!("reply names no object: {reply:?}"))
}

pub fn open(d: &mut Driver, api: CreateApi, async_mode: bool) -> (HandleValue, ObjectId) {
    let r = d.step(Input::Open { api, async_mode }).expect("open");
    (handle_of(&r), object_of(&r))
}

pub fn create(
    d: &mut Driver,
    api: CreateApi,
    source: HandleValue,
    context: Option<u64>,
) -> (HandleValue, ObjectId) {
    let r = d
        .step(Input::Create {
            api,
            source,
            context,
        })
        .expect("create");
    assert!(!r.is_rejected(), "create rejected: {r:?}");
    if let Outcome::Pending { object, lane, .. } = r.outcome {
        // WI-R18: on an asynchronous session a create pends; its handle is created when the
        // pending part (at the head of the source's lane here) completes.
        let done = d
            .step(success_of(&d.machine, object, lane, 0))
            .expect("pending create completes");
        return match done.outcome {
            Outcome::Created { value, object, .. } => (value, object),
            other => panic!("{api} completion created nothing: {other:?}"),
        };
    }
    (handle_of(&r), object_of(&r))
}

pub fn call(d: &mut Driver, api: Api, handle: HandleValue) -> Reply {
    d.step(Input::Call {
        api,
        handle,
        arg: CallArg::None,
    })
    .expect("call")
}

pub fn close(d: &mut Driver, handle: HandleValue) -> Reply {
    d.step(Input::Close { handle }).expect("close")
}

pub fn set_callback(d: &mut Driver, handle: HandleValue, mask: u32) -> Reply {
    d.step(Input::SetStatusCallback {
        handle,
        callback: Some(CB),
        mask,
    })
    .expect("set callback")
}

/// The operation at the head of `object`'s `lane` (the one whose I/O is started).
pub fn head_op(m: &Machine, object: ObjectId, lane: Lane) -> PendingOp {
    *m.object(object)
        .and_then(|o| o.queue(lane).front())
        .unwrap_or_else(|| panic!("no operation at the head of {object} {lane:?}"))
}

/// The input completing the head operation of `object`'s `lane` with `completion`.
pub fn completion_of(m: &Machine, object: ObjectId, lane: Lane, completion: Completion) -> Input {
    Input::Complete {
        object,
        op: head_op(m, object, lane).id,
        completion,
    }
}

/// The input completing the head operation of `lane` successfully with `n` (the status
/// code, byte count or frame length), in the shape its API reports
/// ([`CompletionFit::success`](hinternet_core::CompletionFit::success)).
pub fn success_of(m: &Machine, object: ObjectId, lane: Lane, n: u32) -> Input {
    let op = head_op(m, object, lane);
    let fit = op
        .api
        .completion_fit()
        .expect("an operation has a completion fit");
    completion_of(m, object, lane, fit.success(n))
}

/// The executor finishes the head operation of `lane` with `completion`.
pub fn complete(d: &mut Driver, object: ObjectId, lane: Lane, completion: Completion) -> Reply {
    let input = completion_of(&d.machine, object, lane, completion);
    d.step(input).expect("complete")
}

/// The executor finishes the head operation of `lane` successfully with `n`.
pub fn complete_ok(d: &mut Driver, object: ObjectId, lane: Lane, n: u32) -> Reply {
    let input = success_of(&d.machine, object, lane, n);
    d.step(input).expect("complete")
}

/// (status, handle value, object) of every notification, delivered or not.
pub fn stream(d: &Driver) -> Vec<(u32, HandleValue, ObjectId)> {
    d.notifications()
        .map(|n| (n.status, n.handle, n.object))
        .collect()
}

/// Only the delivered notifications.
pub fn delivered(d: &Driver) -> Vec<Notification> {
    d.notifications()
        .filter(|n| n.callback.is_some())
        .copied()
        .collect()
}

pub fn closing_of(d: &Driver, object: ObjectId) -> usize {
    let closing = handle_closing(d.machine.family());
    d.notifications()
        .filter(|n| n.object == object && n.status == closing)
        .count()
}

/// The objects whose `HANDLE_CLOSING` was emitted, in emission order.
pub fn closing_order(d: &Driver) -> Vec<ObjectId> {
    let closing = closing_status(d);
    d.notifications()
        .filter(|n| n.status == closing)
        .map(|n| n.object)
        .collect()
}

pub fn created_status(d: &Driver) -> u32 {
    handle_created(d.machine.family())
}

pub fn closing_status(d: &Driver) -> u32 {
    handle_closing(d.machine.family())
}

pub fn is_rejected_with(reply: &Reply, code: u32) -> bool {
    matches!(reply.outcome, Outcome::Rejected(_))
        && match reply.ret {
            Ret::Dword(c) => c == code,
            _ => reply.last_error == Some(code),
        }
}

/// Session → connect → request (WinHTTP), returning (values, objects).
pub fn winhttp_tree(d: &mut Driver, async_mode: bool) -> ([HandleValue; 3], [ObjectId; 3]) {
    let (s, so) = open(d, CreateApi::WinHttpOpen, async_mode);
    let (c, co) = create(d, CreateApi::WinHttpConnect, s, None);
    let (r, ro) = create(d, CreateApi::WinHttpOpenRequest, c, None);
    ([s, c, r], [so, co, ro])
}

/// Root → HTTP connect → request (WinINet), with contexts 1, 2, 3 on the children.
pub fn wininet_tree(d: &mut Driver, async_mode: bool) -> ([HandleValue; 3], [ObjectId; 3]) {
    use hinternet_core::Service;
    let (root, rooto) = open(d, CreateApi::InternetOpen, async_mode);
    let (c, co) = create(d, CreateApi::InternetConnect(Service::Http), root, Some(2));
    let (r, ro) = create(d, CreateApi::HttpOpenRequest, c, Some(3));
    ([root, c, r], [rooto, co, ro])
}

// ----- the protocol harness ----------------------------------------------------------

/// The harness.
pub struct H {
    pub d: Driver,
    mark: usize,
}

impl H {
    /// A harness under `policy`, callbacks returning at once.
    pub fn new(policy: Policy) -> H {
        H {
            d: Driver::new(policy),
            mark: 0,
        }
    }

    /// A harness whose callbacks keep running until the test returns them.
    pub fn leave_running(policy: Policy) -> H {
        H {
            d: Driver::with_machine(Machine::new(policy), CallbackMode::LeaveRunning),
            mark: 0,
        }
    }

    /// Apply one input; a law violation or input error fails the test.
    pub fn step(&mut self, input: Input) -> Reply {
        match self.d.step(input) {
            Ok(r) => r,
            Err(e) => panic!("{input:?}: {e}\n{}", self.d.trace),
        }
    }

    /// Apply one input with the application's callback making calls.
    pub fn step_with(
        &mut self,
        input: Input,
        cb: &mut dyn FnMut(&Notification) -> Vec<Input>,
    ) -> Reply {
        match self.d.step_with(input, cb) {
            Ok(r) => r,
            Err(e) => panic!("{input:?}: {e}\n{}", self.d.trace),
        }
    }

    /// A root, with the test callback (all notifications) installed on it.
    pub fn open(&mut self, api: CreateApi, async_mode: bool) -> HandleValue {
        let h = handle_of(&self.step(Input::Open { api, async_mode }));
        self.step(Input::SetStatusCallback {
            handle: h,
            callback: Some(CB),
            mask: u32::MAX,
        });
        h
    }

    /// A child created by `api` from `source`, with context 1.
    /// On an asynchronous session a create that pends (WI-R18) is completed at once, so the
    /// handle exists when this returns (its HANDLE_CREATED and REQUEST_COMPLETE are in the
    /// notifications).
    pub fn create(&mut self, api: CreateApi, source: HandleValue) -> HandleValue {
        let r = self.create_reply(api, source);
        if let Outcome::Pending { object, lane, .. } = r.outcome {
            let done = self.complete_ok(object, lane, 0);
            return match done.outcome {
                Outcome::Created { value, .. } => value,
                other => panic!("{api} completion created nothing: {other:?}"),
            };
        }
        handle_of(&r)
    }

    /// The reply of a creating call, with context 1.
    pub fn create_reply(&mut self, api: CreateApi, source: HandleValue) -> Reply {
        self.step(Input::Create {
            api,
            source,
            context: Some(1),
        })
    }

    /// A call.
    pub fn call(&mut self, api: hinternet_core::Api, handle: HandleValue) -> Reply {
        self.step(Input::Call {
            api,
            handle,
            arg: CallArg::None,
        })
    }

    /// A call with its protocol argument.
    pub fn call_with(
        &mut self,
        api: hinternet_core::Api,
        handle: HandleValue,
        arg: CallArg,
    ) -> Reply {
        self.step(Input::Call { api, handle, arg })
    }

    /// The executor finishes the head operation of `lane` with `completion`.
    pub fn complete(&mut self, object: ObjectId, lane: Lane, completion: Completion) -> Reply {
        let input = completion_of(&self.d.machine, object, lane, completion);
        self.step(input)
    }

    /// The executor finishes the head operation of `lane` successfully with `n` (in the
    /// shape its API reports).
    pub fn complete_ok(&mut self, object: ObjectId, lane: Lane, n: u32) -> Reply {
        let input = success_of(&self.d.machine, object, lane, n);
        self.step(input)
    }

    /// A websocket frame of `buffer_type` and `bytes` completes the head of the receive
    /// lane (a receive, or a close answered by the peer's close frame).
    pub fn frame(&mut self, object: ObjectId, buffer_type: WsBufferType, bytes: u32) -> Reply {
        let completion = Completion::WebSocket { buffer_type, bytes };
        self.complete(object, Lane::Receive, completion)
    }

    /// A protocol event.
    pub fn event(&mut self, object: ObjectId, event: ProtocolEvent) -> Reply {
        self.step(Input::Protocol { object, event })
    }

    /// The object a live value addresses.
    pub fn obj(&self, h: HandleValue) -> ObjectId {
        self.d.machine.resolve(h).expect("live handle")
    }

    /// The outputs since the last mark, and move the mark.
    pub fn outputs(&mut self) -> Vec<Output> {
        let out = self.d.outputs[self.mark..].to_vec();
        self.mark = self.d.outputs.len();
        out
    }

    /// The notifications since the last mark as (status, info), and move the mark.
    pub fn notes(&mut self) -> Vec<(u32, Info)> {
        self.outputs()
            .into_iter()
            .filter_map(|o| match o {
                Output::Notify(n) => Some((n.status, n.info)),
                _ => None,
            })
            .collect()
    }

    /// Forget the outputs so far.
    pub fn clear(&mut self) {
        self.mark = self.d.outputs.len();
    }
}

/// Status-only view of notes.
pub fn statuses(notes: &[(u32, Info)]) -> Vec<u32> {
    notes.iter().map(|(s, _)| *s).collect()
}

/// Assert a reply's return value, last error and outcome shape.
#[track_caller]
pub fn expect(reply: impl std::borrow::Borrow<Reply>, ret: Ret, last_error: Option<u32>) {
    let reply = reply.borrow();
    assert_eq!(
        (reply.ret, reply.last_error),
        (ret, last_error),
        "{reply:?}"
    );
}

/// True when the reply is a completed-inline acceptance.
pub fn inline(reply: &Reply) -> bool {
    matches!(reply.outcome, Outcome::CompletedInline { .. })
}

/// True when the reply is a pending acceptance.
pub fn pending(reply: &Reply) -> bool {
    matches!(reply.outcome, Outcome::Pending { .. })
}

/// True when the reply is a protocol rejection with `code`.
pub fn rejected(reply: &Reply, code: u32) -> bool {
    matches!(
        reply.outcome,
        Outcome::Rejected(hinternet_core::ApiError::Protocol(c)) if c == code
    )
}
