//! The lock-free handle table: one state word per slot, pure transitions over a
//! [`Snapshot`], applied by one CAS loop (tokio's `runtime/task/state.rs`, sharded-slab's
//! `page/slot.rs`).
//!
//! # The state word
//!
//! ```text
//!  63                          32 31   27 26 25 24 23                    0
//! +------------------------------+-------+--+--+--+-----------------------+
//! |          generation          | kind  |  |CL|LV|   pin count (REF)     |
//! +------------------------------+-------+--+--+--+-----------------------+
//! ```
//!
//! - `REF` (24 bits): pins taken and not yet released.
//! - `LIVE`: the slot's object is open in the machine (its value addresses it).
//! - `CLOSING`: a cascading close is invalidating several slots; pins wait.
//! - `kind`: the object's [`HandleKind`] index, so a pin checks the kind without a
//!   second load.
//! - `generation`: changes every time the slot is recycled, so a stale reference (a
//!   value-map entry read before a close) can never pin the slot's next object.
//!
//! Beside the word, `meta` holds the slot's handle value and object identity, and the
//! value map (`vmap`, indexed by handle value) holds `slot + 1 | generation << 32`.
//!
//! # Rules (cited by number in the code)
//!
//! 1. `LIVE` is set and cleared only under the engine lock, in the same critical section
//!    as the machine step that opened or closed the object: while no step runs, `LIVE`
//!    holds exactly when the machine maps the slot's value to the slot's object.
//! 2. A pin adds to `REF` only from a snapshot that is `LIVE`, not `CLOSING`, and of the
//!    expected generation, and does so in the same CAS that checked it: check and
//!    increment are one atomic step, so a pin never lands on a closed or recycled slot.
//! 3. A slot is recycled (generation + 1, every other bit clear) exactly once per use, by
//!    whoever makes it "not `LIVE` and no `REF`": the close when no pin is out (onto the
//!    free list the engine lock owns), otherwise the last unpin (onto a deferred list
//!    the next install drains).
//! 4. A slot is installed (`LIVE`, kind, same generation) only from the free state, under
//!    the engine lock, after `meta` was written (published by the Release store, read
//!    after a pin's Acquire CAS). The install is a plain store, not a CAS: by rules 2
//!    and 3 nothing but the lock holder writes a free slot's word.
//! 5. A cascading close sets `CLOSING` on every slot it invalidates before it clears any
//!    `LIVE`; a pin that sees `CLOSING` waits for the clear. Readers therefore see the
//!    whole subtree close at one instant (the last `CLOSING` set), which keeps the table
//!    linearizable to the machine's single close step.
//! 6. The value map is a hint: a pin trusts a slot only after rule 2's CAS and a `meta`
//!    check that the slot's value is the one asked for. Values the map cannot hold (a
//!    collision under monotonic or retired strict values, or no free slot) are counted in
//!    `unmapped`, and pins of such values take the engine lock.

use crossbeam_utils::Backoff;

use crate::sync::{spin, AtomicU64, AtomicUsize, Mutex, Ordering};
use hinternet_core::{HandleKind, HandleValue, ObjectId, ValueReuse};

const REF_ONE: u64 = 1;
const REF_MASK: u64 = (1 << 24) - 1;
const LIVE: u64 = 1 << 24;
const CLOSING: u64 = 1 << 25;
const KIND_SHIFT: u32 = 27;
const KIND_MASK: u64 = 0x1F << KIND_SHIFT;
const GEN_SHIFT: u32 = 32;

/// Deliberately broken table behaviour, for checking that loom catches it. Always
/// defined; only the `engine-mutants` feature can plant one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EngineMutant {
    /// The pin checks `LIVE` on a loaded snapshot, then increments with a separate
    /// `fetch_add` instead of one CAS (breaks rule 2).
    PinWithoutRecheck,
    /// The close recycles the slot even when pins are out (forgets the in-flight count,
    /// breaks rule 3).
    CloseIgnoresPins,
    /// Deliveries do not take per-object ownership: two threads may run one object's
    /// callbacks at once (breaks law 10).
    DeliverWithoutOwner,
    /// A cascading close clears each slot's `LIVE` without first marking the whole
    /// subtree `CLOSING` (breaks rule 5: readers can see the cascade half done).
    CascadeWithoutMark,
    /// I/O requests produced by a call made inside a callback wait until the callback
    /// returns, like its notifications (the port issue's defect: a synchronous call
    /// inside a callback never reaches the executor).
    IoBehindCallbacks,
    /// A blocked call's return goes to the first caller blocked on the same object, not
    /// to the caller of that operation (two blocked calls on one handle mix up).
    ReturnByObject,
    /// A destroyed hook handed over outside the lock counts itself down but never wakes
    /// a thread waiting for quiescence (a lost wake-up: the waiter sleeps forever).
    HookForgetsWaiter,
}

