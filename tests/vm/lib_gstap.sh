# lib_gstap.sh - sourced by the gstap VM tests (basic, probes, tvar,
# target): the build directory, the target release (gstap --vm-release:
# the standard flavour before PREEMPT_RT; GSTAP_VM_RELEASE overrides), a
# work directory removed at exit, and fail(), which counts failures in
# FAILS. Skips (exit 77) when no kernel with a build tree is installed.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
R=${GSTAP_VM_RELEASE:-$("$BUILD/gstap" --vm-release 2>/dev/null)}
[ -n "$R" ] || { echo "SKIP: no /boot/vmlinuz-R with /lib/modules/R/build (install linux-image-amd64 linux-headers-amd64)"; exit 77; }
W=$(mktemp -d /tmp/gstap-vmtest.XXXXXX)
trap 'rm -rf "$W"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
