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
# agent (200 guests do not fit here). The servers are made through the
# compute API as a user would (one project, 3 flavors, 2 images, a port
# on a network each and a second one for some), so every column has its
# real content; with no node to take them they end in ERROR with the
# scheduler's fault. A fixture then sets them, in the database, in the
# states a working project shows: most ACTIVE on a node "bench-node",
# the "batch-*" ones SHUTOFF, the "test-*" ones left in ERROR with their
# fault. Needs /usr/bin/chromium and tests/browser's playwright-core.
set -uo pipefail
BUILD=${1:?usage: bench/web.sh BUILDDIR}
ROWS=${WEB_ROWS:-200}
GOAL_MS=100
export GUREUM_BIN=$BUILD/bin
. "$(dirname "$0")/../tests/lib/harness.sh"
. "$HARNESS_REPO/tests/lib/browser.sh"
browser_deps || die "the browser is missing"
[ "$ROWS" -ge 16 ] || die "WEB_ROWS must be at least 16"

start_pg
start_controller
start_image
TOKEN=$(get_token admin "$ADMIN_PW" admin)
[ -n "$TOKEN" ] || die "no admin token"

# ---- the project ----
make_member benchuser benchproj
api PUT "$CP_URL/v2.1/os-quota-sets/$MEMBER_PROJECT" \
    "{\"quota_set\":{\"instances\":$((ROWS + 10)),\"cores\":$((ROWS * 8)),\"ram\":$((ROWS * 16384))}}"
[ "$STATUS" = 200 ] || die "could not raise the quotas: $STATUS $BODY"
FLVS=()
for f in "m1.small 1 2048 20" "m1.medium 2 4096 40" "m1.large 4 8192 80"; do
	make_flavor $f
	FLVS+=("$FLV")
done
qemu-img create -q -f qcow2 "$T/disk.qcow2" 16M
IMGS=()
for i in debian-12-genericcloud alpine-3.20; do
	make_image "$i" '"visibility":"public"' "$T/disk.qcow2"
	IMGS+=("$IMG")
done
TOKEN=$(get_token benchuser pw benchproj)
[ -n "$TOKEN" ] || die "no member token"
MTOKEN=$TOKEN
N=$NET_URL/v2.0
net() {
	api POST "$N/networks" "{\"network\":{\"name\":\"$1\"}}"
	[ "$STATUS" = 201 ] || die "POST /networks: $STATUS $BODY"
	NETID=$(jq -r .network.id <<<"$BODY")
	api POST "$N/subnets" "{\"subnet\":{\"network_id\":\"$NETID\",\"cidr\":\"$2\",\"ip_version\":4}}"
	[ "$STATUS" = 201 ] || die "POST /subnets: $STATUS $BODY"
}
net private 10.0.0.0/22; PRIV=$NETID
net storage 10.1.0.0/22; STOR=$NETID

# Groups of servers, NAME-1..NAME-COUNT each (at most 32 per POST, the
# API's max_count): name, share of the rows in 1/16, flavor, image,
# networks.
made=0
group() {
	local name=$1 count=$2 flv=${FLVS[$3]} img=${IMGS[$4]} nets=$5 n
	while [ "$count" -gt 0 ]; do
		n=$((count > 32 ? 32 : count))
		api POST "$CP_URL/v2.1/servers" "$(jq -cn --arg n "$name" \
		    --arg i "$img" --arg f "$flv" --argjson nets "$nets" \
		    --argjson c "$n" '{server: {name: $n, imageRef: $i,
		    flavorRef: $f, networks: $nets, min_count: $c,
		    max_count: $c}}')"
		[ "$STATUS" = 202 ] || die "POST /servers ($name): $STATUS $BODY"
		count=$((count - n)) made=$((made + n))
		name=$name-b	# a second POST of a group: other names
	done
}
ONE="[{\"uuid\":\"$PRIV\"}]"
TWO="[{\"uuid\":\"$PRIV\"},{\"uuid\":\"$STOR\"}]"
u=$((ROWS / 16))
group web $((u * 3)) 0 0 "$ONE"
group app $((u * 3)) 1 0 "$ONE"
group worker $((u * 2)) 1 1 "$ONE"
group db $((u * 2)) 2 0 "$TWO"
group cache $((u * 2)) 0 1 "$TWO"
group batch $((u * 2)) 1 0 "$ONE"
group test $u 0 1 "$ONE"
group ci $((ROWS - made)) 0 0 "$ONE"
P=$MEMBER_PROJECT
count_where() {
	psql_q "SELECT count(*) FROM instances WHERE project_id = '$P' AND
	    NOT deleted AND $1"
}
[ "$(count_where true)" = "$ROWS" ] || die "not $ROWS servers: $(count_where true)"
[ "$(count_where "vm_state = 'error'")" = "$ROWS" ] ||
    die "the servers did not all end in ERROR (no node): $(psql_q \
    "SELECT vm_state, count(*) FROM instances GROUP BY 1")"
# The fixture: the states of a working project.
psql_q "UPDATE instances SET host = 'bench-node', task_state = NULL,
    fault = NULL, launched_at = created_at + interval '20 s',
    vm_state = CASE WHEN name LIKE 'batch-%' THEN 'stopped' ELSE 'active' END,
    power_state = CASE WHEN name LIKE 'batch-%' THEN 4 ELSE 1 END
    WHERE project_id = '$P' AND name NOT LIKE 'test-%'" >/dev/null
say "$ROWS servers: $(psql_q "SELECT string_agg(vm_state || ' ' || n, ', ')
    FROM (SELECT vm_state, count(*) n FROM instances WHERE project_id = '$P'
    GROUP BY 1 ORDER BY 1) s"), $(psql_q "SELECT count(*) FROM ports WHERE
    project_id = '$P'") ports"

# ---- the browser ----
OUT=$T/web.json
GUREUM_WEB_URL=$WEB_URL GUREUM_PROJECT=benchproj GUREUM_USER=benchuser \
    GUREUM_PASSWORD=pw GUREUM_TOKEN=$MTOKEN GUREUM_WEB_ROOT=$HARNESS_REPO/web \
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
