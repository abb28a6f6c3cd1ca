#!/usr/bin/env bash
# The R package (r/), checked as CRAN would and as a user gets it: the library installed
# into a temporary prefix (`cmake --install`), the package built with `R CMD build` and
# checked with `R CMD check` against that prefix (found with pkg-config, by r/configure):
# its examples, and its testthat tests beside the installed programs they compare with.
# Fails on any ERROR or WARNING of the check (NOTEs are printed).
# Usage: tools/test_r.sh [BUILD_DIR]   (default: build/test-plain, as test.sh leaves)
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
rm_install_deps test

build=${1:-build/test-plain}
[ -d "$build" ] || { echo "test_r: no build in $build (run tools/test.sh)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source=$PWD
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cd "$tmp"
R CMD build --no-manual "$source/r" >build.log 2>&1 || { cat build.log; exit 1; }
tarball=$(ls robustmean_*.tar.gz)
status=0
PKG_CONFIG_PATH=$tmp/prefix/lib/pkgconfig ROBUSTMEAN_BIN=$tmp/prefix/bin \
ROBUSTMEAN_REQUIRE_CLI=1 _R_CHECK_FORCE_SUGGESTS_=false \
  R CMD check --no-manual "$tarball" >check.log 2>&1 || status=$?
if [ "$status" -ne 0 ] || grep -Eq '^Status:.*(ERROR|WARNING)' check.log; then
  cat check.log
  for log in robustmean.Rcheck/00install.out robustmean.Rcheck/tests/testthat.Rout.fail; do
    [ -f "$log" ] && { echo "== $log"; tail -n 40 "$log"; }
  done
  echo "test_r: R CMD check failed" >&2
  exit 1
fi
grep -E 'NOTE|^Status' check.log
# README's R example, with the package the check installed
awk '/^```r$/ { on = 1; next } /^```$/ { on = 0 } on' "$source/README.md" > readme.R
[ -s readme.R ] || { echo "test_r: README.md shows no R example" >&2; exit 1; }
R_LIBS=$tmp/robustmean.Rcheck Rscript -e 'pdf(NULL); source("readme.R", print.eval = TRUE)' \
  >readme.log 2>&1 || { cat readme.log; echo "test_r: README's R example failed" >&2; exit 1; }
echo "test_r: README's R example ran"
