#!/usr/bin/env bash
# Soft delete with reclaim_instance_interval set, with the stock CLI on a
# real libvirtd/QEMU (TCG) node: a delete powers the server off and keeps
# it SOFT_DELETED; restore brings it back; forceDelete deletes it now; the
# convergence pass reclaims one left longer than the interval. Actions in
# the wrong state are Nova's 409.
. "$(dirname "$0")/../lib/harness.sh"

RECLAIM=20
CONTROLLER_EXTRA=$'reclaim_instance_interval = '$RECLAIM$'\nreconcile_interval = 1'
start_cloud
start_compute nodeS $'reserved_host_memory_mb = 256\nshutdown_timeout = 2'
wait_node_up

make_image gureum-tiny '"visibility":"public"'
make_flavor m1.tiny 1 128 1

use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
status_is() { test "$(os server show "$1" -f value -c status)" = "$2"; }
domstate_is() { [[ "$(virsh -c "$LIBVIRT_URI" domstate "instance-$ID")" == "$1"* ]]; }
gone() { ! os server show "$1" >/dev/null 2>&1; }
act() { api POST "$CP_URL/v2.1/servers/$ID/action" "$1"; }

OUT=$(os server create --flavor m1.tiny --image gureum-tiny --wait vm1 -f json)
check "vm1 reaches ACTIVE" jqt '.status == "ACTIVE"' "$OUT"
ID=$(jq -r .id <<<"$OUT")

check "server delete is accepted" os server delete vm1
check "the server is SOFT_DELETED" wait_for 30 status_is vm1 SOFT_DELETED
check "libvirt has its domain shut off, still defined" domstate_is "shut off"
api GET "$CP_URL/v2.1/servers/$ID"
check "vm_state soft-delete, power_state 4, no task" \
    jqt '.server | ."OS-EXT-STS:vm_state" == "soft-delete" and ."OS-EXT-STS:power_state" == 4 and ."OS-EXT-STS:task_state" == null'
act '{"pause": null}'
expect_fault 409 "pause of a soft-deleted server"
check "Nova's sentence: Cannot 'pause' ... vm_state soft-delete" \
    jqt ".conflictingRequest.message | startswith(\"Cannot 'pause' instance $ID while it is in vm_state soft-delete\")"
act '{"os-start": null}'
expect_fault 409 "start of a soft-deleted server"

act '{"restore": null}'
expect 202 "restore"
check "restore: ACTIVE again" wait_for 30 status_is vm1 ACTIVE
check "libvirt runs the domain again" domstate_is running
act '{"restore": null}'
expect_fault 409 "restore of an active server"
check "Nova's sentence: Cannot 'restore' ... vm_state active" \
    jqt ".conflictingRequest.message | startswith(\"Cannot 'restore' instance $ID while it is in vm_state active\")"

os server delete vm1
check "deleted again: SOFT_DELETED" wait_for 30 status_is vm1 SOFT_DELETED
act '{"forceDelete": null}'
expect 202 "forceDelete"
check "forceDelete deletes it now" wait_for 30 gone vm1
check "its domain is undefined" \
    bash -c "! virsh -c '$LIBVIRT_URI' dominfo 'instance-$ID' >/dev/null 2>&1"
check "the deleted server's row keeps its actions" \
    test "$(psql_q "SELECT string_agg(action, ',' ORDER BY id) FROM instance_actions WHERE instance_id = '$ID'")" = "create,delete,restore,delete,forceDelete"

# Left soft-deleted: reclaimed after the interval, not before.
OUT=$(os server create --flavor m1.tiny --image gureum-tiny --wait vm2 -f json)
check "vm2 reaches ACTIVE" jqt '.status == "ACTIVE"' "$OUT"
ID=$(jq -r .id <<<"$OUT")
os server delete vm2
check "vm2 is SOFT_DELETED" wait_for 30 status_is vm2 SOFT_DELETED
check "the reclaim deletes it" wait_for $((RECLAIM + 30)) gone vm2
AGE=$(psql_q "SELECT extract(epoch FROM terminated_at - soft_deleted_at)::integer FROM instances WHERE id = '$ID'")
check "not before reclaim_instance_interval ($AGE s >= $RECLAIM s)" test "${AGE:-0}" -ge "$RECLAIM"
check "its domain is gone too" \
    wait_for 30 bash -c "! virsh -c '$LIBVIRT_URI' dominfo 'instance-$ID' >/dev/null 2>&1"
finish
