//! Per-object side tables behind the engine lock, indexed by object identity without a
//! tree walk or an allocation in the steady state.
//!
//! Owns: [`ObjectMap`], a direct-mapped array (entry `id % len`, tagged with the id)
//! with an ordered overflow map for the ids whose entry is taken by another live id.
//! Sized from the table's slot count, so with at most that many entries alive and ids
//! handed out in order (the machine's), almost every entry lands in the array: a create
//! and a close touch one array entry and no allocator.
//!
//! Invariants: an id is in at most one place (its array entry or the overflow map);
//! array entries are tagged `id + 1` (0 = empty), so the one id whose tag would be 0
//! (`u32::MAX`) always goes to the overflow map.

use std::collections::BTreeMap;

use hinternet_core::ObjectId;

/// A map from object identity to `V`: a direct-mapped array plus an overflow map.
#[derive(Debug)]
pub(crate) struct ObjectMap<V> {
    /// `(id + 1, value)`, tag 0 when empty.
    direct: Box<[(u32, V)]>,
    /// Ids whose array entry held another id when they were inserted.
    overflow: BTreeMap<ObjectId, V>,
}

impl<V: Default> ObjectMap<V> {
    /// A map whose array has `len` entries (at least one).
    pub(crate) fn new(len: usize) -> ObjectMap<V> {
        ObjectMap {
            direct: (0..len.max(1)).map(|_| (0, V::default())).collect(),
            overflow: BTreeMap::new(),
        }
    }

    #[inline]
    fn entry(&self, id: ObjectId) -> (usize, u32) {
        (id.0 as usize % self.direct.len(), id.0.wrapping_add(1))
    }

    /// Insert `value` for `id`, which must not be in the map.
    #[inline]
    pub(crate) fn insert(&mut self, id: ObjectId, value: V) {
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
        let slot = &self.direct[index];
        if tag != 0 && slot.0 == tag {
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
        let slot = &mut self.direct[index];
        if tag != 0 && slot.0 == tag {
            slot.0 = 0;
            return Some(std::mem::take(&mut slot.1));
        }
        if self.overflow.is_empty() {
            return None;
        }
        self.overflow.remove(&id)
    }

    /// Bytes of the array (the overflow map is empty in the steady state).
    pub(crate) fn bytes(&self) -> usize {
        self.direct.len() * core::mem::size_of::<(u32, V)>()
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
}
