#!/usr/bin/env bash
# bench/web.sh BUILDDIR - the web portal's instances page with WEB_ROWS
# instances (default 200) in Debian's Chromium, against a raw baseline
# measured in the same run (bench/web.mjs does the browser part and says
# how each figure is taken):
#  (a) from the list's answer to the table painted with every row, median
#      of WEB_RUNS reloads (default 9), against the same table as a static
#      HTML page (the page's own DOM, no script). Goal: < 100 ms.
#  (b) the API calls per refresh tick, idle (WEB_IDLE_S, default 15 s)
#      and while a server is in transition (WEB_BUSY_S, default 8 s).
#      Goal: one call per tick, GET /servers/detail?changes-since=..., not
#      one per row.
# The cloud: PostgreSQL, the controller and the image service, no compute
# agent (200 guests do not fit here); the project and its servers are
# tests/lib/many.sh's (made through the API, then set in the states of a
# working project by a fixture in the database). Needs /usr/bin/chromium
# and tests/browser's playwright-core.
set -uo pipefail
BUILD=${1:?usage: bench/web.sh BUILDDIR}
ROWS=${WEB_ROWS:-200}
GOAL_MS=100
export GUREUM_BIN=$BUILD/bin
. "$(dirname "$0")/../tests/lib/harness.sh"
. "$HARNESS_REPO/tests/lib/browser.sh"
. "$HARNESS_REPO/tests/lib/many.sh"
browser_deps || die "the browser is missing"
[ "$ROWS" -ge 16 ] || die "WEB_ROWS must be at least 16"

start_pg
start_controller
start_image
TOKEN=$(get_token admin "$ADMIN_PW" admin)
[ -n "$TOKEN" ] || die "no admin token"

many_servers "$ROWS"

# ---- the browser ----
OUT=$T/web.json
GUREUM_WEB_URL=$WEB_URL GUREUM_PROJECT=$MANY_PROJECT_NAME GUREUM_USER=$MANY_USER \
    GUREUM_PASSWORD=pw GUREUM_TOKEN=$MANY_TOKEN GUREUM_WEB_ROOT=$HARNESS_REPO/web \
    GUREUM_PG_SOCKET=$T/pg/run WEB_ROWS=$ROWS WEB_OUT=$OUT \
    GUREUM_OUR_PIDS="$controller_PID $image_PID $(head -1 "$T/pg/data/postmaster.pid")" \
    timeout 600 node "$HARNESS_REPO/bench/web.mjs" >"$T/node.log" 2>&1 ||
    { cat "$T/node.log"; die "bench/web.mjs failed"; }
[ -z "${WEB_KEEP_JSON:-}" ] || cp "$OUT" "$WEB_KEEP_JSON"

# ---- report ----
j() { jq -r "$1" "$OUT"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { [ "$1" = 1 ] && echo met || echo MISSED; }
PAGE=$(j .page.median_ms) RAW=$(j .raw.median_ms) DOC=$(j .document.median_ms)
# One call per tick: every call after the opening is the list with
# changes-since, never two at once (a tick waits for the last to settle).
bounded=$(jq -r '.idle.calls >= 1 and .busy.calls >= 3 and
    ([.idle, .busy, .after] | all(.other == [] and
    (.gaps_s | all(. >= 0.9)))) | if . then 1 else 0 end' "$OUT")
CHROMIUM=$(j .chromium)
cat <<REPORT

== web portal: the instances page with $ROWS instances
  (Chromium $CHROMIUM headless, $(nproc) CPUs; medians of $(j .runs) reloads)
  the list's answer: $(j .page.bytes) bytes of JSON, $(j .page.fetch_ms) ms from the request to its end
  page: answer -> $ROWS rows painted        $PAGE ms  (script $(j .page.script_ms) ms, then style, layout, paint $(j .page.frame_ms) ms)
    runs: $(j '.page.render_ms | join(" ")')
    (in $(j .page.late_names) of them the flavor or image names came after the list, before the paint:
    that second render of every row is in the time)
  raw: the same table's HTML inserted     $RAW ms  (parse $(j .raw.script_ms) ms, then $(j .raw.frame_ms) ms)
    runs: $(j '.raw.render_ms | join(" ")')
  page / raw: $(ratio "$PAGE" "$RAW")x; goal < $GOAL_MS ms: $(verdict "$(awk -v p="$PAGE" -v g=$GOAL_MS 'BEGIN { print p < g }')")
  for comparison, the page as a static document ($(j .static_bytes) bytes, server-rendered):
    its answer -> painted                 $DOC ms  (runs: $(j '.document.render_ms | join(" ")'))
  other programs used $(j .other_load)% of the CPUs during these runs
  a refresh tick that brings a change, answer -> painted:
    one server to REBOOT $(j .tick_change.ms) ms (script $(j .tick_change.script_ms) ms), back to ACTIVE $(j .tick_back.ms) ms,
    one deleted $(j .tick_delete.ms) ms ($(j .rows_after_delete) rows left)

== web portal: API calls
  page open: $(j '.open | length'): $(j '.open | join(", ")')
  idle $(j .idle.seconds) s: $(j .idle.calls) calls, every $(j .idle.median_gap_s) s: $(j '.idle.paths | join(", ")')
    the page's CPU over those ticks: script $(j .idle.cpu_ms.script) ms, style $(j .idle.cpu_ms.style) ms, layout $(j .idle.cpu_ms.layout) ms
  a server in transition, $(j .busy.seconds) s: $(j .busy.calls) calls, every $(j .busy.median_gap_s) s: $(j '.busy.paths | join(", ")')
  calls after the opening other than the list with changes-since: $(j '[.idle.other, .busy.other, .after.other] | add | length')
  one call per tick, with changes-since after the first: $(verdict "$bounded")
  the Launch panel opened (a member): $(j '.launch | length') calls: $(j '.launch | join(", ")')
REPORT
[ "$(j .other_load)" -lt 5 ] ||
    echo "WARNING: other programs were using the CPUs: the times above" \
        "are noisy; run again on a quiet machine."
[ "$(j '.problems | length')" = 0 ] ||
    echo "WARNING: the page reported: $(j '.problems | join("; ")')"
