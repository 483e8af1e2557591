#!/usr/bin/env bash
# tests/run.sh - runs every test: unit test binaries (GUREUM_UNIT), then the
# integration scripts tests/integration/*.sh in order. Each prints
# "N passed, N failed" last; this sums them and prints the total.
# TESTS="pattern" runs only scripts whose name matches.
set -u
cd "$(dirname "$0")/.."
unit=${GUREUM_UNIT:-build-san/tests}
pass=0 fail=0 broken=()

tally() {	# NAME LOGFILE STATUS
	local line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -1)
	if [ -z "$line" ]; then
		broken+=("$1 (no summary line, exit $3)")
		fail=$((fail + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }; f=${f%% failed*}
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$3" != 0 ] && [ "$f" = 0 ]; then
		broken+=("$1 (exit $3)")
		fail=$((fail + 1))
	fi
}

log=$(mktemp)
for t in "$unit"/test_*; do
	[ -x "$t" ] || continue
	[ -n "${TESTS:-}" ] && [[ $(basename "$t") != *$TESTS* ]] && continue
	echo "== $(basename "$t")"
	"$t" >"$log" 2>&1; rc=$?
	cat "$log"
	tally "$(basename "$t")" "$log" $rc
done
for t in tests/integration/*.sh; do
	[ -n "${TESTS:-}" ] && [[ $(basename "$t") != *$TESTS* ]] && continue
	echo "== $(basename "$t")"
	bash "$t" >"$log" 2>&1; rc=$?
	cat "$log"
	tally "$(basename "$t")" "$log" $rc
done
rm -f "$log"
for b in "${broken[@]}"; do echo "broken: $b"; done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
