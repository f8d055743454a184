//! The pure lifecycle machine: one value that owns every handle, object, pending
//! operation and queued output.
//!
//! # Contract
//!
//! Feed one [`Input`] with [`Machine::handle_input`]; it answers synchronously with a
//! [`Reply`] (the Win32 return value, last error and what happened). Then drain
//! [`Machine::poll_output`] until it returns `None` before the next input — the
//! [`drain`](crate::drain) helper does exactly that and is what the tests, the model
//! and the engine use. Rejected API calls change nothing but the reply (law 8).
//!
//! Time, threads and sockets are not here: I/O is requested through
//! [`Output::StartIo`] and its end reported with [`Input::Complete`]; a delivered
//! notification holds its object until [`Input::CallbackReturned`].
//!
//! # Protocol states
//!
//! Besides its lifetime, every object carries a small protocol state
//! ([`ProtoState`]): which call is legal when, for its kind (the request state machine
//! of WinHTTP and WinINet, websocket states, the FTP busy rule). Every call and creation
//! is judged by the tables of [`protocol`] after the handle lookup: a call the table
//! rejects returns its error and changes nothing (law 8); an accepted asynchronous
//! operation may complete inside the call ([`Outcome::CompletedInline`]) when it cannot
//! block and the object's callbacks nest less than
//! [`protocol::INLINE_NESTING_LIMIT`] deep (WH-R20). Protocol facts only the executor
//! knows (data buffered, end of body, redirects, connects, websocket frames) come in as
//! [`Input::Protocol`]. `docs/protocol-table.md` is generated from these tables.
//!
//! # The laws
//!
//! Stated over the logical notification stream (before mask/context filtering), per
//! object. Code comments cite them by number; [`LawMonitor`](crate::LawMonitor) checks
//! them on any run.
//!
//! 1. `HANDLE_CLOSING` is emitted at most once, and exactly once for every object whose
//!    handle was closed (or invalidated by a cascade), once nothing holds it.
//! 2. Nothing is emitted for an object after its `HANDLE_CLOSING`.
//! 3. Every accepted asynchronous operation completes exactly once (success, error or
//!    cancellation), and before its object's `HANDLE_CLOSING`.
//! 4. After a close returns, every call on that value fails with the API's invalid-handle
//!    error, unless the value was reissued (then it addresses the new object; in strict
//!    mode it still fails).
//! 5. Cascade policy: after a parent closes, every descendant is invalid. Keep-children
//!    policy: children stay valid and the parent's `HANDLE_CLOSING` follows its last
//!    child's.
//! 6. A child's `HANDLE_CLOSING` precedes its parent's.
//! 7. A value is never reissued while the policy says it is reserved.
//! 8. A rejected call leaves the state unchanged; a wrong-kind handle gives the family's
//!    code for that API.
//! 9. Closing from inside a callback is accepted; the `HANDLE_CLOSING` it causes is
//!    delivered after that callback returns, never re-entrantly inside it.
//! 10. Callbacks for one object never run concurrently with each other; they arrive in
//!     the order the machine emitted them.
//! 11. When every handle is closed and all I/O has completed, the table is empty.
//! 12. Progress notifications of one operation come in protocol order.
//!
//! # Lifetime (how laws 1, 3, 6, 9 and 11 hold)
//!
//! An object is held by: its table entry (until closed or invalidated), every operation
//! in its queues (pending asynchronous operations and blocked synchronous calls), every
//! delivered notification whose callback has not returned, and every child (including a
//! websocket on its connection). [`Object::holds`] is that sum, derived, never stored.
//! When it reaches zero the object is destroyed in the same step: `HANDLE_CLOSING` is
//! emitted (its last output), the object removed, and its parent's child hold dropped —
//! which may destroy the parent next, so a child's `HANDLE_CLOSING` always precedes its
//! parent's.

use alloc::vec::Vec;

mod api;
mod codes;
mod io;
mod kind;
mod policy;
pub mod protocol;
mod values;

#[cfg(feature = "mutants")]
mod mutants;

pub use api::{Api, ApiRule, Lane, OpSpec, ReturnStyle, Shape, API_TABLE};
pub use codes::*;
pub use io::{
    ApiError, CallArg, CallbackId, CallbackRet, Info, Input, InputError, IoResult, Notification,
    Outcome, Output, ProtocolEvent, Reply, Ret, WsBufferType,
};
pub use protocol::{Phase, ProtoState};

pub use kind::{
    CreateApi, CreateRule, CreatedRouting, Family, HandleKind, LifetimeParent, Service, HIERARCHY,
};
#[cfg(feature = "mutants")]
pub use mutants::Mutant;
pub use policy::{ParentClose, Policy, ValueRelease, ValueReuse, STRICT_MAX_SLOTS};
use protocol::{Call, Effect, Facts, InlineWhen, Verdict};
pub use values::{HandleValue, SlotState, ValueTable};

use alloc::collections::{BTreeMap, VecDeque};

/// The identity of an object inside the machine. Never reused within one machine, so
/// it stays meaningful after the handle value is reissued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId(pub u32);

impl core::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// One queued operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PendingOp {
    /// The function that started it.
    pub api: Api,
    /// True when a synchronous caller is blocked on it (a call in flight); false for an
    /// accepted asynchronous operation.
    pub blocking: bool,
    /// The argument the protocol rules looked at (re-checked when the operation
    /// reaches the head of its lane after a failure, protocol invariant P4).
    pub arg: CallArg,
}

/// One object behind a handle.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Object {
    kind: HandleKind,
    parent: Option<ObjectId>,
    value: HandleValue,
    open: bool,
    async_mode: bool,
    context: u64,
    callback: Option<CallbackId>,
    mask: u32,
    /// Delivered notifications whose callback has not returned.
    callbacks: u16,
    /// Children (and websockets) holding this object.
    kids: Vec<ObjectId>,
    queues: [VecDeque<PendingOp>; 2],
    /// Protocol state (see [`protocol`]).
    proto: ProtoState,
}

impl Object {
    /// Its kind.
    pub fn kind(&self) -> HandleKind {
        self.kind
    }
    /// Its lifetime parent.
    pub fn parent(&self) -> Option<ObjectId> {
        self.parent
    }
    /// The value it was issued (kept after close: late notifications carry it).
    pub fn value(&self) -> HandleValue {
        self.value
    }
    /// True until its handle is closed or invalidated.
    pub fn is_open(&self) -> bool {
        self.open
    }
    /// Asynchronous mode (inherited from the root).
    pub fn is_async(&self) -> bool {
        self.async_mode
    }
    /// Its context value.
    pub fn context(&self) -> u64 {
        self.context
    }
    /// Its status callback.
    pub fn callback(&self) -> Option<CallbackId> {
        self.callback
    }
    /// Its notification mask (WinHTTP).
    pub fn mask(&self) -> u32 {
        self.mask
    }
    /// Delivered notifications whose callback has not returned.
    pub fn running_callbacks(&self) -> u16 {
        self.callbacks
    }
    /// Children holding it.
    pub fn children(&self) -> u16 {
        u16::try_from(self.kids.len()).unwrap_or(u16::MAX)
    }
    /// The children (and websockets) holding it, in creation order.
    pub fn child_ids(&self) -> &[ObjectId] {
        &self.kids
    }
    /// The operations queued in `lane`, head first.
    pub fn queue(&self, lane: Lane) -> &VecDeque<PendingOp> {
        &self.queues[lane.index()]
    }
    /// Queued operations in both lanes.
    pub fn pending_ops(&self) -> usize {
        self.queues.iter().map(VecDeque::len).sum()
    }
    /// Its protocol state (see [`protocol`]).
    pub fn protocol(&self) -> ProtoState {
        self.proto
    }
    /// Everything holding the object alive; it is destroyed when this reaches zero.
    pub fn holds(&self) -> usize {
        usize::from(self.open) + self.pending_ops() + usize::from(self.callbacks) + self.kids.len()
    }
}

