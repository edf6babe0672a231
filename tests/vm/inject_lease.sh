#!/bin/sh
# inject_lease.sh - kill -9 of guru-run (the controller) in the VM: the
# module's lease lapses and everything disarms within the lease (2 s) plus
# the check period, every held write completes without error and reads back
# (nullb0 is memory backed), the leftover
# module is removed, and the guest's kernel log stays clean (vm.c checks).
. "$(dirname "$0")/lib_inject.sh"
INJECT=$BUILD/inject
[ -x "$INJECT" ] || skip "$INJECT not built"
OUT=$VM_WORK/lease
mkdir -p "$OUT"
"$INJECT" run --vm -r "$KVER" "$ROOT/tests/vm/scenarios/writes-hang-long.yaml" -- sh -c '
inj_verify -w /dev/nullb0 8 5 > /tmp/w &
W=$!
sleep 1
G=$(pidof guru-run)
t0=$(cut -d" " -f1 /proc/uptime)
kill -9 $G
wait $W
t1=$(cut -d" " -f1 /proc/uptime)
echo "lease t0=$t0 t1=$t1 $(cat /tmp/w) $(inj_verify -r /dev/nullb0 8 5)"
' > "$OUT/out" 2> "$OUT/err"
echo "rc=$?" >> "$OUT/out"
cat "$OUT/out"
VM_OUT=$OUT/out
t0=$(vm_get t0 lease 2>/dev/null || true)
grep -o 't0=[0-9.]* t1=[0-9.]*' "$OUT/out" | head -1 | {
	read -r a b
	a=${a#t0=} b=${b#t1=}
	# centiseconds, /proc/uptime has two decimals; strip leading zeros
	# of the fractions ("08" is not octal to us)
	af=${a#*.} bf=${b#*.}
	af=${af#0} bf=${bf#0}
	ms=$(( (${b%.*} * 100 + ${bf:-0} - ${a%.*} * 100 - ${af:-0}) * 10 ))
	echo "$ms" > "$OUT/ms"
}
ms=$(cat "$OUT/ms" 2>/dev/null)
expect_ge "held writes released after the kill (ms)" "${ms:-0}" 1
expect_le "held writes released within lease + check period + slack (ms)" "${ms:-99999}" 2500
expect_eq "disarmed by the lease" "$(grep -o 'reason=[a-z]*' "$OUT/out" | head -1 | cut -d= -f2)" lease
expect_eq "no write failed" "$(grep -o 'errors=[0-9]*' "$OUT/out" | head -1 | cut -d= -f2)" 0
expect_eq "no held write lost: all 8 read back (nullb0 is memory backed)" \
	"$(grep -o 'verified=[0-9]* bad=[0-9]*' "$OUT/out" | head -1)" "verified=8 bad=0"
expect_eq "inject's status is the command's" "$(grep -o '^rc=[0-9]*' "$OUT/out" | cut -d= -f2)" 0
grep -q 'still loaded' "$OUT/err" && fail "the module was left loaded"
vm_done
