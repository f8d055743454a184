//! # hinternet-engine
//!
//! The thread-safe engine around [`hinternet_core`]'s machine: the face shims embed and
//! call from many threads at once, and the port an executor (the network, a test's fake)
//! plugs into.
//!
//! # Contract
//!
//! An [`Engine`] wraps one [`Machine`] and is linearizable to it: every API call and
//! environment event is one machine step ([`Machine::handle_input`]) taken under the
//! engine lock, followed by the one drain helper ([`drain_into`]); the engine adds no
//! lifecycle logic of its own. What it adds is threads:
//!
//! - **Validate-and-pin without a lock** ([`Engine::pin`]): a lookup of a handle value
//!   that checks liveness and kind and holds the slot for the call, through one atomic
//!   state word per slot (rules 1–6 in `slot.rs`). The table mirrors the machine's value
//!   table under the lock (a close's [`Outcome::Closed`] lists every object it
//!   invalidated), so a pin is linearizable to the machine's lookup.
//! - **Callbacks outside every lock, serially per object** (laws 9 and 10). Drained
//!   notifications go to a per-object queue; the thread that finds a queue without an
//!   owner owns it and delivers its notifications one at a time, in emission order, with
//!   no lock held, feeding [`Input::CallbackReturned`] after each. A thread whose step
//!   produced a notification therefore delivers it itself, unless another thread already
//!   delivers that object, which then delivers it after its current callback. A call
//!   made from inside a callback never delivers notifications re-entrantly: they are
//!   delivered by the same thread after the callback returns (law 9). An object's
//!   `HANDLE_CLOSING` waits (its queue is parked) until the `HANDLE_CLOSING` callbacks of
//!   its children have returned; the thread that finishes the last of them delivers it
//!   (law 6).
//!
//! # The port
//!
//! An embedder implements [`Executor`] and builds the engine with
//! [`EngineBuilder::executor`]; [`NoExecutor`] (the default) does no I/O.
//!
//! - **I/O requests** ([`Start`], [`Cancel`]) name their operation by [`OpId`]. Each is
//!   handed to the executor by the thread whose engine call produced it, right after that
//!   call's machine step, outside the lock — also when the call was made inside a status
//!   callback: law 9's deferral applies to notifications only, so a request is never
//!   held behind a running callback. Per operation, `cancel` is handed over only after
//!   `start` for it returned (a cancel drained while the start is still being handed
//!   over waits for it); requests of different operations carry no order across threads
//!   beyond the machine's lane order (an operation starts only after the one before it
//!   in its lane ended).
//! - **Completions** ([`Engine::complete`]) name the operation. One naming an operation
//!   already cancelled or finished is benign: nothing changes and it is counted
//!   ([`Engine::stale_completions`]); it can never complete another operation (law 13).
//! - **The engine owns blocking.** A synchronous call (the machine answers
//!   [`Ret::Blocked`]) blocks inside [`Engine::call`] until its operation's
//!   `CallReturned`, then returns the final return value and last error. While it is
//!   blocked, the executor's completions for that operation and protocol events for its
//!   object are handed to the blocked thread (a per-operation mailbox), which applies
//!   them itself: the notifications they produce are delivered on the calling thread
//!   (WH-R19), unless another thread is already delivering that object's callbacks
//!   (law 10 comes first). An input handed over takes effect when the blocked thread
//!   applies it, in hand-over order; the executor's call returns at once. Two blocked
//!   calls on one handle each wait for their own operation. [`Engine::apply`] is the raw
//!   step: it never blocks (a synchronous call answers [`Ret::Blocked`]).
//! - **Per-object data** is attached in the step that creates the object
//!   ([`Engine::open_with`], [`Engine::create_with`]), under the lock, before any
//!   notification of it is delivered, so every callback can look it up
//!   ([`Engine::data`], [`Pin::data`]). It travels with every request for the object and
//!   goes back to [`Executor::destroyed`] once the object is destroyed (its
//!   `HANDLE_CLOSING` delivered — after that callback returned — or filtered out), also
//!   when no callback was ever installed. Call data ([`Engine::call`]'s `call`) is kept
//!   by operation until its start is handed over, and dropped when the operation ends
//!   without starting.
//! - **Quiescence**: [`Engine::wait_quiescent`] waits until no notification is queued
//!   or being delivered, no callback runs, no caller is blocked, and every drained
//!   request and destroyed hook has been handed over; [`Engine::is_empty`] is "no live
//!   object, and quiescent".
//!
//! # Callbacks that misbehave
//!
//! A callback may call the engine (close its own handle, close its parent, start an
//! operation, even a synchronous one): the lock is not held while it runs, so this
//! cannot deadlock. A callback that panics is caught (`catch_unwind`), counted
//! ([`Engine::callback_panics`]) and treated as having returned: the engine feeds
//! `CallbackReturned` as usual, so the object's lifetime and every law still hold, and
//! the panic never crosses into the embedder (no panic may cross an FFI boundary). A
//! panicking executor hook is caught and counted the same way. The data closures of
//! [`Engine::open_with`]/[`Engine::create_with`] run under the lock and must not call
//! the engine; call data may be dropped under the lock, so its `Drop` must not either.
//!
//! # Value map sizing
//!
//! The table is sized from the policy's `max_handles` (plus slack for closed objects
//! still pinned). Handle values the map cannot hold (monotonic values wrapping the
//! map, retired strict slots, no free slot) still work: their pins take the lock.
//!
//! # Cost of a create and a close
//!
//! Under the lock a create or close is the machine step, the table update (install: one
//! slot CAS and a value-map store; close: one CAS per invalidated slot), one
//! direct-mapped entry each for the placement, the parent and the data (`ObjectMap` in
//! `index.rs`; queues being delivered sit in a short `FewMap`), and the drain. Nothing
//! in the engine allocates in the steady state: step buffers and notification queue
//! buffers are reused, data closures are not boxed, and the quiescence condvar is
//! signalled only while a thread waits on it. Outside the lock: the executor's
//! `destroyed` hook of a close (counted in an atomic, no lock), and deliveries. A step
//! that leaves only notifications keeps its lock for the first delivery's take; a
//! delivery then takes the lock once more after the callback (its return, the next
//! notification), callbacks are read from an append-only table without the lock or a
//! reference count. A session's create+close pair is two lock round trips. The
//! engine's own share of it is about 110 ns CPU on the shared bench host; the rest
//! (about 40 ns) is the machine step (`benches/engine.md` has the figures).
//!
//! Sharding creation and destruction by root (one machine and lock per shard, children
//! in their root's shard) would let disjoint trees run in parallel, but the engine
//! would then be linearizable to a product of machines, not to the one machine: handle
//! values would be lowest-free per shard instead of across the process, the policy's
//! `max_handles` would need a cross-shard counter, object ids would be per shard, and
//! the single trace the law monitor, the linearizability checker and the
//! `engine_differential` fuzz body check would not exist. It is not built: the
//! 2-thread disjoint goal stays bounded by the lock hold time of one pair: the machine
//! step and the table update, most of the pair's 150 ns CPU, against a Wine-style pair
//! of about 22 ns.
//!
//! # Reserved values and delayed delivery
//!
//! Under WinINet a closed value stays reserved until its object's `HANDLE_CLOSING`
//! callback has returned (law 7). The engine delivers that notification after the
//! machine step that emits it, so the machine keeps the value reserved
//! ([`Machine::lingering`]) until the engine feeds the callback's return: another
//! thread's create cannot receive the value while the old object's `HANDLE_CLOSING`
//! callback may still run.
//!
//! # Trace
//!
//! With [`EngineBuilder::record`] the engine records, in one order consistent with its
//! lock, every machine step with its reply, every I/O request and filtered notification
//! (when drained, in machine order), and every callback invocation (when its deliverer
//! takes it from the object's queue). [`LawMonitor`](hinternet_core::LawMonitor) can
//! check the laws on that stream.

