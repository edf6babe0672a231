#!/bin/sh
# bench/inject.sh - inject's injection mechanisms against their peers, in
# one VM run (TCG: absolute figures are emulated; compare the columns).
#  1. requested vs observed added read latency (p50, p99) for 1, 5 and
#     20 ms on /dev/nullb0: inject's bio hold vs dm-delay set the same way
#     (dm-delay needs its own device: /dev/dm-0 over nullb0);
#  2. CPU time per second of injected delay: inject's sleeping trampoline
#     vs a stap-style busy-wait probe (udelay in the handler), 200 openat
#     calls delayed 20 ms each (4 s), CPU of the delayed process (getrusage),
#     against two baseline runs without a module (their spread is the noise);
#  3. throughput of IO the rule does not match (ram0 reads) with a rule
#     armed on nullb0, against no module.
# Prints a table and writes it to $BUILD/bench-inject.txt.
cd "$(dirname "$0")/.." || exit 2
INJECT_ROOT=$(pwd)
. tests/vm/lib_inject.sh
vm_build_module

body='
SZ=$(cat /sys/block/nullb0/size)
insmod /mod/dm-mod.ko 2>/dev/null
insmod /mod/dm-delay.ko
echo "RESULT base $(inj_lat -n 300 /dev/nullb0)"
inj_dmsetup create dly0 "0 $SZ delay /dev/nullb0 0 0" > /dev/null
echo "RESULT dmbase $(inj_lat -n 300 /dev/dm-0)"
inj_dmsetup remove dly0
for d in 1 5 20; do
	n=$((400 / d)); [ $n -lt 60 ] && n=60
	insmod /mod/inject_testmod.ko hook=bio_complete dev=$NULLB ops=1 quant=$((d * 1000000))
	echo "RESULT inj$d $(inj_lat -n $n /dev/nullb0)"
	rmmod inject_testmod
	inj_dmsetup create dly$d "0 $SZ delay /dev/nullb0 0 $d" > /dev/null
	echo "RESULT dm$d $(inj_lat -n $n /dev/dm-0)"
	inj_dmsetup remove dly$d
done
echo x > /tmp/h
echo "RESULT cpubase $(inj_open 200 /tmp/h)"
echo "RESULT cpubase2 $(inj_open 200 /tmp/h)"
insmod /mod/inject_testmod.ko hook=syscall:openat action=delay quant=20000000 comm=inj_open
echo "RESULT cpusleep $(inj_open 200 /tmp/h)"
rmmod inject_testmod
insmod /mod/inject_testmod.ko hook=syscall:openat busywait_us=20000 comm=inj_open
echo "RESULT cpubusy $(inj_open 200 /tmp/h)"
rmmod inject_testmod
echo "RESULT tpbase $(inj_lat -n 3000 /dev/ram0)"
insmod /mod/inject_testmod.ko hook=bio_complete dev=$NULLB ops=3 quant=5000000
echo "RESULT tparmed $(inj_lat -n 3000 /dev/ram0)"
rmmod inject_testmod
'
vm_run bench "$body" || vm_done
T=$BUILD/bench-inject.txt
{
	echo "inject bench ($(date -u +%Y-%m-%dT%H:%MZ), kernel $KVER, QEMU TCG 2 vCPU)"
	echo
	echo "1. Added O_DIRECT 4 KiB read latency on /dev/nullb0 (us; baseline subtracted:"
	echo "   nullb0 p50 $(vm_get p50_us base), dm-delay 0 ms p50 $(vm_get p50_us dmbase))"
	echo
	echo "| requested | inject p50 | inject p99 | dm-delay p50 | dm-delay p99 |"
	echo "|-----------|------------|------------|--------------|--------------|"
	for d in 1 5 20; do
		printf '| %2d ms     | %10d | %10d | %12d | %12d |\n' $d \
			$(($(vm_get p50_us inj$d) - $(vm_get p50_us base))) \
			$(($(vm_get p99_us inj$d) - $(vm_get p50_us base))) \
			$(($(vm_get p50_us dm$d) - $(vm_get p50_us dmbase))) \
			$(($(vm_get p99_us dm$d) - $(vm_get p50_us dmbase)))
	done
	b=$(vm_get cpu_ms cpubase | cut -d. -f1)
	b2=$(vm_get cpu_ms cpubase2 | cut -d. -f1)
	s=$(vm_get cpu_ms cpusleep | cut -d. -f1)
	w=$(vm_get cpu_ms cpubusy | cut -d. -f1)
	[ "$b2" -lt "$b" ] && { t=$b; b=$b2; b2=$t; }
	echo
	echo "2. CPU of the delayed process for 200 x 20 ms = 4 s of injected delay"
	echo "   (baselines without a module: $b and $b2 ms; noise $((b2 - b)) ms)"
	echo "   inject (sleep):         $s ms: $(( (s - b) / 4 )) ms per second of delay (wall $(vm_get wall_ms cpusleep) ms)"
	echo "   busy-wait probe (stap): $w ms: $(( (w - b) / 4 )) ms per second of delay (wall $(vm_get wall_ms cpubusy) ms)"
	if [ $((w - b)) -gt 0 ]; then
		echo "   inject / busy-wait: $(( (s - b) * 1000 / (w - b) ))/1000 (resolution: noise/busy = $(( (b2 - b) * 1000 / (w - b) ))/1000)"
	fi
	echo
	echo "3. Non-matching IO (ram0 reads) with a rule armed on nullb0:"
	echo "   no module: mean $(vm_get mean_us tpbase) us/op ($((1000000 / $(vm_get mean_us tpbase | sed 's/^0$/1/'))) ops/s)"
	echo "   armed:     mean $(vm_get mean_us tparmed) us/op ($((1000000 / $(vm_get mean_us tparmed | sed 's/^0$/1/'))) ops/s)"
} | tee "$T"
vm_done
