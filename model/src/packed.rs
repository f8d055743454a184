//! The state the checker stores: [`Packed`], a model [`State`] as one canonical byte string
//! plus the few plain fields the properties and the boundary read, and the per-thread
//! [`Scratch`] that steps from a packed state without allocating a rich one per successor.
//!
//! Owns: the encoding (the core's [`Pack`] format, feature `pack`: the machine, the law
//! monitor and the remembered late operations, in that order), [`Packed::pack`] /
//! [`Packed::unpack`], and the thread-local scratch ([`with_scratch`]).
//!
//! Invariants:
//! - Canonical: two rich states are equal exactly when their packed forms are. The bytes
//!   encode values, never capacities or the inline/spilled distinction of a small vector,
//!   and the format is deterministic and self-delimiting (so distinct values give
//!   distinct bytes; see `hinternet_core::pack`). Hash and equality are those of the
//!   bytes (one contiguous hash write, one `memcmp`) and of the plain fields.
//! - The plain fields are functions of the rich state (`in_bounds` of the rich state and
//!   the model's bounds), so they split no state the rich form would not.
//! - The scratch's decoded parent is keyed by the parent's bytes (compared, never by
//!   pointer), so it can never stand for another state, whatever model runs next on the
//!   thread: the bytes include the policy and the planted mutant.

use std::cell::RefCell;
use std::fmt;

use hinternet_core::pack::{Pack, Reader, UnpackError};
use hinternet_core::{LawMonitor, Machine, Violation};

use crate::checked::format_state;
use crate::model::{HinternetModel, Retired, State};

/// A model state as the checker stores it (see the module docs).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Packed {
    /// The machine, the law monitor and the late operations, in the core's `Pack` format.
    bytes: Box<[u8]>,
    /// The first law or invariant broken on the path to this state (rare: boxed).
    violation: Option<Box<Violation>>,
    /// Handles created so far.
    created: u8,
    /// Roots opened so far.
    roots: u8,
    /// The [`reached`](crate::model::reached) bits of the step into this state.
    reached: u8,
    /// [`stateright::Model::within_boundary`] of the rich state, computed when packed.
    in_bounds: bool,
}

/// The encoded part of a state, owned (what [`Packed::unpack`] reads).
type Decoded = (Machine, LawMonitor, Vec<Retired>);

/// Field by field, as the core's types.
impl Pack for Retired {
    #[inline]
    fn pack(&self, out: &mut Vec<u8>) {
        let Retired {
            object,
            op,
            api,
            age,
        } = self;
        object.pack(out);
        op.pack(out);
        api.pack(out);
        age.pack(out);
    }

    fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
        Ok(Retired {
            object: Pack::unpack(r)?,
            op: Pack::unpack(r)?,
            api: Pack::unpack(r)?,
            age: Pack::unpack(r)?,
        })
    }
}

impl Packed {
    /// Pack `state` (its boundary verdict under `model` included).
    pub fn pack(model: &HinternetModel, state: &State) -> Packed {
        let mut buf = Vec::new();
        Packed::pack_with(model, state, &mut buf)
    }

    /// [`Packed::pack`], encoding through `buf` (cleared first, kept for reuse): the one
    /// allocation is the packed bytes' own.
    pub fn pack_with(model: &HinternetModel, state: &State, buf: &mut Vec<u8>) -> Packed {
        use stateright::Model as _;
        buf.clear();
        state.machine.pack(buf);
        state.monitor.pack(buf);
        state.late.pack(buf);
        Packed {
            bytes: Box::from(&buf[..]),
            violation: state.violation.clone().map(Box::new),
            created: state.created,
            roots: state.roots,
            reached: state.reached,
            in_bounds: model.within_boundary(state),
        }
    }

    /// The rich state back.
    pub fn unpack(&self) -> State {
        let (machine, monitor, late) = self.decode();
        State {
            machine,
            monitor,
            created: self.created,
            roots: self.roots,
            reached: self.reached,
            late,
            violation: self.violation.as_deref().cloned(),
        }
    }

