#!/bin/sh
# tests/vm/syscalls.sh - the syscall tapset in the VM, against a workload.
#
# Each tests/vm/syscalls/NAME.stp is compiled (gstap -g -p4) and run in
# one VM boot with tests/tools/sc_calls as its workload: sc_calls -w waits
# until the script's probes answer its start marker, makes its known
# syscalls, and the script exits at the end marker. stdout must equal
# NAME.out exactly and stderr must be empty. Under emulation every handler
# is tens of times slower than on hardware, so overload detection is off
# (STP_NO_OVERLOAD) for these busy scripts. (runok scripts have no
# workload; these do, hence their own runner.)
#
# Environment: BUILD (default build), GSTAP_VM_RELEASE (kernel release),
# SYSCALLS_KEEP=DIR keeps each script's actual stdout there as NAME.out.
# Prints "ok:"/"FAIL:" per script; exits 77 when the VM cannot run here.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
DIR=$ROOT/tests/vm/syscalls
KVER=${GSTAP_VM_RELEASE:-$("$BUILD/gstap" --vm-release 2>/dev/null)}

skip() { echo "SKIP: $*"; exit 77; }
[ -n "$KVER" ] || skip "no kernel with a build tree for the VM"
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
for b in gstap guru-run vmrun tools/sc_calls; do
	[ -x "$BUILD/$b" ] || skip "$BUILD/$b not built"
done

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
names= files=
for f in "$DIR"/*.stp; do
	n=$(basename "$f" .stp)
	if "$BUILD/gstap" -g -DSTP_NO_OVERLOAD -r "$KVER" -p4 -m "sc_$n" "$f" >"$tmp/$n.ko.path" 2>"$tmp/$n.cerr"; then
		names="$names $n"
		files="$files $(cat "$tmp/$n.ko.path"):/t/$n.ko"
	else
		echo "FAIL: $n: does not compile"; sed 's/^/    /' "$tmp/$n.cerr" | head -n 15
		fails=$((fails + 1))
	fi
done

# one boot: per script, the workload waits in the background for the
# probes, guru-run runs the script until it exits at the end marker
cmd='for m in'"$names"'; do
	sc_calls -w /tmp/sc_calls >/tmp/w.out 2>&1 & w=$!
	guru-run /t/$m.ko >/tmp/o 2>/tmp/e; rc=$?
	wait $w; wrc=$?
	echo "@@@sc begin $m $rc $wrc"; cat /tmp/o
	echo "@@@sc stderr $m"; cat /tmp/e /tmp/w.out
	echo "@@@sc end $m"
done'
# shellcheck disable=SC2086
"$BUILD/vmrun" -r "$KVER" -t 900 "$BUILD/guru-run:/bin/guru-run" \
	"$BUILD/tools/sc_calls:/tools/sc_calls" $files -- "export PATH=/tools:\$PATH; $cmd" \
	>"$tmp/vm.out" 2>"$tmp/vm.err"
vmrc=$?
if [ $vmrc = 125 ]; then
	echo "FAIL: the VM run failed"; tail -n 20 "$tmp/vm.err"
	exit 1
fi
for n in $names; do
	awk -v n="$n" -v out="$tmp/$n.out" -v err="$tmp/$n.err" -v rc="$tmp/$n.rc" '
		$1 == "@@@sc" && $3 == n && $2 == "begin" { f = out; print $4, $5 > rc; printf "" > f; next }
		$1 == "@@@sc" && $3 == n && $2 == "stderr" { f = err; printf "" > f; next }
		$1 == "@@@sc" { f = ""; next }
		f != "" { print > f }' "$tmp/vm.out"
	[ -n "${SYSCALLS_KEEP:-}" ] && [ -f "$tmp/$n.out" ] && cp "$tmp/$n.out" "$SYSCALLS_KEEP/"
	if [ ! -f "$tmp/$n.rc" ]; then
		echo "FAIL: $n: no result from the VM"; fails=$((fails + 1)); continue
	fi
	if [ "$(cat "$tmp/$n.rc")" != "0 0" ] || [ -s "$tmp/$n.err" ]; then
		echo "FAIL: $n: exit status (guru-run, sc_calls) $(cat "$tmp/$n.rc"), stderr:"
		sed 's/^/    /' "$tmp/$n.err" | head -n 10
		fails=$((fails + 1))
	elif ! cmp -s "$DIR/$n.out" "$tmp/$n.out"; then
		echo "FAIL: $n: stdout differs from tests/vm/syscalls/$n.out"
		diff "$DIR/$n.out" "$tmp/$n.out" | head -n 20 | sed 's/^/    /'
		fails=$((fails + 1))
	else
		echo "ok: $n: $(wc -l <"$DIR/$n.out") lines as expected"
	fi
done
[ $fails = 0 ]
