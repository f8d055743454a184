//! The work a step leaves outside the lock: handing I/O requests and destroyed objects'
//! data to the executor, delivering notifications (laws 6, 9, 10), and a blocked
//! caller's wait.
//!
//! Owns: the thread-locals `DELIVERING` (the engines whose delivery loop runs on this
//! thread, with the objects calls made inside their callbacks handed to it — law 9) and
//! `HOOKS` (the engines whose executor hook runs on this thread), and the mailbox loop
//! of [`Engine::call`].
//!
//! Invariants: no engine lock is held while a callback or an executor hook runs; I/O
//! requests are handed over by the thread whose step drained them, before that engine
//! call returns, nested or not; a cancel waiting in `starting` is handed over by the
//! thread that handed its start, after the start returned.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};

use hinternet_core::{Completion, Input, ObjectId, OpId};

use crate::port::Executor;
use crate::state::{Core, Destroyed, IoRequest, Work};
use crate::sync::{thread_local, MutexGuard, Ordering};
use crate::{Engine, TraceEntry};

thread_local! {
    /// The engines this thread is delivering for, each with the objects that calls made
    /// from inside its callbacks handed over (law 9: delivered after the callback
    /// returns, by the outer delivery loop).
    // Not `const`: loom's `thread_local!` takes a plain initializer only.
    #[allow(clippy::missing_const_for_thread_local)]
    static DELIVERING: std::cell::RefCell<Vec<(usize, Vec<ObjectId>)>> =
        std::cell::RefCell::new(Vec::new());
    /// The engines whose executor hook runs on this thread (one entry per nesting).
    #[allow(clippy::missing_const_for_thread_local)]
    static HOOKS: std::cell::RefCell<Vec<usize>> = std::cell::RefCell::new(Vec::new());
    /// An emptied object list kept for this thread's next step ([`Work::objects`]), so
    /// a delivery does not allocate in the steady state.
    #[allow(clippy::missing_const_for_thread_local)]
    static SPARE_OBJECTS: std::cell::RefCell<Vec<ObjectId>> =
        std::cell::RefCell::new(Vec::new());
}

/// This thread's spare object list (empty, possibly with capacity).
pub(crate) fn take_spare_objects() -> Vec<ObjectId> {
    SPARE_OBJECTS
        .try_with(|s| std::mem::take(&mut *s.borrow_mut()))
        .unwrap_or_default()
}

/// Keep an emptied object list for this thread's next step.
pub(crate) fn keep_spare_objects(mut objects: Vec<ObjectId>) {
    objects.clear();
    let _ = SPARE_OBJECTS.try_with(|s| {
        let mut spare = s.borrow_mut();
        if objects.capacity() > spare.capacity() {
            *spare = objects;
        }
    });
}

/// True when this thread runs a delivery loop (a callback) of the engine `key`.
fn inside_delivery(key: usize) -> bool {
    DELIVERING
        .try_with(|d| d.borrow().iter().any(|(k, _)| *k == key))
        .unwrap_or(false)
}

/// True when this thread runs a callback or an executor hook of the engine `key`.
pub(crate) fn inside_engine(key: usize) -> bool {
    inside_delivery(key)
        || HOOKS
            .try_with(|h| h.borrow().contains(&key))
            .unwrap_or(false)
}

/// Ends this thread's delivery loop for one engine, also when a callback unwinds.
struct DeliveryScope(usize);

impl Drop for DeliveryScope {
    fn drop(&mut self) {
        // The thread-local may already be gone at thread exit; nothing to undo then.
        let _ = DELIVERING.try_with(|d| d.borrow_mut().retain(|(key, _)| *key != self.0));
    }
}

/// Marks an executor hook running on this thread, also when it unwinds.
struct HookScope(usize);

impl HookScope {
    fn enter(key: usize) -> HookScope {
        let _ = HOOKS.try_with(|h| h.borrow_mut().push(key));
        HookScope(key)
    }
}

impl Drop for HookScope {
    fn drop(&mut self) {
        let _ = HOOKS.try_with(|h| {
            let mut h = h.borrow_mut();
            if let Some(i) = h.iter().rposition(|k| *k == self.0) {
                h.remove(i);
            }
        });
    }
}

impl<X: Executor> Engine<X> {
    /// The work of a step, outside the lock: I/O first (never deferred), then the
    /// destroyed hooks, then the notifications this thread now owns.
    pub(crate) fn finish(&self, work: Work<X>) {
        let Work {
            objects,
            mut io,
            destroyed,
        } = work;
        if self.io_behind_callbacks && !io.is_empty() && inside_delivery(self.key()) {
            // The planted bug: held like a notification until the callback returns.
            self.core.lock().rest.held_io.append(&mut io);
        }
        if !io.is_empty() || !destroyed.is_empty() {
            self.hand_over(io, destroyed);
        }
        self.deliver(objects, None);
    }

    /// [`Engine::finish`] for a step that left only notifications to deliver, with the
    /// step's lock still held: the first object's first notification is taken under
    /// that lock (one lock round trip less per delivering step).
    pub(crate) fn finish_locked(&self, objects: Vec<ObjectId>, core: MutexGuard<'_, Core<X>>) {
        self.deliver(objects, Some(core));
    }

