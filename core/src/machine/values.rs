//! Handle values: small recyclable integers that name objects for the application.
//!
//! Owns: [`HandleValue`] and [`ValueTable`], the map from issued values to objects and the
//! free list, under each [`ValueReuse`] order. Identity is never the value: objects have
//! their own [`ObjectId`](super::ObjectId).
//!
//! Invariants:
//! - V1: a value maps to at most one object, and an object is mapped by at most one value.
//! - V2: a value is free (may be issued) only when it is neither live nor reserved; a
//!   reserved value stays reserved past its object's destruction until the machine
//!   releases it (law 7, [`Machine::lingering`](super::Machine::lingering)).
//! - V3: in strict mode a value is never issued twice: the slot's generation changes on
//!   every reuse, and a slot whose generation would wrap is retired.
//! - V4: value 0 (NULL) is never issued.

use smallvec::SmallVec;

use super::store::VecMap;

use super::policy::{ValueReuse, STRICT_MAX_SLOTS};
use super::ObjectId;
use alloc::vec::Vec;

/// An `HINTERNET` value as the application sees it. `HandleValue(0)` is NULL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HandleValue(pub u32);

impl HandleValue {
    /// The NULL handle.
    pub const NULL: HandleValue = HandleValue(0);
    /// True for NULL.
    pub const fn is_null(self) -> bool {
        self.0 == 0
    }
}

impl core::fmt::Display for HandleValue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", self.0)
    }
}

const SLOT_BITS: u32 = 16;
const SLOT_MASK: u32 = (1 << SLOT_BITS) - 1;
/// Generations use 15 bits so values stay below 2^31.
const MAX_GENERATION: u32 = (1 << 15) - 1;

/// What a value slot is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SlotState {
    /// Addresses a live object: API calls with this value reach it.
    Live(ObjectId),
    /// Closed, but not yet free (WinINet, WI-R2, law 7): the policy keeps the value
    /// reserved while the object lives on, and after its destruction until its
    /// `HANDLE_CLOSING` has been handed out (or, when delivered, its callback has
    /// returned; see [`Machine::lingering`](super::Machine::lingering)). The object may
    /// therefore already be gone.
    Reserved(ObjectId),
}

/// The handle table.
#[derive(Debug, Eq)]
pub struct ValueTable {
    reuse: ValueReuse,
    max: u32,
    /// Issued values (slot numbers in strict mode) and their state, in value order.
    slots: VecMap<u32, SlotState>,
    /// Freed values (slots in strict mode). Lifo and Fifo: in the order freed (Lifo takes
    /// the last, Fifo the first); LowestFree and Strict: sorted highest first, so the
    /// lowest is taken from the end. Inline up to four.
    free: SmallVec<[u32; 4]>,
    /// Highest value (slot) ever issued.
    high: u32,
    /// Strict mode: current generation of each slot ever used (index = slot - 1).
    generations: Vec<u16>,
}

/// Field by field; [`Clone::clone_from`] reuses the buffers.
impl Clone for ValueTable {
    fn clone(&self) -> Self {
        ValueTable {
            reuse: self.reuse,
            max: self.max,
            slots: self.slots.clone(),
            free: self.free.clone(),
            high: self.high,
            generations: self.generations.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        // Destructured so that a new field is a compile error here, not a silent miss.
        let ValueTable {
            reuse,
            max,
            slots,
            free,
            high,
            generations,
        } = source;
        self.reuse = *reuse;
        self.max = *max;
        self.slots.clone_from(slots);
        self.free.clone_from(free);
        self.high = *high;
        self.generations.clone_from(generations);
    }
}

/// Field-wise equality, as derived, but comparing the short integer lists element by
/// element: the derived slice comparison calls the C library's `memcmp`, which costs
/// more than the comparison itself for lists of a few entries (the model checker compares
/// machines on every rejected call).
impl PartialEq for ValueTable {
    fn eq(&self, other: &Self) -> bool {
        self.reuse == other.reuse
            && self.max == other.max
            && self.high == other.high
            && self.slots == other.slots
            && self.free.iter().eq(other.free.iter())
            && self.generations.iter().eq(other.generations.iter())
    }
}

/// Hashes the fields [`PartialEq`] compares, so equal tables hash alike.
impl core::hash::Hash for ValueTable {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.reuse.hash(state);
        self.max.hash(state);
        self.high.hash(state);
        self.slots.hash(state);
        self.free[..].hash(state);
        self.generations.hash(state);
    }
}

