//! Compact storage for the machine's and the law monitor's small tables.
//!
//! Owns: [`VecMap`] (a map kept as one sorted vector of pairs) and [`LaneQueue`] (one
//! lane's queue of operations, its head inline).
//!
//! Why: the machine is cloned, compared and hashed on every model-checker step, and the
//! engine creates and closes objects at high rates. A B-tree allocates a node per few
//! entries and a `VecDeque` a buffer per non-empty queue; here a map is one buffer (a
//! clone is one allocation and a copy; ids are issued in increasing order, so an insert
//! of a new object appends and needs no allocation while the buffer has room), and a
//! lane queue's head lives inline in its object (it spills to the heap beyond one operation,
//! never fails). An object keeps its two lane queues behind one box that exists only while
//! an operation is queued ([`Queues`](super::Queues)).
//!
//! Invariants: a [`VecMap`]'s entries are sorted by key with no key twice, so iteration
//! is in key order (as a `BTreeMap`'s) and equality and hashing are canonical: two maps
//! with the same entries are `==` and hash alike whatever order they were built in.

use alloc::vec::Vec;
use core::borrow::Borrow;

use smallvec::SmallVec;

use super::PendingOp;

/// A map kept as one vector of `(key, value)` pairs sorted by key: lookups are binary
/// searches, inserting the greatest key appends. The subset of `BTreeMap`'s interface
/// the machine and the law monitor use.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

/// [`Clone::clone_from`] reuses the buffer (and each entry's own `clone_from`).
impl<K: Clone, V: Clone> Clone for VecMap<K, V> {
    fn clone(&self) -> Self {
        VecMap {
            entries: self.entries.clone(),
        }
    }

    /// Entry by entry, so that keys and values with their own buffers (an object's queues,
    /// a spilled child list) refill them instead of being cloned anew (a tuple's clone
    /// has no `clone_from` of its own).
    fn clone_from(&mut self, source: &Self) {
        self.entries.truncate(source.entries.len());
        let (init, tail) = source.entries.split_at(self.entries.len());
        for ((key, value), (from_key, from_value)) in self.entries.iter_mut().zip(init) {
            key.clone_from(from_key);
            value.clone_from(from_value);
        }
        self.entries.extend(tail.iter().cloned());
    }
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// An empty map (allocates nothing).
    pub const fn new() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }

    #[inline]
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        // Fast path: the newest (greatest) key is the one most often asked for.
        match self.entries.last() {
            Some((last, _)) if last.borrow() == key => Ok(self.entries.len() - 1),
            Some((last, _)) if last.borrow() < key => Err(self.entries.len()),
            _ => self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key)),
        }
    }

    /// The value under `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| &self.entries[at].1)
    }

    /// The value under `key`, mutably.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| &mut self.entries[at].1)
    }

    /// True when `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Put `value` under `key`; returns the value it replaced. Inlined: a value built
    /// by the caller (a 56-byte `Object`) is then written into place instead of being
    /// read back through a pointer right after it was written, which stalled store
    /// forwarding (most of a create's samples in this function, `perf annotate`).
    #[inline]
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => Some(core::mem::replace(&mut self.entries[at].1, value)),
            Err(at) => {
                self.entries.insert(at, (key, value));
                None
            }
        }
    }

    /// The value under `key`, inserted as `V::default()` first when absent.
    pub fn get_or_insert_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        let at = match self.find(&key) {
            Ok(at) => at,
            Err(at) => {
                self.entries.insert(at, (key, V::default()));
                at
            }
        };
        &mut self.entries[at].1
    }

    /// Take the value under `key` out.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| self.entries.remove(at).1)
    }

    /// Keep only the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + '_ {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Entries in key order, values mutable.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + '_ {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + '_ {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + '_ {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Values in key order, mutable.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + '_ {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Rewrite every key with `rename`, which must be strictly increasing on the present
    /// keys (it keeps their order, so the entries stay sorted). Used by the model checker's
    /// canonical renumbering.
    pub fn rename_keys_monotonic(&mut self, mut rename: impl FnMut(&K) -> K) {
        for (k, _) in &mut self.entries {
            *k = rename(k);
        }
        debug_assert!(self.entries.windows(2).all(|w| w[0].0 < w[1].0));
    }

    /// Rewrite every key with `rename` (any injective map) and sort again.
    pub fn rename_keys(&mut self, mut rename: impl FnMut(&K) -> K) {
        for (k, _) in &mut self.entries {
            *k = rename(k);
        }
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
    }

    /// Bytes of heap this map holds (its buffer's capacity).
    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * core::mem::size_of::<(K, V)>()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter =
        core::iter::Map<core::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// How many operations a lane queue holds inline before it spills to the heap: the head
/// (the default model bounds queue one per lane; `--deep` and the engine may queue more,
/// which then costs one allocation).
pub const LANE_INLINE: usize = 1;

/// One lane's queue of operations, head first: inline up to [`LANE_INLINE`], then on the
/// heap. The subset of `VecDeque`'s interface the machine uses.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct LaneQueue {
    ops: SmallVec<[PendingOp; LANE_INLINE]>,
}

