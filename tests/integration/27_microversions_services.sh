#!/usr/bin/env bash
# os-services and os-hypervisors by microversion: forced_down and the
# force-down action from 2.11 (a forced-down service is down and the
# scheduler places nothing there), cpu_info as an object from 2.28, uuid
# ids from 2.53 with PUT and DELETE on /os-services/{uuid} (the old
# actions and the hypervisor search routes gone), os-migrations and a
# server's migrations (2.23, 2.59: empty, none exist), and the stock CLI at
# --os-compute-api-version 2.60. Below each version the old format stays.
. "$(dirname "$0")/../lib/harness.sh"

start_cloud
start_compute nodeA "shutdown_timeout = 0" computeA
start_compute nodeB "shutdown_timeout = 0" computeB
wait_nodes_up 2 15
V() { echo "OpenStack-API-Version: compute $1"; }
UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

# ---- 2.10 / 2.11: forced_down ----
api GET "$CP_URL/v2.1/os-services" "" -H "$(V 2.10)"
check "2.10: no forced_down, integer ids" \
    jqt 'all(.services[]; has("forced_down") | not) and all(.services[]; (.id | type) == "number")'
api GET "$CP_URL/v2.1/os-services" "" -H "$(V 2.11)"
check "2.11: forced_down false on both" \
    jqt '[.services[].forced_down] == [false, false]'
api PUT "$CP_URL/v2.1/os-services/force-down" '{"host":"nodeB","binary":"nova-compute","forced_down":true}' -H "$(V 2.10)"
expect_fault 404 "2.10: force-down is an unknown action"
api PUT "$CP_URL/v2.1/os-services/disable" '{"host":"nodeB","binary":"nova-compute","forced_down":true}' -H "$(V 2.10)"
expect_fault 400 "2.10: forced_down is an unknown field"
api PUT "$CP_URL/v2.1/os-services/force-down" '{"host":"nodeB","binary":"nova-compute"}' -H "$(V 2.11)"
expect_fault 400 "2.11: force-down without forced_down"
api PUT "$CP_URL/v2.1/os-services/force-down" '{"host":"nodeB","binary":"nova-compute","forced_down":"maybe"}' -H "$(V 2.11)"
expect_fault 400 "2.11: forced_down not a boolean"
api PUT "$CP_URL/v2.1/os-services/force-down" '{"host":"nodeZ","binary":"nova-compute","forced_down":true}' -H "$(V 2.11)"
expect_fault 404 "2.11: force-down of an unknown host"
api PUT "$CP_URL/v2.1/os-services/force-down" '{"host":"nodeB","binary":"nova-compute","forced_down":true}' -H "$(V 2.11)"
expect 200 "2.11: PUT /os-services/force-down"
check "... answers host, binary and forced_down" \
    jqt '.service == {host: "nodeB", binary: "nova-compute", forced_down: true}'
api GET "$CP_URL/v2.1/os-services?host=nodeB" "" -H "$(V 2.11)"
check "nodeB is forced down and shows down though its agent heartbeats" \
    jqt '.services[0] | .forced_down == true and .state == "down"'
api GET "$CP_URL/v2.1/os-hypervisors/detail"
check "its hypervisor is down too" \
    jqt '.hypervisors[] | select(.hypervisor_hostname == "nodeB") | .state == "down"'

use_openstack_cli
OS="openstack --os-compute-api-version 2.60"
$OS compute service set --down nodeA nova-compute >"$T/cli.out" 2>&1
check "openstack compute service set --down (exit 0): $(tail -1 "$T/cli.out")" [ $? = 0 ]
make_image mv-guest '"visibility":"public"'
make_flavor mv.vm 1 64 1
api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"none\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\"}}"
[ "$STATUS" = 202 ] || die "server create: $STATUS $BODY"
ID=$(jq -r .server.id <<<"$BODY")
errored() { api GET "$CP_URL/v2.1/servers/$ID"; jqt '.server.status == "ERROR"'; }
wait_for 15 errored || die "server $ID did not fail: $BODY"
check "with both forced down the scheduler places nothing (No valid host)" \
    jqt '.server.fault.message | test("^No valid host was found")'
