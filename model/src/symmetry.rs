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
//! The renaming happens in the model's step, like the object and operation renumbering,
//! rather than through stateright's `CheckerBuilder::symmetry_fn`: in stateright 0.31 only
//! the DFS and simulation checkers honour that (the default check is BFS), its
//! representative is a plain `fn` that cannot see the model's policy, and renaming in the
//! step keeps counterexample paths replayable through the same step (the trace notes the
//! renaming: "model renumbers values: 3->2, 2->3").
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

#[cfg(test)]
mod tests {
    use hinternet_core::{CreateApi, Input, Policy};

    use super::*;
    use crate::model::Bounds;

    fn lifo_model() -> HinternetModel {
        HinternetModel::new(
            "winhttp+lifo",
            Policy::winhttp().with_reuse(ValueReuse::Lifo),
            Bounds::small_for(hinternet_core::Family::WinHttp),
        )
    }

    /// Session 1, connects 2 and 3, close 2, a new connect reissued 2: the older connect
    /// holds the higher value until the model renumbers.
    fn steps() -> Vec<Input> {
        let connect = Input::Create {
            api: CreateApi::WinHttpConnect,
            source: HandleValue(1),
            context: None,
        };
        vec![
            Input::Open {
                api: CreateApi::WinHttpOpen,
                async_mode: true,
            },
            connect,
            connect,
            Input::Close {
                handle: HandleValue(2),
            },
            connect,
        ]
    }

    #[test]
    fn a_value_reissued_behind_an_older_handle_is_renumbered_and_traced() {
        for on in [true, false] {
            let model = lifo_model().with_symmetry(on);
            let mut trace = Trace::new();
            let mut state = State::new(model.machine());
            for input in steps() {
                state = model.step(&state, input, Some(&mut trace));
                assert!(state.violation.is_none(), "{trace}");
            }
            let values: Vec<u32> = state.machine.objects().map(|(_, o)| o.value().0).collect();
            let text = trace.to_string();
            if on {
                // Objects in creation order: session, the older connect, the new one.
                assert_eq!(values, [1, 2, 3]);
                assert!(
                    text.contains("model renumbers values: 2->3, 3->2"),
                    "{text}"
                );
            } else {
                assert_eq!(values, [1, 3, 2]);
                assert!(!text.contains("renumbers values"), "{text}");
            }
        }
    }

    #[test]
    fn the_representative_is_canonical_and_idempotent() {
        let model = lifo_model().with_symmetry(false);
        let mut state = State::new(model.machine());
        for input in steps() {
            state = model.step(&state, input, None);
        }
        let rep = representative(&state).expect("not strict");
        assert_ne!(rep, state);
        assert_eq!(representative(&rep).as_ref(), Some(&rep));
        assert!(canonical_value_map(&rep).is_empty());
        // Every renaming of the state has the same representative.
        for map in [
            [(1, 2), (2, 3), (3, 1)],
            [(1, 3), (2, 1), (3, 2)],
            [(1, 1), (2, 3), (3, 2)],
        ] {
            let mut map: ValuePermutation = map
                .iter()
                .filter(|(a, b)| a != b)
                .map(|&(a, b)| (HandleValue(a), HandleValue(b)))
                .collect();
            map.sort_unstable();
            let mut renamed = state.clone();
            renamed.machine.permute_values(&map).expect("a permutation");
            renamed.monitor.permute_values(&map);
            assert_eq!(representative(&renamed).as_ref(), Some(&rep), "{map:?}");
        }
    }

    #[test]
    fn only_interchangeable_orders_are_renumbered() {
        for (reuse, on) in [
            (ValueReuse::Lifo, true),
            (ValueReuse::Fifo, true),
            (ValueReuse::Monotonic, true),
            (ValueReuse::LowestFree, false),
            (ValueReuse::Strict, false),
        ] {
            let model = HinternetModel::new(
                "m",
                Policy::winhttp().with_reuse(reuse),
                Bounds::small_for(hinternet_core::Family::WinHttp),
            );
            assert_eq!(model.renumbers_values(), on, "{reuse:?}");
            assert!(!model.clone().with_symmetry(false).renumbers_values());
        }
        #[cfg(feature = "mutants")]
        {
            let broken = |reuse| {
                HinternetModel::new(
                    "m",
                    Policy::winhttp().with_reuse(reuse),
                    Bounds::small_for(hinternet_core::Family::WinHttp),
                )
                .with_broken_symmetry()
                .renumbers_values()
            };
            assert!(broken(ValueReuse::LowestFree));
            assert!(!broken(ValueReuse::Strict));
        }
    }
}
