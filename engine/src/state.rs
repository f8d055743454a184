//! Everything behind the engine lock, and the drain sink that sorts the machine's
//! outputs into work for the thread that took the step.
//!
//! Owns: [`Core`] (the machine, the table's placements, the per-object notification
//! queues, the embedder's data beside the machine — per object and per operation — the
//! blocked callers' mailboxes, the counters, and spare buffers for steps and queues),
//! [`Work`] (what a step leaves to do outside the lock) and [`Mailbox`].
//!
//! Per-object state that every create or close touches (placements, parents, data) is
//! kept in [`ObjectMap`]s, and a step's [`Work`] and a queue's buffer are reused, so a
//! create and a close allocate nothing in the engine in the steady state (the machine's
//! own storage is the machine's business).
//!
//! Invariants:
//! - A notification queue exists exactly while some thread owns the object's delivery
//!   (law 10) or it is parked (law 6); only notifications with a callback enter it.
//! - I/O requests never enter a notification queue: each goes into the [`Work`] of the
//!   thread whose step produced it, which hands it over right after the step. `starting`
//!   holds every operation whose start was drained and whose [`Executor::start`] has not
//!   returned; a cancel for such an operation waits there and is handed over by the
//!   thread that handed the start, after it returned.
//! - `busy` counts requests and `destroyed` hooks drained but not yet handed over, so
//!   quiescence has no gap between the drain and the hand-over.
//! - `blocked` has an entry exactly while a thread blocks in [`Engine::call`] on that
//!   operation; its mailbox receives the operation's `CallReturned` (from whichever
//!   thread's step produced it) and the executor's inputs handed to the caller.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use hinternet_core::drain::{drain_into, CallbackMode, OutputSink};
use hinternet_core::{
    Completion, HandleValue, Input, InputError, Machine, ObjectId, OpId, Outcome, Output, Reply,
};

use crate::index::{FewMap, ObjectMap};
use crate::port::{Cancel, Executor, Start};
use crate::slot::{SlotAlloc, Table};
use crate::sync::{Arc as SyncArc, AtomicUsize, Condvar, Mutex, Ordering};
#[cfg(doc)]
use crate::Engine;
use crate::TraceEntry;
use smallvec::SmallVec;

/// How many emptied queue buffers the engine keeps for reuse.
pub(crate) const SPARE_BUFFERS: usize = 16;

/// The placement of an open object the table had no slot for.
pub(crate) const NO_SLOT: u32 = u32::MAX;

/// A blocked caller's mailbox: the inputs handed to it and its operation's return.
#[derive(Debug, Default)]
pub(crate) struct Mailbox {
    pub(crate) state: Mutex<MailState>,
    pub(crate) ready: Condvar,
}

/// What a mailbox holds.
#[derive(Debug, Default)]
pub(crate) struct MailState {
    /// The executor's completions and protocol events for the blocked operation, in the
    /// order the executor reported them; the blocked thread applies them.
    pub(crate) inputs: VecDeque<Input>,
    /// The operation's `CallReturned` result, once drained.
    pub(crate) returned: Option<Completion>,
}

/// A thread blocked in [`Engine::call`].
#[derive(Debug)]
pub(crate) struct Blocked {
    pub(crate) object: ObjectId,
    /// Its start was drained: completions for it may be handed to the caller.
    pub(crate) started: bool,
    pub(crate) mailbox: SyncArc<Mailbox>,
}

/// One I/O request for the executor.
pub(crate) enum IoRequest<X: Executor> {
    Start(Start<X>),
    Cancel(Cancel<X>),
}

/// Objects destroyed with their `HANDLE_CLOSING` filtered out, with their data, for
/// [`Executor::destroyed`]: inline (a close usually destroys one object), so a step's
/// list needs no buffer from under the lock and its hand-over takes no lock.
pub(crate) type Destroyed<X> = SmallVec<[(ObjectId, Option<Arc<<X as Executor>::Object>>); 2]>;

