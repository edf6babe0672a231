#!/bin/sh
# tests/vm/runok.sh - the language's run-time tests (tests/lang/runok/) as
# one VM test: tests/lang/runok.sh compiles every script on the host and
# runs them in one VM boot per batch; each script is a check here
# ("ok: NAME" / "FAIL: NAME: why").
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
export GSTAP="$BUILD/gstap" VMRUN="$BUILD/vmrun" GURU_RUN="$BUILD/guru-run"
[ -n "${GSTAP_VM_RELEASE:-}" ] && export RUNOK_RELEASE="$GSTAP_VM_RELEASE"
exec sh "$ROOT/tests/lang/runok.sh" "$@"