mod callbacks;
mod deliver;
mod index;
mod port;
mod slot;
mod state;
mod sync;

use std::collections::BTreeMap;
use std::sync::Arc;

use crossbeam_utils::CachePadded;

pub use port::{Cancel, Executor, NoExecutor, Start};
pub use slot::EngineMutant;
pub use sync::SharedFn;

use crate::callbacks::Callbacks;
use crate::index::{FewMap, ObjectMap};
use crate::state::{Blocked, Core, Mailbox, State};
use crate::sync::{Arc as SyncArc, AtomicU64, AtomicUsize, Condvar, Mutex, Ordering};
#[cfg(doc)]
use hinternet_core::drain::drain_into;
use hinternet_core::{
    Api, CallArg, CallbackId, Completion, CreateApi, Family, HandleKind, HandleValue, Input,
    InputError, Machine, Notification, ObjectId, OpId, Outcome, Policy, ProtocolEvent, Reply, Ret,
    ReturnStyle, ERROR_SUCCESS,
};
use slot::{FastPin, Planted, SlotAlloc, Table};

/// A status callback: invoked outside every lock with the engine (so it can call back
/// into it without holding a reference to it, which would be a cycle) and one delivered
/// notification.
pub type Callback<X = NoExecutor> = dyn Fn(&Engine<X>, &Notification) + Send + Sync;

