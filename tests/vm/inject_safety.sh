#!/bin/sh
# inject_safety.sh - the safety net, enforced in the kernel, with numbers:
#  1. deadline: a 1500 ms scenario disarms by itself within 100 ms of it,
#     and a task hung on it is released then;
#  2. lease: renewed every 200 ms for 1 s, then abandoned (the controller
#     "killed"): everything disarms within the lease (500 ms) + the check
#     period, and the held bios complete, none lost;
#  3. caps: 4 held bios and 2 sleeping tasks at most, whatever the load;
#     the rest pass through and are counted as capped;
#  4. a bio rule on the device holding / is refused (here / is rootfs, so
#     this checks that an ordinary device is accepted) - see inject check.
. "$(dirname "$0")/lib_inject.sh"
vm_build_module

body='
up() { cut -d" " -f1 /proc/uptime; }
P=/sys/module/inject_testmod/parameters
( sleep 1; exec inj_fsync -n 1 /tmp/f ) > /tmp/o1 &
F=$!
insmod /mod/inject_testmod.ko hook=syscall:fsync action=hang hang_ms=9000 deadline_ms=1500 pid_tree=$F
T0=$(up)
wait $F
T1=$(up)
sleep 1
echo "RESULT deadline $(grep scenario= $P/report) $(cat /tmp/o1)"
echo "RESULT deadlinet t0=$T0 t1=$T1"
rmmod inject_testmod

insmod /mod/inject_testmod.ko hook=bio_complete dev=$NULLB ops=2 action=hang hang_ms=9000 lease_ms=500
inj_verify -w /dev/nullb0 32 0x33 > /tmp/w &
W=$!
for i in 1 2 3 4 5; do echo 1 > $P/lease; usleep 200000; done
sleep 2
wait $W
echo "RESULT lease $(grep scenario= $P/report) $(cat /tmp/w)"
echo "RESULT leaseverify $(inj_verify -r /dev/nullb0 32 0x33)"
rmmod inject_testmod

C=/sys/module/inject_testcap/parameters
insmod /mod/inject_testcap.ko hook=bio_complete dev=$NULLB ops=1 quant=300000000
for i in 1 2 3 4 5 6 7 8; do inj_lat -n 3 /dev/nullb0 > /dev/null & done
wait
echo "RESULT capbio $(grep scenario= $C/report) $(grep rule= $C/report | cut -d" " -f1-6)"
rmmod inject_testcap
insmod /mod/inject_testcap.ko hook=syscall:fsync action=hang hang_ms=1000 comm=inj_fsync
for i in 1 2 3 4 5 6; do inj_fsync -n 1 /tmp/c$i > /dev/null & done
wait
echo "RESULT capsleep $(grep scenario= $C/report) $(grep rule= $C/report | cut -d" " -f1-6)"
rmmod inject_testcap
'
vm_run safety "$body" || vm_done

expect_eq "deadline: disarm reason" "$(vm_get reason deadline)" deadline
ms=$(vm_get armed_ms deadline)
expect_ge "deadline: armed for (ms)" "$ms" 1500
expect_le "deadline: armed for (ms)" "$ms" 1600
expect_eq "deadline: the hung fsync returned success" "$(vm_get eio deadline)" 0
expect_eq "lease: disarm reason" "$(vm_get reason lease)" lease
ms=$(vm_get armed_ms lease)
# the last renewal comes after four 200 ms sleeps: at 800 ms or later
expect_ge "lease: armed for (ms), last renewal + 500" "$ms" 1300
expect_le "lease: armed for (ms), last renewal + 500 + check period + slack" "$ms" 2300
expect_eq "lease: the hung writes completed" "$(vm_get errors lease)" 0
expect_eq "lease: nothing lost" "$(vm_get bad leaseverify)" 0
expect_le "caps: held bios high-water mark" "$(vm_get held_max capbio)" 4
expect_eq "caps: the held cap was reached" "$(vm_get held_max capbio)" 4
expect_ge "caps: reads beyond the cap passed and were counted" "$(vm_get capped capbio)" 1
expect_le "caps: sleeping tasks high-water mark" "$(vm_get sleeping_max capsleep)" 2
expect_eq "caps: 2 tasks slept" "$(vm_get injected capsleep)" 2
expect_eq "caps: 4 passed" "$(vm_get capped capsleep)" 4
vm_done
