//! The wrapper the checker runs ([`CheckedModel`]) changes nothing the checker decides on:
//! the same unique states and the same verdicts as the plain model; and a state prints in
//! the core's trace notation.

use hinternet_core::{Family, Policy};
use hinternet_model::check::{run, RunOptions};
use hinternet_model::checked::{format_state, CheckedModel};
use hinternet_model::{Bounds, HinternetModel, State};
use stateright::{Checker, Model};

#[test]
fn the_wrapper_explores_the_same_space_as_the_plain_model() {
    for (name, policy) in [
        ("winhttp", Policy::winhttp()),
        ("wininet", Policy::wininet()),
    ] {
        let bounds = Bounds {
            handles: 2,
            ..Bounds::small_for(policy.family)
        };
        let model = HinternetModel::new(name, policy, bounds);
        let plain = model.clone().checker().threads(1).spawn_bfs().join();
        let wrapped = run(
            model.clone(),
            &RunOptions {
                threads: 1,
                ..RunOptions::default()
            },
        );
        assert!(wrapped.complete);
        assert_eq!(wrapped.unique, plain.unique_state_count(), "{name}");
        assert_eq!(wrapped.states, plain.state_count(), "{name}");
        let found = plain.discoveries();
        for p in &wrapped.properties {
            assert_eq!(
                p.path.is_some(),
                found.contains_key(p.name),
                "{name}: {}",
                p.name
            );
        }
        assert_eq!(
            CheckedModel::new(model.clone()).properties().len(),
            model.properties().len()
        );
    }
}

#[test]
fn a_state_prints_in_trace_notation() {
    let model = HinternetModel::new(
        "winhttp",
        Policy::winhttp(),
        Bounds::small_for(Family::WinHttp),
    );
    let init = State::new(model.machine());
    assert!(format_state(&init).starts_with("no objects\n"));
    let mut actions = Vec::new();
    model.actions(&init, &mut actions);
    let open = actions
        .iter()
        .copied()
        .find(|a| hinternet_core::format_input(a) == "Open WinHttpOpen async")
        .expect("the model opens an async session first");
    let next = model.step(&init, open, None);
    let text = format_state(&next);
    assert!(text.starts_with("#0 session h="), "{text}");
    assert!(text.contains(" open async "), "{text}");
    assert!(text.contains("values h="), "{text}");
    assert!(!text.contains("Machine {"), "{text}");
}
