# What the robustmean-mpi test scripts share, sourced with their arguments
#   MPIEXEC P ROBUSTMEAN_MPI ROBUSTMEAN
# a work folder removed at exit, say (a failure, named by the script, remembered in
# $fail) and run (robustmean-mpi on P processes, oversubscribed, never hanging).
set -u
mpiexec=$1 np=$2 rmmpi=$3 rm=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
say() { echo "$(basename "$0") (np $np): $*" >&2; fail=1; }
run() { timeout 120 "$mpiexec" -np "$np" --oversubscribe "$rmmpi" "$@"; }
