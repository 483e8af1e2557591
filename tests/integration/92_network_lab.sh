#!/usr/bin/env bash
# Tenant networking in the lab, as a new user tries it with the stock
# openstack CLI (the Networking issue's checks, in its order): a second
# lab instance (its own state dir, tag, /24s), project A with net1 and two
# guests on different nodes, project B with the same 10.0.0.0/24, a router
# to public, floating IPs, a port forward, a network agent killed with -9
# and a bridge deleted by hand, then the servers' removal down to the
# node's bridge and the other node's flood entry. The guests report
# through their consoles: their user_data pings and prints.
. "$(dirname "$0")/../lib/harness.sh"

. "$(dirname "$0")/../lib/lab.sh"
command -v tcpdump >/dev/null || die "tcpdump is not installed (make deps)"

lab_instance n

if ! lab up >"$T/up.out" 2>&1; then
	sed 's/^/#   /' "$T/up.out"
	die "lab.sh up failed"
fi

# shellcheck source=/dev/null
. "$LABDIR/openrc"
os() { /usr/bin/openstack "$@" 2>>"$T/os.err"; }
# The two projects' users, through the same CLI.
A() { OS_PROJECT_NAME=proja OS_USERNAME=alice OS_PASSWORD=pw os "$@"; }
B() { OS_PROJECT_NAME=projb OS_USERNAME=bob OS_PASSWORD=pw os "$@"; }
for p in a b; do
	u=$([ $p = a ] && echo alice || echo bob)
	os project create "proj$p" >/dev/null
	os user create --project "proj$p" --password pw "$u" >/dev/null
	os role add --project "proj$p" --user "$u" member || true
done
check "projects proja (alice) and projb (bob)" \
    test "$(A token issue -f value -c project_id)" != "$(B token issue -f value -c project_id)"

# node_of SERVER; ns_of NODE; underlay_of NODE
node_of() { os server show "$(os_id "$1")" -f value -c OS-EXT-SRV-ATTR:host; }
ns_of() { echo "gureum-$TAG-$1"; }
underlay_of() { echo "$NET.1${1#node}"; }
# console SERVER: its console log, read where its node keeps it (cheap
# enough to poll; the CLI is checked once below).
console() { cat "$LABDIR"/nodes/node*/compute/instances/"$(os_id "$1")"/console.log 2>/dev/null; }
declare -A IDS
os_id() { echo "${IDS[$1]}"; }
seen() { console "$1" | grep -qE "$2"; }
count() { console "$1" | grep -cE "$2"; }

# ---- 1. net1 and sub1 -------------------------------------------------------

OUT=$(A network create net1 -f json)
check "network create net1: ACTIVE, VXLAN MTU 1450" \
    jqt '.status == "ACTIVE" and .mtu == 1450' "$OUT"
NET1=$(jq -r .id <<<"$OUT")
OUT=$(A subnet create --network net1 --subnet-range 10.0.0.0/24 sub1 -f json)
check "subnet create sub1: pool .2-.254, gateway .1" \
    jqt '.gateway_ip == "10.0.0.1" and .allocation_pools == [{"start": "10.0.0.2", "end": "10.0.0.254"}]' "$OUT"
VNI=$(os network show net1 -f value -c provider:segmentation_id)
BR1=brq${NET1:0:11} VX1=vxlan-$VNI

# Project B: the same range, and a port with a fixed address for its VM.
B network create netb >/dev/null
# Its pool keeps clear of A's first addresses: B's own DHCP ports would
# answer a ping to them.
B subnet create --network netb --subnet-range 10.0.0.0/24 \
    --allocation-pool start=10.0.0.100,end=10.0.0.250 subb >/dev/null
OUT=$(B port create --network netb --fixed-ip subnet=subb,ip-address=10.0.0.200 pb -f json)
check "project B: its own 10.0.0.0/24 and a port at 10.0.0.200" \
    jqt '.fixed_ips[0].ip_address == "10.0.0.200"' "$OUT"
PB=$(jq -r .id <<<"$OUT") BIP=10.0.0.200
# vm2's port first, so that vm1's user_data knows its address.
OUT=$(A port create --network net1 p2 -f json)
P2=$(jq -r .id <<<"$OUT") VM2IP=$(jq -r '.fixed_ips[0].ip_address' <<<"$OUT")
AG=$(A server group create --policy anti-affinity ag -f value -c id)

