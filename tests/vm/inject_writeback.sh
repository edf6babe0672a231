#!/bin/sh
# inject_writeback.sh - failures that need a file system, in the VM:
#  1. writeback EIO for one cgroup ("fsyncgate"): a write bio charged to
#     the cgroup /victim fails at completion (the IO happened, the status
#     says EIO); the victim's fsync sees EIO once, its next fsyncs succeed
#     (the kernel has forgotten); a writer outside the cgroup sees nothing;
#  2. a bio rule on the device holding /boot is refused in the kernel
#     (EPERM at arming) unless allow_root is given.
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
expect_eq "victim: the first fsync fails with EIO" "$(vm_get failed victim)" 1
expect_eq "victim: exactly once (the kernel forgets)" "$(vm_get eio victim)" 1
expect_eq "a writer in another cgroup sees no error" "$(vm_get eio other)" 0
expect_eq "exactly one bio failed (max: 1)" "$(vm_get injected wbstats)" 1
expect_eq "a bio rule on the /boot device is refused" "$(vm_get refused rootdev)" 1
expect_eq "... unless allowed" "$(vm_get loaded rootallow)" 1
vm_done
