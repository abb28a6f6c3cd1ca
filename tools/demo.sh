#!/usr/bin/env bash
# The README's first command: install what is missing, build in Release, and estimate the
# mean of a shipped dataset whose clean answer is known.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
rm_install_deps build

build=build/release
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j "$(rm_jobs)" >/dev/null
rm="$build/tools/robustmean"

name=digits-3-with-7
data=datasets/$name.csv
rows=$(wc -l <"datasets/$name.inliers")
bad=$(grep -c '^0' "datasets/$name.inliers")
echo "Data: $data: $rows images of handwritten 3s (8x8 pixels, d = 64), $bad of them"
echo "      replaced by 7s ($(awk -v b="$bad" -v r="$rows" 'BEGIN{printf "%.1f", 100*b/r}')% corrupted)."
echo
echo "\$ robustmean -e 0.1 $data"
robust=$("$rm" -e 0.1 "$data")
echo "$robust"
plain=$("$rm" -m mean "$data")
expected=$(cat "datasets/$name.expected.csv")

method=$("$rm" -e 0.1 --format json "$data" | sed -n 's/.*"method": "\([a-z]*\)".*/\1/p')

# Distances between the three vectors.
awk -v r="$robust" -v p="$plain" -v e="$expected" -v name="$name" -v method="$method" 'BEGIN {
  n = split(r, R, ","); split(p, P, ","); split(e, E, ",")
  for (j = 1; j <= n; j++) { re += (R[j]-E[j])^2; pe += (P[j]-E[j])^2; rp += (R[j]-P[j])^2 }
  printf "\nDistance to the mean of the clean rows (datasets/%s.expected.csv):\n", name
  printf "  robust estimate (%s) %9.4f\n", method, sqrt(re)
  printf "  %-*s %9.4f\n", length(method) + 18, "plain mean", sqrt(pe)
  printf "The robust estimate differs from the plain mean by %.4f (Euclidean norm).\n", sqrt(rp)
}'
