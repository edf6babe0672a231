#!/bin/sh
# tvar.sh - target variables read the right values, in one VM boot: one
# gstap-built module whose probes read what tests/tools/tvar_target does
# with known arguments (pread(fd, buf, 1234, 77) of a file named
# tvar-file; tvar_target_fn(-5, "hi", 42) returning 39).
#
# Checks, each against the value the program passed: kernel.function
# parameters ($count, $pos[0]), member chains through pointers and
# embedded structs ($file->f_path->dentry->d_name->name), a char array
# (d_iname), @cast, $$parms' layout; in a .return probe $return, a
# parameter's entry value and @entry(); a tracepoint's arguments
# (sched_process_exec: $p->comm$, $bprm->filename); bitfields
# (udp_sendmsg: $sk->sk_userlocks, $sk->sk_no_check_tx); a member of a
# struct passed by value (from_kuid_munged: $kuid->val); a process probe's
# DWARF parameters ($a, $b, $$parms, $return) and user memory through them
# ($s$, $p->x, $p->y). (Entry values in a process .return probe are not
# checked: pass 3 has no entry handler for uretprobes yet.)
. "$(dirname "$0")/lib_gstap.sh"
T=$BUILD/tools/tvar_target
[ -x "$T" ] || { echo "FAIL: $T not built"; exit 1; }

cat > "$W/t_tvar.stp" <<STP
global seen
function done(what) {
	seen[what] = 1
	n = 0
	foreach (k in seen)
		n++
	if (n == 7)
		exit()
}
probe begin { printf("ready\n") }
probe kernel.function("vfs_read") {
	if (execname() == "tvar_target" && \$count == 1234 && !("read" in seen)) {
		printf("count %d pos %d\n", \$count, \$pos[0])
		printf("name %s iname %s len %d\n",
		       kernel_string(\$file->f_path->dentry->d_name->name),
		       kernel_string(\$file->f_path->dentry->d_iname),
		       @cast(\$file, "struct file")->f_path->dentry->d_name->len)
		printf("parms %s\n", \$\$parms)
		done("read")
	}
}
probe kernel.function("vfs_read").return {
	if (execname() == "tvar_target" && \$return == 1234 && !("return" in seen)) {
		printf("return %d count %d pos %d\n", \$return, \$count, @entry(\$pos[0]))
		done("return")
	}
}
probe kernel.trace("sched:sched_process_exec") {
	if (kernel_string(\$p->comm) == "tvar_target" && !("exec" in seen)) {
		printf("exec %s %s\n", kernel_string(\$bprm->filename), \$p->comm\$)
		done("exec")
	}
}
probe kernel.function("udp_sendmsg") {
	if (execname() == "tvar_target" && !("udp" in seen)) {
		printf("udp locks %d nocheck %d len %d\n", \$sk->sk_userlocks, \$sk->sk_no_check_tx,
		       \$len)
		done("udp")
	}
}
probe kernel.function("from_kuid_munged") {
	if (execname() == "tvar_target" && \$kuid->val == 1234 && !("kuid" in seen)) {
		printf("kuid %d\n", \$kuid->val)
		done("kuid")
	}
}
probe process("$T").function("tvar_target_fn") {
	printf("fn %d %d %s\n", \$a, \$b, \$\$parms)
	printf("fn user %s %d %d\n", \$s\$, \$p->x, \$p->y)
	done("fn")
}
probe process("$T").function("tvar_target_fn").return {
	printf("fnret %d\n", \$return)
	done("fnret")
}
STP
ko=$("$BUILD/gstap" -p4 -r "$R" -m t_tvar "$W/t_tvar.stp" 2>"$W/t_tvar.err") ||
	{ cat "$W/t_tvar.err"; echo "FAIL: gstap -p4 of the target-variable script"; exit 1; }
cp "$ko" "$W/t_tvar.ko"

cat > "$W/guest.sh" <<GUEST
T=$T
GUEST
cat >> "$W/guest.sh" <<'GUEST'
cd /root
timeout 60 guru-run t_tvar.ko >o 2>e &
pid=$!
i=0; while ! grep -q ready o 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
$T tvar-file >prog.out
wait $pid; st=$?
echo "--- script output (status $st)"; cat o; echo "--- stderr"; cat e; echo "--- program"; cat prog.out
has() {	# NAME REGEX
	grep -qE "$2" o && echo "ok: $1" || echo "FAIL: $1: no line matching /$2/"
}
[ $st = 0 ] && echo "ok: script ended by itself after every event" || echo "FAIL: status $st"
has "parameters \$count and \$pos[0]" '^count 1234 pos 77$'
has "member chain, char array and @cast" '^name tvar-file iname tvar-file len 9$'
has "\$\$parms layout" '^parms file=0x[0-9a-f]{8,} buf=0x[0-9a-f]+ count=0x4d2 pos=0x[0-9a-f]{8,}$'
has "\$return, entry values and @entry in a .return probe" '^return 1234 count 1234 pos 77$'
has "tracepoint arguments" '^exec [^ ]*/tvar_target "tvar_target"$'
has "process probe DWARF parameters" '^fn -5 42 a=0xfffffffffffffffb s=0x[0-9a-f]+ b=0x2a p=0x[0-9a-f]+$'
has "process probe: user string and struct through pointers" '^fn user "hi" 7 8$'
has "process probe \$return" '^fnret 54$'
has "bitfields" '^udp locks 3 nocheck 1 len 3$'
has "a struct passed by value in a register" '^kuid 1234$'
GUEST

out=$("$BUILD/vmrun" -r "$R" \
	"$BUILD/guru-run:/bin/guru-run" "$W/guest.sh:/root/guest.sh" "$T:$T" \
	"$W/t_tvar.ko:/root/t_tvar.ko" -- 'sh /root/guest.sh' 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] || fail "the VM run (status $rc: boot, timeout or dirty kernel log)"
[ "$FAILS" = 0 ] && ! echo "$out" | grep -q '^FAIL'
