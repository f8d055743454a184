//! Proptest operation sequences, both families, every policy preset with every value-reuse
//! order: arbitrary calls (mostly on live handles, some on NULL, stale, reissued and
//! garbage values), closes (some from inside callbacks), completions; the laws and the
//! invariants are checked after every step by the driver, and at the end every handle is
//! closed and every operation completed, after which the machine must be empty.

use hinternet_core::{Machine, Mutant};
use hinternet_proofs::sequences::{decode, op_from, policies, run, run_on};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{RngAlgorithm, TestRng, TestRunner};

fn ops() -> impl Strategy<Value = Vec<[u8; 4]>> {
    prop::collection::vec(any::<[u8; 4]>(), 0..50)
}

/// Sequences biased towards one HTTP exchange and its re-sends, in the same 4-byte format
/// ([`op_from`]): async opens, creates of a fitting kind, calls whose argument is a body to
/// write or none, successful completions, live wire steps, and protocol events that are a
/// redirect, a re-send, a resolution or a connect. Random sequences rarely line these up on
/// one request in order (a send with a body, its completion, the receive, a step of the
/// receive, then a connect), which is what it takes to see connect progress outside a
/// re-send's window (law 12).
fn exchange_ops() -> impl Strategy<Value = Vec<[u8; 4]>> {
    let byte = any::<u8>;
    let op = prop_oneof![
        1 => byte().prop_map(|b| [0, b & !1, 0, 0]),
        3 => (0u8..224, byte(), byte()).prop_map(|(api, handle, context)| [1, api, handle, context]),
        // Argument selector 4 (mod 8): a body to write; 0: none (`call_arg`).
        4 => (0u8..224, byte(), byte(), any::<bool>()).prop_map(|(api, handle, high, body)| {
            [4, api, handle, (high & !7) | if body { 4 } else { 0 }]
        }),
        // A successful completion: b2 not a multiple of 4, b3 % 4 in {0, 1}.
        2 => (byte(), byte(), byte()).prop_map(|(pick, ok, high)| {
            [12, pick, ok | 1, high & !2]
        }),
        // A live wire step: b3 % 4 == 2.
        2 => (byte(), byte()).prop_map(|(pick, high)| [12, pick, 0, (high & !3) | 2]),
        // Protocol event selector 3 (redirect / re-send) or 4 (resolving / connecting).
        2 => (byte(), byte(), any::<bool>(), byte()).prop_map(|(pick, high, connect, b3)| {
            [15, pick, (high & !7) | if connect { 4 } else { 3 }, (b3 & !3) | 2]
        }),
    ];
    prop::collection::vec(op, 4..40)
}

/// The op kinds [`exchange_ops`] draws decode as it says.
#[test]
fn exchange_ops_decode_to_the_biased_kinds() {
    use hinternet_core::CallArg;
    use hinternet_proofs::sequences::{call_arg, Op};
    let mut runner = TestRunner::new_with_rng(
        proptest::test_runner::Config::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let mut kinds = [0usize; 6];
    for _ in 0..200 {
        for raw in exchange_ops()
            .new_tree(&mut runner)
            .expect("strategy")
            .current()
        {
            let kind = match op_from(raw) {
                Op::Open { async_mode: true } => 0,
                Op::Create { .. } => 1,
                Op::Call { arg, .. } => {
                    assert!(matches!(
                        call_arg(arg),
                        CallArg::BodyToWrite | CallArg::None
                    ));
                    2
                }
                Op::Complete { ok: true, .. } => 3,
                Op::Step { .. } => 4,
                Op::Protocol { event, .. } => {
                    assert!(matches!(event % 8, 3 | 4), "{event}");
                    5
                }
                other => panic!("{raw:?} decoded to {other:?}"),
            };
            kinds[kind] += 1;
        }
    }
    assert!(kinds.iter().all(|&n| n > 0), "{kinds:?}");
}

proptest! {
    #[test]
    fn laws_hold_after_every_step_under_every_policy(raw in ops(), which in 0usize..20) {
        let all = policies();
        let policy = all[which % all.len()];
        let ops: Vec<_> = raw.iter().copied().map(op_from).collect();
        if let Err(failure) = run(policy, &ops) {
            prop_assert!(false, "{policy:?}: {}\n{}", failure.error, failure.driver.trace);
        }
    }
}

proptest! {
    /// The laws on sequences biased towards one exchange and its re-sends.
    #[test]
    fn laws_hold_on_exchange_sequences(raw in exchange_ops(), which in 0usize..20) {
        let all = policies();
        let policy = all[which % all.len()];
        let ops: Vec<_> = raw.iter().copied().map(op_from).collect();
        if let Err(failure) = run(policy, &ops) {
            prop_assert!(false, "{policy:?}: {}\n{}", failure.error, failure.driver.trace);
        }
    }
}

proptest! {
    /// The thread-safe engine (one thread) answers and notifies exactly as the machine.
    #[test]
    fn engine_matches_the_machine_step_for_step(selector in any::<u8>(), raw in ops()) {
        let mut data = vec![selector];
        data.extend(raw.iter().flatten());
        hinternet_proofs::fuzz_bodies::engine_differential(&data);
    }
}

#[test]
fn decode_reads_four_bytes_per_op() {
    assert_eq!(decode(&[0; 9]).len(), 2);
    assert!(decode(&[]).is_empty());
}

/// The random sequences find every planted bug: the proptests could fail. Each try runs
/// one uniform sequence ([`ops`]) and one biased towards an exchange ([`exchange_ops`]),
/// which `connect-outside-resend` needs (connect progress on a receive after its own
/// progress: a send with a body still to write, its completion, the receive, a live step
/// and a `Connecting` on that one request, in that order); the law scenarios (`law_12`)
/// and the model check (`every_mutant_is_caught`) catch it too.
#[test]
fn random_sequences_catch_every_mutant() {
    const TRIES: usize = 400;
    for mutant in Mutant::ALL {
        let mut runner = TestRunner::new_with_rng(
            proptest::test_runner::Config::default(),
            TestRng::deterministic_rng(RngAlgorithm::ChaCha),
        );
        let mut found = None;
        'search: for attempt in 0..TRIES {
            let uniform = ops().new_tree(&mut runner).expect("strategy").current();
            let biased = exchange_ops()
                .new_tree(&mut runner)
                .expect("strategy")
                .current();
            for raw in [uniform, biased] {
                let ops: Vec<_> = raw.iter().copied().map(op_from).collect();
                for policy in policies() {
                    if let Err(failure) = run_on(Machine::with_mutant(policy, mutant), &ops) {
                        found = Some((attempt, failure.error));
                        break 'search;
                    }
                }
            }
        }
        let Some((attempt, error)) = found else {
            panic!(
                "mutant {} survived {TRIES} pairs of random sequences",
                mutant.name()
            );
        };
        eprintln!("{}: caught at try {attempt}: {error}", mutant.name());
    }
}
