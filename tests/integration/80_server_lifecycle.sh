#!/usr/bin/env bash
# Server lifecycle with the stock CLI on a real libvirtd/QEMU (TCG) node:
# lock and unlock (a locked server refuses its owner's actions and delete,
# not an admin's; an owner cannot lift an admin's lock), pause and unpause
# (libvirt suspends and resumes the domain), suspend and resume (libvirt's
# managed save, and the start that restores it); each action in the wrong
# state is a 409 with Nova's sentence, each is an instance action, and an
# agent that never takes the work leaves the server as it was. rebuild
# makes the disk anew from another image and starts the guest again.
# Server
# metadata: server set/unset --property and the metadata routes, with
# Nova's validation, quota (403), lock and state rules (409).
. "$(dirname "$0")/../lib/harness.sh"

start_cloud
start_compute nodeS $'reserved_host_memory_mb = 256\nshutdown_timeout = 2'
wait_node_up

make_image gureum-tiny '"visibility":"public"'
make_image gureum-big '"visibility":"public","min_disk":5'
make_image gureum-tiny2 '"visibility":"public"'
IMG2=$IMG
make_flavor m1.tiny 1 128 1
make_member bob demo
ADMIN_TOKEN=$TOKEN
BOB_TOKEN=$(get_token bob pw demo)

use_openstack_cli
admin() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
# bob, the server's owner, a member of project demo.
os() {
	OS_USERNAME=bob OS_PASSWORD=pw OS_PROJECT_NAME=demo \
	    /usr/bin/openstack "$@" 2>"$T/os.err"
}
status_is() { test "$(os server show "$1" -f value -c status)" = "$2"; }
domstate() { virsh -c "$LIBVIRT_URI" domstate --reason "instance-$ID"; }
domstate_is() { [[ "$(domstate)" == "$1"* ]]; }
act() {	# BODY [TOKEN]: POST the server's action as bob (or TOKEN's owner)
	TOKEN=${2:-$BOB_TOKEN} api POST "$CP_URL/v2.1/servers/$ID/action" "$1"
}
refused() {	# ACTION VM-STATE [NAME]: a 409 with Nova's sentence, which
	# names the action as Nova does (os-stop is 'stop')
	local n=${3:-$1}
	act "{\"$1\": null}"
	expect_fault 409 "$1 in vm_state $2"
	check "its message: Cannot '$n' instance ... while it is in vm_state $2" \
	    jqt ".conflictingRequest.message | startswith(\"Cannot '$n' instance $ID while it is in vm_state $2\")"
}
sts() {	# vm_state and power_state, as admin sees them
	TOKEN=$ADMIN_TOKEN api GET "$CP_URL/v2.1/servers/$ID"
	jq -r '.server | "\(."OS-EXT-STS:vm_state") \(."OS-EXT-STS:power_state") \(."OS-EXT-STS:task_state")"' <<<"$BODY"
}

OUT=$(os server create --flavor m1.tiny --image gureum-tiny --wait vm1 -f json)
check "bob's vm1 reaches ACTIVE" jqt '.status == "ACTIVE"' "$OUT"
ID=$(jq -r .id <<<"$OUT")
ready() { os console log show vm1 | grep -q "gureum-guest ready: vm1"; }
check "vm1's console shows its ready line" wait_for 90 ready

# ---- lock / unlock ----
os server lock vm1
check "server lock: the owner's lock is kept" \
    test "$(psql_q "SELECT locked, locked_by FROM instances WHERE id = '$ID'")" = "t|owner"
TOKEN=$BOB_TOKEN api GET "$CP_URL/v2.1/servers/$ID"
check "'locked' is not shown at 2.1 (from 2.9 only)" jqt '.server | has("locked") | not'
os server stop vm1
check "server stop of a locked server: 409, Instance ... is locked" \
    grep -q "Instance $ID is locked" "$T/os.err"
os server delete vm1
check "server delete of a locked server: refused, is locked" \
    grep -q "Instance $ID is locked" "$T/os.err"
check "the locked server is still there, ACTIVE" status_is vm1 ACTIVE
for a in pause suspend os-stop; do
	act "{\"$a\": null}"
	expect_fault 409 "$a of a locked server"
	check "$a: the fault says it is locked" \
	    jqt ".conflictingRequest.message == \"Instance $ID is locked\""
done
act '{"reboot": {"type": "SOFT"}}'
expect_fault 409 "reboot of a locked server"
act '{"os-getConsoleOutput": {"length": 1}}'
expect 200 "console output of a locked server (not a change)"
check "locking a locked server again is accepted" os server lock vm1
os server unlock vm1
check "server unlock by its owner" \
    test "$(psql_q "SELECT locked, coalesce(locked_by, '-') FROM instances WHERE id = '$ID'")" = "f|-"
