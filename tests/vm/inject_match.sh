#!/bin/sh
# inject_match.sh - only what a rule names is touched (syscall hooks):
# fsync errors for one file prefix, one executable (by inode: a copy of
# the same program is not it), one cgroup; everything else passes.
. "$(dirname "$0")/lib_inject.sh"
vm_build_module

body='
mkdir -p /tmp/a /tmp/b
insmod /mod/inject_testmod.ko hook=syscall:fsync action=error err=5 path=/tmp/a/
echo "RESULT patha $(inj_fsync -n 4 /tmp/a/f)"
echo "RESULT pathb $(inj_fsync -n 4 /tmp/b/f)"
rmmod inject_testmod
cp /bin/inj_fsync /bin/other_fsync
insmod /mod/inject_testmod.ko hook=syscall:fsync action=error err=5 exe=/bin/inj_fsync
echo "RESULT exe $(inj_fsync -n 4 /tmp/a/f)"
echo "RESULT exeother $(other_fsync -n 4 /tmp/a/f)"
rmmod inject_testmod
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
mkdir /sys/fs/cgroup/victim
insmod /mod/inject_testmod.ko hook=syscall:fsync action=error err=5 cgroup=/victim
echo "RESULT cgin $(sh -c "echo \$\$ > /sys/fs/cgroup/victim/cgroup.procs; exec inj_fsync -n 4 /tmp/a/f")"
echo "RESULT cgout $(inj_fsync -n 4 /tmp/a/f)"
rmmod inject_testmod
'
vm_run match "$body" || vm_done
expect_eq "path prefix: files under it fail" "$(vm_get eio patha)" 4
expect_eq "path prefix: other files do not" "$(vm_get eio pathb)" 0
expect_eq "exe: the named executable fails" "$(vm_get eio exe)" 4
expect_eq "exe: a copy (another inode) does not" "$(vm_get eio exeother)" 0
expect_eq "cgroup: a task inside fails" "$(vm_get eio cgin)" 4
expect_eq "cgroup: a task outside does not" "$(vm_get eio cgout)" 0
vm_done
