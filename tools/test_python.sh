#!/usr/bin/env bash
# The Python package (python/), checked as a user gets it: the library installed into a
# temporary prefix (`cmake --install`), the package built and installed with Debian's pip
# into a directory of its own against that prefix (found with pkg-config), and its tests
# run with pytest from there, beside the installed programs they compare with.
# Usage: tools/test_python.sh [BUILD_DIR]   (default: build/test-plain, as test.sh leaves)
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
rm_install_deps test

build=${1:-build/test-plain}
[ -d "$build" ] || { echo "test_python: no build in $build (run tools/test.sh)" >&2; exit 1; }
# The interpreter Debian's python3-numpy and python3-pytest belong to (a python3 earlier
# on PATH, e.g. a version manager's, may lack them).
python=
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import numpy, pytest' 2>/dev/null; then python=$candidate; break; fi
done
[ -n "$python" ] || { echo "test_python: no python3 with numpy and pytest" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
# From a copy: setuptools keeps its objects in the source directory and would reuse those
# of an earlier build against another library.
cp -r python "$tmp/src"
rm -rf "$tmp/src/build" "$tmp/src"/*.egg-info
PKG_CONFIG_PATH=$tmp/prefix/lib/pkgconfig \
  "$python" -m pip install --quiet --no-build-isolation --no-deps --no-index \
  --target "$tmp/site" "$tmp/src" 2>&1 | grep -v "Running pip as the 'root' user" || true
[ -f "$tmp/site/robustmean/__init__.py" ] || { echo "test_python: the package did not install" >&2; exit 1; }
# From outside the tree, so that only the installed package can be imported.
cd "$tmp"
PYTHONPATH=$tmp/site ROBUSTMEAN_BIN=$tmp/prefix/bin ROBUSTMEAN_PREFIX=$tmp/prefix \
ROBUSTMEAN_REQUIRE_CLI=1 \
  "$python" -m pytest -q -p no:cacheprovider "$OLDPWD/python/tests"