# ---- 2. two VMs on net1, on different nodes ---------------------------------

# probe TARGET...: a user_data loop line per target and round.
probes() {
	local t out=
	for t in "$@"; do
		out+="if ping -c 1 -W 1 $t >/dev/null 2>&1; then echo \"probe $t ok\"; else echo \"probe $t fail\"; fi; "
	done
	echo "$out"
}
# vm1: its MAC, an httpd, a long ping to vm2 (its replies' seq numbers
# show any loss), probes of B's VM and the lab host, a 1422-byte ping to
# vm2 (1450 bytes on the wire: the overlay MTU, sent with DF).
cat >"$T/vm1.sh" <<EOF
#!/bin/sh
echo "probe mac \$(cat /sys/class/net/eth0/address)"
mkdir -p /www && echo "vm1 says hello" >/www/index.html && httpd -p 80 -h /www
ping -i 0.5 $VM2IP &
i=0
while [ \$i -lt 600 ]; do
	$(probes "$BIP" "$EXT.1")
	if ping -c 1 -W 1 -s 1422 $VM2IP >/dev/null 2>&1; then echo "probe big ok"; else echo "probe big fail"; fi
	i=\$((i + 1)); sleep 1
done
EOF
OUT=$(A server create --image gureum-tiny --flavor m1.tiny --network net1 \
    --hint group="$AG" --user-data "$T/vm1.sh" --wait vm1 -f json)
check "server create --network net1 vm1: ACTIVE" jqt '.status == "ACTIVE"' "$OUT" ||
    tail -3 "$T/os.err"
IDS[vm1]=$(jq -r .id <<<"$OUT")
VM1IP=$(A port list --server vm1 -f value -c "Fixed IP Addresses" | grep -o "10\.0\.0\.[0-9]*")
P1=$(A port list --server vm1 -f value -c ID)
cat >"$T/vm2.sh" <<EOF
#!/bin/sh
echo "probe mac \$(cat /sys/class/net/eth0/address)"
i=0
while [ \$i -lt 600 ]; do
	$(probes "$VM1IP" "$BIP")
	i=\$((i + 1)); sleep 1
done
EOF
OUT=$(A server create --image gureum-tiny --flavor m1.tiny --port "$P2" \
    --hint group="$AG" --user-data "$T/vm2.sh" --wait vm2 -f json)
check "server create --port p2 vm2: ACTIVE" jqt '.status == "ACTIVE"' "$OUT"
IDS[vm2]=$(jq -r .id <<<"$OUT")
H1=$(node_of vm1) H2=$(node_of vm2)
check "the anti-affinity group put them on different nodes ($H1, $H2)" \
    test -n "$H1" -a -n "$H2" -a "$H1" != "$H2"
check "server show vm1: addresses on net1 with its IPAM address" \
    test "$(A server show vm1 -f json | jq -r '.addresses.net1[0]')" = "$VM1IP"
for vm in vm1 vm2; do
	ip=$([ $vm = vm1 ] && echo "$VM1IP" || echo "$VM2IP")
	leased() { seen "$1" "udhcpc: eth0 has $2/24 mtu 1450"; }
	check "$vm gets $ip by DHCP with MTU 1450 (console)" wait_for 120 leased "$vm" "$ip"
	MAC=$(A port list --server "$vm" -f value -c "MAC Address")
	check "...the MAC in port list --server ($MAC) is the guest's" \
	    seen "$vm" "^probe mac $MAC"
done
check "console log show (the stock CLI) has vm1's ready line" \
    sh -c "OS_PROJECT_NAME=proja OS_USERNAME=alice OS_PASSWORD=pw /usr/bin/openstack console log show vm1 2>/dev/null | grep -q 'gureum-guest ready: vm1 $VM1IP'"