    /// The machine of this state (decodes the state).
    pub fn machine(&self) -> Machine {
        self.decode().0
    }

    fn decode(&self) -> Decoded {
        Packed::try_decode(&self.bytes)
            // The bytes were written by `pack_with` from the same types in this process.
            .expect("packed bytes decode: written by Packed::pack_with")
    }

    fn try_decode(bytes: &[u8]) -> Result<Decoded, UnpackError> {
        let mut r = Reader::new(bytes);
        let machine = Machine::unpack(&mut r)?;
        let monitor = LawMonitor::unpack(&mut r)?;
        let late = Vec::<Retired>::unpack(&mut r)?;
        if !r.is_empty() {
            return Err(UnpackError);
        }
        Ok((machine, monitor, late))
    }

    /// The first violation on the path to this state.
    pub fn violation(&self) -> Option<&Violation> {
        self.violation.as_deref()
    }

    /// The [`reached`](crate::model::reached) bits of the step into this state.
    pub fn reached(&self) -> u8 {
        self.reached
    }

    /// True when the state is within the model's bounds.
    pub fn in_bounds(&self) -> bool {
        self.in_bounds
    }

    /// Length of the packed bytes.
    pub fn packed_len(&self) -> usize {
        self.bytes.len()
    }

    /// The bytes one stored copy takes: `(inline, packed, heap)` = the size of [`Packed`],
    /// the packed bytes, and the heap block they occupy under glibc's allocator (8 bytes
    /// of header, 16-byte granularity, 32 bytes at least), a violation's box and message
    /// included.
    pub fn stored_bytes(&self) -> (usize, usize, usize) {
        let block = |n: usize| {
            if n == 0 {
                0
            } else {
                (n + 8).div_ceil(16).max(2) * 16
            }
        };
        let mut heap = block(self.bytes.len());
        if let Some(v) = &self.violation {
            heap += block(std::mem::size_of::<Violation>()) + block(v.message.capacity());
        }
        (std::mem::size_of::<Packed>(), self.bytes.len(), heap)
    }
}

/// Shows the state in the core's trace notation ([`format_state`]).
impl fmt::Debug for Packed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_state(&self.unpack()))
    }
}

/// One checker thread's working space: the last decoded parent (keyed by its bytes), a
/// working state refilled from it with `clone_from`, and the encode buffer.
pub struct Scratch {
    key: Vec<u8>,
    parent: State,
    work: State,
    buf: Vec<u8>,
}

impl Scratch {
    fn new(model: &HinternetModel) -> Scratch {
        let parent = State::new(model.machine());
        Scratch {
            key: Vec::new(),
            work: parent.clone(),
            parent,
            buf: Vec::new(),
        }
    }

    /// Make the scratch's parent the rich form of `packed`: decode only when its bytes
    /// differ from the last parent's.
    fn load(&mut self, packed: &Packed) {
        if self.key.is_empty() || self.key[..] != packed.bytes[..] {
            let (machine, monitor, late) = packed.decode();
            self.parent.machine = machine;
            self.parent.monitor = monitor;
            self.parent.late = late;
            self.key.clear();
            self.key.extend_from_slice(&packed.bytes);
        }
        self.parent.created = packed.created;
        self.parent.roots = packed.roots;
        self.parent.reached = packed.reached;
        self.parent.violation = packed.violation.as_deref().cloned();
    }

    /// The rich form of `packed` (decoded at most once for consecutive calls on it).
    pub fn parent(&mut self, packed: &Packed) -> &State {
        self.load(packed);
        &self.parent
    }

