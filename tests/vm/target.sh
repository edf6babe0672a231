#!/bin/sh
# target.sh - -x PID and -c CMD (stap's target()), in one VM boot through
# guru-run in the guest, then end to end through gstap --vm.
#
# Checks: with -c, CMD runs and target() is its pid (printed by the script
# and by CMD itself); the end probe runs after CMD exits, and the status is
# the script's (0), not CMD's; CMD is held until the probes are armed (its
# own execve is seen); a probe filtered on pid() == target() sees only
# CMD's syscalls while another process does the same; a line with shell
# syntax runs through /bin/sh; a script that ends first ends CMD; with -x,
# target() is a background process's pid and a filter on it sees only that
# process; gstap --vm -c with -o FILE (CMD's output on stdout, the
# script's in FILE) and gstap --vm -x.
#
# Also entry values in a process .return probe ($param, @entry, $$parms:
# the uretprobe's entry handler), with the probed program run by -c, and
# process.function() without a path, which probes the program of -c.
#
# Prints "ok: ..." / "FAIL: ..." per check; exit 0 when all passed.
. "$(dirname "$0")/lib_gstap.sh"

build() {	# NAME SCRIPT
	ko=$("$BUILD/gstap" -p4 -r "$R" -m "$1" -e "$2" 2>"$W/$1.err") ||
		{ cat "$W/$1.err"; fail "gstap -p4 of $1"; return 1; }
	cp "$ko" "$W/$1.ko"
}
build t_pid 'probe begin { printf("target %d\n", target()) } probe end { printf("end %d\n", target()) }'
build t_exec 'probe syscall.execve { if (pid() == target()) printf("execve %s\n", filename) }'
build t_filter 'probe syscall.openat { if (pid() == target()) printf("%s %s\n", execname(), filename) }'
build t_first 'probe begin { exit() } probe end { printf("script ended\n") }'
build t_x 'global n
probe begin { printf("target %d\n", target()) }
probe syscall.openat {
	if (pid() != target()) next
	if (n++ < 3) printf("%s %s\n", execname(), filename)
	if (n == 3) exit()
}'

T=$BUILD/tools/gstap_target
build t_uret "probe process(\"$T\").function(\"gstap_target_fn\").return {
	printf(\"x=%d entry=%d ret=%d parms %s comm=%s\\n\", \$x, @entry(\$x * 10), \$return, \$\$parms,
	       @entry(execname()))
}"

# process.function() without a path: the program of -c (stap's rule)
ko=$("$BUILD/gstap" -p4 -r "$R" -m t_proc -c "$T 2" -e 'probe process.function("gstap_target_fn") {
	printf("fn %d\n", $x)
}' 2>"$W/t_proc.err") && cp "$ko" "$W/t_proc.ko" || { cat "$W/t_proc.err"; fail "gstap -p4 of t_proc"; }

cat > "$W/guest.sh" <<GUEST
T=$T
GUEST
cat >> "$W/guest.sh" <<'GUEST'
cd /root
echo marker > /root/tgt_marker
echo noise > /root/noise
# another process opening a file all the time: the filters must not see it
( while :; do read y < /root/noise; sleep 0.01; done ) & noise=$!

# -c: target() is CMD's pid; the end probe after CMD's exit; status 0
guru-run -c "sh -c 'echo cmd \$\$; sleep 1; exit 3'" t_pid.ko >o 2>e; st=$?
t=$(sed -n 's/^target //p' o) c=$(sed -n 's/^cmd //p' o)
[ -n "$t" ] && [ "$t" = "$c" ] && echo "ok: -c: target() ($t) is the command's pid" ||
	{ echo "FAIL: -c: target() '$t', command's pid '$c'"; cat o e; }
[ "$(tail -n 1 o)" = "end $t" ] && echo "ok: -c: end probe after the command exited" ||
	{ echo "FAIL: -c: last line is not the end probe's"; cat o; }
[ $st = 0 ] && echo "ok: -c: status is the script's (0), not the command's (3)" ||
	echo "FAIL: -c: status $st"

# guru-run -o FILE (gstap -o): the script's output in FILE, the command's
# on stdout
guru-run -o out.txt -c "sh -c 'echo cmd \$\$'" t_pid.ko >o 2>e; st=$?
c=$(sed -n 's/^cmd //p' o)
[ -n "$c" ] && [ "$(cat out.txt)" = "$(printf 'target %s\nend %s' $c $c)" ] && [ $st = 0 ] &&
	echo "ok: -o FILE with -c: the script's output in FILE, the command's on stdout" ||
	{ echo "FAIL: -o FILE with -c (status $st)"; cat o out.txt e; }

# the command is held until the probes are armed: its own execve is seen
guru-run -c 'true' t_exec.ko >o 2>e; st=$?
grep -q '^execve .*/true' o && [ $st = 0 ] && echo "ok: -c: the command's execve is seen" ||
	{ echo "FAIL: -c: no execve of the command (status $st)"; cat o e; }

# pid() == target() sees the command's opens only (grep -q prints
# nothing: a command writing to the same file races guru-run's writes)
guru-run -c 'grep -q marker /root/tgt_marker' t_filter.ko >o 2>e; st=$?
grep -q '^grep .*/root/tgt_marker' o && echo "ok: -c: filter sees the command's openat" ||
	{ echo "FAIL: -c: filter missed the command's openat"; cat o e; }
grep -qv '^grep ' o && { echo "FAIL: -c: filter let other processes through"; cat o; } ||
	echo "ok: -c: filter sees nothing but the command ($(grep -c . o) lines)"
grep -q noise o && echo "FAIL: -c: the other process's opens were seen" ||
	echo "ok: -c: the other process's opens were not seen"

