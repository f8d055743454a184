//! The bodies of the fuzz targets. They live in this library, not in `fuzz/`, so that
//! `cargo test` replays the committed corpora through exactly the code libFuzzer runs
//! (`tests/fuzz_corpora.rs`), and the `fuzz/` crate stays a thin shell.
//!
//! Input format, shared by every target: byte 0 picks the policy (preset × value-reuse
//! order), the rest is a sequence of 4-byte ops ([`crate::sequences::decode`]). A body
//! panics — which libFuzzer reports as a crash — when a law or invariant breaks or the
//! machine panics itself.

use hinternet_core::{Family, Policy};

use crate::sequences::{decode, policies, run};

/// The policies a target runs under, optionally restricted to one family.
fn pick_policy(selector: u8, family: Option<Family>) -> Policy {
    let all: Vec<Policy> = policies()
        .into_iter()
        .filter(|p| family.is_none_or(|f| p.family == f))
        .collect();
    all[usize::from(selector) % all.len()]
}

fn sequence(data: &[u8], family: Option<Family>) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let policy = pick_policy(selector, family);
    if let Err(failure) = run(policy, &decode(rest)) {
        panic!("{policy:?}: {}\n{}", failure.error, failure.driver.trace);
    }
}

/// `machine_sequence`: any policy of either family.
pub fn machine_sequence(data: &[u8]) {
    sequence(data, None);
}

/// `winhttp_calls`: call legality and lifecycle from random WinHTTP states.
pub fn winhttp_calls(data: &[u8]) {
    sequence(data, Some(Family::WinHttp));
}

/// `wininet_calls`: call legality and lifecycle from random WinINet states (HTTP, FTP,
/// Gopher).
pub fn wininet_calls(data: &[u8]) {
    sequence(data, Some(Family::WinInet));
}

/// A fuzz target body.
pub type FuzzBody = fn(&[u8]);

/// Every target body by name, for the corpus replay test.
pub const TARGETS: &[(&str, FuzzBody)] = &[
    ("machine_sequence", machine_sequence),
    ("winhttp_calls", winhttp_calls),
    ("wininet_calls", wininet_calls),
];
