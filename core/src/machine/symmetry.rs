//! Permutations of handle values, for model checkers that merge states which differ only
//! in which values their handles got.
//!
//! Owns: [`ValuePermutation`], [`renamed_value`], [`check_value_permutation`],
//! [`PermuteError`], [`ValueReuse::values_interchangeable`] and
//! [`Machine::permute_values`].
//!
//! # When renaming values is a symmetry
//!
//! Let `I = 1..=high` be the values the table has issued (`ValueTable::high`) and `π` a
//! permutation of `I` (fixing NULL and every value above `high`). Write `π(s)` for the
//! machine `s` with every value renamed by `π`. Apart from the allocator, the machine
//! uses a value only as a name: it looks it up for equality, stores it in the object it
//! was issued to, in a lingering entry, and copies it into replies and outputs; it counts
//! values but never compares two of them by order. So `π` is a symmetry — feeding
//! `π(input)` to `π(s)` gives `π` of what `input` gives on `s`, the reply, the outputs
//! and the next machine — exactly when the allocator commutes with `π`:
//!
//! - `Lifo`, `Fifo`: the next value is the last (first) of the free list, else
//!   `high + 1`. `π(s)`'s free list is `π` applied to `s`'s in the same order, so it
//!   yields `π(v)` where `s` yields `v`; `high + 1` is fixed by `π`; freeing appends.
//! - `Monotonic`: the next value is always `high + 1`, fixed by `π`.
//! - `LowestFree` is **not** symmetric: the next value is the least free one, and `π`
//!   need not keep the order. With values 1 (object A) and 2 (object B) both freed, the
//!   next handle gets 1, sharing its value with A; in `π(s)` for `π = (1 2)`, A holds 2
//!   and B holds 1, the next handle again gets 1 — now sharing with B, while `π` of the
//!   first outcome has it share with A. The two differ as soon as A and B can be told
//!   apart (one still lives with an operation pending, or has a callback set): a stale
//!   call on A's old value reaches the new handle in one and is rejected in the other
//!   (law 4), "a value reissued while the old object lives" holds in one only. Since every
//!   issued value can be freed at once (close everything), `π` would have to keep the
//!   order of all of `I`: only the identity is a symmetry.
//! - `Strict` is not symmetric for the same reason (it reuses the lowest free slot), and
//!   its values also carry the slot's generation: it is not permuted at all.
//!
//! [`Machine::permute_values`] renames mechanically under every order but `Strict` (a
//! test of the checker's reduction needs the broken case); only where
//! [`ValueReuse::values_interchangeable`] holds does the renamed machine behave the same
//! up to the renaming.
//!
//! Invariant: [`Machine::permute_values`] renames every value the machine holds (the
//! table's slots and free list, objects, lingering entries) or, on error, nothing.

use smallvec::SmallVec;

use super::{HandleValue, Machine, ValueReuse};

/// A permutation of handle values: `(old, new)` pairs sorted by `old`, the olds and the
/// news the same set of issued values. Values it does not list keep their number (an
/// empty permutation renames nothing).
pub type ValuePermutation = SmallVec<[(HandleValue, HandleValue); 8]>;

/// Why [`Machine::permute_values`] refused (and changed nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PermuteError {
    /// Strict values encode the slot's generation and are reissued lowest slot first:
    /// not permuted.
    #[error("strict handle values are not permuted")]
    Strict,
    /// The map is not sorted by old value, names NULL or a value never issued, or its
    /// new values are not the same set as its old ones.
    #[error("not a permutation of the issued handle values")]
    NotAPermutation,
    /// Undrained outputs: a WinINet `INTERNET_ASYNC_RESULT` may carry a handle value in a
    /// field that also carries `TRUE`, so it could not be renamed unambiguously. Drain
    /// first.
    #[error("outputs are waiting to be drained")]
    OutputsPending,
}