/// The lifecycle machine. See the [module docs](self) for the contract and the laws.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Machine {
    policy: Policy,
    values: ValueTable,
    objects: BTreeMap<ObjectId, Object>,
    next_object: u32,
    outputs: VecDeque<Output>,
    /// Destroyed objects whose value is still reserved (`ValueRelease::AtDestroy`, law 7):
    /// until their `HANDLE_CLOSING` is handed out when nobody receives it, or until its
    /// callback has returned when it is delivered — late callbacks may still carry the
    /// value (WI-R2).
    lingering: BTreeMap<ObjectId, HandleValue>,
    #[cfg(feature = "mutants")]
    mutant: Option<Mutant>,
}

/// What the end of an operation reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Finish {
    /// Progress, then the completion notification (or the blocked call's return).
    Full,
    /// Progress only: the call returns the result itself (synchronous inline).
    ProgressOnly,
    /// Nothing: a WinINet read served from its buffer (WI-R21).
    Silent,
}

/// What a close found, decided before anything changes.
#[must_use]
struct CloseDecision {
    object: ObjectId,
    /// The objects that lose their table entry, deepest first (post-order).
    invalidated: Vec<ObjectId>,
    io_outstanding: bool,
}

impl Machine {
    /// An empty machine under `policy`.
    pub fn new(policy: Policy) -> Machine {
        Machine {
            policy,
            values: ValueTable::new(policy.value_reuse, policy.max_handles),
            objects: BTreeMap::new(),
            next_object: 0,
            outputs: VecDeque::new(),
            lingering: BTreeMap::new(),
            #[cfg(feature = "mutants")]
            mutant: None,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The family.
    pub fn family(&self) -> Family {
        self.policy.family
    }

    /// The object `id`, while it exists.
    pub fn object(&self, id: ObjectId) -> Option<&Object> {
        self.objects.get(&id)
    }

    /// Every existing object, in identity order.
    pub fn objects(&self) -> impl Iterator<Item = (ObjectId, &Object)> {
        self.objects.iter().map(|(&id, o)| (id, o))
    }

    /// The handle table.
    pub fn values(&self) -> &ValueTable {
        &self.values
    }

    /// The live object a value addresses.
    pub fn resolve(&self, value: HandleValue) -> Option<ObjectId> {
        self.values.live(value)
    }

    /// True when no object and no value remain (law 11).
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty() && self.values.is_empty()
    }

    /// True when nothing waits on the environment: no queued operation, no callback
    /// running, no output undrained.
    pub fn is_quiescent(&self) -> bool {
        self.outputs.is_empty()
            && self.lingering.is_empty()
            && self
                .objects
                .values()
                .all(|o| o.pending_ops() == 0 && o.callbacks == 0)
    }

    /// The next output, in emission order.
    pub fn poll_output(&mut self) -> Option<Output> {
        #[cfg(feature = "mutants")]
        let output = if self.mutant == Some(Mutant::OutputsLifo) {
            self.outputs.pop_back()
        } else {
            self.outputs.pop_front()
        };
        #[cfg(not(feature = "mutants"))]
        let output = self.outputs.pop_front();
        // Law 7: a HANDLE_CLOSING nobody receives frees its reserved value as it leaves.
        if let Some(Output::Notify(n)) = output {
            if n.status == handle_closing(self.policy.family) && !n.needs_return {
                self.release_lingering(n.object);
            }
        }
        output
    }

    /// Destroyed objects whose `HANDLE_CLOSING` callback has not returned yet, with the
    /// value they keep reserved (`ValueRelease::AtDestroy`).
    pub fn lingering(&self) -> impl Iterator<Item = (ObjectId, HandleValue)> + '_ {
        self.lingering.iter().map(|(&id, &v)| (id, v))
    }

    fn release_lingering(&mut self, object: ObjectId) {
        if let Some(value) = self.lingering.remove(&object) {
            self.values.release(value);
        }
    }

    /// True when outputs wait to be drained.
    pub fn has_output(&self) -> bool {
        !self.outputs.is_empty()
    }

    /// Apply one input. API calls always answer with a [`Reply`] (rejections included);
    /// an environment event that does not match the state is an [`InputError`]. Either
    /// way a rejection leaves the state unchanged.
    pub fn handle_input(&mut self, input: Input) -> Result<Reply, InputError> {
        match input {
            Input::Open { api, async_mode } => self.transition_to_opened(api, async_mode),
            Input::Create {
                api,
                source,
                context,
            } => self.transition_to_created(api, source, context),
            Input::Call { api, handle } => self.transition_to_called(api, handle, CallArg::None),
            Input::CallWith { api, handle, arg } => self.transition_to_called(api, handle, arg),
            Input::Protocol { object, event } => self.transition_to_protocol_event(object, event),
            Input::Close { handle } => Ok(self.transition_to_closed(handle)),
            Input::SetStatusCallback {
                handle,
                callback,
                mask,
            } => Ok(self.set_status_callback(handle, callback, mask)),
            Input::SetContext { handle, context } => Ok(self.context_option(handle, Some(context))),
            Input::QueryContext { handle } => Ok(self.context_option(handle, None)),
            Input::Complete {
                object,
                lane,
                result,
            } => self.transition_to_completed(object, lane, result),
            Input::CallbackReturned { object } => self.transition_to_callback_returned(object),
        }
    }

    // ----- replies -------------------------------------------------------------------

    fn success_error(&self) -> Option<u32> {
        match self.policy.family {
            Family::WinHttp => Some(ERROR_SUCCESS),
            Family::WinInet => None,
        }
    }

    fn reject(&self, ret: Ret, code: Option<u32>, error: ApiError) -> Reply {
        Reply {
            ret,
            last_error: code,
            outcome: Outcome::Rejected(error),
        }
    }

    /// Classify a handle for a function: the live object, or the rejection.
    fn lookup(
        &self,
        value: HandleValue,
        accepts: impl Fn(HandleKind) -> bool,
        codes: (u32, u32, u32),
    ) -> Result<ObjectId, (u32, ApiError)> {
        if value.is_null() {
            return Err((codes.0, ApiError::NullHandle));
        }
        let Some(id) = self.values.live(value) else {
            return Err((codes.1, ApiError::InvalidHandle(value)));
        };
        let Some(kind) = self.objects.get(&id).map(|o| o.kind) else {
            return Err((codes.1, ApiError::InvalidHandle(value)));
        };
        if !accepts(kind) {
            #[cfg(feature = "mutants")]
            if self.mutant == Some(Mutant::WrongKindGivesInvalidHandle) {
                return Err((ERROR_INVALID_HANDLE, ApiError::WrongKind { value, kind }));
            }
            return Err((codes.2, ApiError::WrongKind { value, kind }));
        }
        Ok(id)
    }

