#!/usr/bin/env bash
# A boot spec's nics on a real libvirtd/QEMU (TCG): a guest boots on a
# persistent tap made beforehand (as the network agent makes them), which
# libvirt opens as an ethernet interface without managing it; a boot
# whose tap is not on the node fails before any domain is defined, with
# the reason in the instance's fault. The boot specs go to the compute
# agent itself (the controller sends no nics yet); the instances rows are
# inserted so that the agent's reports land.
. "$(dirname "$0")/../lib/harness.sh"

start_cloud
start_compute nodeT 'shutdown_timeout = 5'
wait_node_up
make_image gureum-tiny '"visibility":"public"'

PORT=$(cat /proc/sys/kernel/random/uuid)
TAP=tap${PORT:0:11}
# The tap is the host's (libvirtd shares its network namespace): removed
# when the test ends, whatever happens.
trap 'ip link del "$TAP" 2>/dev/null; cleanup' EXIT
ip tuntap add dev "$TAP" mode tap || die "cannot make tap $TAP"
ip link set "$TAP" mtu 1450 up

# boot ID NAME TAP PORT: posts a boot spec with one NIC to the agent.
boot() {
	psql_q "INSERT INTO instances (id, name, project_id, user_id, flavor_id, flavor, host, task_state)
	    VALUES ('$1', '$2', 'p', 'u', 'f', '{}', 'nodeT', 'spawning')" >/dev/null
	SIGN_NODE=nodeT signed_api POST "http://$AGENT/v1/instances" "$(jq -nc \
	    --arg id "$1" --arg name "$2" --arg img "$IMG" --arg tap "$3" \
	    --arg port "$4" '{id:$id, name:$name, flavor_name:"m1.tiny",
	    vcpus:1, memory_mb:128, disk_gb:1, image_id:$img, nics:[{port_id:
	    $port, mac:"fa:16:3e:12:34:56", tap:$tap, mtu:1450}]}')"
}

ID=$(cat /proc/sys/kernel/random/uuid)
boot "$ID" vm1 "$TAP" "$PORT"
expect 202 "the agent takes a boot spec with a NIC on tap $TAP"
active() { test "$(psql_q "SELECT vm_state FROM instances WHERE id = '$ID'")" = active; }
check "the guest boots and is reported active" wait_for 60 active ||
    { tail -20 "$T/compute.log"; psql_q "SELECT fault FROM instances WHERE id = '$ID'"; }
check "libvirt runs its domain" \
    test "$(virsh -c "$LIBVIRT_URI" domstate "instance-$ID")" = running
XML=$(virsh -c "$LIBVIRT_URI" dumpxml "instance-$ID")
check "...with an ethernet interface on the unmanaged tap" \
    grep -q "<target dev='$TAP' managed='no'/>" <<<"$XML"
check "...its MAC and MTU" bash -c "grep -q \"<mac address='fa:16:3e:12:34:56'/>\" <<<\"\$1\" && grep -q \"<mtu size='1450'/>\" <<<\"\$1\"" _ "$XML"
check "...and no user-mode NIC" bash -c "! grep -q \"interface type='user'\" <<<\"\$1\"" _ "$XML"
QPID=$(pgrep -f "guest=instance-$ID" | head -1)
check "QEMU holds the tap open" \
    bash -c "grep -qs 'iff:.*$TAP' /proc/$QPID/fdinfo/*"

SIGN_NODE=nodeT signed_api DELETE "http://$AGENT/v1/instances/$ID"
expect 202 "the instance is deleted"
gone() { ! virsh -c "$LIBVIRT_URI" domstate "instance-$ID" >/dev/null 2>&1; }
check "...its domain is gone" wait_for 30 gone
tap_there() { ip link show "$TAP" >/dev/null 2>&1; }
check "...and the tap, which libvirt does not own, is still there" tap_there

# A tap that is not on the node: the boot fails before the domain.
MISSING=$(cat /proc/sys/kernel/random/uuid)
ID2=$(cat /proc/sys/kernel/random/uuid)
boot "$ID2" vm2 "tap${MISSING:0:11}" "$MISSING"
expect 202 "a boot spec whose tap was never made is taken"
errored() { test "$(psql_q "SELECT vm_state FROM instances WHERE id = '$ID2'")" = error; }
check "...and the boot fails" wait_for 30 errored
check "...saying the network agent has not plugged the tap" \
    grep -qF "tap tap${MISSING:0:11} for port $MISSING is not on this node (the network agent has not plugged it)" \
    <<<"$(psql_q "SELECT fault->>'message' FROM instances WHERE id = '$ID2'")"
check "...with no domain defined" \
    bash -c "! virsh -c '$LIBVIRT_URI' domstate instance-$ID2 >/dev/null 2>&1"
check "...and no instance directory left" test ! -e "$T/compute/instances/$ID2"
finish