impl ValueReuse {
    /// True when every permutation of the issued values is a symmetry of a machine with
    /// this reuse order (`Lifo`, `Fifo`, `Monotonic`: the allocator never compares two
    /// values by order; see [`Machine::permute_values`] for the argument's summary).
    /// False for `LowestFree` and `Strict`.
    pub const fn values_interchangeable(self) -> bool {
        matches!(
            self,
            ValueReuse::Lifo | ValueReuse::Fifo | ValueReuse::Monotonic
        )
    }
}

/// `value` renamed by `map` (a [`ValuePermutation`]: `(old, new)` pairs sorted by old);
/// a value the map does not list keeps its number.
pub fn renamed_value(map: &[(HandleValue, HandleValue)], value: HandleValue) -> HandleValue {
    map.binary_search_by(|(old, _)| old.cmp(&value))
        .map_or(value, |at| map[at].1)
}

/// Check that `map` is a [`ValuePermutation`] of values issued by a table whose highest
/// value is `high`: olds strictly increasing, every value in `1..=high`, and the news the
/// same set as the olds.
pub fn check_value_permutation(
    map: &[(HandleValue, HandleValue)],
    high: u32,
) -> Result<(), PermuteError> {
    let issued = |v: HandleValue| !v.is_null() && v.0 <= high;
    let sorted = map.windows(2).all(|w| w[0].0 < w[1].0);
    if !sorted || !map.iter().all(|&(old, new)| issued(old) && issued(new)) {
        return Err(PermuteError::NotAPermutation);
    }
    let mut news: SmallVec<[HandleValue; 8]> = map.iter().map(|&(_, new)| new).collect();
    news.sort_unstable();
    if news.iter().copied().ne(map.iter().map(|&(old, _)| old)) {
        return Err(PermuteError::NotAPermutation);
    }
    Ok(())
}

