//! Canonical object numbering, for model checkers that merge equivalent states.
//!
//! Owns: [`Machine::object_ids_mentioned`], [`Machine::next_object`],
//! [`Machine::compact_object_ids`] and [`renamed_object`].
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

use super::{Machine, ObjectId, Output, SlotState};

impl Machine {
    /// The id the next created object will get: every id below it was issued.
    pub fn next_object(&self) -> ObjectId {
        ObjectId(self.next_object)
    }

    /// Every object id the machine holds anywhere (objects, parents, children, the handle
    /// table, lingering values, undrained outputs), sorted, without repeats.
    pub fn object_ids_mentioned(&self) -> Vec<ObjectId> {
        let mut ids = Vec::with_capacity(self.objects.len() + self.lingering.len());
        for (&id, o) in self.objects.iter() {
            ids.push(id);
            ids.extend(o.parent);
            ids.extend(o.kids.iter().copied());
        }
        ids.extend(self.lingering.keys().copied());
        ids.extend(self.values.iter().map(|(_, s)| match s {
            SlotState::Live(id) | SlotState::Reserved(id) => id,
        }));
        ids.extend(self.outputs.iter().map(output_object));
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Renumber object ids canonically: the ids in `keep` (those an observer such as a
    /// law monitor still names) together with every id the machine mentions are mapped,
    /// in increasing order, onto `0..n`, and the next id to issue becomes `n`. Returns
    /// the renaming as `(old, new)` pairs sorted by `old` (strictly increasing in both).
    /// The machine behaves the same up to this renaming (see the module docs).
    pub fn compact_object_ids(&mut self, keep: &[ObjectId]) -> Vec<(ObjectId, ObjectId)> {
        let mut order = self.object_ids_mentioned();
        order.extend_from_slice(keep);
        order.sort_unstable();
        order.dedup();
        let renamed: Vec<(ObjectId, ObjectId)> = order
            .iter()
            .enumerate()
            .map(|(new, &old)| (old, ObjectId(u32::try_from(new).unwrap_or(u32::MAX))))
            .collect();
        if renamed.iter().all(|(old, new)| old == new) && self.next_object as usize == renamed.len()
        {
            return renamed; // already canonical
        }
        let rename = |id: ObjectId| renamed_object(&renamed, id);
        self.objects.rename_keys_monotonic(|&id| rename(id));
        for o in self.objects.values_mut() {
            o.parent = o.parent.map(rename);
            for kid in o.kids.iter_mut() {
                *kid = rename(*kid);
            }
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
        self.next_object = u32::try_from(renamed.len()).unwrap_or(u32::MAX);
        renamed
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

/// `id` renamed by `map` (sorted `(old, new)` pairs); an id the map does not name is
/// left as it is.
pub fn renamed_object(map: &[(ObjectId, ObjectId)], id: ObjectId) -> ObjectId {
    map.binary_search_by(|(old, _)| old.cmp(&id))
        .map_or(id, |at| map[at].1)
}
