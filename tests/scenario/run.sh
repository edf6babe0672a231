#!/bin/sh
# tests/scenario/run.sh - inject check/translate golden tests.
#   bad/NAME.yaml     must fail `inject check`; its "error:" lines must be
#                     exactly bad/NAME.err (file:line:col: error: PATH: msg)
#   golden/NAME.stp   `inject translate scenarios/NAME.yaml` (shipped ones)
#   every scenarios/*.yaml passes `inject check`
# UPDATE=1 rewrites the expected files (review the diff).
cd "$(dirname "$0")/../.." || exit 2
INJECT=${BUILD:-build}/inject
[ -x "$INJECT" ] || { echo "SKIP: $INJECT not built"; exit 77; }
pass=0 failn=0
for y in tests/scenario/bad/*.yaml; do
	want=${y%.yaml}.err
	got=$("$INJECT" check "$y" 2>&1 >/dev/null | grep ': error: ')
	rc=$?
	if "$INJECT" check "$y" >/dev/null 2>&1; then
		echo "FAIL: $y was accepted"; failn=$((failn + 1)); continue
	fi
	if [ "${UPDATE:-0}" = 1 ]; then printf '%s\n' "$got" > "$want"; fi
	if [ "$got" = "$(cat "$want" 2>/dev/null)" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL: $y"; printf '  want: %s\n' "$(cat "$want" 2>/dev/null)"; printf '  got:  %s\n' "$got"
		failn=$((failn + 1))
	fi
done
for y in scenarios/*.yaml; do
	n=$(basename "$y" .yaml)
	if ! "$INJECT" check "$y" >/dev/null; then
		echo "FAIL: $y does not check"; failn=$((failn + 1)); continue
	fi
	got=$("$INJECT" translate "$y")
	if [ "${UPDATE:-0}" = 1 ]; then printf '%s\n' "$got" > "tests/scenario/golden/$n.stp"; fi
	if [ "$got" = "$(cat "tests/scenario/golden/$n.stp" 2>/dev/null)" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL: translate $y differs from tests/scenario/golden/$n.stp"
		printf '%s\n' "$got" | diff -u "tests/scenario/golden/$n.stp" - | head -20
		failn=$((failn + 1))
	fi
done
echo "scenario tests: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
