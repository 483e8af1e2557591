#!/usr/bin/env bash
# os-services: each node's compute service listed with its state and
# status; an admin disables one (with a reason) and the scheduler places
# new servers on the other only; with both disabled a create fails with
# No valid host saying why; enable brings it back. The stock CLI's
# `compute service list` and `compute service set --disable/--enable`,
# and Nova's answers to bad input.
. "$(dirname "$0")/../lib/harness.sh"

start_cloud
start_compute nodeA "shutdown_timeout = 0" computeA
start_compute nodeB "shutdown_timeout = 0" computeB
wait_nodes_up 2 15

api GET "$CP_URL/v2.1/os-services"
expect 200 "GET /os-services"
check "one nova-compute service per node, enabled and up, in zone nova" \
    jqt '[.services[] | [.binary, .host, .status, .state, .zone,
        .disabled_reason]] == [["nova-compute", "nodeA", "enabled", "up",
        "nova", null], ["nova-compute", "nodeB", "enabled", "up", "nova",
        null]]'
check "each has an integer id, the hypervisor's service id, and updated_at" \
    jqt 'all(.services[]; (.id | type) == "number" and (.updated_at |
        test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}$")))'
SVC_B=$(jq '.services[] | select(.host == "nodeB") | .id' <<<"$BODY")
api GET "$CP_URL/v2.1/os-hypervisors/detail"
check "os-hypervisors names the same service id" \
    jqt ".hypervisors[] | select(.hypervisor_hostname == \"nodeB\") |
        .service.id == $SVC_B"
api GET "$CP_URL/v2.1/os-services?host=nodeB"
check "?host= filters" jqt '[.services[].host] == ["nodeB"]'
api GET "$CP_URL/v2.1/os-services?binary=nova-scheduler"
check "?binary= of another binary lists none" jqt '.services == []'

use_openstack_cli
OUT=$(openstack compute service list -f json 2>&1)
check "openstack compute service list shows both" eval \
    'jqt "[.[] | select(.Binary == \"nova-compute\")] | length == 2" "$OUT"'
openstack compute service set --disable --disable-reason "new disks" \
    nodeB nova-compute >"$T/cli.out" 2>&1
check "openstack compute service set --disable --disable-reason (exit 0)" \
    [ $? = 0 ]
api GET "$CP_URL/v2.1/os-services?host=nodeB"
check "nodeB is disabled with its reason" \
    jqt '.services[0] | .status == "disabled" and .disabled_reason == "new disks"'
api GET "$CP_URL/v2.1/os-hypervisors/detail"
check "its hypervisor is disabled, with the reason on its service" \
    jqt '.hypervisors[] | select(.hypervisor_hostname == "nodeB") |
        .status == "disabled" and .service.disabled_reason == "new disks"'

# Servers go to nodeA only.
make_image svc-guest '"visibility":"public"'
make_flavor svc.vm 1 64 1
placed() {
	api GET "$CP_URL/v2.1/servers/$1"
	jqt '.server."OS-EXT-SRV-ATTR:host" != null or .server.status == "ERROR"'
}
gone() { api GET "$CP_URL/v2.1/servers/$1"; [ "$STATUS" = 404 ]; }
hosts=()
for i in 1 2 3; do
	api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"s$i\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\"}}"
	[ "$STATUS" = 202 ] || die "server create: $STATUS $BODY"
	ID=$(jq -r .server.id <<<"$BODY")
	wait_for 15 placed "$ID" || die "server $ID not placed: $BODY"
	hosts+=("$(jq -r '.server."OS-EXT-SRV-ATTR:host"' <<<"$BODY")")
	api DELETE "$CP_URL/v2.1/servers/$ID"
	wait_for 30 gone "$ID" || die "server $ID not deleted"
done
check "with nodeB disabled, three servers all went to nodeA (${hosts[*]})" \
    [ "${hosts[*]}" = "nodeA nodeA nodeA" ]

api PUT "$CP_URL/v2.1/os-services/disable" '{"host":"nodeA","binary":"nova-compute"}'
expect 200 "PUT /os-services/disable"
check "it answers the service with status disabled and no reason" \
    jqt '.service == {host: "nodeA", binary: "nova-compute", status: "disabled"}'
