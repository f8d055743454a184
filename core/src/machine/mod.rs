//! The pure lifecycle machine: one value that owns every handle, object, pending
//! operation and queued output.
//!
//! # Contract
//!
//! Feed one [`Input`] with [`Machine::handle_input`]; it answers synchronously with a
//! [`Reply`] (the Win32 return value, last error and what happened). Then drain
//! [`Machine::poll_output`] until it returns `None` before the next input — the
//! [`drain`](fn@crate::drain) helper does exactly that and is what the tests, the model
//! and the engine use. Rejected API calls change nothing but the reply (law 8).
//!
//! Time, threads and sockets are not here: I/O is requested through
//! [`Output::StartIo`] (naming the operation's [`OpId`]) and its end reported with
//! [`Input::Complete`] naming that same operation; a delivered
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
//! 13. A completion names its operation: the executor's [`Input::Complete`] completes
//!     exactly the operation whose [`OpId`] it names (the started head of one of the
//!     object's lanes); a late completion for an operation already cancelled or finished
//!     is answered [`Outcome::Stale`], changes nothing (the machine is `==` before and
//!     after, outputs included) and never completes another operation.
//!
//! # Operations and completions
//!
//! Every accepted operation gets an [`OpId`] from a counter ([`Machine::next_op`]):
//! pending, in flight (a blocked synchronous caller) or completed inside its call. Ids
//! are never reused. The id travels in the reply's [`Outcome`], [`Output::StartIo`],
//! [`Output::CancelIo`], [`Output::CallReturned`] and the executor's
//! [`Input::Complete`]. A completion is typed ([`Completion`]: an HTTP status, bytes, a
//! websocket frame, done, or an error) and must fit its function ([`COMPLETION_FIT`]);
//! a read also fits its buffer ([`CallArg::Buffer`]). A websocket frame completes the
//! pending receive with [`Completion::WebSocket`]; the peer's close frame answering a
//! pending `WinHttpWebSocketClose` completes that close with a `Close` frame (or `Done`).
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
mod call;
mod canon;
mod close;
mod codes;
mod create;
mod io;
mod kind;
mod notify;
mod object;
mod operation;
mod policy;
pub mod protocol;
mod store;
mod symmetry;
mod values;

mod mutants;

pub use api::{
    Api, ApiRule, BadHandleCodes, CompletionFit, Lane, OpSpec, ReturnStyle, Shape, API_TABLE,
    COMPLETION_FIT,
};
pub use canon::{renamed_object, ObjectRenaming};
pub use codes::*;
pub use io::{
    ApiError, CallArg, CallbackId, CallbackRet, Completion, Info, Input, InputError, Notification,
    ObjectList, Outcome, Output, ProtocolEvent, Reply, Ret, WsBufferType,
};
pub use protocol::{Phase, ProtoState};

pub use kind::{
    CreateApi, CreateRule, CreatedRouting, Family, HandleKind, LifetimeParent, Service, HIERARCHY,
};
pub use mutants::Mutant;
use mutants::Planted;
use object::MaybeObject;
pub use object::{Object, ObjectId, OpId, PendingOp, Queues, KIDS_INLINE};
pub use policy::{ParentClose, Policy, ValueRelease, ValueReuse, STRICT_MAX_SLOTS};
use protocol::{Call, Effect, Facts, Verdict};
pub use store::{LaneQueue, VecMap, LANE_INLINE};
pub use symmetry::{check_value_permutation, renamed_value, PermuteError, ValuePermutation};
pub use values::{HandleValue, SlotState, ValueTable};

use alloc::collections::VecDeque;
use smallvec::SmallVec;

/// The lifecycle machine. See the [module docs](self) for the contract and the laws.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Machine {
    policy: Policy,
    values: ValueTable,
    /// Every existing object, sorted by id (ids are issued in increasing order, so a
    /// creation appends).
    objects: VecMap<ObjectId, Object>,
    /// The children (and websockets) of every object that has some, in creation order
    /// (the children index: a close walks only its subtree). An object with no child has
    /// no entry, so equal states have equal indexes; its [`Object::children`] count is
    /// the length of its list.
    children: VecMap<ObjectId, SmallVec<[ObjectId; KIDS_INLINE]>>,
    next_object: u32,
    /// The identity the next accepted operation gets (ids are never reused).
    next_op: u32,
    outputs: VecDeque<Output>,
    /// Destroyed objects whose value is still reserved (`ValueRelease::AtDestroy`, law 7):
    /// until their `HANDLE_CLOSING` is handed out when nobody receives it, or until its
    /// callback has returned when it is delivered — late callbacks may still carry the
    /// value (WI-R2).
    lingering: VecMap<ObjectId, HandleValue>,
    /// The planted bug, if any (zero-sized and never set without the `mutants` feature).
    planted: Planted,
}

