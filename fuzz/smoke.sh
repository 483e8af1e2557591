#!/usr/bin/env bash
# fuzz/smoke.sh - a short fuzzing pass for `make check`: builds the
# libFuzzer targets (fuzz/Makefile), replays each target's seed corpus, then
# fuzzes each for SMOKE_TIME seconds (default 5) from its seeds. Prints
# TAP-like "ok - ..."/"not ok - ..." lines and ends with "N passed, N
# failed"; exits non-zero if anything failed. New inputs go to a temporary
# directory, so the seeds and build-fuzz/corpus are left as they were. A
# crashing input is kept in build-fuzz/crashes/.

set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

OUT=${OUT:-build-fuzz}
SMOKE_TIME=${SMOKE_TIME:-5}
TARGETS=(fuzz_route fuzz_body fuzz_conf fuzz_boot_spec)
PASSED=0
FAILED=0
TMP=$(mktemp -d /tmp/gureum-fuzz.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }

# show LOG: the end of a libFuzzer log, as TAP comments.
show() { tail -30 "$1" | sed 's/^/# /'; }

if make --no-print-directory -f fuzz/Makefile OUT="$OUT" build \
    >"$TMP/build.log" 2>&1; then
	ok "build the fuzz targets with clang, ASan and UBSan"
else
	not_ok "build the fuzz targets (is clang with libclang-rt installed?)"
	show "$TMP/build.log"
	echo "$PASSED passed, $((FAILED + ${#TARGETS[@]} * 2)) failed"
	exit 1
fi

mkdir -p "$OUT/crashes"
for t in "${TARGETS[@]}"; do
	seeds=fuzz/corpus/$t
	n=$(find "$seeds" -type f | wc -l)
	# Seeds as files, not a directory, so the log names each one.
	if "$OUT/$t" -artifact_prefix="$OUT/crashes/$t-" "$seeds"/* \
	    >"$TMP/$t.replay.log" 2>&1; then
		ok "$t replays its $n seeds"
	else
		seed=$(grep -o 'Running: .*' "$TMP/$t.replay.log" | tail -1)
		not_ok "$t crashes on the seed ${seed#Running: }"
		show "$TMP/$t.replay.log"
	fi
	mkdir -p "$TMP/corpus-$t"
	if "$OUT/$t" -max_total_time="$SMOKE_TIME" -timeout=10 \
	    -dict="fuzz/dict/$t.dict" -artifact_prefix="$OUT/crashes/$t-" \
	    "$TMP/corpus-$t" "$seeds" >"$TMP/$t.log" 2>&1; then
		runs=$(grep -Eo '^#[0-9]+' "$TMP/$t.log" | tail -1)
		ok "$t fuzzes ${SMOKE_TIME} s without a crash (${runs#\#} runs)"
	else
		not_ok "$t crashed within ${SMOKE_TIME} s (input in" \
		    "$OUT/crashes/)"
		show "$TMP/$t.log"
	fi
done

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