check "vm2 pings vm1 across the nodes" wait_for 30 seen vm2 "^probe $VM1IP ok"
check "vm1 pings vm2" wait_for 30 seen vm1 "^64 bytes from $VM2IP"
check "vm1's 1422-byte ping to vm2 gets through" wait_for 30 seen vm1 "^probe big ok"
# On vm1's tap: the request is 1450 bytes with DF set.
TAP1=tap${P1:0:11}
ip netns exec "$(ns_of "$H1")" timeout 15 tcpdump -l -n -v -c 1 -i "$TAP1" \
    "icmp[icmptype] = icmp-echo and dst $VM2IP and greater 1400" >"$T/df.txt" 2>&1
check "...as 1450-byte packets with DF on vm1's tap" \
    grep -q "flags \[DF\].*length 1450" "$T/df.txt" || sed 's/^/#   /' "$T/df.txt"

# ---- 3. project B reaches neither, and is not reached ------------------------

cat >"$T/vmb.sh" <<EOF
#!/bin/sh
i=0
while [ \$i -lt 600 ]; do
	$(probes "$VM1IP" "$VM2IP")
	i=\$((i + 1)); sleep 1
done
EOF
OUT=$(B server create --image gureum-tiny --flavor m1.tiny --port "$PB" \
    --user-data "$T/vmb.sh" --wait vmb -f json)
check "project B's vmb on its own 10.0.0.0/24: ACTIVE" jqt '.status == "ACTIVE"' "$OUT"
IDS[vmb]=$(jq -r .id <<<"$OUT")
leased_b() { seen vmb "udhcpc: eth0 has $BIP/24 mtu 1450"; }
check "vmb gets 10.0.0.200 from its own network's DHCP" wait_for 120 leased_b
FAILS2=$(count vm2 "^probe $BIP fail")
tried() { [ "$(count "$1" "^probe $2 fail")" -ge "$3" ]; }
tried_both() { tried vmb "$VM1IP" 3 && tried vmb "$VM2IP" 3; }
check "vmb tried A's VMs three times" wait_for 60 tried_both
check "...and reached neither" \
    test "$(count vmb "^probe ($VM1IP|$VM2IP) ok")" = 0
more_fails() { [ "$(count vm2 "^probe $BIP fail")" -ge $((FAILS2 + 3)) ]; }
check "vm2 tried vmb three times since it is up" wait_for 60 more_fails
check "...and A's VMs never reached it" \
    test "$(count vm1 "^probe $BIP ok")$(count vm2 "^probe $BIP ok")" = 00

# ---- 4. a router to public: SNAT to the lab host -----------------------------

check "vm1 does not reach the lab host without a router" \
    test "$(count vm1 "^probe $EXT.1 ok")" = 0 -a "$(count vm1 "^probe $EXT.1 fail")" -ge 1
A router create r1 >/dev/null
A router set --external-gateway public r1
A router add subnet r1 sub1
R=$(A router show r1 -f value -c id)
check "router r1 has a gateway on public" \
    test "$(A router show r1 -f json | jq -r '.external_gateway_info.external_fixed_ips[0].ip_address' | cut -d. -f1-3)" = "$EXT"
check "vm1 reaches the lab host $EXT.1 (SNAT)" wait_for 30 seen vm1 "^probe $EXT.1 ok"
RH=
for h in node1 node2; do
	[ -e "$LABDIR/nodes/$h/netns/qrouter-$R" ] && RH=$h
done
check "r1 runs in a qrouter namespace on one node (${RH:-none})" test -n "$RH"

# ---- 5. a floating IP: ICMP only once a rule allows it ------------------------

FIP=$(A floating ip create public -f value -c floating_ip_address)
A server add floating ip vm1 "$FIP"
check "floating ip create public; server add floating ip vm1 $FIP" \
    test "$(A floating ip show "$FIP" -f value -c fixed_ip_address)" = "$VM1IP"
pings() { ping -c 1 -W 1 "$1" >/dev/null 2>&1; }
check "ping $FIP from the lab host fails under the default group" \
    sh -c "! ping -c 3 -W 1 $FIP >/dev/null 2>&1"
TOKEN=$(A token issue -f value -c id)
NET_URL=http://$NET.1:9696
api GET "$NET_URL/v2.0/ports/$P1/diagnostics"
check "...and vm1's port diagnostics say why (ICMP)" \
    jqt '.port_diagnostics.reason | test("ICMP")'
RULE=$(A security group rule create --protocol icmp default -f value -c id)
check "after security group rule create --protocol icmp default, it works" \
    wait_for 10 pings "$FIP"