    // ----- creation ------------------------------------------------------------------

    fn transition_to_opened(
        &mut self,
        api: CreateApi,
        async_mode: bool,
    ) -> Result<Reply, InputError> {
        if api.family() != self.policy.family {
            return Err(InputError::WrongFamily(api.name()));
        }
        if !api.is_root() {
            return Err(InputError::NotACreator(api.name()));
        }
        let rule = api.rule();
        match self.new_object(rule.child, None, async_mode, 0, None, 0) {
            Ok((object, value)) => Ok(Reply {
                ret: Ret::Handle(value),
                last_error: self.success_error(),
                outcome: Outcome::Created {
                    object,
                    kind: rule.child,
                    parent: None,
                    value,
                },
            }),
            Err(error) => Ok(self.reject(
                Ret::Handle(HandleValue::NULL),
                Some(out_of_handles(self.policy.family)),
                error,
            )),
        }
    }

    fn transition_to_created(
        &mut self,
        api: CreateApi,
        source: HandleValue,
        context: Option<u64>,
    ) -> Result<Reply, InputError> {
        if api.family() != self.policy.family {
            return Err(InputError::WrongFamily(api.name()));
        }
        if api.is_root() {
            return Err(InputError::NotACreator(api.name()));
        }
        let rule = api.rule();
        let null = Ret::Handle(HandleValue::NULL);
        let codes = (rule.invalid_handle, rule.invalid_handle, rule.wrong_kind);
        let src = match self.lookup(source, |k| rule.source.contains(&k), codes) {
            Ok(id) => id,
            Err((code, error)) => return Ok(self.reject(null, Some(code), error)),
        };
        if let Some(r) = protocol::decide(Call::Create(api), &self.facts(src, CallArg::None)) {
            match r.verdict {
                Verdict::Fail(code) | Verdict::FailInline(code) => {
                    return Ok(self.reject(null, Some(code), ApiError::Protocol(code)));
                }
                Verdict::PendCreate => {
                    // WI-R18: the handle comes with REQUEST_COMPLETE; the operation pends
                    // on the source and carries the new handle's context.
                    let op = PendingOp {
                        api: Api::InternetOpenUrl,
                        blocking: false,
                        arg: CallArg::Context(context.unwrap_or(0)),
                    };
                    self.enqueue(src, Lane::Main, op);
                    return Ok(Reply {
                        ret: null,
                        last_error: Some(ERROR_IO_PENDING),
                        outcome: Outcome::Pending {
                            object: src,
                            lane: Lane::Main,
                        },
                    });
                }
                Verdict::Proceed => {}
            }
        }
        let Some(src_obj) = self.objects.get(&src) else {
            return Ok(self.reject(null, Some(codes.1), ApiError::InvalidHandle(source)));
        };
        let parent = match rule.parent {
            LifetimeParent::None => None,
            LifetimeParent::Source => Some(src),
            LifetimeParent::SourceParent => src_obj.parent,
        };
        let inherited = if self.policy.inherit_context {
            src_obj.context
        } else {
            0
        };
        let ctx = context.unwrap_or(inherited);
        let (async_mode, callback, mask, src_ctx, src_value) = (
            src_obj.async_mode,
            src_obj.callback,
            src_obj.mask,
            src_obj.context,
            src_obj.value,
        );
        let (object, value) =
            match self.new_object(rule.child, parent, async_mode, ctx, callback, mask) {
                Ok(pair) => pair,
                Err(error) => {
                    return Ok(self.reject(null, Some(out_of_handles(self.policy.family)), error))
                }
            };
        let created = handle_created(self.policy.family);
        let info = Info::Handle(value);
        match rule.created {
            CreatedRouting::None => {}
            CreatedRouting::SourceWithSourceContext => {
                self.emit(src, src_value, src_ctx, created, info)
            }
            CreatedRouting::SourceWithChildContext => self.emit(src, src_value, ctx, created, info),
            CreatedRouting::Child => self.emit(object, value, ctx, created, info),
        }
        Ok(Reply {
            ret: Ret::Handle(value),
            last_error: self.success_error(),
            outcome: Outcome::Created {
                object,
                kind: rule.child,
                parent,
                value,
            },
        })
    }

    fn new_object(
        &mut self,
        kind: HandleKind,
        parent: Option<ObjectId>,
        async_mode: bool,
        context: u64,
        callback: Option<CallbackId>,
        mask: u32,
    ) -> Result<(ObjectId, HandleValue), ApiError> {
        let id = ObjectId(self.next_object);
        let next = self
            .next_object
            .checked_add(1)
            .ok_or(ApiError::OutOfHandles)?;
        let value = self.values.issue(id).ok_or(ApiError::OutOfHandles)?;
        self.next_object = next;
        if let Some(p) = parent {
            // The parent exists: it is the live source or the source's parent, which the
            // source holds (children hold their parent).
            if let Some(parent) = self.objects.get_mut(&p) {
                parent.kids.push(id);
            }
        }
        self.objects.insert(
            id,
            Object {
                kind,
                parent,
                value,
                open: true,
                async_mode,
                context,
                callback,
                mask: if self.policy.family == Family::WinInet {
                    u32::MAX
                } else {
                    mask
                },
                callbacks: 0,
                kids: Vec::new(),
                queues: [VecDeque::new(), VecDeque::new()],
                proto: ProtoState::new(kind),
            },
        );
        Ok((id, value))
    }

    // ----- calls ---------------------------------------------------------------------

