#!/usr/bin/env bash
# Replays the committed corpora (and saved regression inputs) through the libFuzzer
# binaries of every target, built by plain cargo — no cargo-fuzz needed. Exits non-zero
# if any input crashes or breaks a law.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --bins
for src in fuzz_targets/*.rs; do
  target=$(basename "$src" .rs)
  dirs=()
  for d in corpus regressions; do
    [ -d "$d/$target" ] && dirs+=("$d/$target")
  done
  if [ ${#dirs[@]} -eq 0 ]; then
    echo "no corpus for $target" >&2
    exit 1
  fi
  echo "== replay $target (${dirs[*]})"
  "./target/release/$target" -runs=0 "${dirs[@]}"
done
