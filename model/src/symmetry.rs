//! Symmetry reduction across interchangeable handle values.
//!
//! Owns: [`ValueSymmetry`] (the model's switch), [`canonical_value_map`] (the
//! representative's renaming of a state) and [`representative`], and the step that applies
//! it after canonical object numbering (`HinternetModel::canonical_values`, called by the
//! model's step).
//!
//! # What is reduced, and why it is sound
//!
//! Under the `Lifo`, `Fifo` and `Monotonic` reuse orders the allocator never compares two
//! handle values by order, so every permutation `π` of the issued values (`1..=high`,
//! never-issued ones fixed) is a symmetry of the machine: the step of `π(s)` on `π(input)`
//! is `π` of the step of `s` on `input` (`hinternet_core`'s `symmetry` module docs
//! give the argument; its unit tests check it for every permutation of a script). The rest
//! of the model is invariant under `π` too:
//!
//! - the law monitor compares values only for equality, and is renamed alike
//!   ([`LawMonitor::permute_values`]), so the renamed pair gives the same verdicts;
//! - the actions name values only as "the value of this object" or "a value the monitor
//!   remembers and that resolves to nothing" (stale values) — never a literal number — so
//!   the actions of `π(s)` are `π` of the actions of `s`;
//! - the `reached` bits compare values for equality only; the remembered late operations,
//!   the counters and the bounds hold no values.
//!
//! So the model's transition system commutes with `π`, and merging a state with its
//! renamings keeps every verdict: an `always` property breaks in the reduced check iff it
//! breaks in the unreduced one, and the same `sometimes` are reached.
//!
//! The representative numbers values `1, 2, …` in the order they first appear in a
//! traversal of the state that does not look at the values' numbers: the machine's
//! objects in id order (ids are canonical after the model's object renumbering,
//! [`HinternetModel::canonical_objects`], but any value-independent order would do), lingering reservations in id
//! order, the monitor's watched objects in id order, the monitor's value map by the object
//! each value names, the table's entries by object, then the free list in its own order
//! (the order that decides which value is reissued next). Values that appear nowhere
//! (never the case while the monitor remembers every issued value) follow in increasing
//! order. Two states that differ by a permutation of values therefore get the same
//! representative.
//!
//! # What is not reduced
//!
//! `LowestFree` (the WinHTTP and WinINet presets) and `Strict` reissue the least free value
//! (slot): a renamed state can reissue a different old object's value, so no permutation
//! but the identity is a symmetry there (the core's module docs give the counterexample).
//! The model leaves values alone under those orders. [`ValueSymmetry::BrokenAlsoLowestFree`]
//! (feature `mutants`) renumbers them anyway: the deliberately unsound reduction that the
//! agreement tests of `proofs/tests/model_check.rs` must catch.
//!
//! [`LawMonitor::permute_values`]: hinternet_core::LawMonitor::permute_values

use smallvec::SmallVec;

use hinternet_core::{HandleValue, ObjectId, SlotState, Trace, ValuePermutation, ValueReuse};

use crate::model::{HinternetModel, State};

/// Whether the model merges states that differ only by a renaming of handle values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueSymmetry {
    /// Never renumber values.
    Off,
    /// Renumber values canonically after every step when the policy's reuse order makes
    /// values interchangeable (`Lifo`, `Fifo`, `Monotonic`); leave them alone otherwise.
    /// The default.
    On,
    /// A deliberately unsound reduction: renumber values under `LowestFree` too (never
    /// `Strict`, whose values carry generations). For checking that the agreement tests
    /// catch an unsound reduction; never use it for a verdict.
    #[cfg(feature = "mutants")]
    BrokenAlsoLowestFree,
}

impl ValueSymmetry {
    /// True when this switch renumbers values under `reuse`.
    pub fn applies_to(self, reuse: ValueReuse) -> bool {
        match self {
            ValueSymmetry::Off => false,
            ValueSymmetry::On => reuse.values_interchangeable(),
            #[cfg(feature = "mutants")]
            ValueSymmetry::BrokenAlsoLowestFree => reuse != ValueReuse::Strict,
        }
    }
}

