#!/usr/bin/env bash
# The lab end to end (deploy/lab/lab.sh), as a second instance beside any
# lab the user runs: its own state dir, tag (every name it creates) and
# /24, the test's binaries, a 1 s heartbeat. `up` brings the cloud up and
# registers the guest images; the stock openstack CLI works against it,
# down to a server that boots to its ready line on a lab node, its
# snapshot, and a flavor refused by the pCPU rule; `up` again restarts
# only a daemon whose binary was rebuilt; both nodes are up and a stopped agent goes down within three heartbeats;
# the external network (a host bridge, br-ex in each node) and the networks
# public and shared are there, once; a node's network agent runs a
# dnsmasq for shared from its node dir; a node's libvirtd boots the guest
# image to its ready line; `down` (twice) leaves nothing of this instance,
# no dnsmasq either, and a default lab running beside it is untouched.
. "$(dirname "$0")/../lib/harness.sh"

. "$(dirname "$0")/../lib/lab.sh"

lab_instance t
NS1=gureum-$TAG-node1 NS2=gureum-$TAG-node2 BR=gr${TAG}0 XBR=gr${TAG}x
HOST_IP=$NET.1 NODE1_IP=$NET.11

# A default lab running beside this test must stay as it is.
DEFAULT_LAB=0
if ip link show dev grlab0 >/dev/null 2>&1; then
	DEFAULT_LAB=1
fi

# ---- up ---------------------------------------------------------------

