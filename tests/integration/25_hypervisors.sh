#!/usr/bin/env bash
# A compute agent on a real (private) libvirtd registers its node; the
# hypervisors API shows it with libvirt's own figures; a stopped agent
# shows `down` within three heartbeat intervals, and `up` again on restart.
. "$(dirname "$0")/../lib/harness.sh"

HEARTBEAT=1
start_pg
start_controller
start_libvirtd
TOKEN=$(get_token admin "$ADMIN_PW" admin)

cat >"$T/compute.conf" <<CONF
node_name = nodeX
node_ip = 127.0.0.1
controller_url = $INT_URL
cluster_secret_file = $T/secret
libvirt_uri = $LIBVIRT_URI
state_dir = $T/compute
virt_type = qemu
heartbeat_interval = 1
reserved_host_memory_mb = 256
listen = 127.0.0.1:$(free_port)
CONF
start_daemon compute gureum-compute "$T/compute.conf"

node_state() {
	api GET "$CP_URL/v2.1/os-hypervisors/detail"
	jq -r '.hypervisors[] | select(.hypervisor_hostname == "nodeX") | .state' <<<"$BODY"
}
is_up() { test "$(node_state)" = up; }
is_down() { test "$(node_state)" = down; }
check "the node registers and is up" wait_for 10 is_up

api GET "$CP_URL/v2.1/os-hypervisors/detail"
H=$(jq '.hypervisors[] | select(.hypervisor_hostname == "nodeX")' <<<"$BODY")
PCPUS=$(virsh -c "$LIBVIRT_URI" nodeinfo | awk '/^CPU\(s\)/ { print $2 }')
MEMKB=$(virsh -c "$LIBVIRT_URI" nodeinfo | awk '/^Memory size/ { print $3 }')
check "vcpus are libvirt's pCPU count ($PCPUS)" jqt ".vcpus == $PCPUS" "$H"
check "memory_mb is libvirt's memory" jqt ".memory_mb == $((MEMKB / 1024))" "$H"
check "reserved memory shows as used" jqt '.memory_mb_used == 256' "$H"
check "hypervisor type QEMU, host_ip, service host" \
    jqt '.hypervisor_type == "QEMU" and .host_ip == "127.0.0.1" and .service.host == "nodeX"' "$H"
check "cpu_info (a string below 2.28) names the TCG accelerator" \
    jqt '(.cpu_info | fromjson | .accelerator) == "tcg"' "$H"
check "response echoes the microversion" test "$(header X-OpenStack-Nova-API-Version)" = 2.1
ID=$(jq .id <<<"$H")
api GET "$CP_URL/v2.1/os-hypervisors/$ID/uptime"
check "uptime of the hypervisor" jqt '.hypervisor.uptime | test("up")'
api GET "$CP_URL/v2.1/os-hypervisors/statistics"
check "statistics count the node" jqt ".hypervisor_statistics.count == 1 and .hypervisor_statistics.vcpus == $PCPUS"
api GET "$CP_URL/v2.1/os-hypervisors/999"
expect_fault 404 "unknown hypervisor"
api GET "$CP_URL/v2.1/os-hypervisors" "" -H "OpenStack-API-Version: compute 2.99"
expect_fault 400 "an unsupported microversion"

kill "$compute_PID"
STOPPED=$SECONDS
check "a stopped agent shows down within three heartbeats" wait_for 3 is_down
echo "# down after $((SECONDS - STOPPED)) s"
start_daemon compute gureum-compute "$T/compute.conf"
check "a restarted agent shows up again" wait_for 5 is_up

# Members may not list hypervisors.
make_member bob demo
TOKEN=$(get_token bob pw demo)
api GET "$CP_URL/v2.1/os-hypervisors/detail"
expect_fault 403 "a member listing hypervisors"
check "the compute fault is Nova-shaped" jqt '.forbidden.code == 403'
finish
