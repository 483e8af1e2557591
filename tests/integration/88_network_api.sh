#!/usr/bin/env bash
# The Network v2.0 API with curl+jq: versions and extensions; networks,
# subnets (defaults, normalised CIDRs, pools, every refusal of Neutron's
# table), ports (IPAM, MACs, security groups, fields= and filters),
# security groups and rules, quotas; IPAM under 40 concurrent clients;
# refused requests leave nothing behind; other projects' ids are 404.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller
ADMIN_TOKEN=$(get_token admin "$ADMIN_PW" admin)
TOKEN=$ADMIN_TOKEN
N=$NET_URL/v2.0
make_member alice proja
PA=$MEMBER_PROJECT
make_member bob projb
PB=$MEMBER_PROJECT
A_TOKEN=$(get_token alice pw proja)
B_TOKEN=$(get_token bob pw projb)
[ -n "$A_TOKEN" ] && [ -n "$B_TOKEN" ] || die "no member tokens"
as_a() { TOKEN=$A_TOKEN "$@"; }
as_b() { TOKEN=$B_TOKEN "$@"; }
rows() { psql_q "SELECT count(*) FROM $1"; }
# neutron_fault STATUS DESCRIPTION [MESSAGE-REGEX]
neutron_fault() {
	local msg
	msg=$(jq -r '.NeutronError.message // empty' <<<"$BODY" 2>/dev/null)
	if [ "$STATUS" = "$1" ] && [ -n "$msg" ] &&
	    jqt '.NeutronError | has("type") and .detail == ""' &&
	    { [ -z "${3:-}" ] || grep -Eq -- "$3" <<<"$msg"; }; then
		ok "$2 ($1: $msg)"
	else
		not_ok "$2: wanted a $1 NeutronError${3:+ matching '$3'}, got $STATUS: $BODY"
	fi
}

# ---- versions, extensions ----
TOKEN= api GET "$NET_URL/"
check "GET / answers the versions document without a token" jqt \
    '.versions == [{"id":"v2.0","status":"CURRENT","links":[{"rel":"self","href":"'"$NET_URL"'/v2.0/"}]}]'
api GET "$N/extensions"
check "extensions carry alias, name, description, updated, links" jqt \
    '(.extensions | length) > 5 and all(.extensions[]; keys == ["alias","description","links","name","updated"])'
check "security-group, quotas, external-net, port-security are listed" jqt \
    '[.extensions[].alias] | contains(["security-group","quotas","external-net","port-security","net-mtu"])'
api GET "$N/extensions/tag-ports-during-bulk-creation"
neutron_fault 404 "bulk-creation tagging is not claimed (the CLI then sends plain creates)"
api GET "$N/extensions/quotas"
check "an extension shows by alias" jqt '.extension.alias == "quotas"'
TOKEN= api GET "$N/networks"
check "no token: 401" test "$STATUS" = 401

# ---- networks ----
as_a api POST "$N/networks" '{"network":{"name":"net1","admin_state_up":true}}'
expect 201 "a member creates net1 as the CLI sends it"
NET1=$(jq -r .network.id <<<"$BODY")
check "net1: ACTIVE, mtu 1450, not shared, internal, no subnets yet" jqt \
    '.network | .status == "ACTIVE" and .mtu == 1450 and .shared == false and ."router:external" == false and .subnets == [] and .admin_state_up == true and .port_security_enabled == true'