    fn transition_to_called(
        &mut self,
        api: Api,
        handle: HandleValue,
        arg: CallArg,
    ) -> Result<Reply, InputError> {
        if api.family() != self.policy.family {
            return Err(InputError::WrongFamily(api.name()));
        }
        let rule = api.rule();
        let fail_ret = match rule.returns {
            ReturnStyle::Bool => |_| Ret::Bool(false),
            ReturnStyle::Dword => Ret::Dword,
        };
        let codes = (rule.null_handle, rule.invalid_handle, rule.wrong_kind);
        let object = match self.lookup(handle, |k| api.accepts(k), codes) {
            Ok(id) => id,
            Err((code, error)) => {
                #[cfg(feature = "mutants")]
                if self.mutant == Some(Mutant::RejectMutatesState) {
                    self.next_object += 1;
                }
                let last_error = match rule.returns {
                    ReturnStyle::Bool => Some(code),
                    ReturnStyle::Dword => None,
                };
                return Ok(self.reject(fail_ret(code), last_error, error));
            }
        };
        let ok_ret = match rule.returns {
            ReturnStyle::Bool => Ret::Bool(true),
            ReturnStyle::Dword => Ret::Dword(ERROR_SUCCESS),
        };
        let family = self.policy.family;
        let facts = self.facts(object, arg);
        let reject_state = |m: &Machine, code: u32| {
            let last_error = match rule.returns {
                ReturnStyle::Bool => Some(code),
                ReturnStyle::Dword => None,
            };
            m.reject(fail_ret(code), last_error, ApiError::Protocol(code))
        };
        // The protocol table decides (module `protocol`); no row: legal, no change.
        let decision = protocol::decide(Call::Api(api), &facts);
        match decision.map(|r| r.verdict) {
            Some(Verdict::Fail(code)) => return Ok(reject_state(self, code)),
            Some(Verdict::PendCreate) => {
                return Ok(reject_state(self, ERROR_INVALID_PARAMETER));
            }
            Some(Verdict::FailInline(code)) => {
                let Some(spec) = api.op_spec().filter(|_| facts.async_mode) else {
                    return Ok(reject_state(self, code));
                };
                // WH-R23 / WI-R22: accepted, and the error completion is delivered inside
                // the call (law 3: accepted and completed in this step).
                let (value, context) = self.value_context(object);
                let (status, info) = completion(family, api, spec, IoResult::Err(code), arg);
                self.emit(object, value, context, status, info);
                let (ret, last_error) = match family {
                    Family::WinHttp => (ok_ret, Some(ERROR_SUCCESS)),
                    Family::WinInet => (Ret::Bool(false), Some(code)),
                };
                return Ok(Reply {
                    ret,
                    last_error,
                    outcome: Outcome::CompletedInline { object },
                });
            }
            Some(Verdict::Proceed) | None => {}
        }
        let before = facts.state;
        if let Some(next) = decision.map(|r| r.next) {
            self.apply_next(object, &next, arg);
            if next.effect == Effect::CancelReceive {
                self.cancel_lane(object, Lane::Receive, Some(Api::WinHttpWebSocketReceive));
            }
        }
        let Shape::Operation(spec) = rule.shape else {
            // An immediate call; some emit progress on the calling thread (WI-R20).
            let (at_accept, _) = protocol::progress(api, facts.kind, &[]);
            let (value, context) = self.value_context(object);
            for &status in at_accept {
                self.emit(object, value, context, status, Info::None);
            }
            return Ok(Reply {
                ret: ok_ret,
                last_error: self.success_error(),
                outcome: Outcome::Done { object },
            });
        };
        let lane_empty = self
            .objects
            .get(&object)
            .is_some_and(|o| o.queues[spec.lane.index()].is_empty());
        let ready = lane_empty
            && match protocol::inline_when(api) {
                Some(InlineWhen::DataReady) => before.data_ready(),
                Some(InlineWhen::ReplyReady) => before.phase == Phase::ReplyReady,
                Some(InlineWhen::CloseReceived) => before.has(protocol::flag::CLOSE_RECEIVED),
                None => false,
            };
        let notify = facts.async_mode && family == Family::WinHttp;
        // An operation finishing inside its call reports success like an immediate call;
        // DWORD-returning (websocket) functions leave the last error alone, as when they
        // pend.
        let inline_error = match rule.returns {
            ReturnStyle::Bool => self.success_error(),
            ReturnStyle::Dword => None,
        };
        let depth = self.objects.get(&object).map_or(0, |o| o.callbacks);
        if ready && (!notify || depth < protocol::INLINE_NESTING_LIMIT) {
            let op = PendingOp {
                api,
                blocking: false,
                arg,
            };
            if notify {
                // WH-R20/R24/R40: the completion callback runs before the call returns.
                self.finish_op(object, op, IoResult::Ok(before.avail), true, Finish::Full);
                return Ok(Reply {
                    ret: ok_ret,
                    last_error: inline_error,
                    outcome: Outcome::CompletedInline { object },
                });
            }
            // Synchronous, or WinINet reading its buffer (WI-R21): returns at once with
            // no completion notification.
            let finish = match family {
                Family::WinHttp => Finish::ProgressOnly,
                Family::WinInet => Finish::Silent,
            };
            self.finish_op(object, op, IoResult::Ok(before.avail), true, finish);
            return Ok(Reply {
                ret: ok_ret,
                last_error: inline_error,
                outcome: Outcome::Done { object },
            });
        }
        let blocking = !facts.async_mode;
        let (at_accept, _) = protocol::progress(api, facts.kind, spec.progress);
        let (value, context) = self.value_context(object);
        for &status in at_accept {
            self.emit(object, value, context, status, Info::None);
        }
        self.enqueue(object, spec.lane, PendingOp { api, blocking, arg });
        if blocking {
            return Ok(Reply {
                ret: Ret::Blocked,
                last_error: None,
                outcome: Outcome::InFlight {
                    object,
                    lane: spec.lane,
                },
            });
        }
        // The asynchronous return convention of each family: WinHTTP returns TRUE with
        // last error 0 (WH-R22/R23), or ERROR_IO_PENDING for a queued read or
        // QueryDataAvailable (WH-R20); websocket functions return 0 (WH-R20); WinINet
        // returns FALSE with ERROR_IO_PENDING (WI-R18).
        let (ret, last_error) = match (family, rule.returns) {
            (Family::WinHttp, ReturnStyle::Bool)
                if protocol::WINHTTP_PENDING_997.contains(&api) =>
            {
                (Ret::Bool(true), Some(ERROR_IO_PENDING))
            }
            (Family::WinHttp, ReturnStyle::Bool) => (Ret::Bool(true), Some(ERROR_SUCCESS)),
            (Family::WinHttp, ReturnStyle::Dword) => (Ret::Dword(ERROR_SUCCESS), None),
            (Family::WinInet, _) => (Ret::Bool(false), Some(ERROR_IO_PENDING)),
        };
        Ok(Reply {
            ret,
            last_error,
            outcome: Outcome::Pending {
                object,
                lane: spec.lane,
            },
        })
    }

    /// The value and context notifications of `object` carry.
    fn value_context(&self, object: ObjectId) -> (HandleValue, u64) {
        self.objects
            .get(&object)
            .map_or((HandleValue::NULL, 0), |o| (o.value, o.context))
    }

    /// What the protocol table looks at for a call on `object` (invariant P1).
    fn facts(&self, object: ObjectId, arg: CallArg) -> Facts {
        let Some(obj) = self.objects.get(&object) else {
            // Callers pass a live object; a missing one decides like a fresh session.
            return Facts {
                kind: HandleKind::InternetRoot,
                state: ProtoState::new(HandleKind::InternetRoot),
                async_mode: false,
                lanes_busy: [false, false],
                ftp_busy: false,
                arg,
            };
        };
        let ftp_busy = obj.kind == HandleKind::InternetConnect(Service::Ftp)
            && self.objects.values().any(|c| {
                c.parent == Some(object)
                    && c.open
                    && matches!(c.kind, HandleKind::FtpFile | HandleKind::FtpFind)
            });
        Facts {
            kind: obj.kind,
            state: obj.proto,
            async_mode: obj.async_mode,
            lanes_busy: [!obj.queues[0].is_empty(), !obj.queues[1].is_empty()],
            ftp_busy,
            arg,
        }
    }

    /// Apply an accepted row's next state (phase and flags).
    fn apply_next(&mut self, object: ObjectId, next: &protocol::Next, arg: CallArg) {
        let Some(obj) = self.objects.get_mut(&object) else {
            return;
        };
        if let Some(phase) = next.phase {
            obj.proto.phase = phase;
        }
        obj.proto.flags = protocol::next_flags(obj.proto.flags, next, arg);
        if next.effect == Effect::ResetResponse {
            obj.proto.avail = 0;
        }
    }