check "... the details say both are down" \
    jqt '.server.fault.details | test("nodeA: down") and test("nodeB: down")'
OUT=$($OS server event list "$ID" -f json 2>"$T/cli.err")
check "CLI 2.60: server event list shows the create" eval \
    'jqt "[.[].Action] == [\"create\"]" "$OUT"'

# ---- migrations (none yet: there is no live migration) ----
api GET "$CP_URL/v2.1/servers/$ID/migrations" "" -H "$(V 2.22)"
expect_fault 404 "2.22: /servers/{id}/migrations is not there"
api GET "$CP_URL/v2.1/servers/$ID/migrations" "" -H "$(V 2.23)"
expect 200 "2.23: GET /servers/{id}/migrations"
check "... an empty list" jqt '.migrations == []'
api GET "$CP_URL/v2.1/servers/$ID/migrations/1" "" -H "$(V 2.23)"
expect_fault 404 "2.23: a server's migration is not found"
api GET "$CP_URL/v2.1/servers/00000000-0000-4000-8000-000000000000/migrations" "" -H "$(V 2.23)"
expect_fault 404 "2.23: migrations of an unknown server"
api GET "$CP_URL/v2.1/os-migrations"
expect 200 "GET /os-migrations"
check "... an empty list" jqt '.migrations == []'
api GET "$CP_URL/v2.1/os-migrations?anything=1" "" -H "$(V 2.58)"
expect 200 "2.58: unknown parameters are ignored"
api GET "$CP_URL/v2.1/os-migrations?limit=5&changes-since=2026-01-01T00:00:00Z" "" -H "$(V 2.59)"
expect 200 "2.59: limit and changes-since"
api GET "$CP_URL/v2.1/os-migrations?anything=1" "" -H "$(V 2.59)"
expect_fault 400 "2.59: an unknown parameter"
api GET "$CP_URL/v2.1/os-migrations?limit=-1" "" -H "$(V 2.59)"
expect_fault 400 "2.59: a negative limit"
api GET "$CP_URL/v2.1/os-migrations?changes-since=yesterday" "" -H "$(V 2.59)"
expect_fault 400 "2.59: changes-since not a time"
api GET "$CP_URL/v2.1/os-migrations?marker=00000000-0000-4000-8000-000000000000" "" -H "$(V 2.59)"
expect_fault 400 "2.59: an unknown marker"
check "... saying so" jqt '.badRequest.message == "Marker 00000000-0000-4000-8000-000000000000 could not be found."'
api DELETE "$CP_URL/v2.1/servers/$ID"
$OS compute service set --up nodeA nova-compute >"$T/cli.out" 2>&1
check "openstack compute service set --up (exit 0)" [ $? = 0 ]
api GET "$CP_URL/v2.1/os-services?host=nodeA" "" -H "$(V 2.11)"
check "nodeA up again" jqt '.services[0] | .forced_down == false and .state == "up"'

# ---- 2.28: cpu_info ----
api GET "$CP_URL/v2.1/os-hypervisors/detail" "" -H "$(V 2.27)"
check "2.27: cpu_info is a string" jqt 'all(.hypervisors[]; (.cpu_info | type) == "string")'
api GET "$CP_URL/v2.1/os-hypervisors/detail" "" -H "$(V 2.28)"
check "2.28: cpu_info is an object" jqt 'all(.hypervisors[]; (.cpu_info | type) == "object" and .cpu_info.accelerator == "tcg")'

