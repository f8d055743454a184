//! Our own explorer (`check --explorer parallel-dfs`, [`hinternet_model::explore`]) agrees
//! with stateright: on small models of both families, with and without value symmetry, on
//! one and two threads, it generates exactly as many states and finds exactly as many
//! unique states, and gives every property the same verdict; it catches every mutant of
//! the core with a counterexample that replays, as a text trace, to the violation; and a
//! stop leaves its report INCOMPLETE.

use std::time::Duration;

use hinternet_core::{Family, Mutant, Policy, Trace, ValueReuse};
use hinternet_model::check::{
    default_models, run, Counterexample, Explorer, RunOptions, RunReport, StopReason,
};
use hinternet_model::model::PropertyCheck;
use hinternet_model::{Bounds, HinternetModel};

fn explorer(threads: usize) -> RunOptions {
    RunOptions {
        threads,
        explorer: Explorer::ParallelDfs,
        ..RunOptions::default()
    }
}

fn verdicts(r: &RunReport) -> Vec<(&'static str, bool)> {
    r.properties.iter().map(|p| (p.name, p.ok())).collect()
}

/// Small models of both families (a few thousand states each: the tests run unoptimised):
/// presets at two and three handles, and value-symmetry models with the reduction on and
/// off.
fn small_models() -> Vec<HinternetModel> {
    let with_handles = |f: Family, handles: u8| Bounds {
        handles,
        ..Bounds::small_for(f)
    };
    let mut models = vec![
        HinternetModel::new(
            "winhttp-documented",
            Policy::winhttp_documented(),
            with_handles(Family::WinHttp, 3),
        ),
        HinternetModel::new(
            "wininet",
            Policy::wininet(),
            with_handles(Family::WinInet, 2),
        ),
    ];
    let lifo = HinternetModel::new(
        "wininet+lifo-values",
        Policy::wininet().with_reuse(ValueReuse::Lifo),
        with_handles(Family::WinInet, 2),
    );
    models.push(lifo.clone().with_symmetry(false));
    models.push(lifo);
    // WinHTTP sessions and connects only: values are reissued behind older handles'
    // higher ones, so the symmetry reduction merges states.
    let symmetric = Bounds {
        handles: 4,
        depth: 2,
        roots: 1,
        ..Bounds::small_for(Family::WinHttp)
    };
    let winhttp_lifo = HinternetModel::new(
        "winhttp+lifo-values",
        Policy::winhttp().with_reuse(ValueReuse::Lifo),
        symmetric,
    );
    models.push(winhttp_lifo.clone().with_symmetry(false));
    models.push(winhttp_lifo);
    models
}

#[test]
fn the_explorer_counts_and_judges_like_stateright() {
    for model in small_models() {
        let reference = run(
            model.clone(),
            &RunOptions {
                threads: 1,
                ..RunOptions::default()
            },
        );
        assert!(reference.complete, "{}", model.name);
        for threads in [1, 2] {
            let ours = run(model.clone(), &explorer(threads));
            let label = format!("{} on {threads} thread(s)", model.name);
            assert!(ours.complete, "{label}");
            assert_eq!(ours.unique, reference.unique, "{label}");
            assert_eq!(ours.states, reference.states, "{label}");
            assert_eq!(
                verdicts(&ours),
                verdicts(&reference),
                "{label}:\n{}\n{}",
                ours.render(),
                reference.render()
            );
            // Every example path it reports replays to a state of its property: a
            // `sometimes` example ends in the step that reached the scenario.
            for p in ours.properties.iter().filter(|p| p.path.is_some()) {
                let path = p.path.as_deref().unwrap_or_default();
                let cx = Counterexample::new(&model, p.name, path.to_vec());
                assert!(!cx.trace.is_empty(), "{label}: {}", p.name);
            }
        }
    }
}

/// Where a mutant that the cheap models miss shows first (preset, handles at small
/// bounds): only an ordering hint, every model is tried after it.
const HINTS: [(&str, &str, u8); 2] = [
    ("cancel-without-completion", "winhttp", 4),
    ("release-reserved-at-close", "wininet", 3),
];

/// The models the mutant test tries for `mutant`, cheapest first: its hint, the presets
/// at two and three handles, then every model of the mutant hunt at its small bounds.
fn mutant_models(mutant: Mutant) -> Vec<HinternetModel> {
    let presets = default_models(&Bounds::small_for, None);
    let at = |name: &str, handles: u8| {
        presets.iter().find(|m| m.name == name).map(|m| {
            let bounds = Bounds {
                handles,
                ..m.bounds
            };
            HinternetModel::new(m.name.clone(), m.policy, bounds)
        })
    };
    let mut models: Vec<HinternetModel> = HINTS
        .iter()
        .filter(|(name, _, _)| *name == mutant.name())
        .filter_map(|&(_, preset, handles)| at(preset, handles))
        .collect();
    for handles in [2, 3] {
        for model in presets.iter().filter(|m| !m.name.contains('+')) {
            models.extend(at(&model.name, handles));
        }
    }
    models.extend(presets.iter().cloned());
    models
}

/// Every mutant of the core is caught by the explorer on one of the mutant hunt's models
/// (small bounds, both families), and its counterexample replays to a violation of the
/// broken law.
#[test]
fn the_explorer_catches_every_mutant() {
    let mut survivors = Vec::new();
    for mutant in Mutant::ALL {
        let mut caught = false;
        for model in mutant_models(mutant) {
            let model = model.with_mutant(mutant);
            let report = run(
                model.clone(),
                &RunOptions {
                    stop_at_failure: true,
                    ..explorer(2)
                },
            );
            let Some((property, path)) = report.counterexample() else {
                continue;
            };
            let cx = Counterexample::new(&model, property, path.to_vec());
            let label = format!("{} on {}", mutant.name(), model.name);
            let violation = cx
                .violation
                .as_ref()
                .unwrap_or_else(|| panic!("{label}: the counterexample does not replay"));
            let law = model
                .property_specs()
                .iter()
                .find_map(|&(_, name, check)| match check {
                    PropertyCheck::Law(law) if name == property => Some(law),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{label}: {property} is no law"));
            assert_eq!(violation.law, law, "{label}: {property}");
            let inputs = Trace::parse_inputs(&cx.trace).expect("the trace parses");
            assert_eq!(inputs, cx.actions, "{label}");
            assert!(cx.trace.contains(&violation.to_string()), "{label}");
            caught = true;
            break;
        }
        if !caught {
            survivors.push(mutant.name());
        }
    }
    assert!(survivors.is_empty(), "mutants not caught: {survivors:?}");
}

/// A stop (here the timeout, at once) ends the run INCOMPLETE, with no law broken.
#[test]
fn a_stopped_run_is_incomplete() {
    let model = HinternetModel::new(
        "winhttp",
        Policy::winhttp(),
        Bounds::small_for(Family::WinHttp),
    );
    let report = run(
        model,
        &RunOptions {
            timeout: Some(Duration::ZERO),
            ..explorer(2)
        },
    );
    assert!(!report.complete, "{}", report.render());
    assert_eq!(report.stopped, Some(StopReason::Timeout(Duration::ZERO)));
    assert!(report.counterexample().is_none(), "{}", report.render());
    assert!(report.render().contains("INCOMPLETE"));
    assert!(report.unique > 0 && report.unique < 649_703);
}
