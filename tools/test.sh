#!/usr/bin/env bash
# The README's second command: install what is missing, then build and run every test
# through ctest twice: a plain optimised build with warnings as errors, and a build
# under AddressSanitizer and UndefinedBehaviorSanitizer. Between the two, the plain build
# is installed and the library used from there and from a .deb (tools/test_install.sh).
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
echo "== install tests"
tools/test_install.sh build/test-plain
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite sanitize -DCMAKE_BUILD_TYPE=Debug -DRM_SANITIZE=ON
echo "All tests passed."
