#!/bin/bash
# bench/frontend.sh - the front end against stap 4.8 (issue 3, item 9).
#
# Wall time, CPU time (user + sys) and peak RSS of:
#   gstap -p2 of hello world, and of probe syscall.openat { printf("%s\n", argstr) }
#   gstap -p1 over Debian's tapset library (GSTAP_TAPSET=/usr/share/systemtap/tapset)
# side by side with stap doing the same when it is installed. Each time is
# the best of RUNS runs (default 10), measured to the millisecond with
# bash's time; peak RSS comes from /usr/bin/time (separate runs). Targets: >= 30x faster
# than stap on the -p2 jobs, < 20 MiB peak, the library in < 40 ms.
# GSTAP selects the binary (default build/gstap); R the kernel release
# (default: gstap --vm-release, the newest standard, non-RT, one).

cd "$(dirname "$0")/.." || exit 2
GSTAP=${GSTAP:-build/gstap}
RUNS=${RUNS:-10}
R=${R:-$("$GSTAP" --vm-release 2>/dev/null)}
STAP_TAPSET=/usr/share/systemtap/tapset
[ -x "$GSTAP" ] || { echo "frontend.sh: $GSTAP is not built" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "frontend.sh: needs /usr/bin/time (package time)" >&2; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

HELLO='probe begin { log("hello world") exit() }'
OPENAT='probe syscall.openat { printf("%s\n", argstr) }'

# "wall_ms cpu_ms kib": the best of RUNS runs of the command, timed by
# bash alone (the /usr/bin/time wrapper's own fork and exec, 1-2 ms, is
# not the command's: a tenth of gstap's figure), then the lowest peak RSS
# of 3 runs under /usr/bin/time; "- - -" when it fails
measure() {
	local best_w= best_c= best_k= i w u s k
	TIMEFORMAT='%3R %3U %3S'
	for ((i = 0; i < RUNS; i++)); do
		if ! { time "$@" >/dev/null 2>"$tmp/err"; } 2>"$tmp/t"; then
			echo "- - -"
			return
		fi
		read -r w u s <"$tmp/t"
		w=$(awk "BEGIN{printf \"%d\", $w * 1000}")
		c=$(awk "BEGIN{printf \"%d\", ($u + $s) * 1000}")
		[ -z "$best_w" ] || [ "$w" -lt "$best_w" ] && best_w=$w
		[ -z "$best_c" ] || [ "$c" -lt "$best_c" ] && best_c=$c
	done
	for ((i = 0; i < 3; i++)); do
		/usr/bin/time -f '%M' -o "$tmp/m" "$@" >/dev/null 2>"$tmp/err" || { echo "- - -"; return; }
		read -r k <"$tmp/m"
		[ -z "$best_k" ] || [ "$k" -lt "$best_k" ] && best_k=$k
	done
	echo "$best_w $best_c $best_k"
}

ms() { [ "$1" = "-" ] && echo - || echo "$1 ms"; }
mib() { [ "$1" = "-" ] && echo - || awk "BEGIN{printf \"%.1f MiB\", $1 / 1024}"; }

row() {	# label, "gstap wall cpu kib", "stap wall cpu kib"
	local label=$1 gw gc gk sw sc sk ratio=-
	read -r gw gc gk <<<"$2"
	read -r sw sc sk <<<"$3"
	if [ "$sw" != "-" ] && [ "$gw" != "-" ]; then
		ratio=$(awk "BEGIN{g = $gw < 1 ? 1 : $gw; printf \"%.0fx\", $sw / g}")
	fi
	printf '%-32s %7s %7s %9s   %7s %7s %9s   %7s\n' "$label" "$(ms "$gw")" "$(ms "$gc")" \
		"$(mib "$gk")" "$(ms "$sw")" "$(ms "$sc")" "$(mib "$sk")" "$ratio"
}

have_stap=0
command -v stap >/dev/null 2>&1 && have_stap=1

echo "kernel $R, best of $RUNS runs; cpu = user + sys"
printf '%-32s %7s %7s %9s   %7s %7s %9s   %7s\n' "job" "gstap" "cpu" "peak" \
	"stap" "cpu" "peak" "speedup"
for job in hello openat; do
	case $job in
	hello) script=$HELLO ;;
	openat) script=$OPENAT ;;
	esac
	g=$(measure "$GSTAP" -p2 -r "$R" -e "$script")
	s="- - -"
	[ $have_stap -eq 1 ] && s=$(measure stap -p2 -r "$R" -e "$script")
	row "-p2 $job" "$g" "$s"
done
if [ -d "$STAP_TAPSET" ]; then
	g=$(GSTAP_TAPSET=$STAP_TAPSET measure "$GSTAP" -p1 -r "$R" -e 'probe begin { exit() }')
	s="- - -"
	[ $have_stap -eq 1 ] && s=$(measure stap -p1 -r "$R" -e 'probe begin { exit() }')
	n=$(GSTAP_TAPSET=$STAP_TAPSET "$GSTAP" -p1 -v -r "$R" -e 'probe begin { exit() }' 2>&1 |
		sed -n 's/.*user script and \([0-9]*\) library.*/\1/p')
	row "-p1 Debian library ($n files)" "$g" "$s"
else
	echo "-p1 Debian library: skipped, no $STAP_TAPSET (install systemtap)"
fi