check "a member does not see the provider attributes" jqt '.network | has("provider:segmentation_id") | not'
check "project_id and tenant_id are the member's" jqt ".network.project_id == \"$PA\" and .network.tenant_id == \"$PA\""
api GET "$N/networks/$NET1"
check "the admin sees the VNI" jqt '.network."provider:network_type" == "vxlan" and (.network."provider:segmentation_id" | type) == "number"'
VNI1=$(jq -r '.network."provider:segmentation_id"' <<<"$BODY")
as_a api POST "$N/networks" '{"network":{"name":"shared1","shared":true}}'
neutron_fault 403 "a member may not make a shared network"
as_a api POST "$N/networks" '{"network":{"name":"x","colour":"red"}}'
neutron_fault 400 "an unknown attribute is refused" "Unrecognized attribute\\(s\\) 'colour'"
as_a api POST "$N/networks" '{"network":{"name":"x","mtu":1500}}'
neutron_fault 400 "an MTU above the overlay's 1450 is refused" "maximum is 1450"
as_a api POST "$N/networks" '{"networks":{"name":"x"}}'
neutron_fault 400 "a body without the network object"
api POST "$N/networks" '{"network":{"name":"public","router:external":true,"provider:network_type":"flat","provider:physical_network":"public"}}'
expect 201 "the admin makes a flat external network"
PUB=$(jq -r .network.id <<<"$BODY")
check "flat: mtu 1500, no VNI, external" jqt '.network | .mtu == 1500 and ."provider:segmentation_id" == null and ."router:external" == true'
api POST "$N/networks" '{"network":{"name":"public2","provider:network_type":"flat","provider:physical_network":"public"}}'
neutron_fault 409 "a physical network takes one flat network"
api POST "$N/networks" '{"network":{"name":"shared","shared":true}}'
SHARED=$(jq -r .network.id <<<"$BODY")
as_b api GET "$N/networks"
check "bob sees the shared and the external network, not alice's" jqt \
    "[.networks[].id] | sort == ([\"$PUB\",\"$SHARED\"] | sort)"
as_b api GET "$N/networks?router%3Aexternal=True"
check "router:external=True lists only external networks" jqt "[.networks[].name] == [\"public\"]"
as_b api GET "$N/networks/$NET1"
neutron_fault 404 "alice's network is 404 to bob"
as_b api DELETE "$N/networks/$SHARED"
neutron_fault 403 "bob may not delete the admin's shared network"
as_a api GET "$N/networks?name=net1&fields=id&fields=name"
check "fields= gives exactly those keys" jqt ".networks == [{\"id\":\"$NET1\",\"name\":\"net1\"}]"
as_a api PUT "$N/networks/$NET1" '{"network":{"description":"the first"}}'
check "PUT echoes and bumps the revision" jqt '.network.description == "the first" and .network.revision_number == 2'
as_a api GET "$N/networks/not-a-uuid"
neutron_fault 404 "a non-UUID id is 404"

# ---- subnets ----
as_a api POST "$N/subnets" "{\"subnet\":{\"name\":\"sub1\",\"cidr\":\"10.0.0.0/24\",\"network_id\":\"$NET1\",\"ip_version\":4}}"
expect 201 "subnet create as the CLI sends it"
SUB1=$(jq -r .subnet.id <<<"$BODY")
check "defaults: gateway .1, pool .2-.254, DHCP on, lists" jqt \
    '.subnet | .gateway_ip == "10.0.0.1" and .allocation_pools == [{"start":"10.0.0.2","end":"10.0.0.254"}] and .enable_dhcp == true and .dns_nameservers == [] and .host_routes == [] and .cidr == "10.0.0.0/24"'
as_a api GET "$N/networks/$NET1"
check "the network lists its subnet" jqt ".network.subnets == [\"$SUB1\"]"
as_a api POST "$N/subnets" "{\"subnet\":{\"cidr\":\"10.0.0.128/25\",\"network_id\":\"$NET1\",\"ip_version\":4}}"
neutron_fault 400 "an overlapping subnet on the same network" "overlaps with another subnet"
as_a api POST "$N/networks" '{"network":{"name":"net2"}}'
NET2=$(jq -r .network.id <<<"$BODY")
as_a api POST "$N/subnets" "{\"subnet\":{\"cidr\":\"10.0.0.77/24\",\"network_id\":\"$NET2\",\"ip_version\":4,\"gateway_ip\":null,\"dns_nameservers\":[\"8.8.8.8\"],\"host_routes\":[{\"destination\":\"192.168.5.9/16\",\"nexthop\":\"10.9.9.9\"}]}}"
expect 201 "the same CIDR on another network, no gateway"
SUB2=$(jq -r .subnet.id <<<"$BODY")
check "CIDR normalised, null gateway kept, pool .1-.254, routes normalised" jqt \
    '.subnet | .cidr == "10.0.0.0/24" and .gateway_ip == null and .allocation_pools == [{"start":"10.0.0.1","end":"10.0.0.254"}] and .dns_nameservers == ["8.8.8.8"] and .host_routes == [{"destination":"192.168.0.0/16","nexthop":"10.9.9.9"}]'