/// One entry of the recorded trace (see the module docs, "Trace").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TraceEntry {
    /// A machine step and its reply, in machine order.
    Step {
        /// The input.
        input: Input,
        /// Its reply.
        reply: Reply,
    },
    /// An output that invokes no callback, when it was drained (machine order): an I/O
    /// request, a blocked call's return, or a notification filtered out.
    Output(hinternet_core::Output),
    /// A callback invocation, when its deliverer took it from the object's queue.
    Deliver(Notification),
}

/// Builds an [`Engine`].
pub struct EngineBuilder<X: Executor = NoExecutor> {
    policy: Policy,
    executor: X,
    record: bool,
    planted: Planted,
}

impl EngineBuilder {
    /// An engine under `policy`, no executor, no recording.
    pub fn new(policy: Policy) -> EngineBuilder {
        EngineBuilder {
            policy,
            executor: NoExecutor,
            record: false,
            planted: Planted::default(),
        }
    }
}

impl<X: Executor> EngineBuilder<X> {
    /// The executor that receives the I/O requests (see the crate docs, "The port").
    pub fn executor<Y: Executor>(self, executor: Y) -> EngineBuilder<Y> {
        EngineBuilder {
            policy: self.policy,
            executor,
            record: self.record,
            planted: self.planted,
        }
    }

    /// Record the trace (tests).
    pub fn record(mut self, record: bool) -> EngineBuilder<X> {
        self.record = record;
        self
    }

    /// Plant a deliberate bug (for checking that loom catches it).
    #[cfg(feature = "engine-mutants")]
    pub fn mutant(mut self, mutant: EngineMutant) -> EngineBuilder<X> {
        self.planted = Planted::new(mutant);
        self
    }

    /// The engine.
    pub fn build(self) -> Engine<X> {
        let values = self.policy.max_handles.max(1) as usize;
        let slots = values + (values / 8).max(4);
        let mut table = Table::new(values, slots, self.policy.value_reuse);
        table.planted = self.planted;
        let destroying = SyncArc::new(AtomicUsize::new(0));
        let quiet_waiters = SyncArc::new(AtomicUsize::new(0));
        let rest = State {
            placements: ObjectMap::new(slots),
            alloc: SlotAlloc::default(),
            queues: FewMap::default(),
            spare_queues: Vec::new(),
            spare_io: Vec::new(),
            destroying: SyncArc::clone(&destroying),
            parents: ObjectMap::new(slots),
            closing_children: FewMap::default(),
            closing_status: hinternet_core::handle_closing(self.policy.family),
            callbacks: 0,
            trace: self.record.then(Vec::new),
            panics: 0,
            shared_delivery: self.planted.is(EngineMutant::DeliverWithoutOwner),
            return_by_object: self.planted.is(EngineMutant::ReturnByObject),
            held_io: Vec::new(),
            data: ObjectMap::lazy(slots),
            calls: BTreeMap::new(),
            starting: BTreeMap::new(),
            blocked: BTreeMap::new(),
            busy: 0,
            quiet_waiters: SyncArc::clone(&quiet_waiters),
            stale: 0,
            refused_handoffs: 0,
        };
        Engine {
            core: CachePadded::new(Mutex::new(Core {
                machine: Machine::new(self.policy),
                rest,
            })),
            quiet: Condvar::default(),
            destroying,
            quiet_waiters,
            hook_panics: AtomicU64::new(0),
            hook_forgets_waiter: self.planted.is(EngineMutant::HookForgetsWaiter),
            io_behind_callbacks: self.planted.is(EngineMutant::IoBehindCallbacks),
            table,
            callbacks: Callbacks::default(),
            executor: self.executor,
            family: self.policy.family,
        }
    }
}

