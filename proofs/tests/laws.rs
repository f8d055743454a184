//! The laws on the real machine, and on every deliberately broken one.
//!
//! `law_NN_*` scenarios must pass under every policy preset; each mutant of the machine
//! must make at least one scenario fail with a violation of a law it breaks — otherwise
//! the checks could not fail and would prove nothing.

use hinternet_core::{Machine, Mutant, Policy};
use hinternet_proofs::scenarios::{run_all, SCENARIOS};

#[test]
fn every_law_scenario_passes_under_every_preset() {
    for (name, policy) in Policy::PRESETS {
        let failures = run_all(&|| Machine::new(policy), false);
        assert!(
            failures.is_empty(),
            "preset {name}: {}",
            failures
                .iter()
                .map(|(s, e, trace)| format!("{s}: {e}\n{trace}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    assert_eq!(SCENARIOS.len(), 13, "one scenario per law");
}

#[test]
fn every_mutant_breaks_a_law_scenario_for_its_law() {
    let mut report = Vec::new();
    for mutant in Mutant::ALL {
        let mut caught = Vec::new();
        for (_, policy) in Policy::PRESETS {
            for (scenario, error, _) in run_all(&|| Machine::with_mutant(policy, mutant), true) {
                caught.push((scenario, error));
            }
        }
        let by_its_law = caught.iter().any(|(_, e)| match e {
            hinternet_core::DriveError::Law(v) => mutant.laws().contains(&v.law),
            hinternet_core::DriveError::Input(_) => false,
        });
        report.push(format!(
            "{}: {} failure(s), by its law: {by_its_law}; first: {:?}",
            mutant.name(),
            caught.len(),
            caught.first().map(|(s, e)| format!("{s}: {e}"))
        ));
        assert!(
            by_its_law,
            "mutant {} not caught by law {:?}:\n{}",
            mutant.name(),
            mutant.laws(),
            report.join("\n")
        );
    }
    println!("{}", report.join("\n"));
}
