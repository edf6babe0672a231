# lib_inject.sh - sourced by tests/vm/inject_*.sh: build a busybox guest with
# null_blk, the injection test module and the inj_* tools, run a guest
# script in QEMU, and check its "RESULT" lines on the host.
#
# A test defines the guest script body (busybox sh) and calls
#   vm_run NAME "$body"    -> $VM_OUT: the console log; fails on dmesg errors
#   vm_get KEY             -> the value of KEY=... on the last RESULT line with it
# Skips (exit 77) with the reason when QEMU, the kernel or its build tree
# are missing. Set INJECT_VM_KEEP=1 to keep the work directory.

set -u
ROOT=${INJECT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
KVER=${INJECT_VM_KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -1)}
KDIR=/lib/modules/$KVER
VM_WORK=$BUILD/vm-inject
FAILS=0

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }

[ -n "$KVER" ] && [ -r "/boot/vmlinuz-$KVER" ] || skip "no readable /boot/vmlinuz-*"
[ -d "$KDIR/build" ] || skip "no kernel build tree $KDIR/build"
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
command -v busybox >/dev/null || skip "no busybox"
for t in inj_lat inj_fsync inj_verify inj_open inj_predict inj_dmsetup; do
	[ -x "$BUILD/tools/$t" ] || skip "$BUILD/tools/$t not built (make BUILD=...)"
done

# The test module over guru-runtime/inject.h, built once per run.
vm_build_module() {
	local d=$VM_WORK/mod
	mkdir -p "$d"
	sed "s|\"../../../guru-runtime/inject.h\"|\"$ROOT/guru-runtime/inject.h\"|" \
		"$ROOT/tests/vm/inject_mod/inject_testmod.c" > "$d/inject_testmod.c"
	cp "$ROOT/tests/vm/inject_mod/Kbuild" "$ROOT/tests/vm/inject_mod/inject_testcap.c" "$d/"
	make -s -C "$KDIR/build" M="$d" modules > "$d/build.log" 2>&1 ||
		{ cat "$d/build.log"; echo "FAIL: test module does not build"; exit 1; }
	grep -v "^make" "$d/build.log" | grep -q "warning:" && { cat "$d/build.log"; fail "test module builds with warnings"; }
	return 0
}

vm_ko() {	# the path of a module of the target kernel, by file name
	find "$KDIR/kernel" -name "$1.ko*" | head -1
}

# vm_run NAME BODY: BODY runs as root in the guest after null_blk is loaded
# (/dev/nullb0 memory backed, blk-mq, its MAJ:MIN in $NULLB; /dev/ram0,
# bio-based, in $RAM0). Its output is in $VM_OUT.
vm_run() {
	local name=$1 body=$2 dir=$VM_WORK/$1 m
	rm -rf "$dir/root"
	mkdir -p "$dir/root"/bin "$dir/root"/mod "$dir/root"/proc "$dir/root"/sys "$dir/root"/dev \
		"$dir/root"/tmp "$dir/root"/mnt
	cp "$(command -v busybox)" "$dir/root/bin/busybox"
	cp "$BUILD"/tools/inj_* "$dir/root/bin/"
	cp "$VM_WORK/mod/inject_testmod.ko" "$VM_WORK/mod/inject_testcap.ko" "$dir/root/mod/"
	for m in configfs null_blk brd dm-mod dm-delay crc32c_generic crc16 mbcache jbd2 ext4; do
		local ko
		ko=$(vm_ko "$m")
		[ -n "$ko" ] && cp "$ko" "$dir/root/mod/$m.ko"
	done
	cat > "$dir/root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
insmod /mod/configfs.ko
insmod /mod/null_blk.ko nr_devices=1 irqmode=0 memory_backed=1 gb=1
insmod /mod/brd.ko rd_nr=1 rd_size=65536
RAM0=\$(cat /sys/block/ram0/dev)
NULLB=\$(cat /sys/block/nullb0/dev)
dmesg -c > /dev/null
echo VM-START
$body
echo "--- dmesg"
dmesg | grep -iE "warn|bug|oops|error|call trace|leak|hung|rcu" | grep -v "taint" && echo RESULT dmesg=dirty || echo RESULT dmesg=clean
echo VM-END
poweroff -f
EOF
	chmod +x "$dir/root/init"
	(cd "$dir/root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$dir/initrd.gz"
	# TCG by default: KVM on this class of host (nested) does not boot
	local accel=${INJECT_VM_ACCEL:--accel tcg}
	VM_OUT=$dir/console.log
	timeout "${INJECT_VM_TIMEOUT:-150}" qemu-system-x86_64 $accel -m 512M -smp 2 \
		-kernel "/boot/vmlinuz-$KVER" -initrd "$dir/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 loglevel=4" -nographic -no-reboot \
		> "$VM_OUT" 2>&1
	grep -q VM-END "$VM_OUT" || { tail -40 "$VM_OUT"; fail "$name: the guest did not finish"; return 1; }
	[ "$(vm_get dmesg)" = clean ] || { sed -n '/^--- dmesg/,$p' "$VM_OUT"; fail "$name: dmesg is not clean"; }
	return 0
}

# vm_get KEY [TAG]: the value of KEY= on the last "RESULT [TAG] ..." line.
vm_get() {
	tr -d '\r' < "$VM_OUT" | grep "^RESULT ${2:+$2 }" | grep -o "\\b$1=[^ ]*" | tail -1 | cut -d= -f2-
}

vm_done() {
	[ "${INJECT_VM_KEEP:-0}" = 1 ] || rm -rf "$VM_WORK"/*/root
	[ "$FAILS" -eq 0 ] || { echo "$FAILS failure(s)"; exit 1; }
	exit 0
}

# Integer comparisons that print what they compare.
expect_le() { [ "$2" -le "$3" ] && pass "$1: $2 <= $3" || fail "$1: $2 > $3"; }
expect_ge() { [ "$2" -ge "$3" ] && pass "$1: $2 >= $3" || fail "$1: $2 < $3"; }
expect_eq() { [ -n "$2" ] && [ "$2" = "$3" ] && pass "$1: $2" || fail "$1: '$2' != '$3'"; }
