#!/bin/sh
# basic.sh - the kernel path in one VM boot: gstap-built modules and the
# hand-written fixture (tests/vm/fixtures/hello.c) run by guru-run.
#
# Checks: hello world (output, status); an end probe printing after exit();
# an end probe's output after SIGTERM to guru-run; a run-time error's
# message and status; stdout and stderr kept apart; guru-run -d of a
# leftover; the lease lapsing ends a script by itself; and after every
# run no module of ours is left loaded. The VM runner fails the boot on a
# dirty kernel log (BUG, WARNING, Oops, lockups, panic).
#
# Prints "ok: ..." / "FAIL: ..." per check; exit 0 when all passed.
. "$(dirname "$0")/lib_gstap.sh"

# gstap-built modules (pass 4 only, on the host), named so the guest knows them
build() {	# NAME SCRIPT [gstap options]
	n=$1 s=$2
	shift 2
	ko=$("$BUILD/gstap" -p4 -r "$R" -m "$n" "$@" -e "$s" 2>"$W/$n.err") ||
		{ cat "$W/$n.err"; fail "gstap -p4 of $n"; return 1; }
	cp "$ko" "$W/$n.ko"
}
build t_hello 'probe begin { log("hello world") exit() }'
build t_endexit 'probe begin { printf("begin\n") exit() } probe end { printf("end after exit\n") }'
build t_endsig 'probe begin { printf("started\n") } probe end { printf("end after signal\n") }'
build t_error 'probe begin { error("boom") } probe end { printf("no end\n") }'

# the hand-written fixture, twice: with exit() and stopped by a signal
fixture() {	# NAME CFLAGS
	d=$W/fx_$1
	mkdir -p "$d"
	cp "$ROOT/tests/vm/fixtures/hello.c" "$d/$1.c"
	# the feature header gstap wrote for this release (build above ran gstap)
	f=$(ls -t "${XDG_CACHE_HOME:-$HOME/.cache}"/inject/features/"$R"-*.h 2>/dev/null | head -1)
	[ -n "$f" ] || { fail "no feature header cached for $R"; return 1; }
	cp "$f" "$d/stp_features.h"
	printf 'obj-m := %s.o\nccflags-y := -I$(src) -I%s -DSTP_MODULE_NAME=%s %s\n' \
		"$1" "$ROOT/guru-runtime" "'\"$1\"'" "$2" > "$d/Kbuild"
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "/lib/modules/$R/build" M="$d" \
		CONFIG_DEBUG_INFO_BTF_MODULES= modules \
		>"$d/log" 2>&1 || { cat "$d/log"; fail "fixture $1 does not build"; return 1; }
	grep -q warning "$d/log" && { cat "$d/log"; fail "fixture $1 builds with warnings"; }
	cp "$d/$1.ko" "$W/$1.ko"
}
fixture fx_exit ""
fixture fx_sig "-DHELLO_NO_EXIT"
fixture fx_lease "-DHELLO_NO_EXIT -DSTP_LEASE_TIMEOUT_MS=1000"

cat > "$W/guest.sh" <<'GUEST'
cd /root
ours() { grep -E '^(t_|fx_)' /proc/modules | cut -d' ' -f1 | tr '\n' ' '; }
check() {	# NAME EXPECTED-FILE ACTUAL-FILE
	if cmp -s "$2" "$3"; then echo "ok: $1"; else
		echo "FAIL: $1"; echo "--- expected"; cat "$2"; echo "--- got"; cat "$3"; fi
}
status() {	# NAME WANT GOT
	[ "$2" = "$3" ] && echo "ok: $1" || echo "FAIL: $1: status $3, expected $2"
}
noleft() {
	l=$(ours); [ -z "$l" ] && echo "ok: $1: no module left" || echo "FAIL: $1: left loaded: $l"
}

guru-run t_hello.ko >o 2>e; st=$?
printf 'hello world\n' >x; check "hello world output" x o; status "hello world status" 0 $st
[ -s e ] && { echo "FAIL: hello world stderr not empty:"; cat e; } || echo "ok: hello world stderr empty"
noleft "hello world"

guru-run t_endexit.ko >o 2>e; st=$?
printf 'begin\nend after exit\n' >x; check "end probe after exit()" x o; status "end probe after exit() status" 0 $st
noleft "end probe after exit()"

