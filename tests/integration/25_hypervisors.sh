#!/usr/bin/env bash
# A compute agent on a real (private) libvirtd registers its node; the
# hypervisors API shows it with libvirt's own figures; a stopped agent
# shows `down` within three heartbeat intervals, and `up` again on restart.
# Detail's "gureum:capacity" shows the node's ratios and the scheduler's
# limits, and what a thin disk in its state directory really uses.
# Statistics are the sums of detail's figures; search and servers find
# nodes by a hostname pattern as Nova does.
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
cpu_allocation_ratio = 3.0
thin_disk_allocation_ratio = 1.5
orphan_action = report
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
C=$(jq '."gureum:capacity"' <<<"$H")
check "capacity: vCPU slots are $PCPUS pCPUs x 3.0, none used, max_unit the pCPUs" \
    jqt ".vcpus == {physical: $PCPUS, reserved: 0, allocation_ratio: 3.0, limit: $((PCPUS * 3)), used: 0, max_unit: $PCPUS}" "$C"
check "capacity: memory's limit is what is left after the 256 MB reserved, ratio 1.0" \
    jqt ".memory_mb == {physical: $((MEMKB / 1024)), reserved: 256, allocation_ratio: 1.0, limit: $((MEMKB / 1024 - 256)), used: 0}" "$C"
check "capacity: disk's physical size is local_gb, its real use what disk_available_least leaves" \
    jqt ".disk_gb.physical == $(jq .local_gb <<<"$H") and .disk_gb.real_used == $(jq '.local_gb - .disk_available_least' <<<"$H")" "$C"
check "local_gb_used is the instances' disks, as Nova counts it: none yet" \
    jqt '.local_gb_used == 0 and .free_disk_gb == .local_gb' "$H"
check "capacity: thick limit = disk x 1.0, thin limit = disk x 1.5, no thin disk yet" \
    jqt '.disk_gb as $d | $d.thick == {allocation_ratio: 1.0, limit: $d.physical, used: 0} and $d.thin == {allocation_ratio: 1.5, limit: ($d.physical * 1.5 | floor), used: 0, disks: 0, virtual_bytes: 0, real_bytes: 0}' "$C"

# A thin disk in the node's state directory, 3 GiB virtual, 2 MiB written:
# the next heartbeat reports its qcow2 size and the blocks it really has.
mkdir -p "$T/compute/instances/thin1"
DISK=$T/compute/instances/thin1/disk.qcow2
qemu-img create -q -f qcow2 "$DISK" 3G &&
    qemu-io -f qcow2 -c 'write -P 7 0 2M' "$DISK" >/dev/null
check "a 3 GiB qcow2 overlay with 2 MiB written is made" [ $? = 0 ]
thin() {
	api GET "$CP_URL/v2.1/os-hypervisors/$(jq .id <<<"$H")"
	jq -c '.hypervisor."gureum:capacity".disk_gb.thin' <<<"$BODY"
}
REAL=$(( $(stat -c '%b * %B' "$DISK") ))
reported() { jqt ".disks == 1 and .virtual_bytes == $((3 << 30)) and .real_bytes == $REAL" "$(thin)"; }
check "show: the thin disk's virtual size (3 GiB) and its real bytes ($REAL)" \
    wait_for 5 reported
check "its real bytes are more than the 2 MiB written, far less than 3 GiB" \
    eval '[ "$REAL" -ge $((2 << 20)) ] && [ "$REAL" -lt $((64 << 20)) ]'
say "thin: $(thin)"
rm -r "$T/compute/instances/thin1"
none() { jqt '.disks == 0 and .virtual_bytes == 0 and .real_bytes == 0' "$(thin)"; }
check "removed, it is no longer counted" wait_for 5 none
api GET "$CP_URL/v2.1/os-hypervisors"
check "the list (not detail) has no capacity" jqt '[.hypervisors[] | has("gureum:capacity")] == [false]'

use_openstack_cli
export OS_AUTH_URL=$ID_URL/v3 OS_PASSWORD=$ADMIN_PW
OUT=$(timeout 60 openstack hypervisor show nodeX -f json 2>"$T/osc.err")
check "the stock client's hypervisor show takes the extension member" \
    jqt '.hypervisor_hostname == "nodeX"' "$OUT"
[ -s "$T/osc.err" ] && sed 's/^/# osc: /' "$T/osc.err"
say "openstack hypervisor show: $(jq -c 'del(.cpu_info)' <<<"$OUT" | head -c 600)"

