#!/bin/sh
# tests/lang/tapset_library.sh - conformance of the tapset loader (issue 3,
# item 2): with GSTAP_TAPSET=/usr/share/systemtap/tapset, gstap -p1 -v
# parses every library file with no error and counts as many library
# scripts as stap -p1 -v does for the same release (484 for 4.8 on
# 6.1.0-56-amd64 x86_64). Exit 77 (skip) when systemtap's library is absent.
# GSTAP selects the binary (default build/gstap); R the kernel release.

cd "$(dirname "$0")/../.." || exit 2
GSTAP=${GSTAP:-build/gstap}
lib=/usr/share/systemtap/tapset
[ -d "$lib" ] || { echo "tapset_library: skipped, no $lib (install systemtap)"; exit 77; }
R=${R:-$("$GSTAP" --vm-release 2>/dev/null)}
[ -n "$R" ] || R=$(uname -r)	# no kernel installed: the one gstap defaults to
script='probe begin { exit() }'

count() { sed -n 's/^Pass 1: parsed user script and \([0-9]*\) library script.*/\1/p'; }

ours=$(GSTAP_TAPSET=$lib "$GSTAP" -p1 -v -r "$R" -e "$script" 2>&1 >/dev/null | count)
if [ -z "$ours" ]; then
	echo "FAIL: tapset_library: gstap -p1 failed over $lib"
	GSTAP_TAPSET=$lib "$GSTAP" -p1 -r "$R" -e "$script" 2>&1 >/dev/null | head -n 5
	exit 1
fi
if command -v stap >/dev/null 2>&1; then
	theirs=$(stap -p1 -v -r "$R" -e "$script" 2>&1 >/dev/null | count)
else
	theirs=
fi
if [ -n "$theirs" ] && [ "$ours" != "$theirs" ]; then
	echo "FAIL: tapset_library: gstap parsed $ours library scripts, stap $theirs (-r $R)"
	exit 1
fi
echo "tapset_library: $ours library scripts parsed for $R${theirs:+ (stap: $theirs)}"
exit 0
