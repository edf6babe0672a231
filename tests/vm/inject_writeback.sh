#!/bin/sh
# inject_writeback.sh - failures that need a file system, in the VM:
#  1. writeback EIO for one cgroup ("fsyncgate"): a write bio charged to
#     the cgroup /victim fails at completion (the IO happened, the status
#     says EIO); the victim's fsync sees EIO once, its next fsyncs succeed
#     (the kernel has forgotten); a writer outside the cgroup sees nothing;
#  2. a bio rule on the device holding /boot is refused in the kernel
#     (EPERM at arming) unless allow_root is given;
#  3. 1. through the whole tool chain: inject run --vm with the shipped
#     scenarios/writeback-eio.yaml (ext4 loaded by --vm-module); inject
#     makes the scenario's cgroup /victim and starts the command in it;
#     the command makes its file system from the root cgroup (mke2fs's
#     writes are not the victim's), then writes and fsyncs 5 times from
#     /victim while a writer in /other does the same: the victim's first
#     fsync fails with EIO and only that one, the other sees none, the
#     report counts one injected error.
. "$(dirname "$0")/lib_inject.sh"
vm_build_module

body='
mke2fs -q -N 1024 /dev/nullb0 65536 2>&1 | head -3
mount -t ext4 /dev/nullb0 /mnt 2>&1 || { echo "RESULT mount failed"; dmesg | tail -5; }
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
echo "+memory +io" > /sys/fs/cgroup/cgroup.subtree_control
mkdir /sys/fs/cgroup/victim /sys/fs/cgroup/other
insmod /mod/inject_testmod.ko hook=bio_complete dev=$NULLB ops=2 action=error cgroup=/victim max=1
sh -c "echo \$\$ > /sys/fs/cgroup/other/cgroup.procs; exec inj_fsync -n 5 /mnt/other" > /tmp/o &
O=$!
sh -c "echo \$\$ > /sys/fs/cgroup/victim/cgroup.procs; exec inj_fsync -n 5 /mnt/victim" > /tmp/v
wait $O
echo "RESULT victim $(cat /tmp/v)"
echo "RESULT other $(cat /tmp/o)"
echo "RESULT wbstats $(grep rule= /sys/module/inject_testmod/parameters/report | cut -d" " -f1-6)"
rmmod inject_testmod
umount /mnt
mkdir -p /boot
mount -t ext4 /dev/nullb0 /boot
insmod /mod/inject_testmod.ko hook=bio_complete dev=$NULLB ops=1 quant=1000000 2>/tmp/e && echo "RESULT rootdev refused=0" || echo "RESULT rootdev refused=1"
rmmod inject_testmod 2>/dev/null
insmod /mod/inject_testmod.ko hook=bio_complete dev=$NULLB ops=1 quant=1000000 allow_root=1 && echo "RESULT rootallow loaded=1" || echo "RESULT rootallow loaded=0"
rmmod inject_testmod 2>/dev/null
umount /boot
# the injected write error is reported by ext4 (expected): keep the rest
dmesg -c > /tmp/dm
grep -v -e "ext4_end_bio" -e "Buffer I/O error on device nullb0" -e "inject_testmod: rule" /tmp/dm | while read -r l; do echo "$l" > /dev/kmsg; done
'
vm_run writeback "$body" || vm_done
VM_OUT_MOD=$VM_OUT

INJECT=$BUILD/inject
OUT=$VM_WORK/wbrun
mkdir -p "$OUT"
"$INJECT" run --vm -r "$KVER" --json --vm-module crc32c_generic --vm-module ext4 \
	"$ROOT/scenarios/writeback-eio.yaml" -- sh -c '
echo $$ > /sys/fs/cgroup/cgroup.procs
mkdir -p /mnt
mke2fs -q -N 1024 /dev/nullb0 65536 > /dev/null && mount -t ext4 /dev/nullb0 /mnt || exit 9
mkdir -p /sys/fs/cgroup/other
sh -c "echo \$\$ > /sys/fs/cgroup/other/cgroup.procs; exec inj_fsync -n 5 /mnt/other" > /tmp/o &
O=$!
echo $$ > /sys/fs/cgroup/victim/cgroup.procs
echo "RESULT victimcg cg=$(cat /proc/self/cgroup)"
echo "RESULT victim $(inj_fsync -n 5 /mnt/victim)"
wait $O
echo "RESULT other $(cat /tmp/o)"
echo $$ > /sys/fs/cgroup/cgroup.procs
umount /mnt
' > "$OUT/json" 2> "$OUT/err"
echo "rc=$?" > "$OUT/rc"
grep '"type":"command"' "$OUT/json" | sed 's/.*"text":"//; s/"}$//; s/\\n$//' > "$OUT/out"
VM_OUT=$OUT/out
cat "$OUT/out"
expect_eq "inject run: the command ran in the scenario's cgroup" "$(vm_get cg victimcg | grep -o '/victim$')" /victim
expect_eq "inject run: the victim's first fsync fails with EIO" "$(vm_get failed victim)" 1
expect_eq "inject run: exactly once (the kernel forgets)" "$(vm_get eio victim)" 1
expect_eq "inject run: a writer in another cgroup sees no error" "$(vm_get eio other)" 0
expect_eq "inject run: the report counts one injected error" \
	"$(grep '"type":"report"' "$OUT/json" | grep -o '"injected":[0-9]*' | head -1 | cut -d: -f2)" 1
expect_eq "inject run: status is the command's" "$(cat "$OUT/rc")" rc=0
VM_OUT=$VM_OUT_MOD
expect_eq "victim: the first fsync fails with EIO" "$(vm_get failed victim)" 1
expect_eq "victim: exactly once (the kernel forgets)" "$(vm_get eio victim)" 1
expect_eq "a writer in another cgroup sees no error" "$(vm_get eio other)" 0
expect_eq "exactly one bio failed (max: 1)" "$(vm_get injected wbstats)" 1
expect_eq "a bio rule on the /boot device is refused" "$(vm_get refused rootdev)" 1
expect_eq "... unless allowed" "$(vm_get loaded rootallow)" 1
vm_done