bad_subnet() {	# STATUS DESCRIPTION REGEX JSON-MEMBERS
	as_a api POST "$N/subnets" "{\"subnet\":{\"network_id\":\"$NET2\",\"ip_version\":4,$4}}"
	neutron_fault "$1" "$2" "$3"
}
bad_subnet 400 "cidr foo" "'foo' is not a valid IP subnet" '"cidr":"foo"'
bad_subnet 400 "cidr without a prefix" "not a valid IP subnet" '"cidr":"10.1.0.0"'
bad_subnet 400 "a /0" "0 is not allowed as CIDR prefix length" '"cidr":"0.0.0.0/0"'
bad_subnet 400 "a /32 with DHCP" "incompatible with DHCP" '"cidr":"10.1.0.1/32"'
bad_subnet 400 "the gateway at the network address" "Gateway is not valid" '"cidr":"10.1.0.0/24","gateway_ip":"10.1.0.0"'
bad_subnet 409 "the gateway inside a pool" "conflicts with allocation pool" '"cidr":"10.1.0.0/24","gateway_ip":"10.1.0.50","allocation_pools":[{"start":"10.1.0.10","end":"10.1.0.100"}]'
bad_subnet 400 "a pool outside the CIDR" "spans beyond" '"cidr":"10.1.0.0/24","allocation_pools":[{"start":"10.1.0.10","end":"10.1.1.5"}]'
bad_subnet 409 "overlapping pools" "overlapping allocation pools" '"cidr":"10.1.0.0/24","allocation_pools":[{"start":"10.1.0.10","end":"10.1.0.20"},{"start":"10.1.0.15","end":"10.1.0.30"}]'
bad_subnet 400 "a pool that ends before it starts" "start is after its end" '"cidr":"10.1.0.0/24","allocation_pools":[{"start":"10.1.0.30","end":"10.1.0.20"}]'
bad_subnet 400 "six DNS servers" "exceeds the limit 5" '"cidr":"10.1.0.0/24","dns_nameservers":["1.1.1.1","1.1.1.2","1.1.1.3","1.1.1.4","1.1.1.5","1.1.1.6"]'
as_a api POST "$N/subnets" "{\"subnet\":{\"network_id\":\"$NET2\",\"ip_version\":6,\"cidr\":\"fd00::/64\"}}"
neutron_fault 400 "IPv6" "IPv4 subnets only"
check "no refused subnet was stored" test "$(rows subnets)" = 2
as_b api POST "$N/subnets" "{\"subnet\":{\"cidr\":\"10.5.0.0/24\",\"network_id\":\"$NET1\",\"ip_version\":4}}"
neutron_fault 404 "bob cannot add a subnet to alice's network"
as_a api PUT "$N/subnets/$SUB1" '{"subnet":{"name":"sub1b","dns_nameservers":["9.9.9.9"]}}'
check "subnet update: name and DNS" jqt '.subnet.name == "sub1b" and .subnet.dns_nameservers == ["9.9.9.9"] and .subnet.gateway_ip == "10.0.0.1"'

# ---- ports ----
as_a api POST "$N/ports" "{\"port\":{\"name\":\"p1\",\"network_id\":\"$NET1\",\"admin_state_up\":true}}"
expect 201 "port create as the CLI sends it"
P1=$(jq -r .port.id <<<"$BODY")
check "p1: the lowest pool address, a fa:16:3e MAC, DOWN, the default group" jqt \
    ".port | .fixed_ips == [{\"subnet_id\":\"$SUB1\",\"ip_address\":\"10.0.0.2\"}] and (.mac_address | test(\"^fa:16:3e(:[0-9a-f]{2}){3}$\")) and .status == \"DOWN\" and (.security_groups | length) == 1 and .port_security_enabled == true and .device_id == \"\""
MAC1=$(jq -r .port.mac_address <<<"$BODY")
as_a api GET "$N/security-groups?name=default"
check "the project's default group exists, with Neutron's four rules" jqt \
    '(.security_groups | length) == 1 and (.security_groups[0].security_group_rules | length) == 4'