api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"none\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\"}}"
ID=$(jq -r .server.id <<<"$BODY")
errored() { api GET "$CP_URL/v2.1/servers/$ID"; jqt '.server.status == "ERROR"'; }
wait_for 15 errored || die "server $ID did not fail: $BODY"
check "with both disabled: No valid host, saying two services are disabled" \
    jqt '.server.fault.message | test("^No valid host was found: .*of 2 nodes: 2 have a disabled compute service")'
check "... and its details (an admin's view) name both" \
    jqt '.server.fault.details | test("nodeA: its compute service is disabled") and test("nodeB: its compute service is disabled")'
api DELETE "$CP_URL/v2.1/servers/$ID"

openstack compute service set --enable nodeB nova-compute >"$T/cli.out" 2>&1
check "openstack compute service set --enable (exit 0)" [ $? = 0 ]
api PUT "$CP_URL/v2.1/os-services/enable" '{"host":"nodeA","binary":"nova-compute"}'
check "PUT /os-services/enable answers status enabled" \
    jqt '.service == {host: "nodeA", binary: "nova-compute", status: "enabled"}'
api GET "$CP_URL/v2.1/os-services"
check "both enabled again, the reason gone" \
    jqt 'all(.services[]; .status == "enabled" and .disabled_reason == null)'
api PUT "$CP_URL/v2.1/os-services/disable-log-reason" '{"host":"nodeB","binary":"nova-compute","disabled_reason":"fans"}'
check "disable-log-reason answers the reason" \
    jqt '.service == {host: "nodeB", binary: "nova-compute", status: "disabled", disabled_reason: "fans"}'

# ---- bad input, as Nova answers ----
api PUT "$CP_URL/v2.1/os-services/force-down" '{"host":"nodeB","binary":"nova-compute","forced_down":true}'
expect_fault 404 "force-down at microversion 2.1 is an unknown action"
api PUT "$CP_URL/v2.1/os-services/reboot" '{"host":"nodeB","binary":"nova-compute"}'
expect_fault 404 "an unknown action"
api PUT "$CP_URL/v2.1/os-services/disable" '{"binary":"nova-compute"}'
expect_fault 400 "no host"
api PUT "$CP_URL/v2.1/os-services/disable" '{"host":"nodeB"}'
expect_fault 400 "no binary"
api PUT "$CP_URL/v2.1/os-services/disable" '{"host":"nodeB","binary":"nova-compute","x":1}'
expect_fault 400 "an unknown field"
api PUT "$CP_URL/v2.1/os-services/disable" '{"host":"","binary":"nova-compute"}'
expect_fault 400 "an empty host"
api PUT "$CP_URL/v2.1/os-services/disable" '{"host":"nodeB","binary":"nova-scheduler"}'
expect_fault 400 "another binary than nova-compute"
check "... saying only nova-compute services can be updated" \
    jqt '.badRequest.message == "Updating a nova-scheduler service is not supported. Only nova-compute services can be updated."'
api PUT "$CP_URL/v2.1/os-services/disable" '{"host":"nodeZ","binary":"nova-compute"}'
expect_fault 404 "an unknown host"
check "... naming it as Nova does" \
    jqt '.itemNotFound.message == "Could not find binary nova-compute on host nodeZ."'
api PUT "$CP_URL/v2.1/os-services/disable-log-reason" '{"host":"nodeA","binary":"nova-compute"}'
expect_fault 400 "disable-log-reason without a reason"
api PUT "$CP_URL/v2.1/os-services/disable" "{\"host\":\"nodeA\",\"binary\":\"nova-compute\",\"disabled_reason\":\"$(printf 'r%.0s' $(seq 256))\"}"
expect_fault 400 "a reason over 255 characters"
api GET "$CP_URL/v2.1/os-services?host=nodeA"
check "none of the refusals changed nodeA (still enabled)" \
    jqt '.services[0].status == "enabled"'
