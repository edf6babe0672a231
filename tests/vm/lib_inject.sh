# lib_inject.sh - sourced by tests/vm/inject_*.sh and bench/inject.sh: run a
# guest script in the project's VM (inject/vm.c through $BUILD/vmrun) with
# the inj_* tools, the injection test module and the extra block devices,
# and check its "RESULT" lines on the host.
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
# the standard kernel by default, not a -rt one installed beside it
# (target.c's rule, through gstap --vm-release)
KVER=${INJECT_VM_KERNEL:-${GSTAP_VM_RELEASE:-$("$BUILD/gstap" --vm-release 2>/dev/null)}}
KDIR=/lib/modules/$KVER
VM_WORK=$BUILD/vm-inject
FAILS=0

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }

[ -n "$KVER" ] && [ -r "/boot/vmlinuz-$KVER" ] || skip "no readable /boot/vmlinuz-*"
[ -d "$KDIR/build" ] || skip "no kernel build tree $KDIR/build"
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
[ -x "$BUILD/vmrun" ] || skip "$BUILD/vmrun not built (make BUILD=... $BUILD/vmrun)"
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

# Modules the inject tests load at boot besides null_blk (vm.c's default):
# brd for a bio-based disk, dm-delay for the peer, ext4 for writeback.
VM_MODULES="brd rd_nr=1 rd_size=65536|dm-delay|crc32c_generic|ext4"

# vm_run NAME BODY: BODY runs as root in the guest of the project's one VM
# runner ($BUILD/vmrun, inject/vm.c): /dev/nullb0 memory backed, blk-mq,
# its MAJ:MIN in $NULLB; /dev/ram0, bio-based, in $RAM0; dm-delay and ext4
# loaded; the inj_* tools in /bin; the test modules (if built) and the
# files of $VM_WORK/files in /mod. The guest's stdout is in $VM_OUT.
# vmrun fails the run on a dirty kernel log (BUG, WARNING, ...); the
# body's end adds a stricter grep.
vm_run() {
	local name=$1 body=$2 dir=$VM_WORK/$1 f m rc ifs=$IFS
	rm -rf "$dir"
	mkdir -p "$dir"
	set --
	for f in "$BUILD"/tools/inj_*; do
		set -- "$@" "$f:/bin/${f##*/}"
	done
	for f in "$VM_WORK"/mod/inject_testmod.ko "$VM_WORK"/mod/inject_testcap.ko \
		"$VM_WORK"/files/*; do
		[ -f "$f" ] && set -- "$@" "$f:/mod/${f##*/}"
	done
	IFS='|'
	for m in $VM_MODULES; do
		set -- -m "$m" "$@"
	done
	IFS=$ifs
	cat > "$dir/command" <<EOT
mkdir -p /mnt
RAM0=\$(cat /sys/block/ram0/dev)
NULLB=\$(cat /sys/block/nullb0/dev)
dmesg -c > /dev/null
echo VM-START
$body
echo "--- dmesg"
dmesg | grep -iE "warn|bug|oops|error|call trace|leak|hung|rcu" | grep -v "taint" && echo RESULT dmesg=dirty || echo RESULT dmesg=clean
echo VM-END
EOT
	VM_OUT=$dir/stdout.log
	"$BUILD/vmrun" -r "$KVER" -t "${INJECT_VM_TIMEOUT:-300}" ${VM_APPEND:+-a "$VM_APPEND"} "$@" \
		-- "$(cat "$dir/command")" \
		> "$VM_OUT" 2> "$dir/stderr.log"
	rc=$?
	grep -q VM-END "$VM_OUT" && [ $rc != 125 ] ||
		{ tail -n 40 "$VM_OUT" "$dir/stderr.log"; fail "$name: the guest did not finish (vmrun status $rc)"; return 1; }
	[ "$(vm_get dmesg)" = clean ] || { sed -n '/^--- dmesg/,$p' "$VM_OUT"; fail "$name: dmesg is not clean"; }
	return 0
}

# vm_get KEY [TAG]: the value of KEY= on the last "RESULT [TAG] ..." line.
vm_get() {
	tr -d '\r' < "$VM_OUT" | grep "^RESULT ${2:+$2 }" | grep -o "\\b$1=[^ ]*" | tail -1 | cut -d= -f2-
}

vm_done() {
	[ "${INJECT_VM_KEEP:-0}" = 1 ] || rm -f "$VM_WORK"/*/command
	[ "$FAILS" -eq 0 ] || { echo "$FAILS failure(s)"; exit 1; }
	exit 0
}

# Integer comparisons that print what they compare.
expect_le() { [ "$2" -le "$3" ] && pass "$1: $2 <= $3" || fail "$1: $2 > $3"; }
expect_ge() { [ "$2" -ge "$3" ] && pass "$1: $2 >= $3" || fail "$1: $2 < $3"; }
expect_eq() { [ -n "$2" ] && [ "$2" = "$3" ] && pass "$1: $2" || fail "$1: '$2' != '$3'"; }
