//! # hinternet-engine
//!
//! The thread-safe engine around [`hinternet_core`]'s machine: the face shims embed and
//! call from many threads at once.
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
//!   state word per slot (rules 1–6 in `slot.rs`). The table mirrors the
//!   machine's value table under the lock, so a pin is linearizable to the machine's
//!   lookup. A shim pins a handle to work on its own per-object state (headers, options)
//!   without the lock; every API call that the machine models is one locked step, since
//!   even immediate functions depend on the handle's protocol state.
//! - **Callbacks outside every lock, serially per object** (laws 9 and 10). Drained
//!   notifications go to a per-object queue; the thread that finds a queue without an
//!   owner owns it and delivers its notifications one at a time, in emission order, with
//!   no lock held, feeding [`Input::CallbackReturned`] after each. A thread whose step
//!   produced a notification therefore delivers it itself ("inline"), unless another
//!   thread already delivers that object, which then delivers it after its current
//!   callback. A call made from inside a callback never delivers re-entrantly: what it
//!   produces is delivered by the same thread after the callback returns (law 9).
//!   An object's `HANDLE_CLOSING` waits (its queue is parked, owned by no thread) until
//!   the `HANDLE_CLOSING` callbacks of its children have returned; the thread that
//!   finishes the last of them delivers it (law 6).
//! - **I/O requests** ([`Output::StartIo`], [`Output::CancelIo`], [`Output::CallReturned`])
//!   go through the same per-object queues, so they reach the I/O handler given to
//!   [`EngineBuilder::io`] outside the lock and, per object, in emission order (a
//!   `CancelIo` never overtakes its `StartIo`); the executor reports the end with
//!   [`Engine::complete`]. A synchronous call answers [`Ret::Blocked`]; the embedder
//!   blocks its thread until the matching `CallReturned`.
//!
//! # Callbacks that misbehave
//!
//! A callback may call the engine (close its own handle, close its parent, start an
//! operation): the lock is not held while it runs, so this cannot deadlock. A callback
//! that panics is caught (`catch_unwind`), counted ([`Engine::callback_panics`]) and
//! treated as having returned: the engine feeds `CallbackReturned` as usual, so the
//! object's lifetime and every law still hold, and the panic never crosses into the
//! embedder (no panic may cross an FFI boundary). A panicking I/O handler is caught and
//! counted the same way, so no object's queue is left without an owner.
//!
//! # Value map sizing
//!
//! The table is sized from the policy's `max_handles` (plus slack for closed objects
//! still pinned). Handle values the map cannot hold (monotonic values wrapping the
//! map, retired strict slots, no free slot) still work: their pins take the lock.
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
//! lock, every machine step with its reply, every I/O request and callback invocation
//! (when its deliverer takes it from the object's queue), and every filtered
//! notification (at drain).
//! [`LawMonitor`](hinternet_core::LawMonitor) can check the laws on that stream.

mod slot;
mod sync;

use std::collections::{BTreeMap, VecDeque};

use crossbeam_utils::CachePadded;

pub use slot::EngineMutant;
pub use sync::SharedFn;

use crate::sync::{thread_local, Mutex};
use hinternet_core::drain::{drain_into, CallbackMode, OutputSink};
#[cfg(doc)]
use hinternet_core::Ret;
use hinternet_core::{
    Api, CallArg, CallbackId, Completion, CreateApi, Family, HandleKind, HandleValue, Input,
    InputError, Machine, Notification, ObjectId, OpId, Outcome, Output, ParentClose, Policy, Reply,
};
use slot::{FastPin, Placement, Planted, SlotAlloc, Table};

/// A status callback: invoked outside every lock with the engine (so it can call back
/// into it without holding a reference to it, which would be a cycle) and one delivered
/// notification.
pub type Callback = dyn Fn(&Engine, &Notification) + Send + Sync;