impl ValueTable {
    /// An empty table issuing at most `max` values at once.
    pub fn new(reuse: ValueReuse, max: u32) -> ValueTable {
        let max = if reuse == ValueReuse::Strict {
            max.min(STRICT_MAX_SLOTS)
        } else {
            max.min(u32::MAX - 1)
        };
        ValueTable {
            reuse,
            max,
            slots: VecMap::new(),
            free: SmallVec::new(),
            high: 0,
            generations: Vec::new(),
        }
    }

    fn slot_of(&self, value: HandleValue) -> Option<u32> {
        if value.is_null() {
            return None;
        }
        if self.reuse != ValueReuse::Strict {
            return Some(value.0);
        }
        let slot = value.0 & SLOT_MASK;
        let generation = value.0 >> SLOT_BITS;
        (self.generation(slot) == Some(generation)).then_some(slot)
    }

    /// The current generation of a strict-mode slot ever used.
    fn generation(&self, slot: u32) -> Option<u32> {
        let at = usize::try_from(slot.checked_sub(1)?).ok()?;
        self.generations.get(at).map(|&g| u32::from(g))
    }

    fn value_of(&self, slot: u32) -> HandleValue {
        match self.reuse {
            ValueReuse::Strict => {
                let generation = self.generation(slot).unwrap_or(0);
                HandleValue(slot | (generation << SLOT_BITS))
            }
            _ => HandleValue(slot),
        }
    }

    /// The state of `value`, or `None` when it addresses nothing.
    pub fn lookup(&self, value: HandleValue) -> Option<SlotState> {
        self.slot_of(value)
            .and_then(|s| self.slots.get(&s).copied())
    }

    /// The live object `value` addresses.
    pub fn live(&self, value: HandleValue) -> Option<ObjectId> {
        match self.lookup(value) {
            Some(SlotState::Live(id)) => Some(id),
            _ => None,
        }
    }

    /// Issue a value for `object`, or `None` when the table is full.
    pub fn issue(&mut self, object: ObjectId) -> Option<HandleValue> {
        if self.slots.len() as u64 >= u64::from(self.max) {
            return None;
        }
        let from_free = match self.reuse {
            ValueReuse::Monotonic => None,
            ValueReuse::Lifo | ValueReuse::LowestFree | ValueReuse::Strict => self.free.pop(),
            ValueReuse::Fifo => (!self.free.is_empty()).then(|| self.free.remove(0)),
        };
        let slot = match from_free {
            Some(slot) => slot,
            None => {
                let limit = if self.reuse == ValueReuse::Strict {
                    STRICT_MAX_SLOTS
                } else {
                    u32::MAX - 1
                };
                if self.high >= limit {
                    return None;
                }
                self.high += 1;
                self.high
            }
        };
        if self.reuse == ValueReuse::Strict && self.generation(slot).is_none() {
            // A fresh slot is always `high`, one past the last slot ever used.
            self.generations.push(0);
        }
        self.slots.insert(slot, SlotState::Live(object));
        Some(self.value_of(slot))
    }

    /// Close `value`: it stops addressing its object. With `reserve` the value stays
    /// held until [`ValueTable::release`]; otherwise it is freed now.
    pub fn close(&mut self, value: HandleValue, reserve: bool) {
        let Some(slot) = self.slot_of(value) else {
            return;
        };
        match self.slots.get(&slot).copied() {
            Some(SlotState::Live(id)) if reserve => {
                self.slots.insert(slot, SlotState::Reserved(id));
            }
            Some(SlotState::Live(_)) => self.free_slot(slot),
            _ => {}
        }
    }

    /// Release a reserved `value`: its object is gone and its `HANDLE_CLOSING` is out
    /// (handed out undelivered, or delivered and its callback returned).
    pub fn release(&mut self, value: HandleValue) {
        let Some(slot) = self.slot_of(value) else {
            return;
        };
        if let Some(SlotState::Reserved(_)) = self.slots.get(&slot) {
            self.free_slot(slot);
        }
    }

