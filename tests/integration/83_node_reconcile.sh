#!/usr/bin/env bash
# The node's reconcile with the controller. Power states: a guest stopped
# or started behind the API's back, or a boot whose report was lost, is
# shown as libvirt has it. Orphans: a server deleted while its node is down
# is deleted at once by the controller (as Nova's local delete), and when
# the node's agent comes back it removes the domain and disk that were
# left; with orphan_action = report it only names what it finds. Instances
# the controller does place on the node are never touched. A controller
# killed mid-build leaves the server ACTIVE or ERROR, never BUILD.
. "$(dirname "$0")/../lib/harness.sh"

CONTROLLER_EXTRA=$'build_timeout = 15
reconcile_interval = 1'
start_cloud
NODE_CONF=$'reserved_host_memory_mb = 256\nshutdown_timeout = 0\nreconcile_interval = 1'
GUREUM_DEBUG=1 start_compute nodeO "$NODE_CONF"
wait_node_up

make_image tiny
make_flavor t1 1 128 1

boot() {	# NAME: prints the new server's id once it is ACTIVE
	api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"$1\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\",\"networks\":\"none\"}}" \
	    -H "OpenStack-API-Version: compute 2.37"
	local id; id=$(jq -r .server.id <<<"$BODY")
	active() { api GET "$CP_URL/v2.1/servers/$id"; jqt '.server.status == "ACTIVE"'; }
	wait_for 60 active || { tail -5 "$T/compute.log" >&2; die "$1 did not become ACTIVE"; }
	echo "$id"
}
KEEP=$(boot keeper)
GONE=$(boot doomed)
dom_state() { virsh -c "$LIBVIRT_URI" domstate "instance-$1" 2>/dev/null | head -1; }
status_is() { api GET "$CP_URL/v2.1/servers/$1"; jqt ".server.status == \"$2\""; }

# Power states follow libvirt when no task runs.
virsh -c "$LIBVIRT_URI" destroy "instance-$KEEP" >/dev/null
check "a guest destroyed behind the API's back shows SHUTOFF" wait_for 10 status_is "$KEEP" SHUTOFF
virsh -c "$LIBVIRT_URI" start "instance-$KEEP" >/dev/null
check "started again behind its back, it shows ACTIVE" wait_for 10 status_is "$KEEP" ACTIVE
psql_q "UPDATE instances SET vm_state = 'building', task_state = 'spawning' WHERE id = '$KEEP'" >/dev/null
check "a running guest whose boot report was lost turns ACTIVE" wait_for 10 status_is "$KEEP" ACTIVE
psql_q "UPDATE instances SET task_state = 'powering-on' WHERE id = '$KEEP'" >/dev/null
virsh -c "$LIBVIRT_URI" destroy "instance-$KEEP" >/dev/null
passes() { grep -c "reconcile pass:" "$T/compute.log"; }
N0=$(passes)
two_more() { [ "$(passes)" -ge $((N0 + 2)) ]; }
wait_for 10 two_more || die "the agent's reconcile passes stopped"
api GET "$CP_URL/v2.1/servers/$KEEP"
check "a task under way is not overridden by the sync" \
    jqt '.server.status == "ACTIVE" and .server."OS-EXT-STS:task_state" == "powering-on"'
psql_q "UPDATE instances SET task_state = NULL WHERE id = '$KEEP'" >/dev/null
check "once the task is over, the sync shows it SHUTOFF" wait_for 10 status_is "$KEEP" SHUTOFF
virsh -c "$LIBVIRT_URI" start "instance-$KEEP" >/dev/null
wait_for 10 status_is "$KEEP" ACTIVE
hv() { api GET "$CP_URL/v2.1/os-hypervisors/detail"; jqt ".hypervisors[0].$1"; }
stop_agent() { kill "$compute_PID"; wait "$compute_PID" 2>/dev/null; }
node_down() { hv 'state == "down"'; }

# The node goes down; deleting its server does not wait for it.
stop_agent
check "the node shows down" wait_for 10 node_down
api DELETE "$CP_URL/v2.1/servers/$GONE"
expect 204 "deleting a server on a down node"
api GET "$CP_URL/v2.1/servers/$GONE"
check "the server is gone from the API at once" test "$STATUS" = 404
check "its claim is released" hv 'vcpus_used == 1'
check "its domain is still on the down node" test "$(dom_state "$GONE")" = running
check "so is its disk" test -d "$T/compute/instances/$GONE"

# Two more kinds of leftovers: a defined domain with no disk directory,
# and a disk directory with no domain.
FAKE_DOM=aaaaaaaa-0000-4000-8000-000000000001
FAKE_DIR=aaaaaaaa-0000-4000-8000-000000000002
cat >"$T/fake.xml" <<XML
<domain type='qemu'><name>instance-$FAKE_DOM</name><memory unit='MiB'>32</memory>
<os><type arch='x86_64'>hvm</type></os></domain>
XML
virsh -c "$LIBVIRT_URI" define "$T/fake.xml" >/dev/null
mkdir -p "$T/compute/instances/$FAKE_DIR"

# Back up in report mode: it names all three and removes nothing.
start_compute nodeO "$NODE_CONF"$'\norphan_action = report'
reported() { grep -q "orphan instance $1: the controller does not place it here" "$T/compute.log"; }
check "report mode names the deleted server's leftovers" wait_for 15 reported "$GONE"
check "report mode names the domain without a disk" wait_for 5 reported "$FAKE_DOM"
check "report mode names the disk without a domain" wait_for 5 reported "$FAKE_DIR"
check "and leaves them: the domain still runs" test "$(dom_state "$GONE")" = running
check "and the disk directory is still there" test -d "$T/compute/instances/$FAKE_DIR"

# Remove mode (the default).
stop_agent
start_compute nodeO "$NODE_CONF"
removed() { ! virsh -c "$LIBVIRT_URI" dominfo "instance-$1" >/dev/null 2>&1 && test ! -e "$T/compute/instances/$1"; }
check "the deleted server's domain and disk are removed" wait_for 15 removed "$GONE"
check "the domain without a disk is undefined" wait_for 5 removed "$FAKE_DOM"
check "the disk without a domain is removed" wait_for 5 removed "$FAKE_DIR"
check "the log says what was removed" grep -q "orphan instance $GONE removed (its domain and disk directory)" "$T/compute.log"
check "the server the controller places here still runs" test "$(dom_state "$KEEP")" = running
check "with its disk" test -d "$T/compute/instances/$KEEP"
api GET "$CP_URL/v2.1/servers/$KEEP"
check "and is still ACTIVE" jqt '.server.status == "ACTIVE"'

# The controller dies right after accepting a server.
api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"crash\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\",\"networks\":\"none\"}}" \
	    -H "OpenStack-API-Version: compute 2.37"
CRASH=$(jq -r .server.id <<<"$BODY")
kill -9 "$controller_PID"
wait "$controller_PID" 2>/dev/null
start_daemon controller gureum-controller "$T/controller.conf"
wait_for 20 curl -sf "$ID_URL/v3" || die "the controller did not come back"
TOKEN=$(get_token admin "$ADMIN_PW" admin)
settled() { api GET "$CP_URL/v2.1/servers/$CRASH"; jqt '.server.status == "ACTIVE" or .server.status == "ERROR"'; }
check "a server accepted by a controller that died ends ACTIVE or ERROR" wait_for 30 settled
api GET "$CP_URL/v2.1/servers/$CRASH"
echo "# it ended $(jq -r .server.status <<<"$BODY")"
finish