/// The executor's I/O handler: receives `StartIo`, `CancelIo` and `CallReturned`.
pub type IoHandler = dyn Fn(&Output) + Send + Sync;

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
    /// An output that invokes no callback: an I/O request when it was handed to the
    /// I/O handler (in its object's queue order), or a notification filtered out when it
    /// was drained (ordered against the machine's steps only, not against other objects'
    /// deliveries: no callback observes it).
    Output(Output),
    /// A callback invocation, when its deliverer took it from the object's queue.
    Deliver(Notification),
}

/// Builds an [`Engine`].
pub struct EngineBuilder {
    policy: Policy,
    io: Option<SharedFn<IoHandler>>,
    record: bool,
    planted: Planted,
}

impl EngineBuilder {
    /// An engine under `policy`, no I/O handler, no recording.
    pub fn new(policy: Policy) -> EngineBuilder {
        EngineBuilder {
            policy,
            io: None,
            record: false,
            planted: Planted::default(),
        }
    }

    /// The I/O handler (called outside the lock, in drain order).
    pub fn io(mut self, handler: impl Fn(&Output) + Send + Sync + 'static) -> EngineBuilder {
        self.io = Some(SharedFn::new(handler));
        self
    }

    /// Record the trace (tests).
    pub fn record(mut self, record: bool) -> EngineBuilder {
        self.record = record;
        self
    }

    /// Plant a deliberate bug (for checking that loom catches it).
    #[cfg(feature = "engine-mutants")]
    pub fn mutant(mut self, mutant: EngineMutant) -> EngineBuilder {
        self.planted = Planted::new(mutant);
        self
    }

    /// The engine.
    pub fn build(self) -> Engine {
        let values = self.policy.max_handles.max(1) as usize;
        let slots = values + (values / 8).max(4);
        let mut table = Table::new(values, slots, self.policy.value_reuse);
        table.planted = self.planted;
        Engine {
            core: CachePadded::new(Mutex::new(Core {
                machine: Machine::new(self.policy),
                placements: BTreeMap::new(),
                alloc: SlotAlloc::default(),
                queues: BTreeMap::new(),
                parents: BTreeMap::new(),
                closing_children: BTreeMap::new(),
                closing_status: hinternet_core::handle_closing(self.policy.family),
                callbacks: Vec::new(),
                trace: self.record.then(Vec::new),
                panics: 0,
                cascade: self.policy.parent_close == ParentClose::Cascade,
                shared_delivery: self.shared_delivery(),
                io_wanted: self.io.is_some() || self.record,
            })),
            table,
            io: self.io,
            family: self.policy.family,
        }
    }

    fn shared_delivery(&self) -> bool {
        self.planted.is(EngineMutant::DeliverWithoutOwner)
    }
}

/// The thread-safe engine. See the [module docs](self).
pub struct Engine {
    core: CachePadded<Mutex<Core>>,
    table: Table,
    io: Option<SharedFn<IoHandler>>,
    family: Family,
}

impl core::fmt::Debug for Engine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Engine")
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

/// Everything behind the engine lock.
struct Core {
    machine: Machine,
    /// Open objects: their value and slot.
    placements: BTreeMap<ObjectId, (HandleValue, Option<Placement>)>,
    /// The table's free slots (rule 3).
    alloc: SlotAlloc,
    /// Per-object delivery queues. An entry exists exactly while some thread owns the
    /// object's delivery (law 10) or it is parked; the owner removes it when it finds it
    /// empty.
    queues: BTreeMap<ObjectId, Queue>,
    /// The lifetime parent of every object that has one, until its `HANDLE_CLOSING` has
    /// been delivered.
    parents: BTreeMap<ObjectId, ObjectId>,
    /// Per parent: children whose queued `HANDLE_CLOSING` has not finished delivering.
    /// The parent's own `HANDLE_CLOSING` waits for zero (law 6).
    closing_children: BTreeMap<ObjectId, u32>,
    closing_status: u32,
    callbacks: Vec<SharedFn<Callback>>,
    trace: Option<Vec<TraceEntry>>,
    panics: u64,
    cascade: bool,
    /// Mutant: every enqueuing thread delivers, owner or not.
    shared_delivery: bool,
    /// I/O requests are queued (an I/O handler or the trace wants them).
    io_wanted: bool,
}

