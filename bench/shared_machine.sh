#!/usr/bin/env bash
# The estimate on a machine shared with a busy process: the seconds of `robustmean` with
# its default threads and with --threads 1, on an idle machine and with another process
# spinning on one core, under the CLI's default wait policy (threads that wait sleep) and
# under OMP_WAIT_POLICY=active (they spin). Best of REPEAT runs each. Prints a table;
# never fails on a figure.
#
# usage: bench/shared_machine.sh BUILD_DIR [-n N] [-d D] [--repeat R]
set -euo pipefail
build=${1:?usage: shared_machine.sh BUILD_DIR [-n N] [-d D] [--repeat R]}
shift
n=1000000 d=100 repeat=3
while [ $# -gt 0 ]; do
    case $1 in
    -n) n=$2; shift 2 ;;
    -d) d=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) echo "shared_machine.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
work=$(mktemp -d)
busy=
trap '[ -n "$busy" ] && kill "$busy" 2>/dev/null; rm -rf "$work"' EXIT
"$build/tools/rmgen" --model variance-shell -n "$n" -d "$d" -e 0.1 -o "$work/x.npy"

best() { # command...: the best wall-clock seconds of $repeat runs
    local b=inf t
    for _ in $(seq "$repeat"); do
        t=$( { TIMEFORMAT=%R; time "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -n 1)
        b=$(awk -v a="$b" -v t="$t" 'BEGIN { print (a == "inf" || t < a) ? t : a }')
    done
    echo "$b"
}

row() { # label
    local default one
    default=$(best "$build/tools/robustmean" -q -e 0.1 "$work/x.npy")
    one=$(best "$build/tools/robustmean" -q -e 0.1 --threads 1 "$work/x.npy")
    awk -v l="$1" -v a="$default" -v b="$one" \
        'BEGIN { printf "%-34s %9.2f %9.2f %9.2f\n", l, a, b, a / b }'
}

echo "variance shell, n = $n, d = $d, eps = 0.1, $(nproc) cores, best of $repeat"
printf '%-34s %9s %9s %9s\n' "machine, wait policy" "default s" "1 thr s" "ratio"
row "idle, passive (the CLI's default)"
OMP_WAIT_POLICY=active row "idle, active"
( while :; do :; done ) &
busy=$!
row "one core busy, passive"
OMP_WAIT_POLICY=active row "one core busy, active"
