#!/usr/bin/env bash
# Routers, floating IPs and port forwards through the Network v2.0 API:
# gateways on external networks only, interfaces holding the subnet's
# gateway address, floating IPs that need a router path (the refusal
# names the missing link), Neutron's 409s and 400s, and what deleting a
# port or a router does to them.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller
TOKEN=$(get_token admin "$ADMIN_PW" admin)
N=$NET_URL/v2.0
make_member alice proja
A_TOKEN=$(get_token alice pw proja)
make_member bob projb
B_TOKEN=$(get_token bob pw projb)
as_a() { TOKEN=$A_TOKEN "$@"; }
as_b() { TOKEN=$B_TOKEN "$@"; }
id_of() { jq -r ".$1.id" <<<"$BODY"; }
neutron_fault() {
	local msg
	msg=$(jq -r '.NeutronError.message // empty' <<<"$BODY" 2>/dev/null)
	if [ "$STATUS" = "$1" ] && [ -n "$msg" ] &&
	    { [ -z "${3:-}" ] || grep -Eq -- "$3" <<<"$msg"; }; then
		ok "$2 ($1: $msg)"
	else
		not_ok "$2: wanted a $1 NeutronError${3:+ matching '$3'}, got $STATUS: $BODY"
	fi
}

api POST "$N/networks" '{"network":{"name":"public","router:external":true,"provider:network_type":"flat","provider:physical_network":"public"}}'
PUB=$(id_of network)
api POST "$N/subnets" "{\"subnet\":{\"network_id\":\"$PUB\",\"cidr\":\"172.24.4.0/24\",\"ip_version\":4,\"enable_dhcp\":false,\"allocation_pools\":[{\"start\":\"172.24.4.100\",\"end\":\"172.24.4.200\"}]}}"
as_a api POST "$N/networks" '{"network":{"name":"net1"}}'
NET1=$(id_of network)
as_a api POST "$N/subnets" "{\"subnet\":{\"name\":\"sub1\",\"network_id\":\"$NET1\",\"cidr\":\"10.0.0.0/24\",\"ip_version\":4}}"
SUB1=$(id_of subnet)
as_a api POST "$N/ports" "{\"port\":{\"network_id\":\"$NET1\",\"device_id\":\"vm1\",\"device_owner\":\"compute:nova\"}}"
VMP=$(id_of port)
VMIP=$(jq -r '.port.fixed_ips[0].ip_address' <<<"$BODY")

# ---- a floating IP without a router path ----
as_a api POST "$N/floatingips" "{\"floatingip\":{\"floating_network_id\":\"$PUB\"}}"
expect 201 "floating ip create public"
FIP=$(id_of floatingip)
FIPADDR=$(jq -r .floatingip.floating_ip_address <<<"$BODY")
check "the address comes from the pool, DOWN, unassociated" jqt \
    '.floatingip | .floating_ip_address == "172.24.4.100" and .status == "DOWN" and .port_id == null and .port_forwardings == []'
as_a api PUT "$N/floatingips/$FIP" "{\"floatingip\":{\"port_id\":\"$VMP\"}}"
neutron_fault 404 "associating without a router: 404 naming the subnet" "subnet sub1 .*has no router"
as_a api POST "$N/floatingips" "{\"floatingip\":{\"floating_network_id\":\"$NET1\"}}"
neutron_fault 400 "a floating IP on an internal network" "not a valid external network"

# ---- routers ----
as_a api POST "$N/routers" '{"router":{"name":"r1","admin_state_up":true}}'
expect 201 "router create r1"
R1=$(id_of router)
check "no gateway yet, routes a list" jqt '.router.external_gateway_info == null and .router.routes == [] and .router.status == "ACTIVE"'
as_a api PUT "$N/routers/$R1/add_router_interface" "{\"subnet_id\":\"$SUB1\"}"
expect 200 "router add subnet r1 sub1"
check "the interface answer has Neutron's keys" jqt \
    ".id == \"$R1\" and .subnet_id == \"$SUB1\" and .subnet_ids == [\"$SUB1\"] and .network_id == \"$NET1\" and (.port_id | length) == 36"
IFP=$(jq -r .port_id <<<"$BODY")
as_a api GET "$N/ports/$IFP"
check "the interface holds the subnet's gateway address" jqt \
    '.port.fixed_ips[0].ip_address == "10.0.0.1" and .port.device_owner == "network:router_interface"'
as_a api PUT "$N/routers/$R1/add_router_interface" "{\"subnet_id\":\"$SUB1\"}"
neutron_fault 400 "a second interface on the same subnet" "already has a port on subnet"
as_a api PUT "$N/floatingips/$FIP" "{\"floatingip\":{\"port_id\":\"$VMP\"}}"
neutron_fault 404 "a router without a gateway: 404 naming it" "has no gateway on that network"
as_a api PUT "$N/routers/$R1" "{\"router\":{\"external_gateway_info\":{\"network_id\":\"$NET1\"}}}"
neutron_fault 400 "a gateway on an internal network" "is not an external network"
as_a api PUT "$N/routers/$R1" "{\"router\":{\"external_gateway_info\":{\"network_id\":\"$PUB\"}}}"
expect 200 "router set --external-gateway public r1"
check "the gateway has an external address and SNAT" jqt \
    ".router.external_gateway_info.network_id == \"$PUB\" and .router.external_gateway_info.enable_snat == true and (.router.external_gateway_info.external_fixed_ips[0].ip_address | startswith(\"172.24.4.\"))"