# ---- 2.53: uuids ----
api GET "$CP_URL/v2.1/os-hypervisors" "" -H "$(V 2.52)"
HID=$(jq '.hypervisors[] | select(.hypervisor_hostname == "nodeA") | .id' <<<"$BODY")
check "2.52: integer hypervisor ids" jqt 'all(.hypervisors[]; (.id | type) == "number")'
api GET "$CP_URL/v2.1/os-hypervisors/nodeA/search" "" -H "$(V 2.52)"
check "2.52: search by pattern" jqt '[.hypervisors[].hypervisor_hostname] == ["nodeA"]'
api GET "$CP_URL/v2.1/os-hypervisors/nodeA/search" "" -H "$(V 2.53)"
expect_fault 404 "2.53: /os-hypervisors/{pattern}/search is gone"
api GET "$CP_URL/v2.1/os-hypervisors/nodeA/servers" "" -H "$(V 2.53)"
expect_fault 404 "2.53: /os-hypervisors/{pattern}/servers is gone"
api GET "$CP_URL/v2.1/os-hypervisors/detail" "" -H "$(V 2.53)"
check "2.53: hypervisor and service ids are uuids" \
    jqt "all(.hypervisors[]; (.id | test(\"$UUID_RE\")) and (.service.id | test(\"$UUID_RE\")))"
HUUID=$(jq -r '.hypervisors[] | select(.hypervisor_hostname == "nodeA") | .id' <<<"$BODY")
SUUID=$(jq -r '.hypervisors[] | select(.hypervisor_hostname == "nodeB") | .service.id' <<<"$BODY")
api GET "$CP_URL/v2.1/os-hypervisors/$HUUID" "" -H "$(V 2.53)"
check "2.53: show by uuid" jqt ".hypervisor.hypervisor_hostname == \"nodeA\" and .hypervisor.id == \"$HUUID\""
api GET "$CP_URL/v2.1/os-hypervisors/$HID" "" -H "$(V 2.53)"
expect_fault 400 "2.53: an integer hypervisor id"
check "... saying it is not a uuid" jqt ".badRequest.message == \"Invalid uuid $HID\""
api GET "$CP_URL/v2.1/os-hypervisors/$HID" "" -H "$(V 2.52)"
expect 200 "2.52: the integer id still shows"
api GET "$CP_URL/v2.1/os-services" "" -H "$(V 2.53)"
check "2.53: service ids are uuids, the hypervisors' service ids" \
    jqt ".services[] | select(.host == \"nodeB\") | .id == \"$SUUID\""
check "... the same on every read (stable)" eval \
    '[ "$(api GET "$CP_URL/v2.1/os-services?host=nodeB" "" -H "$(V 2.60)"; jq -r ".services[0].id" <<<"$BODY")" = "$SUUID" ]'
for a in disable enable disable-log-reason force-down; do
	api PUT "$CP_URL/v2.1/os-services/$a" '{"host":"nodeB","binary":"nova-compute"}' -H "$(V 2.53)"
	expect 400 "2.53: PUT /os-services/$a is not a uuid"
done
api PUT "$CP_URL/v2.1/os-services/$SUUID" '{"status":"disabled","disabled_reason":"fans"}' -H "$(V 2.53)"
expect 200 "2.53: PUT /os-services/{uuid} disables"
check "... answering the whole service" \
    jqt ".service | .id == \"$SUUID\" and .status == \"disabled\" and .disabled_reason == \"fans\" and .forced_down == true and .host == \"nodeB\" and .binary == \"nova-compute\" and .zone == \"nova\" and has(\"updated_at\") and has(\"state\")"
api PUT "$CP_URL/v2.1/os-services/$SUUID" '{"status":"enabled","disabled_reason":"x"}' -H "$(V 2.53)"
expect_fault 400 "2.53: a reason with status enabled"
check "... as Nova says it" jqt ".badRequest.message == \"Specifying 'disabled_reason' with status 'enabled' is invalid.\""
api PUT "$CP_URL/v2.1/os-services/$SUUID" '{}' -H "$(V 2.53)"
expect_fault 400 "2.53: nothing to update"
api PUT "$CP_URL/v2.1/os-services/$SUUID" '{"status":"off"}' -H "$(V 2.53)"
expect_fault 400 "2.53: a status not enabled/disabled"
api PUT "$CP_URL/v2.1/os-services/$SUUID" '{"forced_down":1}' -H "$(V 2.53)"
expect_fault 400 "2.53: forced_down a number"
api PUT "$CP_URL/v2.1/os-services/$SUUID" '{"status":"enabled","host":"nodeB"}' -H "$(V 2.53)"
expect_fault 400 "2.53: an unknown field"
api PUT "$CP_URL/v2.1/os-services/$SUUID" '{"status":' -H "$(V 2.53)"
expect_fault 400 "2.53: a malformed body"
api PUT "$CP_URL/v2.1/os-services/00000000-0000-4000-8000-000000000000" '{"status":"enabled"}' -H "$(V 2.53)"
expect_fault 404 "2.53: an unknown service uuid"
api GET "$CP_URL/v2.1/os-services?host=nodeB" "" -H "$(V 2.53)"
check "the refusals changed nothing (still disabled, fans)" \
    jqt '.services[0] | .status == "disabled" and .disabled_reason == "fans"'
