#!/usr/bin/env bash
# Run each libFuzzer target (tests/fuzz) for a bounded time, starting from the committed
# corpus (copied: the tree is never written). Prints each target's executions and the
# coverage it reached. A crash fails the script and keeps the input that caused it in
# build/test-fuzz/found: replay it with build/test-plain/tests/fuzz/replay_NAME FILE, and
# commit it under tests/fuzz/crashes/NAME with the fix. Needs clang (libFuzzer).
#   tools/fuzz.sh [SECONDS_PER_TARGET]    (default: RM_FUZZ_SECONDS, else 60)
# A stream of unknown size (standard input, compressed data) is read into the matrix its
# .npy header promises, allocated before the data arrives: a short input may ask for
# gigabytes of address space, which stay untouched and are freed when the data runs
# out. -malloc_limit_mb lets such an allocation be (rss_limit_mb still bounds what is
# used); refusing it would stop the fuzzer on the first such header.
# The mutations follow RM_FUZZ_SEED (default 1): a run goes as far as the machine's speed
# allows along the same sequence.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${RM_FUZZ_SECONDS:-60}}
dir=build/test-fuzz
. tools/deps.sh
CC=clang CXX=clang++ cmake -S . -B "$dir" -DRM_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRM_WERROR=ON >/dev/null
# the fuzz programs only: the shared library is not built with libFuzzer's runtime
names=(csv npy npz gz zst mean)
cmake --build "$dir" -j "$(rm_jobs)" --target "${names[@]/#/fuzz_}" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for name in "${names[@]}"; do
  mkdir -p "$work/$name"
  cp tests/fuzz/corpus/$name/* "$work/$name/"
  [ -d tests/fuzz/crashes/$name ] && cp tests/fuzz/crashes/$name/* "$work/$name/"
  log=$work/$name.log
  if ! (cd "$work" && ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
        "$OLDPWD/$dir/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -rss_limit_mb=2048 \
        -malloc_limit_mb=65536 \
        -print_final_stats=1 -seed="${RM_FUZZ_SEED:-1}" "$name" >"$log" 2>&1); then
    tail -n 60 "$log" >&2
    mkdir -p "$dir/found"
    cp "$work"/crash-* "$work"/leak-* "$work"/oom-* "$work"/timeout-* "$dir/found/" 2>/dev/null || true
    echo "fuzz_$name: failed; the input is kept in $dir/found" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'DONE *cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1 | sed 's/DONE *//')
  printf 'fuzz_%-5s %10s executions in %s s, %s, corpus %s inputs\n' "$name" "$runs" \
    "$seconds" "${cov:-cov: ?}" "$(ls "$work/$name" | wc -l)"
done
