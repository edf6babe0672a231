#!/bin/sh
# bench/run.sh - every benchmark (make bench); each sub-script prints its
# own figures and says what it compares against.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
GSTAP="$BUILD/gstap" "$ROOT/bench/frontend.sh"	# issue 3: the front end against stap
BUILD="$BUILD" "$ROOT/bench/symbols.sh"	# symbol lookups, syscall tapset generation
BUILD="$BUILD" "$ROOT/bench/inject.sh"	# issue 5: injection vs dm-delay and busy-wait
BUILD="$BUILD" "$ROOT/bench/runtime.sh"	# issue 4: pass 4, probe hit cost, output throughput