/// One object's queued deliveries.
#[derive(Debug, Default)]
struct Queue {
    /// Notifications with a callback, and I/O requests, in emission order.
    items: VecDeque<Output>,
    /// Its front is a `HANDLE_CLOSING` waiting for children's (law 6): no thread owns
    /// it; the thread that delivers the last child's takes it over.
    parked: bool,
}

/// What a step left for the calling thread to do outside the lock.
#[derive(Default)]
struct Work {
    /// Objects whose delivery this thread now owns.
    objects: Vec<ObjectId>,
}

struct Sink<'a> {
    queues: &'a mut BTreeMap<ObjectId, Queue>,
    parents: &'a mut BTreeMap<ObjectId, ObjectId>,
    closing_children: &'a mut BTreeMap<ObjectId, u32>,
    closing_status: u32,
    io_wanted: bool,
    trace: &'a mut Option<Vec<TraceEntry>>,
    work: &'a mut Work,
    shared_delivery: bool,
}

impl OutputSink for Sink<'_> {
    type Error = InputError;

    fn output(&mut self, _machine: &mut Machine, output: &Output) -> Result<(), InputError> {
        if let Output::Notify(n) = *output {
            if n.status == self.closing_status {
                // Law 6: the parent's HANDLE_CLOSING waits for this one's delivery.
                match (n.callback, self.parents.get(&n.object)) {
                    (Some(_), Some(&parent)) => {
                        *self.closing_children.entry(parent).or_default() += 1;
                    }
                    (None, Some(_)) => {
                        self.parents.remove(&n.object);
                    }
                    _ => {}
                }
            }
        }
        let object = match *output {
            Output::Notify(n) if n.callback.is_some() => n.object,
            Output::Notify(_) => {
                // Filtered out: no callback observes it.
                if let Some(trace) = self.trace.as_mut() {
                    trace.push(TraceEntry::Output(*output));
                }
                return Ok(());
            }
            Output::StartIo { object, .. }
            | Output::CancelIo { object, .. }
            | Output::CallReturned { object, .. } => {
                if !self.io_wanted {
                    return Ok(());
                }
                object
            }
        };
        match self.queues.get_mut(&object) {
            // Law 10: an owner exists; it delivers this after its current callback.
            Some(queue) => {
                queue.items.push_back(*output);
                if self.shared_delivery {
                    self.work.objects.push(object);
                }
            }
            None => {
                let queue = Queue {
                    items: VecDeque::from([*output]),
                    parked: false,
                };
                self.queues.insert(object, queue);
                self.work.objects.push(object);
            }
        }
        Ok(())
    }
}

impl Core {
    /// One machine step, the table update it implies, and the drain.
    fn apply(&mut self, table: &Table, input: Input, work: &mut Work) -> Result<Reply, InputError> {
        let reply = self.machine.handle_input(input)?;
        if let Some(trace) = self.trace.as_mut() {
            trace.push(TraceEntry::Step {
                input,
                reply: reply.clone(),
            });
        }
        match reply.outcome {
            Outcome::Created {
                object,
                kind,
                value,
                parent,
            } => {
                if let Some(parent) = parent {
                    self.parents.insert(object, parent);
                }
                // Rule 1: published in the step's critical section.
                let placement = table.install(&mut self.alloc, value, object, kind);
                self.placements.insert(object, (value, placement));
            }
            Outcome::Closed { object, .. } => self.invalidate(table, object),
            _ => {}
        }
        let mut sink = Sink {
            queues: &mut self.queues,
            parents: &mut self.parents,
            closing_children: &mut self.closing_children,
            closing_status: self.closing_status,
            io_wanted: self.io_wanted,
            trace: &mut self.trace,
            work,
            shared_delivery: self.shared_delivery,
        };
        drain_into(&mut self.machine, CallbackMode::LeaveRunning, &mut sink)?;
        Ok(reply)
    }

