#!/bin/sh
# tests/vm/run.sh - every VM test: each tests/vm/*.sh but run.sh and the
# lib_*.sh helpers. A test prints "ok: ..." and "FAIL: ..." per check and
# exits 0 (all passed), 77 (skipped, with a "SKIP: reason" line) or
# another status (failed). Ends with "N passed, N failed, N skipped"
# counting checks, and exits non-zero on any failure.
#
# Environment: BUILD (default build), GSTAP_VM_RELEASE (kernel release),
# GSTAP_VM_TIMEOUT (seconds per VM run), VM_TESTS (names to run).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export BUILD="${BUILD:-build}"
# kbuild runs inside the tests: not under the jobserver of "make -j2 check"
# (its "jobserver unavailable" warning would fail the warning checks)
unset MAKEFLAGS MFLAGS MAKELEVEL
passed=0 failed=0 skipped=0
for t in ${VM_TESTS:-$(cd "$ROOT/tests/vm" && ls *.sh | grep -v -e '^run\.sh$' -e '^lib_')}; do
	t=${t%.sh}
	echo "== tests/vm/$t.sh"
	log=$(mktemp)
	start=$(date +%s)
	sh "$ROOT/tests/vm/$t.sh" >"$log" 2>&1
	rc=$?
	cat "$log"
	ok=$(grep -c '^ok:' "$log")
	bad=$(grep -c '^FAIL' "$log")
	rm -f "$log"
	passed=$((passed + ok))
	if [ $rc = 77 ]; then
		skipped=$((skipped + 1))
	elif [ $rc != 0 ] && [ "$bad" = 0 ]; then
		failed=$((failed + 1))	# died without saying which check
		echo "FAIL: tests/vm/$t.sh exited with status $rc"
	else
		failed=$((failed + bad))
	fi
	echo "== tests/vm/$t.sh: status $rc in $(( $(date +%s) - start )) s"
done
echo "vm: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