api PUT "$CP_URL/v2.1/os-services/$SUUID" '{"status":"enabled","forced_down":false}' -H "$(V 2.53)"
check "2.53: enable answers the reason gone" \
    jqt '.service | .status == "enabled" and .disabled_reason == null'
$OS compute service set --disable --disable-reason r nodeB nova-compute >"$T/cli.out" 2>&1
check "CLI 2.60: service set --disable --disable-reason (exit 0): $(tail -1 "$T/cli.out")" [ $? = 0 ]
api GET "$CP_URL/v2.1/os-services?host=nodeB" "" -H "$(V 2.60)"
check "... nodeB disabled with reason r" jqt '.services[0] | .status == "disabled" and .disabled_reason == "r"'
OUT=$($OS compute service list -f json 2>&1)
check "CLI 2.60: compute service list shows uuid ids" eval \
    'jqt "length == 2 and all(.[]; .ID | test(\"$UUID_RE\"))" "$OUT"'
OUT=$($OS hypervisor list -f json 2>&1)
check "CLI 2.60: hypervisor list" eval \
    'jqt "[.[].\"Hypervisor Hostname\"] | sort == [\"nodeA\", \"nodeB\"]" "$OUT"'
OUT=$($OS hypervisor show nodeA -f json 2>&1)
check "CLI 2.60: hypervisor show nodeA" eval \
    'jqt ".id == \"$HUUID\"" "$OUT"'

# ---- 2.33 paging, 2.53 pattern and with_servers ----
api GET "$CP_URL/v2.1/os-hypervisors?limit=1" "" -H "$(V 2.32)"
check "2.32: limit is not taken, no links" jqt '(.hypervisors | length) == 2 and (has("hypervisors_links") | not)'
api GET "$CP_URL/v2.1/os-hypervisors/detail?limit=1" "" -H "$(V 2.33)"
FIRST=$(jq '.hypervisors[0].id' <<<"$BODY")
check "2.33: a page of 1 with a next link to detail, marker its id" \
    jqt "(.hypervisors | length) == 1 and (.hypervisors_links[0].href | test(\"/v2.1/os-hypervisors/detail[?]limit=1&marker=$FIRST\$\"))"
api GET "$(jq -r '.hypervisors_links[0].href' <<<"$BODY")" "" -H "$(V 2.33)"
check "... the next page is the other node" jqt "(.hypervisors | length) == 1 and .hypervisors[0].id != $FIRST"
api GET "$CP_URL/v2.1/os-hypervisors?marker=9999" "" -H "$(V 2.33)"
expect_fault 400 "2.33: an unknown marker"
check "... as Nova says it" jqt '.badRequest.message == "marker [9999] not found"'
api GET "$CP_URL/v2.1/os-hypervisors?limit=-1" "" -H "$(V 2.33)"
expect_fault 400 "2.33: a negative limit"
api GET "$CP_URL/v2.1/os-hypervisors?marker=$HUUID" "" -H "$(V 2.53)"
expect 200 "2.53: a uuid marker"
api GET "$CP_URL/v2.1/os-hypervisors?hypervisor_hostname_pattern=deB" "" -H "$(V 2.53)"
check "2.53: hypervisor_hostname_pattern" jqt '[.hypervisors[].hypervisor_hostname] == ["nodeB"]'
api GET "$CP_URL/v2.1/os-hypervisors?hypervisor_hostname_pattern=nomatch" "" -H "$(V 2.53)"
expect_fault 404 "2.53: a pattern matching none"
api GET "$CP_URL/v2.1/os-hypervisors?hypervisor_hostname_pattern=node&limit=1" "" -H "$(V 2.53)"
expect_fault 400 "2.53: paging with a pattern"
api GET "$CP_URL/v2.1/os-hypervisors?with_servers=maybe" "" -H "$(V 2.53)"
expect_fault 400 "2.53: with_servers not a boolean"
api GET "$CP_URL/v2.1/os-hypervisors?servers=1" "" -H "$(V 2.53)"
expect_fault 400 "2.53: an unknown parameter"
api GET "$CP_URL/v2.1/os-hypervisors?with_servers=true" "" -H "$(V 2.53)"
check "2.53: with_servers and no servers: the member left out (below 2.75)" \
    jqt '(.hypervisors | length) == 2 and all(.hypervisors[]; has("servers") | not)'
