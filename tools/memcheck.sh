#!/usr/bin/env bash
# The command-line programs under valgrind memcheck: a few small inputs through the main
# paths (every output, both file formats, stdin, warnings) and the error paths (a missing
# file, a bad number, a bad option, a refused output). Each must end with the exit
# status it should have, with no memory error and no leak (definite, indirect or
# possible). Called by tools/test.sh with a build folder; valgrind must be installed.
#   tools/memcheck.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: tools/memcheck.sh BUILD_DIR}
bin=$build/tools
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

checked=0
# expect STATUS STDIN COMMAND...: run COMMAND under memcheck (stdin from STDIN, '-' for
# none) and check its exit status; memcheck's own verdict is status 99.
expect() {
  local want=$1 input=$2 got=0; shift 2
  [ "$input" = - ] && input=/dev/null
  valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible "$@" <"$input" >"$tmp/out" 2>"$tmp/err" || got=$?
  if [ "$got" -ne "$want" ]; then
    echo "memcheck: exit status $got, expected $want: $*" >&2
    cat "$tmp/err" >&2
    exit 1
  fi
  checked=$((checked + 1))
}

wine=datasets/wine-1-with-0.csv
digits=datasets/digits-3-with-7.csv
printf 'a,b\n1,2\n3,x\n' >"$tmp/bad.csv"

expect 0 - "$bin/robustmean" -e 0.1 --oracle dense "$wine"
expect 0 - "$bin/robustmean" -e 0.1 -m pgd --format json -o "$tmp/est.json" --weights "$tmp/w.txt" \
  --outliers "$tmp/out.txt" "$digits"
expect 0 "$wine" "$bin/robustmean" -e 0.1 -m median -
expect 0 - "$bin/robustmean" -e 0.1 -m mom --float32 --threads 2 "$wine"
expect 0 - "$bin/robustmean" -e 0.1 -m geomedian "$wine"
expect 0 - "$bin/rmgen" --model variance-shell -n 300 -d 5 -e 0.1 --seed 3 -o "$tmp/x.npy" \
  --truth "$tmp/truth.csv"
expect 0 - "$bin/robustmean" -e 0.1 -m filter -v "$tmp/x.npy"
expect 0 - "$bin/robustmean" -e 0.1 --max-iter 2 "$wine" # not converged: a warning
expect 0 - "$bin/rmstudy" -q -m mean,trimmed,lowregret --models far-cluster -n 200 -d 4 --seeds 1
expect 1 - "$bin/robustmean" -e 0.1 "$tmp/missing.csv"
expect 1 - "$bin/robustmean" -e 0.1 "$tmp/bad.csv"
expect 1 - "$bin/robustmean" -e 0.1 -o "$wine" "$wine" # the input as output
expect 2 - "$bin/robustmean" -e 0.7 "$wine"
expect 2 - "$bin/robustmean" --no-such-option "$wine"
expect 2 - "$bin/rmgen" --model no-such-model -n 10 -d 2 -e 0.1 --seed 1
echo "memcheck: $checked runs, no memory error, no leak"