DEF_A=$(jq -r '.security_groups[0].id' <<<"$BODY")
check "the default group's ingress rules allow only the group itself" jqt \
    "[.security_groups[0].security_group_rules[] | select(.direction == \"ingress\") | .remote_group_id] == [\"$DEF_A\",\"$DEF_A\"]"
as_a api GET "$N/ports/$P1"
check "p1 is in the default group" jqt ".port.security_groups == [\"$DEF_A\"]"
as_a api POST "$N/ports" "{\"port\":{\"network_id\":\"$NET1\",\"fixed_ips\":[{\"subnet_id\":\"$SUB1\",\"ip_address\":\"10.0.0.50\"}],\"mac_address\":\"FA:16:3E:00:00:50\",\"device_id\":\"vm-x\"}}"
expect 201 "a port with a fixed IP and a MAC"
P50=$(jq -r .port.id <<<"$BODY")
check "the fixed IP and the lower-cased MAC" jqt '.port.fixed_ips[0].ip_address == "10.0.0.50" and .port.mac_address == "fa:16:3e:00:00:50"'
bad_port() {	# STATUS DESCRIPTION REGEX JSON-MEMBERS
	as_a api POST "$N/ports" "{\"port\":{\"network_id\":\"$NET1\",$4}}"
	neutron_fault "$1" "$2" "$3"
}
before=$(rows ports)
bad_port 409 "a fixed IP in use" "already allocated" '"fixed_ips":[{"ip_address":"10.0.0.50"}]'
bad_port 400 "a fixed IP outside every subnet" "not a valid IP for any of the subnets" '"fixed_ips":[{"ip_address":"10.9.0.5"}]'
bad_port 400 "a fixed IP outside its subnet" "not a valid IP for the specified subnet" "\"fixed_ips\":[{\"subnet_id\":\"$SUB1\",\"ip_address\":\"10.0.0.255\"}]"
bad_port 409 "the gateway as a VM's fixed IP" "gateway" '"fixed_ips":[{"ip_address":"10.0.0.1"}]'
bad_port 409 "a duplicate MAC" "mac address fa:16:3e:00:00:50 is in use" '"mac_address":"fa:16:3e:00:00:50"'
bad_port 400 "a multicast MAC" "not a valid unicast MAC" '"mac_address":"01:00:5e:00:00:01"'
bad_port 404 "an unknown security group" "does not exist" '"security_groups":["0b0b0b0b-0000-4000-8000-000000000000"]'
bad_port 400 "port security off with groups" "Cannot disable port security" "\"port_security_enabled\":false,\"security_groups\":[\"$DEF_A\"]"
bad_port 403 "a member binding a host" "only by an admin" '"binding:host_id":"node1"'
bad_port 400 "an unknown attribute" "Unrecognized attribute" '"speed":10'
check "no refused port was stored, no address held" test "$(rows ports)/$(rows ip_allocations)" = "$before/2"
as_a api POST "$N/ports" "{\"port\":{\"network_id\":\"$NET1\",\"port_security_enabled\":false}}"
check "port security off: no groups" jqt '.port.port_security_enabled == false and .port.security_groups == []'
as_a api GET "$N/ports?fields=id&fields=name&fields=mac_address&fields=fixed_ips&fields=status&device_id=vm-x"
check "port list --server: the filter and exactly the CLI's fields" jqt \
    ".ports | length == 1 and .[0].id == \"$P50\" and (.[0] | keys == [\"fixed_ips\",\"id\",\"mac_address\",\"name\",\"status\"])"
