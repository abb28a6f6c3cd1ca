#!/bin/sh
# Runs its arguments with LeakSanitizer off, the sanitizers' other checks as they were:
# OpenMPI unloads its plugins at MPI_Finalize with allocations of theirs still held, which
# LeakSanitizer reports from an unknown module (so no suppression can name them). Our
# own code's leaks are checked by the in-process tests (tests/numerics/test_spread.c).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" exec "$@"
