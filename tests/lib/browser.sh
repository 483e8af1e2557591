# tests/lib/browser.sh - the browser tests' part of an integration test,
# sourced after harness.sh: playwright-core from tests/browser's lock
# file (never a browser download) and node --test's TAP results as the
# harness's own lines.

BROWSER=$HARNESS_REPO/tests/browser

# browser_deps: 0 when Debian's chromium and playwright-core are there
# (npm ci when node_modules is missing); else a failed line and 1.
browser_deps() {
	if [ ! -x /usr/bin/chromium ]; then
		not_ok "/usr/bin/chromium is installed (bash deploy/install-deps.sh)"
		return 1
	fi
	[ -d "$BROWSER/node_modules/playwright-core" ] && return 0
	(cd "$BROWSER" && npm ci --ignore-scripts --no-audit --no-fund \
	    --silent) >"$T/npm.log" 2>&1 ||
	    { cat "$T/npm.log"; die "npm ci in tests/browser failed"; }
}

# browser_start: ART (where the browser tests put their screenshots) and
# browser_deps; without the deps the test ends there, its failed line
# reported.
browser_start() {
	ART=${GUREUM_ARTIFACTS:-$T/artifacts}
	browser_deps && return 0
	finish
	exit
}

# browser_run SECONDS MIN FILE...: node --test on the files (their
# settings in the environment), each top-level result a harness line,
# then a check that it passed with at least MIN results. Sets rc.
browser_run() {
	local secs=$1 min=$2 line n=0
	shift 2
	timeout "$secs" node --test --test-reporter=tap "$@" \
	    >"$T/browser.tap" 2>&1
	rc=$?
	sed 's/^/# /' "$T/browser.tap"
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "browser: ${line#ok * - }"; n=$((n + 1)) ;;
		"not ok "*) not_ok "browser: ${line#not ok * - }"; n=$((n + 1)) ;;
		esac
	done <"$T/browser.tap"
	check "node --test ran the browser tests and passed (exit $rc)" \
	    eval '[ "$rc" = 0 ] && [ "$n" -ge "$min" ]'
}
