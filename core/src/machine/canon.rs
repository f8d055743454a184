//! Canonical object numbering, for model checkers that merge equivalent states.
//!
//! Owns: [`Machine::object_ids_mentioned`], [`Machine::next_object`],
//! [`Machine::compact_object_ids`], [`ObjectRenaming`] and [`renamed_object`].
//!
//! Object ids are issued from a counter and never reused, so two states that behave the
//! same can differ only in how many objects were created and destroyed on the way. The
//! machine uses ids only as names: it compares them for equality and order (objects are
//! kept and visited in id order) and issues the next one from [`Machine::next_object`].
//! Renaming every id by a strictly increasing map onto `0..n` and setting the counter
//! to `n` therefore gives a machine that behaves exactly the same up to that renaming
//! (the same replies and outputs, with renamed ids). That is what makes the model
//! checker's object renumbering sound.
//!
//! Invariant: [`Machine::compact_object_ids`] renames *every* id the machine holds
//! (objects, parents, children, handle table, lingering values, undrained outputs), so no
//! stale name survives to collide with a renamed one.

use alloc::vec::Vec;

use smallvec::SmallVec;

use super::{Machine, MaybeObject, ObjectId, Output, SlotState};

/// A renaming of object ids: `(old, new)` pairs sorted by `old`, strictly increasing in
/// both. Ids it does not list keep their number (an empty renaming renames nothing).
pub type ObjectRenaming = SmallVec<[(ObjectId, ObjectId); 8]>;

impl Machine {
    /// The id the next created object will get: every id below it was issued.
    pub fn next_object(&self) -> ObjectId {
        ObjectId(self.next_object)
    }

    /// Call `f` for every object id the machine holds anywhere (objects, parents,
    /// children, the handle table, lingering values, undrained outputs), repeats
    /// included.
    fn for_each_object_id(&self, mut f: impl FnMut(ObjectId)) {
        for (&id, o) in self.objects.iter() {
            f(id);
            if let Some(p) = o.parent() {
                f(p);
            }
        }
        self.children.values().flatten().copied().for_each(&mut f);
        self.lingering.keys().copied().for_each(&mut f);
        for (_, s) in self.values.iter() {
            match s {
                SlotState::Live(id) | SlotState::Reserved(id) => f(id),
            }
        }
        self.outputs.iter().map(output_object).for_each(f);
    }

    /// Every object id the machine holds anywhere (objects, parents, children, the handle
    /// table, lingering values, undrained outputs), sorted, without repeats.
    pub fn object_ids_mentioned(&self) -> Vec<ObjectId> {
        let mut ids = Vec::new();
        self.for_each_object_id(|id| ids.push(id));
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Renumber object ids canonically: the ids in `keep` (those an observer such as a
    /// law monitor still names) together with every id the machine mentions are mapped,
    /// in increasing order, onto `0..n`, and the next id to issue becomes `n`. Returns
    /// the ids that moved ([`ObjectRenaming`]; empty when the numbering was already
    /// canonical). The machine behaves the same up to this renaming (see the module docs).
    pub fn compact_object_ids(&mut self, keep: &[ObjectId]) -> ObjectRenaming {
        if self.objects_and_keep_fill_every_id(keep) {
            return ObjectRenaming::new(); // already canonical
        }
        // Every id, as a set: a 64-bit mask while ids are small (always, in a model
        // checker), else a sorted list.
        let mut mask: u64 = 0;
        let mut small = true;
        let mut mark = |id: ObjectId| match 1u64.checked_shl(id.0) {
            Some(bit) => mask |= bit,
            None => small = false,
        };
        self.for_each_object_id(&mut mark);
        keep.iter().copied().for_each(&mut mark);
        let mut renamed = ObjectRenaming::new();
        let count;
        if small {
            count = mask.count_ones();
            let dense = mask == 1u64.checked_shl(count).map_or(u64::MAX, |b| b - 1);
            if dense && self.next_object == count {
                return renamed; // already canonical
            }
            let mut rest = mask;
            let mut new = 0;
            while rest != 0 {
                let old = rest.trailing_zeros();
                rest &= rest - 1;
                if old != new {
                    renamed.push((ObjectId(old), ObjectId(new)));
                }
                new += 1;
            }
        } else {
            let mut order = self.object_ids_mentioned();
            order.extend_from_slice(keep);
            order.sort_unstable();
            order.dedup();
            count = u32::try_from(order.len()).unwrap_or(u32::MAX);
            for (new, &old) in order.iter().enumerate() {
                let new = ObjectId(u32::try_from(new).unwrap_or(u32::MAX));
                if old != new {
                    renamed.push((old, new));
                }
            }
        }
        let rename = |id: ObjectId| renamed_object(&renamed, id);
        self.objects.rename_keys_monotonic(|&id| rename(id));
        for o in self.objects.values_mut() {
            o.parent = MaybeObject::new(o.parent().map(rename));
        }
        self.children.rename_keys_monotonic(|&id| rename(id));
        for kid in self.children.values_mut().flatten() {
            *kid = rename(*kid);
        }
        self.lingering.rename_keys_monotonic(|&id| rename(id));
        self.values.rename_objects(rename);
        for output in self.outputs.iter_mut() {
            match output {
                Output::Notify(n) => n.object = rename(n.object),
                Output::StartIo { object, .. }
                | Output::CancelIo { object, .. }
                | Output::CallReturned { object, .. } => *object = rename(*object),
            }
        }
        self.next_object = count;
        renamed
    }
}

impl Machine {
    /// True when the objects, the lingering values' objects and `keep` alone already name
    /// every id below [`Machine::next_object`] (ids below 64 only). Then the numbering is
    /// canonical without looking further: every id the machine mentions anywhere was
    /// issued, so lies below the counter, and these alone already cover `0..next_object`.
    /// A cheap first check (no walk of parents, children, values or outputs).
    fn objects_and_keep_fill_every_id(&self, keep: &[ObjectId]) -> bool {
        let Some(full) = 1u64
            .checked_shl(self.next_object)
            .map(|bit| bit.wrapping_sub(1))
        else {
            return false;
        };
        let mut mask: u64 = 0;
        let ids = self
            .objects
            .keys()
            .chain(self.lingering.keys())
            .chain(keep.iter());
        for id in ids {
            match 1u64.checked_shl(id.0) {
                Some(bit) => mask |= bit,
                None => return false,
            }
        }
        mask == full
    }
}

/// The object an output names.
fn output_object(output: &Output) -> ObjectId {
    match *output {
        Output::Notify(n) => n.object,
        Output::StartIo { object, .. }
        | Output::CancelIo { object, .. }
        | Output::CallReturned { object, .. } => object,
    }
}

/// `id` renamed by `map` (an [`ObjectRenaming`]: sorted `(old, new)` pairs); an id the
/// map does not name keeps its number.
pub fn renamed_object(map: &[(ObjectId, ObjectId)], id: ObjectId) -> ObjectId {
    map.binary_search_by(|(old, _)| old.cmp(&id))
        .map_or(id, |at| map[at].1)
}
