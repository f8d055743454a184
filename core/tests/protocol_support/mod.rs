//! Shared harness of the protocol tests: a checked [`Driver`] (laws after every step)
//! with short helpers for calls, completions, events and the notifications of a step.

#![allow(dead_code)]

use hinternet_core::{
    CallArg, CallbackId, CallbackMode, CreateApi, Driver, HandleValue, Info, Input, IoResult, Lane,
    Machine, Notification, ObjectId, Outcome, Output, Policy, ProtocolEvent, Reply, Ret,
};

/// A callback token used by every test.
pub const CB: CallbackId = CallbackId(7);

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
        let h = handle(self.step(Input::Open { api, async_mode }));
        self.step(Input::SetStatusCallback {
            handle: h,
            callback: Some(CB),
            mask: u32::MAX,
        });
        h
    }

    /// A child created by `api` from `source`, with context 1.
    pub fn create(&mut self, api: CreateApi, source: HandleValue) -> HandleValue {
        handle(self.create_reply(api, source))
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

    /// The environment finishes the head operation of `lane`.
    pub fn complete(&mut self, object: ObjectId, lane: Lane, result: IoResult) -> Reply {
        self.step(Input::Complete {
            object,
            lane,
            result,
        })
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

/// The handle a creating reply returned.
pub fn handle(reply: Reply) -> HandleValue {
    match reply.ret {
        Ret::Handle(h) if !h.is_null() => h,
        other => panic!("no handle: {other:?} {reply:?}"),
    }
}

/// Status-only view of notes.
pub fn statuses(notes: &[(u32, Info)]) -> Vec<u32> {
    notes.iter().map(|(s, _)| *s).collect()
}

/// Assert a reply's return value, last error and outcome shape.
#[track_caller]
pub fn expect(reply: Reply, ret: Ret, last_error: Option<u32>) {
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
