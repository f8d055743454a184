//! The registered status callbacks: an append-only table that deliveries read without
//! the engine lock.
//!
//! Owns: [`Callbacks`]. Invariants: an entry is set once, under the engine lock (which
//! hands out the indices in order), and then never changes or goes away while the
//! engine lives; a callback id is returned to the embedder only after its entry is set,
//! so every id a notification carries reads back its callback. A read takes no lock and
//! no read-modify-write: a delivery used to clone an `Arc` of the callback under the
//! lock and drop it after the call, two atomic RMWs per delivered notification.
//!
//! The table is a list of buckets, bucket `b` holding `32 << b` entries and allocated
//! by the first registration that needs it, so an entry never moves and no reader
//! races a reallocation; 28 buckets hold every `u32` index.

use std::sync::OnceLock;

/// Entries in bucket 0.
const FIRST: u64 = 32;
/// Buckets: `FIRST * (2^BUCKETS - 1)` entries, more than `u32::MAX`.
const BUCKETS: usize = 28;

/// One bucket: its entries, each set at most once.
type Bucket<F> = Box<[OnceLock<Box<F>>]>;

/// The append-only callback table (see the module docs).
pub(crate) struct Callbacks<F: ?Sized> {
    buckets: [OnceLock<Bucket<F>>; BUCKETS],
}

impl<F: ?Sized> Default for Callbacks<F> {
    fn default() -> Self {
        Callbacks {
            buckets: [const { OnceLock::new() }; BUCKETS],
        }
    }
}

/// The bucket and the offset in it of entry `index`, with the bucket's size.
fn locate(index: u32) -> (usize, usize, usize) {
    let n = u64::from(index) + FIRST;
    // n >= FIRST = 2^5, so the bucket is log2(n) - 5 >= 0.
    let bucket = (63 - n.leading_zeros() - FIRST.trailing_zeros()) as usize;
    let start = FIRST << bucket;
    (bucket, (n - start) as usize, start as usize)
}

impl<F: ?Sized> Callbacks<F> {
    /// Set entry `index` (under the engine lock, each index once). False when it was
    /// already set (an index handed out twice: a bug; the first entry stays).
    pub(crate) fn set(&self, index: u32, callback: Box<F>) -> bool {
        let (bucket, offset, size) = locate(index);
        let Some(bucket) = self.buckets.get(bucket) else {
            return false;
        };
        let entries = bucket.get_or_init(|| (0..size).map(|_| OnceLock::new()).collect());
        entries
            .get(offset)
            .is_some_and(|entry| entry.set(callback).is_ok())
    }

    /// Entry `index`, when set. No lock, no read-modify-write.
    #[inline]
    pub(crate) fn get(&self, index: u32) -> Option<&F> {
        let (bucket, offset, _) = locate(index);
        let entry = self.buckets.get(bucket)?.get()?.get(offset)?;
        entry.get().map(|callback| &**callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_tile_the_index_space() {
        assert_eq!(locate(0), (0, 0, 32));
        assert_eq!(locate(31), (0, 31, 32));
        assert_eq!(locate(32), (1, 0, 64));
        assert_eq!(locate(95), (1, 63, 64));
        assert_eq!(locate(96), (2, 0, 128));
        let (bucket, offset, size) = locate(u32::MAX);
        assert!(
            bucket < BUCKETS && offset < size,
            "{bucket} {offset} {size}"
        );
    }

    #[test]
    fn entries_are_set_once_and_read_back() {
        let table: Callbacks<dyn Fn() -> u32 + Send + Sync> = Callbacks::default();
        assert!(table.get(0).is_none());
        for i in 0..200u32 {
            assert!(table.set(i, Box::new(move || i)));
        }
        assert!(!table.set(7, Box::new(|| 0)), "an entry is set once");
        for i in 0..200u32 {
            assert_eq!(table.get(i).map(|f| f()), Some(i));
        }
        assert!(table.get(200).is_none());
    }
}
