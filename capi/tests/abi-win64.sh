#!/usr/bin/env bash
# The C test programs against an `abi-win64` build of libhinternet (Microsoft x64 calling
# convention, for Winelib hosts and emulators): builds the library with
# `--features abi-win64` into target/abi-win64 (a separate target directory, so the default
# build is untouched; the first run compiles every dependency again), compiles
# capi/tests/c/*.c with -DHINTERNET_ABI_WIN64 (ms_abi prototypes and hook definitions), runs
# them (under valgrind when installed), and checks that a program compiled for the default
# convention does NOT work against this library (so the feature really changes the ABI).
# x86_64 only. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$(uname -m)" != "x86_64" ]; then
  echo "abi-win64: not an x86_64 host, skipped"
  exit 0
fi
CC=${CC:-cc}
target=target/abi-win64
cargo build -p hinternet-capi --features abi-win64 --target-dir "$target"
lib="$PWD/$target/debug"
out="$target/c-tests"
mkdir -p "$out"
cflags=(-std=c11 -Wall -Wextra -Werror -g -I capi/include)
link=(-L "$lib" -Wl,-rpath,"$lib" -lhinternet)

if command -v valgrind >/dev/null 2>&1; then
  runner=(valgrind --error-exitcode=1 --leak-check=full --quiet)
else
  echo "NOTE: valgrind not installed; C programs run without it"
  runner=()
fi

for name in url_time example; do
  "$CC" "${cflags[@]}" -DHINTERNET_ABI_WIN64 "capi/tests/c/$name.c" "${link[@]}" -o "$out/$name"
done
"${runner[@]}" "$out/url_time" plain
"${runner[@]}" "$out/url_time" hooks
"${runner[@]}" "$out/example"

# Negative control: SysV prototypes against the ms_abi library must fail.
"$CC" "${cflags[@]}" capi/tests/c/url_time.c "${link[@]}" -o "$out/url_time-sysv"
if "$out/url_time-sysv" plain >/dev/null 2>&1; then
  echo "abi-win64: a SysV-compiled program passed against the win64 library: the feature did not change the ABI" >&2
  exit 1
fi
echo "abi-win64: ms_abi programs pass; the SysV-compiled control fails as it must"