    /// The protocol side of an operation's end (invariant P4) and its data accounting:
    /// a read consumes the buffered data; a receive (or a send that read the reply)
    /// reports the HTTP status code as its count, and 401/407 mark a challenge.
    fn complete_protocol(&mut self, object: ObjectId, op: PendingOp, result: IoResult, last: bool) {
        let Some(obj) = self.objects.get_mut(&object) else {
            return;
        };
        let phase = obj.proto.phase;
        obj.proto.flags &= !protocol::flag::CONNECT_REPORTED;
        let rule = protocol::completion_rule(op.api, phase);
        match result {
            IoResult::Ok(n) => {
                if matches!(
                    op.api,
                    Api::WinHttpReadData | Api::InternetReadFile | Api::InternetReadFileEx
                ) {
                    obj.proto.avail = 0;
                }
                if matches!(
                    op.api,
                    Api::WinHttpReceiveResponse | Api::WinHttpSendRequest
                ) && (n == HTTP_STATUS_DENIED || n == HTTP_STATUS_PROXY_AUTH_REQ)
                {
                    obj.proto.flags |= protocol::flag::CHALLENGED;
                }
                if let Some(r) = rule.filter(|r| last && r.from.contains(&phase)) {
                    obj.proto.phase = r.ok;
                }
            }
            IoResult::Err(_) => {
                if let Some(err) = rule.and_then(|r| r.err) {
                    obj.proto.phase = err;
                }
            }
        }
    }

    /// End one operation (already out of its queue): protocol transitions, progress
    /// (law 12), then the completion (law 3) — a notification, or the blocked call's
    /// return. `last`: nothing is queued behind it. `finish`: what is reported (see
    /// [`Finish`]). Returns the creation outcome of an asynchronous `InternetOpenUrl`.
    fn finish_op(
        &mut self,
        object: ObjectId,
        op: PendingOp,
        result: IoResult,
        last: bool,
        finish: Finish,
    ) -> Option<Outcome> {
        let progress = finish != Finish::Silent;
        if op.api == Api::InternetOpenUrl {
            return self.finish_open_url(object, op, result);
        }
        self.complete_protocol(object, op, result, last);
        let obj = self.objects.get(&object)?;
        let (value, context, kind, family) = (obj.value, obj.context, obj.kind, self.policy.family);
        let spec = op.api.op_spec();
        if let (Some(spec), IoResult::Ok(n), true) = (spec, result, progress) {
            let (_, statuses) = protocol::progress(op.api, kind, spec.progress);
            let info_of = |status: u32| {
                if family == Family::WinInet && status == wininet::RESPONSE_RECEIVED {
                    Info::Bytes(n)
                } else {
                    Info::None
                }
            };
            #[cfg(feature = "mutants")]
            if self.mutant == Some(Mutant::ProgressOutOfOrder) {
                for &status in statuses.iter().rev() {
                    self.emit(object, value, context, status, info_of(status));
                }
            }
            #[cfg(feature = "mutants")]
            let skip = self.mutant == Some(Mutant::ProgressOutOfOrder);
            #[cfg(not(feature = "mutants"))]
            let skip = false;
            // Law 12: progress in protocol order, before the completion.
            for &status in statuses.iter().filter(|_| !skip) {
                self.emit(object, value, context, status, info_of(status));
            }
        }
        if finish != Finish::Full {
            // Returned by the call itself: no completion to report.
        } else if op.blocking {
            self.outputs.push_back(Output::CallReturned {
                object,
                api: op.api,
                result,
            });
        } else if let Some(spec) = spec {
            // Law 3: the one completion of this operation.
            let (status, info) = completion(family, op.api, spec, result, op.arg);
            self.emit(object, value, context, status, info);
            #[cfg(feature = "mutants")]
            if self.mutant == Some(Mutant::CompletionTwice) {
                self.emit(object, value, context, status, info);
            }
        }
        None
    }

    /// The end of an asynchronous `InternetOpenUrl` pending on the root `object`: on
    /// success the handle is created now, `HANDLE_CREATED` is routed as for any
    /// `InternetOpenUrl`, and `REQUEST_COMPLETE` carries the handle as `dwResult`, with
    /// the context given to `InternetOpenUrl` (WI-R18, WI-R19). A root closed meanwhile
    /// cancels the creation.
    fn finish_open_url(
        &mut self,
        object: ObjectId,
        op: PendingOp,
        result: IoResult,
    ) -> Option<Outcome> {
        let ctx = match op.arg {
            CallArg::Context(c) => c,
            _ => 0,
        };
        let family = self.policy.family;
        let root = self.objects.get(&object)?;
        let (value, open, async_mode, callback, mask) = (
            root.value,
            root.open,
            root.async_mode,
            root.callback,
            root.mask,
        );
        let mut error = match result {
            IoResult::Err(e) => e,
            IoResult::Ok(_) if !open => operation_cancelled(family),
            IoResult::Ok(_) => ERROR_SUCCESS,
        };
        let mut created = None;
        if error == ERROR_SUCCESS {
            let kind = CreateApi::InternetOpenUrl.rule().child;
            match self.new_object(kind, Some(object), async_mode, ctx, callback, mask) {
                Ok((child, child_value)) => {
                    let status = handle_created(family);
                    self.emit(object, value, ctx, status, Info::Handle(child_value));
                    self.emit(
                        object,
                        value,
                        ctx,
                        wininet::REQUEST_COMPLETE,
                        Info::InternetResult {
                            result: u64::from(child_value.0),
                            error: ERROR_SUCCESS,
                        },
                    );
                    created = Some(Outcome::Created {
                        object: child,
                        kind,
                        parent: Some(object),
                        value: child_value,
                    });
                }
                Err(_) => error = out_of_handles(family),
            }
        }
        if created.is_none() {
            self.emit(
                object,
                value,
                ctx,
                wininet::REQUEST_COMPLETE,
                Info::InternetResult { result: 0, error },
            );
        }
        created
    }

    /// Start the operation at the head of `lane`. After a failure (`recheck`), each head
    /// is decided again by the protocol table first: one that is no longer legal
    /// completes at once with its error (invariant P4).
    fn start_head(&mut self, object: ObjectId, lane: Lane, recheck: bool) {
        let family = self.policy.family;
        loop {
            let Some(obj) = self.objects.get(&object) else {
                return;
            };
            let Some(&head) = obj.queues[lane.index()].front() else {
                return;
            };
            if recheck {
                let mut facts = self.facts(object, head.arg);
                // Judge the head as if it were being called now, behind nothing.
                facts.lanes_busy[lane.index()] = obj.queues[lane.index()].len() > 1;
                let decision = protocol::decide(Call::Api(head.api), &facts);
                match decision.map(|r| r.verdict) {
                    Some(Verdict::Fail(code)) | Some(Verdict::FailInline(code)) => {
                        let (value, context) = (obj.value, obj.context);
                        if let Some(o) = self.objects.get_mut(&object) {
                            o.queues[lane.index()].pop_front();
                        }
                        if head.blocking {
                            self.outputs.push_back(Output::CallReturned {
                                object,
                                api: head.api,
                                result: IoResult::Err(code),
                            });
                        } else if let Some(spec) = head.api.op_spec() {
                            let (status, info) =
                                completion(family, head.api, spec, IoResult::Err(code), head.arg);
                            self.emit(object, value, context, status, info);
                        }
                        continue;
                    }
                    _ => {
                        if let Some(next) = decision.map(|r| r.next) {
                            self.apply_next(object, &next, head.arg);
                        }
                    }
                }
            }
            self.outputs.push_back(Output::StartIo {
                object,
                lane,
                api: head.api,
            });
            return;
        }
    }