    /// Run one executor hook, catching a panic; true when it panicked.
    fn hook(&self, f: impl FnOnce()) -> bool {
        let _scope = HookScope::enter(self.key());
        catch_unwind(AssertUnwindSafe(f)).is_err()
    }

    /// Hand I/O requests and destroyed objects' data to the executor, then the cancels
    /// that waited for the starts handed here.
    fn hand_over(&self, io: Vec<IoRequest<X>>, destroyed: Destroyed<X>) {
        if !io.is_empty() {
            self.hand_over_io(io);
        }
        if !destroyed.is_empty() {
            self.destroyed_hooks(destroyed);
        }
    }

    /// Hand I/O requests to the executor, then the cancels that waited for the starts
    /// handed here.
    fn hand_over_io(&self, mut io: Vec<IoRequest<X>>) {
        loop {
            let mut started: Vec<OpId> = Vec::new();
            let mut panics = 0;
            let handed = io.len();
            for request in io.drain(..) {
                let panicked = match request {
                    IoRequest::Start(start) => {
                        started.push(start.op);
                        self.hook(|| self.executor.start(self, start))
                    }
                    IoRequest::Cancel(cancel) => self.hook(|| self.executor.cancel(self, cancel)),
                };
                panics += u64::from(panicked);
            }
            let mut core = self.core.lock();
            let rest = &mut core.rest;
            rest.panics += panics;
            rest.busy -= handed;
            for op in started {
                if let Some(Some(cancel)) = rest.starting.remove(&op) {
                    rest.busy += 1;
                    io.push(IoRequest::Cancel(cancel));
                }
            }
            if io.is_empty() {
                // The emptied buffers serve the next step.
                rest.recycle(io);
                rest.wake_if_quiescent(&self.quiet);
                return;
            }
        }
    }

    /// Hand destroyed objects' data to the executor, without the engine lock: they were
    /// counted in `destroying` by the drain (under the lock), and are counted down here.
    /// Only when that reaches zero while a thread waits for quiescence is the lock taken,
    /// to wake it. No wake-up is lost, under acquire/release alone: the waiter counts
    /// itself in `quiet_waiters` (an RMW) and then reads `destroying` with an RMW, under
    /// the lock; this thread lowers `destroying` (an RMW) and then loads
    /// `quiet_waiters`. The two RMWs on `destroying` are ordered: if the waiter's comes
    /// later it reads the lowered count; if earlier, this thread's RMW reads from it, so
    /// the waiter's count happened before this thread's load, which then sees it and
    /// takes the lock (held by the waiter until it sleeps) to wake it. Loom checks this
    /// (`proofs/tests/loom_engine.rs`, quiescence and destroyed hooks).
    fn destroyed_hooks(&self, destroyed: Destroyed<X>) {
        let handed = destroyed.len();
        let mut panics = 0;
        for (object, data) in destroyed {
            panics += u64::from(self.hook(|| self.executor.destroyed(self, object, data)));
        }
        if panics > 0 {
            self.hook_panics.fetch_add(panics, Ordering::SeqCst);
        }
        let before = self.destroying.fetch_sub(handed, Ordering::SeqCst);
        if before == handed
            && self.quiet_waiters.load(Ordering::SeqCst) > 0
            && !self.hook_forgets_waiter
        {
            self.core.lock().rest.wake_if_quiescent(&self.quiet);
        }
    }

    /// Deliver the objects this thread now owns (or hand them to this thread's outer
    /// delivery loop when called from inside a callback: law 9).
    /// `held` is the engine lock when the caller still holds it from its step.
    fn deliver(&self, objects: Vec<ObjectId>, mut held: Option<MutexGuard<'_, Core<X>>>) {
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
        // Reuses the vector's buffer: no allocation.
        let mut list = VecDeque::from(objects.unwrap_or_default());
        while let Some(object) = list.pop_front() {
            self.deliver_object(object, &mut list, held.take());
        }
        keep_spare_objects(Vec::from(list));
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
        extend_unique(list, &handed);
    }

