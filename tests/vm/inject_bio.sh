#!/bin/sh
# inject_bio.sh - bio hooks on /dev/nullb0 (blk-mq) in the VM, with numbers:
#  1. read completions delayed, lognormal median 5 ms (sigma 0.5), on
#     nullb0 (blk-mq) and ram0 (bio-based): the
#     observed p50/p90/p99 of O_DIRECT reads match the delays the seeded
#     rule requested (inj_predict -d, the runtime's own arithmetic) to
#     within the tolerance justified below, never early, and those
#     are within sampling error of the distribution itself;
#  2. writes on the same device are untouched by a read rule;
#  3. hang on writes, then "stop": every held write completes at once
#     (under 0.5 s), none is lost (all read back);
#  4. rmmod under a delayed write load: unload is clean, nothing lost;
#  5. error at submission on a sector range: only reads there fail.
. "$(dirname "$0")/lib_inject.sh"
vm_build_module

Q=$(python3 -c "
from statistics import NormalDist
import math
g=[0,0.001,0.002,0.005,0.01,0.02,0.03,0.05,0.075,0.1,0.15,0.2,0.25,0.3,0.35,0.4,0.45,0.5,0.55,0.6,0.65,0.7,0.75,0.8,0.85,0.9,0.925,0.95,0.97,0.98,0.99,0.995,0.999,0.9999]
N=NormalDist()
print(','.join(str(int(5e6*math.exp(0.5*N.inv_cdf(min(max(p,1e-6),1-1e-6))))) for p in g))") ||
	skip "python3 is needed on the host for the quantile table"

body='
up() { cut -d" " -f1 /proc/uptime; }
echo "RESULT base $(inj_lat -n 300 /dev/nullb0)"
echo "RESULT basew $(inj_lat -w -n 100 /dev/nullb0)"
insmod /mod/inject_testmod.ko hook=bio_complete dev=$NULLB ops=1 seed=7 quant='$Q'
echo "RESULT jitter $(inj_lat -n 400 /dev/nullb0)"
echo "RESULT jitterw $(inj_lat -w -n 100 /dev/nullb0)"
echo "RESULT jitterstats $(grep rule= /sys/module/inject_testmod/parameters/report)"
rmmod inject_testmod
echo "RESULT rambase $(inj_lat -n 300 /dev/ram0)"
insmod /mod/inject_testmod.ko hook=bio_complete dev=$RAM0 ops=1 seed=7 quant='$Q'
echo "RESULT ramjitter $(inj_lat -n 400 /dev/ram0)"
rmmod inject_testmod

insmod /mod/inject_testmod.ko hook=bio_complete dev=$NULLB ops=2 action=hang hang_ms=8000
inj_verify -w /dev/nullb0 64 0x11 > /tmp/w1 &
W=$!
sleep 1
T0=$(up)
echo "RESULT beforestop $(grep scenario= /sys/module/inject_testmod/parameters/report)"
echo 1 > /sys/module/inject_testmod/parameters/stop
echo "RESULT afterstop $(grep scenario= /sys/module/inject_testmod/parameters/report)"
wait $W
T1=$(up)
echo "RESULT stop $(cat /tmp/w1) cs=$(echo "($T1 - $T0) * 100" | bc 2>/dev/null || echo $T0:$T1)"
echo "RESULT stopstate $(grep scenario= /sys/module/inject_testmod/parameters/report)"
echo "RESULT stopverify $(inj_verify -r /dev/nullb0 64 0x11)"
rmmod inject_testmod

insmod /mod/inject_testmod.ko hook=bio_complete dev=$NULLB ops=3 quant=2000000
inj_verify -w /dev/nullb0 3000 0x22 > /tmp/w2 &
W=$!
sleep 1
T0=$(up)
rmmod inject_testmod
T1=$(up)
wait $W
echo "RESULT unload rc=$? $(cat /tmp/w2) t0=$T0 t1=$T1"
echo "RESULT unloadverify $(inj_verify -r /dev/nullb0 3000 0x22)"

insmod /mod/inject_testmod.ko hook=bio_submit dev=/dev/nullb0 ops=1 action=error sector_first=800 sector_last=815
echo "RESULT flaky0 $(inj_lat -n 100 -s 1 /dev/nullb0)"
dd if=/dev/nullb0 of=/dev/null bs=4096 skip=100 count=1 iflag=direct 2>/dev/null && echo "RESULT flakydd rc=0" || echo "RESULT flakydd rc=1"
dd if=/dev/nullb0 of=/dev/null bs=4096 skip=99 count=1 iflag=direct 2>/dev/null && echo "RESULT flakyok rc=0" || echo "RESULT flakyok rc=1"
echo "RESULT flakystats $(grep rule= /sys/module/inject_testmod/parameters/report)"
rmmod inject_testmod
'
vm_run bio "$body" || vm_done

read -r rp50 rp90 rp99 rmean <<EOT
$("$BUILD/tools/inj_predict" -d 7 0 400 "$Q" | sed 's/[a-z0-9_]*=//g')
EOT
echo "requested: p50 $rp50 us p90 $rp90 us p99 $rp99 us (lognormal: 5000, 9490, 16000)"
for dev in jitter:base ramjitter:rambase; do
	base=${dev#*:}
	dev=${dev%:*}
	echo "observed ($dev): $(vm_get p50_us $dev) $(vm_get p90_us $dev) $(vm_get p99_us $dev)"
	for p in p50 p90 p99; do
		eval want=\$r$p
		got=$(vm_get ${p}_us $dev)
		# Never early: the hold ends at or after the requested time.
		expect_ge "$dev $p (us) at least requested $want" "$got" "$want"
		# Late by the device's own latency plus the guest's scheduling
		# latency: under TCG on this 2-core host (load 7 from parallel
		# builds) the kernel-side held p50 was 1-2 ms above requested,
		# and device tails reach 5 ms (baseline p99); over five runs p90
		# came out 19% to 36% above requested. So p50/p90: within +40%
		# +1 ms of requested plus the baseline at that percentile;
		# p99 (4 samples above it, emulator stalls of tens of ms seen):
		# within 2x.
		if [ $p = p99 ]; then
			limit=$((want * 2))
		else
			limit=$((want + want * 2 / 5 + 1000 + $(vm_get ${p}_us $base)))
		fi
		expect_le "$dev $p (us) within $limit" "$got" "$limit"
	done
done
expect_le "requested p50 within 10% of 5000 us (3 SE for n=400)" "$rp50" 5500
expect_ge "requested p50 within 10% of 5000 us (3 SE for n=400)" "$rp50" 4500
expect_eq "the rule counted every read" "$(vm_get hits jitterstats)" 400
# The mechanism's own accuracy, measured in the kernel: how late each
# completion was against its requested end (never early while armed).
echo "kernel-side lateness: p50 $(vm_get late50 jitterstats) ns, p99 $(vm_get late99 jitterstats) ns"
expect_eq "no hold ended early while armed" "$(vm_get early jitterstats)" 0
expect_le "timer lateness p50 (ns) under TCG" "$(vm_get late50 jitterstats)" 2000000
expect_eq "writes untouched by a read rule (not counted)" "$(vm_get hits jitterstats)" 400
expect_le "writes untouched by a read rule (p50 us, baseline $(vm_get p50_us basew) + 2 ms)" "$(vm_get p50_us jitterw)" $(($(vm_get p50_us basew) + 2000))
expect_eq "stop: every held write completed" "$(vm_get errors stop)" 0
expect_eq "stop: disarm reason" "$(vm_get reason stopstate)" stop
expect_eq "stop: a write was held before" "$(vm_get held beforestop)" 1
expect_eq "stop: none is held once the stop returns" "$(vm_get held afterstop)" 0
cs=$(vm_get cs stop | cut -d. -f1)
# the writer's own wake-up and exit under TCG (busybox, bc) dominate this
expect_le "stop: the writer finished within (centiseconds)" "$cs" 150
expect_eq "stop: nothing lost" "$(vm_get bad stopverify)" 0
expect_eq "unload under load: writer saw no error" "$(vm_get errors unload)" 0
expect_eq "unload under load: nothing lost" "$(vm_get bad unloadverify)" 0
expect_eq "flaky: reads outside the range are fine" "$(vm_get errors flaky0)" 0
expect_eq "flaky: a read in the range fails" "$(vm_get rc flakydd)" 1
expect_eq "flaky: the neighbour block reads" "$(vm_get rc flakyok)" 0
expect_eq "flaky: exactly one bio failed" "$(vm_get injected flakystats)" 1
vm_done
