#!/usr/bin/env bash
# Servers on tenant networks, as Nova wires them, without a dataplane:
# server create --network / --nic port-id / no network (the project's
# one network), its ports made with the server's device_id, bound to the
# chosen node with a DHCP port there; addresses, /ips and os-interface;
# refusals that make nothing; a node without a network agent fails the
# boot with a sentence; delete removes made ports, unbinds given ones and
# disassociates their floating IPs. (91_server_networks boots guests on a
# real dataplane.)
. "$(dirname "$0")/../lib/harness.sh"

CONTROLLER_EXTRA="vif_plugging_timeout = 5"
start_cloud
start_compute node1
wait_node_up
make_image gureum-tiny '"visibility":"public"'
make_flavor m1.tiny 1 128 1
N=$NET_URL/v2.0
S=$CP_URL/v2.1/servers
make_member alice proja
A_TOKEN=$(get_token alice pw proja)
as_a() { TOKEN=$A_TOKEN "$@"; }
use_openstack_cli
export OS_USERNAME=alice OS_PASSWORD=pw OS_PROJECT_NAME=proja
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
rows() { psql_q "SELECT count(*) FROM $1"; }

# No network at all: a server keeps QEMU's user-mode NIC (as before).
as_a api POST "$N/networks" '{"network":{"name":"net1"}}'
NET1=$(jq -r .network.id <<<"$BODY")
as_a api POST "$N/subnets" "{\"subnet\":{\"name\":\"sub1\",\"network_id\":\"$NET1\",\"cidr\":\"10.0.0.0/24\",\"ip_version\":4}}"
SUB1=$(jq -r .subnet.id <<<"$BODY")

# ---- create on a network ----
OUT=$(os server create --flavor m1.tiny --image gureum-tiny --network net1 vm1 -f json)
VM1=$(jq -r .id <<<"$OUT")
check "server create --network net1 is accepted" test -n "$VM1" -a "$VM1" != null || cat "$T/os.err"
OUT=$(os port list --server vm1 -f json)
check "port list --server vm1: one port with a MAC and the first address" jqt \
    'length == 1 and (.[0]."MAC Address" | test("^fa:16:3e")) and (.[0]."Fixed IP Addresses" | tostring | test("10.0.0.2"))' "$OUT" ||
    { echo "$OUT"; cat "$T/os.err"; }
P1=$(jq -r '.[0].ID' <<<"$OUT")
MAC1=$(jq -r '.[0]."MAC Address"' <<<"$OUT")
api GET "$N/ports/$P1"
check "the port is the server's (compute:nova), bound to the node" jqt \
    ".port.device_id == \"$VM1\" and .port.device_owner == \"compute:nova\" and .port.\"binding:host_id\" == \"node1\""
api GET "$N/ports?device_owner=network:dhcp"
check "the node got a DHCP port on net1" jqt \
    ".ports | length == 1 and .[0].\"binding:host_id\" == \"node1\" and .[0].network_id == \"$NET1\" and .[0].device_id == \"dhcp-node1\""
as_a api GET "$S/$VM1"
check "addresses: net1 with addr, version, type fixed and the MAC" jqt \
    ".server.addresses == {\"net1\":[{\"version\":4,\"addr\":\"10.0.0.2\",\"OS-EXT-IPS:type\":\"fixed\",\"OS-EXT-IPS-MAC:mac_addr\":\"$MAC1\"}]}"
check "security_groups: the default group" jqt '.server.security_groups == [{"name":"default"}]'
failed() { as_a api GET "$S/$VM1"; jqt '.server.status == "ERROR"'; }
check "without a network agent on its node the boot fails" wait_for 30 failed
check "and the fault says the node's network could not be set up" jqt \
    '.server.fault.message | test("network on node node1") and test("no reachable network agent")'
