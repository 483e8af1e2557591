#!/usr/bin/env bash
# os-simple-tenant-usage as Nova computes it. Servers are made through the
# API with no compute node (each ends in ERROR, No valid host); a server
# that never launched used nothing and is not listed. The launch and
# termination times a node's reports would have written are then set on
# their rows, so the hours and the vCPU, memory and disk hours of a period
# can be checked exactly: per project (admins: every project; detailed=1
# lists the servers) and for one project (its members), start and end
# read as Nova reads them, bad dates a 400. The stock client's `usage
# list` and `usage show` read it.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller
start_image
TOKEN=$(get_token admin "$ADMIN_PW" admin)
ADMIN_TOKEN=$TOKEN
ADMIN_PROJECT=$(psql_q "SELECT id FROM projects WHERE name = 'admin'")
make_flavor u.small 2 256 3
qemu-img create -q -f qcow2 "$T/tiny.qcow2" 16M
make_image u-tiny '"visibility":"public"' "$T/tiny.qcow2"
make_member user1 usageproj
MTOKEN=$(get_token user1 pw usageproj)

server() {	# NAME [TOKEN]: creates it, prints its id
	TOKEN=${2:-$ADMIN_TOKEN} api POST "$CP_URL/v2.1/servers" \
	    "$(jq -cn --arg n "$1" --arg i "$IMG" --arg f "$FLV" \
	    '{server: {name: $n, imageRef: $i, flavorRef: $f}}')"
	[ "$STATUS" = 202 ] || die "server $1 was not accepted: $BODY"
	jq -r .server.id <<<"$BODY"
}
A1=$(server a1)
M1=$(server m1 "$MTOKEN")
M2=$(server m2 "$MTOKEN")
M3=$(server m3 "$MTOKEN")
W="start=2026-01-01T06:00:00&end=2026-01-01T18:00:00"

api GET "$CP_URL/v2.1/os-simple-tenant-usage?$W&detailed=1"
expect 200 "usage of every project"
check "servers that never launched are not counted (as Nova)" jqt '.tenant_usages == []'

# a1 ran from midnight on; m1 from 10:00 to 16:00; m2 from 12:00 on; m3
# ended before the period.
set_times() {	# ID LAUNCHED [TERMINATED]
	local end=NULL
	[ -z "${3:-}" ] || end="'$3+00'"
	psql_q "UPDATE instances SET launched_at = '$2+00',
	    terminated_at = $end WHERE id = '$1'" >/dev/null
}
set_times "$A1" "2026-01-01 00:00:00"
set_times "$M1" "2026-01-01 10:00:00" "2026-01-01 16:00:00"
set_times "$M2" "2026-01-01 12:00:00"
set_times "$M3" "2026-01-01 01:00:00" "2026-01-01 05:00:00"

api GET "$CP_URL/v2.1/os-simple-tenant-usage?$W"
check "without detailed: one summary per project, no server_usages" \
    jqt '(.tenant_usages | length) == 2 and ([.tenant_usages[] | has("server_usages")] == [false, false])'
U=$(jq -c --arg p "$MEMBER_PROJECT" '.tenant_usages[] | select(.tenant_id == $p)' <<<"$BODY")
check "the project's hours: 6 (m1, 10-16) + 6 (m2, 12-18); m3 ended before" \
    jqt '.total_hours == 12' "$U"
check "vCPU hours 2 x 12, memory MB hours 256 x 12, disk GB hours 3 x 12" \
    jqt '.total_vcpus_usage == 24 and .total_memory_mb_usage == 3072 and .total_local_gb_usage == 36' "$U"
check "start and stop as Nova writes them" \
    jqt '.start == "2026-01-01T06:00:00.000000" and .stop == "2026-01-01T18:00:00.000000"' "$U"
check "a1 ran through the whole period: 12 hours" \
    jqt '.tenant_usages[] | select(.tenant_id == "'"$ADMIN_PROJECT"'") | .total_hours == 12'