    /// Mirror a close into the table (rules 1 and 5): the closed object, and under the
    /// cascade policy every descendant the machine invalidated with it.
    fn invalidate(&mut self, table: &Table, object: ObjectId) {
        if !self.cascade {
            if let Some((value, placement)) = self.placements.remove(&object) {
                table.close(&mut self.alloc, value, placement);
            }
            return;
        }
        let machine = &self.machine;
        let closed: Vec<ObjectId> = self
            .placements
            .keys()
            .copied()
            .filter(|id| !machine.object(*id).is_some_and(|o| o.is_open()))
            .collect();
        let entries: Vec<(HandleValue, Option<Placement>)> = closed
            .iter()
            .filter_map(|id| self.placements.remove(id))
            .collect();
        if entries.len() > 1 {
            // Rule 5: every slot of the subtree is CLOSING before any stops being LIVE.
            for &(_, placement) in &entries {
                if let Some(p) = placement {
                    table.mark_closing(p);
                }
            }
        }
        for (value, placement) in entries {
            table.close(&mut self.alloc, value, placement);
        }
    }

    /// `object`'s `HANDLE_CLOSING` finished delivering: release its parent's wait (law
    /// 6). Returns the parent when this thread must now deliver its parked closing.
    fn closing_children_done(&mut self, object: ObjectId) -> Option<ObjectId> {
        let parent = self.parents.remove(&object)?;
        let count = self.closing_children.get_mut(&parent)?;
        *count -= 1;
        if *count > 0 {
            return None;
        }
        self.closing_children.remove(&parent);
        let queue = self.queues.get_mut(&parent).filter(|q| q.parked)?;
        queue.parked = false;
        Some(parent)
    }

    fn record(&mut self, event: TraceEntry) {
        if let Some(trace) = self.trace.as_mut() {
            trace.push(event);
        }
    }
}

thread_local! {
    /// The engines this thread is delivering for, each with the objects that calls made
    /// from inside its callbacks handed over (law 9: delivered after the callback
    /// returns, by the outer delivery loop).
    // Not `const`: loom's `thread_local!` takes a plain initializer only.
    #[allow(clippy::missing_const_for_thread_local)]
    static DELIVERING: std::cell::RefCell<Vec<(usize, Vec<ObjectId>)>> =
        std::cell::RefCell::new(Vec::new());
}

/// Ends this thread's delivery loop for one engine, also when a callback unwinds.
struct DeliveryScope(usize);

impl Drop for DeliveryScope {
    fn drop(&mut self) {
        // The thread-local may already be gone at thread exit; nothing to undo then.
        let _ = DELIVERING.try_with(|d| d.borrow_mut().retain(|(key, _)| *key != self.0));
    }
}

/// A pinned handle: the value was live with this object and kind when pinned, and the
/// slot cannot be recycled for another object until the pin is dropped. The object may
/// be closed meanwhile; the machine then answers calls on the value as closed.
#[derive(Debug)]
pub struct Pin<'a> {
    table: &'a Table,
    slot: Option<(u32, u32)>,
    object: ObjectId,
    kind: HandleKind,
    value: HandleValue,
}

impl Pin<'_> {
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
    /// True while the slot still holds this object (always, unless a planted mutant
    /// broke the table): the guard's own check of rules 2 and 3.
    #[inline]
    pub fn is_intact(&self) -> bool {
        match self.slot {
            Some((slot, generation)) => self
                .table
                .snapshot(slot)
                .is_some_and(|s| s.generation() == generation && s.refs() > 0),
            None => true,
        }
    }
}

impl Drop for Pin<'_> {
    #[inline]
    fn drop(&mut self) {
        if std::thread::panicking() && !self.is_intact() {
            // Unwinding from a broken table (a planted mutant): do not panic again.
            return;
        }
        if let Some((slot, generation)) = self.slot {
            self.table.unpin(slot, generation);
        }
    }
}

impl Engine {
    /// An engine under `policy` with no I/O handler (see [`EngineBuilder`]).
    pub fn new(policy: Policy) -> Engine {
        EngineBuilder::new(policy).build()
    }

    /// The family of its policy.
    pub fn family(&self) -> Family {
        self.family
    }

