#!/bin/sh
# tests/fuzz/run.sh - build the parser fuzz target into build/fuzz and run it
# for a bounded time (FUZZ_SECONDS, default 60) over a corpus seeded from
# tests/lang/parseok and parseko. Needs clang with libFuzzer; exits 77
# (skipped) without it. A crash leaves its input in build/fuzz/crash-*:
# turn each one into a tests/lang/parseok or parseko test.

cd "$(dirname "$0")/../.." || exit 2
out=${FUZZ_BUILD:-build/fuzz}
seconds=${FUZZ_SECONDS:-60}
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || { echo "fuzz: skipped, no clang"; exit 77; }
mkdir -p "$out/corpus" || exit 2

# the pass-1 sources and what they need, instrumented
srcs="inject/lex.c inject/preproc.c inject/parse.c inject/print.c inject/diag.c \
inject/arena.c inject/types.c"
# shellcheck disable=SC2086
"$CLANG" -g -O1 -std=c11 -D_GNU_SOURCE -Iinject \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-o "$out/fuzz_parse" tests/fuzz/fuzz_parse.c $srcs || exit 1

# seed: every parse test, in script mode ('S' prefix)
for f in tests/lang/parseok/*.stp tests/lang/parseko/*.stp; do
	[ -f "$f" ] || continue
	{ printf S; cat "$f"; } >"$out/corpus/$(basename "$f")"
done
for f in tests/lang/parseok/*.stp tapsets/*.stp; do
	[ -f "$f" ] || continue
	{ printf D; cat "$f"; } >"$out/corpus/defer-$(basename "$f")"
done
for f in tapsets/*.stpm; do
	[ -f "$f" ] || continue
	{ printf L; cat "$f"; } >"$out/corpus/lib-$(basename "$f")"
done

echo "fuzz: running $out/fuzz_parse for ${seconds}s"
cd "$out" || exit 2
./fuzz_parse -max_total_time="$seconds" -max_len=4096 -timeout=10 \
	-dict="$OLDPWD/tests/fuzz/stap.dict" \
	corpus 2>fuzz.log
rc=$?
tail -n 3 fuzz.log
if [ $rc -ne 0 ]; then
	echo "fuzz: FAILED, see $out/fuzz.log and $out/crash-*"
	exit 1
fi
echo "fuzz: no crash in ${seconds}s"