    /// A protocol fact from the executor ([`ProtocolEvent`]).
    fn transition_to_protocol_event(
        &mut self,
        object: ObjectId,
        event: ProtocolEvent,
    ) -> Result<Reply, InputError> {
        let bad = InputError::UnexpectedEvent(object);
        let family = self.policy.family;
        let obj = self.objects.get_mut(&object).ok_or(bad)?;
        let streams = matches!(
            obj.kind,
            HandleKind::WinHttpRequest
                | HandleKind::HttpRequest
                | HandleKind::UrlResource
                | HandleKind::FtpFile
                | HandleKind::GopherFile
        );
        match event {
            ProtocolEvent::DataBuffered(n) if streams => obj.proto.avail = n,
            ProtocolEvent::EndOfData if streams => obj.proto.flags |= protocol::flag::EOF,
            ProtocolEvent::Redirect => {
                let head = obj.queues[Lane::Main.index()]
                    .front()
                    .copied()
                    .filter(|op| {
                        matches!(
                            op.api,
                            Api::WinHttpReceiveResponse
                                | Api::HttpSendRequest
                                | Api::HttpEndRequest
                        )
                    })
                    .ok_or(bad)?;
                let (value, context) = (obj.value, obj.context);
                let progress = head.api.op_spec().map_or(&[][..], |s| s.progress);
                let (sending, sent, redirect) = match family {
                    Family::WinHttp => (
                        winhttp::SENDING_REQUEST,
                        winhttp::REQUEST_SENT,
                        winhttp::REDIRECT,
                    ),
                    Family::WinInet => (
                        wininet::SENDING_REQUEST,
                        wininet::REQUEST_SENT,
                        wininet::REDIRECT,
                    ),
                };
                obj.proto.flags &= !protocol::flag::CONNECT_REPORTED;
                // WH-R31 / WI-R20: the response so far, REDIRECT, then the re-send.
                for &status in progress {
                    self.emit(object, value, context, status, Info::None);
                }
                self.emit(object, value, context, redirect, Info::None);
                if progress.first() != Some(&sending) {
                    self.emit(object, value, context, sending, Info::None);
                    self.emit(object, value, context, sent, Info::None);
                }
            }
            ProtocolEvent::Connecting { resolve } => {
                let sending = obj.queues[Lane::Main.index()].front().is_some_and(|op| {
                    matches!(
                        op.api,
                        Api::WinHttpSendRequest | Api::HttpSendRequest | Api::HttpSendRequestEx
                    )
                });
                if !sending || obj.proto.has(protocol::flag::CONNECT_REPORTED) {
                    return Err(bad);
                }
                obj.proto.flags |= protocol::flag::CONNECT_REPORTED;
                let (value, context) = (obj.value, obj.context);
                let statuses: [u32; 4] = match family {
                    Family::WinHttp => [
                        winhttp::RESOLVING_NAME,
                        winhttp::NAME_RESOLVED,
                        winhttp::CONNECTING_TO_SERVER,
                        winhttp::CONNECTED_TO_SERVER,
                    ],
                    Family::WinInet => [
                        wininet::RESOLVING_NAME,
                        wininet::NAME_RESOLVED,
                        wininet::CONNECTING_TO_SERVER,
                        wininet::CONNECTED_TO_SERVER,
                    ],
                };
                // WH-R30 / WI-R20: [resolve] connect, before the send progress (law 12).
                let skip = if resolve { 0 } else { 2 };
                for &status in &statuses[skip..] {
                    self.emit(object, value, context, status, Info::None);
                }
            }
            ProtocolEvent::ConnectionClosed
                if matches!(
                    obj.kind,
                    HandleKind::WinHttpRequest | HandleKind::HttpRequest | HandleKind::UrlResource
                ) =>
            {
                let (value, context) = (obj.value, obj.context);
                let (closing, closed) = match family {
                    Family::WinHttp => (winhttp::CLOSING_CONNECTION, winhttp::CONNECTION_CLOSED),
                    Family::WinInet => (wininet::CLOSING_CONNECTION, wininet::CONNECTION_CLOSED),
                };
                self.emit(object, value, context, closing, Info::None);
                self.emit(object, value, context, closed, Info::None);
            }
            ProtocolEvent::Frame { buffer_type, bytes }
                if obj.kind == HandleKind::WinHttpWebSocket =>
            {
                let queue = &mut obj.queues[Lane::Receive.index()];
                let head = queue.front().copied().ok_or(bad)?;
                let fits = match head.api {
                    Api::WinHttpWebSocketReceive => true,
                    Api::WinHttpWebSocketClose => buffer_type == WsBufferType::Close,
                    _ => false,
                };
                if !fits {
                    return Err(bad);
                }
                queue.pop_front();
                let last = queue.is_empty();
                if buffer_type == WsBufferType::Close {
                    obj.proto.flags |= protocol::flag::CLOSE_RECEIVED;
                }
                let op = PendingOp {
                    arg: CallArg::WsBuffer(buffer_type),
                    ..head
                };
                self.finish_op(object, op, IoResult::Ok(bytes), last, Finish::Full);
                self.start_head(object, Lane::Receive, false);
                self.destroy_if_unheld(object);
            }
            _ => return Err(bad),
        }
        Ok(Reply {
            ret: Ret::None,
            last_error: None,
            outcome: Outcome::Event,
        })
    }

    fn enqueue(&mut self, object: ObjectId, lane: Lane, op: PendingOp) {
        let Some(obj) = self.objects.get_mut(&object) else {
            return;
        };
        let queue = &mut obj.queues[lane.index()];
        queue.push_back(op);
        // One FIFO queue per lane (WH-R19): only the head does I/O.
        if queue.len() == 1 {
            self.outputs.push_back(Output::StartIo {
                object,
                lane,
                api: op.api,
            });
        }
    }

    fn transition_to_completed(
        &mut self,
        object: ObjectId,
        lane: Lane,
        result: IoResult,
    ) -> Result<Reply, InputError> {
        let missing = InputError::NoPendingOperation { object, lane };
        let obj = self.objects.get_mut(&object).ok_or(missing)?;
        let op = obj.queues[lane.index()].pop_front().ok_or(missing)?;
        let last = obj.queues[lane.index()].is_empty();
        let created = self.finish_op(object, op, result, last, Finish::Full);
        self.start_head(object, lane, matches!(result, IoResult::Err(_)));
        self.destroy_if_unheld(object);
        Ok(Reply {
            ret: Ret::None,
            last_error: None,
            outcome: created.unwrap_or(Outcome::Event),
        })
    }