/// Which engine bug is planted. Zero-sized without the `engine-mutants` feature, where
/// [`Planted::is`] is a constant `false` and every planted branch is dead code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Planted(#[cfg(feature = "engine-mutants")] Option<EngineMutant>);

impl Planted {
    /// An engine carrying `mutant`.
    #[cfg(feature = "engine-mutants")]
    pub(crate) fn new(mutant: EngineMutant) -> Planted {
        Planted(Some(mutant))
    }

    /// True when `mutant` is the planted bug; a constant `false` in shipped builds.
    #[inline(always)]
    pub(crate) fn is(self, mutant: EngineMutant) -> bool {
        #[cfg(feature = "engine-mutants")]
        {
            self.0 == Some(mutant)
        }
        #[cfg(not(feature = "engine-mutants"))]
        {
            let _ = mutant;
            false
        }
    }
}

/// A copy of one slot's state word.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Snapshot(u64);

impl Snapshot {
    pub(crate) fn refs(self) -> u64 {
        self.0 & REF_MASK
    }
    pub(crate) fn is_live(self) -> bool {
        self.0 & LIVE != 0
    }
    pub(crate) fn is_closing(self) -> bool {
        self.0 & CLOSING != 0
    }
    pub(crate) fn generation(self) -> u32 {
        (self.0 >> GEN_SHIFT) as u32
    }
    fn kind_index(self) -> usize {
        ((self.0 & KIND_MASK) >> KIND_SHIFT) as usize
    }
    #[inline]
    pub(crate) fn kind(self) -> HandleKind {
        // Only installed slots are read for their kind, and install stores an index
        // taken from `HandleKind::ALL` (rule 4).
        HandleKind::ALL[self.kind_index() % HandleKind::ALL.len()]
    }
    /// The free state of the next generation (rule 3).
    fn recycled(self) -> Snapshot {
        Snapshot(u64::from(self.generation().wrapping_add(1)) << GEN_SHIFT)
    }
}

fn kind_index(kind: HandleKind) -> u64 {
    HandleKind::ALL.iter().position(|&k| k == kind).unwrap_or(0) as u64
}

/// What a pin attempt found.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TransitionToPinned {
    /// Pinned; the snapshot it pinned.
    Success(Snapshot),
    /// Not live, or another generation: the value does not address this slot's object.
    Stale,
    /// A cascading close is in progress (rule 5): try again.
    Wait,
}

/// What an unpin left to do.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TransitionToUnpinned {
    /// Other pins remain, or the object is still live.
    Done,
    /// This was the last pin of a closed object: push the slot on the free list.
    Recycle,
}

/// What a close left to do.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TransitionToClosed {
    /// Pins are out; the last unpin recycles (rule 3).
    Deferred,
    /// No pin was out: push the slot on the free list now.
    Recycle,
}

/// One slot of the table.
#[derive(Debug)]
pub(crate) struct Slot {
    state: AtomicU64,
    /// `value | object << 32`, written before `LIVE` is published (rule 4).
    meta: AtomicU64,
}

impl Slot {
    fn new() -> Slot {
        Slot {
            state: AtomicU64::new(0),
            meta: AtomicU64::new(0),
        }
    }

    /// Apply `f` to the current snapshot in one CAS loop: `f` returns the action and the
    /// next snapshot (`None` leaves the word untouched).
    #[inline]
    fn fetch_update_action<A>(&self, mut f: impl FnMut(Snapshot) -> (A, Option<Snapshot>)) -> A {
        let mut current = self.state.load(Ordering::Acquire);
        loop {
            let (action, next) = f(Snapshot(current));
            let Some(next) = next else { return action };
            match self
                .state
                .compare_exchange(current, next.0, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return action,
                Err(actual) => current = actual,
            }
        }
    }