as_a api GET "$S/$VM1/ips"
check "/ips: only version and addr" jqt '.addresses == {"net1":[{"version":4,"addr":"10.0.0.2"}]}'
as_a api GET "$S/$VM1/ips/net1"
check "/ips/net1" jqt '.net1 == [{"version":4,"addr":"10.0.0.2"}]'
as_a api GET "$S/$VM1/ips/nope"
check "/ips/nope is 404" test "$STATUS" = 404
as_a api GET "$S/$VM1/os-interface"
check "os-interface list: exactly Nova's keys" jqt \
    ".interfaceAttachments == [{\"net_id\":\"$NET1\",\"port_id\":\"$P1\",\"mac_addr\":\"$MAC1\",\"port_state\":\"DOWN\",\"fixed_ips\":[{\"subnet_id\":\"$SUB1\",\"ip_address\":\"10.0.0.2\"}]}]"
as_a api GET "$S/$VM1/os-interface/$P1"
check "os-interface show" jqt ".interfaceAttachment.port_id == \"$P1\""

# ---- a given port, a fixed IP, no network (the project's one) ----
as_a api POST "$N/ports" "{\"port\":{\"network_id\":\"$NET1\",\"name\":\"mine\"}}"
MINE=$(jq -r .port.id <<<"$BODY")
OUT=$(os server create --flavor m1.tiny --image gureum-tiny --nic port-id=$MINE vm2 -f json)
VM2=$(jq -r .id <<<"$OUT")
api GET "$N/ports/$MINE"
check "--nic port-id: the given port becomes the server's" jqt ".port.device_id == \"$VM2\" and .port.device_owner == \"compute:nova\""
OUT=$(os server create --flavor m1.tiny --image gureum-tiny vm3 -f json)
VM3=$(jq -r .id <<<"$OUT")
as_a api GET "$S/$VM3"
check "no --network: the project's one network is used (Nova's auto)" jqt '.server.addresses | keys == ["net1"]'
OUT=$(os server create --flavor m1.tiny --image gureum-tiny --nic net-id=$NET1,v4-fixed-ip=10.0.0.77 vm4 -f json)
VM4=$(jq -r .id <<<"$OUT")
as_a api GET "$S/$VM4/ips"
check "--nic v4-fixed-ip: that address" jqt '.addresses.net1[0].addr == "10.0.0.77"'

# ---- refusals make nothing ----
servers=$(psql_q "SELECT count(*) FROM instances WHERE NOT deleted")
ports=$(rows ports)
bad_create() {	# STATUS DESCRIPTION REGEX NETWORKS-JSON [EXTRA-MEMBERS]
	as_a api POST "$S" "{\"server\":{\"name\":\"bad\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\",\"networks\":$4${5:+,$5}}}"
	local msg
	msg=$(jq -r '.[].message' <<<"$BODY" 2>/dev/null)
	if [ "$STATUS" = "$1" ] && grep -Eq -- "$3" <<<"$msg"; then ok "$2 ($1: $msg)"
	else not_ok "$2: wanted $1 matching '$3', got $STATUS: $BODY"; fi
}
bad_create 400 "a network id that is no UUID" "network uuid is not in proper format" '[{"uuid":"net1"}]'
bad_create 400 "an unknown network" "could not be found" '[{"uuid":"0b0b0b0b-0000-4000-8000-000000000000"}]'
bad_create 409 "a port in use" "still in use" "[{\"port\":\"$P1\"}]"
bad_create 400 "a port and a fixed IP" "may not be given together" "[{\"port\":\"$MINE\",\"fixed_ip\":\"10.0.0.9\"}]"
bad_create 400 "a fixed IP in use" "already allocated" "[{\"uuid\":\"$NET1\",\"fixed_ip\":\"10.0.0.77\"}]"
bad_create 400 "an unknown security group" "Security group nope not found" "[{\"uuid\":\"$NET1\"}]" '"security_groups":[{"name":"nope"}]'
check "no refused server and no port were left behind" \
    test "$(psql_q "SELECT count(*) FROM instances WHERE NOT deleted")/$(rows ports)" = "$servers/$ports"
as_a api POST "$N/networks" '{"network":{"name":"net2"}}'
as_a api POST "$S" "{\"server\":{\"name\":\"amb\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\"}}"
check "two networks and none chosen: 409 NetworkAmbiguous" \
    test "$STATUS/$(jq -r '.[].message' <<<"$BODY" | grep -c 'Multiple possible networks')" = 409/1