admin server lock "$ID"
check "an admin's lock is kept as the admin's" \
    test "$(psql_q "SELECT locked, locked_by FROM instances WHERE id = '$ID'")" = "t|admin"
act '{"unlock": null}'
expect_fault 403 "the owner cannot lift an admin's lock"
check "the server stays locked" \
    test "$(psql_q "SELECT locked FROM instances WHERE id = '$ID'")" = t

# ---- pause / unpause, while locked by the admin: admins may act ----
admin server pause "$ID"
check "an admin pauses the locked server: PAUSED" wait_for 30 status_is vm1 PAUSED
check "libvirt has the domain paused" domstate_is "paused (user)"
check "vm_state paused, power_state 3, no task" test "$(sts)" = "paused 3 null"
act '{"unpause": null}'
expect_fault 409 "the owner's unpause while the admin's lock holds"
admin server unlock "$ID"
check "the admin unlocks it" \
    test "$(psql_q "SELECT locked FROM instances WHERE id = '$ID'")" = f
refused pause paused
refused suspend paused
refused os-stop paused stop
refused os-start paused start
refused resume paused
os server unpause vm1
check "server unpause: ACTIVE" wait_for 30 status_is vm1 ACTIVE
check "libvirt runs the domain again" domstate_is "running (unpaused)"
check "vm_state active, power_state 1" test "$(sts)" = "active 1 null"
refused unpause active
os server pause vm1
check "the owner pauses it: PAUSED" wait_for 30 status_is vm1 PAUSED
os server unpause vm1
check "and unpauses it: ACTIVE" wait_for 30 status_is vm1 ACTIVE

# ---- suspend / resume (managed save) ----
os server suspend vm1
check "server suspend: SUSPENDED" wait_for 60 status_is vm1 SUSPENDED
check "libvirt has the domain shut off, saved" domstate_is "shut off (saved)"
check "libvirt holds its managed save image" \
    virsh -c "$LIBVIRT_URI" dominfo "instance-$ID" | grep -q "Managed save: *yes"
check "vm_state suspended, power_state 4, no task" test "$(sts)" = "suspended 4 null"
refused suspend suspended
refused pause suspended
refused unpause suspended
refused os-start suspended start
os server resume vm1
check "server resume: ACTIVE" wait_for 60 status_is vm1 ACTIVE
check "libvirt restored the domain from its save" domstate_is "running (restored)"
check "vm_state active, power_state 1" test "$(sts)" = "active 1 null"
check "the managed save image is gone" \
    virsh -c "$LIBVIRT_URI" dominfo "instance-$ID" | grep -q "Managed save: *no"
refused resume active

# Bodies: one action, a known one.
act '{"pause": null, "unpause": null}'
expect_fault 400 "two actions in one body"
act '{"hibernate": null}'
expect_fault 400 "an unknown action"

# ---- server metadata ----
meta() {	# METHOD [SUFFIX] [BODY]: /servers/ID/metadata as bob
	TOKEN=$BOB_TOKEN api "$1" "$CP_URL/v2.1/servers/$ID/metadata${2:-}" "${3:-}"
}
check "server set --property k1=v1 --property k2=v2" \
    os server set --property k1=v1 --property k2=v2 vm1
meta GET
check "GET metadata: both items" jqt '.metadata == {"k1": "v1", "k2": "v2"}'
check "server unset --property k1" os server unset --property k1 vm1
meta GET
check "only k2 is left" jqt '.metadata == {"k2": "v2"}'
TOKEN=$BOB_TOKEN api GET "$CP_URL/v2.1/servers/$ID"
check "the server document shows it" jqt '.server.metadata == {"k2": "v2"}'
meta GET /k2
check "GET metadata/k2: {meta: {k2: v2}}" jqt '. == {"meta": {"k2": "v2"}}'
meta GET /nope
expect_fault 404 "an unknown key"
meta PUT /k3 '{"meta": {"k3": "v3"}}'
check "PUT metadata/k3 answers the item" jqt '. == {"meta": {"k3": "v3"}}'
meta POST "" '{"metadata": {"k2": "two", "k4": "v4"}}'
check "POST metadata merges, answers all" \
    jqt '.metadata == {"k2": "two", "k3": "v3", "k4": "v4"}'