as_a api GET "$N/ports?fixed_ips=ip_address%3D10.0.0.2"
check "fixed_ips=ip_address=A finds p1" jqt "[.ports[].id] == [\"$P1\"]"
as_b api GET "$N/ports/$P1"
neutron_fault 404 "alice's port is 404 to bob"
as_b api POST "$N/ports" "{\"port\":{\"network_id\":\"$NET1\"}}"
neutron_fault 404 "bob cannot put a port on alice's network"
as_b api POST "$N/ports" "{\"port\":{\"network_id\":\"$PUB\"}}"
neutron_fault 403 "a member cannot put a port on a non-shared external network"
as_a api PUT "$N/ports/$P1" '{"port":{"name":"renamed","fixed_ips":[{"ip_address":"10.0.0.60"}]}}'
check "port update: name and a new fixed IP" jqt '.port.name == "renamed" and .port.fixed_ips[0].ip_address == "10.0.0.60"'
as_a api POST "$N/ports" "{\"port\":{\"network_id\":\"$NET1\"}}"
check "the freed address .2 is handed out again, lowest first" jqt '.port.fixed_ips[0].ip_address == "10.0.0.2"'

# Exhausting a pool: a /29 with a 2-address pool.
as_a api POST "$N/networks" '{"network":{"name":"tiny"}}'
TINY=$(jq -r .network.id <<<"$BODY")
as_a api POST "$N/subnets" "{\"subnet\":{\"cidr\":\"10.7.0.0/29\",\"network_id\":\"$TINY\",\"ip_version\":4,\"allocation_pools\":[{\"start\":\"10.7.0.2\",\"end\":\"10.7.0.3\"}]}}"
TINYSUB=$(jq -r .subnet.id <<<"$BODY")
as_a api POST "$N/ports" "{\"port\":{\"network_id\":\"$TINY\"}}"
as_a api POST "$N/ports" "{\"port\":{\"network_id\":\"$TINY\"}}"
before=$(rows ports)
as_a api POST "$N/ports" "{\"port\":{\"network_id\":\"$TINY\"}}"
neutron_fault 409 "an exhausted pool" "No more IP addresses available"
check "the refused port is not left behind" test "$(rows ports)" = "$before"

# ---- deleting what is in use ----
as_a api DELETE "$N/networks/$NET1"
neutron_fault 409 "deleting a network with ports names them" "ports still in use on the network, id for these ports is: .*$P1"
as_a api DELETE "$N/subnets/$SUB1"
neutron_fault 409 "deleting a subnet with allocations" "IP allocation from this subnet"

# ---- a bound port brings its node's DHCP port ----
# (As Neutron's DHCP service serves every port of a network with DHCP
# subnets: a node that has a VM port on net2 has net2's DHCP port.)
dhcp_hosts() {	# the hosts of net2's DHCP ports, each checked
	api GET "$N/ports?network_id=$NET2&device_owner=network:dhcp"
	jq -r --arg s "$SUB2" '.ports[] | select(.device_id == "dhcp-" + ."binding:host_id" and
	    (.fixed_ips | length) == 1 and .fixed_ips[0].subnet_id == $s) | ."binding:host_id"' <<<"$BODY" | sort | tr '\n' ' '
}
bound_port() {	# HOST [MEMBERS]: sets BP
	api POST "$N/ports" "{\"port\":{\"network_id\":\"$NET2\",\"binding:host_id\":\"$1\"${2:+,$2}}}"
	BP=$(jq -r .port.id <<<"$BODY")
}
bound_port nodea '"device_owner":"compute:nova"'
BA=$BP
check "a port bound to nodea (compute:nova) gives nodea a DHCP port on net2" \
    test "$STATUS/$(dhcp_hosts)" = "201/nodea "
bound_port nodea '"device_owner":"compute:az1"'
BA2=$BP
check "a second one there adds no second DHCP port" test "$(dhcp_hosts)" = "nodea "
bound_port nodec
check "a bound port that is no VM's (no device_owner) brings none" test "$(dhcp_hosts)" = "nodea "
api DELETE "$N/ports/$BP"
api PUT "$N/ports/$BA" '{"port":{"binding:host_id":"nodeb"}}'
check "moving a port to nodeb (PUT) gives nodeb one too; nodea keeps its own" \
    test "$STATUS/$(dhcp_hosts)" = "200/nodea nodeb "
api DELETE "$N/ports/$BA2"
check "deleting nodea's last VM port on net2 takes nodea's DHCP port" \
    test "$STATUS/$(dhcp_hosts)" = "204/nodeb "