make_member svcuser svcproj
MTOKEN=$(get_token svcuser pw svcproj)
api PUT "$CP_URL/v2.1/os-services/enable" '{"host":"nodeB","binary":"nova-compute"}'
expect 200 "nodeB enabled again"
# No valid host for a member: the rule, no node, no details. One vCPU
# more than the nodes' pCPUs (within the member's cores quota).
api GET "$CP_URL/v2.1/os-hypervisors/detail"
VC=$(( $(jq '[.hypervisors[].vcpus] | max' <<<"$BODY") + 1 ))
make_flavor svc.huge "$VC" 64 1
TOKEN=$MTOKEN api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"huge\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\"}}"
[ "$STATUS" = 202 ] || die "member's server create: $STATUS $BODY"
ID=$(jq -r .server.id <<<"$BODY")
merr() { TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID"; jqt '.server.status == "ERROR"'; }
wait_for 15 merr || die "the member's $VC-vCPU server did not fail: $BODY"
say "the member sees: $(jq -c .server.fault <<<"$BODY")"
check "a member sees the rule: needs $VC vCPUs, no node has more than N cores" \
    jqt ".server.fault.message | test(\"^No valid host was found: needs $VC vCPUs; no node has more than [0-9]+ cores\")"
check "... naming no node, with no details" \
    jqt '(.server.fault.message | test("node[AB]") | not) and (.server.fault | has("details") | not)'
api GET "$CP_URL/v2.1/servers/$ID"
check "the admin's view of the member's server has the details, node by node" \
    jqt ".server.fault.details | test(\"nodeA: needs $VC vCPUs but host has [0-9]+ pCPUs\") and test(\"nodeB: needs $VC vCPUs\")"
REQ=$(TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions"; jq -r '.instanceActions[0].request_id' <<<"$BODY")
api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions/$REQ"
check "the create action's event shows an admin both, nodes named" \
    jqt ".instanceAction.events[0].traceback | test(\"^No valid host was found: needs $VC\") and test(\"nodeA: needs $VC vCPUs\")"
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions/$REQ"
check "below 2.51 the member sees no events (admins only, as Nova then)" \
    jqt '.instanceAction | has("events") | not'
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions/$REQ" "" \
    -H "OpenStack-API-Version: compute 2.51"
check "2.51: the member sees the event, without its traceback" \
    jqt '.instanceAction.events[0] | .event == "compute_create" and (has("traceback") | not)'
check "... and no updated_at below 2.58" \
    jqt '.instanceAction | has("updated_at") | not'
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions" "" \
    -H "OpenStack-API-Version: compute 2.58"
check "2.58: each action has updated_at" \
    jqt 'all(.instanceActions[]; .updated_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}$"))'
api DELETE "$CP_URL/v2.1/servers/$ID"
mgone() { TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID"; [ "$STATUS" = 404 ]; }
wait_for 15 mgone || die "the member's server was not deleted"
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions" "" \
    -H "OpenStack-API-Version: compute 2.20"
expect_fault 404 "2.20: a deleted server's actions are not found"
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions" "" \
    -H "OpenStack-API-Version: compute 2.21"
expect 200 "2.21: a deleted server's actions list"
check "... create and delete" \
    jqt '[.instanceActions[].action] == ["delete", "create"]'
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions/$REQ" "" \
    -H "OpenStack-API-Version: compute 2.21"
check "2.21: and its create action shows" jqt ".instanceAction.request_id == \"$REQ\""
V258="OpenStack-API-Version: compute 2.58"
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions?limit=1" "" -H "$V258"
check "2.58: a page of 1, the newest (delete), with a next link" \
    jqt '[.instanceActions[].action] == ["delete"] and .links[0].rel == "next" and (.links[0].href | test("/servers/[^/]+/os-instance-actions[?]limit=1&marker=req-"))'
NEXT=$(jq -r '.links[0].href' <<<"$BODY")
TOKEN=$MTOKEN api GET "$NEXT" "" -H "$V258"
check "... the next page: create" jqt '[.instanceActions[].action] == ["create"]'
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions?changes-since=2999-01-01T00:00:00Z" "" -H "$V258"
check "2.58: changes-since in the future: none" jqt '.instanceActions == []'
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions?marker=req-nothing" "" -H "$V258"
expect_fault 400 "2.58: an unknown marker"
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions?changes-before=2026-01-01T00:00:00Z" "" -H "$V258"
expect_fault 400 "2.58: changes-before (2.66's) is refused"
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions?changes-since=soon" "" -H "$V258"
expect_fault 400 "2.58: changes-since not a time"
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/$ID/os-instance-actions?limit=1&x=1" "" -H "OpenStack-API-Version: compute 2.57"
check "2.57: no paging, other parameters ignored" jqt '(.instanceActions | length) == 2 and (has("links") | not)'
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/os-services"
expect_fault 403 "a member may not list services"
TOKEN=$MTOKEN api PUT "$CP_URL/v2.1/os-services/enable" '{"host":"nodeB","binary":"nova-compute"}'
expect_fault 403 "nor enable one"
finish