    /// Register a status callback; pass the id to [`Engine::set_status_callback`].
    pub fn register_callback(
        &self,
        callback: impl Fn(&Engine, &Notification) + Send + Sync + 'static,
    ) -> CallbackId {
        let mut core = self.core.lock();
        core.callbacks.push(SharedFn::new(callback));
        CallbackId((core.callbacks.len() - 1) as u32)
    }

    /// Apply one API call or environment event: one machine step, then delivery.
    /// `Input::CallbackReturned` is the engine's own business and is refused.
    pub fn apply(&self, input: Input) -> Result<Reply, InputError> {
        if let Input::CallbackReturned { object } = input {
            return Err(InputError::NoRunningCallback(object));
        }
        let mut work = Work::default();
        let reply = self.core.lock().apply(&self.table, input, &mut work)?;
        self.finish(work);
        Ok(reply)
    }

    /// `WinHttpOpen` / `InternetOpen`.
    pub fn open(&self, api: CreateApi, async_mode: bool) -> Result<Reply, InputError> {
        self.apply(Input::Open { api, async_mode })
    }

    /// A function creating a child of `source`.
    pub fn create(
        &self,
        api: CreateApi,
        source: HandleValue,
        context: Option<u64>,
    ) -> Result<Reply, InputError> {
        self.apply(Input::Create {
            api,
            source,
            context,
        })
    }

    /// Any other function on a handle. Every call is a machine step: even immediate
    /// functions depend on the handle's protocol state, which only the machine knows.
    pub fn call(&self, api: Api, handle: HandleValue) -> Result<Reply, InputError> {
        self.apply(Input::Call {
            api,
            handle,
            arg: CallArg::None,
        })
    }

    /// `WinHttpCloseHandle` / `InternetCloseHandle`.
    pub fn close(&self, handle: HandleValue) -> Result<Reply, InputError> {
        self.apply(Input::Close { handle })
    }

    /// `WinHttpSetStatusCallback` / `InternetSetStatusCallback`.
    pub fn set_status_callback(
        &self,
        handle: HandleValue,
        callback: Option<CallbackId>,
        mask: u32,
    ) -> Result<Reply, InputError> {
        self.apply(Input::SetStatusCallback {
            handle,
            callback,
            mask,
        })
    }

    /// The executor reports that operation `op` of `object` finished with `completion`
    /// (a completion for an operation already cancelled or finished is answered
    /// [`Outcome::Stale`] and changes nothing).
    pub fn complete(
        &self,
        object: ObjectId,
        op: OpId,
        completion: Completion,
    ) -> Result<Reply, InputError> {
        self.apply(Input::Complete {
            object,
            op,
            completion,
        })
    }