as_a api GET "$N/ports"
check "the gateway port is no tenant's: not in alice's port list" jqt '[.ports[].device_owner] | index("network:router_gateway") == null'
as_a api DELETE "$N/ports/$IFP"
neutron_fault 409 "an interface port cannot be deleted through the port API" "cannot be deleted directly"

# ---- association ----
as_a api PUT "$N/floatingips/$FIP" "{\"floatingip\":{\"port_id\":\"$VMP\"}}"
expect 200 "server add floating ip (the CLI's PUT)"
check "associated: port, fixed IP, router, ACTIVE, port details" jqt \
    ".floatingip | .port_id == \"$VMP\" and .fixed_ip_address == \"$VMIP\" and .router_id == \"$R1\" and .status == \"ACTIVE\" and .port_details.device_id == \"vm1\""
as_a api POST "$N/floatingips" "{\"floatingip\":{\"floating_network_id\":\"$PUB\",\"port_id\":\"$VMP\"}}"
neutron_fault 409 "a second floating IP on the same fixed IP" "already has a floating IP"
check "the refused floating IP left no port and no address" test \
    "$(psql_q "SELECT count(*) FROM ports WHERE device_owner = 'network:floatingip'")" = 1
as_b api PUT "$N/floatingips/$FIP" '{"floatingip":{"port_id":null}}'
neutron_fault 404 "another project's floating IP is 404"
as_a api PUT "$N/routers/$R1" '{"router":{"external_gateway_info":{}}}'
neutron_fault 409 "clearing a gateway floating IPs use" "required by one or more floating IPs"
as_a api PUT "$N/routers/$R1/remove_router_interface" "{\"subnet_id\":\"$SUB1\"}"
neutron_fault 409 "removing an interface a floating IP needs" "required by one or more floating IPs"
as_a api DELETE "$N/routers/$R1"
neutron_fault 409 "deleting a router with interfaces" "still has ports"

# ---- port forwards ----
as_a api POST "$N/floatingips" "{\"floatingip\":{\"floating_network_id\":\"$PUB\"}}"
FIP2=$(id_of floatingip)
PF_BODY="{\"port_forwarding\":{\"external_port\":8080,\"internal_ip_address\":\"$VMIP\",\"protocol\":\"tcp\",\"internal_port\":80,\"internal_port_id\":\"$VMP\"}}"
as_a api POST "$N/floatingips/$FIP2/port_forwardings" "$PF_BODY"
expect 201 "port forwarding create as the CLI sends it"
PF=$(id_of port_forwarding)
check "the forward with its ranges" jqt '.port_forwarding | .external_port == 8080 and .internal_port == 80 and .internal_port_range == "80:80" and .external_port_range == "8080:8080"'
as_a api POST "$N/floatingips/$FIP2/port_forwardings" "$PF_BODY"
neutron_fault 400 "a duplicate forward is 400" "duplicate port forwarding entry"
as_a api GET "$N/floatingips/$FIP2"
check "the floating IP shows its forward and its router" jqt ".floatingip.port_forwardings[0].id == \"$PF\" and .floatingip.router_id == \"$R1\""
as_a api PUT "$N/floatingips/$FIP2" "{\"floatingip\":{\"port_id\":\"$VMP\"}}"
neutron_fault 400 "binding a floating IP that has forwards" "port forwarding"
as_a api POST "$N/floatingips/$FIP/port_forwardings" "$PF_BODY"
neutron_fault 409 "a forward on a port-bound floating IP" "bound to a port"
as_a api POST "$N/floatingips/$FIP2/port_forwardings" "{\"port_forwarding\":{\"external_port\":2222,\"internal_ip_address\":\"10.0.0.99\",\"protocol\":\"tcp\",\"internal_port\":22,\"internal_port_id\":\"$VMP\"}}"
neutron_fault 400 "an internal IP that is not the port's" "does not belong"
as_a api DELETE "$N/floatingips/$FIP2"
neutron_fault 409 "deleting a floating IP with forwards" "port forwarding"
as_a api GET "$N/floatingips/$FIP2/port_forwardings"
check "forward list" jqt '.port_forwardings | length == 1'
as_a api DELETE "$N/floatingips/$FIP2/port_forwardings/$PF"
expect 204 "forward delete"
as_a api DELETE "$N/floatingips/$FIP2"
expect 204 "floating ip delete"
check "its external port went with it" test \
    "$(psql_q "SELECT count(*) FROM ports WHERE device_owner = 'network:floatingip'")" = 1

# ---- deleting the VM's port ----
as_a api DELETE "$N/ports/$VMP"
expect 204 "the VM's port deletes"
as_a api GET "$N/floatingips/$FIP"
check "its floating IP stays the project's, disassociated and DOWN" jqt \
    '.floatingip | .port_id == null and .fixed_ip_address == null and .router_id == null and .status == "DOWN"'
as_a api PUT "$N/routers/$R1/remove_router_interface" "{\"subnet_id\":\"$SUB1\"}"
expect 200 "router remove subnet"
as_a api PUT "$N/routers/$R1/remove_router_interface" "{\"subnet_id\":\"$SUB1\"}"
neutron_fault 404 "removing it again" "does not have an interface"
as_a api DELETE "$N/routers/$R1"
expect 204 "router delete, its gateway port with it"
check "no router port is left" test \
    "$(psql_q "SELECT count(*) FROM ports WHERE device_owner LIKE 'network:router%'")" = 0
finish
