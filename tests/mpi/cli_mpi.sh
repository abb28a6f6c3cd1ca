#!/usr/bin/env bash
# robustmean-mpi on P processes against robustmean on one:
#   cli_mpi.sh MPIEXEC P ROBUSTMEAN_MPI ROBUSTMEAN
# the estimate and the weights of a .npy split among the processes, CSV shards, and the
# faults (a ragged shard, a shard of another width, NaN, a step not spread yet): each the
# same clear error, exit 1, no hang; a method not spread yet: a usage error, exit 2.
. "$(dirname "$0")/cli_common.sh"

# A .npy of float64 rows (numpy's format, written without numpy).
write_npy() { # path rows cols [nan_row]
  python3 - "$@" <<'PY'
import random, struct, sys
path, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
nan_row = int(sys.argv[4]) if len(sys.argv) > 4 else -1
head = "{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }" % (n, d)
head += " " * (63 - (10 + len(head)) % 64) + "\n"
rng = random.Random(19)
with open(path, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(head)) + head.encode())
    for i in range(n):
        row = [1e6 * (j + 1) + rng.random() + (1e3 if i % 97 == 0 else 0) for j in range(d)]
        if i == nan_row:
            row[1] = float("nan")
        f.write(struct.pack("<%dd" % d, *row))
PY
}
# Relative difference of two one-line estimates at most 1e-12.
close() {
  python3 - "$1" "$2" <<'PY'
import sys
a = [float(v) for v in sys.argv[1].split(",")]
b = [float(v) for v in sys.argv[2].split(",")]
sys.exit(0 if len(a) == len(b) and all(abs(x - y) <= 1e-12 * abs(y) for x, y in zip(a, b)) else 1)
PY
}

n=$((8 * 8192))
write_npy "$work/x.npy" $n 3
want=$("$rm" -m mean "$work/x.npy")
got=$(run -m mean --weights "$work/w.txt" "$work/x.npy") || say "the estimate failed"
# Chunk-aligned when P divides the 8 chunks: the same bits; else within 1e-12.
if [ $((8 % np)) -eq 0 ]; then
  [ "$got" = "$want" ] || say "not the same bits: '$got' vs '$want'"
else
  close "$got" "$want" || say "beyond 1e-12: '$got' vs '$want'"
fi
"$rm" -m mean --weights "$work/w1.txt" "$work/x.npy" >/dev/null
# The median: the same bits for any number of processes.
[ "$(run -m median "$work/x.npy")" = "$("$rm" -m median "$work/x.npy")" ] ||
  say "median: not the same bits"
cmp -s "$work/w.txt" "$work/w1.txt" || say "the weights differ from robustmean's"

# Shards: one CSV file a process, the rows in order.
python3 - "$work" "$np" <<'PY'
import struct, sys
work, np = sys.argv[1], int(sys.argv[2])
data = open(work + "/x.npy", "rb").read()
hl = struct.unpack("<H", data[8:10])[0]
vals = struct.unpack("<%dd" % ((len(data) - 10 - hl) // 8), data[10 + hl:])
rows = [vals[i:i + 3] for i in range(0, len(vals), 3)]
for p in range(np):
    lo, hi = p * len(rows) // np, (p + 1) * len(rows) // np
    with open("%s/part-%d.csv" % (work, p), "w") as f:
        f.writelines(",".join(repr(v) for v in r) + "\n" for r in rows[lo:hi])
PY
got=$(run -m mean --shards "$work/part-*.csv") || say "the shards failed"
close "$got" "$want" || say "shards beyond 1e-12: '$got' vs '$want'"

# Faults: exit 1 and the words, once (process 0 speaks).
expect() { # words command...
  local words=$1
  shift
  local err
  err=$("$@" 2>&1 >/dev/null)
  local code=$?
  [ $code -eq 1 ] || say "exit $code, not 1, for: $*"
  echo "$err" | grep -q -- "$words" || say "no '$words' in: $err"
}
last=$((np - 1))
echo "1,2,3" >>"$work/part-$last.csv"
echo "1,2" >>"$work/part-$last.csv"
expect "part-$last.csv: line" run -m mean --shards "$work/part-*.csv"
if [ "$np" -gt 1 ]; then
  write_npy "$work/wide.npy" 10 4
  rm -f "$work/part-$last.csv"
  cp "$work/wide.npy" "$work/part-$last.npy"
  sed -i '$d' "$work/part-0.csv"
  expect "disagree on d" run -m mean --shards "$work/part-*"
fi
write_npy "$work/nan.npy" 100 3 $((100 - 2))
expect "nan.npy: row 99, column 2: NaN" run -m mean "$work/nan.npy"
expect "not supported" run -m lowregret -e auto "$work/x.npy"
expect "matches 0 files" run -m mean --shards "$work/none-*.csv"
run --no-such-option >/dev/null 2>&1
code=$?
[ $code -eq 2 ] || say "a usage error exits $code, not 2"
# A method that does not run spread yet: a usage error, before any file is read.
err=$(run -m mom -e 0.1 "$work/x.npy" 2>&1 >/dev/null)
code=$?
[ $code -eq 2 ] || say "a method not spread exits $code, not 2"
grep -q "method mom does not run on rows spread over processes yet; those that do: lowregret" <<<"$err" ||
  say "a method not spread: $err"
run --methods | grep -q "^median  *spread" || say "--methods does not say median runs spread"
exit $fail