T0=$(now_ms)
if ! lab up >"$T/up.out" 2>&1; then
	sed 's/^/#   /' "$T/up.out"
	for f in "$LABDIR"/log/*.log; do
		[ -e "$f" ] || continue
		echo "# $(basename "$f") (tail):"
		tail -5 "$f" | sed 's/^/#   /'
	done
	die "lab.sh up failed"
fi
UP_MS=$(($(now_ms) - T0))
echo "# up took $UP_MS ms"
check "up prints the openrc path" grep -qF "source $LABDIR/openrc" "$T/up.out"
# listens_on ADDR:PORT: a TCP listener on exactly that address.
listens_on() {
	ss -Hltn "sport = :${1##*:}" | awk -v a="$1" '
	    $4 == a { found = 1 } END { exit !found }'
}
check "identity, compute and image listen on the lab's address" \
    eval "listens_on $HOST_IP:5000 && listens_on $HOST_IP:8774 && listens_on $HOST_IP:9292"
check "the agents' internal listener is on the lab's address too" \
    listens_on "$HOST_IP:8779"
check "the Network API listens on the lab's address (:9696)" \
    listens_on "$HOST_IP:9696"

# ---- the external network ----------------------------------------------------

# leg_up LINK BRIDGE [NS]: LINK is up, a port of BRIDGE (inside NS).
leg_up() {
	[ "$(link_master "$1" "${3:-}")" = "$2" ] && link_is_up "$1" "${3:-}"
}
# routed_by_ext IP: the host's route to IP is through the external bridge.
routed_by_ext() { [[ $(ip -4 route get "$1") == *" dev $XBR "* ]]; }
ext_addr() { [[ $(ip -4 -o addr show dev "$XBR") == *" $EXT.1/24 "* ]]; }

check "the external bridge $XBR has $EXT.1/24" ext_addr
for n in 1 2; do
	check "node$n has br-ex, its leg ex0 up on it" \
	    leg_up ex0 br-ex "gureum-$TAG-node$n"
	check "node$n's veth gr${TAG}x$n is up on $XBR" \
	    leg_up "gr${TAG}x$n" "$XBR"
done
check "the host routes the floating IPs $EXT.100-.200 through $XBR" \
    eval "routed_by_ext $EXT.100 && routed_by_ext $EXT.200"
# A pool address on node2's br-ex answers the host across the bridge.
pings() { busybox ping -c 1 -W 5 "$1" >/dev/null 2>&1; }
ip -n "$NS2" addr add "$EXT.150/24" dev br-ex
check "the host reaches $EXT.150 on node2's br-ex" pings "$EXT.150"
ip -n "$NS2" addr del "$EXT.150/24" dev br-ex
check "the nodes' network agents map public to br-ex, in their node dirs" \
    grep -qx "bridge_mappings = public:br-ex" "$LABDIR/nodes/node1/network.conf"
RC=0
LAB_EXT=10.96.$N lab up >"$T/up-ext.out" 2>&1 || RC=$?
check "up refuses another GUREUM_LAB_EXT_NET for the same state dir" \
    eval "test $RC != 0 && grep -q 'GUREUM_LAB_EXT_NET=$EXT, not' $T/up-ext.out"

# Another lab (its own state dir) with this one's tag: its up refuses the
# bridges, its down leaves them, with the veths and netns they lead to.
other_lab() {
	GUREUM_LAB_DIR=$T/other GUREUM_LAB_TAG=$TAG GUREUM_LAB_NET=$NET \
	    GUREUM_LAB_EXT_NET=$EXT GUREUM_LAB_SKIP_DAEMONS=1 \
	    bash "$REPO/deploy/lab/lab.sh" "$@"
}
ours_intact() {
	link_exists "$BR" && link_exists "$XBR" && leg_up "gr${TAG}x1" "$XBR" &&
	    leg_up "gr${TAG}x2" "$XBR" && leg_up ex0 br-ex "$NS1" &&
	    netns_exists "$NS1" && netns_exists "$NS2"
}
RC=0
other_lab up >"$T/other-up.out" 2>&1 || RC=$?
check "another lab with the same tag may not adopt this one's bridges" \
    eval "test $RC != 0 && grep -q 'belongs to another lab' $T/other-up.out"
other_lab down >"$T/other-down.out" 2>&1
check "nor delete them, nor the external veths, at its down" ours_intact
check "the tenant port does not serve the agents' routes (404)" \
    test "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://$HOST_IP:8774/internal/v1/agents/heartbeat")" = 404

# ---- the stock openstack CLI --------------------------------------------

# shellcheck source=/dev/null
. "$LABDIR/openrc"
os() { /usr/bin/openstack "$@" 2>>"$T/os.err"; }

OUT=$(os token issue -f json)
check "openstack token issue" jqt '.id | length == 64' "$OUT"
OUT=$(os catalog list -f json)
check "openstack catalog list: 4 services" \
    jqt '[.[].Type] | sort == ["compute", "identity", "image", "network"]' "$OUT"
OUT=$(os project create demo -f json)
check "openstack project create demo" jqt '.name == "demo"' "$OUT"
OUT=$(os user create --project demo --password x alice -f json)
check "openstack user create alice" jqt '.name == "alice"' "$OUT"
# This client version exits 1 after a successful role add: the assignment
# list is what counts.
os role add --project demo --user alice member || true
OUT=$(os role assignment list --project demo --user alice --names -f json)
check "openstack role add: alice is a member of demo" \
    jqt 'any(.[]; .Role == "member" and (.User | startswith("alice")))' "$OUT"
OUT=$(os hypervisor list -f json)
check "openstack hypervisor list: node1 and node2 up" \
    jqt '[.[] | select(.State == "up") | .["Hypervisor Hostname"]] | sort == ["node1", "node2"]' "$OUT"
OUT=$(os image list -f json)
check "openstack image list: gureum-tiny and gureum-tiny-emulated active" \
    jqt '[.[] | select(.Status == "active") | .Name] | sort == ["gureum-tiny", "gureum-tiny-emulated"]' "$OUT"
OUT=$(os image show gureum-tiny-emulated -f json)
check "gureum-tiny-emulated has an IDE disk and an e1000 NIC" \
    jqt '.properties.hw_disk_bus == "ide" and .properties.hw_vif_model == "e1000"' "$OUT"

# ---- the lab's networks ------------------------------------------------------

check "up lists the networks" grep -q "networks  public" "$T/up.out"
check "openstack network list --external: exactly public" \
    test "$(os network list --external -f value -c Name)" = public
OUT=$(os subnet show public-subnet -f json)
check "public-subnet: $EXT.0/24, gateway .1, pool .100-.200, no DHCP" \
    jqt "(.cidr == \"$EXT.0/24\") and (.gateway_ip == \"$EXT.1\") and
        (.enable_dhcp == false) and ([.allocation_pools[] |
        \"\\(.start)-\\(.end)\"] == [\"$EXT.100-$EXT.200\"])" "$OUT"
OUT=$(os network show public -f json)
check "public is flat on the physical network public, not shared" \
    jqt '."provider:network_type" == "flat" and
        ."provider:physical_network" == "public" and .shared == false' "$OUT"
OUT=$(os network show shared -f json)
check "shared is shared, VXLAN" \
    jqt '.shared == true and ."provider:network_type" == "vxlan"' "$OUT"
OUT=$(os subnet show shared-subnet -f json)
check "shared-subnet: 192.168.100.0/24 with DHCP, no DNS servers" \
    jqt '.cidr == "192.168.100.0/24" and .enable_dhcp == true and
        (.dns_nameservers | length == 0)' "$OUT"

# ---- a server, as the Compute issue's user tries it ------------------------

os keypair create k1 >"$T/k1.pem"
OUT=$(os server create --flavor m1.tiny --image gureum-tiny --key-name k1 --wait vm1 -f json)
check "openstack server create --wait vm1: ACTIVE on a lab node" \
    jqt '.status == "ACTIVE" and (."OS-EXT-SRV-ATTR:host" | test("^node[12]$"))' "$OUT" ||
    tail -5 "$T/os.err"
vm_ready() { os console log show vm1 | grep -q "gureum-guest ready: vm1"; }
check "openstack console log show vm1: the guest's ready line" wait_for 90 vm_ready
OUT=$(os server image create --name snap --wait vm1 -f json)
check "openstack server image create --wait: the snapshot is active" \
    jqt '.status == "active"' "$OUT"
OUT=$(os server create --flavor m1.large --image gureum-tiny --wait big -f json)
OUT=$(os server show big -f json)
if [ "$(nproc)" -lt 4 ]; then
	check "m1.large (4 vCPUs) is refused on $(nproc)-pCPU nodes, naming the rule" \
	    jqt '.status == "ERROR" and (.fault.message | test("needs 4 vCPUs; no node has more than [0-9]+ cores")) and (.fault.details | test("node[12]: needs 4 vCPUs but host has [0-9]+ pCPUs"))' "$OUT"
else
	check "m1.large (4 vCPUs) fits on $(nproc)-pCPU nodes" jqt '.status == "ACTIVE"' "$OUT"
fi
os server delete vm1 big
no_servers() { [ "$(os server list -f value | wc -l)" = 0 ]; }
check "openstack server delete: vm1 and big are gone" wait_for 30 no_servers
os image delete snap

# ---- up again -------------------------------------------------------------

PIDS_UP=$(cat "$LABDIR"/run/{controller,image,node1-compute,node2-compute}.pid)
NETS_UP=$(cat "$LABDIR"/run/node{1,2}-network.pid)
cp "$LAB_BIN/gureum-controller" "$LAB_BIN/.new"
mv "$LAB_BIN/.new" "$LAB_BIN/gureum-controller"	# as a new build replaces it
# As a lab made by an older lab.sh: node1's network.conf differs from
# what up writes now.
sed -i '/^bridge_mappings/d' "$LABDIR/nodes/node1/network.conf"
lab up >"$T/up2.out" 2>&1
check "up again succeeds" grep -q "lab: up in" "$T/up2.out"
PIDS_UP2=$(cat "$LABDIR"/run/{controller,image,node1-compute,node2-compute}.pid)
NETS_UP2=$(cat "$LABDIR"/run/node{1,2}-network.pid)
check "up again restarts only the daemon whose binary was rebuilt" \
    test "$(diff <(echo "$PIDS_UP") <(echo "$PIDS_UP2") | grep -c '^>')" = 1 \
    -a "$(head -1 <<<"$PIDS_UP2")" != "$(head -1 <<<"$PIDS_UP")"
check "and node1's network agent, whose configuration it rewrote" \
    test "$(head -1 <<<"$NETS_UP2")" != "$(head -1 <<<"$NETS_UP")" \
    -a "$(tail -1 <<<"$NETS_UP2")" = "$(tail -1 <<<"$NETS_UP")"
check "node1's network.conf has its bridge_mappings again" \
    grep -qx "bridge_mappings = public:br-ex" "$LABDIR/nodes/node1/network.conf"
OUT=$(os server list -f json)
check "the CLI works against the restarted controller" jqt 'length == 0' "$OUT"
names() { os "$1" list -f value -c Name | sort | tr '\n' ' '; }
check "up again makes no second network or subnet" \
    test "$(names network)/$(names subnet)" = "public shared /public-subnet shared-subnet "

# ---- a stopped agent ------------------------------------------------------

ID_URL=http://$HOST_IP:5000
CP_URL=http://$HOST_IP:8774
TOKEN=$(get_token admin "$(cat "$LABDIR/admin-password")" admin)

# node_state NODE: up, down or nothing, as the compute API says now.
node_state() {
	api GET "$CP_URL/v2.1/os-hypervisors/detail"
	jq -r --arg n "$1" '.hypervisors[] | select(.hypervisor_hostname == $n) | .state' <<<"$BODY"
}

PIDFILE=$LABDIR/run/node2-compute.pid
PID=$(cat "$PIDFILE")
if ! tr '\0' ' ' <"/proc/$PID/cmdline" | grep -qF "$LABDIR/nodes/node2/compute.conf"; then
	die "pid $PID from $PIDFILE is not node2's gureum-compute"
fi
kill "$PID"
KILLED=$(now_ms)
DOWN_MS=
while [ $(($(now_ms) - KILLED)) -le 3000 ]; do
	if [ "$(node_state node2)" = down ]; then
		DOWN_MS=$(($(now_ms) - KILLED))
		break
	fi
	sleep 0.1
done
check "a stopped node2 agent shows down within three heartbeats (${DOWN_MS:-no} ms)" \
    test -n "$DOWN_MS"
check "node1 stays up meanwhile" test "$(node_state node1)" = up

# ---- DHCP on shared, served from node1 ------------------------------------

# A VM's port of shared bound to node1, as a server landing there makes
# one: the controller adds node1's DHCP port, and node1's network agent
# starts a dnsmasq for it, with its namespace and files in node1's dir
# (netns_dir, state_dir).
ND1=$LABDIR/nodes/node1/
NET_URL=http://$HOST_IP:9696
SHARED_ID=$(os network show shared -f value -c id)
api POST "$NET_URL/v2.0/ports" "$(jq -cn --arg n "$SHARED_ID" '{port: {
    network_id: $n, device_owner: "compute:nova", "binding:host_id": "node1"}}')"
expect 201 "a VM port of shared bound to node1"
api GET "$NET_URL/v2.0/ports?network_id=$SHARED_ID&device_owner=network:dhcp"
check "...brings node1's DHCP port" \
    jqt '[.ports[] | select(."binding:host_id" == "node1" and .device_id == "dhcp-node1")] | length == 1'
node1_dnsmasq() { [ -n "$(pids_referring "$ND1" dnsmasq)" ]; }
check "node1's network agent runs a dnsmasq for shared from $ND1" \
    wait_for 20 node1_dnsmasq
DNSMASQ=$(pids_referring "$ND1" dnsmasq | tr '\n' ' ')
lab status >"$T/status.out" 2>&1
check "lab status counts node1's dnsmasq" \
    grep -q "node1-dnsmasq  *1 running" "$T/status.out" ||
    sed 's/^/#   /' "$T/status.out"

# ---- a guest on node1's libvirtd -------------------------------------------

URI=qemu+tcp://$NODE1_IP/system
guest_image
ND=$LABDIR/nodes/node1
DOM=gureum-$TAG-probe
guest_domain "$DOM" "$ND"
BOOTED=$(now_ms)
check "virsh create on node1 ($URI)" \
    virsh -q -c "$URI" create "$T/$DOM.xml"
ready() { grep -q 'gureum-guest ready:' "$ND/$DOM.serial" 2>/dev/null; }
READY_MS=
if wait_for 90 ready; then
	READY_MS=$(($(now_ms) - BOOTED))
fi
check "the guest prints its ready line on the serial console (${READY_MS:-no} ms)" \
    test -n "$READY_MS"
[ -n "$READY_MS" ] || tail -15 "$ND/$DOM.serial" 2>/dev/null | sed 's/^/#   /'
QEMU_PID=$(pgrep -f "guest=$DOM," | head -1)

# ---- down ---------------------------------------------------------------------

PIDS_BEFORE="$QEMU_PID $DNSMASQ"
for f in "$LABDIR"/run/*.pid "$LABDIR/pg/data/postmaster.pid"; do
	[ -r "$f" ] || continue
	PIDS_BEFORE+=" $(head -1 "$f")"
done
T0=$(now_ms)
if lab down >"$T/down.out" 2>&1; then
	ok "down succeeds"
else
	not_ok "down succeeds"
	sed 's/^/#   /' "$T/down.out"
fi
echo "# down took $(($(now_ms) - T0)) ms"
LEFT=
for p in $PIDS_BEFORE; do
	if pid_alive "$p"; then LEFT+=" $p"; fi
done
check "no process of the lab is left (checked:$PIDS_BEFORE)" test -z "$LEFT"
check "no netns of this instance" \
    test ! -e "/run/netns/$NS1" -a ! -e "/run/netns/$NS2"
check "no /etc/netns entry of this instance" \
    test ! -e "/etc/netns/$NS1" -a ! -e "/etc/netns/$NS2"
check "no bridge or veth of this instance" \
    eval "link_gone $BR && link_gone gr$TAG-1 && link_gone gr$TAG-2"
check "no external bridge or external veth of this instance" \
    eval "link_gone $XBR && link_gone gr${TAG}x1 && link_gone gr${TAG}x2"
check "down stops node1's dnsmasq, which no netns of the lab holds" \
    grep -q "stopping node1's dnsmasq" "$T/down.out"
check "no dnsmasq of this instance (had: ${DNSMASQ:-none})" \
    test -z "$(pids_referring "$LABDIR/" dnsmasq)"
check "the state dir is gone" test ! -e "$LABDIR"
check "down a second time is fine" lab down
if [ "$DEFAULT_LAB" = 1 ]; then
	check "the default lab beside it is untouched" \
	    eval "link_exists grlab0 && netns_exists gureum-node1"
fi
finish
