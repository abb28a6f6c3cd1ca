#!/usr/bin/env bash
# The README's second command: install what is missing, then build and run every test
# through ctest twice: a plain optimised build with warnings as errors (then the check that
# the library's calls go one way, tools/check_layers.py), and a build under
# AddressSanitizer and UndefinedBehaviorSanitizer. Between the two, the plain build
# is installed and the library used from there and from a .deb (tools/test_install.sh), and
# the Python and R packages built against it and tested (tools/test_python.sh, pytest;
# tools/test_r.sh, R CMD check with testthat).
# Then: concurrent calls under ThreadSanitizer, the programs under valgrind memcheck
# (tools/memcheck.sh), and each libFuzzer target for RM_FUZZ_SECONDS (default 30)
# (tools/fuzz.sh; clang is installed with the test packages).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
rm_install_deps test
jobs=$(rm_jobs)

run_suite() { # name, cmake options...
  local name=$1; shift
  local dir=build/test-$name
  echo "== $name build"
  cmake -S . -B "$dir" -DRM_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs" >/dev/null
  echo "== $name tests"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

run_suite plain -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== layers"
python3 tools/check_layers.py build/test-plain
echo "== install tests"
tools/test_install.sh build/test-plain
echo "== Python package"
tools/test_python.sh build/test-plain
echo "== R package"
tools/test_r.sh build/test-plain
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite sanitize -DCMAKE_BUILD_TYPE=Debug -DRM_SANITIZE=ON

echo "== threads under ThreadSanitizer"
# OMP_NUM_THREADS=1: libgomp is not instrumented, so its teams' synchronisation would be
# reported as races; the callers' threads are what the test is about (tests/api/test_threads.c).
cmake -S . -B build/test-tsan -DRM_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRM_TSAN=ON >/dev/null
cmake --build build/test-tsan -j "$jobs" --target test_threads >/dev/null
OMP_NUM_THREADS=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build/test-tsan/tests/test_threads

echo "== programs under valgrind memcheck"
tools/memcheck.sh build/test-plain

# six targets now: 30 s each keeps the whole run near the CI budget; tools/fuzz.sh alone
# (60 s, or longer by RM_FUZZ_SECONDS) is the deeper run
export RM_FUZZ_SECONDS=${RM_FUZZ_SECONDS:-30}
echo "== fuzzing, $RM_FUZZ_SECONDS s per target"
tools/fuzz.sh
echo "All tests passed."
