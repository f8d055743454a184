#!/usr/bin/env bash
# The engine's loom models (proofs/tests/loom_engine.rs), as CI runs them: loom switched
# on for the engine (`--cfg loom` plus the `loom` feature), release with debug
# assertions, at most 2 preemptions per execution. Extra arguments go to the test
# binary (a name filter, --nocapture).
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTFLAGS="${RUSTFLAGS:-} --cfg loom -C debug-assertions=on"
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-2}"
# The mutant tests panic on purpose; keep their reports short.
export RUST_BACKTRACE="${RUST_BACKTRACE:-0}"
# A separate target directory: --cfg loom rebuilds every crate.
export CARGO_TARGET_DIR="${LOOM_TARGET_DIR:-${CARGO_TARGET_DIR:-target}/loom}"
start=$(date +%s)
cargo test -p hinternet-proofs --release --test loom_engine -- "$@"
echo "loom: finished in $(( $(date +%s) - start )) s (LOOM_MAX_PREEMPTIONS=$LOOM_MAX_PREEMPTIONS)"
