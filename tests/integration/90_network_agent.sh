#!/usr/bin/env bash
# The network agent's dataplane on the real kernel, in namespaces this
# test makes: two "nodes" (netns) joined by a veth underlay
# (10.250.N.11/.12), each with a "VM" (a netns whose eth0 is the other end
# of a veth named as the port's tap). Documents are applied with
# `gureum-network --apply-document`: the bridge, VXLAN device and flood
# entries appear; the VMs get their fixed IPs from the node's dnsmasq and
# ping each other across VXLAN; security groups decide; a second apply
# changes nothing; a bridge deleted by hand comes back; a second network
# with the same subnet and addresses has its own conntrack zone (a flow
# allowed on one lets nothing through on the other, and a port's
# connections are forgotten in its zone only); removing the last port
# removes the bridge, VXLAN device and DHCP. Then the daemon, fed by
# the real controller (in node 1's netns) from what the Network API was
# given: it registers, makes the node's dataplane, reports the port
# ACTIVE to the controller, polls with ?since=, repairs what a link event
# or its reconcile interval shows, answers its own API, and keeps the
# node as it is while the controller is gone. Nothing outside the test's
# namespaces is touched.
. "$(dirname "$0")/../lib/harness.sh"

S=$$
N1=gr90n1-$S N2=gr90n2-$S V1=gr90v1-$S V2=gr90v2-$S
W1=gr90w1-$S W2=gr90w2-$S	# VMs on a second network, same addresses
# A /24 of its own per run, so concurrent runs never meet.
U=10.250.$((S % 250)).
NET=9f8e7d6c-5b4a-4c3d-8e2f-1a2b3c4d5e6f
SUB=5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d
P1=1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
P2=2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e
D1=3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f
D2=4d5e6f7a-8b9c-4d0e-9f1a-3b4c5d6e7f8a
SG=6e7f8a9b-0c1d-4e2f-8a3b-4c5d6e7f8a9b
BR=brq${NET:0:11} VX=vxlan-1001 TAP1=tap${P1:0:11} TAP2=tap${P2:0:11}
MAC1=fa:16:3e:00:00:01 MAC2=fa:16:3e:00:00:02
IP1=10.0.0.5 IP2=10.0.0.6