rm -f o; guru-run t_endsig.ko >o 2>e & pid=$!
i=0; while [ ! -s o ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
kill -TERM $pid; wait $pid; st=$?
printf 'started\nend after signal\n' >x; check "end probe after SIGTERM" x o; status "SIGTERM status" 0 $st
noleft "SIGTERM"

guru-run t_error.ko >o 2>e; st=$?
status "run-time error status" 1 $st
grep -q '^ERROR: boom' e && echo "ok: error() message on stderr" || { echo "FAIL: error() message"; cat e; }
grep -q 'no end' o && echo "FAIL: end probe ran after an error (stap skips it)" || echo "ok: end probe skipped after an error"
noleft "run-time error"

guru-run fx_exit.ko >o 2>e; st=$?
printf 'first\nhello world\nend after >=3 ticks\n' >x; check "fixture: begin order, timer, exit, end" x o
printf 'WARNING: to stderr\n' >x; check "fixture: stderr apart from stdout" x e
status "fixture status" 0 $st
noleft "fixture"

guru-run fx_sig.ko >o 2>e & pid=$!
sleep 1; kill -INT $pid; wait $pid; st=$?
printf 'first\nhello world\nend after >=3 ticks\n' >x; check "fixture: SIGINT runs end probes" x o
noleft "fixture SIGINT"

insmod fx_sig.ko
echo start > /proc/gstap-fx_sig/ctl
guru-run -d '*'; st=$?
status "guru-run -d '*' status" 0 $st
noleft "guru-run -d '*'"

# load errors are explained in one line
insmod t_hello.ko
guru-run t_hello.ko >o 2>e; st=$?
status "load error status" 1 $st
grep -q "already loaded" e && echo "ok: an already loaded module is explained" || { echo "FAIL: EEXIST message"; cat e; }
rmmod t_hello
echo "not a module" > bad.ko
guru-run bad.ko >o 2>e; st=$?
grep -q "invalid module format" e && [ $st = 1 ] && echo "ok: a bad module file is explained" ||
	{ echo "FAIL: ENOEXEC message (status $st)"; cat e; }
noleft "load errors"

insmod fx_lease.ko
echo start > /proc/gstap-fx_lease/ctl
echo lease > /proc/gstap-fx_lease/ctl
cat /proc/gstap-fx_lease/out > o	# EOF only once the lease lapsed and end probes ran
grep -q "lease lapsed" o && grep -q "end after" o && echo "ok: lapsed lease ends the script" ||
	{ echo "FAIL: lapsed lease"; cat o; }
rmmod fx_lease
noleft "lease"
GUEST

out=$("$BUILD/vmrun" -r "$R" \
	"$BUILD/guru-run:/bin/guru-run" "$W/guest.sh:/root/guest.sh" \
	$(for k in "$W"/*.ko; do echo "$k:/root/$(basename "$k")"; done) \
	-- 'sh /root/guest.sh' 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] || fail "the VM run (status $rc: boot, timeout or dirty kernel log)"

# the product path itself: gstap --vm, all five passes, -o FILE, the status
o=$("$BUILD/gstap" --vm -r "$R" -v -o "$W/o.txt" -e 'probe begin { log("to a file") exit() }' 2>"$W/v.err")
st=$?
if [ $st = 0 ] && [ -z "$o" ] && [ "$(cat "$W/o.txt")" = "to a file" ] &&
	[ "$(grep -c '^Pass [1-5]: ' "$W/v.err")" -ge 6 ]; then
	echo "ok: gstap --vm -v -o FILE: five passes, output in the file, status 0"
else
	fail "gstap --vm -o: status $st, stdout '$o', file '$(cat "$W/o.txt" 2>/dev/null)'"
	cat "$W/v.err"
fi
o=$("$BUILD/gstap" --vm -r "$R" -e 'probe begin { error("bad") }' 2>"$W/e.err")
st=$?
if [ $st = 1 ] && grep -q '^ERROR: bad' "$W/e.err"; then
	echo "ok: gstap --vm exits 1 after a run-time error"
else
	fail "gstap --vm after error(): status $st"
	cat "$W/e.err"
fi
n=$(echo "$out" | grep -c '^FAIL')
FAILS=$((FAILS + n))
[ "$FAILS" = 0 ]
