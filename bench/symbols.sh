#!/bin/sh
# bench/symbols.sh - the figures of the front end's tables (bench/symbols.c):
# the target kernel's function table (size, source, first load), exact
# lookups (CPU ns and comparisons each), a prefix glob, and the syscall
# tapset's generation. The unit tests assert the structure (a lookup is a
# binary search: test_ksyms counts comparisons), never the time.
# BUILD selects the build directory (default build: its libinject.a);
# R the kernel release (default: the one gstap --vm targets).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
[ -f "$BUILD/libinject.a" ] || { echo "symbols.sh: $BUILD/libinject.a is not built" >&2; exit 2; }
PKGS="libcyaml libbpf libelf libdw liblzma"	# the Makefile's PKGS
W=$(mktemp -d /tmp/gstap-bench-symbols.XXXXXX) || exit 2
trap 'rm -rf "$W"' EXIT
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -Wall -Wextra -D_GNU_SOURCE -O2 -I"$ROOT/inject" $(pkg-config --cflags $PKGS) \
	-o "$W/symbols" "$ROOT/bench/symbols.c" "$BUILD/libinject.a" $(pkg-config --libs $PKGS) -lm ||
	exit 1
cd "$ROOT" && "$W/symbols" ${R:+"$R"}