    #[inline]
    fn meta(&self) -> (HandleValue, ObjectId) {
        let m = self.meta.load(Ordering::Acquire);
        (HandleValue(m as u32), ObjectId((m >> 32) as u32))
    }
}

/// Rule 2, as a pure function.
#[inline]
pub(crate) fn transition_to_pinned(
    s: Snapshot,
    generation: u32,
) -> (TransitionToPinned, Option<Snapshot>) {
    if !s.is_live() || s.generation() != generation {
        return (TransitionToPinned::Stale, None);
    }
    if s.is_closing() {
        return (TransitionToPinned::Wait, None);
    }
    debug_assert!(s.refs() < REF_MASK, "pin count overflow");
    let next = Snapshot(s.0 + REF_ONE);
    (TransitionToPinned::Success(next), Some(next))
}

/// Rule 3 (unpin side), as a pure function.
#[inline]
pub(crate) fn transition_to_unpinned(
    s: Snapshot,
    generation: u32,
) -> (TransitionToUnpinned, Option<Snapshot>) {
    // Rules 2 and 3: a pinned slot is never recycled, so its generation cannot have moved
    // and its count cannot be zero. Either failing means the table is corrupt (a mutant).
    assert!(
        s.generation() == generation && s.refs() > 0,
        "unpin of slot state {s:?} (generation {generation}): a pinned slot was recycled"
    );
    let next = Snapshot(s.0 - REF_ONE);
    if next.refs() == 0 && !next.is_live() {
        (TransitionToUnpinned::Recycle, Some(s.recycled()))
    } else {
        (TransitionToUnpinned::Done, Some(next))
    }
}

/// Rule 5, phase one, as a pure function.
pub(crate) fn transition_to_closing(s: Snapshot) -> ((), Option<Snapshot>) {
    debug_assert!(s.is_live(), "closing a slot that is not live: {s:?}");
    ((), Some(Snapshot(s.0 | CLOSING)))
}

/// Rules 1 and 3 (close side), as a pure function.
pub(crate) fn transition_to_closed(
    s: Snapshot,
    ignore_pins: bool,
) -> (TransitionToClosed, Option<Snapshot>) {
    debug_assert!(s.is_live(), "closing a slot that is not live: {s:?}");
    if s.refs() == 0 || ignore_pins {
        (TransitionToClosed::Recycle, Some(s.recycled()))
    } else {
        (
            TransitionToClosed::Deferred,
            Some(Snapshot(s.0 & !(LIVE | CLOSING))),
        )
    }
}

/// Rule 4, as a pure function.
pub(crate) fn transition_to_installed(
    s: Snapshot,
    kind: HandleKind,
) -> (Snapshot, Option<Snapshot>) {
    assert!(
        s.refs() == 0 && !s.is_live() && !s.is_closing(),
        "install on a slot that is not free: {s:?}"
    );
    let next = Snapshot((s.0 & !KIND_MASK) | LIVE | (kind_index(kind) << KIND_SHIFT));
    (next, Some(next))
}

/// Where an open object lives in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Placement {
    pub(crate) slot: u32,
    pub(crate) generation: u32,
    /// True when the value map points at the slot (rule 6).
    pub(crate) mapped: bool,
}

/// The free slots, owned by the engine lock: the close recycles into it directly (rule
/// 3). Slots recycled by a last unpin, which runs without the lock, wait in the table's
/// `deferred` list until an install under the lock takes them.
#[derive(Debug, Default)]
pub(crate) struct SlotAlloc {
    free: Vec<u32>,
    /// The next never-used slot.
    fresh: u32,
}

/// The table: slots, the value map and the free list.
#[derive(Debug)]
pub(crate) struct Table {
    slots: Box<[Slot]>,
    vmap: Box<[AtomicU64]>,
    /// Slots recycled by a last unpin (rule 3), and how many.
    deferred: Mutex<Vec<u32>>,
    deferred_len: AtomicUsize,
    /// Open objects whose value the map does not hold (rule 6).
    unmapped: AtomicUsize,
    strict: bool,
    /// The planted bug, if any (zero-sized without the `engine-mutants` feature).
    pub(crate) planted: Planted,
}