/// Field by field; [`Clone::clone_from`] reuses the tables' buffers, so refilling a
/// working copy (the model checker does it for every successor it generates) allocates
/// nothing once the buffers are large enough.
impl Clone for Machine {
    fn clone(&self) -> Self {
        Machine {
            policy: self.policy,
            values: self.values.clone(),
            objects: self.objects.clone(),
            children: self.children.clone(),
            next_object: self.next_object,
            next_op: self.next_op,
            outputs: self.outputs.clone(),
            lingering: self.lingering.clone(),
            planted: self.planted,
        }
    }

    fn clone_from(&mut self, source: &Self) {
        // Destructured so that a new field is a compile error here, not a silent miss.
        let Machine {
            policy,
            values,
            objects,
            children,
            next_object,
            next_op,
            outputs,
            lingering,
            planted,
        } = source;
        self.policy = *policy;
        self.values.clone_from(values);
        self.objects.clone_from(objects);
        self.children.clone_from(children);
        self.next_object = *next_object;
        self.next_op = *next_op;
        self.outputs.clone_from(outputs);
        self.lingering.clone_from(lingering);
        self.planted = *planted;
    }
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

impl Machine {
    /// An empty machine under `policy`.
    pub fn new(policy: Policy) -> Machine {
        Machine {
            policy,
            values: ValueTable::new(policy.value_reuse, policy.max_handles),
            objects: VecMap::new(),
            children: VecMap::new(),
            next_object: 0,
            next_op: 0,
            outputs: VecDeque::new(),
            lingering: VecMap::new(),
            planted: Planted::default(),
        }
    }

    /// The identity the next accepted operation will get: every id below it was issued.
    pub fn next_op(&self) -> OpId {
        OpId(self.next_op)
    }

    /// Issue the next operation id. The caller has checked [`Machine::ops_exhausted`]
    /// before changing anything.
    pub(crate) fn issue_op(&mut self) -> OpId {
        let id = OpId(self.next_op);
        self.next_op = self.next_op.saturating_add(1);
        id
    }