    /// The successor of `packed` by `input` under `model`, packed; `None` when the model
    /// does not take the step or it changes nothing ([`HinternetModel::unchanged`]).
    pub fn next(
        &mut self,
        model: &HinternetModel,
        packed: &Packed,
        input: hinternet_core::Input,
    ) -> Option<Packed> {
        self.load(packed);
        self.work.clone_from(&self.parent);
        if !model.step_into(&self.parent, &mut self.work, input, None)
            || HinternetModel::unchanged(&self.parent, &self.work)
        {
            return None;
        }
        Some(Packed::pack_with(model, &self.work, &mut self.buf))
    }
}

thread_local! {
    static SCRATCH: RefCell<Option<Scratch>> = const { RefCell::new(None) };
}

/// Run `f` with this thread's [`Scratch`] (created on first use).
pub fn with_scratch<R>(model: &HinternetModel, f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| {
        let mut slot = cell.borrow_mut();
        let scratch = slot.get_or_insert_with(|| Scratch::new(model));
        f(scratch)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinternet_core::{Family, Policy};
    use stateright::Model as _;

    use crate::model::Bounds;

    /// Every state breadth-first from the initial one, as often as it is generated (so
    /// equal states reached along different paths, with different buffer histories, are
    /// all present), up to `limit` states.
    fn generated_states(model: &HinternetModel, limit: usize) -> Vec<State> {
        let mut all = vec![State::new(model.machine())];
        let mut at = 0;
        let mut actions = Vec::new();
        while at < all.len() && all.len() < limit {
            actions.clear();
            model.actions(&all[at], &mut actions);
            for &a in &actions {
                if let Some(next) = model.next_state(&all[at], a) {
                    all.push(next);
                }
            }
            at += 1;
        }
        all.truncate(limit);
        all
    }

    fn models() -> Vec<HinternetModel> {
        [Policy::winhttp(), Policy::wininet()]
            .into_iter()
            .map(|p| HinternetModel::new("packed", p, Bounds::small_for(p.family)))
            .collect()
    }

    #[test]
    fn packing_round_trips() {
        for model in models() {
            for state in generated_states(&model, 3000) {
                let packed = Packed::pack(&model, &state);
                assert_eq!(packed.unpack(), state);
                assert_eq!(packed.in_bounds(), model.within_boundary(&state));
            }
        }
    }

    #[test]
    fn equal_states_pack_equal_and_distinct_states_distinct() {
        for model in models() {
            let states = generated_states(&model, 700);
            let packed: Vec<Packed> = states.iter().map(|s| Packed::pack(&model, s)).collect();
            let mut equal_pairs = 0;
            for i in 0..states.len() {
                for j in 0..states.len() {
                    let rich = states[i] == states[j];
                    assert_eq!(rich, packed[i] == packed[j], "{i} {j}");
                    equal_pairs += usize::from(rich && i != j);
                }
            }
            // The sample must contain equal states reached along different paths, or the
            // check above would only be about distinct states.
            assert!(equal_pairs > 0, "{:?}", model.policy.family);
        }
    }

    #[test]
    fn capacity_does_not_reach_the_bytes() {
        let model = HinternetModel::new(
            "packed",
            Policy::winhttp(),
            Bounds::small_for(Family::WinHttp),
        );
        let state = generated_states(&model, 50).pop().expect("50 states");
        let mut roomy = state.clone();
        roomy.late.reserve(64);
        assert_eq!(Packed::pack(&model, &state), Packed::pack(&model, &roomy));
    }

    #[test]
    fn the_scratch_steps_like_the_plain_model() {
        for model in models() {
            let states = generated_states(&model, 400);
            let mut actions = Vec::new();
            for state in &states {
                let packed = Packed::pack(&model, state);
                actions.clear();
                model.actions(state, &mut actions);
                for &a in &actions {
                    let plain = model.next_state(state, a).map(|s| Packed::pack(&model, &s));
                    let scratch = with_scratch(&model, |sc| sc.next(&model, &packed, a));
                    assert_eq!(plain, scratch, "{a:?}");
                }
            }
        }
    }
}