/// What a step left for the calling thread to do outside the lock.
pub(crate) struct Work<X: Executor> {
    /// Objects whose notification delivery this thread now owns.
    pub(crate) objects: Vec<ObjectId>,
    /// I/O requests to hand to the executor, in drain order.
    pub(crate) io: Vec<IoRequest<X>>,
    /// Objects destroyed with their `HANDLE_CLOSING` filtered out: their data goes back.
    /// Counted in [`State::destroying`] from the drain until handed over.
    pub(crate) destroyed: Destroyed<X>,
}

impl<X: Executor> Default for Work<X> {
    fn default() -> Self {
        Work {
            objects: Vec::new(),
            io: Vec::new(),
            destroyed: SmallVec::new(),
        }
    }
}

impl<X: Executor> Work<X> {
    /// Queue `object` for delivery by this thread, starting from the thread's spare
    /// list (no allocation in the steady state).
    pub(crate) fn push_object(&mut self, object: ObjectId) {
        if self.objects.capacity() == 0 {
            self.objects = crate::deliver::take_spare_objects();
        }
        self.objects.push(object);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.objects.is_empty() && self.io.is_empty() && self.destroyed.is_empty()
    }
}

/// One object's queued notifications.
#[derive(Debug, Default)]
pub(crate) struct Queue {
    /// Notifications with a callback, in emission order.
    pub(crate) items: VecDeque<hinternet_core::Notification>,
    /// Its front is a `HANDLE_CLOSING` waiting for children's (law 6): no thread owns
    /// it; the thread that delivers the last child's takes it over.
    pub(crate) parked: bool,
}

/// Everything behind the engine lock.
pub(crate) struct Core<X: Executor> {
    pub(crate) machine: Machine,
    pub(crate) rest: State<X>,
}

/// Everything behind the lock except the machine (so the drain sink can borrow it
/// while the drain borrows the machine).
pub(crate) struct State<X: Executor> {
    /// Open objects: their slot in the table, or [`NO_SLOT`] (the table was full). The
    /// value, generation and mapping are read back from the slot ([`Table::placed`]).
    pub(crate) placements: ObjectMap<u32>,
    /// The table's free slots (rule 3).
    pub(crate) alloc: SlotAlloc,
    /// Per-object notification queues (see the module invariants).
    pub(crate) queues: FewMap<Queue>,
    /// Emptied notification buffers of removed queues, reused by the next queue (at
    /// most [`SPARE_BUFFERS`]), so a delivery does not allocate in the steady state.
    pub(crate) spare_queues: Vec<VecDeque<hinternet_core::Notification>>,
    /// Emptied I/O request buffers, reused by the next step's [`Work`] (taken and
    /// returned under the lock).
    pub(crate) spare_io: Vec<IoRequest<X>>,
    /// Destroyed hooks drained but not yet handed over (shared with the engine, which
    /// counts them down outside the lock): quiescence waits for zero. Raised only under
    /// the lock, by the drain.
    pub(crate) destroying: SyncArc<AtomicUsize>,
    /// The lifetime parent of every object that has one, until its `HANDLE_CLOSING` has
    /// been delivered.
    pub(crate) parents: ObjectMap<u32>,
    /// Per parent: children whose queued `HANDLE_CLOSING` has not finished delivering.
    /// The parent's own `HANDLE_CLOSING` waits for zero (law 6).
    pub(crate) closing_children: FewMap<u32>,
    pub(crate) closing_status: u32,
    /// Status callbacks registered so far (the next callback id); the callbacks are
    /// in the engine's append-only table, read without the lock.
    pub(crate) callbacks: u32,
    pub(crate) trace: Option<Vec<TraceEntry>>,
    pub(crate) panics: u64,
    /// Mutant: every enqueuing thread delivers, owner or not.
    pub(crate) shared_delivery: bool,
    /// Mutant: a blocked call's return goes to the first caller blocked on its object.
    pub(crate) return_by_object: bool,
    /// Mutant [`EngineMutant::IoBehindCallbacks`](crate::EngineMutant): I/O requests
    /// made inside callbacks, held until the outer delivery loop resumes.
    pub(crate) held_io: Vec<IoRequest<X>>,
    /// The embedder's data per live object (attached in the creating step).
    pub(crate) data: ObjectMap<Option<Arc<X::Object>>>,
    /// Call data of accepted operations until their start is drained.
    pub(crate) calls: BTreeMap<OpId, (ObjectId, X::Call)>,
    /// Operations whose start is being handed over, each with a cancel that waits for
    /// the start to return.
    pub(crate) starting: BTreeMap<OpId, Option<Cancel<X>>>,
    /// Threads blocked in `call`, by operation.
    pub(crate) blocked: BTreeMap<OpId, Blocked>,
    /// Drained I/O requests not yet handed over (destroyed hooks: `destroying`).
    pub(crate) busy: usize,
    /// Threads waiting in [`Engine::wait_quiescent`]: the quiet condvar is signalled
    /// only when one waits (a futex wake is a system call). Changed only under the
    /// lock; read outside it by a destroyed hook's hand-over.
    pub(crate) quiet_waiters: SyncArc<AtomicUsize>,
    /// Completions that named a cancelled or finished operation.
    pub(crate) stale: u64,
    /// Inputs handed to a blocked caller that the machine then refused.
    pub(crate) refused_handoffs: u64,
}