ping -D -i 0.2 -W 1 "$FIP" >"$T/fip-ping" 2>&1 &
FPING=$!
PIDS+=("$FPING")
fping_replies() { [ "$(grep -c 'bytes from' "$T/fip-ping")" -ge 5 ]; }
wait_for 10 fping_replies
DELETED=$(date +%s.%N)	# the CLI's start: its own startup counts
A security group rule delete "$RULE"
sleep 3	# the ping runs on: its replies stop or not
kill "$FPING"
LAST=$(grep 'bytes from' "$T/fip-ping" | tail -1 | sed 's/^\[\([0-9.]*\)\].*/\1/')
AFTER_MS=$(awk -v l="${LAST:-0}" -v d="$DELETED" 'BEGIN { printf "%d", (l - d) * 1000 }')
check "removing the rule stops the running ping within 2 s (last reply ${AFTER_MS} ms after rule delete began)" \
    test "$AFTER_MS" -le 2000

# ---- 6. a port forward to vm1's httpd -----------------------------------------

FIP2=$(A floating ip create public -f value -c floating_ip_address)
OUT=$(A floating ip port forwarding create --internal-ip-address "$VM1IP" \
    --port "$P1" --internal-protocol-port 80 --external-protocol-port 8080 \
    --protocol tcp "$FIP2" -f json)
check "floating ip port forwarding create $FIP2:8080 -> $VM1IP:80" \
    jqt '.external_port == 8080 and .internal_port == 80' "$OUT"
check "...a second one with the same port is refused (400)" \
    sh -c "OS_PROJECT_NAME=proja OS_USERNAME=alice OS_PASSWORD=pw /usr/bin/openstack floating ip port forwarding create --internal-ip-address $VM1IP --port $P1 --internal-protocol-port 80 --external-protocol-port 8080 --protocol tcp $FIP2 2>&1 | grep -q 'BadRequest.*duplicate'"
served() { curl -s -m 2 "http://$FIP2:8080/" | grep -q "vm1 says hello"; }
check "curl $FIP2:8080 does not get through the default group" sh -c "! curl -s -m 2 http://$FIP2:8080/ >/dev/null"
A security group rule create --protocol tcp --dst-port 80 default >/dev/null
check "with TCP 80 allowed, curl $FIP2:8080 reaches vm1's httpd" wait_for 15 served

# ---- 8. kill -9 of a network agent; a bridge deleted by hand ---------------------

NS1=$(ns_of "$H1")
PIDF=$LABDIR/run/$H1-network.pid
APID=$(cat "$PIDF")
tr '\0' ' ' <"/proc/$APID/cmdline" | grep -qF "$LABDIR/nodes/$H1/network.conf" ||
    die "pid $APID from $PIDF is not $H1's gureum-network"
seqs() { console vm1 | sed -n "s/^64 bytes from $VM2IP: seq=\([0-9]*\) .*/\1/p"; }
last_seq() { seqs | tail -1; }
BRIDX=$(ip -n "$NS1" -o link show "$BR1" | cut -d: -f1)
HANDLES=$(ip netns exec "$NS1" nft -a list table inet gureum_sg | md5sum)
S0=$(last_seq)
kill -9 "$APID"
gone() { ! kill -0 "$APID" 2>/dev/null; }
wait_for 5 gone
api GET "$NET_URL/v2.0/ports/$P1/diagnostics"
check "with $H1's agent killed, vm1's diagnostics say it did not answer" \
    jqt '.port_diagnostics.dataplane.source == "last report" and (.port_diagnostics.dataplane.agent | test("did not answer"))'
lab up >"$T/up2.out" 2>&1
check "lab up starts it again" test "$(cat "$PIDF")" != "$APID"
reported() { api GET "$NET_URL/v2.0/ports/$P1/diagnostics"; jqt '.port_diagnostics.dataplane.source == "agent" and .port_diagnostics.dataplane.status == "ACTIVE"'; }
check "...it answers for vm1's port, ACTIVE" wait_for 20 reported
later() { [ "$(last_seq)" -ge $((S0 + 20)) ]; }
check "the long ping runs on (seq $S0 and 20 more)" wait_for 30 later
LOST=$(seqs | awk -v s="$S0" '$1 >= s { if (p != "" && $1 != p + 1) lost += $1 - p - 1; p = $1 } END { print lost + 0 }')
check "vm1's ping to vm2 lost no packet over the agent's kill and restart ($LOST lost)" \
    test "$LOST" = 0
