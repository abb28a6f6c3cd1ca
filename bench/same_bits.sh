#!/usr/bin/env bash
# Fingerprints of what a build estimates: for generated data sets (every corruption model
# at three eps, heavy-tailed inliers, the Lanczos oracle's sizes, bench/perf's sizes) and
# every method, one line "case method md5", the md5 over the JSON report (the estimate
# to %.17g; iterations, passes, F, gap) and each row's weight as the CLI prints them. Two
# builds that print the same lines estimate the same to the bit: run it on both and diff.
# Prints fingerprints; never fails on a difference.
#
# usage: bench/same_bits.sh BUILD_DIR [--quick|--large]
#   --quick: one eps and one seed, small data; --large: add n = 1e6 x 100 and 1e5 x 1000
set -euo pipefail
build=${1:?usage: same_bits.sh BUILD_DIR [--quick|--large]}
size=${2:-}
rmgen=$build/tools/rmgen
robustmean=$build/tools/robustmean
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

methods=(lowregret pgd filter mean median trimmed geomedian mom)

fingerprint() { # label eps file methods...
    local label=$1 eps=$2 file=$3 m weights
    shift 3
    for m in "$@"; do
        case $m in lowregret | pgd | filter | mean) weights=(--weights "$work/w") ;; *) weights=() ;; esac
        : >"$work/w"
        if "$robustmean" -q -e "$eps" -m "$m" --format json "${weights[@]}" "$file" >"$work/est" \
            2>"$work/err"; then
            # The report without what differs between runs or releases of the same numbers.
            sed -E 's/"(seconds|version)": [^,}]*,? ?//g' "$work/est" >"$work/report"
            echo "$label $m $(cat "$work/report" "$work/w" | md5sum | cut -c1-32)"
        else
            echo "$label $m failed: $(head -n 1 "$work/err")"
        fi
    done
}

case_of() { # model inliers n d eps seed methods...
    local model=$1 inliers=$2 n=$3 d=$4 eps=$5 seed=$6
    shift 6
    "$rmgen" --model "$model" --inliers "$inliers" -n "$n" -d "$d" -e "$eps" --seed "$seed" \
        -o "$work/x.npy"
    fingerprint "$model/$inliers/n$n/d$d/e$eps/s$seed" "$eps" "$work/x.npy" "$@"
}

models=$("$rmgen" --list | awk '/^Corruption models/{c=1;next} /^Inlier models/{c=0} c && /^  [a-z]/{print $1}')
if [ "$size" = --quick ]; then
    for model in $models; do case_of "$model" gaussian 1000 20 0.1 1 "${methods[@]}"; done
    exit 0
fi
for eps in 0.1 0.2 0.3; do
    for seed in 1 2; do
        for model in $models; do case_of "$model" gaussian 10000 100 "$eps" "$seed" "${methods[@]}"; done
        for inliers in student laplace rotated; do
            case_of variance-shell "$inliers" 10000 100 "$eps" "$seed" "${methods[@]}"
        done
    done
done
for model in dkk variance-shell subtle-shift two-clusters; do # the Lanczos oracle (d > 128)
    case_of "$model" gaussian 5000 300 0.1 1 lowregret pgd filter
done
case_of dkk gaussian 200000 100 0.1 1 lowregret pgd filter # the warm start (n > 4000)
if [ "$size" = --large ]; then
    for model in variance-shell dkk; do
        case_of "$model" gaussian 1000000 100 0.1 1 lowregret
        case_of "$model" gaussian 100000 1000 0.1 1 lowregret
    done
fi