impl<X: Executor> State<X> {
    /// Nothing queued or running: no notification queue, no blocked caller, no request
    /// or hook between drain and hand-over.
    ///
    /// `destroying` is read with a read-modify-write (adding zero), not a load: an RMW
    /// reads the latest value in the counter's modification order, which is what makes
    /// the wake-up of [`Engine::wait_quiescent`] safe under acquire/release alone (see
    /// the destroyed hooks' hand-over in `deliver.rs`).
    pub(crate) fn is_quiescent(&self) -> bool {
        self.queues.is_empty()
            && self.blocked.is_empty()
            && self.busy == 0
            && self.destroying.fetch_add(0, Ordering::AcqRel) == 0
    }

    /// Wake the quiescence waiters when the engine is quiescent and one waits. Called
    /// under the engine lock, like the waiters' count and check.
    pub(crate) fn wake_if_quiescent(&self, quiet: &Condvar) {
        if self.quiet_waiters.load(Ordering::SeqCst) > 0 && self.is_quiescent() {
            quiet.notify_all();
        }
    }

    /// A [`Work`] for one step, with the spare buffers (no allocation when they have
    /// room).
    pub(crate) fn take_work(&mut self) -> Work<X> {
        Work {
            // Taken from the thread's spare list when the first object is queued
            // ([`Work::push_object`]): most steps queue none.
            objects: Vec::new(),
            io: std::mem::take(&mut self.spare_io),
            destroyed: SmallVec::new(),
        }
    }

    /// Keep the buffers of a step that left nothing to do for the next step.
    pub(crate) fn recycle_work(&mut self, work: Work<X>) {
        if work.objects.capacity() > 0 {
            crate::deliver::keep_spare_objects(work.objects);
        }
        self.recycle(work.io);
    }

    /// Keep an emptied request buffer for the next step (the larger one).
    pub(crate) fn recycle(&mut self, mut io: Vec<IoRequest<X>>) {
        io.clear();
        if io.capacity() > self.spare_io.capacity() {
            self.spare_io = io;
        }
    }

    /// Remove `object`'s (empty) queue, keeping its buffer for the next queue.
    pub(crate) fn remove_queue(&mut self, object: ObjectId) {
        if let Some(mut queue) = self.queues.remove(object) {
            if self.spare_queues.len() < SPARE_BUFFERS && queue.items.capacity() > 0 {
                queue.items.clear();
                self.spare_queues.push(queue.items);
            }
        }
    }