api PUT "$N/ports/$BA" '{"port":{"binding:host_id":""}}'
check "unbinding nodeb's last one takes nodeb's" test "$STATUS/$(dhcp_hosts)" = "200/"
api PUT "$N/ports/$BA" '{"port":{"binding:host_id":"nodeb"}}'
check "binding it again (PUT) brings it back" test "$STATUS/$(dhcp_hosts)" = "200/nodeb "
api PUT "$N/ports/$BA" '{"port":{"device_owner":""}}'
check "a port that is no longer a VM's takes it too" test "$STATUS/$(dhcp_hosts)" = "200/"
api DELETE "$N/ports/$BA"

# ---- security groups and rules ----
as_a api POST "$N/security-groups" '{"security_group":{"name":"web","description":"web"}}'
expect 201 "security group create as the CLI sends it"
WEB=$(jq -r .security_group.id <<<"$BODY")
check "a new group has the two egress rules" jqt \
    '[.security_group.security_group_rules[] | [.direction, .ethertype]] | sort == [["egress","IPv4"],["egress","IPv6"]]'
RULE_BODY="{\"security_group_rule\":{\"protocol\":\"icmp\",\"direction\":\"ingress\",\"remote_ip_prefix\":\"0.0.0.0/0\",\"ethertype\":\"IPv4\",\"security_group_id\":\"$DEF_A\"}}"
as_a api POST "$N/security-group-rules" "$RULE_BODY"
expect 201 "an ICMP rule as the CLI sends it"
RULE=$(jq -r .security_group_rule.id <<<"$BODY")
CREATED=$BODY
as_a api GET "$N/security-group-rules/$RULE"
check "a rule's show equals its create response key by key" test "$(jq -S .security_group_rule <<<"$BODY")" = "$(jq -S .security_group_rule <<<"$CREATED")"
as_a api POST "$N/security-group-rules" "$RULE_BODY"
neutron_fault 409 "a duplicate rule names the existing one" "Rule id is $RULE"
bad_rule() {	# STATUS DESCRIPTION REGEX JSON-MEMBERS
	as_a api POST "$N/security-group-rules" "{\"security_group_rule\":{\"direction\":\"ingress\",\"security_group_id\":\"$WEB\",$4}}"
	neutron_fault "$1" "$2" "$3"
}
bad_rule 400 "min above max" "port_range_min must be <= port_range_max" '"protocol":"tcp","port_range_min":90,"port_range_max":80'
bad_rule 400 "a bad protocol" "not supported" '"protocol":"carrier-pigeon"'
bad_rule 400 "ports without a protocol" "Must also specify protocol" '"port_range_min":80,"port_range_max":80'
bad_rule 400 "a prefix and a group" "Only remote_ip_prefix or remote_group_id" "\"remote_ip_prefix\":\"10.0.0.0/8\",\"remote_group_id\":\"$DEF_A\""
bad_rule 400 "an ICMP type above 255" "0 to 255" '"protocol":"icmp","port_range_min":300'
bad_rule 400 "an IPv6 prefix on an IPv4 rule" "Conflicting value ethertype" '"remote_ip_prefix":"fd00::/8"'
as_a api POST "$N/security-group-rules" "{\"security_group_rule\":{\"direction\":\"sideways\",\"security_group_id\":\"$WEB\"}}"
neutron_fault 400 "a direction that is neither" "not in \\['ingress', 'egress'\\]"
as_a api POST "$N/security-group-rules" "{\"security_group_rule\":{\"direction\":\"ingress\",\"security_group_id\":\"$WEB\",\"protocol\":\"tcp\",\"port_range_min\":80,\"port_range_max\":80,\"remote_ip_prefix\":\"10.1.2.3/8\"}}"
check "a TCP rule with its prefix normalised" jqt '.security_group_rule | .port_range_min == 80 and .remote_ip_prefix == "10.0.0.0/8"'
as_a api GET "$N/security-group-rules?security_group_id=$WEB"
check "rule list ?security_group_id= filters" jqt '(.security_group_rules | length) == 3'
as_a api PUT "$N/ports/$P50" "{\"port\":{\"security_groups\":[\"$WEB\"]}}"
as_a api DELETE "$N/security-groups/$WEB"
neutron_fault 409 "deleting a group in use" "in use"
as_a api DELETE "$N/security-groups/$DEF_A"
neutron_fault 409 "a member cannot delete its default group" "default security group"
as_a api POST "$N/security-groups" '{"security_group":{"name":"default"}}'
neutron_fault 409 "a second group named default"
as_b api GET "$N/security-groups/$WEB"
neutron_fault 404 "alice's group is 404 to bob"
as_a api DELETE "$N/security-group-rules/$RULE"
expect 204 "rule delete"