/// The result of a lock-free pin attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FastPin {
    /// Pinned `slot` at `generation`.
    Pinned {
        slot: u32,
        generation: u32,
        object: ObjectId,
        kind: HandleKind,
    },
    /// The value addresses no live object.
    Invalid,
    /// The value may address an object the map does not hold: ask the machine.
    Slow,
}

impl Table {
    /// A table for `values` value-map entries and `slots` slots.
    pub(crate) fn new(values: usize, slots: usize, reuse: ValueReuse) -> Table {
        Table {
            slots: (0..slots.max(1)).map(|_| Slot::new()).collect(),
            vmap: (0..values.max(1)).map(|_| AtomicU64::new(0)).collect(),
            deferred: Mutex::new(Vec::new()),
            deferred_len: AtomicUsize::new(0),
            unmapped: AtomicUsize::new(0),
            strict: reuse == ValueReuse::Strict,
            planted: Planted::default(),
        }
    }

    /// Bytes the table occupies per slot (slot plus its value-map share), for the bench.
    pub(crate) fn bytes(&self) -> usize {
        self.slots.len() * core::mem::size_of::<Slot>()
            + self.vmap.len() * core::mem::size_of::<AtomicU64>()
    }

    #[inline]
    fn index(&self, value: HandleValue) -> Option<usize> {
        if value.is_null() {
            return None;
        }
        let key = if self.strict {
            value.0 & 0xFFFF
        } else {
            value.0
        };
        let key = key.checked_sub(1)? as usize;
        let len = self.vmap.len();
        // No division on the common path: values up to max_handles index directly.
        Some(if key < len { key } else { key % len })
    }

    #[inline]
    fn pin_without_recheck(&self) -> bool {
        self.planted.is(EngineMutant::PinWithoutRecheck)
    }

    fn close_ignores_pins(&self) -> bool {
        self.planted.is(EngineMutant::CloseIgnoresPins)
    }

    /// Try to pin `slot` at `generation` (rule 2), waiting out a cascade (rule 5).
    #[inline]
    pub(crate) fn pin_slot(&self, slot: u32, generation: u32) -> Option<Snapshot> {
        let s = self.slots.get(slot as usize)?;
        if self.pin_without_recheck() {
            let snap = Snapshot(s.state.load(Ordering::Acquire));
            if !snap.is_live() || snap.generation() != generation {
                return None;
            }
            // The planted bug: the increment is not conditional on what was checked.
            let old = s.state.fetch_add(REF_ONE, Ordering::AcqRel);
            return Some(Snapshot(old + REF_ONE));
        }
        let backoff = Backoff::new();
        loop {
            match s.fetch_update_action(|snap| transition_to_pinned(snap, generation)) {
                TransitionToPinned::Success(snap) => return Some(snap),
                TransitionToPinned::Stale => return None,
                TransitionToPinned::Wait => spin(&backoff),
            }
        }
    }

    /// Validate-and-pin `value` without a lock.
    #[inline]
    pub(crate) fn pin(&self, value: HandleValue) -> FastPin {
        let Some(index) = self.index(value) else {
            return FastPin::Invalid;
        };
        let entry = self.vmap[index].load(Ordering::Acquire);
        if entry != 0 {
            let slot = (entry as u32).wrapping_sub(1);
            let generation = (entry >> 32) as u32;
            if let Some(snap) = self.pin_slot(slot, generation) {
                let (v, object) = self.slots[slot as usize].meta();
                if v == value {
                    return FastPin::Pinned {
                        slot,
                        generation,
                        object,
                        kind: snap.kind(),
                    };
                }
                self.unpin(slot, generation);
            }
        }
        if self.unmapped.load(Ordering::Acquire) > 0 {
            FastPin::Slow
        } else {
            FastPin::Invalid
        }
    }