# shell syntax runs through /bin/sh
guru-run -c 'echo piped | tr a-z A-Z' t_pid.ko >o 2>e; st=$?
grep -q '^PIPED$' o && [ $st = 0 ] && echo "ok: -c: shell syntax runs through /bin/sh" ||
	{ echo "FAIL: -c with a pipe (status $st)"; cat o e; }

# the script ends first: the command goes with it
start=$(cut -d. -f1 /proc/uptime)
guru-run -c 'sleep 60' t_first.ko >o 2>e; st=$?
took=$(( $(cut -d. -f1 /proc/uptime) - start ))
grep -q 'script ended' o && [ $st = 0 ] && [ $took -lt 30 ] && ! pidof sleep >/dev/null &&
	echo "ok: -c: a script that exits first ends the command (${took} s)" ||
	{ echo "FAIL: -c: script ending first (status $st, ${took} s)"; cat o e; ps; }

# -x: a background process's pid
( while :; do read x < /root/tgt_marker; sleep 0.01; done ) & bg=$!
guru-run -x $bg t_x.ko >o 2>e; st=$?
kill $bg
[ "$(sed -n 's/^target //p' o)" = "$bg" ] && echo "ok: -x: target() is the pid given" ||
	{ echo "FAIL: -x: target() is not $bg"; cat o e; }
[ "$(grep -c '^sh .*/root/tgt_marker' o)" = 3 ] && [ $st = 0 ] &&
	echo "ok: -x: filter sees the process's opens only" ||
	{ echo "FAIL: -x: filtered opens (status $st)"; cat o e; }
guru-run -x 0 t_x.ko >o 2>e; st=$?
[ $st = 2 ] && echo "ok: guru-run -x 0 is a usage error" || echo "FAIL: guru-run -x 0: status $st"
# entry values at a uprobe's return: gstap_target 4 calls gstap_target_fn(0..3)
guru-run -c "$T 4" t_uret.ko >o 2>e; st=$?
printf '12\nx=0 entry=0 ret=0 parms x=0x0 comm=gstap_target\nx=1 entry=10 ret=2 parms x=0x1 comm=gstap_target\nx=2 entry=20 ret=4 parms x=0x2 comm=gstap_target\nx=3 entry=30 ret=6 parms x=0x3 comm=gstap_target\n' >x
sort o >o.sorted; sort x >x.sorted
cmp -s x.sorted o.sorted && [ $st = 0 ] && [ ! -s e ] &&
	echo "ok: process .return: \$x, @entry() of a number and a string, \$\$parms are the values at entry" ||
	{ echo "FAIL: process .return entry values (status $st)"; echo "--- expected"; cat x; echo "--- got"; cat o e; }
guru-run -c "$T 2" t_proc.ko >o 2>e; st=$?
printf '2\nfn 0\nfn 1\n' >x
sort o >o.sorted; sort x >x.sorted
cmp -s x.sorted o.sorted && [ $st = 0 ] && [ ! -s e ] &&
	echo "ok: process.function() without a path probes the program of -c" ||
	{ echo "FAIL: process.function() of -c's program (status $st)"; cat o e; }
kill $noise
l=$(grep -E '^t_' /proc/modules | cut -d' ' -f1)
[ -z "$l" ] && echo "ok: no module left" || echo "FAIL: left loaded: $l"
GUEST

out=$("$BUILD/vmrun" -r "$R" \
	"$BUILD/guru-run:/bin/guru-run" "$W/guest.sh:/root/guest.sh" "$T:$T" \
	$(for k in "$W"/*.ko; do echo "$k:/root/$(basename "$k")"; done) \
	-- 'sh /root/guest.sh' 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] || fail "the VM run (status $rc: boot, timeout or dirty kernel log)"
n=$(echo "$out" | grep -c '^FAIL')
FAILS=$((FAILS + n))

# end to end: gstap --vm -c with -o FILE, then -x
# (the command's output does not end with a newline: still apart)
"$BUILD/gstap" --vm -r "$R" -o "$W/o.txt" -c "sh -c 'printf \"cmd %s\" \$\$'" \
	-e 'probe begin { printf("target %d\n", target()) } probe end { println("end") }' \
	>"$W/c.out" 2>"$W/c.err"
st=$?
o=$(cat "$W/c.out")
c=$(sed -n 's/^cmd //p' "$W/c.out")
if [ $st = 0 ] && [ -n "$c" ] && [ "$(wc -l < "$W/c.out")" = 0 ] &&
	[ "$(cat "$W/o.txt")" = "$(printf 'target %s\nend' "$c")" ]; then
	echo "ok: gstap --vm -c -o FILE: the command's output on stdout, target() $c in the file"
else
	fail "gstap --vm -c -o: status $st, stdout '$o', file '$(cat "$W/o.txt" 2>/dev/null)'"
	cat "$W/c.err"
fi
o=$("$BUILD/gstap" --vm -r "$R" -x 1 -e 'probe begin { printf("target %d\n", target()) exit() }' 2>"$W/x.err")
st=$?
[ $st = 0 ] && [ "$o" = "target 1" ] && echo "ok: gstap --vm -x 1" ||
	{ fail "gstap --vm -x 1: status $st, stdout '$o'"; cat "$W/x.err"; }
o=$("$BUILD/gstap" -x 1 -c true -e 'probe begin { exit() }' 2>&1)
st=$?
[ $st = 2 ] && echo "$o" | grep -q "can't specify -c and -x" && echo "ok: gstap -c with -x is a usage error" ||
	fail "gstap -c -x: status $st, '$o'"
[ "$FAILS" = 0 ]