    fn transition_to_callback_returned(&mut self, object: ObjectId) -> Result<Reply, InputError> {
        if !self.objects.contains_key(&object) && self.lingering.contains_key(&object) {
            // The HANDLE_CLOSING callback returned: the reserved value is free (law 7).
            self.release_lingering(object);
            return Ok(Reply {
                ret: Ret::None,
                last_error: None,
                outcome: Outcome::Event,
            });
        }
        #[cfg(feature = "mutants")]
        if self.mutant == Some(Mutant::CallbackHoldIgnored) {
            // The planted bug took no hold, so there is nothing to release.
            return Ok(Reply {
                ret: Ret::None,
                last_error: None,
                outcome: Outcome::Event,
            });
        }
        let obj = self
            .objects
            .get_mut(&object)
            .filter(|o| o.callbacks > 0)
            .ok_or(InputError::NoRunningCallback(object))?;
        obj.callbacks -= 1;
        // Law 9: a close made inside the callback destroys the object only now.
        self.destroy_if_unheld(object);
        Ok(Reply {
            ret: Ret::None,
            last_error: None,
            outcome: Outcome::Event,
        })
    }

    // ----- close ---------------------------------------------------------------------

    fn decide_close(&self, handle: HandleValue) -> Result<CloseDecision, ApiError> {
        let object = match self.lookup(handle, |_| true, (0, 0, 0)) {
            Ok(id) => id,
            Err((_, error)) => return Err(error),
        };
        let mut invalidated = Vec::new();
        let cascade = self.policy.parent_close == ParentClose::Cascade;
        #[cfg(feature = "mutants")]
        let cascade = cascade && self.mutant != Some(Mutant::NoCascade);
        if cascade {
            self.post_order(object, &mut invalidated);
        } else {
            invalidated.push(object);
        }
        // Seed 000: "If GetLastError returns ERROR_IO_PENDING, there were outstanding
        // requests when the handle was closed" — the handle or any of its children.
        let mut subtree = Vec::new();
        self.post_order(object, &mut subtree);
        let io_outstanding = subtree
            .iter()
            .filter_map(|id| self.objects.get(id))
            .any(|o| o.pending_ops() > 0);
        Ok(CloseDecision {
            object,
            invalidated,
            io_outstanding,
        })
    }

    /// The open descendants of `root` and `root` itself, deepest first.
    fn post_order(&self, root: ObjectId, out: &mut Vec<ObjectId>) {
        if let Some(obj) = self.objects.get(&root) {
            for &child in &obj.kids {
                if self.objects.get(&child).is_some_and(|c| c.open) {
                    self.post_order(child, out);
                }
            }
        }
        out.push(root);
    }

    fn transition_to_closed(&mut self, handle: HandleValue) -> Reply {
        let decision = match self.decide_close(handle) {
            Ok(d) => d,
            Err(error) => {
                return self.reject(Ret::Bool(false), Some(ERROR_INVALID_HANDLE), error);
            }
        };
        let reserve = self.policy.value_release == ValueRelease::AtDestroy;
        #[cfg(feature = "mutants")]
        let reserve = reserve && self.mutant != Some(Mutant::ReleaseReservedAtClose);
        for &id in &decision.invalidated {
            let Some(obj) = self.objects.get_mut(&id) else {
                continue;
            };
            #[cfg(feature = "mutants")]
            if self.mutant == Some(Mutant::CloseKeepsValue) && id == decision.object {
                obj.open = false;
                self.cancel_operations(id);
                continue;
            }
            obj.open = false;
            let value = obj.value;
            self.values.close(value, reserve);
            self.cancel_operations(id);
        }
        #[cfg(feature = "mutants")]
        if self.mutant == Some(Mutant::ClosingDespitePending) {
            for &id in &decision.invalidated {
                if let Some(obj) = self.objects.get_mut(&id) {
                    obj.queues = [VecDeque::new(), VecDeque::new()];
                    obj.callbacks = 0;
                }
            }
        }
        for &id in &decision.invalidated {
            self.destroy_if_unheld(id);
        }
        let last_error = match self.policy.family {
            Family::WinHttp => Some(ERROR_SUCCESS),
            Family::WinInet if self.policy.close_reports_io_pending && decision.io_outstanding => {
                Some(ERROR_IO_PENDING)
            }
            Family::WinInet => None,
        };
        Reply {
            ret: Ret::Bool(true),
            last_error,
            outcome: Outcome::Closed {
                object: decision.object,
            },
        }
    }

    /// Cancel the operations a close cancels (websocket operations, WH-R40): each
    /// completes now with `REQUEST_ERROR`/`OPERATION_CANCELLED` (law 3), before the
    /// object's `HANDLE_CLOSING`.
    fn cancel_operations(&mut self, object: ObjectId) {
        for lane in Lane::ALL {
            let cancel = self
                .objects
                .get(&object)
                .and_then(|o| o.queues[lane.index()].front())
                .and_then(|op| op.api.op_spec())
                .is_some_and(|s| s.cancel_on_close);
            if cancel {
                self.cancel_lane(object, lane, None);
            }
        }
    }

    /// Cancel every operation in `lane` (only if its head is `only`, when given): the
    /// head's I/O is abandoned and each completes with `OPERATION_CANCELLED`.
    fn cancel_lane(&mut self, object: ObjectId, lane: Lane, only: Option<Api>) {
        let family = self.policy.family;
        let Some(obj) = self.objects.get_mut(&object) else {
            return;
        };
        let queue = &mut obj.queues[lane.index()];
        if only.is_some_and(|api| queue.front().map(|op| op.api) != Some(api)) {
            return;
        }
        let ops: Vec<PendingOp> = queue.drain(..).collect();
        let (value, context) = (obj.value, obj.context);
        if let Some(head) = ops.first() {
            self.outputs.push_back(Output::CancelIo {
                object,
                lane,
                api: head.api,
            });
        }
        #[cfg(feature = "mutants")]
        if self.mutant == Some(Mutant::CancelWithoutCompletion) {
            return;
        }
        let result = IoResult::Err(operation_cancelled(family));
        for op in ops {
            if op.blocking {
                self.outputs.push_back(Output::CallReturned {
                    object,
                    api: op.api,
                    result,
                });
            } else if let Some(spec) = op.api.op_spec() {
                let (status, info) = completion(family, op.api, spec, result, op.arg);
                self.emit(object, value, context, status, info);
            }
        }
    }

    /// Destroy `id` if nothing holds it, then its parent if that was its last hold
    /// (laws 1, 6, 11).
    fn destroy_if_unheld(&mut self, id: ObjectId) {
        let mut current = Some(id);
        while let Some(id) = current.take() {
            let Some(obj) = self.objects.get(&id) else {
                return;
            };
            #[cfg(feature = "mutants")]
            if self.mutant == Some(Mutant::ParentClosingFirst)
                && obj.holds() - obj.kids.len() == 0
                && obj.holds() > 0
            {
                let (value, context) = (obj.value, obj.context);
                self.emit(
                    id,
                    value,
                    context,
                    handle_closing(self.policy.family),
                    Info::Handle(value),
                );
                if let Some(o) = self.objects.get_mut(&id) {
                    o.callbacks = 0;
                }
                return;
            }
            if obj.holds() > 0 {
                return;
            }
            let (value, context, parent) = (obj.value, obj.context, obj.parent);
            let closing = handle_closing(self.policy.family);
            // Law 1: the one HANDLE_CLOSING of this object, its last output (law 2).
            self.emit(id, value, context, closing, Info::Handle(value));
            #[cfg(feature = "mutants")]
            if self.mutant == Some(Mutant::ClosingTwice) {
                self.emit(id, value, context, closing, Info::Handle(value));
            }
            self.objects.remove(&id);
            if self.policy.value_release == ValueRelease::AtDestroy {
                // Law 7: still reserved until the HANDLE_CLOSING just emitted is handed
                // out (nobody receives it) or its callback returns.
                self.lingering.insert(id, value);
            } else {
                self.values.release(value);
            }
            if let Some(p) = parent {
                #[cfg(feature = "mutants")]
                if self.mutant == Some(Mutant::ParentHoldLeaked) {
                    return;
                }
                if let Some(parent) = self.objects.get_mut(&p) {
                    parent.kids.retain(|&k| k != id);
                    current = Some(p);
                }
            }
        }
    }