as_a api POST "$S" "{\"server\":{\"name\":\"nonet\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\",\"networks\":\"none\"}}" \
	    -H "OpenStack-API-Version: compute 2.37"
VM5=$(jq -r .server.id <<<"$BODY")
as_a api GET "$S/$VM5"
check "networks none: no addresses" jqt '.server.addresses == {}'

# ---- diagnostics: why vm1 cannot be reached ----
as_a api GET "$N/ports/$P1/diagnostics"
check "diagnostics: no node agent answered, so its last report is shown" jqt \
    '.port_diagnostics | .host == "node1" and .dataplane.source == "last report" and (.dataplane.agent | test("did not answer"))'
check "...and the reason is the missing router" jqt '.port_diagnostics.reason | test("subnet sub1 of 10.0.0.2 has no router")'
api GET "$N/extensions/gureum-port-diagnostics"
check "the diagnostics are an extension of their own" test "$STATUS" = 200

# ---- a floating IP on vm1, then delete ----
api POST "$N/networks" '{"network":{"name":"public","router:external":true,"provider:network_type":"flat","provider:physical_network":"public"}}'
PUB=$(jq -r .network.id <<<"$BODY")
api POST "$N/subnets" "{\"subnet\":{\"network_id\":\"$PUB\",\"cidr\":\"172.24.4.0/24\",\"ip_version\":4,\"enable_dhcp\":false}}"
os router create r1 >/dev/null
os router set --external-gateway public r1
os router add subnet r1 sub1
FIP=$(os floating ip create public -f value -c floating_ip_address)
os server add floating ip vm1 "$FIP"
check "server add floating ip vm1 (through ports?device_id=)" \
    test "$(os floating ip show "$FIP" -f value -c port_id)" = "$P1" || cat "$T/os.err"
as_a api GET "$S/$VM1"
check "the floating address follows the fixed one under net1" jqt \
    ".server.addresses.net1 | length == 2 and .[1].addr == \"$FIP\" and .[1].\"OS-EXT-IPS:type\" == \"floating\""
as_a api GET "$N/ports/$P1/diagnostics"
check "diagnostics: router, gateway and floating IP are there..." jqt \
    '[.port_diagnostics.reachability[] | select(.check == "router" or .check == "gateway" or .check == "floating_ip") | .ok] == [true,true,true]'
check "...and a ping to the floating IP fails for want of an ICMP rule" jqt \
    '.port_diagnostics.reason | test("no rule of its groups admits ICMP echo")'
os security group rule create --protocol icmp default >/dev/null
as_a api GET "$N/ports/$P1/diagnostics"
check "with the ICMP rule the check passes" jqt \
    '.port_diagnostics.reachability[] | select(.check == "icmp_ingress") | .ok'
os server delete vm1 vm2
gone() { ! psql_q "SELECT 1 FROM instances WHERE id = '$VM1' AND NOT deleted" | grep -q 1; }
check "vm1 is deleted" wait_for 30 gone
deleted2() { ! psql_q "SELECT 1 FROM instances WHERE id = '$VM2' AND NOT deleted" | grep -q 1; }
wait_for 30 deleted2
api GET "$N/ports/$P1"
check "the port the create made is deleted with the server" test "$STATUS" = 404
api GET "$N/ports/$MINE"
check "the given port stays, unbound" jqt '.port.device_id == "" and .port.device_owner == "" and .port."binding:host_id" == ""'
check "vm1's floating IP stays, disassociated" test "$(os floating ip show "$FIP" -f value -c port_id)" = None
os server delete vm3 vm4 vm5
last() { test "$(psql_q "SELECT count(*) FROM ports WHERE device_owner LIKE 'compute:%'")" = 0; }
check "the servers' ports are gone" wait_for 30 last
check "with the network's last port on node1, its DHCP port goes too" \
    test "$(psql_q "SELECT count(*) FROM ports WHERE device_owner = 'network:dhcp'")" = 0
finish
