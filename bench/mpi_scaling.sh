#!/usr/bin/env bash
# robustmean-mpi on 1 and 2 processes (the cores of a small machine) against robustmean
# on one, for the methods that run spread: the estimate's time (the slowest process's),
# the collectives and the bytes process 0 sent and received, and whether the estimate is
# the one process's to the bit (the SILO methods' dense oracle is formed in a pass when
# spread, where robustmean updates it: theirs are the same to rounding). Prints a table; never fails on a figure.
#
# usage: bench/mpi_scaling.sh BUILD_DIR [N [D]]   (default N = 1000000, D = 100: 0.8 GB)
set -euo pipefail
build=${1:?usage: mpi_scaling.sh BUILD_DIR [N [D]]}
n=${2:-1000000} d=${3:-100}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/tools/rmgen" --model far-cluster -n "$n" -d "$d" -e 0.1 -o "$work/x.npy"
echo "n = $n, d = $d; threads per process: 2 / P"
printf '%-9s %2s %9s %12s %12s %14s %s\n' method P seconds collectives reductions \
  "bytes recv" "same bits"
for method in mean median trimmed geomedian lowregret pgd filter; do
  eps=()
  case $method in mean | median | geomedian) ;; *) eps=(-e 0.1) ;; esac
  one=$("$build/tools/robustmean" -m "$method" "${eps[@]}" "$work/x.npy")
  for p in 1 2; do
    got=$(mpirun -np "$p" --oversubscribe -x OMP_NUM_THREADS=$((2 / p)) \
          "$build/mpi/robustmean-mpi" -m "$method" "${eps[@]}" --traffic "$work/x.npy" \
          2>"$work/err")
    line=$(grep traffic "$work/err")
    read -r coll red recv secs < <(sed -E 's/.*: ([0-9]+) collectives \(([0-9]+) reductions\), [0-9]+ bytes sent, ([0-9]+) bytes received; ([0-9.]+) s.*/\1 \2 \3 \4/' <<<"$line")
    printf '%-9s %2s %9s %12s %12s %14s %s\n' "$method" "$p" "$secs" "$coll" "$red" "$recv" \
      "$([ "$got" = "$one" ] && echo yes || echo no)"
  done
done
