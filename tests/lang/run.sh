#!/bin/sh
# tests/lang/run.sh - the language tests, laid out by pass and outcome:
#
#   parseok/ semok/   the script must succeed (exit 0); NAME.out, if present,
#                     must equal stdout; parseok output must re-parse to itself
#   parseko/ semko/   the script must fail (exit 1) and every line of NAME.err
#                     (file:line:col: error: ...) must appear in stderr, with
#                     the directory stripped from the paths gstap prints;
#                     @KVER@ in NAME.err stands for the kernel release gstap
#                     targets (never hard-coded: Debian's moves)
#   runok/            runs in the VM (tests/vm), skipped here
#
# Each script names its pass in its first line: "#! gstap -p1 [options]
# [-- script args]". Then, when /usr/share/systemtap/tapset exists, every
# file of stap's own library must parse (conformance).
# GSTAP selects the binary (default build/gstap). Prints "N passed, N failed".

cd "$(dirname "$0")/../.." || exit 2
GSTAP=${GSTAP:-build/gstap}
case $GSTAP in /*) ;; *) GSTAP=$PWD/$GSTAP ;; esac
[ -x "$GSTAP" ] || { echo "run.sh: $GSTAP is not built" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }

# The release gstap targets with these $opts, as target_init() picks it: -r R;
# with --vm target_default_vm_release (gstap --vm-release); else the running kernel.
vm_release=$("$GSTAP" --vm-release 2>/dev/null)
target_release() {
	# shellcheck disable=SC2086
	set -- $opts
	while [ $# -gt 0 ]; do
		case $1 in
		-r) echo "$2"; return ;;
		-r?*) echo "${1#-r}"; return ;;
		esac
		shift
	done
	case " $opts " in
	*" --vm "*) [ -n "$vm_release" ] && { echo "$vm_release"; return; } ;;
	esac
	uname -r
}
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# Options and script arguments from the "#! gstap ..." first line.
header() {
	line=$(head -n 1 "$1")
	case $line in
	"#! gstap "*|"#!gstap "*) ;;
	*) return 1 ;;
	esac
	set -- ${line#*gstap }
	opts=
	args=
	while [ $# -gt 0 ]; do
		[ "$1" = "--" ] && { shift; args="$*"; break; }
		opts="$opts $1"
		shift
	done
	return 0
}

run_one() {	# dir file
	dir=$1 f=$2 name=${2%.stp}
	if ! header "$f"; then
		bad "$f: first line must be '#! gstap -pN ...'"
		return
	fi
	# shellcheck disable=SC2086
	(cd "$(dirname "$f")" && "$GSTAP" $opts "$(basename "$f")" $args) \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	case $dir in
	*ok)
		if [ $rc -ne 0 ]; then
			bad "$f: exit $rc, expected 0"; sed 's/^/    /' "$tmp/err" | head -n 10
			return
		fi
		if [ -f "$name.out" ] && ! cmp -s "$name.out" "$tmp/out"; then
			bad "$f: output differs from $name.out"
			diff -u "$name.out" "$tmp/out" | head -n 20
			return
		fi
		case $opts in
		*-p1*)
			# the canonical form must re-parse to itself
			cp "$tmp/out" "$tmp/again.stp"
			# shellcheck disable=SC2086
			if ! (cd "$tmp" && "$GSTAP" $opts again.stp $args) >"$tmp/out2" 2>"$tmp/err2" ||
			   ! cmp -s "$tmp/out" "$tmp/out2"; then
				bad "$f: the -p1 output does not re-parse to itself"
				head -n 5 "$tmp/err2"
				diff -u "$tmp/out" "$tmp/out2" | head -n 20
				return
			fi
			;;
		esac
		ok
		;;
	*ko)
		if [ $rc -ne 1 ]; then
			bad "$f: exit $rc, expected 1"; head -n 5 "$tmp/err"
			return
		fi
		if [ ! -f "$name.err" ]; then
			bad "$f: no $name.err with the expected diagnostics"
			return
		fi
		missing=
		sed "s|@KVER@|$(target_release)|g" "$name.err" >"$tmp/want"
		while IFS= read -r want; do
			[ -n "$want" ] || continue
			grep -qxF -- "$want" "$tmp/err" || missing="$missing
    $want"
		done <"$tmp/want"
		if [ -n "$missing" ]; then
			bad "$f: expected in stderr:$missing"
			sed 's/^/  got: /' "$tmp/err" | head -n 10
			return
		fi
		ok
		;;
	esac
}

for dir in parseok parseko semok semko; do
	[ -d "tests/lang/$dir" ] || continue
	for f in tests/lang/$dir/*.stp; do
		[ -f "$f" ] && run_one "$dir" "$f"
	done
done

# Conformance: every file of stap's library parses, and its -p1 output
# re-parses to itself. The .stpm macro files are the library (they are
# global); each .stp is parsed on its own.
stap_tapset=${STAP_TAPSET:-/usr/share/systemtap/tapset}
if [ -d "$stap_tapset" ]; then
	mkdir -p "$tmp/lib"
	find "$stap_tapset" -name '*.stpm' | while read -r m; do
		ln -s "$m" "$tmp/lib/$(echo "${m#"$stap_tapset"/}" | tr / _)"
	done
	nconf=0
	cfail=0
	for f in $(find "$stap_tapset" -name '*.stp' -o -name '*.stpm' | sort); do
		nconf=$((nconf + 1))
		if ! GSTAP_TAPSET=$tmp/lib "$GSTAP" -p1 "$f" >"$tmp/c1.stp" 2>"$tmp/err"; then
			cfail=$((cfail + 1))
			bad "conformance: $f"; head -n 3 "$tmp/err"
		elif ! GSTAP_TAPSET=$tmp/lib "$GSTAP" -p1 "$tmp/c1.stp" >"$tmp/c2.stp" 2>"$tmp/err" ||
		     ! cmp -s "$tmp/c1.stp" "$tmp/c2.stp"; then
			cfail=$((cfail + 1))
			bad "conformance: the -p1 output of $f does not re-parse to itself"
			head -n 3 "$tmp/err"
		fi
	done
	[ $cfail -eq 0 ] && ok
	echo "conformance: $((nconf - cfail)) of $nconf files of $stap_tapset parse and round-trip"
else
	echo "conformance: skipped, no $stap_tapset (install systemtap)"
fi

# Conformance, part 2: stap's example scripts parse. Their $1.. are script
# arguments, numbers or probe points: try both kinds. The band-aid template
# is a fill-in-the-blanks file ({...}) and does not parse with stap either.
stap_examples=${STAP_EXAMPLES:-/usr/share/systemtap/examples}
if [ -d "$stap_tapset" ] && [ -d "$stap_examples" ]; then
	nex=0
	exfail=0
	for f in $(find "$stap_examples" -name '*.stp' ! -name 'security-bandaid-template.stp' | sort); do
		nex=$((nex + 1))
		for args in "1 2 3 4 5 6 7 8 9" "begin begin begin begin begin" \
			    "begin 1 1 1 1 1" "begin begin 1 1 1 1"; do
			# shellcheck disable=SC2086
			GSTAP_TAPSET=$tmp/lib "$GSTAP" -p1 "$f" $args >/dev/null 2>"$tmp/err" &&
				continue 2
		done
		exfail=$((exfail + 1))
		bad "examples: $f"; head -n 3 "$tmp/err"
	done
	[ $exfail -eq 0 ] && ok
	echo "examples: $((nex - exfail)) of $nex scripts of $stap_examples parse"
fi

# Conformance, part 3: the tapset loader counts stap's library as stap does
GSTAP=$GSTAP tests/lang/tapset_library.sh; case $? in 0) ok ;; 77) ;; *) bad "tapset_library" ;; esac

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