/// The thread-safe engine. See the [crate docs](self).
pub struct Engine<X: Executor = NoExecutor> {
    core: CachePadded<Mutex<Core<X>>>,
    /// Signalled (under the lock) when the engine becomes quiescent.
    quiet: Condvar,
    /// [`State::destroying`](state::State), counted down here outside the lock.
    destroying: SyncArc<AtomicUsize>,
    /// [`State::quiet_waiters`](state::State), read here outside the lock.
    quiet_waiters: SyncArc<AtomicUsize>,
    /// Destroyed hooks that panicked, counted outside the lock (the rest of the panics
    /// are counted under it).
    hook_panics: AtomicU64,
    /// Mutant [`EngineMutant::HookForgetsWaiter`].
    hook_forgets_waiter: bool,
    /// Mutant: I/O made inside a callback waits for the callback to return.
    io_behind_callbacks: bool,
    table: Table,
    /// The registered status callbacks, read by deliveries without the lock.
    callbacks: Callbacks<Callback<X>>,
    executor: X,
    family: Family,
}

impl<X: Executor> core::fmt::Debug for Engine<X> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Engine")
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

/// A pinned handle: the value was live with this object and kind when pinned, and the
/// slot cannot be recycled for another object until the pin is dropped. The object may
/// be closed meanwhile; the machine then answers calls on the value as closed.
pub struct Pin<'a, X: Executor = NoExecutor> {
    engine: &'a Engine<X>,
    slot: Option<(u32, u32)>,
    object: ObjectId,
    kind: HandleKind,
    value: HandleValue,
}

impl<X: Executor> core::fmt::Debug for Pin<'_, X> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pin")
            .field("slot", &self.slot)
            .field("object", &self.object)
            .field("kind", &self.kind)
            .field("value", &self.value)
            .finish()
    }
}

impl<X: Executor> Pin<'_, X> {
    /// The object the value addressed.
    #[inline]
    pub fn object(&self) -> ObjectId {
        self.object
    }
    /// Its kind.
    #[inline]
    pub fn kind(&self) -> HandleKind {
        self.kind
    }
    /// The value pinned.
    #[inline]
    pub fn value(&self) -> HandleValue {
        self.value
    }
    /// The object's data attached at creation (takes the engine lock briefly); `None`
    /// when it had none or was destroyed meanwhile.
    pub fn data(&self) -> Option<Arc<X::Object>> {
        self.engine.data(self.object)
    }
    /// True while the slot still holds this object (always, unless a planted mutant
    /// broke the table): the guard's own check of rules 2 and 3.
    #[inline]
    pub fn is_intact(&self) -> bool {
        match self.slot {
            Some((slot, generation)) => self
                .engine
                .table
                .snapshot(slot)
                .is_some_and(|s| s.generation() == generation && s.refs() > 0),
            None => true,
        }
    }
}

impl<X: Executor> Drop for Pin<'_, X> {
    #[inline]
    fn drop(&mut self) {
        if std::thread::panicking() && !self.is_intact() {
            // Unwinding from a broken table (a planted mutant): do not panic again.
            return;
        }
        if let Some((slot, generation)) = self.slot {
            self.engine.table.unpin(slot, generation);
        }
    }
}

impl Engine {
    /// An engine under `policy` with no executor (see [`EngineBuilder`]).
    pub fn new(policy: Policy) -> Engine {
        EngineBuilder::new(policy).build()
    }
}

