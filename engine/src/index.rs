//! Per-object side tables behind the engine lock, indexed by object identity without a
//! tree walk or an allocation in the steady state.
//!
//! Owns: [`ObjectMap`], a direct-mapped array (entry `id % len`, tagged with the id)
//! with an ordered overflow map for the ids whose entry is taken by another live id.
//! Sized from the table's slot count (the policy's `max_handles` plus slack). The
//! machine hands ids out in order, so a new id lands in the array unless its entry is
//! held by a live id `len` (or a multiple) older: the share that overflows is at most
//! the share of entries held, i.e. live objects / `len` (about 1.4% with 1,024 live
//! handles under the default 65,536). A create and a close in the array touch one entry
//! and no allocator; an overflowing one costs a B-tree insert and remove, as every
//! one did before.
//!
//! Also owns [`FewMap`], for the few objects in flight at once (notification queues
//! being delivered, parents waiting for their children's closings): a short vector
//! scanned linearly, spilling into an ordered map past [`FEW`] entries, so a large
//! cascade stays logarithmic and the common case touches one cache line.
//!
//! Invariants: an id is in at most one place (its array entry or the overflow map;
//! the short vector or the spill map); array entries are tagged `id + 1` (0 = empty), so
//! the one id whose tag would be 0 (`u32::MAX`) always goes to the overflow map.

use std::collections::BTreeMap;

use hinternet_core::ObjectId;

/// A map from object identity to `V`: a direct-mapped array plus an overflow map.
#[derive(Debug)]
pub(crate) struct ObjectMap<V> {
    /// `(id + 1, value)`, tag 0 when empty. Empty until the first insert for a lazy
    /// map ([`ObjectMap::lazy`]).
    direct: Box<[(u32, V)]>,
    /// The array's length once allocated.
    len: usize,
    /// Ids whose array entry held another id when they were inserted.
    overflow: BTreeMap<ObjectId, V>,
}

impl<V: Default> ObjectMap<V> {
    /// A map whose array has `len` entries (at least one).
    pub(crate) fn new(len: usize) -> ObjectMap<V> {
        let mut map = ObjectMap::lazy(len);
        map.allocate();
        map
    }

    /// A map whose array (`len` entries) is allocated by its first insert: a side
    /// table the embedder may never use costs nothing.
    pub(crate) fn lazy(len: usize) -> ObjectMap<V> {
        ObjectMap {
            direct: Box::default(),
            len: len.max(1),
            overflow: BTreeMap::new(),
        }
    }

    fn allocate(&mut self) {
        self.direct = (0..self.len).map(|_| (0, V::default())).collect();
    }

    /// The array entry of `id` and its tag; the index is `usize::MAX` (matching no
    /// entry) while the array is not allocated.
    #[inline]
    fn entry(&self, id: ObjectId) -> (usize, u32) {
        let index = match self.direct.len() {
            0 => usize::MAX,
            len => id.0 as usize % len,
        };
        (index, id.0.wrapping_add(1))
    }

    /// Insert `value` for `id`, which must not be in the map.
    #[inline]
    pub(crate) fn insert(&mut self, id: ObjectId, value: V) {
        if self.direct.is_empty() {
            self.allocate();
        }
        let (index, tag) = self.entry(id);
        let slot = &mut self.direct[index];
        if tag != 0 && slot.0 == 0 {
            *slot = (tag, value);
        } else {
            self.overflow.insert(id, value);
        }
    }

    /// The value of `id`.
    #[inline]
    pub(crate) fn get(&self, id: ObjectId) -> Option<&V> {
        let (index, tag) = self.entry(id);
        if let Some(slot) = self.direct.get(index).filter(|s| tag != 0 && s.0 == tag) {
            return Some(&slot.1);
        }
        if self.overflow.is_empty() {
            return None;
        }
        self.overflow.get(&id)
    }

    /// Remove `id`, returning its value.
    #[inline]
    pub(crate) fn remove(&mut self, id: ObjectId) -> Option<V> {
        let (index, tag) = self.entry(id);
        if let Some(slot) = self
            .direct
            .get_mut(index)
            .filter(|s| tag != 0 && s.0 == tag)
        {
            slot.0 = 0;
            return Some(std::mem::take(&mut slot.1));
        }
        if self.overflow.is_empty() {
            return None;
        }
        self.overflow.remove(&id)
    }

    /// Bytes of the array once allocated (the overflow map is empty in the steady
    /// state).
    pub(crate) fn bytes(&self) -> usize {
        self.direct.len() * core::mem::size_of::<(u32, V)>()
    }
}

/// How many entries a [`FewMap`] keeps in its short vector.
pub(crate) const FEW: usize = 8;

/// A map for a few entries at once: a short vector, then an ordered spill map.
#[derive(Debug)]
pub(crate) struct FewMap<V> {
    few: Vec<(ObjectId, V)>,
    spill: BTreeMap<ObjectId, V>,
}