api GET "$CP_URL/v2.1/os-simple-tenant-usage?$W&detailed=1"
S=$(jq -c '[.tenant_usages[].server_usages[]] | map({(.name): .}) | add' <<<"$BODY")
check "detailed=1 lists the three servers that ran" jqt 'keys == ["a1", "m1", "m2"]' "$S"
check "m1: 6 hours, flavor, terminated, its start and end, uptime 6 h" \
    jqt '.m1 | .hours == 6 and .flavor == "u.small" and .state == "terminated" and .started_at == "2026-01-01T10:00:00.000000" and .ended_at == "2026-01-01T16:00:00.000000" and .uptime == 21600 and .instance_id == "'"$M1"'"' "$S"
check "m2: still there: its vm_state, no end, uptime until now" \
    jqt '.m2 | .state == "error" and .ended_at == null and .uptime > 21600 and .vcpus == 2 and .memory_mb == 256 and .local_gb == 3' "$S"
check "each server usage has exactly Nova's members" \
    jqt '[.[] | keys] | unique == [["ended_at","flavor","hours","instance_id","local_gb","memory_mb","name","started_at","state","tenant_id","uptime","vcpus"]]' "$S"

TOKEN=$MTOKEN api GET "$CP_URL/v2.1/os-simple-tenant-usage/$MEMBER_PROJECT?$W"
expect 200 "a member reads its own project's usage"
check "one project's usage lists its servers" \
    jqt '.tenant_usage.total_hours == 12 and ([.tenant_usage.server_usages[].name] | sort) == ["m1", "m2"]'
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/os-simple-tenant-usage/$ADMIN_PROJECT?$W"
expect_fault 403 "a member reading another project's usage"
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/os-simple-tenant-usage?$W"
expect_fault 403 "a member reading every project's usage (admins only)"
api GET "$CP_URL/v2.1/os-simple-tenant-usage/nobody?$W"
check "a project with no usage: an empty object" eval '[ "$STATUS" = 200 ] && jqt ".tenant_usage == {}"'
api GET "$CP_URL/v2.1/os-simple-tenant-usage/$MEMBER_PROJECT?start=2026-01-01%2011:00:00.5&end=2026-01-01T13:00:00.250000"
check "the space form with a fraction and the T form with one" \
    jqt '.tenant_usage.start == "2026-01-01T11:00:00.500000" and (.tenant_usage.total_hours * 3600 | round) == 10800'
api GET "$CP_URL/v2.1/os-simple-tenant-usage/$MEMBER_PROJECT?start=2026-01-01T06:00:00"
check "no end: until now (m2 still counts, more than 12 h)" \
    jqt '.tenant_usage.total_hours > 12 and ([.tenant_usage.server_usages[].name] | sort) == ["m1", "m2"]'
api GET "$CP_URL/v2.1/os-simple-tenant-usage/$MEMBER_PROJECT?start=2026-01-01T06:00:00&end=2999-01-01T00:00:00"
check "an end in the future stops at now (within a minute of this clock)" \
    jqt '(.tenant_usage.stop[0:19] + "Z" | fromdateiso8601) - '"$(date -u +%s)"' | fabs < 60'

api DELETE "$CP_URL/v2.1/servers/$A1"
api GET "$CP_URL/v2.1/os-simple-tenant-usage/$ADMIN_PROJECT?start=2026-01-01T06:00:00"
check "a deleted server is terminated and still counted up to its end" \
    jqt '.tenant_usage.server_usages[0] | .state == "terminated" and .ended_at != null'

bad() {	# DESCRIPTION QUERY
	api GET "$CP_URL/v2.1/os-simple-tenant-usage?$2"
	expect_fault 400 "$1"
}
bad "a start that is not a date" "start=yesterday"
bad "a date without a time" "start=2026-01-01"
bad "30 February" "start=2026-02-30T00:00:00"
bad "an hour of 25" "start=2026-01-01T25:00:00"
bad "a time zone (Nova takes none)" "start=2026-01-01T00:00:00Z"
bad "the space form without a fraction" "start=2026-01-01%2000:00:00"
bad "more than six fraction digits" "start=2026-01-01T00:00:00.1234567"
bad "a start after the end" "start=2026-01-02T00:00:00&end=2026-01-01T00:00:00"
check "  its message is Nova's" jqt '.badRequest.message | startswith("Invalid start time.")'
bad "a start equal to the end" "start=2026-01-01T00:00:00&end=2026-01-01T00:00:00"
api GET "$CP_URL/v2.1/os-simple-tenant-usage/$MEMBER_PROJECT?end=2026-13-01T00:00:00"
expect_fault 400 "one project's: a month of 13"