    /// Deliver `object`'s queue until it is empty (law 10: this thread owns it).
    /// `held` is the engine lock when the caller still holds it. An object destroyed by
    /// its delivered `HANDLE_CLOSING` is counted in `destroying` under the lock, like a
    /// drained destroyed object, and its data handed back once the lock is released
    /// (after its callback returned and its return was fed, before this returns).
    fn deliver_object(
        &self,
        object: ObjectId,
        list: &mut VecDeque<ObjectId>,
        held: Option<MutexGuard<'_, Core<X>>>,
    ) {
        let mut destroyed = Destroyed::<X>::new();
        let mut core = held.unwrap_or_else(|| self.core.lock());
        loop {
            let rest = &mut core.rest;
            let closing_status = rest.closing_status;
            let waiting = rest.closing_children.get(object).copied().unwrap_or(0);
            let Some(queue) = rest.queues.get_mut(object) else {
                break;
            };
            let closing_next = queue
                .items
                .front()
                .is_some_and(|n| n.status == closing_status);
            if waiting > 0 && closing_next {
                // Law 6: park; the thread delivering the last child's closing resumes it.
                queue.parked = true;
                break;
            }
            let Some(n) = queue.items.pop_front() else {
                rest.remove_queue(object);
                rest.wake_if_quiescent(&self.quiet);
                break;
            };
            rest.record(|| TraceEntry::Deliver(n));
            let callback = n.callback.and_then(|id| self.callbacks.get(id.0));
            drop(core);
            let panicked =
                callback.is_some_and(|cb| catch_unwind(AssertUnwindSafe(|| cb(self, &n))).is_err());
            self.take_nested(list);
            core = self.core.lock();
            if panicked {
                core.rest.panics += 1;
            }
            if !core.rest.held_io.is_empty() {
                // Only the `IoBehindCallbacks` mutant holds I/O back.
                let held = std::mem::take(&mut core.rest.held_io);
                drop(core);
                self.hand_over(held, Destroyed::<X>::new());
                core = self.core.lock();
            }
            if n.status == closing_status {
                if let Some(parent) = core.rest.closing_children_done(object) {
                    list.push_back(parent);
                }
                // Destroyed, and its HANDLE_CLOSING callback returned: the data goes
                // back once the lock is released, counted in `destroying` until then
                // (so the engine is not quiescent before the hook ran).
                let data = core.rest.take_destroyed(object);
                core.rest.destroying.fetch_add(1, Ordering::SeqCst);
                destroyed.push((object, data));
            }
            if n.needs_return {
                let mut work = core.rest.take_work();
                let input = Input::CallbackReturned { object };
                // The delivered notification holds the object until this input (the
                // machine took the hold when it emitted it), so it cannot be refused.
                let returned = core
                    .step(&self.table, input)
                    .and_then(|_| core.drain(&mut work));
                debug_assert!(returned.is_ok(), "callback return refused: {returned:?}");
                if !work.io.is_empty() || !work.destroyed.is_empty() {
                    // A callback's return can start I/O (a lane's next operation) or
                    // destroy an object: hand those over now, outside the lock.
                    if work.io.is_empty() {
                        core.rest.recycle(std::mem::take(&mut work.io));
                    }
                    drop(core);
                    if !destroyed.is_empty() {
                        // This object's data goes back before what its return did.
                        self.destroyed_hooks(std::mem::take(&mut destroyed));
                    }
                    self.hand_over(work.io, work.destroyed);
                    core = self.core.lock();
                } else {
                    core.rest.recycle(work.io);
                }
                extend_unique(list, &work.objects);
                if work.objects.capacity() > 0 {
                    keep_spare_objects(work.objects);
                }
            }
        }
        drop(core);
        if !destroyed.is_empty() {
            self.destroyed_hooks(destroyed);
        }
    }

    /// Block until operation `op`'s `CallReturned`, applying the inputs handed to this
    /// caller in order. Returns the operation's result.
    pub(crate) fn block_on(&self, op: OpId) -> Completion {
        let Some(mailbox) = self
            .core
            .lock()
            .rest
            .blocked
            .get(&op)
            .map(|b| b.mailbox.clone())
        else {
            // Registered in the call's own step and removed only here.
            unreachable!("blocked call {op} lost its mailbox");
        };
        loop {
            let next = {
                let mut mail = mailbox.state.lock();
                loop {
                    if let Some(input) = mail.inputs.pop_front() {
                        break Some(input);
                    }
                    if mail.returned.is_some() {
                        break None;
                    }
                    mail = mailbox.ready.wait(mail);
                }
            };
            match next {
                Some(input) => {
                    // Applied on this thread: its callbacks run here (WH-R19).
                    if self.apply_raw(input).is_err() {
                        self.core.lock().rest.refused_handoffs += 1;
                    }
                }
                None => {
                    // Returned. Leave only with an empty mailbox, checked under the
                    // engine lock that every hand-over takes.
                    let mut core = self.core.lock();
                    let mut mail = mailbox.state.lock();
                    if !mail.inputs.is_empty() {
                        continue;
                    }
                    let result = mail.returned.take();
                    drop(mail);
                    core.rest.blocked.remove(&op);
                    core.rest.wake_if_quiescent(&self.quiet);
                    // Checked `is_some` above, under the mailbox lock, and only this
                    // thread takes it.
                    return result.unwrap_or(Completion::Done);
                }
            }
        }
    }

    /// One step applied by this thread, never handed to a blocked caller.
    fn apply_raw(&self, input: Input) -> Result<(), hinternet_core::InputError> {
        let mut work = Work::default();
        {
            let mut core = self.core.lock();
            core.step(&self.table, input)?;
            core.drain(&mut work)?;
        }
        self.finish(work);
        Ok(())
    }
}

fn extend_unique(list: &mut VecDeque<ObjectId>, objects: &[ObjectId]) {
    for &object in objects {
        if !list.contains(&object) {
            list.push_back(object);
        }
    }
}