impl<V> Default for FewMap<V> {
    fn default() -> Self {
        FewMap {
            few: Vec::new(),
            spill: BTreeMap::new(),
        }
    }
}

impl<V> FewMap<V> {
    /// True when no entry is held.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.few.is_empty() && self.spill.is_empty()
    }

    /// The value of `id`.
    #[inline]
    pub(crate) fn get(&self, id: ObjectId) -> Option<&V> {
        match self.few.iter().find(|(k, _)| *k == id) {
            Some((_, v)) => Some(v),
            None if self.spill.is_empty() => None,
            None => self.spill.get(&id),
        }
    }

    /// The value of `id`, mutably.
    #[inline]
    pub(crate) fn get_mut(&mut self, id: ObjectId) -> Option<&mut V> {
        match self.few.iter_mut().find(|(k, _)| *k == id) {
            Some((_, v)) => Some(v),
            None if self.spill.is_empty() => None,
            None => self.spill.get_mut(&id),
        }
    }

    /// Insert `value` for `id`, which must not be in the map.
    #[inline]
    pub(crate) fn insert(&mut self, id: ObjectId, value: V) {
        if self.few.len() < FEW {
            if self.few.capacity() == 0 {
                self.few.reserve_exact(FEW);
            }
            self.few.push((id, value));
        } else {
            self.spill.insert(id, value);
        }
    }

    /// The value of `id`, inserting the default first when absent.
    #[inline]
    pub(crate) fn get_or_default(&mut self, id: ObjectId) -> &mut V
    where
        V: Default,
    {
        if self.get(id).is_none() {
            self.insert(id, V::default());
        }
        // Present: found above or inserted just now.
        match self.get_mut(id) {
            Some(v) => v,
            None => unreachable!("FewMap lost the entry it just inserted"),
        }
    }

    /// Remove `id`, returning its value.
    #[inline]
    pub(crate) fn remove(&mut self, id: ObjectId) -> Option<V> {
        match self.few.iter().position(|(k, _)| *k == id) {
            Some(i) => Some(self.few.swap_remove(i).1),
            None if self.spill.is_empty() => None,
            None => self.spill.remove(&id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_ids_overflow_and_come_back() {
        let mut map: ObjectMap<u32> = ObjectMap::new(4);
        map.insert(ObjectId(1), 10);
        map.insert(ObjectId(5), 50); // same entry as 1: overflow
        map.insert(ObjectId(u32::MAX), 7); // tag would be 0: overflow
        assert_eq!(map.get(ObjectId(1)), Some(&10));
        assert_eq!(map.get(ObjectId(5)), Some(&50));
        assert_eq!(map.get(ObjectId(u32::MAX)), Some(&7));
        assert_eq!(map.get(ObjectId(9)), None, "same entry, never inserted");
        assert_eq!(map.remove(ObjectId(1)), Some(10));
        assert_eq!(map.get(ObjectId(1)), None);
        assert_eq!(map.get(ObjectId(5)), Some(&50), "still in the overflow map");
        assert_eq!(map.remove(ObjectId(5)), Some(50));
        assert_eq!(map.remove(ObjectId(5)), None);
        map.insert(ObjectId(9), 90); // the freed entry is reused
        assert_eq!(map.get(ObjectId(9)), Some(&90));
        assert_eq!(map.remove(ObjectId(u32::MAX)), Some(7));
        assert!(map.overflow.is_empty());
    }

    #[test]
    fn a_few_map_spills_past_its_vector_and_finds_every_entry() {
        let mut map: FewMap<u32> = FewMap::default();
        assert!(map.is_empty());
        let n = FEW as u32 * 3;
        for i in 0..n {
            map.insert(ObjectId(i), i * 10);
        }
        assert!(!map.spill.is_empty(), "entries past FEW spill");
        for i in 0..n {
            assert_eq!(map.get(ObjectId(i)), Some(&(i * 10)));
        }
        *map.get_or_default(ObjectId(n)) += 1;
        *map.get_or_default(ObjectId(n)) += 1;
        assert_eq!(map.remove(ObjectId(n)), Some(2));
        if let Some(v) = map.get_mut(ObjectId(1)) {
            *v = 7;
        }
        assert_eq!(map.remove(ObjectId(1)), Some(7));
        assert_eq!(map.remove(ObjectId(1)), None);
        for i in (0..n).filter(|&i| i != 1) {
            assert_eq!(map.remove(ObjectId(i)), Some(i * 10), "entry {i}");
        }
        assert!(map.is_empty());
    }

    #[test]
    fn a_lazy_map_allocates_on_first_insert() {
        let mut map: ObjectMap<u32> = ObjectMap::lazy(8);
        assert_eq!(map.bytes(), 0);
        assert_eq!(map.get(ObjectId(3)), None);
        assert_eq!(map.remove(ObjectId(3)), None);
        map.insert(ObjectId(3), 30);
        assert_eq!(map.bytes(), 8 * 8);
        assert_eq!(map.get(ObjectId(3)), Some(&30));
        assert!(map.overflow.is_empty(), "landed in the array");
    }
}
