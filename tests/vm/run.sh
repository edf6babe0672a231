#!/bin/sh
# tests/vm/run.sh - every VM test: each tests/vm/*.sh but run.sh and the
# lib_*.sh helpers. A test prints "ok: ..." and "FAIL: ..." per check and
# exits 0 (all passed), 77 (skipped, with a "SKIP: reason" line) or
# another status (failed). Ends with "N passed, N failed, N skipped"
# counting checks, and exits non-zero on any failure.
#
# Then the runtime suite (VM_RT_TESTS) again on the PREEMPT_RT flavour of
# the kernel (gstap --vm-release=rt), its lines prefixed "rt: ": issue 4
# asks for both of bookworm's kernels, and RT changes the probe contexts
# (docs/architecture.md). Without an RT kernel that pass is one SKIP.
#
# Environment: BUILD (default build), GSTAP_VM_RELEASE (kernel release),
# GSTAP_VM_TIMEOUT (seconds per VM run), VM_TESTS (names to run),
# VM_RT_TESTS (names to run on RT; default the runtime suite when neither
# VM_TESTS nor GSTAP_VM_RELEASE is set, else none).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export BUILD="${BUILD:-build}"
# kbuild runs inside the tests: not under the jobserver of "make -j2 check"
# (its "jobserver unavailable" warning would fail the warning checks)
unset MAKEFLAGS MFLAGS MAKELEVEL
passed=0 failed=0 skipped=0
# every FAIL line, repeated at the end: CI shows only the tail of the log
failures=$(mktemp) flaky=$(mktemp)
trap 'rm -f "$failures" "$flaky"' EXIT

# Kernel health failures are never retried (inject/vm.c's dmesg check,
# lib_inject.sh's, a guest that died)
HEALTH='kernel log is not clean|dmesg is not clean|VM stopped before the command ended|qemu failed'

# run_tests PREFIX NAME...: run the tests, their output lines prefixed.
# A test that fails is run once more, unless the kernel's health is what
# failed: under emulation on a shared host a timing check (latency within
# a tolerance, a deadline, a lease) can miss by host noise alone. The
# retry's result counts; the first attempt's failures are listed at the
# end as "failed, then passed on retry", so a flaky test stays visible.
run_tests() {
	prefix=$1
	shift
	for t in "$@"; do
		t=${t%.sh}
		attempt=1
		while :; do
			echo "$prefix== tests/vm/$t.sh${attempt#1}"
			log=$(mktemp)
			start=$(date +%s)
			sh "$ROOT/tests/vm/$t.sh" >"$log" 2>&1
			rc=$?
			sed "s/^/$prefix/" "$log"
			echo "$prefix== tests/vm/$t.sh: status $rc in $(( $(date +%s) - start )) s"
			if [ "$attempt" = 1 ] && [ $rc != 0 ] && [ $rc != 77 ] &&
			   ! grep -Eq "$HEALTH" "$log"; then
				{ grep '^FAIL' "$log" || echo "FAIL: exited with status $rc"; } |
					sed "s|^|$prefix$t: |" >>"$flaky"
				rm -f "$log"
				attempt=" (again: it failed once)"
				continue
			fi
			break
		done
		ok=$(grep -c '^ok:' "$log")
		grep '^FAIL' "$log" | sed "s|^|$prefix$t: |" >>"$failures"
		bad=$(grep -c '^FAIL' "$log")
		rm -f "$log"
		passed=$((passed + ok))
		if [ $rc = 77 ]; then
			skipped=$((skipped + 1))
		elif [ $rc != 0 ] && [ "$bad" = 0 ]; then
			failed=$((failed + 1))	# died without saying which check
			echo "${prefix}FAIL: tests/vm/$t.sh exited with status $rc" |
				tee -a "$failures"
		else
			failed=$((failed + bad))
		fi
	done
}

# shellcheck disable=SC2046
run_tests "" ${VM_TESTS:-$(cd "$ROOT/tests/vm" && ls *.sh | grep -v -e '^run\.sh$' -e '^lib_')}

if [ -z "${VM_TESTS:-}" ] && [ -z "${GSTAP_VM_RELEASE:-}" ]; then
	rt_tests=${VM_RT_TESTS-basic probes runok syscalls tvar}
else
	rt_tests=${VM_RT_TESTS:-}
fi
if [ -n "$rt_tests" ]; then
	case $BUILD in /*) gstap=$BUILD/gstap ;; *) gstap=$ROOT/$BUILD/gstap ;; esac
	rt=$("$gstap" --vm-release=rt 2>/dev/null)
	if [ -n "$rt" ] && [ "$rt" = "$("$gstap" --vm-release 2>/dev/null)" ]; then
		echo "rt: $rt is the default release too (no standard kernel installed): no second pass"
	elif [ -n "$rt" ]; then
		start_rt=$(date +%s)
		export GSTAP_VM_RELEASE="$rt"
		# shellcheck disable=SC2086
		run_tests "rt: " $rt_tests
		echo "rt: $rt: $rt_tests in $(( $(date +%s) - start_rt )) s"
	else
		skipped=$((skipped + 1))
		echo "SKIP: rt: no PREEMPT_RT kernel (/boot/vmlinuz-R and /lib/modules/R/build" \
		     "for an -rt R): install linux-image-rt-amd64 linux-headers-rt-amd64"
	fi
fi
if [ -s "$flaky" ]; then
	echo "vm: failed, then passed on retry (or failed twice, see below):"
	sed 's/^/  /' "$flaky"
fi
if [ -s "$failures" ]; then
	echo "vm: the failed checks:"
	sed 's/^/  /' "$failures"
fi
echo "vm: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