# 2.40: paging over the servers (by project, then id), with next links.
V240="OpenStack-API-Version: compute 2.40"
api GET "$CP_URL/v2.1/os-simple-tenant-usage?$W&detailed=1&limit=1" "" -H "OpenStack-API-Version: compute 2.39"
check "2.39: limit is not taken, no links" \
    jqt '([.tenant_usages[].server_usages[]] | length) == 3 and (has("tenant_usages_links") | not)'
api GET "$CP_URL/v2.1/os-simple-tenant-usage?$W&detailed=1&limit=2" "" -H "$V240"
expect 200 "2.40: a page of 2"
FIRST2=$(jq -c '[.tenant_usages[].server_usages[].instance_id]' <<<"$BODY")
check "2.40: two servers, and a next link with the last as marker" \
    jqt "($FIRST2 | length) == 2 and .tenant_usages_links[0].rel == \"next\" and (.tenant_usages_links[0].href | test(\"limit=2\")) and (.tenant_usages_links[0].href | endswith(\"marker=$(jq -r '.[1]' <<<"$FIRST2")\"))"
NEXT=$(jq -r '.tenant_usages_links[0].href' <<<"$BODY")
api GET "$NEXT" "" -H "$V240"
check "the next page has the third server, and no link (not full)" \
    jqt "([.tenant_usages[].server_usages[].instance_id] | length) == 1 and (has(\"tenant_usages_links\") | not) and ([.tenant_usages[].server_usages[].instance_id] - $FIRST2 | length) == 1"
api GET "$CP_URL/v2.1/os-simple-tenant-usage/$MEMBER_PROJECT?$W&limit=1" "" -H "$V240"
check "2.40: one project's, a page of 1 with tenant_usage_links" \
    jqt "(.tenant_usage.server_usages | length) == 1 and (.tenant_usage_links[0].href | test(\"/os-simple-tenant-usage/$MEMBER_PROJECT[?]\"))"
api GET "$CP_URL/v2.1/os-simple-tenant-usage?$W&marker=00000000-0000-4000-8000-000000000000" "" -H "$V240"
expect_fault 400 "2.40: an unknown marker"
check "... saying so" jqt '.badRequest.message == "Marker 00000000-0000-4000-8000-000000000000 could not be found."'
api GET "$CP_URL/v2.1/os-simple-tenant-usage?$W&limit=x" "" -H "$V240"
expect_fault 400 "2.40: a limit not a number"

use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
OUT=$(os usage list --start 2026-01-01 --end 2026-01-02 -f json)
check "openstack usage list: both projects with their servers of that day" \
    jqt '(map({(.Project): (.Servers | length)}) | add) == {"'"$ADMIN_PROJECT"'": 1, "'"$MEMBER_PROJECT"'": 3}' "$OUT"
[ -s "$T/os.err" ] && say "usage list: $(head -c 300 "$T/os.err")"
OUT=$(os --os-compute-api-version 2.60 usage list --start 2026-01-01 --end 2026-01-02 -f json)
check "openstack usage list at 2.60 (paged by links): the same" \
    jqt '(map({(.Project): (.Servers | length)}) | add) == {"'"$ADMIN_PROJECT"'": 1, "'"$MEMBER_PROJECT"'": 3}' "$OUT"
OUT=$(os usage show --project usageproj --start 2026-01-01 --end 2026-01-02 -f json)
check "openstack usage show --project: (m3 4 h + m1 6 h + m2 12 h) x 2 vCPUs" \
    jqt '(.Servers | length) == 3 and ."CPU Hours" == 44' "$OUT"
[ -s "$T/os.err" ] && say "usage show: $(head -c 300 "$T/os.err")"
finish