    /// True when no operation id is left to issue (a call that would start an operation
    /// is then rejected, state unchanged).
    pub(crate) fn ops_exhausted(&self) -> bool {
        self.next_op == u32::MAX
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

    /// The children (and websockets) holding `id`, in creation order (empty when it has
    /// none or does not exist).
    pub fn child_ids(&self, id: ObjectId) -> &[ObjectId] {
        self.children.get(&id).map_or(&[], |kids| kids.as_slice())
    }

    /// Add `kid` to the children of `parent` (which exists) and count it there.
    fn add_child(&mut self, parent: ObjectId, kid: ObjectId) {
        if let Some(p) = self.objects.get_mut(&parent) {
            p.kids += 1;
            self.children.get_or_insert_default(parent).push(kid);
        }
    }

    /// Remove `kid` from the children of `parent`; drop the list once empty. Returns
    /// false when `parent` is gone.
    fn remove_child(&mut self, parent: ObjectId, kid: ObjectId) -> bool {
        let Some(p) = self.objects.get_mut(&parent) else {
            return false;
        };
        let Some(kids) = self.children.get_mut(&parent) else {
            return true;
        };
        if let Some(at) = kids.iter().position(|&k| k == kid) {
            kids.remove(at);
            p.kids = p.kids.saturating_sub(1);
        }
        if kids.is_empty() {
            self.children.remove(&parent);
        }
        true
    }

    /// Every existing object, in identity order.
    pub fn objects(&self) -> impl Iterator<Item = (ObjectId, &Object)> {
        self.objects.iter().map(|(&id, o)| (id, o))
    }

    /// Give the output queue's buffer back once it is drained (a model checker stores
    /// millions of machines and wants no idle buffer in them; the engine keeps it for
    /// reuse and never calls this). Does nothing while outputs are queued.
    pub fn release_output_buffer(&mut self) {
        if self.outputs.is_empty() {
            self.outputs = VecDeque::new();
        }
    }

    /// Bytes of heap the machine holds (its tables' buffers, by capacity): what a clone
    /// copies besides the machine's inline size.
    pub fn heap_bytes(&self) -> usize {
        self.objects.heap_bytes()
            + self.objects.values().map(Object::heap_bytes).sum::<usize>()
            + self.children.heap_bytes()
            + self
                .children
                .values()
                .filter(|kids| kids.spilled())
                .map(|kids| kids.capacity() * core::mem::size_of::<ObjectId>())
                .sum::<usize>()
            + self.values.heap_bytes()
            + self.lingering.heap_bytes()
            + self.outputs.capacity() * core::mem::size_of::<Output>()
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

    /// Apply one input. API calls always answer with a [`Reply`] (rejections included);
    /// an environment event that does not match the state is an [`InputError`]. Either
    /// way a rejection leaves the state unchanged.
    pub fn handle_input(&mut self, input: Input) -> Result<Reply, InputError> {
        match input {
            Input::Open { api, async_mode } => self.open(api, async_mode),
            Input::Create {
                api,
                source,
                context,
            } => self.create_child(api, source, context),
            Input::Call { api, handle, arg } => self.call(api, handle, arg),
            Input::Protocol { object, event } => self.protocol_event(object, event),
            Input::Close { handle } => Ok(self.close_handle(handle)),
            Input::SetStatusCallback {
                handle,
                callback,
                mask,
            } => Ok(self.set_status_callback(handle, callback, mask)),
            Input::SetContext { handle, context } => Ok(self.context_option(handle, Some(context))),
            Input::QueryContext { handle } => Ok(self.context_option(handle, None)),
            Input::Complete {
                object,
                op,
                completion,
            } => self.complete_operation(object, op, completion),
            Input::CallbackReturned { object } => self.callback_returned(object),
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

    /// Classify a handle: the live object it addresses, or why it addresses none.
    fn find_live(
        &self,
        value: HandleValue,
        accepts: impl Fn(HandleKind) -> bool,
    ) -> Result<ObjectId, ApiError> {
        if value.is_null() {
            return Err(ApiError::NullHandle);
        }
        let Some(id) = self.values.live(value) else {
            return Err(ApiError::InvalidHandle(value));
        };
        let Some(kind) = self.objects.get(&id).map(|o| o.kind) else {
            return Err(ApiError::InvalidHandle(value));
        };
        if !accepts(kind) {
            return Err(ApiError::WrongKind { value, kind });
        }
        Ok(id)
    }

    /// Classify a handle for a function: the live object, or the rejection with the
    /// function's last error from `codes`.
    fn lookup(
        &self,
        value: HandleValue,
        accepts: impl Fn(HandleKind) -> bool,
        codes: BadHandleCodes,
    ) -> Result<ObjectId, (u32, ApiError)> {
        self.find_live(value, accepts).map_err(|error| {
            let code = match error {
                ApiError::NullHandle => codes.null,
                ApiError::WrongKind { .. }
                    if self.planted.is(Mutant::WrongKindGivesInvalidHandle) =>
                {
                    ERROR_INVALID_HANDLE
                }
                ApiError::WrongKind { .. } => codes.wrong_kind,
                _ => codes.invalid, // `InvalidHandle`, the only other answer
            };
            (code, error)
        })
    }

    #[cfg(feature = "mutants")]
    /// A machine with a deliberately planted bug, for checking that the checkers catch it.
    pub fn with_mutant(policy: Policy, mutant: Mutant) -> Machine {
        let mut m = Machine::new(policy);
        m.planted = Planted::new(mutant);
        m
    }
}

#[cfg(feature = "pack")]
mod packing {
    use super::Machine;
    use crate::pack::pack_struct;

    pack_struct!(Machine {
        policy,
        values,
        objects,
        children,
        next_object,
        next_op,
        outputs,
        lingering,
        planted,
    });
}