    /// Release a pin (rule 3).
    #[inline]
    pub(crate) fn unpin(&self, slot: u32, generation: u32) {
        let Some(s) = self.slots.get(slot as usize) else {
            return;
        };
        // One RMW instead of a CAS loop (tokio's `ref_dec`): a pinned slot is never
        // recycled (rule 3), so the decrement cannot land on another use of it. The pure
        // transition, applied to the previous snapshot, says whether we were the last.
        let previous = Snapshot(s.state.fetch_sub(REF_ONE, Ordering::AcqRel));
        let (action, next) = transition_to_unpinned(previous, generation);
        if let (TransitionToUnpinned::Recycle, Some(recycled)) = (action, next) {
            // "Not LIVE, no REF" is reached once, by us: pins fail on it without writing
            // and the close is done, so nothing else changes the word meanwhile.
            let swapped = s.state.compare_exchange(
                previous.0 - REF_ONE,
                recycled.0,
                Ordering::AcqRel,
                Ordering::Acquire,
            );
            debug_assert!(
                swapped.is_ok(),
                "rule 3: a closed slot changed under its last pin"
            );
            self.defer_slot(slot);
        }
    }

    fn defer_slot(&self, slot: u32) {
        self.deferred.lock().push(slot);
        self.deferred_len.fetch_add(1, Ordering::Release);
    }

    fn take_slot(&self, alloc: &mut SlotAlloc) -> Option<u32> {
        if let Some(slot) = alloc.free.pop() {
            return Some(slot);
        }
        if self.deferred_len.load(Ordering::Acquire) > 0 {
            let mut deferred = self.deferred.lock();
            self.deferred_len
                .fetch_sub(deferred.len(), Ordering::AcqRel);
            alloc.free.append(&mut deferred);
            if let Some(slot) = alloc.free.pop() {
                return Some(slot);
            }
        }
        if (alloc.fresh as usize) < self.slots.len() {
            alloc.fresh += 1;
            return Some(alloc.fresh - 1);
        }
        None
    }

    /// Install a newly created object (rules 1 and 4). Called under the engine lock.
    pub(crate) fn install(
        &self,
        alloc: &mut SlotAlloc,
        value: HandleValue,
        object: ObjectId,
        kind: HandleKind,
    ) -> Option<Placement> {
        let Some(slot) = self.take_slot(alloc) else {
            self.unmapped.fetch_add(1, Ordering::AcqRel);
            return None;
        };
        let s = &self.slots[slot as usize];
        s.meta.store(
            u64::from(value.0) | (u64::from(object.0) << 32),
            Ordering::Release,
        );
        // Rules 2-4: a free slot's word is written only under the engine lock (pins fail
        // on it without writing, and no pin is out to unpin it), so the install is a
        // plain store, not a CAS loop: nothing can change the word between the load
        // and the store.
        let free = Snapshot(s.state.load(Ordering::Acquire));
        let (installed, _) = transition_to_installed(free, kind);
        s.state.store(installed.0, Ordering::Release);
        let generation = installed.generation();
        let entry = u64::from(slot + 1) | (u64::from(generation) << 32);
        // The value map is written only under the engine lock: no RMW needed.
        let mapped = match self.index(value) {
            Some(index) if self.vmap[index].load(Ordering::Acquire) == 0 => {
                self.vmap[index].store(entry, Ordering::Release);
                true
            }
            _ => false,
        };
        if !mapped {
            self.unmapped.fetch_add(1, Ordering::AcqRel);
        }
        Some(Placement {
            slot,
            generation,
            mapped,
        })
    }

    /// Where the open object installed in `slot` is placed, and its value. Called under
    /// the engine lock, where the object is open, so its slot is `LIVE` (rule 1) and
    /// its generation is the one it was installed with (only a recycle changes it,
    /// rule 3). `mapped` is recomputed: the value map holds an entry only for the
    /// placement that wrote it (install writes an empty entry, close clears only its
    /// own, and a recycle changes the generation).
    pub(crate) fn placed(&self, slot: u32) -> Option<(HandleValue, Placement)> {
        let s = self.slots.get(slot as usize)?;
        let generation = Snapshot(s.state.load(Ordering::Acquire)).generation();
        let (value, _) = s.meta();
        let entry = u64::from(slot + 1) | (u64::from(generation) << 32);
        let mapped = self
            .index(value)
            .is_some_and(|i| self.vmap[i].load(Ordering::Acquire) == entry);
        Some((
            value,
            Placement {
                slot,
                generation,
                mapped,
            },
        ))
    }

    /// Rule 5, phase one, for one slot of a cascade. Called under the engine lock.
    pub(crate) fn mark_closing(&self, placement: Placement) {
        if self.planted.is(EngineMutant::CascadeWithoutMark) {
            return;
        }
        if let Some(s) = self.slots.get(placement.slot as usize) {
            s.fetch_update_action(transition_to_closing);
        }
    }