    fn free_slot(&mut self, slot: u32) {
        self.slots.remove(&slot);
        match self.reuse {
            ValueReuse::Monotonic => {}
            ValueReuse::Lifo | ValueReuse::Fifo => self.free.push(slot),
            ValueReuse::LowestFree => self.free_sorted(slot),
            ValueReuse::Strict => {
                let at = usize::try_from(slot.saturating_sub(1)).unwrap_or(usize::MAX);
                let Some(generation) = self.generations.get_mut(at) else {
                    return; // not a slot this table issued
                };
                if u32::from(*generation) >= MAX_GENERATION {
                    // V3: retire the slot rather than let a generation repeat.
                    return;
                }
                *generation += 1;
                self.free_sorted(slot);
            }
        }
    }

    /// Put `slot` in the free list kept highest first (LowestFree, Strict).
    fn free_sorted(&mut self, slot: u32) {
        let at = self.free.partition_point(|&s| s > slot);
        self.free.insert(at, slot);
    }

    /// Number of values live or reserved.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when no value is live or reserved.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Every live or reserved value with its state, in value order.
    pub fn iter(&self) -> impl Iterator<Item = (HandleValue, SlotState)> + '_ {
        self.slots
            .iter()
            .map(|(&slot, &st)| (self.value_of(slot), st))
    }

    /// Rename the objects the table names by `rename` (the model checker's canonical
    /// object numbering, [`Machine::compact_object_ids`](super::Machine::compact_object_ids)).
    pub fn rename_objects(&mut self, rename: impl Fn(ObjectId) -> ObjectId) {
        for state in self.slots.values_mut() {
            match state {
                SlotState::Live(id) | SlotState::Reserved(id) => *id = rename(*id),
            }
        }
    }

    /// The highest value ever issued (the highest slot in strict mode; 0 before the
    /// first). Values above it were never issued: the next fresh value is `high + 1`.
    pub fn high(&self) -> u32 {
        self.high
    }

    /// The freed values waiting to be reissued, in the table's own order: Lifo and Fifo
    /// in the order freed (Lifo reissues the last, Fifo the first), LowestFree and Strict
    /// highest first (the lowest is reissued first; Strict yields each slot's next value);
    /// never any under Monotonic.
    pub fn free_values(&self) -> impl Iterator<Item = HandleValue> + '_ {
        self.free.iter().map(|&slot| self.value_of(slot))
    }

    /// Rename every issued value by `rename` (a permutation of `1..=high`; the caller,
    /// [`Machine::permute_values`](super::Machine::permute_values), checked that and that
    /// the table is not strict): the slots are re-keyed, the free list keeps its order
    /// (re-sorted highest first under LowestFree, to keep its invariant) and `high` is
    /// unchanged, since a permutation of the issued values fixes every value above it.
    pub(super) fn permute(&mut self, rename: impl Fn(u32) -> u32) {
        self.slots.rename_keys(|&slot| rename(slot));
        for slot in self.free.iter_mut() {
            *slot = rename(*slot);
        }
        if self.reuse == ValueReuse::LowestFree {
            self.free.sort_unstable_by(|a, b| b.cmp(a));
        }
    }

    /// Bytes of heap the table holds.
    pub fn heap_bytes(&self) -> usize {
        self.slots.heap_bytes()
            + if self.free.spilled() {
                self.free.capacity() * core::mem::size_of::<u32>()
            } else {
                0
            }
            + self.generations.capacity() * core::mem::size_of::<u16>()
    }

    /// The value reuse order.
    pub fn reuse(&self) -> ValueReuse {
        self.reuse
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn issue_n(t: &mut ValueTable, n: u32) -> Vec<HandleValue> {
        (0..n)
            .map(|i| t.issue(ObjectId(i)).expect("room"))
            .collect()
    }

    #[test]
    fn wh_r1_lowest_free_reissues_at_once() {
        let mut t = ValueTable::new(ValueReuse::LowestFree, 100);
        let v = issue_n(&mut t, 4);
        assert_eq!(v, [1, 2, 3, 4].map(HandleValue));
        t.close(HandleValue(3), false);
        t.close(HandleValue(2), false);
        assert_eq!(t.issue(ObjectId(9)), Some(HandleValue(2)));
        assert_eq!(t.issue(ObjectId(10)), Some(HandleValue(3)));
        assert_eq!(t.issue(ObjectId(11)), Some(HandleValue(5)));
    }

    #[test]
    fn lifo_fifo_monotonic_orders() {
        for (reuse, expect) in [
            (ValueReuse::Lifo, [2, 3]),
            (ValueReuse::Fifo, [3, 2]),
            (ValueReuse::Monotonic, [5, 6]),
        ] {
            let mut t = ValueTable::new(reuse, 100);
            issue_n(&mut t, 4);
            t.close(HandleValue(3), false);
            t.close(HandleValue(2), false);
            let got = [t.issue(ObjectId(9)), t.issue(ObjectId(10))];
            assert_eq!(got, expect.map(|v| Some(HandleValue(v))), "{reuse:?}");
        }
    }

    #[test]
    fn wi_r2_reserved_values_are_not_reissued_until_released() {
        let mut t = ValueTable::new(ValueReuse::LowestFree, 100);
        issue_n(&mut t, 2);
        t.close(HandleValue(1), true);
        assert_eq!(
            t.lookup(HandleValue(1)),
            Some(SlotState::Reserved(ObjectId(0)))
        );
        assert_eq!(t.live(HandleValue(1)), None);
        assert_eq!(t.issue(ObjectId(5)), Some(HandleValue(3)));
        t.release(HandleValue(1));
        assert_eq!(t.issue(ObjectId(6)), Some(HandleValue(1)));
    }

    #[test]
    fn strict_stale_values_never_address_new_objects() {
        let mut t = ValueTable::new(ValueReuse::Strict, 100);
        let first = t.issue(ObjectId(0)).expect("room");
        t.close(first, false);
        let second = t.issue(ObjectId(1)).expect("room");
        assert_ne!(first, second);
        assert_eq!(
            first.0 & SLOT_MASK,
            second.0 & SLOT_MASK,
            "same slot reused"
        );
        assert_eq!(t.live(first), None);
        assert_eq!(t.live(second), Some(ObjectId(1)));
    }

    #[test]
    fn strict_retires_a_slot_instead_of_wrapping() {
        let mut t = ValueTable::new(ValueReuse::Strict, 1);
        let mut seen = alloc::collections::BTreeSet::new();
        for _ in 0..MAX_GENERATION + 3 {
            let v = t
                .issue(ObjectId(0))
                .expect("a fresh slot is always available");
            assert!(seen.insert(v), "value {v} issued twice");
            t.close(v, false);
        }
        // Slot 1 served MAX_GENERATION + 1 generations, then was retired for slot 2.
        assert!(seen.iter().any(|v| v.0 & SLOT_MASK == 2));
    }

    #[test]
    fn full_table_gives_none() {
        let mut t = ValueTable::new(ValueReuse::LowestFree, 2);
        issue_n(&mut t, 2);
        assert_eq!(t.issue(ObjectId(7)), None);
    }
}

#[cfg(feature = "pack")]
mod packing {
    use super::{HandleValue, SlotState, ValueTable};
    use crate::pack::{pack_struct, Pack, Reader, UnpackError};
    use alloc::vec::Vec;

    impl Pack for HandleValue {
        #[inline]
        fn pack(&self, out: &mut Vec<u8>) {
            self.0.pack(out);
        }
        fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
            Ok(HandleValue(u32::unpack(r)?))
        }
    }

    impl Pack for SlotState {
        #[inline]
        fn pack(&self, out: &mut Vec<u8>) {
            let (tag, id) = match self {
                SlotState::Live(id) => (0, id),
                SlotState::Reserved(id) => (1, id),
            };
            out.push(tag);
            id.pack(out);
        }
        fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
            match r.byte()? {
                0 => Ok(SlotState::Live(Pack::unpack(r)?)),
                1 => Ok(SlotState::Reserved(Pack::unpack(r)?)),
                _ => Err(UnpackError),
            }
        }
    }

    pack_struct!(ValueTable {
        reuse,
        max,
        slots,
        free,
        high,
        generations,
    });
}