    /// Validate-and-pin `value` (lock-free unless the value map cannot hold it): `None`
    /// when it addresses no live object.
    #[inline]
    pub fn pin(&self, value: HandleValue) -> Option<Pin<'_>> {
        match self.table.pin(value) {
            FastPin::Pinned {
                slot,
                generation,
                object,
                kind,
            } => Some(Pin {
                table: &self.table,
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
    fn pin_locked(&self, value: HandleValue) -> Option<Pin<'_>> {
        let core = self.core.lock();
        let object = core.machine.resolve(value)?;
        let kind = core.machine.object(object)?.kind();
        let slot = match core.placements.get(&object) {
            Some((_, Some(p))) => {
                // Under the lock the object is open, so its slot is LIVE (rule 1).
                self.table.pin_slot(p.slot, p.generation)?;
                Some((p.slot, p.generation))
            }
            _ => None,
        };
        Some(Pin {
            table: &self.table,
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

    /// Take the recorded trace (empty unless built with [`EngineBuilder::record`]).
    pub fn take_trace(&self) -> Vec<TraceEntry> {
        self.core
            .lock()
            .trace
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Callbacks (and I/O handler calls) that panicked, each treated as returned.
    pub fn callback_panics(&self) -> u64 {
        self.core.lock().panics
    }

    /// Bytes of the lock-free table (slots and value map), for memory accounting.
    pub fn table_bytes(&self) -> usize {
        self.table.bytes()
    }

    /// Deliver the objects this thread now owns.
    fn finish(&self, work: Work) {
        self.deliver(work.objects);
    }

    fn key(&self) -> usize {
        // The engine's address identifies it in the thread's delivery stack.
        self as *const Engine as usize
    }

    fn deliver(&self, objects: Vec<ObjectId>) {
        if objects.is_empty() {
            return;
        }
        let key = self.key();
        let mut objects = Some(objects);
        let nested = DELIVERING.with(|d| {
            let mut d = d.borrow_mut();
            match d.iter_mut().find(|(k, _)| *k == key) {
                Some((_, pending)) => {
                    pending.extend(objects.take().into_iter().flatten());
                    true
                }
                None => {
                    d.push((key, Vec::new()));
                    false
                }
            }
        });
        if nested {
            // Law 9: delivered by this thread's outer loop after the callback returns.
            return;
        }
        let _scope = DeliveryScope(key);
        let mut list: VecDeque<ObjectId> = objects.into_iter().flatten().collect();
        while let Some(object) = list.pop_front() {
            self.deliver_object(object, &mut list);
        }
    }

    fn take_nested(&self, list: &mut VecDeque<ObjectId>) {
        let key = self.key();
        let handed = DELIVERING.with(|d| {
            d.borrow_mut()
                .iter_mut()
                .find(|(k, _)| *k == key)
                .map(|(_, pending)| std::mem::take(pending))
                .unwrap_or_default()
        });
        extend_unique(list, handed);
    }

    /// Deliver `object`'s queue until it is empty (law 10: this thread owns it).
    fn deliver_object(&self, object: ObjectId, list: &mut VecDeque<ObjectId>) {
        let mut core = self.core.lock();
        loop {
            let closing_status = core.closing_status;
            let waiting = core.closing_children.get(&object).copied().unwrap_or(0);
            let Some(queue) = core.queues.get_mut(&object) else {
                return;
            };
            let closing_next = matches!(
                queue.items.front(),
                Some(Output::Notify(n)) if n.status == closing_status
            );
            if waiting > 0 && closing_next {
                // Law 6: park; the thread delivering the last child's closing resumes it.
                queue.parked = true;
                return;
            }
            let n = match queue.items.pop_front() {
                None => {
                    core.queues.remove(&object);
                    return;
                }
                Some(Output::Notify(n)) => n,
                Some(io) => {
                    // I/O requests reach the executor in emission order per object, from
                    // the owner, outside the lock.
                    core.record(TraceEntry::Output(io));
                    drop(core);
                    // A panicking handler must not leave this queue owned by nobody.
                    let panicked = self.io.as_ref().is_some_and(|handler| {
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(&io)))
                            .is_err()
                    });
                    core = self.core.lock();
                    if panicked {
                        core.panics += 1;
                    }
                    continue;
                }
            };
            core.record(TraceEntry::Deliver(n));
            let callback = n
                .callback
                .and_then(|id| core.callbacks.get(id.0 as usize).cloned());
            drop(core);
            let panicked = callback.is_some_and(|cb| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(self, &n))).is_err()
            });
            self.take_nested(list);
            core = self.core.lock();
            if panicked {
                core.panics += 1;
            }
            if n.status == closing_status {
                if let Some(parent) = core.closing_children_done(object) {
                    list.push_back(parent);
                }
            }
            if n.needs_return {
                let mut work = Work::default();
                let input = Input::CallbackReturned { object };
                // The delivered notification holds the object until this input (the
                // machine took the hold when it emitted it), so it cannot be refused.
                let returned = core.apply(&self.table, input, &mut work);
                debug_assert!(returned.is_ok(), "callback return refused: {returned:?}");
                extend_unique(list, work.objects);
            }
        }
    }
}

fn extend_unique(list: &mut VecDeque<ObjectId>, objects: Vec<ObjectId>) {
    for object in objects {
        if !list.contains(&object) {
            list.push_back(object);
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests;
