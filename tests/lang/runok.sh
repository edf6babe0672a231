#!/bin/sh
# tests/lang/runok.sh - run the runok scripts in the test VM, in batches.
#
#   tests/lang/runok/NAME.stp    the script
#   tests/lang/runok/NAME.out    its expected stdout, exactly
#   tests/lang/runok/NAME.opts   optional: extra gstap options (-D, -G, -g ...)
#   tests/lang/runok/NAME.guru   optional: guru-run options for the run, as sh
#                                words (-x PID, -c 'CMD': gstap's -x and -c)
#   tests/lang/runok/NAME.err    optional: lines that must each appear in its
#                                stderr; without it stderr must be empty and
#                                guru-run must exit 0
#
# Every script is compiled on the host first (gstap -p4, two at a time);
# then the modules run one after the other in ONE VM boot per batch of
# RUNOK_BATCH scripts (guru-run each), and the outputs come back through
# the VM's stdout between markers. vmrun fails a batch whose kernel log is
# dirty (BUG, WARNING, Oops, ...): every script of that batch then fails.
#
# Usage: tests/lang/runok.sh [NAME...]     (default: every script)
# Environment: GSTAP (default build/gstap), VMRUN (build/vmrun), GURU_RUN
# (build/guru-run), RUNOK_RELEASE (kernel release; default: the VM's),
# RUNOK_BATCH (default 200), RUNOK_JOBS (default 2).
# Prints "ok: NAME" or "FAIL: NAME: why" per script, then "runok: N passed,
# N failed"; exits 1 when anything failed, 77 when the VM cannot run here.

cd "$(dirname "$0")/../.." || exit 2
top=$PWD
dir=tests/lang/runok

# internal: compile one script into $RUNOK_TMP/ko (run by xargs below)
if [ "$1" = --compile-one ]; then
	n=$2 opts=
	[ -f "$dir/$n.opts" ] && opts=$(cat "$dir/$n.opts")
	# shellcheck disable=SC2086
	if ko=$("$GSTAP" -r "$RUNOK_RELEASE" -p4 -m "$n" $opts "$dir/$n.stp" \
		2>"$RUNOK_TMP/res/$n.cerr"); then
		cp "$ko" "$RUNOK_TMP/ko/$n.ko"
	fi
	exit 0
fi

GSTAP=${GSTAP:-build/gstap}
VMRUN=${VMRUN:-build/vmrun}
GURU_RUN=${GURU_RUN:-build/guru-run}
BATCH=${RUNOK_BATCH:-200}
JOBS=${RUNOK_JOBS:-2}
for b in "$GSTAP" "$VMRUN" "$GURU_RUN"; do
	[ -x "$b" ] || { echo "runok.sh: $b is not built" >&2; exit 2; }
