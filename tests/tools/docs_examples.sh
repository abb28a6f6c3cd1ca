#!/usr/bin/env bash
# Every example the documentation shows, run as shown: the command lines of README.md's
# code blocks and of the EXAMPLES of the man pages (robustmean, rmgen, rmstudy and, when
# built, robustmean-mpi under mpirun, oversubscribed and allowed as root), each in
# a folder holding the files they name, and the C program of robustmean(3), compiled and
# run. One exception: README's classic figure (minutes of work) runs on a smaller grid.
# Fails, naming the example, when one exits non-zero.
#
# usage: tests/tools/docs_examples.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$(cd "${1:?usage: docs_examples.sh BUILD_DIR SOURCE_DIR}" && pwd)
source=$(cd "${2:?usage: docs_examples.sh BUILD_DIR SOURCE_DIR}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PATH=$build/tools:$build/mpi:$PATH
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
cd "$work"

# The files the examples name.
rmgen --model dkk -n 2000 -d 20 -e 0.1 -o data.csv
rmgen --model dkk -n 2000 -d 20 -e 0.1 -o data.npy
rmgen --model variance-shell -n 20000 -d 20 -e 0.1 -o big.csv
rmgen --model variance-shell -n 20000 -d 20 -e 0.1 -o big.npy
split -n l/4 -d -a 1 --additional-suffix=.csv data.csv part- # robustmean-mpi's shards

# Command lines: README's indented code (a line ending in \ continues), the man pages'
# EXAMPLES between .nf and .fi (troff escapes undone); comments dropped; synopses and
# build commands are not examples to run here.
readme() {
    awk '/^    (robustmean|rmgen|rmstudy|cat) / || cont {
             line = substr($0, 5); sub(/^ +/, " ", line)
             cmd = cont ? cmd line : line
             cont = cmd ~ /\\$/; if (cont) { sub(/\\$/, "", cmd); next }
             print cmd; cmd = "" }' "$source/README.md"
}
man_examples() {
    awk '/^\.SH EXAMPLES/ { on = 1; next } /^\.SH/ { on = 0 }
         on && /^\.nf/ { block = 1; next } on && /^\.fi/ { block = 0; next }
         on && block {
             gsub(/\\-/, "-"); gsub(/\\\(aq/, "\047"); line = $0; sub(/^ +/, " ", line)
             cmd = cont ? cmd line : line
             cont = cmd ~ /\\e$/; if (cont) { sub(/\\e$/, "", cmd); next }
             print cmd; cmd = "" }' "$@"
}

failed=0
run() { # command line
    local cmd
    cmd=$(sed -E 's/[[:space:]]+#.*$//; s/[[:space:]]+$//' <<<"$1")
    case $cmd in *"[OPTIONS]"* | *"FILE|-"*) return ;; esac
    # README's classic figure: the same command on a grid of two dimensions
    cmd=${cmd//-d 50:400:50/-d 50:100:50}
    cmd=${cmd//--seeds 5 -o classic.csv/--seeds 2 -o classic.csv}
    # Under the sanitizers, Open MPI's own leaks at exit are not ours
    # (tests/mpi/without_leak_check.sh).
    local env=()
    [[ $cmd == mpirun* ]] && env=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
    if ! "${env[@]}" bash -c "$cmd" </dev/null >"$work/out" 2>"$work/err"; then # (mpirun reads its input)
        echo "docs_examples: FAILED: $cmd"
        sed 's/^/    /' "$work/err" | head -n 5
        failed=$((failed + 1))
    else
        echo "docs_examples: ok: $cmd"
    fi
}
count=0
while IFS= read -r line; do
    [ -n "$line" ] && run "$line" && count=$((count + 1))
done < <(readme; man_examples "$source"/man/*.1 |
           if [ -x "$build/mpi/robustmean-mpi" ]; then cat; else grep -v robustmean-mpi; fi)

# robustmean(3)'s program, against this build.
awk '/^\.EX/ { on = 1; next } /^\.EE/ { exit } on' "$source/man/robustmean.3" |
    sed -e 's/\\e/\\/g' -e "s/\\\\(aq/'/g" -e 's/\\-/-/g' >app.c
if cc -std=c11 -Wall -Werror -I"$source/include" -I"$build/include" app.c -o app \
    -L"$build/src" -lrobustmean -Wl,-rpath,"$build/src" >"$work/err" 2>&1 &&
    ./app data.csv >"$work/out" 2>"$work/err"; then
    echo "docs_examples: ok: robustmean(3) EXAMPLES program"
else
    echo "docs_examples: FAILED: robustmean(3) EXAMPLES program"
    sed 's/^/    /' "$work/err" | head -n 5
    failed=$((failed + 1))
fi
echo "docs_examples: $failed of $((count + 1)) examples failed"
[ "$failed" -eq 0 ]