ID=$(jq .id <<<"$H")
api GET "$CP_URL/v2.1/os-hypervisors/$ID/uptime"
check "uptime of the hypervisor" jqt '.hypervisor.uptime | test("up")'
api GET "$CP_URL/v2.1/os-hypervisors/statistics"
check "statistics count the node" jqt ".hypervisor_statistics.count == 1 and .hypervisor_statistics.vcpus == $PCPUS"
ST=$(jq -c .hypervisor_statistics <<<"$BODY")
api GET "$CP_URL/v2.1/os-hypervisors/detail"
check "statistics are the sums of detail's figures (reserved memory used)" \
    jqt "$ST"' as $s | [.hypervisors[] | {vcpus, memory_mb, local_gb, vcpus_used, memory_mb_used, local_gb_used, free_ram_mb, free_disk_gb, current_workload, running_vms, disk_available_least}] | (reduce .[] as $h ({}; reduce ($h | keys[]) as $k (.; .[$k] += $h[$k]))) == ($s | del(.count)) and $s.memory_mb_used == 256'
check "statistics have exactly Nova's members" \
    jqt '[keys[]] == ["count","current_workload","disk_available_least","free_disk_gb","free_ram_mb","local_gb","local_gb_used","memory_mb","memory_mb_used","running_vms","vcpus","vcpus_used"]' "$ST"
OUT=$(openstack hypervisor stats show -f json 2>"$T/osc.err")
check "openstack hypervisor stats show" \
    jqt ".count == 1 and .vcpus == $PCPUS and .memory_mb_used == 256" "$OUT"
for pat in nodeX ode; do
	api GET "$CP_URL/v2.1/os-hypervisors/$pat/search"
	check "search '$pat': the node, in the list form" \
	    jqt '.hypervisors == [{"id": '"$(jq .id <<<"$H")"', "hypervisor_hostname": "nodeX", "state": "up", "status": "enabled"}]'
done
api GET "$CP_URL/v2.1/os-hypervisors/n_d%25/search"
check "search: _ and % match as in Nova's LIKE" jqt '.hypervisors[0].hypervisor_hostname == "nodeX"'
api GET "$CP_URL/v2.1/os-hypervisors/nodeY/search"
expect_fault 404 "search matching no node"
check "  Nova's sentence" jqt '.itemNotFound.message == "No hypervisor matching '"'nodeY'"' could be found."'
api GET "$CP_URL/v2.1/os-hypervisors/x%5C/search"
expect_fault 404 "search with a backslash: no node, no database error"
api GET "$CP_URL/v2.1/os-hypervisors/nodeX/servers"
check "servers of a node with none: Nova 2.1 leaves the member out" \
    jqt '(.hypervisors | length) == 1 and (.hypervisors[0] | has("servers") | not)'
api GET "$CP_URL/v2.1/os-hypervisors/nodeY/servers"
expect_fault 404 "servers of a pattern matching no node"
api GET "$CP_URL/v2.1/os-hypervisors/999"
expect_fault 404 "unknown hypervisor"
api GET "$CP_URL/v2.1/os-hypervisors" "" -H "OpenStack-API-Version: compute 2.99"
expect_fault 406 "a microversion above the maximum is 406, as Nova"
check "... saying which range is served" \
    jqt '.computeFault.message == "Version 2.99 is not supported by the API. Minimum is 2.1 and maximum is 2.60."'
api GET "$CP_URL/v2.1/os-hypervisors" "" -H "X-OpenStack-Nova-API-Version: 3.0"
expect_fault 406 "another major version is 406"
for v in 2.x 2.01 02.1 2. 2 2.1.1 -2.1; do
	api GET "$CP_URL/v2.1/os-hypervisors" "" -H "X-OpenStack-Nova-API-Version: $v"
	check "microversion '$v' does not parse: 400" eval \
	    '[ "$STATUS" = 400 ] && jqt ".badRequest.message | test(\"is of invalid format\")"'
done
api GET "$CP_URL/v2.1/os-hypervisors" "" -H "OpenStack-API-Version: compute latest"
check "latest is the maximum, 2.60" eval \
    '[ "$STATUS" = 200 ] && [ "$(header OpenStack-API-Version)" = "compute 2.60" ]'

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
api GET "$CP_URL/v2.1/os-hypervisors/statistics"
expect_fault 403 "a member reading hypervisor statistics"
api GET "$CP_URL/v2.1/os-hypervisors/nodeX/servers"
expect_fault 403 "a member listing a hypervisor's servers"
check "the compute fault is Nova-shaped" jqt '.forbidden.code == 403'
finish