/// What to attach to a step before its drain. Generic over the data closure, so
/// attaching data boxes nothing.
enum Attach<X: Executor, F = NoData<X>> {
    Nothing,
    /// Per-object data for the object the step creates.
    Data(F),
    /// A call's data, and whether the caller blocks on a synchronous operation.
    Call {
        call: Option<X::Call>,
        block: bool,
    },
}

/// The data closure type of a step that attaches none.
type NoData<X> = fn(ObjectId, HandleValue) -> <X as Executor>::Object;

impl<X: Executor> Attach<X> {
    /// Attach nothing.
    fn nothing() -> Self {
        Attach::Nothing
    }
    /// Attach a call's data (and a blocked caller when `block`).
    fn call(call: Option<X::Call>, block: bool) -> Self {
        Attach::Call { call, block }
    }
}

impl<X: Executor> Engine<X> {
    /// The family of its policy.
    pub fn family(&self) -> Family {
        self.family
    }

    /// The executor it was built with.
    pub fn executor(&self) -> &X {
        &self.executor
    }

    /// Register a status callback; pass the id to [`Engine::set_status_callback`].
    pub fn register_callback(
        &self,
        callback: impl Fn(&Engine<X>, &Notification) + Send + Sync + 'static,
    ) -> CallbackId {
        let mut core = self.core.lock();
        let id = core.rest.callbacks;
        // Set before its id is handed out, under the lock that numbers the ids.
        let set = self.callbacks.set(id, Box::new(callback));
        debug_assert!(set, "callback id {id} handed out twice");
        core.rest.callbacks = id.wrapping_add(1);
        CallbackId(id)
    }

    /// The raw step: apply one API call or environment event, then deliver. Never
    /// blocks: a synchronous call answers [`Ret::Blocked`] and its return is only
    /// drained (use [`Engine::call`] to block); completions and protocol events are
    /// applied by this thread, never handed to a blocked caller.
    /// `Input::CallbackReturned` is the engine's own business and is refused.
    pub fn apply(&self, input: Input) -> Result<Reply, InputError> {
        if let Input::CallbackReturned { object } = input {
            return Err(InputError::NoRunningCallback(object));
        }
        self.run(input, Attach::nothing())
    }

    /// `WinHttpOpen` / `InternetOpen`.
    pub fn open(&self, api: CreateApi, async_mode: bool) -> Result<Reply, InputError> {
        self.run(Input::Open { api, async_mode }, Attach::nothing())
    }

    /// `WinHttpOpen` / `InternetOpen`, attaching `data(object, value)` to the new root in
    /// the same step (not called when the open fails). `data` runs under the engine lock:
    /// it must not call the engine.
    pub fn open_with(
        &self,
        api: CreateApi,
        async_mode: bool,
        data: impl FnOnce(ObjectId, HandleValue) -> X::Object,
    ) -> Result<Reply, InputError> {
        let input = Input::Open { api, async_mode };
        self.run(input, Attach::Data(data))
    }

    /// A function creating a child of `source`.
    pub fn create(
        &self,
        api: CreateApi,
        source: HandleValue,
        context: Option<u64>,
    ) -> Result<Reply, InputError> {
        let input = Input::Create {
            api,
            source,
            context,
        };
        self.run(input, Attach::nothing())
    }

    /// A function creating a child of `source`, attaching `data(object, value)` to the
    /// new object in the same step, before its `HANDLE_CREATED` is delivered (not called
    /// when the create fails). `data` runs under the engine lock: it must not call the
    /// engine.
    pub fn create_with(
        &self,
        api: CreateApi,
        source: HandleValue,
        context: Option<u64>,
        data: impl FnOnce(ObjectId, HandleValue) -> X::Object,
    ) -> Result<Reply, InputError> {
        let input = Input::Create {
            api,
            source,
            context,
        };
        self.run(input, Attach::Data(data))
    }

