//! The `check` command line as CI and people use it: the timeout and the memory guard stop
//! a run cleanly (the per-property table is still printed, with INCOMPLETE, and the exit
//! status is 3), and `--shard I/N` splits the job list so that the shards together run
//! every job exactly once.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use hinternet_model::model::LAW_PROPERTIES;

fn model_cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hinternet-model"))
        .args(args)
        .output()
        .expect("run hinternet-model")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every law's row of the per-property table says "holds".
fn assert_table(text: &str) {
    for law in LAW_PROPERTIES {
        let row = text
            .lines()
            .find(|l| l.contains(law))
            .unwrap_or_else(|| panic!("no row for {law:?} in\n{text}"));
        assert!(row.trim_start().starts_with("always"), "{row}");
        assert!(row.trim_end().ends_with("holds"), "{row}");
    }
}

#[test]
fn timeout_stops_cleanly_prints_the_table_and_exits_3() {
    // The default WinINet model takes many seconds even in a release build: one second
    // cannot exhaust it.
    let out = model_cli(&["check", "--preset", "wininet", "--timeout", "1"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("INCOMPLETE: stopped by the timeout (1 s)"),
        "{text}"
    );
    assert_table(&text);
    assert!(text.lines().any(|l| l.starts_with("INCOMPLETE")), "{text}");
    assert!(!text.contains("OK: every law holds"), "{text}");
}

#[test]
fn memory_guard_stops_cleanly_prints_the_table_and_exits_3() {
    // Any process is resident in more than 1 MiB: the guard trips at its first look.
    let out = model_cli(&["check", "--preset", "winhttp", "--max-memory", "1M"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("INCOMPLETE: stopped by the memory guard (resident"),
        "{text}"
    );
    assert!(text.contains("> limit 1 MiB"), "{text}");
    assert_table(&text);
}

#[test]
fn incomplete_ok_turns_an_incomplete_run_without_broken_laws_into_exit_0() {
    let out = model_cli(&[
        "check",
        "--preset",
        "wininet",
        "--max-memory",
        "1M",
        "--incomplete-ok",
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("INCOMPLETE"), "{text}");
}

#[test]
fn a_run_that_exhausts_its_bounds_is_complete_and_exits_0() {
    // WinINet with two handles: a space small enough for a debug build (about 2,700 unique
    // states) that still reaches every scenario; generous limits that must not trip.
    let out = model_cli(&[
        "check",
        "--preset",
        "wininet",
        "--handles",
        "2",
        "--timeout",
        "600",
        "--max-memory",
        "8G",
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains("INCOMPLETE"), "{text}");
    assert!(
        text.contains("OK: every law holds and every scenario was reached"),
        "{text}"
    );
    assert_table(&text);
}

fn job_lines(extra: &[&str]) -> Vec<String> {
    let mut args = vec!["check", "--list-jobs"];
    args.extend_from_slice(extra);
    let out = model_cli(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

#[test]
fn shards_together_cover_the_job_list_exactly_once() {
    for config in [&[][..], &["--deep"][..], &["--family", "wininet"][..]] {
        let all = job_lines(config);
        assert!(all.len() >= 4, "{all:?}");
        let unique: BTreeSet<&String> = all.iter().collect();
        assert_eq!(unique.len(), all.len(), "duplicate jobs: {all:?}");
        for n in 1..=all.len() + 1 {
            let mut seen: Vec<String> = Vec::new();
            for i in 1..=n {
                let spec = format!("{i}/{n}");
                let mut args = config.to_vec();
                args.extend_from_slice(&["--shard", &spec]);
                let part = job_lines(&args);
                // Balanced: sizes differ by at most one.
                assert!(
                    part.len() == all.len() / n || part.len() == all.len().div_ceil(n),
                    "{spec}: {part:?}"
                );
                seen.extend(part);
            }
            let mut sorted = seen.clone();
            sorted.sort();
            let mut expected = all.clone();
            expected.sort();
            assert_eq!(sorted, expected, "shards of {n} ({config:?})");
        }
    }
}

#[test]
fn the_job_list_is_every_preset_and_value_order() {
    let names: Vec<String> = job_lines(&[])
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "winhttp",
            "winhttp-documented",
            "wininet",
            "wininet-wine-close",
            "winhttp+strict-values",
            "wininet+lifo-values",
            "wininet+monotonic-values",
        ]
    );
}

#[test]
fn a_bad_shard_or_size_is_a_usage_error() {
    for args in [
        &["check", "--shard", "0/3"][..],
        &["check", "--shard", "4/3"][..],
        &["check", "--shard", "two"][..],
        &["check", "--max-memory", "lots"][..],
    ] {
        let out = model_cli(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
    }
}

#[test]
fn the_ci_matrix_has_one_shard_per_deep_job() {
    // The deep CI jobs run `--shard I/N` for I in the matrix: N must be the deep job list's
    // length (one job per runner, within the job's time limit) and the matrix 1..=N.
    let workflow = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../.github/workflows/model-check.yml"
    ))
    .expect("read .github/workflows/model-check.yml");
    let jobs = job_lines(&["--deep"]).len();
    let matrix = workflow
        .lines()
        .find_map(|l| l.trim().strip_prefix("shard: ["))
        .and_then(|rest| rest.strip_suffix(']'))
        .expect("a `shard: [...]` matrix line");
    let shards: Vec<usize> = matrix
        .split(',')
        .map(|n| n.trim().parse().expect("a shard number"))
        .collect();
    assert_eq!(shards, (1..=jobs).collect::<Vec<_>>(), "{matrix}");
    let spec = format!("--shard ${{{{ matrix.shard }}}}/{jobs}");
    assert!(
        workflow.matches(&spec).count() >= 2,
        "the deep steps should pass {spec:?}"
    );
}

#[test]
fn deep_runs_on_our_explorer_and_stops_cleanly() {
    // The deep WinINet model is far too big for one second: the timeout stops the
    // parallel-dfs explorer, which `--deep` picks without `--dfs`.
    let out = model_cli(&["check", "--deep", "--preset", "wininet", "--timeout", "1"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("explorer parallel-dfs"), "{text}");
    assert!(
        text.contains("INCOMPLETE: stopped by the timeout (1 s)"),
        "{text}"
    );
    assert_table(&text);
    // `--dfs` keeps stateright's depth-first search; `--explorer` chooses explicitly.
    let out = model_cli(&[
        "check",
        "--deep",
        "--dfs",
        "--preset",
        "wininet",
        "--timeout",
        "1",
    ]);
    assert!(stdout(&out).contains("explorer stateright (depth-first)"));
    let out = model_cli(&["check", "--explorer", "best", "--preset", "winhttp"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
}