api GET "$CP_URL/v2.1/os-hypervisors/$HUUID?with_servers=1" "" -H "$(V 2.53)"
expect 200 "2.53: show with_servers"
api GET "$CP_URL/v2.1/os-hypervisors/$HUUID?x=1" "" -H "$(V 2.53)"
expect_fault 400 "2.53: show with an unknown parameter"

# ---- DELETE ----
# nodeB is disabled: a server goes to nodeA, whose service then refuses
# to go.
api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"held\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\"}}"
[ "$STATUS" = 202 ] || die "server create: $STATUS $BODY"
HELD=$(jq -r .server.id <<<"$BODY")
on_a() { api GET "$CP_URL/v2.1/servers/$HELD"; jqt '.server."OS-EXT-SRV-ATTR:host" == "nodeA"'; }
wait_for 20 on_a || die "server $HELD not placed on nodeA: $BODY"
api GET "$CP_URL/v2.1/os-services?host=nodeA" "" -H "$(V 2.53)"
AUUID=$(jq -r '.services[0].id' <<<"$BODY")
api DELETE "$CP_URL/v2.1/os-services/$AUUID" "" -H "$(V 2.53)"
expect_fault 409 "2.53: DELETE of a service whose node hosts a server"
check "... as Nova says it" jqt '.conflictingRequest.message == "Unable to delete compute service that is hosting instances. Migrate or delete the instances first."'
api DELETE "$CP_URL/v2.1/servers/$HELD"
held_gone() { api GET "$CP_URL/v2.1/servers/$HELD"; [ "$STATUS" = 404 ]; }
wait_for 30 held_gone || die "server $HELD not deleted"
api DELETE "$CP_URL/v2.1/os-services/abc" "" -H "$(V 2.52)"
expect_fault 400 "2.52: DELETE with a non-integer id"
api DELETE "$CP_URL/v2.1/os-services/abc" "" -H "$(V 2.53)"
expect_fault 400 "2.53: DELETE with a non-uuid id"
api DELETE "$CP_URL/v2.1/os-services/00000000-0000-4000-8000-000000000000" "" -H "$(V 2.53)"
expect_fault 404 "2.53: DELETE of an unknown uuid"
api DELETE "$CP_URL/v2.1/os-services/$SUUID" "" -H "$(V 2.53)"
expect 204 "2.53: DELETE /os-services/{uuid}"
api GET "$CP_URL/v2.1/os-services" "" -H "$(V 2.53)"
check "nodeB's service no longer lists" jqt '[.services[].host] == ["nodeA"]'
# Heartbeats keep coming: the node stays away while its agent runs.
DELETED_AT=$(psql_q "SELECT now()")
beat_after() { [ "$(psql_q "SELECT last_seen > '$DELETED_AT'::timestamptz + interval '1 second' FROM agents WHERE host = 'nodeB' AND kind = 'compute'")" = t ]; }
wait_for 10 beat_after || die "nodeB's agent sent no heartbeat after the delete"
api GET "$CP_URL/v2.1/os-hypervisors" "" -H "$(V 2.53)"
check "... nor does its hypervisor, its agent's heartbeats notwithstanding" \
    jqt '[.hypervisors[].hypervisor_hostname] == ["nodeA"]'
finish