meta PUT "" '{"metadata": {"only": "1"}}'
check "PUT metadata replaces all" jqt '.metadata == {"only": "1"}'
K256=$(printf 'k%.0s' $(seq 256)); V256=$(printf 'v%.0s' $(seq 256))
for bad in '{"meta": {"k4": "x"}}' '{"meta": {}}' '{"meta": {"k3": "a", "b": "c"}}' \
    '{"meta": {"k3": 1}}' '{"meta": "k3"}' '{"meta": {"k3": "x"}, "x": 1}'; do
	meta PUT /k3 "$bad"
	expect_fault 400 "PUT metadata/k3 with $bad"
done
for bad in '{"metadata": {"a/b": "x"}}' '{"metadata": {"": "x"}}' \
    "{\"metadata\": {\"$K256\": \"x\"}}" "{\"metadata\": {\"k\": \"$V256\"}}" \
    '{"metadata": {"k": null}}' '{"metadata": []}' '{"meta": {"k": "v"}}' '{}'; do
	meta POST "" "$bad"
	expect_fault 400 "POST metadata with ${bad:0:40}"
done
meta GET
check "refused bodies changed nothing" jqt '.metadata == {"only": "1"}'
M128=$(jq -nc '{metadata: ([range(128)] | map({key: "k\(.)", value: "v"}) | from_entries)}')
meta PUT "" "$M128"
check "128 items are allowed" jqt '.metadata | length == 128'
meta POST "" '{"metadata": {"one-more": "x"}}'
expect_fault 403 "a 129th item (the metadata_items quota)"
check "its message is Nova's" \
    jqt '.forbidden.message == "Maximum number of metadata items exceeds 128"'
meta PUT "" '{"metadata": {"only": "1"}}'
admin server lock "$ID"
meta POST "" '{"metadata": {"k": "v"}}'
expect_fault 409 "metadata of a locked server"
check "the fault says it is locked" jqt ".conflictingRequest.message == \"Instance $ID is locked\""
admin server unlock "$ID"
psql_q "UPDATE instances SET task_state = 'powering-off' WHERE id = '$ID'" >/dev/null
meta POST "" '{"metadata": {"k": "v"}}'
expect_fault 409 "metadata while a task runs"
check "Nova's sentence: Cannot 'update metadata' ... task_state" \
    jqt ".conflictingRequest.message | startswith(\"Cannot 'update metadata' instance $ID while it is in vm_state active and task_state powering-off\")"
meta DELETE /only
expect_fault 409 "metadata delete while a task runs"
check "Nova's sentence: Cannot 'delete metadata'" \
    jqt '.conflictingRequest.message | startswith("Cannot '"'"'delete metadata'"'"'")'
psql_q "UPDATE instances SET task_state = NULL WHERE id = '$ID'" >/dev/null
meta DELETE /only
expect 204 "DELETE metadata/only"
meta DELETE /only
expect_fault 404 "DELETE of a key no longer there"
meta GET
check "the metadata is empty" jqt '.metadata == {}'

# ---- rebuild ----
os server pause vm1
wait_for 30 status_is vm1 PAUSED
act '{"rebuild": {"imageRef": "'"$IMG2"'"}}'
expect_fault 409 "rebuild of a paused server"
check "Nova's sentence: Cannot 'rebuild' ... vm_state paused" \
    jqt ".conflictingRequest.message | startswith(\"Cannot 'rebuild' instance $ID while it is in vm_state paused\")"
os server unpause vm1
wait_for 30 status_is vm1 ACTIVE
for bad in '{"rebuild": {}}' '{"rebuild": null}' '{"rebuild": {"imageRef": "'"$IMG2"'", "x": 1}}' \
    '{"rebuild": {"imageRef": "'"$IMG2"'", "OS-DCF:diskConfig": "SOME"}}' \
    '{"rebuild": {"imageRef": "'"$IMG2"'", "metadata": {"k": 1}}}' \
    '{"rebuild": {"imageRef": "'"$IMG2"'", "name": ""}}' \
    '{"rebuild": {"imageRef": "00000000-0000-0000-0000-000000000000"}}'; do
	act "$bad"
	expect_fault 400 "rebuild with ${bad:0:60}"
done
act '{"rebuild": {"imageRef": "'"$(openstack image show gureum-big -f value -c id 2>/dev/null)"'"}}'
expect_fault 400 "rebuild with an image the flavor's disk cannot take"
check "the 400 says the flavor's disk is too small" jqt '.badRequest.message | test("disk is too small")'
check "refused rebuilds left vm1 ACTIVE on its image" \
    test "$(psql_q "SELECT vm_state, coalesce(task_state, '-') FROM instances WHERE id = '$ID'")" = "active|-"