    /// Record the entry `event` builds, when recording (built only then: the
    /// notification or output is not copied on the unrecorded path).
    #[inline(always)]
    pub(crate) fn record(&mut self, event: impl FnOnce() -> TraceEntry) {
        if let Some(trace) = self.trace.as_mut() {
            trace.push(event());
        }
    }

    /// `object`'s `HANDLE_CLOSING` finished delivering: release its parent's wait (law
    /// 6). Returns the parent when this thread must now deliver its parked closing.
    pub(crate) fn closing_children_done(&mut self, object: ObjectId) -> Option<ObjectId> {
        let parent = ObjectId(self.parents.remove(object)?);
        let count = self.closing_children.get_mut(parent)?;
        *count -= 1;
        if *count > 0 {
            return None;
        }
        self.closing_children.remove(parent);
        let queue = self.queues.get_mut(parent).filter(|q| q.parked)?;
        queue.parked = false;
        Some(parent)
    }

    /// `object` is gone: take its data back (for [`Executor::destroyed`]) and drop the
    /// call data of its operations that never started (cancelled while queued).
    pub(crate) fn take_destroyed(&mut self, object: ObjectId) -> Option<Arc<X::Object>> {
        self.calls.retain(|_, (o, _)| *o != object);
        self.data.remove(object).flatten()
    }

    /// Mirror a close into the table (rules 1 and 5): every object the machine
    /// invalidated with it, as its outcome lists them.
    fn invalidate(&mut self, table: &Table, invalidated: &[ObjectId]) {
        if invalidated.len() > 1 {
            // Rule 5: every slot of the subtree is CLOSING before any stops being LIVE.
            for &id in invalidated {
                let placed = self.placements.get(id).and_then(|&slot| table.placed(slot));
                if let Some((_, placement)) = placed {
                    table.mark_closing(placement);
                }
            }
        }
        for &id in invalidated {
            let Some(slot) = self.placements.remove(id) else {
                continue;
            };
            match table.placed(slot) {
                Some((value, placement)) => table.close(&mut self.alloc, value, Some(placement)),
                None => table.close(&mut self.alloc, HandleValue::NULL, None),
            }
        }
    }
}

impl<X: Executor> Core<X> {
    /// One machine step and the table update it implies (rule 1: in the step's critical
    /// section). The caller drains afterwards ([`Core::drain`]), after attaching what
    /// belongs to the step (data, call data, a blocked caller).
    // Always inlined: the reply (a `Result` of about 64 bytes) is then written once in
    // the caller's frame instead of being copied through this one, where reading it
    // back right after the machine wrote it field by field stalled store forwarding
    // (`perf annotate` put most of this function's samples on those copies).
    #[inline(always)]
    pub(crate) fn step(&mut self, table: &Table, input: Input) -> Result<Reply, InputError> {
        let reply = self.machine.handle_input(input)?;
        let rest = &mut self.rest;
        if rest.trace.is_some() {
            rest.record(|| TraceEntry::Step {
                input,
                reply: reply.clone(),
            });
        }
        match &reply.outcome {
            &Outcome::Created {
                object,
                kind,
                value,
                parent,
            } => {
                if let Some(parent) = parent {
                    rest.parents.insert(object, parent.0);
                }
                let placement = table.install(&mut rest.alloc, value, object, kind);
                let slot = placement.map_or(NO_SLOT, |p| p.slot);
                rest.placements.insert(object, slot);
            }
            Outcome::Closed { invalidated, .. } => rest.invalidate(table, invalidated),
            Outcome::Stale { .. } => rest.stale += 1,
            _ => {}
        }
        Ok(reply)
    }