/// A copy of the operations as one slice copy (`PendingOp` is `Copy`; the derived clone
/// would go element by element through an iterator). The model checker clones every
/// object's queues for every successor it generates.
impl Clone for LaneQueue {
    fn clone(&self) -> Self {
        LaneQueue {
            ops: SmallVec::from_slice(&self.ops),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.ops.clear();
        self.ops.extend_from_slice(&source.ops);
    }
}

impl LaneQueue {
    /// An empty queue, as a constant.
    pub const EMPTY: LaneQueue = LaneQueue {
        ops: SmallVec::new_const(),
    };
    /// An empty queue.
    pub fn new() -> LaneQueue {
        LaneQueue {
            ops: SmallVec::new(),
        }
    }
    /// The head (the started operation, when there is one).
    pub fn front(&self) -> Option<&PendingOp> {
        self.ops.first()
    }
    /// Remove the head.
    pub fn pop_front(&mut self) -> Option<PendingOp> {
        (!self.ops.is_empty()).then(|| self.ops.remove(0))
    }
    /// Queue `op` last.
    pub fn push_back(&mut self, op: PendingOp) {
        self.ops.push(op);
    }
    /// Number queued.
    pub fn len(&self) -> usize {
        self.ops.len()
    }
    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
    /// Head first.
    pub fn iter(&self) -> core::slice::Iter<'_, PendingOp> {
        self.ops.iter()
    }
    /// Head first, mutable.
    pub fn iter_mut(&mut self) -> core::slice::IterMut<'_, PendingOp> {
        self.ops.iter_mut()
    }
    /// The queue as a slice, head first.
    pub fn as_slice(&self) -> &[PendingOp] {
        &self.ops
    }
    /// Take every operation out, head first.
    pub fn take_all(&mut self) -> SmallVec<[PendingOp; LANE_INLINE]> {
        core::mem::take(&mut self.ops)
    }
    /// Take every operation out, head first (`VecDeque::drain(..)`'s shape).
    pub fn drain(
        &mut self,
        _all: core::ops::RangeFull,
    ) -> smallvec::IntoIter<[PendingOp; LANE_INLINE]> {
        self.take_all().into_iter()
    }
    /// Operations it can hold without allocating more.
    pub fn capacity(&self) -> usize {
        self.ops.capacity()
    }
    /// Bytes of heap it holds (zero while inline).
    pub fn heap_bytes(&self) -> usize {
        if self.ops.spilled() {
            self.ops.capacity() * core::mem::size_of::<PendingOp>()
        } else {
            0
        }
    }
}

impl<'a> IntoIterator for &'a LaneQueue {
    type Item = &'a PendingOp;
    type IntoIter = core::slice::Iter<'a, PendingOp>;
    fn into_iter(self) -> Self::IntoIter {
        self.ops.iter()
    }
}

impl<'a> IntoIterator for &'a mut LaneQueue {
    type Item = &'a mut PendingOp;
    type IntoIter = core::slice::IterMut<'a, PendingOp>;
    fn into_iter(self) -> Self::IntoIter {
        self.ops.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vecmap_keeps_key_order_whatever_the_insert_order() {
        let mut a = VecMap::new();
        let mut b = VecMap::new();
        for k in [5u32, 1, 9, 3] {
            a.insert(k, k * 10);
        }
        for k in [9u32, 3, 5, 1] {
            b.insert(k, k * 10);
        }
        assert_eq!(a, b);
        assert_eq!(a.keys().copied().collect::<Vec<_>>(), [1, 3, 5, 9]);
        assert_eq!(a.insert(3, 7), Some(30));
        assert_eq!(a.remove(&5), Some(50));
        assert_eq!(a.get(&5), None);
        assert_eq!(a.get(&3), Some(&7));
        assert!(!a.contains_key(&10));
        assert_eq!(a.len(), 3);
    }

    #[test]
    fn lane_queue_is_fifo_and_spills_without_loss() {
        use crate::machine::{Api, CallArg, OpId};
        let op = |i| PendingOp {
            id: OpId(i),
            api: Api::WinHttpSendRequest,
            blocking: false,
            arg: CallArg::None,
        };
        let mut q = LaneQueue::new();
        for i in 0..5 {
            q.push_back(op(i));
        }
        assert_eq!(q.len(), 5);
        assert!(
            q.heap_bytes() > 0,
            "five operations spill past the inline room"
        );
        for i in 0..5 {
            assert_eq!(q.pop_front().map(|p| p.id), Some(OpId(i)));
        }
        assert_eq!(q.pop_front(), None);
    }
}

#[cfg(test)]
mod size_probe {
    #[test]
    fn print_sizes() {
        use crate::machine::*;
        extern crate std;
        std::println!(
            "Object {} PendingOp {} CallArg {} ProtoState {} Machine {} ValueTable {} Output {} LawMonitor {}",
            core::mem::size_of::<Object>(),
            core::mem::size_of::<PendingOp>(),
            core::mem::size_of::<CallArg>(),
            core::mem::size_of::<ProtoState>(),
            core::mem::size_of::<Machine>(),
            core::mem::size_of::<ValueTable>(),
            core::mem::size_of::<Output>(),
            core::mem::size_of::<crate::LawMonitor>(),
        );
    }
}

#[cfg(feature = "pack")]
mod packing {
    use super::{LaneQueue, VecMap};
    use crate::pack::{pack_struct, Pack, Reader, UnpackError};
    use alloc::vec::Vec;

    /// The entries in key order; unpacking refuses keys out of order (a map never
    /// holds them so).
    impl<K: Pack + Ord, V: Pack> Pack for VecMap<K, V> {
        #[inline]
        fn pack(&self, out: &mut Vec<u8>) {
            self.entries.pack(out);
        }
        fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
            let entries = Vec::<(K, V)>::unpack(r)?;
            if entries.windows(2).any(|w| w[0].0 >= w[1].0) {
                return Err(UnpackError);
            }
            Ok(VecMap { entries })
        }
    }

    pack_struct!(LaneQueue { ops });
}