net_cleanup() {
	local n f
	for n in n1 n2; do
		for f in "$T/$n"/state/dhcp/*/pid; do
			[ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null
		done
		for f in "$T/$n"/netns/*; do
			[ -e "$f" ] && umount -l "$f" 2>/dev/null
		done
	done
	for n in "$N1" "$N2" "$V1" "$V2" "$W1" "$W2" "gr90x-$S"; do
		ip netns del "$n" 2>/dev/null
	done
}
trap 'net_cleanup; cleanup' EXIT

in1() { ip netns exec "$N1" "$@"; }
quiet() { "$@" >/dev/null 2>&1; }
in2() { ip netns exec "$N2" "$@"; }

# The namespaces and the underlay.
for n in "$N1" "$N2" "$V1" "$V2"; do ip netns add "$n" || die "ip netns add $n"; done
ip link add u1 netns "$N1" type veth peer name u2 netns "$N2"
in1 ip addr add "${U}11/24" dev u1
in2 ip addr add "${U}12/24" dev u2
for n in "$N1" "$N2" "$V1" "$V2"; do ip -n "$n" link set lo up; done
in1 ip link set u1 up
in2 ip link set u2 up
# The VMs' NICs: veths named as the ports' taps, the agent adopts them.
ip link add "$TAP1" netns "$N1" type veth peer name eth0 netns "$V1"
ip link add "$TAP2" netns "$N2" type veth peer name eth0 netns "$V2"
ip -n "$V1" link set eth0 address "$MAC1" up
ip -n "$V2" link set eth0 address "$MAC2" up

echo test-secret >"$T/secret"
SECRET_FILE=$T/secret
for n in n1 n2; do
	mkdir -p "$T/$n"
	cat >"$T/$n.conf" <<CONF
node_name = $n
node_ip = ${U}1${n#n}
controller_url = http://127.0.0.1:9
cluster_secret_file = $T/secret
netns_dir = $T/$n/netns
state_dir = $T/$n/state
bridge_mappings = public:br-ex
CONF
done

# doc NODE PORT DHCPPORT MAC IP PEER REMOTEMAC REMOTEIP RULES [NOPORT]
doc() {
	local ports
	ports=$(cat <<JSON
[{"id": "$2", "network_id": "$NET", "tap": "tap${2:0:11}", "mac": "$4",
  "fixed_ips": [{"subnet_id": "$SUB", "ip_address": "$5"}],
  "admin_state_up": true, "port_security_enabled": true,
  "security_groups": ["$SG"], "device_owner": "compute:nova",
  "device_id": "0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b"}]
JSON
)
	if [ "${10:-}" = noport ]; then
		echo '{"generation": 9, "host": "'"$1"'", "underlay_ip": "'"${U}1${1#n}"'", "networks": [], "ports": [], "security_groups": [], "routers": []}'
		return
	fi
	cat <<JSON
{"generation": 1, "host": "$1", "underlay_ip": "${U}1${1#n}",
 "networks": [{"id": "$NET", "type": "vxlan", "vni": 1001,
   "physical_network": null, "mtu": 1450, "bridge": "$BR", "vxlan": "$VX",
   "peers": ["$6"],
   "remote_ports": [{"mac": "$7", "ip": "$8", "peer": "$6"}],
   "subnets": [{"id": "$SUB", "cidr": "10.0.0.0/24", "gateway_ip": null,
     "enable_dhcp": true, "dns_nameservers": [], "host_routes": []}],
   "dhcp": {"port_id": "$3", "mac": "fa:16:3e:00:00:1${1#n}",
     "ips": [{"subnet_id": "$SUB", "ip_address": "10.0.0.${1#n}"}],
     "namespace": "qdhcp-$NET", "device": "ns-${3:0:11}",
     "hosts": [{"mac": "$4", "ip": "$5", "name": "host-${5//./-}"}]}}],
 "ports": $ports,
 "security_groups": [{"id": "$SG", "rules": [$9]}],
 "routers": []}
JSON
}

EGRESS='{"id": "7f8a9b0c-1d2e-4f3a-8b4c-5d6e7f8a9b0c", "direction": "egress", "ethertype": "IPv4", "protocol": null, "port_range_min": null, "port_range_max": null, "remote_ip_prefix": null, "remote_group_id": null, "remote_ips": []}'
ICMP_IN='{"id": "8a9b0c1d-2e3f-4a4b-8c5d-6e7f8a9b0c1d", "direction": "ingress", "ethertype": "IPv4", "protocol": "icmp", "port_range_min": null, "port_range_max": null, "remote_ip_prefix": null, "remote_group_id": "'"$SG"'", "remote_ips": ["'"$IP1"'", "'"$IP2"'"]}'
TCP_IN='{"id": "9b0c1d2e-3f4a-4b5c-8d6e-7f8a9b0c1d2e", "direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0", "remote_group_id": null, "remote_ips": []}'

write_docs() {	# RULES
	doc n1 "$P1" "$D1" "$MAC1" "$IP1" "${U}12" "$MAC2" "$IP2" "$1" >"$T/n1.json"
	doc n2 "$P2" "$D2" "$MAC2" "$IP2" "${U}11" "$MAC1" "$IP1" "$1" >"$T/n2.json"
}

# apply NODE: one --apply-document in the node's netns (not its mount
# namespace: the DHCP namespaces' bind mounts must outlive the call).
apply() {
	nsenter --net="/run/netns/gr90$1-$S" "$GUREUM_BIN/gureum-network" \
	    --config "$T/$1.conf" --apply-document "$T/$1.json" \
	    >"$T/$1.obs" 2>>"$T/apply-$1.log"
}
status_of() {	# NODE PORT
	jq -r --arg p "$2" '.[] | select(.id == $p) | .status' "$T/$1.obs"
}

write_docs "$EGRESS, $ICMP_IN"
check "node 1 applies its document" apply n1
check "node 2 applies its document" apply n2

check "the bridge exists, up, MTU 1450" \
    sh -c "ip -n $N1 -d link show $BR | grep -q 'mtu 1450.*state UP\|UP.*mtu 1450'"
check "the VXLAN device: VNI 1001, local ${U}11, port 4789, no learning, on the bridge" \
    sh -c "ip -n $N1 -d link show $VX | grep -q 'master $BR' &&
	ip -n $N1 -d link show $VX | grep -q 'vxlan id 1001 local ${U}11 .*dstport 4789 nolearning'"
check "a flood entry towards the peer" \
    sh -c "bridge -n $N1 fdb show dev $VX | grep -q '^00:00:00:00:00:00 dst ${U}12 self permanent'"
check "a unicast entry for the remote port's MAC" \
    sh -c "bridge -n $N1 fdb show dev $VX | grep -q '^$MAC2 dst ${U}12 self permanent'"
check "the port's tap is on the bridge with MTU 1450" \
    sh -c "ip -n $N1 link show $TAP1 | grep -q 'mtu 1450 .*master $BR'"
check "the DHCP port's veth is on the bridge" \
    sh -c "ip -n $N1 link show tap${D1:0:11} | grep -q 'master $BR'"
check "...its ns- end is in the DHCP namespace, with the port's address" \
    sh -c "nsenter --net=$T/n1/netns/qdhcp-$NET ip addr show ns-${D1:0:11} | grep -q 'inet 10.0.0.1/24'"
check "...and the DHCP port's MAC" \
    sh -c "nsenter --net=$T/n1/netns/qdhcp-$NET ip link show ns-${D1:0:11} | grep -q 'link/ether fa:16:3e:00:00:11 '"
check "...and dnsmasq runs with the network's own lease file" \
    sh -c "grep -q -- '--dhcp-leasefile=$T/n1/state/dhcp/$NET/leases' /proc/\$(cat $T/n1/state/dhcp/$NET/pid)/cmdline"
check "the hosts file has MAC,IP,NAME" \
    grep -qx "$MAC1,$IP1,host-10-0-0-5" "$T/n1/state/dhcp/$NET/host"
check "the options file has an empty router option (no gateway)" \
    grep -qx "tag:subnet-$SUB,option:router" "$T/n1/state/dhcp/$NET/opts"
check "the security group tables are loaded" \
    sh -c "in1() { ip netns exec $N1 \"\$@\"; }; in1 nft list table bridge gureum_l2 >/dev/null && in1 nft list table inet gureum_sg | grep -q 'chain ingress-${P1:0:11}'"
check "port 1 is ACTIVE" test "$(status_of n1 "$P1")" = ACTIVE
check "port 2 is ACTIVE" test "$(status_of n2 "$P2")" = ACTIVE
jq -c '.[] | {status, reason}' "$T/n1.obs" | sed 's/^/# /'

# DHCP: each VM asks its node's dnsmasq (busybox udhcpc, as a guest
# would) and must get its fixed address and the forced MTU.
cat >"$T/udhcpc.sh" <<'SH'
#!/bin/sh
[ "$1" = bound ] || exit 0
echo "ip=$ip mask=$mask mtu=$mtu router=${router:-none}" >"$LEASE_OUT"
ip addr add "$ip/$mask" dev "$interface"
SH
chmod +x "$T/udhcpc.sh"
lease() {	# VM OUT
	LEASE_OUT=$2 ip netns exec "$1" busybox udhcpc -i eth0 -n -q -f \
	    -t 5 -T 1 -s "$T/udhcpc.sh" >/dev/null 2>&1
}
check "VM 1 gets a DHCP lease" lease "$V1" "$T/lease1"
check "...of its fixed address $IP1, MTU 1450, no router" \
    grep -qx "ip=$IP1 mask=24 mtu=1450 router=none" "$T/lease1"
check "VM 2 gets its lease from node 2" lease "$V2" "$T/lease2"
check "...of $IP2" grep -q "ip=$IP2 " "$T/lease2"
check "node 1's lease file names VM 1" grep -q "$MAC1 $IP1" "$T/n1/state/dhcp/$NET/leases"

ping_ok() { ip netns exec "$1" busybox ping -c 1 -W 2 "$2" >/dev/null 2>&1; }
# The first packets may wait for ARP across the tunnel: a few tries.
ping_retry() { local i; for i in 1 2 3; do ping_ok "$@" && return 0; done; return 1; }
check "VM 1 pings VM 2 across VXLAN (ICMP allowed from the group)" ping_retry "$V1" "$IP2"
check "VM 2 pings VM 1" ping_ok "$V2" "$IP1"

# A second apply of the same documents changes nothing.
ifindex() { ip -n "$N1" -o link show "$1" | cut -d: -f1; }
BRIDX=$(ifindex "$BR") VXIDX=$(ifindex "$VX")
HANDLES=$(in1 nft -a list table inet gureum_sg | md5sum)
DPID=$(cat "$T/n1/state/dhcp/$NET/pid")
FDB=$(bridge -n "$N1" fdb show dev "$VX" | sort | md5sum)
ct_entry() { in1 conntrack -L -p icmp -s "$IP1" -d "$IP2" 2>/dev/null | grep -c icmp; }
ping_ok "$V1" "$IP2"
CT=$(ct_entry)
check "applying the same document again succeeds" apply n1
check "...the bridge is the same (ifindex $BRIDX)" test "$(ifindex "$BR")" = "$BRIDX"
check "...the VXLAN device is the same" test "$(ifindex "$VX")" = "$VXIDX"
check "...the nftables tables were not replaced (same handles)" \
    test "$(in1 nft -a list table inet gureum_sg | md5sum)" = "$HANDLES"
check "...dnsmasq was adopted, not restarted" \
    test "$(cat "$T/n1/state/dhcp/$NET/pid")" = "$DPID"
check "...the ping's conntrack entry is still there ($CT before)" \
    sh -c "[ $CT -ge 1 ] && [ \$(ip netns exec $N1 conntrack -L -p icmp -s $IP1 -d $IP2 2>/dev/null | grep -c icmp) -ge 1 ]"
check "...the FDB is the same" \
    test "$(bridge -n "$N1" fdb show dev "$VX" | sort | md5sum)" = "$FDB"

# Security groups: with ICMP no longer allowed in, a ping under way
# stops (its connection is forgotten, not left "established") and a new
# one fails; egress stays open.
ip netns exec "$V1" busybox ping -i 0.2 "$IP2" >"$T/longping" 2>&1 &
LONGPING=$!
PIDS+=("$LONGPING")
replies() { grep -c 'bytes from' "$T/longping"; }
pinging() { [ "$(replies)" -ge 3 ]; }
check "a long ping from VM 1 to VM 2 runs" wait_for 10 pinging
# Node 2 keeps no connection from VM 2's address (its DHCP exchange):
# the forgetting must not depend on there being one.
in2 conntrack -D -s "$IP2" >/dev/null 2>&1
write_docs "$EGRESS, $TCP_IN"
check "node 2 applies a group without ICMP" apply n2
check "...and its tables were replaced" \
    test "$(in2 nft list table inet gureum_sg | grep -c 'icmp')" = 0
check "...forgetting port 2's connections" \
    grep -q "forgetting the connections of port $P2" "$T/apply-n2.log"
R1=$(replies)
sleep 1.5
check "the long ping gets no reply since ($R1 before, $(replies) now)" \
    test "$(replies)" -le "$((R1 + 1))"
kill "$LONGPING"
check "VM 1 can no longer ping VM 2" sh -c "! ip netns exec $V1 busybox ping -c 1 -W 1 $IP2 >/dev/null 2>&1"
check "VM 2 still pings VM 1 (its egress, node 1's ingress allow it)" ping_ok "$V2" "$IP1"
# Anti-spoofing: VM 2 with another source address gets nowhere.
ip -n "$V2" addr add 10.0.0.99/24 dev eth0
check "a spoofed source address is dropped" \
    sh -c "! ip netns exec $V2 busybox ping -c 1 -W 1 -I 10.0.0.99 $IP1 >/dev/null 2>&1"
ip -n "$V2" addr del 10.0.0.99/24 dev eth0

# A bridge deleted by hand comes back on the next reconcile, with the
# VXLAN device and the tap on it again.
write_docs "$EGRESS, $ICMP_IN"
ip -n "$N1" link del "$BR"
check "after the bridge was deleted by hand, the next apply succeeds" apply n1
check "...the bridge is back" quiet ip -n "$N1" link show "$BR"
check "...the tap and VXLAN device are on it again" \
    sh -c "ip -n $N1 link show $TAP1 | grep -q 'master $BR' && ip -n $N1 link show $VX | grep -q 'master $BR'"
check "...and port 1 is ACTIVE" test "$(status_of n1 "$P1")" = ACTIVE
check "VM 2 pings VM 1 again" ping_retry "$V2" "$IP1"

# A host removed from the DHCP port's list: the hosts file loses it,
# dnsmasq rereads it (the same process) and the lease is released.
jq '.networks[0].dhcp.hosts = []' "$T/n1.json" >"$T/n1-nohost.json"
cp "$T/n1.json" "$T/n1-withhost.json"
cp "$T/n1-nohost.json" "$T/n1.json"
DPID1=$(cat "$T/n1/state/dhcp/$NET/pid")
check "a document without VM 1's DHCP host applies" apply n1
check "...the hosts file is empty" test ! -s "$T/n1/state/dhcp/$NET/host"
check "...dnsmasq is the same process" test "$(cat "$T/n1/state/dhcp/$NET/pid")" = "$DPID1"
check "...VM 1's lease was released" \
    sh -c "! grep -q '$MAC1' $T/n1/state/dhcp/$NET/leases"
check "...and port 1 is DOWN, saying DHCP has no entry for it" \
    test "$(jq -r --arg p "$P1" '.[] | select(.id == $p) | .reason' "$T/n1.obs")" = "dnsmasq of network $NET has no entry for $MAC1"
cp "$T/n1-withhost.json" "$T/n1.json"
check "the host back: the apply succeeds" apply n1
check "...and port 1 is ACTIVE again" test "$(status_of n1 "$P1")" = ACTIVE

# A port administratively down: its tap is set down, and it is DOWN
# with the reason in words.
jq '.ports[0].admin_state_up = false' "$T/n1.json" >"$T/n1-down.json"
cp "$T/n1-down.json" "$T/n1.json"
apply n1
check "an administratively down port is DOWN, saying so" \
    test "$(jq -r '.[0].reason' "$T/n1.obs")" = "port $P1 is administratively down"
check "...and its tap is down" sh -c "! ip -n $N1 link show $TAP1 | grep -q ',UP'"

# A flat network: its port goes on the host's mapped bridge, which the
# agent uses but never makes or removes.
FLAT=0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b P3=5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c
ip -n "$N1" link add br-ex type bridge
ip -n "$N1" link set br-ex up
jq --arg f "$FLAT" --arg p "$P3" '.networks += [{"id": $f, "type": "flat",
    "vni": null, "physical_network": "public", "mtu": 1500, "bridge": "br-ex",
    "vxlan": null, "peers": [], "remote_ports": [], "subnets": [],
    "dhcp": null}] | .ports += [{"id": $p, "network_id": $f,
    "tap": ("tap" + $p[0:11]), "mac": "fa:16:3e:00:00:03", "fixed_ips": [],
    "admin_state_up": true, "port_security_enabled": false,
    "security_groups": [], "device_owner": "compute:nova",
    "device_id": "0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b"}]' "$T/n1.json" >"$T/flat.json"
cp "$T/flat.json" "$T/n1.json"
check "a document with a flat network applies" apply n1
check "...its port's tap (a persistent tap) is on br-ex with MTU 1500" \
    sh -c "ip -n $N1 -d link show tap${P3:0:11} | grep -q 'mtu 1500 .*master br-ex' &&
	ip -n $N1 -d link show tap${P3:0:11} | grep -q 'tun type tap.*persist on'"
check "...and it is ACTIVE" test "$(status_of n1 "$P3")" = ACTIVE
jq '.networks |= map(select(.type != "flat")) | .ports |= map(select(.network_id != "'"$FLAT"'"))' \
    "$T/flat.json" >"$T/n1.json"
check "without the flat network, the apply succeeds" apply n1
check "...its tap is gone" sh -c "! ip -n $N1 link show tap${P3:0:11} 2>/dev/null"
check "...and br-ex stays" quiet ip -n "$N1" link show br-ex

# A router on node 1: a leg on the tenant bridge (10.0.0.254), one on
# br-ex (172.24.4.10) where an "outside" host lives (172.24.4.100, no
# route to the tenant subnet), a floating IP for VM 1 and a port forward.
X=gr90x-$S R=6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d
GWP=7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e RIP=8c9d0e1f-2a3b-4c4d-8e5f-6a7b8c9d0e1f
FIP=172.24.4.20
ip netns add "$X"
ip link add extp netns "$N1" type veth peer name eth0 netns "$X"
ip -n "$N1" link set extp master br-ex up
ip -n "$X" addr add 172.24.4.100/24 dev eth0
ip -n "$X" link set eth0 up
ip -n "$X" link set lo up
ICMP_ANY='{"id": "ac1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f", "direction": "ingress", "ethertype": "IPv4", "protocol": "icmp", "port_range_min": null, "port_range_max": null, "remote_ip_prefix": "0.0.0.0/0", "remote_group_id": null, "remote_ips": []}'
jq --arg r "$R" --arg g "$GWP" --arg i "$RIP" --arg net "$NET" --arg br "$BR" \
    --arg fip "$FIP" --arg ip1 "$IP1" --argjson icmp "$ICMP_ANY" --argjson tcp "$TCP_IN" \
    '.security_groups[0].rules += [$icmp, $tcp] | .routers = [{"id": $r,
    "namespace": ("qrouter-" + $r), "enable_snat": true,
    "gateway": {"port_id": $g, "device": ("qg-" + $g[0:11]),
      "mac": "fa:16:3e:00:00:21", "ip": "172.24.4.10", "prefixlen": 24,
      "gateway_ip": "172.24.4.1", "bridge": "br-ex", "mtu": 1500},
    "interfaces": [{"port_id": $i, "device": ("qr-" + $i[0:11]),
      "mac": "fa:16:3e:00:00:22", "ip": "10.0.0.254", "prefixlen": 24,
      "network_id": $net, "bridge": $br, "mtu": 1450}],
    "floating_ips": [{"id": "9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a",
      "ip": $fip, "fixed_ip": $ip1, "port_id": null}],
    "port_forwards": [{"id": "0f1a2b3c-4d5e-4f6a-8b7c-8d9e0f1a2b3c",
      "ip": "172.24.4.10", "protocol": "tcp", "external_port": 2222,
      "internal_ip": $ip1, "internal_port": 22}]}]' \
    "$T/n1-withhost.json" >"$T/n1.json"
cp "$T/n1.json" "$T/n1-router.json"
inr() { nsenter --net="$T/n1/netns/qrouter-$R" "$@"; }
check "a document with a router applies" apply n1
check "...its namespace has qr- with the tenant gateway address" \
    sh -c "nsenter --net=$T/n1/netns/qrouter-$R ip addr show qr-${RIP:0:11} | grep -q 'inet 10.0.0.254/24'"
check "...qg- with its address and the floating IP" \
    sh -c "nsenter --net=$T/n1/netns/qrouter-$R ip addr show qg-${GWP:0:11} | grep -q 'inet 172.24.4.10/24' &&
	nsenter --net=$T/n1/netns/qrouter-$R ip addr show qg-${GWP:0:11} | grep -q 'inet $FIP/32'"
check "...the default route via the external gateway" \
    sh -c "nsenter --net=$T/n1/netns/qrouter-$R ip route | grep -q '^default via 172.24.4.1 dev qg-'"
check "...and its NAT table: DNAT of the floating IP, its SNAT before the router's" \
    sh -c "nsenter --net=$T/n1/netns/qrouter-$R nft list table ip gureum_r | tr -s ' \t' ' ' | grep -A1 'ip saddr $IP1 oifname' | grep -q 'snat to 172.24.4.10' &&
	nsenter --net=$T/n1/netns/qrouter-$R nft list table ip gureum_r | grep -q 'ip daddr $FIP dnat to $IP1'"
ip -n "$V1" route add default via 10.0.0.254 2>/dev/null
check "the outside host reaches VM 1 on its floating IP" ping_retry "$X" "$FIP"
check "VM 1 reaches the outside host (SNAT to its floating IP)" ping_ok "$V1" 172.24.4.100
ip netns exec "$V1" busybox nc -l -p 22 -e /bin/echo forwarded >/dev/null 2>&1 &
NCPID=$!
PIDS+=("$NCPID")
sleep 0.3
check "the port forward 172.24.4.10:2222 reaches VM 1's port 22" \
    sh -c "ip netns exec $X busybox nc -w 3 172.24.4.10 2222 </dev/null | grep -q forwarded"
kill "$NCPID" 2>/dev/null
ROUTER_TAPS=$(ip -n "$N1" -o link show | grep -c "tap${RIP:0:11}\|tap${GWP:0:11}")
check "applying it again changes nothing in the router (same NAT handles)" \
    sh -c "A=\$(nsenter --net=$T/n1/netns/qrouter-$R nft -a list table ip gureum_r | md5sum);
	nsenter --net=/run/netns/$N1 $GUREUM_BIN/gureum-network --config $T/n1.conf --apply-document $T/n1.json >/dev/null 2>&1 &&
	[ \"\$(nsenter --net=$T/n1/netns/qrouter-$R nft -a list table ip gureum_r | md5sum)\" = \"\$A\" ]"
# The floating IP goes; the forward moves to an address of its own.
ping_ok "$X" "$FIP"
RNS=$T/n1/netns/qrouter-$R QG=qg-${GWP:0:11}
jq '.routers[0].floating_ips = [] | .routers[0].port_forwards[0].ip = "172.24.4.21"' \
    "$T/n1-router.json" >"$T/n1.json"
check "without the floating IP, the forward on 172.24.4.21, the apply succeeds" apply n1
check "...the floating IP is no longer on qg-, the forward's address is" \
    sh -c "! nsenter --net=$RNS ip addr show $QG | grep -q 'inet $FIP/32' &&
	nsenter --net=$RNS ip addr show $QG | grep -q 'inet 172.24.4.21/32'"
check "...the floating IP's connections are forgotten" \
    sh -c "! nsenter --net=$RNS conntrack -L -d $FIP 2>/dev/null | grep -q icmp"
check "...and the outside host no longer reaches it" sh -c "! ip netns exec $X ping -c 1 -W 1 $FIP >/dev/null 2>&1"
ip netns exec "$V1" busybox nc -l -p 22 -e /bin/echo forwarded >/dev/null 2>&1 &
NCPID=$!
PIDS+=("$NCPID")
check "the port forward 172.24.4.21:2222 reaches VM 1's port 22" \
    sh -c "for i in 1 2 3 4 5; do ip netns exec $X busybox nc -w 2 172.24.4.21 2222 </dev/null | grep -q forwarded && exit 0; sleep 0.2; done; exit 1"
kill "$NCPID" 2>/dev/null
cp "$T/n1-withhost.json" "$T/n1.json"
check "without the router, the apply succeeds" apply n1
check "...its namespace is gone" test ! -e "$T/n1/netns/qrouter-$R"
check "...and its legs' bridge ends ($ROUTER_TAPS before)" \
    sh -c "[ $ROUTER_TAPS = 2 ] && ! ip -n $N1 -o link show | grep -q 'tap${RIP:0:11}\|tap${GWP:0:11}'"
ip netns del "$X"

# Two tenants, one CIDR: a second VXLAN network (VNI 1002, a bridge of
# its own) with the same subnet and the same VM addresses on the same
# nodes, whose group admits nothing in. Each network's connections are
# tracked in its own conntrack zone (its VNI), so a flow network 1
# allows does not make the identical tuple "established" on network 2,
# and forgetting a port's connections leaves the other network's.
NET2=1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e SUB2=2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f
Q1=3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a Q2=4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b
SG2=5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8d BR2=brq${NET2:0:11}
MAC3=fa:16:3e:00:02:05 MAC4=fa:16:3e:00:02:06
vm() {	# VM NODE PORT MAC IP: a VM netns, its eth0 the port's tap's peer
	ip netns add "$1" || die "ip netns add $1"
	ip -n "$1" link set lo up
	ip link add "tap${3:0:11}" netns "$2" type veth peer name eth0 netns "$1"
	ip -n "$1" link set eth0 address "$4" up
	ip -n "$1" addr add "$5/24" dev eth0
}
vm "$W1" "$N1" "$Q1" "$MAC3" "$IP1"
vm "$W2" "$N2" "$Q2" "$MAC4" "$IP2"
EGRESS2='{"id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9e", "direction": "egress", "ethertype": "IPv4", "protocol": null, "port_range_min": null, "port_range_max": null, "remote_ip_prefix": null, "remote_group_id": null, "remote_ips": []}'
net2() {	# NODE PORT MAC IP PEER REMOTEMAC REMOTEIP: network 2 into its document
	jq --arg net "$NET2" --arg sub "$SUB2" --arg sg "$SG2" --arg p "$2" \
	    --arg mac "$3" --arg ip "$4" --arg peer "$5" --arg rmac "$6" \
	    --arg rip "$7" --argjson egress "$EGRESS2" '.networks += [{"id": $net,
	    "type": "vxlan", "vni": 1002, "physical_network": null, "mtu": 1450,
	    "bridge": ("brq" + $net[0:11]), "vxlan": "vxlan-1002",
	    "peers": [$peer], "remote_ports": [{"mac": $rmac, "ip": $rip,
	      "peer": $peer}],
	    "subnets": [{"id": $sub, "cidr": "10.0.0.0/24", "gateway_ip": null,
	      "enable_dhcp": false, "dns_nameservers": [], "host_routes": []}],
	    "dhcp": null}] | .ports += [{"id": $p, "network_id": $net,
	    "tap": ("tap" + $p[0:11]), "mac": $mac,
	    "fixed_ips": [{"subnet_id": $sub, "ip_address": $ip}],
	    "admin_state_up": true, "port_security_enabled": true,
	    "security_groups": [$sg], "device_owner": "compute:nova",
	    "device_id": "0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b"}] |
	    .security_groups += [{"id": $sg, "rules": [$egress]}]' \
	    "$T/$1.json" >"$T/$1-two.json" && mv "$T/$1-two.json" "$T/$1.json"
}
write_docs "$EGRESS, $ICMP_IN"
net2 n1 "$Q1" "$MAC3" "$IP1" "${U}12" "$MAC4" "$IP2"
net2 n2 "$Q2" "$MAC4" "$IP2" "${U}11" "$MAC3" "$IP1"
check "node 1 applies a second network with the same subnet and addresses" apply n1
check "node 2 applies it too" apply n2
check "...each bridge's packets are in their network's zone (its VNI)" \
    sh -c "ip netns exec $N1 nft list chain inet gureum_sg zone-pre | grep -q '\"$BR\" : 1001' &&
	ip netns exec $N1 nft list chain inet gureum_sg zone-pre | grep -q '\"$BR2\" : 1002' &&
	ip netns exec $N1 nft list chain inet gureum_sg zone-out | grep -q '\"$BR2\" : 1002'"
check "...and port ${Q1:0:8} is ACTIVE" test "$(status_of n1 "$Q1")" = ACTIVE
# ct NODE ZONE ARGS: conntrack's ICMP entries of echo id 4242 in ZONE.
ct() { ip netns exec "gr90$1-$S" conntrack -L -w "$2" -p icmp "${@:3}" 2>/dev/null | grep 'id=4242'; }
answered() { ct "$@" | grep -v -q UNREPLIED; }	# NODE ZONE SRC DST
# One ICMP tuple on both networks: echo id 4242 between 10.0.0.5 and .6.
ping_id() { ip netns exec "$1" ping -c 1 -W 1 -e 4242 "$2" >/dev/null 2>&1; }
net1_flow() { ping_id "$V1" "$IP2"; }
check "VM 1 pings VM 2 on network 1 with echo id 4242" wait_for 10 net1_flow
check "...node 2 tracks it in zone 1001, answered" answered n2 1001 -s "$IP1" -d "$IP2"
net2_sent() { ping_id "$W1" "$IP2"; ct n1 1002 -s "$IP1" -d "$IP2" | grep -q UNREPLIED; }
check "the same tuple from network 2's 10.0.0.5 leaves node 1 in zone 1002" \
    wait_for 10 net2_sent
check "...node 2 does not let it through (its group admits nothing in): no reply" \
    sh -c "! ip netns exec $W1 ping -c 1 -W 2 -e 4242 $IP2 >/dev/null 2>&1"
check "...though network 1's identical flow is answered meanwhile" net1_flow
check "...and node 1 tracks that one in zone 1001" answered n1 1001 -s "$IP1" -d "$IP2"

# Network 2's group admits ICMP: the same pings pass there too, and each
# node holds identical answered tuples, both ways, in both zones.
jq --argjson icmp "$ICMP_ANY" '(.security_groups[] | select(.id == "'"$SG2"'") | .rules) += [$icmp]' \
    "$T/n1.json" >"$T/n1-icmp.json"
jq --argjson icmp "$ICMP_ANY" '(.security_groups[] | select(.id == "'"$SG2"'") | .rules) += [$icmp]' \
    "$T/n2.json" >"$T/n2-icmp.json"
cp "$T/n1.json" "$T/n1-noicmp.json"
cp "$T/n1-icmp.json" "$T/n1.json"
cp "$T/n2-icmp.json" "$T/n2.json"
check "network 2's group admitting ICMP applies on node 1" apply n1
check "...and on node 2" apply n2
net2_flow() { ping_id "$W1" "$IP2" && ping_id "$W2" "$IP1"; }
check "network 2's 10.0.0.5 and .6 ping each other with echo id 4242" wait_for 10 net2_flow
both_ways() {	# NODE ZONE
	answered "$1" "$2" -s "$IP1" -d "$IP2" && answered "$1" "$2" -s "$IP2" -d "$IP1"
}
net1_both() { ping_id "$V1" "$IP2" && ping_id "$V2" "$IP1"; }
check "network 1's VMs ping each other with the same id" net1_both
check "node 1 holds both tuples answered in zone 1002" both_ways n1 1002
check "...and the identical ones in zone 1001" both_ways n1 1001
both_zones() { both_ways "$1" 1002 && both_ways "$1" 1001; }
check "node 2 too, in both zones" both_zones n2

# ICMP taken from network 2's group on node 1: port Q1's connections
# are forgotten, in its zone only (from and to 10.0.0.5: both calls run).
forgot() { grep -c "forgetting the connections of port $1" "$T/apply-n1.log"; }
FORGOT_P1=$(forgot "$P1") FORGOT_Q1=$(forgot "$Q1 in zone 1002")
cp "$T/n1-noicmp.json" "$T/n1.json"
check "network 2's group without ICMP again applies on node 1" apply n1
check "...forgetting port ${Q1:0:8}'s connections in zone 1002" \
    test "$(forgot "$Q1 in zone 1002")" -gt "$FORGOT_Q1"
check "...and not port ${P1:0:8}'s (its rules are the same)" \
    test "$(forgot "$P1")" = "$FORGOT_P1"
net2_gone() { ! ct n1 1002 -s "$IP1" | grep -q . && ! ct n1 1002 -d "$IP1" | grep -q .; }
check "...zone 1002 keeps nothing from or to 10.0.0.5" net2_gone
check "...zone 1001 keeps network 1's identical connections" both_ways n1 1001
check "network 2's .6 no longer pings .5" sh -c "! ip netns exec $W2 ping -c 1 -W 1 -e 4242 $IP1 >/dev/null 2>&1"

# A refused document changes nothing and says why.
echo '{"generation": 1, "host": "n1", "underlay_ip": "'"${U}11"'", "networks": [], "ports": [], "colour": 1}' >"$T/n1.json"
check "an unknown field refuses the document" sh -c "! nsenter --net=/run/netns/$N1 $GUREUM_BIN/gureum-network --config $T/n1.conf --apply-document $T/n1.json >/dev/null 2>$T/refused.log"
check "...naming it" grep -q "unknown field 'colour'" "$T/refused.log"
check "...and the bridge is still there" quiet ip -n "$N1" link show "$BR"

# Links of other names are not Gureum's, even those starting with tap.
ip -n "$N1" tuntap add tap0 mode tap

# The last port goes: bridge, VXLAN device, tap, DHCP all go.
doc n1 "" "" "" "" "" "" "" "" noport >"$T/n1.json"
check "a document without ports applies" apply n1
check "...the bridge is gone" sh -c "! ip -n $N1 link show $BR 2>/dev/null"
check "...the VXLAN device is gone" sh -c "! ip -n $N1 link show $VX 2>/dev/null"
check "...the port's tap is gone" sh -c "! ip -n $N1 link show $TAP1 2>/dev/null"
# (A killed dnsmasq may stay a zombie here: no command line is gone.)
check "...dnsmasq stopped" sh -c "! grep -q dnsmasq /proc/$DPID/cmdline 2>/dev/null"
check "...the DHCP namespace is gone" test ! -e "$T/n1/netns/qdhcp-$NET"
check "...and its files" test ! -e "$T/n1/state/dhcp/$NET"
check "...but another program's tap0 stays" quiet ip -n "$N1" link show tap0
check "the underlay was not touched" \
    sh -c "ip -n $N1 addr show u1 | grep -q 'inet ${U}11/24'"

# The daemon, against the real controller and PostgreSQL. The controller
# runs on node 1, in its netns (PostgreSQL answers on its unix socket):
# the agent reaches its internal listener on node 1's loopback, the
# controller calls the agent on node 1's underlay address, and the
# test's calls go through that netns too. What node 1 must have comes
# from the Network API: a VXLAN network (VNI 1001) with a DHCP subnet,
# port 1 bound to n1 with VM 1's MAC and fixed IP, port 2 bound to n2
# (the peer, registered by a signed heartbeat like the one its agent
# sends), and the DHCP port each bind gives its node.
curl() { nsenter --net="/run/netns/$N1" /usr/bin/curl "$@"; }
start_pg
DAEMON_NETNS=$N1 start_controller
TOKEN=$(get_token admin "$ADMIN_PW" admin)
[ -n "$TOKEN" ] || die "no admin token from the controller"
NA=$NET_URL/v2.0
SIGN_NODE=n2 signed_api POST "$INT_URL/internal/v1/agents/heartbeat" \
    "{\"host\":\"n2\",\"kind\":\"network\",\"host_ip\":\"${U}12\",\"inventory\":{\"agent_url\":\"http://${U}12:9\"}}"
expect 200 "node n2's network agent registers with its heartbeat"
api POST "$NA/networks" '{"network":{"name":"net90","provider:network_type":"vxlan","provider:segmentation_id":1001}}'
expect 201 "a VXLAN network with VNI 1001 through the Network API"
NET=$(jq -r .network.id <<<"$BODY")
api POST "$NA/subnets" "{\"subnet\":{\"network_id\":\"$NET\",\"cidr\":\"10.0.0.0/24\",\"ip_version\":4,\"gateway_ip\":null}}"
expect 201 "...its subnet 10.0.0.0/24, DHCP on, no gateway"
SUB=$(jq -r .subnet.id <<<"$BODY")
vm_port() {	# HOST MAC IP
	api POST "$NA/ports" "{\"port\":{\"network_id\":\"$NET\",\"mac_address\":\"$2\",\"fixed_ips\":[{\"subnet_id\":\"$SUB\",\"ip_address\":\"$3\"}],\"binding:host_id\":\"$1\",\"device_owner\":\"compute:nova\",\"device_id\":\"0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b\"}}"
}
vm_port n1 "$MAC1" "$IP1"
expect 201 "port 1: bound to n1, compute:nova, VM 1's MAC and $IP1"
P1=$(jq -r .port.id <<<"$BODY")
vm_port n2 "$MAC2" "$IP2"
expect 201 "port 2: bound to n2, VM 2's MAC and $IP2"
api GET "$NA/ports?network_id=$NET&device_owner=network:dhcp"
check "each bind gave its node a DHCP port on the network" \
    jqt '[.ports[] | ."binding:host_id"] | sort == ["n1","n2"]'
D1=$(jq -r '.ports[] | select(."binding:host_id" == "n1") | .id' <<<"$BODY")
DIP1=$(jq -r '.ports[] | select(."binding:host_id" == "n1") | .fixed_ips[0].ip_address' <<<"$BODY")
BR=brq${NET:0:11} TAP1=tap${P1:0:11}
# VM 1 again, its NIC's node end named as port 1's tap.
ip link add "$TAP1" netns "$N1" type veth peer name eth0 netns "$V1" ||
    die "VM 1's NIC"
ip -n "$V1" link set eth0 address "$MAC1" up

AGP=$(free_port)
A=http://${U}11:$AGP
sed -i "s|^controller_url = .*|controller_url = $INT_URL|" "$T/n1.conf"
cat >>"$T/n1.conf" <<CONF
listen = ${U}11:$AGP
heartbeat_interval = 1
poll_interval = 1
reconcile_interval = 12
CONF
# Debug lines name each fetch and link event.
GUREUM_DEBUG=1 DAEMON_NETNS=$N1 start_daemon agent gureum-network "$T/n1.conf"
registered() {
	test "$(psql_q "SELECT host_ip || ' ' || agent_url FROM agents WHERE host = 'n1' AND kind = 'network'")" = "${U}11 $A"
}
check "the agent registers n1 with its heartbeat: underlay address and API" \
    wait_for 15 registered
have_bridge() { ip -n "$N1" link show "$BR" >/dev/null 2>&1; }
check "it fetches n1's document from the controller and makes the bridge" \
    wait_for 15 have_bridge
port_is() {	# STATUS: port 1's status, as the controller shows it
	api GET "$NA/ports/$P1"
	jqt ".port.status == \"$1\""
}
check "...and reports port 1 ACTIVE: the controller shows it" wait_for 15 port_is ACTIVE
api GET "$NA/ports/$P1/diagnostics"
check "...its diagnostics, through the controller, are the agent's, all hops" \
    jqt '.port_diagnostics | .status == "ACTIVE" and .host == "n1" and .dataplane.source == "agent" and .dataplane.status == "ACTIVE" and ([.dataplane.hops[].hop] | index("flood") != null)'
have_flood() { bridge -n "$N1" fdb show dev "$VX" | grep -q "^00:00:00:00:00:00 dst ${U}12 "; }
check "...a flood entry towards n2, the peer the controller names" have_flood
check "...a unicast entry for port 2's MAC" \
    sh -c "bridge -n $N1 fdb show dev $VX | grep -q '^$MAC2 dst ${U}12 self permanent'"
check "...n1's DHCP port in its namespace, with the address IPAM gave it ($DIP1)" \
    sh -c "nsenter --net=$T/n1/netns/qdhcp-$NET ip addr show ns-${D1:0:11} | grep -q 'inet $DIP1/24'"
check "VM 1 gets a DHCP lease from n1's dnsmasq" lease "$V1" "$T/lease-ctl"
check "...of port 1's fixed address $IP1, MTU 1450, no router" \
    grep -qx "ip=$IP1 mask=24 mtu=1450 router=none" "$T/lease-ctl"
asked_since() {
	grep -q "GET $INT_URL/internal/v1/hosts/n1/network?since=$(psql_q "SELECT generation FROM net_state"): 304$" "$T/agent.log"
}
check "...then polls with ?since=<the generation>, and the controller answers 304" \
    wait_for 5 asked_since
# Well within the first 12 s: only the link event can bring it back.
link_events() { grep -c "link $BR changed: re-applying" "$T/agent.log"; }
EVENTS=$(link_events)
ip -n "$N1" link del "$BR"
check "a bridge deleted by hand comes back at once" wait_for 4 have_bridge
check "...on the link event" test "$(link_events)" -gt "$EVENTS"
SIGN_NODE=n1 signed_api GET "$A/v1/ports/$P1/diagnostics"
check "...and the port's diagnostics say why it was down meanwhile" \
    jqt ".status == \"ACTIVE\" and .last_down.at != null and (.last_down.reason == \"bridge $BR does not exist\")"
# A flood entry deleted by hand makes no link event: the next re-apply
# of the unchanged document (reconcile_interval) restores it.
bridge -n "$N1" fdb del 00:00:00:00:00:00 dev "$VX" dst "${U}12"
check "a flood entry deleted by hand comes back within the reconcile interval" wait_for 16 have_flood
check "...and port 1 is ACTIVE at the controller" wait_for 5 port_is ACTIVE

# The agent's own API, signed as the node, from inside the node.
SIGN_NODE=n1 signed_api POST "$A/v1/ports/ensure" '{"ports": ["'"$P1"'"], "timeout": 5}'
ok200() { [ "$STATUS" = 200 ] && jqt "$1"; }
check "ensure answers 200 once the port is ACTIVE" \
    ok200 '.ports[0].status == "ACTIVE" and (.ports[0].diagnostics.hops | length) >= 5'
SIGN_NODE=n1 signed_api POST "$A/v1/ports/ensure" '{"ports": ["0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b"]}'
expect_fault 404 "ensure of a port not bound here"
SIGN_NODE=n1 signed_api POST "$A/v1/ports/ensure" '{"ports": ["'"$P1"'"], "timeout": 0}'
expect_fault 400 "ensure with a timeout out of 1..300"
SIGN_NODE=n1 signed_api GET "$A/v1/ports/$P1/diagnostics"
check "diagnostics: host, checked_at, status and the hops" \
    ok200 '.host == "n1" and .status == "ACTIVE" and .checked_at != null and ([.hops[].hop] | index("flood") != null)'
# A port that cannot become ACTIVE (administratively down, through the
# Network API): 504 once the timeout passed, its reason in the body.
api PUT "$NA/ports/$P1" '{"port":{"admin_state_up":false}}'
expect 200 "port 1 set administratively down (PUT /v2.0/ports)"
SIGN_NODE=n1 signed_api POST "$A/v1/ports/ensure" '{"ports": ["'"$P1"'"], "timeout": 1}'
check "ensure of a port that stays DOWN answers 504 after its timeout" \
    test "$STATUS" = 504
check "...naming the reason" \
    jqt '.ports[0].status == "DOWN" and .ports[0].reason == "port '"$P1"' is administratively down"'
check "...its tap is down" sh -c "! ip -n $N1 link show $TAP1 | grep -q ',UP'"
down_at_controller() {
	api GET "$NA/ports/$P1/diagnostics"
	jqt '.port_diagnostics | .status == "DOWN" and .reason == "port '"$P1"' is administratively down"'
}
check "...and the controller shows it DOWN with that reason" wait_for 5 down_at_controller
api PUT "$NA/ports/$P1" '{"port":{"admin_state_up":true}}'
SIGN_NODE=n1 signed_api POST "$A/v1/ports/ensure" '{"ports": ["'"$P1"'"], "timeout": 5}'
check "...and ACTIVE again (200) once it is up again" \
    ok200 '.ports[0].status == "ACTIVE"'
check "...at the controller too" wait_for 5 port_is ACTIVE
SIGN_NODE=n1 signed_api POST "$A/v1/wake"
expect 204 "wake"
TOKEN= api GET "$A/v1/ports/$P1/diagnostics"
expect_fault 401 "an unsigned call"
SIGN_NODE=n2 signed_api GET "$A/v1/ports/$P1/diagnostics"
expect_fault 403 "a call signed for another node"

# Controller gone: the node stays as it is, even what differs from the
# document (nothing is re-applied without a document fetched).
kill "$controller_PID"
check "the controller stops" wait_for 10 pid_gone "$controller_PID"
away() { grep -q 'keeping the node as it is' "$T/agent.log"; }
check "the agent finds it gone" wait_for 10 away
ip -n "$N1" link set "$TAP1" nomaster
SIGN_NODE=n1 signed_api GET "$A/v1/ports/$P1/diagnostics"
check "diagnostics are checked afresh: the tap taken off its bridge is the reason" \
    test "$(jq -r .reason <<<"$BODY")" = "tap $TAP1 is not on bridge $BR"
tries() { grep -c 'network document still not applied' "$T/agent.log"; }
TRIES=$(tries)
tried_twice() { [ "$(tries)" -ge $((TRIES + 2)) ]; }
check "the agent tries twice more without the controller" wait_for 10 tried_twice
check "...and the tap stays off its bridge" \
    sh -c "! ip -n $N1 link show $TAP1 | grep -q 'master $BR'"
check "with the controller gone, the bridge and dnsmasq stay" \
    sh -c "ip -n $N1 link show $BR >/dev/null && grep -q dnsmasq /proc/\$(cat $T/n1/state/dhcp/$NET/pid)/cmdline"
check "...and the agent says so once" \
    test "$(grep -c 'keeping the node as it is' "$T/agent.log")" = 1
kill "$agent_PID"
check "the agent stops on SIGTERM" wait_for 10 pid_gone "$agent_PID"
check "...leaving the bridge in place" have_bridge

finish