: >"$T/compute/instances/$ID/console.log"
OUT=$(os server rebuild --image gureum-tiny2 --name vm1 --property after=rebuild vm1 -f json)
check "server rebuild answers the server" jqt ".id == \"$ID\"" "$OUT"
check "server rebuild: ACTIVE again" wait_for 60 status_is vm1 ACTIVE
api GET "$CP_URL/v2.1/servers/$ID"
check "the server now shows the new image and the new metadata" \
    jqt ".server.image.id == \"$IMG2\" and .server.metadata == {\"after\": \"rebuild\"}"
same_base() {
	local cached
	cached=$(find "$T/compute" -name "$IMG2*" -type f | head -1)
	[ -n "$cached" ] && [ "$(stat -c %i "$T/compute/instances/$ID/base")" = "$(stat -c %i "$cached")" ]
}
check "its disk's base is now the new image's cached copy" same_base
check "libvirt runs the domain again" domstate_is running
check "the rebuilt guest boots to its ready line" wait_for 90 ready
IMG1=$(openstack image show gureum-tiny -f value -c id 2>/dev/null)
act '{"rebuild": {"imageRef": "'"$IMG1"'", "adminPass": "s3cret"}}'
expect 202 "rebuild through the API"
check "its 202 is the server, status REBUILD, with the adminPass given" \
    jqt ".server.id == \"$ID\" and .server.status == \"REBUILD\" and .server.adminPass == \"s3cret\" and .server.image.id == \"$IMG1\""
check "and it ends ACTIVE" wait_for 60 status_is vm1 ACTIVE

OUT=$(os server event list vm1 -f json)
WANT='["rebuild", "rebuild", "unpause", "pause", "unlock", "lock", "resume", "suspend", "unpause", "pause", "unpause", "unlock", "pause", "lock", "unlock", "lock", "create"]'
check "server event list: every action recorded, newest first" \
    jqt "[.[].Action] == $WANT" "$OUT"
jqt "[.[].Action] == $WANT" "$OUT" || { echo "$OUT"; cat "$T/os.err"; }
RID=$(jq -r 'map(select(.Action == "resume"))[0]."Request ID"' <<<"$OUT")
# A member sees events from microversion 2.51 (admins only below, Nova).
OUT=$(os --os-compute-api-version 2.51 server event show vm1 "$RID" -f json)
check "the resume's event ended in Success" \
    jqt '.events[0].event == "compute_resume" and .events[0].result == "Success"' "$OUT"

# A suspended server deletes whole: no domain, no managed save left.
os server suspend vm1
wait_for 60 status_is vm1 SUSPENDED
os server delete vm1
gone() { ! os server show "$1" >/dev/null 2>&1; }
check "a suspended server deletes" wait_for 30 gone vm1
check "its domain is undefined, managed save and all" \
    bash -c "! virsh -c '$LIBVIRT_URI' dominfo 'instance-$ID' >/dev/null 2>&1"

# The agent never takes the pause: the server stays ACTIVE, the action
# fails with the reason.
OUT=$(os server create --flavor m1.tiny --image gureum-tiny --wait vm2 -f json)
check "vm2 reaches ACTIVE" jqt '.status == "ACTIVE"' "$OUT"
ID=$(jq -r .id <<<"$OUT")
kill "$compute_PID"; wait "$compute_PID" 2>/dev/null
act '{"pause": null}'
expect 202 "pause is accepted (the agent is called afterwards)"
no_task() { test "$(sts)" = "active 1 null"; }
check "the unreachable agent's pause leaves vm2 ACTIVE, with no task" \
    wait_for 45 no_task
RID=$(jq -r '.[0]."Request ID"' <<<"$(admin server event list "$ID" -f json)")
OUT=$(admin server event show "$ID" "$RID" -f json)
check "the pause's event is an Error with the reason" \
    jqt '.action == "pause" and .events[0].result == "Error" and (.events[0].traceback | length) > 0' "$OUT"

# With reclaim_instance_interval 0 (the default) nothing is soft-deleted:
# restore is Nova's 409; forceDelete deletes at once, in any state.
act '{"restore": null}'
expect_fault 409 "restore with no soft delete"
check "Nova's sentence: Cannot 'restore' ... vm_state active" \
    jqt ".conflictingRequest.message | startswith(\"Cannot 'restore' instance $ID while it is in vm_state active\")"
# The node counts as down 2.5 heartbeats after its agent stopped; only
# then is a delete done here rather than sent to the (gone) agent.
node_down() {
	api GET "$CP_URL/v2.1/os-hypervisors/detail"
	jqt '.hypervisors[0].state == "down"'
}
check "the node shows down" wait_for 10 node_down
act '{"forceDelete": null}'
expect 202 "forceDelete of an active server (its node down: deleted here)"
check "it is gone" wait_for 30 gone vm2
finish