impl Machine {
    /// Rename every handle value the machine holds by `map` (a [`ValuePermutation`] of
    /// the issued values): the table's slots and free list, every object's value and every
    /// lingering reservation. Refused, changing nothing, for a strict table, a map that is
    /// not a permutation of issued values ([`check_value_permutation`]) or while outputs
    /// wait to be drained. The renamed machine behaves as this one up to the renaming
    /// only when [`ValueReuse::values_interchangeable`] holds for its policy; a model
    /// checker must not merge states otherwise.
    ///
    /// Why: apart from the allocator the machine uses a value only as a name (looked up
    /// for equality, stored, copied into replies and outputs), so renaming commutes with
    /// every step exactly when the allocator's choice does. Lifo and Fifo take the last or
    /// first freed value (the renamed free list yields the renamed value) or `high + 1`,
    /// which the renaming fixes; Monotonic always takes `high + 1`. LowestFree and Strict
    /// take the least free value: after values 1 (object A) and 2 (object B) are both
    /// freed, the next handle gets 1 and shares it with A, while in the machine with 1
    /// and 2 swapped it gets 1 and shares it with B — a difference a stale call on A's old
    /// value observes (law 4). Since every issued value can be freed at once, only the
    /// identity permutation is a symmetry under those orders.
    pub fn permute_values(
        &mut self,
        map: &[(HandleValue, HandleValue)],
    ) -> Result<(), PermuteError> {
        if self.policy.value_reuse == ValueReuse::Strict {
            return Err(PermuteError::Strict);
        }
        if !self.outputs.is_empty() {
            return Err(PermuteError::OutputsPending);
        }
        check_value_permutation(map, self.values.high())?;
        if map.is_empty() {
            return Ok(());
        }
        let rename = |v: HandleValue| renamed_value(map, v);
        self.values.permute(|slot| rename(HandleValue(slot)).0);
        for o in self.objects.values_mut() {
            o.value = rename(o.value);
        }
        for v in self.lingering.values_mut() {
            *v = rename(*v);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use super::*;
    use crate::machine::{
        CallArg, CallbackId, CreateApi, Info, Input, Outcome, Output, Policy, Reply, Ret,
    };
    use crate::{CallbackMode, Driver};

    fn pi(pairs: &[(u32, u32)]) -> ValuePermutation {
        let mut map: ValuePermutation = pairs
            .iter()
            .map(|&(a, b)| (HandleValue(a), HandleValue(b)))
            .collect();
        map.sort_unstable();
        map
    }

    fn input(map: &[(HandleValue, HandleValue)], i: Input) -> Input {
        let r = |v| renamed_value(map, v);
        match i {
            Input::Create {
                api,
                source,
                context,
            } => Input::Create {
                api,
                source: r(source),
                context,
            },
            Input::Call { api, handle, arg } => Input::Call {
                api,
                handle: r(handle),
                arg,
            },
            Input::Close { handle } => Input::Close { handle: r(handle) },
            Input::SetStatusCallback {
                handle,
                callback,
                mask,
            } => Input::SetStatusCallback {
                handle: r(handle),
                callback,
                mask,
            },
            Input::SetContext { handle, context } => Input::SetContext {
                handle: r(handle),
                context,
            },
            Input::QueryContext { handle } => Input::QueryContext { handle: r(handle) },
            other => other,
        }
    }

    fn reply(map: &[(HandleValue, HandleValue)], mut rep: Reply) -> Reply {
        let r = |v| renamed_value(map, v);
        if let Ret::Handle(v) = &mut rep.ret {
            *v = r(*v);
        }
        match &mut rep.outcome {
            Outcome::Created { value, .. } => *value = r(*value),
            Outcome::Rejected(crate::ApiError::InvalidHandle(v)) => *v = r(*v),
            Outcome::Rejected(crate::ApiError::WrongKind { value, .. }) => *value = r(*value),
            _ => {}
        }
        rep
    }

    /// Outputs with their values renamed (these scripts create no handle inside an
    /// operation, so no `INTERNET_ASYNC_RESULT` carries a handle value).
    fn output(map: &[(HandleValue, HandleValue)], o: Output) -> Output {
        match o {
            Output::Notify(mut n) => {
                n.handle = renamed_value(map, n.handle);
                if let Info::Handle(v) = &mut n.info {
                    *v = renamed_value(map, *v);
                }
                Output::Notify(n)
            }
            other => other,
        }
    }

    fn permuted(d: &Driver, map: &[(HandleValue, HandleValue)]) -> Driver {
        let mut p = d.clone();
        p.machine
            .permute_values(map)
            .expect("a permutation of issued values");
        p.monitor.permute_values(map);
        p.outputs.clear();
        p
    }

    /// Three roots with callbacks, one closed, a fourth created (reusing a value under
    /// Lifo and Fifo): values {1, 2, 3, 4} issued, one free under Monotonic.
    fn prefix(policy: Policy) -> Driver {
        let mut d = Driver::with_machine(Machine::new(policy), CallbackMode::ReturnAtOnce);
        let open = |d: &mut Driver| {
            let r = d
                .step(Input::Open {
                    api: CreateApi::WinHttpOpen,
                    async_mode: true,
                })
                .expect("open");
            let Outcome::Created { value, .. } = r.outcome else {
                panic!("open failed: {r:?}")
            };
            value
        };
        let a = open(&mut d);
        let b = open(&mut d);
        let c = open(&mut d);
        for v in [a, b, c] {
            d.step(Input::SetStatusCallback {
                handle: v,
                callback: Some(CallbackId(1)),
                mask: u32::MAX,
            })
            .expect("set callback");
        }
        d.step(Input::Close { handle: b }).expect("close");
        d.step(Input::Close { handle: a }).expect("close");
        open(&mut d);
        d
    }

    /// What the scripts do after the permutation: create, then repeatedly close two values
    /// and create one (reissuing a freed value where the order reuses), calling stale and
    /// live values in between.
    fn script() -> Vec<Input> {
        let v = HandleValue;
        let mut s = Vec::new();
        for h in 1..=5 {
            s.push(Input::Create {
                api: CreateApi::WinHttpConnect,
                source: v(h),
                context: None,
            });
        }
        // Two values freed before each reissue: the order between them decides.
        for (first, second) in [(3, 1), (2, 4), (1, 7), (5, 6), (8, 2)] {
            for h in [first, second] {
                s.push(Input::Call {
                    api: crate::Api::WinHttpQueryOption,
                    handle: v(h),
                    arg: CallArg::None,
                });
                s.push(Input::Close { handle: v(h) });
            }
            s.push(Input::Open {
                api: CreateApi::WinHttpOpen,
                async_mode: true,
            });
            s.push(Input::Call {
                api: crate::Api::WinHttpQueryOption,
                handle: v(first),
                arg: CallArg::None,
            });
        }
        s
    }

    /// Every permutation of `1..=high`.
    fn permutations(high: u32) -> Vec<ValuePermutation> {
        let mut perms: Vec<Vec<u32>> = alloc::vec![alloc::vec![]];
        for n in 1..=high {
            perms = perms
                .into_iter()
                .flat_map(|p| {
                    (0..=p.len()).map(move |at| {
                        let mut q = p.clone();
                        q.insert(at, n);
                        q
                    })
                })
                .collect();
        }
        perms
            .into_iter()
            .map(|p| pi(&(1..=high).zip(p).collect::<Vec<_>>()))
            .collect()
    }

    /// Runs [`script`] on `start` and on `start` renamed by `map`, and tells whether every
    /// step commuted with the renaming: `π(step(s, i)) == step(π(s), π(i))`, replies and
    /// outputs renamed. Also returns how many handles the script created.
    fn commutes(start: &Driver, map: &[(HandleValue, HandleValue)]) -> (bool, usize) {
        let mut plain = start.clone();
        let mut renamed = permuted(start, map);
        let mut created = 0;
        for i in script() {
            let seen = plain.outputs.len();
            let a = plain.step(i);
            let b = renamed.step(input(map, i));
            if matches!(&a, Ok(r) if matches!(r.outcome, Outcome::Created { .. })) {
                created += 1;
            }
            let outs: Vec<Output> = plain.outputs[seen..]
                .iter()
                .map(|&o| output(map, o))
                .collect();
            let expect = permuted(&plain, map);
            let same = a.map(|r| reply(map, r)) == b
                && outs == renamed.outputs
                && expect.machine == renamed.machine
                && expect.monitor == renamed.monitor;
            if !same {
                return (false, created);
            }
            renamed.outputs.clear();
        }
        (true, created)
    }

    /// Under Lifo, Fifo and Monotonic, every permutation of the issued values commutes
    /// with every step of a script that closes, reissues and calls stale values.
    #[test]
    fn interchangeable_orders_commute_with_every_permutation() {
        for reuse in [ValueReuse::Lifo, ValueReuse::Fifo, ValueReuse::Monotonic] {
            assert!(reuse.values_interchangeable());
            let start = prefix(Policy::winhttp().with_reuse(reuse));
            let high = start.machine.values().high();
            assert_eq!(high, if reuse == ValueReuse::Monotonic { 4 } else { 3 });
            let perms = permutations(high);
            assert_eq!(perms.len(), if high == 4 { 24 } else { 6 });
            for map in perms {
                let (same, created) = commutes(&start, &map);
                assert!(same, "{reuse:?}: {map:?} does not commute");
                assert!(created >= 5, "{reuse:?}: the script created only {created}");
            }
        }
    }

    /// The same check fails under LowestFree (and would catch an allocator that compares
    /// values by order): some permutation does not commute with the script.
    #[test]
    fn the_commutation_check_fails_under_lowest_free() {
        let start = prefix(Policy::winhttp());
        let failing = permutations(start.machine.values().high())
            .iter()
            .filter(|map| !commutes(&start, map).0)
            .count();
        assert!(failing > 0);
    }

    /// Under LowestFree a swap of two freed values does not commute with the next
    /// creation: the new handle gets value 1 either way, so it shares its value with a
    /// different object (the module docs' counterexample).
    #[test]
    fn lowest_free_is_not_symmetric() {
        assert!(!ValueReuse::LowestFree.values_interchangeable());
        assert!(!ValueReuse::Strict.values_interchangeable());
        let mut d = Driver::new(Policy::winhttp());
        for _ in 0..3 {
            d.step(Input::Open {
                api: CreateApi::WinHttpOpen,
                async_mode: true,
            })
            .expect("open");
        }
        let swap = pi(&[(1, 2), (2, 1)]);
        let mut renamed = permuted(&d, &swap);
        for h in [1, 2] {
            d.step(Input::Close {
                handle: HandleValue(h),
            })
            .expect("close");
            renamed
                .step(Input::Close {
                    handle: renamed_value(&swap, HandleValue(h)),
                })
                .expect("close");
        }
        let open = Input::Open {
            api: CreateApi::WinHttpOpen,
            async_mode: true,
        };
        let a = d.step(open).expect("open");
        let b = renamed.step(open).expect("open");
        // Both reissue 1 ...
        assert_eq!(a.ret, Ret::Handle(HandleValue(1)));
        assert_eq!(b.ret, Ret::Handle(HandleValue(1)));
        // ... so the renamed run is not the rename of the plain one.
        assert_ne!(reply(&swap, a), b);
        assert_ne!(permuted(&d, &swap).machine, renamed.machine);
    }

    #[test]
    fn bad_permutations_are_refused_and_change_nothing() {
        let d = prefix(Policy::winhttp().with_reuse(ValueReuse::Lifo));
        for bad in [
            pi(&[(1, 2)]),         // not onto the same set
            pi(&[(1, 4), (4, 1)]), // 4 was never issued
            pi(&[(0, 1), (1, 0)]), // NULL
        ] {
            let mut m = d.machine.clone();
            assert_eq!(m.permute_values(&bad), Err(PermuteError::NotAPermutation));
            assert_eq!(m, d.machine);
        }
        let unsorted: ValuePermutation = [(2, 1), (1, 2)]
            .iter()
            .map(|&(a, b)| (HandleValue(a), HandleValue(b)))
            .collect();
        let mut m = d.machine.clone();
        assert_eq!(
            m.permute_values(&unsorted),
            Err(PermuteError::NotAPermutation)
        );
        let mut strict = prefix(Policy::winhttp().with_reuse(ValueReuse::Strict)).machine;
        let before = strict.clone();
        assert_eq!(
            strict.permute_values(&pi(&[(1, 2), (2, 1)])),
            Err(PermuteError::Strict)
        );
        assert_eq!(strict, before);
        // The identity and the empty map change nothing.
        let mut m = d.machine.clone();
        m.permute_values(&pi(&[(1, 1), (2, 2)])).expect("identity");
        m.permute_values(&[]).expect("empty");
        assert_eq!(m, d.machine);
    }

    /// The renaming reaches every place a value is held: after a swap, the values that
    /// resolved to objects resolve to the same objects under their new names, the free
    /// list is renamed in order, and objects carry their new values.
    #[test]
    fn permutation_renames_table_objects_and_free_list() {
        let d = prefix(Policy::winhttp().with_reuse(ValueReuse::Fifo));
        let map = pi(&[(1, 3), (2, 1), (3, 2)]);
        let mut m = d.machine.clone();
        m.permute_values(&map).expect("permutation");
        for (id, o) in d.machine.objects() {
            let renamed = m.object(id).expect("same objects");
            assert_eq!(renamed.value(), renamed_value(&map, o.value()));
            assert_eq!(
                m.resolve(renamed.value()),
                d.machine.resolve(o.value()),
                "{id}"
            );
        }
        let free: Vec<HandleValue> = d
            .machine
            .values()
            .free_values()
            .map(|v| renamed_value(&map, v))
            .collect();
        assert!(!free.is_empty());
        assert!(m.values().free_values().eq(free));
        assert_eq!(m.values().high(), d.machine.values().high());
    }
}