/// The renaming that takes `state` to its representative: every issued value, in the
/// order of first appearance described in the [module docs](self), numbered from 1. Only
/// the values that move are listed (an empty map when the numbering is already
/// canonical).
pub fn canonical_value_map(state: &State) -> ValuePermutation {
    let machine = &state.machine;
    let table = machine.values();
    let high = table.high();
    let mut order: SmallVec<[HandleValue; 16]> = SmallVec::new();
    let mut note = |v: HandleValue| {
        if !v.is_null() && v.0 <= high && !order.contains(&v) {
            order.push(v);
        }
    };
    machine.objects().for_each(|(_, o)| note(o.value()));
    machine.lingering().for_each(|(_, v)| note(v));
    state.monitor.values_by_object().for_each(|(_, v)| note(v));
    let mut by_object: SmallVec<[(ObjectId, HandleValue); 16]> =
        state.monitor.value_owners().map(|(v, o)| (o, v)).collect();
    by_object.sort_by_key(|&(o, _)| o);
    by_object.iter().for_each(|&(_, v)| note(v));
    by_object.clear();
    by_object.extend(table.iter().map(|(v, slot)| match slot {
        SlotState::Live(o) | SlotState::Reserved(o) => (o, v),
    }));
    by_object.sort_by_key(|&(o, _)| o);
    by_object.iter().for_each(|&(_, v)| note(v));
    table.free_values().for_each(&mut note);
    (1..=high).for_each(|v| note(HandleValue(v)));
    let mut map: ValuePermutation = order
        .iter()
        .zip(1..)
        .filter(|&(&old, new)| old.0 != new)
        .map(|(&old, new)| (old, HandleValue(new)))
        .collect();
    map.sort_unstable();
    map
}

/// `state`'s representative: the machine and the law monitor with their values renamed
/// by [`canonical_value_map`]. `None` for a strict table (its values are not permuted).
/// What the reduced model stores in place of `state` (after the same object and
/// operation renumbering), exposed for the agreement tests.
pub fn representative(state: &State) -> Option<State> {
    let mut s = state.clone();
    rename_values(&mut s).ok()?;
    Some(s)
}

/// Rename `state`'s values canonically; returns the renaming.
fn rename_values(state: &mut State) -> Result<ValuePermutation, hinternet_core::PermuteError> {
    let map = canonical_value_map(state);
    if map.is_empty() {
        return Ok(map);
    }
    state.machine.permute_values(&map)?;
    state.monitor.permute_values(&map);
    Ok(map)
}

impl HinternetModel {
    /// This model with value symmetry reduction on or off (see
    /// [`HinternetModel::value_symmetry`]); off is noted in the name.
    pub fn with_symmetry(mut self, on: bool) -> HinternetModel {
        if on {
            self.value_symmetry = ValueSymmetry::On;
        } else {
            self.value_symmetry = ValueSymmetry::Off;
            self.name = format!("{} [no value symmetry]", self.name);
        }
        self
    }

    /// This model with the deliberately unsound value renumbering
    /// ([`ValueSymmetry::BrokenAlsoLowestFree`]), noted in the name.
    #[cfg(feature = "mutants")]
    pub fn with_broken_symmetry(mut self) -> HinternetModel {
        self.value_symmetry = ValueSymmetry::BrokenAlsoLowestFree;
        self.name = format!("{} [broken value symmetry]", self.name);
        self
    }

    /// True when this model renumbers values after every step.
    pub fn renumbers_values(&self) -> bool {
        self.value_symmetry.applies_to(self.policy.value_reuse)
    }

    /// The step's last reduction: when [`HinternetModel::renumbers_values`], rename
    /// `next`'s values to its representative's, noting the renaming in `trace`
    /// ("model renumbers values: 3->1").
    pub(crate) fn canonical_values(&self, next: &mut State, trace: Option<&mut Trace>) {
        if !self.renumbers_values() {
            return;
        }
        // The drain left no output behind, the policy is not strict (`applies_to`) and
        // the map is a permutation of `1..=high` by construction: the renaming cannot be
        // refused. Should it ever be, the state keeps its numbering (less reduction,
        // never a wrong merge).
        let Ok(map) = rename_values(next) else {
            return;
        };
        if let Some(t) = trace {
            if !map.is_empty() {
                let moved: Vec<String> = map
                    .iter()
                    .map(|(old, new)| format!("{old}->{new}"))
                    .collect();
                t.comment(&format!("model renumbers values: {}", moved.join(", ")));
            }
        }
    }
}
