#!/bin/sh
# probes.sh - every probe kind's registration and the runtime's limits,
# in one VM boot: gstap builds each script on the host (-p4), the guest
# runs them with guru-run and compares their output.
#
# Probe kinds: timer.ms, timer.jiffies().randomize(), timer.profile,
# kernel.function (entry, $param), .return ($return), kprobe .maxactive,
# module("null_blk").function, kernel.trace, process().function (uprobe)
# and its .return. Limits: MAXACTION, MAXNESTING, MAXSKIPPED (through
# MINSTACKSPACE), overload detection, MAXERRORS, lost output reported.
# Arming under load: a kernel.function probe armed and disarmed 20 times
# while both CPUs call the probed function (inject/vm.c tcg_accel() says
# why this crashed guests under multi-threaded TCG).
# After each run no module of ours is left loaded; the VM runner fails the
# boot on a dirty kernel log.
. "$(dirname "$0")/lib_gstap.sh"
T=$BUILD/tools/gstap_target G=$BUILD/tools/gstap_getppid
[ -x "$T" ] && [ -x "$G" ] || { echo "FAIL: $T or $G not built"; exit 1; }

build() {	# NAME SCRIPT [gstap options]
	n=$1 s=$2
	shift 2
	ko=$("$BUILD/gstap" -p4 -r "$R" -m "$n" "$@" -e "$s" 2>"$W/$n.err") ||
		{ cat "$W/$n.err"; fail "gstap -p4 of $n"; return 1; }
	cp "$ko" "$W/$n.ko"
}
build p_timer 'global n probe timer.ms(20) { if (++n == 3) { printf("tick %d\n", n); exit() } }'
build p_jiffies 'global n probe timer.jiffies(2).randomize(1) { if (++n == 5) { printf("jiffies %d\n", n); exit() } }'
build p_profile 'global n probe timer.profile { if (++n == 10) exit() } probe end { printf("profile %d\n", n >= 10) }'
build p_kfunc 'probe kernel.function("vfs_read") { printf("vfs_read count>0 %d\n", $count > 0); exit() }'
build p_kret 'probe kernel.function("vfs_read").return { printf("returned %d\n", $return >= 0); exit() }'
build p_maxact 'probe kprobe.function("vfs_read").return.maxactive(20) { printf("kprobe return\n"); exit() }'
build p_module 'probe module("null_blk").function("null_queue_rq") { printf("null_blk request\n"); exit() }'
build p_trace 'probe kernel.trace("sched:sched_process_exec") { printf("exec\n"); exit() }'
build p_uprobe "probe process(\"$T\").function(\"gstap_target_fn\") { printf(\"fn %d\\n\", \$x); if (\$x == 2) exit() }"
build p_uret "probe process(\"$T\").function(\"gstap_target_fn\").return { printf(\"ret %d\\n\", \$return); if (\$return == 4) exit() }"
build l_maxaction 'probe begin { while (1) { } }'
build l_nesting 'function f(n) { return f(n + 1) } probe begin { f(1) }'
build l_skipped 'probe kernel.function("vfs_read") { printf("never\n") }' -DMINSTACKSPACE=100000
build l_overload 'probe kernel.function("vfs_read") { for (i = 0; i < 200; i++) { } }' \
	-DSTP_OVERLOAD_THRESHOLD=100000 -DSTP_OVERLOAD_INTERVAL=200000000 -DMAXACTION=100000
build l_maxerrors 'global n probe timer.ms(5) { n++; error(sprintf("e%d", n)) } probe error { printf("errors ran %d\n", n) }' -DMAXERRORS=2
build p_armload 'global n probe kernel.function("__do_sys_getppid") { if (++n == 1000) exit() } probe end { printf("hit %d\n", n >= 1000) }'
build l_lost 'probe begin { for (i = 0; i < 3000; i++) printf("line %d\n", i); exit() }' \
	-DSTP_BUFFER_SIZE=16384 -DMAXACTION=100000

