#!/bin/sh
# bench/frontend.sh - the front end against stap 4.8 (issue 3, item 9).
#
# Wall time and peak RSS of:
#   gstap -p2 of hello world, and of probe syscall.openat { printf("%s\n", argstr) }
#   gstap -p1 over Debian's tapset library (GSTAP_TAPSET=/usr/share/systemtap/tapset)
# side by side with stap doing the same when it is installed. Each figure is
# the best of RUNS runs (default 5). Targets: >= 30x faster than stap on the
# -p2 jobs, < 20 MiB peak, the library in < 40 ms.
# GSTAP selects the binary (default build/gstap); R the kernel release.

cd "$(dirname "$0")/.." || exit 2
GSTAP=${GSTAP:-build/gstap}
RUNS=${RUNS:-5}
R=${R:-$(ls /lib/modules 2>/dev/null | sort -V | tail -n 1)}
STAP_TAPSET=/usr/share/systemtap/tapset
[ -x "$GSTAP" ] || { echo "frontend.sh: $GSTAP is not built" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "frontend.sh: needs /usr/bin/time (package time)" >&2; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

HELLO='probe begin { log("hello world") exit() }'
OPENAT='probe syscall.openat { printf("%s\n", argstr) }'

# best "seconds kib" of RUNS runs of the command; "- -" when it fails
measure() {
	best_s= best_k=
	i=0
	while [ $i -lt "$RUNS" ]; do
		if ! /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err"; then
			echo "- -"
			return
		fi
		read -r s k <"$tmp/t"
		if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then
			best_s=$s
		fi
		if [ -z "$best_k" ] || [ "$k" -lt "$best_k" ]; then
			best_k=$k
		fi
		i=$((i + 1))
	done
	echo "$best_s $best_k"
}

ms() { [ "$1" = "-" ] && echo - || awk "BEGIN{printf \"%.0f ms\", $1 * 1000}"; }
mib() { [ "$1" = "-" ] && echo - || awk "BEGIN{printf \"%.1f MiB\", $1 / 1024}"; }

row() {	# label, "gstap seconds kib", "stap seconds kib"
	label=$1
	set -- $2 $3
	gs=$1 gk=$2 ss=$3 sk=$4
	ratio=-
	if [ "$ss" != "-" ] && [ "$gs" != "-" ]; then
		# /usr/bin/time has 10 ms resolution: a 0.00 counts as 10 ms
		ratio=$(awk "BEGIN{g=$gs; if (g < 0.01) g = 0.01; printf \"%s%.0fx\", ($gs < 0.01 ? \">=\" : \"\"), $ss / g}")
	fi
	printf '%-34s %9s %9s   %9s %9s   %7s\n' "$label" "$(ms "$gs")" "$(mib "$gk")" \
		"$(ms "$ss")" "$(mib "$sk")" "$ratio"
}

have_stap=0
command -v stap >/dev/null 2>&1 && have_stap=1

printf '%-34s %19s   %19s   %7s\n' "job (kernel $R)" "gstap: wall, peak" "stap 4.8: wall, peak" "speedup"
for job in hello openat; do
	case $job in
	hello) script=$HELLO ;;
	openat) script=$OPENAT ;;
	esac
	g=$(measure "$GSTAP" -p2 -r "$R" -e "$script")
	s="- -"
	[ $have_stap -eq 1 ] && s=$(measure stap -p2 -r "$R" -e "$script")
	row "-p2 $job" "$g" "$s"
done
if [ -d "$STAP_TAPSET" ]; then
	g=$(GSTAP_TAPSET=$STAP_TAPSET measure "$GSTAP" -p1 -r "$R" -e 'probe begin { exit() }')
	s="- -"
	[ $have_stap -eq 1 ] && s=$(measure stap -p1 -r "$R" -e 'probe begin { exit() }')
	n=$(GSTAP_TAPSET=$STAP_TAPSET "$GSTAP" -p1 -v -r "$R" -e 'probe begin { exit() }' 2>&1 |
		sed -n 's/.*user script and \([0-9]*\) library.*/\1/p')
	row "-p1 Debian library ($n files)" "$g" "$s"
else
	echo "-p1 Debian library: skipped, no $STAP_TAPSET (install systemtap)"
fi