    // ----- callbacks and context -----------------------------------------------------

    fn set_status_callback(
        &mut self,
        handle: HandleValue,
        callback: Option<CallbackId>,
        mask: u32,
    ) -> Reply {
        let invalid = Ret::Callback(CallbackRet::Invalid);
        let object = match self.lookup(handle, |_| true, (0, 0, 0)) {
            Ok(id) => id,
            Err((_, error)) => {
                // WH-R8/R17: WinHTTP sets 6; WinINet leaves the last error (WI-R10).
                let code = match self.policy.family {
                    Family::WinHttp => Some(ERROR_INVALID_HANDLE),
                    Family::WinInet => None,
                };
                return self.reject(invalid, code, error);
            }
        };
        let family = self.policy.family;
        let success = self.success_error();
        let Some(obj) = self.objects.get_mut(&object) else {
            return self.reject(invalid, None, ApiError::InvalidHandle(handle));
        };
        let previous = obj.callback;
        obj.callback = callback;
        if family == Family::WinHttp {
            obj.mask = mask;
        }
        Reply {
            ret: Ret::Callback(CallbackRet::Previous(previous)),
            last_error: success,
            outcome: Outcome::Done { object },
        }
    }

    fn context_option(&mut self, handle: HandleValue, set: Option<u64>) -> Reply {
        let api = match (self.policy.family, set.is_some()) {
            (Family::WinHttp, true) => Api::WinHttpSetOption,
            (Family::WinHttp, false) => Api::WinHttpQueryOption,
            (Family::WinInet, true) => Api::InternetSetOption,
            (Family::WinInet, false) => Api::InternetQueryOption,
        };
        let rule = api.rule();
        let codes = (rule.null_handle, rule.invalid_handle, rule.wrong_kind);
        let object = match self.lookup(handle, |_| true, codes) {
            Ok(id) => id,
            Err((code, error)) => return self.reject(Ret::Bool(false), Some(code), error),
        };
        let success = self.success_error();
        let Some(obj) = self.objects.get_mut(&object) else {
            return self.reject(
                Ret::Bool(false),
                Some(ERROR_INVALID_HANDLE),
                ApiError::InvalidHandle(handle),
            );
        };
        let outcome = match set {
            Some(context) => {
                obj.context = context;
                Outcome::Done { object }
            }
            None => Outcome::Context {
                object,
                context: obj.context,
            },
        };
        Reply {
            ret: Ret::Bool(true),
            last_error: success,
            outcome,
        }
    }

    // ----- emission ------------------------------------------------------------------

    /// Queue one notification through `object`, deciding its delivery (WH-R18, WI-R12)
    /// and taking the callback hold that law 9 relies on.
    fn emit(
        &mut self,
        object: ObjectId,
        handle: HandleValue,
        context: u64,
        status: u32,
        info: Info,
    ) {
        let family = self.policy.family;
        let drop_zero = self.policy.drop_zero_context;
        let closing = status == handle_closing(family);
        let linger = self.policy.value_release == ValueRelease::AtDestroy;
        let Some(obj) = self.objects.get_mut(&object) else {
            return;
        };
        let masked_out = family == Family::WinHttp && obj.mask & status == 0;
        let callback = obj
            .callback
            .filter(|_| !(masked_out || (drop_zero && context == 0)));
        // A delivered HANDLE_CLOSING holds nothing (the object is gone), but under
        // `AtDestroy` its return frees the reserved value (law 7).
        let needs_return = callback.is_some() && (!closing || linger);
        let hold = needs_return && !closing;
        #[cfg(feature = "mutants")]
        let hold = hold && self.mutant != Some(Mutant::CallbackHoldIgnored);
        if hold {
            obj.callbacks += 1;
        }
        self.outputs.push_back(Output::Notify(Notification {
            object,
            handle,
            context,
            status,
            info,
            callback,
            needs_return,
        }));
    }

    #[cfg(feature = "mutants")]
    /// A machine with a deliberately planted bug, for checking that the checkers catch it.
    pub fn with_mutant(policy: Policy, mutant: Mutant) -> Machine {
        let mut m = Machine::new(policy);
        m.mutant = Some(mutant);
        m
    }
}

/// The completion notification of an operation of `spec` ending with `result`.
fn completion(
    family: Family,
    api: Api,
    spec: OpSpec,
    result: IoResult,
    arg: CallArg,
) -> (u32, Info) {
    match (family, result) {
        // WH-R41 / §2.5: websocket reads and writes report WINHTTP_WEB_SOCKET_STATUS.
        (Family::WinHttp, IoResult::Ok(bytes))
            if matches!(
                spec.success,
                winhttp::READ_COMPLETE | winhttp::WRITE_COMPLETE
            ) && spec.ws_operation.is_some() =>
        {
            let buffer_type = match arg {
                CallArg::WsBuffer(t) => t,
                _ => WsBufferType::BinaryMessage,
            };
            (spec.success, Info::WebSocketStatus { bytes, buffer_type })
        }
        (Family::WinHttp, IoResult::Ok(bytes)) => {
            let info = if matches!(
                spec.success,
                winhttp::DATA_AVAILABLE | winhttp::READ_COMPLETE | winhttp::WRITE_COMPLETE
            ) {
                Info::Bytes(bytes)
            } else {
                Info::None
            };
            (spec.success, info)
        }
        (Family::WinHttp, IoResult::Err(error)) => {
            let info = match spec.ws_operation {
                Some(operation) => Info::WebSocketResult {
                    result: spec.api_id,
                    error,
                    operation,
                },
                None => Info::AsyncResult {
                    api: spec.api_id,
                    error,
                },
            };
            (winhttp::REQUEST_ERROR, info)
        }
        // WI-R19: dwResult 1 and dwError 0 on success (the byte count in dwError after
        // InternetQueryDataAvailable, carried here as the Ok value); 0 and the code on
        // failure.
        (Family::WinInet, IoResult::Ok(bytes)) => (
            wininet::REQUEST_COMPLETE,
            Info::InternetResult {
                result: 1,
                error: if api == Api::InternetQueryDataAvailable {
                    bytes
                } else {
                    ERROR_SUCCESS
                },
            },
        ),
        (Family::WinInet, IoResult::Err(error)) => (
            wininet::REQUEST_COMPLETE,
            Info::InternetResult { result: 0, error },
        ),
    }
}