cat > "$W/guest.sh" <<GUEST
T=$T
GUEST
cat >> "$W/guest.sh" <<'GUEST'
cd /root
ours() { grep -E '^(p_|l_)' /proc/modules | cut -d' ' -f1 | tr '\n' ' '; }
run() {	# NAME: guru-run it (30 s at most), output in NAME.out / NAME.err
	timeout 30 guru-run "$1.ko" >"$1.out" 2>"$1.err"
	echo $? >"$1.st"
	l=$(ours); [ -z "$l" ] || echo "FAIL: $1: left loaded: $l"
}
expect() {	# NAME TEXT: stdout is exactly TEXT (one line), status 0
	if [ "$(cat "$1.out")" = "$2" ] && [ "$(cat "$1.st")" = 0 ]; then echo "ok: $1"; else
		echo "FAIL: $1: status $(cat "$1.st"), expected '$2', got:"; cat "$1.out" "$1.err"; fi
}
expect_err() {	# NAME REGEX: stderr matches, status 1
	if grep -qE "$2" "$1.err" && [ "$(cat "$1.st")" = 1 ]; then echo "ok: $1"; else
		echo "FAIL: $1: status $(cat "$1.st"), expected stderr /$2/, got:"; cat "$1.out" "$1.err"; fi
}

# an idle guest reads nothing: keep vfs_read busy for the kprobe tests
(while :; do read -r x </proc/uptime; sleep 0.02; done) & reader=$!
# (busybox cat copies with sendfile: it does not call vfs_read)
run p_timer; expect p_timer "tick 3"
run p_jiffies; expect p_jiffies "jiffies 5"
run p_profile; expect p_profile "profile 1"
run p_kfunc; expect p_kfunc "vfs_read count>0 1"
run p_kret; expect p_kret "returned 1"
run p_maxact; expect p_maxact "kprobe return"
(sleep 2; dd if=/dev/nullb0 of=/dev/null bs=4096 count=4 iflag=direct 2>/dev/null) &
run p_module; expect p_module "null_blk request"
(sleep 2; /bin/true) &
run p_trace; expect p_trace "exec"
(sleep 2; $T 5 >/dev/null) &
run p_uprobe; expect p_uprobe "$(printf 'fn 0\nfn 1\nfn 2')"
(sleep 2; $T 5 >/dev/null) &
run p_uret; expect p_uret "$(printf 'ret 0\nret 2\nret 4')"

run l_maxaction; expect_err l_maxaction '^ERROR: MAXACTION exceeded near '
run l_nesting; expect_err l_nesting '^ERROR: MAXNESTING exceeded near '
run l_skipped; expect_err l_skipped '^ERROR: Skipped too many probes'
grep -q 'skipped probes: 10[0-9]' l_skipped.err && echo "ok: skipped count reported" ||
	{ echo "FAIL: skipped count"; cat l_skipped.err; }
run l_overload; expect_err l_overload '^ERROR: probe overhead \([0-9]+ cycles\) exceeded threshold'
run l_maxerrors
[ "$(grep -c '^ERROR: e[0-9]' l_maxerrors.err)" = 3 ] && [ "$(cat l_maxerrors.st)" = 1 ] &&
	grep -q '^errors ran 3$' l_maxerrors.out && echo "ok: MAXERRORS=2 ends at the 3rd error, error probe runs" ||
	{ echo "FAIL: MAXERRORS"; cat l_maxerrors.out l_maxerrors.err; }
run l_lost
n=$(wc -l < l_lost.out)
grep -q 'bytes of output lost' l_lost.err && [ "$n" -lt 3000 ] && [ "$n" -gt 100 ] &&
	echo "ok: lost output reported ($n of 3000 lines arrived)" ||
	{ echo "FAIL: lost output: $n lines"; cat l_lost.err; }
kill $reader

# arm and disarm while both CPUs run the probed function
(while :; do gstap_getppid 100000 >/dev/null; done) & l1=$!
(while :; do gstap_getppid 100000 >/dev/null; done) & l2=$!
i=0 hits=0
while [ $i -lt 20 ]; do
	# it ends itself after 1000 hits: disarmed while the loops still call
	timeout 30 guru-run p_armload.ko >p_armload.out 2>p_armload.err
	grep -q '^hit 1$' p_armload.out && hits=$((hits + 1))
	i=$((i + 1))
done
kill $l1 $l2
[ $hits = 20 ] && echo "ok: armed and disarmed 20 times under load, 1000 hits each time" ||
	{ echo "FAIL: arm under load: $hits of 20 runs saw 1000 hits"; cat p_armload.out p_armload.err; }
GUEST

out=$("$BUILD/vmrun" -r "$R" \
	"$BUILD/guru-run:/bin/guru-run" "$W/guest.sh:/root/guest.sh" "$T:$T" "$G:/bin/gstap_getppid" \
	$(for k in "$W"/*.ko; do echo "$k:/root/$(basename "$k")"; done) \
	-- 'sh /root/guest.sh' 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] || fail "the VM run (status $rc: boot, timeout or dirty kernel log)"
[ "$FAILS" = 0 ] && ! echo "$out" | grep -q '^FAIL'