check "...the bridge was not recreated (same ifindex)" \
    test "$(ip -n "$NS1" -o link show "$BR1" | cut -d: -f1)" = "$BRIDX"
check "...and the rules were not reloaded (same handles)" \
    test "$(ip netns exec "$NS1" nft -a list table inet gureum_sg | md5sum)" = "$HANDLES"
ip -n "$NS1" link del "$BR1"
back() { ip -n "$NS1" link show "$TAP1" 2>/dev/null | grep -q "master $BR1"; }
check "a bridge deleted by hand on $H1 comes back, vm1's tap on it" wait_for 12 back
why() { api GET "$NET_URL/v2.0/ports/$P1/diagnostics"; jqt ".port_diagnostics.dataplane.last_down.reason == \"bridge $BR1 does not exist\""; }
check "...and vm1's port diagnostics say why it was down meanwhile" wait_for 10 why
S1=$(last_seq)
again() { [ "$(last_seq)" -ge $((S1 + 4)) ]; }
check "...and the ping gets replies again" wait_for 20 again

# ---- 7. server delete: port, DHCP entry, rules, bridge, flood ------------------

MAC1=$(A port list --server vm1 -f value -c "MAC Address")
A server delete --wait vm1
check "server delete vm1 deletes the port it made" \
    sh -c "! OS_PROJECT_NAME=proja OS_USERNAME=alice OS_PASSWORD=pw /usr/bin/openstack port show $P1 >/dev/null 2>&1"
check "...and disassociates its floating IP" \
    test "$(A floating ip show "$FIP" -f value -c port_id)" = None
no_host() { ! grep -rqs --exclude=leases "$MAC1" "$LABDIR/nodes/$H1/network/dhcp/$NET1"; }
check "...its DHCP entry is gone from $H1" wait_for 10 no_host
no_rules() { ! ip netns exec "$NS1" nft list ruleset | grep -q "${P1:0:11}"; }
check "...and its rules" wait_for 10 no_rules
# The node left without a VM of net1: vm1's, unless the router is there.
if [ "$RH" = "$H1" ]; then
	A server delete --wait vm2
	GONE=$H2 STAYS=$H1
else
	GONE=$H1 STAYS=$H2
fi
NSG=$(ns_of "$GONE") NSS=$(ns_of "$STAYS")
no_bridge() { ! ip -n "$NSG" link show "$BR1" >/dev/null 2>&1 && ! ip -n "$NSG" link show "$VX1" >/dev/null 2>&1; }
check "the last VM of net1 on $GONE takes its bridge and $VX1 with it" wait_for 15 no_bridge
no_flood() { ! bridge -n "$NSS" fdb show dev "$VX1" | grep -q "dst $(underlay_of "$GONE") "; }
check "...and $STAYS's flood entry to $GONE" wait_for 15 no_flood
check "...while $STAYS keeps net1 (${RH:+router }on $BR1)" \
    sh -c "ip -n $NSS link show $BR1 >/dev/null 2>&1"

# ---- 9. the CLI's listings ---------------------------------------------------

quota_ok() { jqt '.ports > 0 and ."floating-ips" > 0 and .networks > 0' "$(A quota show -f json)"; }
check "openstack quota show: ports, floating IPs, networks" quota_ok
check "openstack port list" test "$(A port list -f value -c ID | wc -l)" -ge 1
check "openstack network list --external: public" \
    test "$(A network list --external -f value -c Name)" = public
check "openstack security group rule list: the default group's and ours" \
    test "$(A security group rule list -f value -c ID | wc -l)" -ge 5

# ---- down ------------------------------------------------------------------

if lab down >"$T/down.out" 2>&1; then ok "lab down"; else not_ok "lab down"; sed 's/^/#   /' "$T/down.out"; fi
check "no QEMU, dnsmasq or agent of this instance is left" \
    test -z "$(pids_referring "$LABDIR/" qemu-system-x86_64 dnsmasq gureum-network)"
finish
