#!/usr/bin/env bash
# tests/run.sh - runs every test: unit test binaries (GUREUM_UNIT), then the
# integration scripts tests/integration/*.sh in order. Each prints
# "N passed, N failed" last; this sums them and prints the total.
# TESTS="pattern" runs only scripts whose name matches; whenever an
# integration script ran, 99_no_leftovers.sh runs last, to check that no
# test left a process behind (GUREUM_TEST_DIRS lists their temp dirs).
# What a test keeps for people to look at afterwards (the browser tests'
# screenshots) goes to GUREUM_ARTIFACTS/<test> (default tests/artifacts,
# ignored by git), emptied for each test that runs.
set -u
cd "$(dirname "$0")/.."
unit=${GUREUM_UNIT:-build-san/tests}
pass=0 fail=0 broken=()
# What failed, repeated at the end (where a CI summary shows only the
# last lines): each failing check, and a broken test's last lines.
failures=$(mktemp)

tally() {	# NAME LOGFILE STATUS
	local line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -1)
	grep -E '^not ok' "$2" | sed "s|^|$1: |" >>"$failures"
	if [ -z "$line" ]; then
		broken+=("$1 (no summary line, exit $3)")
		fail=$((fail + 1))
		{ echo "$1 ended early; its last lines:"; tail -8 "$2" | sed 's/^/    /'; } >>"$failures"
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

# run_one NAME COMMAND...: runs a test, shows its output, tallies it.
run_one() {
	local name=$1 rc
	shift
	echo "== $name"
	"$@" >"$log" 2>&1; rc=$?
	cat "$log"
	tally "$name" "$log" $rc
}

# selected PATH: TESTS is unset or matches the file's name.
selected() { [ -z "${TESTS:-}" ] || [[ $(basename "$1") == *$TESTS* ]]; }

log=$(mktemp)
GUREUM_TEST_DIRS=$(mktemp /tmp/gureum-run.XXXXXX)
export GUREUM_TEST_DIRS
last=tests/integration/99_no_leftovers.sh
ran=0
for t in "$unit"/test_*; do
	[ -x "$t" ] && selected "$t" || continue
	run_one "$(basename "$t")" "$t"
done
artifacts=${GUREUM_ARTIFACTS:-$PWD/tests/artifacts}
for t in tests/integration/*.sh; do
	[ "$t" != "$last" ] && selected "$t" || continue
	art=$artifacts/$(basename "$t" .sh)
	rm -rf "$art"
	GUREUM_ARTIFACTS=$art run_one "$(basename "$t")" bash "$t"
	ran=1
done
if [ $ran = 1 ] || selected "$last"; then
	run_one "$(basename "$last")" bash "$last"
fi
rm -f "$log" "$GUREUM_TEST_DIRS"
[ -s "$failures" ] && { echo "== what failed"; cat "$failures"; }
rm -f "$failures"
for b in "${broken[@]}"; do echo "broken: $b"; done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