    /// Any other function on a handle, with the argument its protocol rule looks at
    /// ([`CallArg::None`] when none) and the call's data for the executor (handed over
    /// in [`Start::call`]; dropped when the call completes without starting I/O).
    ///
    /// A synchronous operation blocks here until its `CallReturned` (see the crate docs,
    /// "The port"); the reply then carries the final return value (BOOL, or DWORD for
    /// the websocket functions), the last error (WinHTTP: `ERROR_SUCCESS` on success;
    /// WinINet leaves it on success; the error code on failure, for BOOL functions) and
    /// [`Outcome::Returned`] with the operation's completion. Every other call returns
    /// the machine's reply at once. A synchronous call may be made from a status
    /// callback, not from an executor hook (hooks never block).
    pub fn call(
        &self,
        api: Api,
        handle: HandleValue,
        arg: CallArg,
        call: Option<X::Call>,
    ) -> Result<Reply, InputError> {
        let input = Input::Call { api, handle, arg };
        let reply = self.run(input, Attach::call(call, true))?;
        let Outcome::InFlight { object, op, .. } = reply.outcome else {
            return Ok(reply);
        };
        let result = self.block_on(op);
        Ok(self.returned(api, object, op, result))
    }

    /// `WinHttpCloseHandle` / `InternetCloseHandle`.
    pub fn close(&self, handle: HandleValue) -> Result<Reply, InputError> {
        self.run(Input::Close { handle }, Attach::nothing())
    }

    /// `WinHttpSetStatusCallback` / `InternetSetStatusCallback`.
    pub fn set_status_callback(
        &self,
        handle: HandleValue,
        callback: Option<CallbackId>,
        mask: u32,
    ) -> Result<Reply, InputError> {
        let input = Input::SetStatusCallback {
            handle,
            callback,
            mask,
        };
        self.run(input, Attach::nothing())
    }

    /// Set the `*_OPTION_CONTEXT_VALUE` option.
    pub fn set_context(&self, handle: HandleValue, context: u64) -> Result<Reply, InputError> {
        self.run(Input::SetContext { handle, context }, Attach::nothing())
    }

    /// Query the `*_OPTION_CONTEXT_VALUE` option.
    pub fn query_context(&self, handle: HandleValue) -> Result<Reply, InputError> {
        self.run(Input::QueryContext { handle }, Attach::nothing())
    }

    /// The executor reports that operation `op` of `object` ended. A completion for an
    /// operation already cancelled or finished is answered [`Outcome::Stale`] and
    /// counted. When a caller is blocked on `op`, the completion is handed to it (it
    /// applies it on its own thread) and this returns `Ok` with [`Ret::None`] and
    /// [`Outcome::Event`] at once; an input the machine then refuses is counted in
    /// [`Engine::refused_handoffs`].
    pub fn complete(
        &self,
        object: ObjectId,
        op: OpId,
        completion: Completion,
    ) -> Result<Reply, InputError> {
        let input = Input::Complete {
            object,
            op,
            completion,
        };
        {
            let core = self.core.lock();
            if let Some(b) = core.rest.blocked.get(&op) {
                if b.started && b.object == object {
                    return Ok(hand_over(b, input));
                }
            }
        }
        self.run(input, Attach::nothing())
    }

    /// [`Engine::complete`] for an operation whose completion creates an object (an
    /// asynchronous `InternetOpenUrl`: the handle is created by its completion, WI-R18),
    /// attaching `data(object, value)` to that object in the same step, before its
    /// `HANDLE_CREATED` and `REQUEST_COMPLETE` are delivered (not called when nothing is
    /// created). Never handed to a blocked caller: such an operation is asynchronous.
    /// `data` runs under the engine lock: it must not call the engine.
    pub fn complete_with(
        &self,
        object: ObjectId,
        op: OpId,
        completion: Completion,
        data: impl FnOnce(ObjectId, HandleValue) -> X::Object,
    ) -> Result<Reply, InputError> {
        let input = Input::Complete {
            object,
            op,
            completion,
        };
        self.run(input, Attach::Data(data))
    }

    /// The executor reports a protocol fact about `object` (data buffered, end of data,
    /// a redirect, a connect, a closed connection). While a caller is blocked on one of
    /// the object's operations, the event is handed to it like a completion (see
    /// [`Engine::complete`]).
    pub fn protocol(&self, object: ObjectId, event: ProtocolEvent) -> Result<Reply, InputError> {
        let input = Input::Protocol { object, event };
        {
            let core = self.core.lock();
            let mut blocked = core.rest.blocked.values();
            if let Some(b) = blocked.find(|b| b.object == object && b.started) {
                return Ok(hand_over(b, input));
            }
        }
        self.run(input, Attach::nothing())
    }