# ---- quotas ----
as_a api GET "$N/quotas/$PA"
check "quota show: Neutron's keys and defaults" jqt \
    '.quota == {"network":100,"subnet":100,"port":500,"router":10,"floatingip":50,"security_group":10,"security_group_rule":100,"rbac_policy":10,"subnetpool":-1}'
as_a api GET "$N/quotas/$PA/details"
check "quota details count what the project uses" jqt '.quota.network.used == 3 and .quota.network.limit == 100 and .quota.port.used >= 6 and .quota.security_group.used == 2'
as_b api GET "$N/quotas/$PA"
neutron_fault 403 "a member cannot read another project's quotas"
as_a api PUT "$N/quotas/$PA" '{"quota":{"network":3}}'
check "a member cannot set quotas" test "$STATUS" = 403
api PUT "$N/quotas/$PA" '{"quota":{"network":3,"port":"100"}}'
check "the admin sets quotas (numbers or their text)" jqt '.quota.network == 3 and .quota.port == 100'
as_a api POST "$N/networks" '{"network":{"name":"one-too-many"}}'
neutron_fault 409 "over the network quota" "Quota exceeded for resources: \\['network'\\]"
api PUT "$N/quotas/$PA" '{"quota":{"networks":3}}'
neutron_fault 400 "an unknown quota resource" "Unrecognized attribute"
api GET "$N/quotas"
check "the admin lists projects with overrides" jqt "[.quotas[].project_id] == [\"$PA\"]"
api DELETE "$N/quotas/$PA"
expect 204 "quota delete resets to the defaults"

# ---- IPAM under 40 concurrent clients ----
as_b api POST "$N/networks" '{"network":{"name":"busy"}}'
BUSY=$(jq -r .network.id <<<"$BODY")
as_b api POST "$N/subnets" "{\"subnet\":{\"cidr\":\"10.20.0.0/24\",\"network_id\":\"$BUSY\",\"ip_version\":4}}"
mkdir -p "$T/par" "$T/code"
clients=()
for i in $(seq 1 40); do
	curl -s -o "$T/par/$i" -w '%{http_code}\n' -X POST -H "X-Auth-Token: $B_TOKEN" \
	    -H 'Content-Type: application/json' \
	    --data-binary "{\"port\":{\"network_id\":\"$BUSY\"}}" "$N/ports" >"$T/code/$i" &
	clients+=($!)
done
wait "${clients[@]}"
check "40 concurrent port creates all succeed" test "$(cat "$T/code/"* | sort -u)" = 201
check "and get 40 distinct addresses" test "$(jq -r '.port.fixed_ips[0].ip_address' "$T/par/"* | sort -u | wc -l)" = 40
check "and 40 distinct MACs" test "$(jq -r '.port.mac_address' "$T/par/"* | sort -u | wc -l)" = 40

# ---- deleting ----
for p in $(as_a api GET "$N/ports?network_id=$NET1&fields=id" && jq -r '.ports[].id' <<<"$BODY"); do
	as_a api DELETE "$N/ports/$p"
	[ "$STATUS" = 204 ] || not_ok "delete port $p: $STATUS $BODY"
done
as_a api DELETE "$N/networks/$NET1"
expect 204 "a network without ports deletes, its subnet with it"
check "the subnet and its allocations are gone" test "$(psql_q "SELECT count(*) FROM subnets WHERE network_id = '$NET1'")" = 0
as_a api GET "$N/subnets/$SUB1"
neutron_fault 404 "the deleted network's subnet is gone"
as_a api DELETE "$N/ports/$P1"
neutron_fault 404 "a deleted port is 404"
check "VNI $VNI1 is free again" test "$(psql_q "SELECT count(*) FROM networks WHERE segmentation_id = $VNI1")" = 0

finish
