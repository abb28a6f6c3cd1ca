#!/usr/bin/env bash
# robustmean-mpi's options and outputs against robustmean's on the same small data, one
# mpirun a case:
#   cli_mpi_options.sh MPIEXEC P ROBUSTMEAN_MPI ROBUSTMEAN
# --format json (the same keys and values as robustmean's: the estimate and the objective
# within 1e-12, the time aside) for mean, median, trimmed and geomedian; --weights and --outliers numbered in the
# file's rows with a row dropped (--drop-nonfinite) in a .npy split among the processes
# and in CSV shards; a .npy in Fortran order with --columns and --float32; --max-seconds
# --max-seconds stopping geomedian on every process at once; the options a method does
# not read refused as robustmean refuses them.
. "$(dirname "$0")/cli_common.sh"

# Small .npy files of float64 (numpy's format, written without numpy): C and Fortran
# order of the same rows, a non-finite value in row nan_row (1-based; 0: none).
python3 - "$work" <<'PY'
import random, struct, sys
work = sys.argv[1]
n, d = 37, 4
rng = random.Random(7)
rows = [[100.0 * (j + 1) + rng.gauss(0, 1) + (50.0 if i % 9 == 4 else 0.0) for j in range(d)]
        for i in range(n)]
rows[22][1] = float("nan")
def npy(path, fortran):
    head = "{'descr': '<f8', 'fortran_order': %s, 'shape': (%d, %d), }" % (fortran, n, d)
    head += " " * (63 - (10 + len(head)) % 64) + "\n"
    vals = [rows[i][j] for j in range(d) for i in range(n)] if fortran else \
           [v for r in rows for v in r]
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(head)) + head.encode())
        f.write(struct.pack("<%dd" % len(vals), *vals))
npy(work + "/c.npy", False)
npy(work + "/f.npy", True)
with open(work + "/all.csv", "w") as f:
    f.write("a,b,c,d\n")
    f.writelines(",".join(repr(v) for v in r) + "\n" for r in rows)
PY

# The JSON reports agree: the same keys in the same order, the same values but the
# estimate and the objective (1e-12 relative) and the time.
same_json() { # what got want
  python3 - "$2" "$3" <<'PY' || say "$1: JSON differs: $2 vs $3"
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert list(a) == list(b), (list(a), list(b))
for k in a:
    if k == "seconds":
        continue
    if k in ("mean", "objective") and a[k] is not None:
        x, y = (a[k], b[k]) if k == "mean" else ([a[k]], [b[k]])
        assert all(abs(u - v) <= 1e-12 * abs(v) for u, v in zip(x, y)), k
    else:
        assert a[k] == b[k], k
PY
}
for m in mean median trimmed geomedian; do
  eps=()
  [ $m = trimmed ] && eps=(-e 0.1)
  got=$(run -m $m "${eps[@]}" --drop-nonfinite -q --format json "$work/c.npy") ||
    say "$m --format json failed"
  want=$("$rm" -m $m "${eps[@]}" --drop-nonfinite -q --format json "$work/c.npy")
  same_json "$m" "$got" "$want"
done

# Weights and outliers in the file's rows, the dropped row's weight 0: the same files as
# robustmean's, from a split .npy and from CSV shards (each with its header line).
"$rm" -m mean --drop-nonfinite -q --weights "$work/w1" --outliers "$work/o1" \
  "$work/c.npy" >"$work/e1"
run -m mean --drop-nonfinite -q --weights "$work/w" --outliers "$work/o" -o "$work/e" \
  "$work/c.npy" || say "--weights --outliers failed"
[ "$(sed -n 23p "$work/w")" = 0 ] || say "the dropped row 23's weight is not 0"
cmp -s "$work/w" "$work/w1" || say "the weights differ from robustmean's"
cmp -s "$work/o" "$work/o1" || say "the outliers differ from robustmean's"
python3 - "$work" "$np" <<'PY'
import sys
work, np = sys.argv[1], int(sys.argv[2])
lines = open(work + "/all.csv").read().splitlines()
head, rows = lines[0], lines[1:]
for p in range(np):
    lo, hi = p * len(rows) // np, (p + 1) * len(rows) // np
    with open("%s/part-%d.csv" % (work, p), "w") as f:
        f.write(head + "\n" + "".join(r + "\n" for r in rows[lo:hi]))
PY
run -m mean --drop-nonfinite -q --weights "$work/ws" --shards "$work/part-*.csv" >/dev/null ||
  say "--weights from shards failed"
cmp -s "$work/ws" "$work/w1" || say "the shards' weights differ from robustmean's"

# Fortran order, columns chosen, float32: the median, the same bits as robustmean's.
want=$("$rm" -m median --drop-nonfinite -q --float32 --columns 4,2 "$work/c.npy")
got=$(run -m median --drop-nonfinite -q --float32 --columns 4,2 "$work/f.npy") ||
  say "Fortran order failed"
[ "$got" = "$want" ] || say "Fortran order: '$got', want '$want'"

# A time budget too short for one iteration: every process stops after the first, with
# robustmean's warning and report.
got=$(run -m geomedian --drop-nonfinite --max-seconds 1e-9 --format json "$work/c.npy" 2>"$work/err") ||
  say "geomedian --max-seconds failed"
want=$("$rm" -m geomedian --drop-nonfinite --max-seconds 1e-9 --format json "$work/c.npy" 2>/dev/null)
same_json "geomedian --max-seconds" "$got" "$want"
grep -q '"iterations": 1, "converged": false, "stop_reason": "time budget"' <<<"$got" ||
  say "geomedian --max-seconds: $got"
grep -q "stopped after 1 iterations (time budget)" "$work/err" || say "no warning: $(cat "$work/err")"

# Refused as robustmean refuses: exit 2, the same words.
for args in "-m mean --max-seconds 1" "-m median --sigma 1" "-m mean --outliers x -e 0.1 -m median"; do
  want=$("$rm" $args "$work/c.npy" 2>&1 >/dev/null | sed 's/^robustmean: //;q')
  got=$(run $args "$work/c.npy" 2>&1 >/dev/null)
  code=$?
  [ $code -eq 2 ] || say "exit $code, not 2, for: $args"
  [ "$(sed 's/^robustmean-mpi: //;q' <<<"$got")" = "$want" ] ||
    say "for $args: '$got', want '$want'"
done

# When a method that flags outliers runs spread, its flagged rows are robustmean's.
if run --methods | grep -q "^lowregret  *spread"; then
  want=$("$rm" -e 0.15 --drop-nonfinite -q --outliers - "$work/c.npy" | sed '$d')
  got=$(run -e 0.15 --drop-nonfinite -q --outliers - "$work/c.npy" | sed '$d')
  [ "$got" = "$want" ] || say "lowregret's outliers: '$got', want '$want'"
fi
exit $fail