    /// The data attached to `object` at creation, while it is not destroyed.
    pub fn data(&self, object: ObjectId) -> Option<Arc<X::Object>> {
        self.core.lock().rest.data.get(object).cloned().flatten()
    }

    /// Validate-and-pin `value` (lock-free unless the value map cannot hold it): `None`
    /// when it addresses no live object.
    #[inline]
    pub fn pin(&self, value: HandleValue) -> Option<Pin<'_, X>> {
        match self.table.pin(value) {
            FastPin::Pinned {
                slot,
                generation,
                object,
                kind,
            } => Some(Pin {
                engine: self,
                slot: Some((slot, generation)),
                object,
                kind,
                value,
            }),
            FastPin::Invalid => None,
            FastPin::Slow => self.pin_locked(value),
        }
    }

    /// The pin of a value the map does not hold: ask the machine under the lock.
    fn pin_locked(&self, value: HandleValue) -> Option<Pin<'_, X>> {
        let core = self.core.lock();
        let object = core.machine.resolve(value)?;
        let kind = core.machine.object(object)?.kind();
        let placed = core.rest.placements.get(object);
        let slot = match placed.and_then(|&slot| self.table.placed(slot)) {
            Some((_, p)) => {
                // Under the lock the object is open, so its slot is LIVE (rule 1).
                self.table.pin_slot(p.slot, p.generation)?;
                Some((p.slot, p.generation))
            }
            None => None,
        };
        Some(Pin {
            engine: self,
            slot,
            object,
            kind,
            value,
        })
    }

    /// Read the machine under the lock (tests, diagnostics).
    pub fn inspect<R>(&self, f: impl FnOnce(&Machine) -> R) -> R {
        f(&self.core.lock().machine)
    }

    /// True when the machine holds no live object and the engine is quiescent (see
    /// [`Engine::is_quiescent`]): every `HANDLE_CLOSING` has been delivered and every
    /// destroyed object's data handed back. A snapshot: another thread may open a handle
    /// right after.
    pub fn is_empty(&self) -> bool {
        let core = self.core.lock();
        core.machine.is_empty() && core.rest.is_quiescent()
    }

    /// True when no notification is queued or being delivered (so no callback runs), no
    /// caller is blocked in a synchronous call, and every drained I/O request and
    /// destroyed hook has been handed to the executor. A snapshot.
    pub fn is_quiescent(&self) -> bool {
        self.core.lock().rest.is_quiescent()
    }

    /// Block until [`Engine::is_quiescent`] holds, and return true. From inside a
    /// callback or executor hook of this engine it would wait for itself: there it
    /// returns false at once.
    pub fn wait_quiescent(&self) -> bool {
        if deliver::inside_engine(self.key()) {
            return false;
        }
        let mut core = self.core.lock();
        // Counted under the lock, so a wake-up (also under the lock) cannot be missed.
        core.rest.quiet_waiters.fetch_add(1, Ordering::SeqCst);
        while !core.rest.is_quiescent() {
            core = self.quiet.wait(core);
        }
        core.rest.quiet_waiters.fetch_sub(1, Ordering::SeqCst);
        true
    }

    /// Take the recorded trace (empty unless built with [`EngineBuilder::record`]).
    pub fn take_trace(&self) -> Vec<TraceEntry> {
        self.core
            .lock()
            .rest
            .trace
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Callbacks and executor hooks that panicked, each treated as returned.
    pub fn callback_panics(&self) -> u64 {
        self.core.lock().rest.panics + self.hook_panics.load(Ordering::SeqCst)
    }

    /// Completions that named an operation already cancelled or finished (law 13).
    pub fn stale_completions(&self) -> u64 {
        self.core.lock().rest.stale
    }

    /// Completions and protocol events handed to a blocked caller that the machine then
    /// refused (an executor bug; see [`Engine::complete`]).
    pub fn refused_handoffs(&self) -> u64 {
        self.core.lock().rest.refused_handoffs
    }

    /// Bytes allocated up front for handles, for memory accounting: the lock-free table
    /// (slots and value map) and the engine's per-object arrays (placements, parents,
    /// and per-object data once any was attached), all sized from the policy's
    /// `max_handles`.
    pub fn table_bytes(&self) -> usize {
        let core = self.core.lock();
        let rest = &core.rest;
        self.table.bytes() + rest.placements.bytes() + rest.parents.bytes() + rest.data.bytes()
    }

    /// One locked step with what belongs to it, the drain, then the work outside the
    /// lock.
    fn run<F: FnOnce(ObjectId, HandleValue) -> X::Object>(
        &self,
        input: Input,
        attach: Attach<X, F>,
    ) -> Result<Reply, InputError> {
        let (reply, work) = {
            let mut core = self.core.lock();
            let reply = core.step(&self.table, input)?;
            attach_to(&mut core, &reply, attach);
            let mut work = core.rest.take_work();
            let drained = core.drain(&mut work);
            if work.is_empty() {
                // Nothing to do outside the lock: the buffers go back at once.
                core.rest.recycle_work(work);
                drained?;
                return Ok(reply);
            }
            drained?;
            if work.io.is_empty() {
                // Only hooks or deliveries to do: the request buffer goes back now.
                core.rest.recycle(std::mem::take(&mut work.io));
                if work.destroyed.is_empty() {
                    // Only deliveries: the first one starts under this lock.
                    self.finish_locked(work.objects, core);
                    return Ok(reply);
                }
            }
            (reply, work)
        };
        self.finish(work);
        Ok(reply)
    }

    /// The final reply of a synchronous call that returned `result`.
    fn returned(&self, api: Api, object: ObjectId, op: OpId, result: Completion) -> Reply {
        let (ret, last_error) = match (api.rule().returns, result) {
            (ReturnStyle::Bool, Completion::Error(code)) => (Ret::Bool(false), Some(code)),
            (ReturnStyle::Bool, _) => (
                Ret::Bool(true),
                (self.family == Family::WinHttp).then_some(ERROR_SUCCESS),
            ),
            (ReturnStyle::Dword, Completion::Error(code)) => (Ret::Dword(code), None),
            (ReturnStyle::Dword, _) => (Ret::Dword(ERROR_SUCCESS), None),
        };
        Reply {
            ret,
            last_error,
            outcome: Outcome::Returned { object, op, result },
        }
    }

    fn key(&self) -> usize {
        // The engine's address identifies it in the thread's delivery stack.
        self as *const Engine<X> as usize
    }
}