    /// Drain the machine's outputs into `work` (the one drain helper).
    pub(crate) fn drain(&mut self, work: &mut Work<X>) -> Result<(), InputError> {
        let mut sink = Sink {
            state: &mut self.rest,
            work,
        };
        drain_into(&mut self.machine, CallbackMode::LeaveRunning, &mut sink)
    }
}

struct Sink<'a, X: Executor> {
    state: &'a mut State<X>,
    work: &'a mut Work<X>,
}

impl<X: Executor> Sink<'_, X> {
    fn notify(&mut self, n: hinternet_core::Notification) {
        let state = &mut *self.state;
        let closing = n.status == state.closing_status;
        if closing {
            // Law 6: the parent's HANDLE_CLOSING waits for this one's delivery.
            match (n.callback, state.parents.get(n.object)) {
                (Some(_), Some(&parent)) => {
                    *state.closing_children.get_or_default(ObjectId(parent)) += 1;
                }
                (None, Some(_)) => {
                    state.parents.remove(n.object);
                }
                _ => {}
            }
        }
        if n.callback.is_none() {
            // Filtered out: no callback observes it.
            state.record(|| TraceEntry::Output(Output::Notify(n)));
            if closing {
                // Destroyed without a delivery: the data goes back now.
                let data = state.take_destroyed(n.object);
                state.destroying.fetch_add(1, Ordering::SeqCst);
                self.work.destroyed.push((n.object, data));
            }
            return;
        }
        match state.queues.get_mut(n.object) {
            // Law 10: an owner exists; it delivers this after its current callback.
            Some(queue) => {
                queue.items.push_back(n);
                if state.shared_delivery {
                    self.work.push_object(n.object);
                }
            }
            None => {
                let mut items = state.spare_queues.pop().unwrap_or_default();
                items.push_back(n);
                let queue = Queue {
                    items,
                    parked: false,
                };
                state.queues.insert(n.object, queue);
                self.work.push_object(n.object);
            }
        }
    }
}

impl<X: Executor> OutputSink for Sink<'_, X> {
    type Error = InputError;

    fn output(&mut self, _machine: &mut Machine, output: &Output) -> Result<(), InputError> {
        let state = &mut *self.state;
        match *output {
            Output::Notify(n) => self.notify(n),
            Output::StartIo {
                object,
                lane,
                op,
                api,
                blocking,
                arg,
            } => {
                state.record(|| TraceEntry::Output(*output));
                let call = state.calls.remove(&op).map(|(_, c)| c);
                let data = state.data.get(object).cloned().flatten();
                if let Some(b) = state.blocked.get_mut(&op) {
                    b.started = true;
                }
                state.starting.insert(op, None);
                state.busy += 1;
                self.work.io.push(IoRequest::Start(Start {
                    op,
                    object,
                    lane,
                    api,
                    blocking,
                    arg,
                    data,
                    call,
                }));
            }
            Output::CancelIo {
                object,
                lane,
                op,
                api,
            } => {
                state.record(|| TraceEntry::Output(*output));
                let cancel = Cancel {
                    op,
                    object,
                    lane,
                    api,
                    data: state.data.get(object).cloned().flatten(),
                    call: state.calls.remove(&op).map(|(_, c)| c),
                };
                match state.starting.get_mut(&op) {
                    // Its start is still being handed over: the starter hands this
                    // over after the start returned.
                    Some(waiting) => *waiting = Some(cancel),
                    None => {
                        state.busy += 1;
                        self.work.io.push(IoRequest::Cancel(cancel));
                    }
                }
            }
            Output::CallReturned {
                object, op, result, ..
            } => {
                state.record(|| TraceEntry::Output(*output));
                let blocked = if state.return_by_object {
                    state.blocked.values().find(|b| b.object == object)
                } else {
                    state.blocked.get(&op)
                };
                if let Some(blocked) = blocked {
                    let mut mail = blocked.mailbox.state.lock();
                    mail.returned = Some(result);
                    blocked.mailbox.ready.notify_all();
                }
            }
        }
        Ok(())
    }
}