    /// Invalidate a closed object's slot and value (rules 1 and 3). Called under the
    /// engine lock.
    pub(crate) fn close(
        &self,
        alloc: &mut SlotAlloc,
        value: HandleValue,
        placement: Option<Placement>,
    ) {
        let Some(p) = placement else {
            self.unmapped.fetch_sub(1, Ordering::AcqRel);
            return;
        };
        let s = &self.slots[p.slot as usize];
        let ignore = self.close_ignores_pins();
        if s.fetch_update_action(|snap| transition_to_closed(snap, ignore))
            == TransitionToClosed::Recycle
        {
            alloc.free.push(p.slot);
        }
        if p.mapped {
            if let Some(index) = self.index(value) {
                let entry = u64::from(p.slot + 1) | (u64::from(p.generation) << 32);
                // Only our own entry is cleared (written only under the engine lock).
                if self.vmap[index].load(Ordering::Acquire) == entry {
                    self.vmap[index].store(0, Ordering::Release);
                }
            }
        } else {
            self.unmapped.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// The current snapshot of `slot` (tests and debugging).
    #[inline]
    pub(crate) fn snapshot(&self, slot: u32) -> Option<Snapshot> {
        self.slots
            .get(slot as usize)
            .map(|s| Snapshot(s.state.load(Ordering::Acquire)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped configuration (CI: `cargo test -p hinternet-core -p hinternet-engine`
    /// with `HINTERNET_EXPECT_SHIPPED=1`) must build no planted engine bug.
    #[test]
    fn shipped_builds_carry_no_planted_bug() {
        const ALL: [EngineMutant; 7] = [
            EngineMutant::PinWithoutRecheck,
            EngineMutant::CloseIgnoresPins,
            EngineMutant::DeliverWithoutOwner,
            EngineMutant::CascadeWithoutMark,
            EngineMutant::IoBehindCallbacks,
            EngineMutant::ReturnByObject,
            EngineMutant::HookForgetsWaiter,
        ];
        #[cfg(feature = "engine-mutants")]
        assert!(
            std::env::var_os("HINTERNET_EXPECT_SHIPPED").is_none(),
            "the shipped configuration was built with the `engine-mutants` feature"
        );
        for m in ALL {
            assert!(!Planted::default().is(m));
        }
        #[cfg(not(feature = "engine-mutants"))]
        assert_eq!(core::mem::size_of::<Planted>(), 0);
        #[cfg(feature = "engine-mutants")]
        for m in ALL {
            assert!(Planted::new(m).is(m));
        }
    }

    #[test]
    fn transitions_follow_the_rules() {
        let free = Snapshot(0);
        let (_, live) = transition_to_installed(free, HandleKind::WinHttpRequest);
        let live = live.expect("install writes");
        assert!(live.is_live());
        assert_eq!(live.kind(), HandleKind::WinHttpRequest);
        let (TransitionToPinned::Success(pinned), _) = transition_to_pinned(live, 0) else {
            panic!("a live slot pins");
        };
        assert_eq!(pinned.refs(), 1);
        assert_eq!(
            transition_to_pinned(live, 1).0,
            TransitionToPinned::Stale,
            "another generation never pins"
        );
        let (closed, next) = transition_to_closed(pinned, false);
        assert_eq!(closed, TransitionToClosed::Deferred);
        let closed = next.expect("close writes");
        assert!(!closed.is_live());
        assert_eq!(transition_to_pinned(closed, 0).0, TransitionToPinned::Stale);
        let (last, next) = transition_to_unpinned(closed, 0);
        assert_eq!(last, TransitionToUnpinned::Recycle);
        let recycled = next.expect("unpin writes");
        assert_eq!(recycled.generation(), 1);
        assert_eq!(recycled.refs(), 0);
        let ((), closing) = transition_to_closing(live);
        assert_eq!(
            transition_to_pinned(closing.expect("marks"), 0).0,
            TransitionToPinned::Wait
        );
        let (now, next) = transition_to_closed(live, false);
        assert_eq!(now, TransitionToClosed::Recycle);
        assert_eq!(next.expect("recycles").generation(), 1);
    }
}