/// Attach the step's data, call data or blocked caller, under the step's lock, before
/// its drain (so the start and every notification see it).
fn attach_to<X: Executor, F: FnOnce(ObjectId, HandleValue) -> X::Object>(
    core: &mut Core<X>,
    reply: &Reply,
    attach: Attach<X, F>,
) {
    match (attach, &reply.outcome) {
        (Attach::Data(data), &Outcome::Created { object, value, .. }) => {
            core.rest
                .data
                .insert(object, Some(Arc::new(data(object, value))));
        }
        (
            Attach::Call { call, block },
            &Outcome::Pending { object, op, .. } | &Outcome::InFlight { object, op, .. },
        ) => {
            if let Some(call) = call {
                core.rest.calls.insert(op, (object, call));
            }
            if block && matches!(reply.outcome, Outcome::InFlight { .. }) {
                let blocked = Blocked {
                    object,
                    started: false,
                    mailbox: SyncArc::new(Mailbox::default()),
                };
                core.rest.blocked.insert(op, blocked);
            }
        }
        _ => {}
    }
}

/// Hand `input` to the caller blocked in `blocked` (under the engine lock).
fn hand_over(blocked: &Blocked, input: Input) -> Reply {
    let mut mail = blocked.mailbox.state.lock();
    mail.inputs.push_back(input);
    blocked.mailbox.ready.notify_all();
    Reply {
        ret: Ret::None,
        last_error: None,
        outcome: Outcome::Event,
    }
}

/// The README's examples (embedding the machine, embedding the engine), compiled and
/// run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

#[cfg(all(test, not(loom)))]
mod tests;