done
case $GSTAP in /*) ;; *) GSTAP=$top/$GSTAP ;; esac
if [ -z "$RUNOK_RELEASE" ]; then
	RUNOK_RELEASE=$("$GSTAP" --vm-release 2>/dev/null)
fi
if [ -z "$RUNOK_RELEASE" ]; then
	echo "runok.sh: skipped: no kernel with a build tree for the VM" >&2
	exit 77
fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ko" "$tmp/res"

if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(cd "$dir" && ls *.stp | sed 's/\.stp$//')
fi

# 1. compile every script (pass 4) on the host, JOBS at a time
for n in $names; do echo "$n"; done |
	RUNOK_TMP=$tmp RUNOK_RELEASE=$RUNOK_RELEASE GSTAP=$GSTAP \
	xargs -P "$JOBS" -n 1 sh "$top/tests/lang/runok.sh" --compile-one

# 2. run the built ones in the VM, BATCH per boot
built=
for n in $names; do [ -f "$tmp/ko/$n.ko" ] && built="$built $n"; done
set -- $built
while [ $# -gt 0 ]; do
	batch= files= i=0
	while [ $# -gt 0 ] && [ $i -lt "$BATCH" ]; do
		batch="$batch $1"
		files="$files $tmp/ko/$1.ko:/t/$1.ko"
		[ -f "$dir/$1.guru" ] && files="$files $top/$dir/$1.guru:/t/$1.guru"
		shift
		i=$((i + 1))
	done
	# a section that does not end in a newline gets one, and says so
	cmd='show() { cat "$1"; [ -s "$1" ] && [ -n "$(tail -c 1 "$1")" ] && echo && echo "@@@runok nonl"; }
	for m in'"$batch"'; do
		echo "@@@runok begin $m"
		g=; [ -f /t/$m.guru ] && g=$(cat /t/$m.guru)
		eval "guru-run $g /t/$m.ko" >/tmp/o 2>/tmp/e; rc=$?
		show /tmp/o
		echo "@@@runok stderr $m $rc"
		show /tmp/e
		echo "@@@runok end $m"
	done'
	# shellcheck disable=SC2086
	"$VMRUN" -r "$RUNOK_RELEASE" -t 1200 "$GURU_RUN:/bin/guru-run" $files -- "$cmd" \
		>"$tmp/vm.out" 2>"$tmp/vm.err"
	vmrc=$?
	if [ $vmrc -eq 125 ]; then
		echo "runok.sh: the VM run failed:" >&2
		grep -v '^--- \|^\[' "$tmp/vm.err" | tail -n 15 >&2
		# a dirty kernel log condemns the whole batch; after a timeout or
		# a crash, the scripts that completed keep their results
		if grep -q "kernel log is not clean" "$tmp/vm.err"; then
			for m in $batch; do
				echo "the VM's kernel log is not clean" >"$tmp/res/$m.vmfail"
			done
			continue
		fi
	fi
	awk -v res="$tmp/res" '
		function flush() {
			if (out == "") return
			for (i = 1; i <= n; i++)
				printf "%s%s", buf[i], ((i < n || !nonl) ? "\n" : "") > out
			close(out)
			n = 0; nonl = 0; out = ""
		}
		/^@@@runok begin / { name = $3; out = res "/" name ".out"; printf "" > out; n = 0; next }
		/^@@@runok nonl$/ { nonl = 1; next }
		/^@@@runok stderr / { flush(); print $4 > (res "/" $3 ".rc"); close(res "/" $3 ".rc")
			out = res "/" $3 ".err"; printf "" > out; next }
		/^@@@runok end / { flush(); next }
		out != "" { buf[++n] = $0 }
	' "$tmp/vm.out"
done

# 3. compare
pass=0 fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $1: $2"; }
for n in $names; do
	r=$tmp/res/$n
	if [ ! -f "$tmp/ko/$n.ko" ]; then
		bad "$n" "did not compile"; sed 's/^/    /' "$r.cerr" | head -n 15; continue
	fi
	if [ -f "$r.vmfail" ]; then bad "$n" "$(cat "$r.vmfail")"; continue; fi
	if [ ! -f "$r.rc" ]; then bad "$n" "no result from the VM (hung or crashed here?)"; continue; fi
	ok=1
	if ! cmp -s "$dir/$n.out" "$r.out"; then
		bad "$n" "stdout differs"; diff "$dir/$n.out" "$r.out" | head -n 20 | sed 's/^/    /'
		ok=0
	fi
	if [ -f "$dir/$n.err" ]; then
		while IFS= read -r line; do
			grep -qF -- "$line" "$r.err" || {
				[ $ok = 1 ] && bad "$n" "stderr lacks: $line"
				ok=0
			}
		done <"$dir/$n.err"
		[ $ok = 0 ] && sed 's/^/    stderr: /' "$r.err" | head -n 10
	else
		if [ -s "$r.err" ] || [ "$(cat "$r.rc")" != 0 ]; then
			[ $ok = 1 ] && bad "$n" "exit $(cat "$r.rc"), stderr:"
			sed 's/^/    /' "$r.err" | head -n 10
			ok=0
		fi
	fi
	[ $ok = 1 ] && { pass=$((pass + 1)); echo "ok: $n"; }
done
echo "runok: $pass passed, $fail failed"
[ $fail -eq 0 ]
