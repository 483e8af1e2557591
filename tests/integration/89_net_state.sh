#!/usr/bin/env bash
# The node network document and port observations (controller/net_state.c):
# network agents register their URL with their heartbeat; each node's
# signed GET /internal/v1/hosts/{host}/network is 304 while the generation
# is the one it has, else its own document (bridges, VXLAN peers, remote
# ports, DHCP hosts, security group rules with remote IPs, router legs,
# floating IPs, port forwards), and a node sees only its ports; POST
# .../ports stores observations on the node's own ports without bumping
# the generation. The Network API is not needed: the rows are inserted
# directly, as it will write them.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller

# Three nodes' network agents (10.99.0.1N underlay); node3 has no port.
for n in 1 2 3; do
	SIGN_NODE=node$n signed_api POST "$INT_URL/internal/v1/agents/heartbeat" \
	    "{\"host\":\"node$n\",\"kind\":\"network\",\"host_ip\":\"10.99.0.1$n\",\"inventory\":{\"agent_url\":\"http://127.0.0.1:1\"}}"
	expect 200 "node$n's network agent beats with its agent_url"
done
check "...which is stored on its agents row" \
    test "$(psql_q "SELECT count(*) FROM agents WHERE kind = 'network' AND agent_url = 'http://127.0.0.1:1'")" = 3
SIGN_NODE=node1 signed_api POST "$INT_URL/internal/v1/agents/heartbeat" \
    '{"host":"node1","kind":"network","host_ip":"10.99.0.11","inventory":{"pcpus":2}}'
expect_fault 400 "a network agent's inventory holds only agent_url"
SIGN_NODE=node1 signed_api POST "$INT_URL/internal/v1/agents/heartbeat" \
    '{"host":"node1","kind":"network","host_ip":"10.99.0.11","inventory":{"agent_url":"file:///etc/passwd"}}'
expect_fault 400 "a network agent's agent_url must be http(s)"
SIGN_NODE=node1 signed_api POST "$INT_URL/internal/v1/agents/heartbeat" \
    '{"host":"node1","kind":"compute","host_ip":"10.99.0.11","inventory":{"pcpus":2,"memory_mb":2048,"disk_gb":10,"disk_used_gb":0,"reserved_host_memory_mb":0,"hypervisor_version":8000000,"hypervisor_type":"QEMU","virt_type":"qemu","cpu_info":{},"agent_url":"http://127.0.0.1:2"}}'
expect 200 "a compute agent's heartbeat with its inventory still works"
check "...and its agent_url goes to compute_nodes" \
    test "$(psql_q "SELECT agent_url FROM compute_nodes WHERE host = 'node1'")" = http://127.0.0.1:2

# Ids: net A (VXLAN 1001) aaaa..., public (flat) bbbb..., subnets
# a0a0.../b0b0..., VM ports 1111 (node1) and 2222 (node2), node1's DHCP
# port 3333, router 9999 on node1 with interface 5555 on A (not bound:
# the router's host places it) and gateway 6666 on public, floating IPs
# 7777...01 (on VM 1111) and 7777...02 (forwards 2222 -> 10.0.0.11:22),
# security group dddd with three rules.
NA=aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa NP=bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
SA=a0a0a0a0-a0a0-4a0a-8a0a-a0a0a0a0a0a0 SP=b0b0b0b0-b0b0-4b0b-8b0b-b0b0b0b0b0b0
P1=11111111-1111-4111-8111-111111111111 P2=22222222-2222-4222-8222-222222222222
PD=33333333-3333-4333-8333-333333333333 PI=55555555-5555-4555-8555-555555555555
PG=66666666-6666-4666-8666-666666666666 R=99999999-9999-4999-8999-999999999999
SG=dddddddd-dddd-4ddd-8ddd-dddddddddddd
VM1=c1c1c1c1-c1c1-4c1c-8c1c-c1c1c1c1c1c1 VM2=c2c2c2c2-c2c2-4c2c-8c2c-c2c2c2c2c2c2
psql -h "$T/pg/run" -U postgres -d gureum -q -v ON_ERROR_STOP=1 >"$T/rows.log" 2>&1 <<SQL
INSERT INTO networks (id, project_id, network_type, segmentation_id, mtu) VALUES ('$NA', 'p', 'vxlan', 1001, 1450);
INSERT INTO networks (id, project_id, network_type, physical_network, external, mtu) VALUES ('$NP', 'admin', 'flat', 'public', true, 1500);
INSERT INTO subnets (id, network_id, project_id, cidr, gateway_ip, dns_nameservers) VALUES
  ('$SA', '$NA', 'p', '10.0.0.0/24', '10.0.0.1', '["8.8.8.8"]'),
  ('$SP', '$NP', 'admin', '172.24.4.0/24', '172.24.4.1', '[]');
INSERT INTO routers (id, project_id, gw_network_id, host) VALUES ('$R', 'p', '$NP', 'node1');
INSERT INTO ports (id, network_id, project_id, mac_address, device_id, device_owner, binding_host) VALUES
  ('$P1', '$NA', 'p', 'fa:16:3e:00:00:11', '$VM1', 'compute:nova', 'node1'),
  ('$P2', '$NA', 'p', 'fa:16:3e:00:00:22', '$VM2', 'compute:nova', 'node2'),
  ('$PD', '$NA', 'p', 'fa:16:3e:00:00:33', 'dhcp-node1', 'network:dhcp', 'node1'),
  ('$PI', '$NA', 'p', 'fa:16:3e:00:00:55', '$R', 'network:router_interface', NULL),
  ('$PG', '$NP', '', 'fa:16:3e:00:00:66', '$R', 'network:router_gateway', 'node1'),
  ('88888888-8888-4888-8888-888888888801', '$NP', 'p', 'fa:16:3e:00:00:81', '7777', 'network:floatingip', NULL),
  ('88888888-8888-4888-8888-888888888802', '$NP', 'p', 'fa:16:3e:00:00:82', '7777', 'network:floatingip', NULL);
UPDATE routers SET gw_port_id = '$PG';
INSERT INTO ip_allocations (subnet_id, ip, port_id, network_id) VALUES
  ('$SA', '10.0.0.11', '$P1', '$NA'), ('$SA', '10.0.0.22', '$P2', '$NA'),
  ('$SA', '10.0.0.2', '$PD', '$NA'), ('$SA', '10.0.0.1', '$PI', '$NA'),
  ('$SP', '172.24.4.10', '$PG', '$NP'),
  ('$SP', '172.24.4.20', '88888888-8888-4888-8888-888888888801', '$NP'),
  ('$SP', '172.24.4.21', '88888888-8888-4888-8888-888888888802', '$NP');
INSERT INTO security_groups (id, project_id) VALUES ('$SG', 'p');
INSERT INTO security_group_rules (id, security_group_id, project_id, direction, protocol, port_range_min, port_range_max, remote_ip_prefix, remote_group_id) VALUES
  ('eeeeeeee-eeee-4eee-8eee-eeeeeeeeee01', '$SG', 'p', 'ingress', 'tcp', 22, 22, '0.0.0.0/0', NULL),
  ('eeeeeeee-eeee-4eee-8eee-eeeeeeeeee02', '$SG', 'p', 'ingress', NULL, NULL, NULL, NULL, '$SG'),
  ('eeeeeeee-eeee-4eee-8eee-eeeeeeeeee03', '$SG', 'p', 'egress', NULL, NULL, NULL, NULL, NULL);
INSERT INTO port_security_groups VALUES ('$P1', '$SG'), ('$P2', '$SG');
INSERT INTO floatingips (id, project_id, floating_network_id, floating_port_id, floating_ip_address, port_id, fixed_ip_address, router_id) VALUES
  ('77777777-7777-4777-8777-777777777701', 'p', '$NP', '88888888-8888-4888-8888-888888888801', '172.24.4.20', '$P1', '10.0.0.11', '$R'),
  ('77777777-7777-4777-8777-777777777702', 'p', '$NP', '88888888-8888-4888-8888-888888888802', '172.24.4.21', NULL, NULL, '$R');
INSERT INTO port_forwardings (id, floatingip_id, internal_port_id, internal_ip_address, protocol, internal_port, external_port) VALUES
  ('f0f0f0f0-f0f0-4f0f-8f0f-f0f0f0f0f0f0', '77777777-7777-4777-8777-777777777702', '$P1', '10.0.0.11', 'tcp', 22, 2222);
SQL
check "the network rows are inserted" test $? = 0 || cat "$T/rows.log"
GEN=$(psql_q "SELECT generation FROM net_state")

# jq_ok DESCRIPTION FILTER: the filter holds on the last body.
jq_ok() {
	if jqt "$2"; then ok "$1"; else not_ok "$1: $2 on $BODY"; fi
}

SIGN_NODE=node1 signed_api GET "$INT_URL/internal/v1/hosts/node1/network"
expect 200 "node1 fetches its document"
jq_ok "...at the current generation, for node1 on its underlay address" \
    ".generation == $GEN and .host == \"node1\" and .underlay_ip == \"10.99.0.11\""
jq_ok "...with net A (its ports) and public (its router's gateway)" \
    "[.networks[].id] == [\"$NA\", \"$NP\"]"
A='.networks[0]'
jq_ok "...net A on brq+id[:11] and vxlan-1001" \
    "$A.type == \"vxlan\" and $A.vni == 1001 and $A.mtu == 1450 and $A.bridge == \"brqaaaaaaaa-aa\" and $A.vxlan == \"vxlan-1001\" and $A.physical_network == null"
jq_ok "...whose only peer is node2" "$A.peers == [\"10.99.0.12\"]"
jq_ok "...and remote port node2's VM port" \
    "$A.remote_ports == [{\"mac\":\"fa:16:3e:00:00:22\",\"ip\":\"10.0.0.22\",\"peer\":\"10.99.0.12\"}]"
jq_ok "...its subnet as stored" \
    "$A.subnets == [{\"id\":\"$SA\",\"cidr\":\"10.0.0.0/24\",\"gateway_ip\":\"10.0.0.1\",\"enable_dhcp\":true,\"dns_nameservers\":[\"8.8.8.8\"],\"host_routes\":[]}]"
jq_ok "...node1's DHCP port in qdhcp-<net> on ns-<port[:11]>" \
    "$A.dhcp.port_id == \"$PD\" and $A.dhcp.mac == \"fa:16:3e:00:00:33\" and $A.dhcp.namespace == \"qdhcp-$NA\" and $A.dhcp.device == \"ns-33333333-33\" and $A.dhcp.ips == [{\"subnet_id\":\"$SA\",\"ip_address\":\"10.0.0.2\"}]"
jq_ok "...serving node1's VM port only" \
    "$A.dhcp.hosts == [{\"mac\":\"fa:16:3e:00:00:11\",\"ip\":\"10.0.0.11\",\"name\":\"host-10-0-0-11\"}]"
jq_ok "...public: flat on physical network 'public', bridge left to the agent" \
    ".networks[1] | .type == \"flat\" and .physical_network == \"public\" and .bridge == null and .vxlan == null and .vni == null and .peers == [] and .remote_ports == [] and .dhcp == null"
jq_ok "...only node1's VM port, on tap+id[:11]" \
    ".ports == [{\"id\":\"$P1\",\"network_id\":\"$NA\",\"tap\":\"tap11111111-11\",\"mac\":\"fa:16:3e:00:00:11\",\"fixed_ips\":[{\"subnet_id\":\"$SA\",\"ip_address\":\"10.0.0.11\"}],\"admin_state_up\":true,\"port_security_enabled\":true,\"security_groups\":[\"$SG\"],\"device_owner\":\"compute:nova\",\"device_id\":\"$VM1\"}]"
G='.security_groups[0]'
jq_ok "...its security group with three rules" \
    "(.security_groups | length) == 1 and $G.id == \"$SG\" and ($G.rules | length) == 3"
jq_ok "...a prefix rule as stored, without remote IPs" \
    "$G.rules[0] == {\"id\":\"eeeeeeee-eeee-4eee-8eee-eeeeeeeeee01\",\"direction\":\"ingress\",\"ethertype\":\"IPv4\",\"protocol\":\"tcp\",\"port_range_min\":22,\"port_range_max\":22,\"remote_ip_prefix\":\"0.0.0.0/0\",\"remote_group_id\":null,\"remote_ips\":[]}"
jq_ok "...a remote-group rule with the fixed IPs of the group's ports on every node" \
    "$G.rules[1].remote_group_id == \"$SG\" and $G.rules[1].remote_ips == [\"10.0.0.11\",\"10.0.0.22\"] and $G.rules[1].protocol == null"
RT='.routers[0]'
jq_ok "...its router in qrouter-<id>" \
    "(.routers | length) == 1 and $RT.id == \"$R\" and $RT.namespace == \"qrouter-$R\" and $RT.enable_snat == true"
jq_ok "...whose gateway is qg-<port[:11]> on public" \
    "$RT.gateway == {\"port_id\":\"$PG\",\"network_id\":\"$NP\",\"device\":\"qg-66666666-66\",\"mac\":\"fa:16:3e:00:00:66\",\"ip\":\"172.24.4.10\",\"prefixlen\":24,\"gateway_ip\":\"172.24.4.1\",\"bridge\":null,\"mtu\":1500}"
jq_ok "...and interface qr-<port[:11]> on net A's bridge" \
    "$RT.interfaces == [{\"port_id\":\"$PI\",\"device\":\"qr-55555555-55\",\"mac\":\"fa:16:3e:00:00:55\",\"ip\":\"10.0.0.1\",\"prefixlen\":24,\"network_id\":\"$NA\",\"bridge\":\"brqaaaaaaaa-aa\",\"mtu\":1450}]"
jq_ok "...the floating IP bound to a port (not the one with forwards)" \
    "$RT.floating_ips == [{\"id\":\"77777777-7777-4777-8777-777777777701\",\"ip\":\"172.24.4.20\",\"fixed_ip\":\"10.0.0.11\",\"port_id\":\"$P1\"}]"
jq_ok "...and the port forward" \
    "$RT.port_forwards == [{\"id\":\"f0f0f0f0-f0f0-4f0f-8f0f-f0f0f0f0f0f0\",\"ip\":\"172.24.4.21\",\"protocol\":\"tcp\",\"external_port\":2222,\"internal_ip\":\"10.0.0.11\",\"internal_port\":22}]"
DOC1=$BODY
# The same document is a golden file the agent's parser reads
# (tests/unit/test_doc.c): what the controller sends, the agent takes.
GOLD=$HARNESS_REPO/tests/netdoc/controller_node1.json
[ -n "${GR_TEST_REGENERATE:-}" ] && jq '.generation = 1' <<<"$BODY" >"$GOLD"
check "...and equals tests/netdoc/controller_node1.json but for the generation" \
    test "$(jq -S '.generation = 1' <<<"$BODY")" = "$(jq -S . "$GOLD")"

SIGN_NODE=node2 signed_api GET "$INT_URL/internal/v1/hosts/node2/network"
expect 200 "node2 fetches its document"
jq_ok "...only net A, with node1 as its peer" \
    "[.networks[].id] == [\"$NA\"] and .networks[0].peers == [\"10.99.0.11\"]"
jq_ok "...node1's VM, DHCP and router ports as remote ports" \
    "[.networks[0].remote_ports[].mac] == [\"fa:16:3e:00:00:11\",\"fa:16:3e:00:00:33\",\"fa:16:3e:00:00:55\"] and all(.networks[0].remote_ports[]; .peer == \"10.99.0.11\")"
jq_ok "...no DHCP port of its own yet, no router" \
    ".networks[0].dhcp == null and .routers == []"
jq_ok "...and only its own VM port" "[.ports[].id] == [\"$P2\"]"
SIGN_NODE=node3 signed_api GET "$INT_URL/internal/v1/hosts/node3/network"
expect 200 "node3 fetches its document"
jq_ok "...empty: no port is bound to it" \
    ".networks == [] and .ports == [] and .security_groups == [] and .routers == [] and .underlay_ip == \"10.99.0.13\""

# Generations. (curl writes no file for an empty body: start from none.)
: >"$T/body"
SIGN_NODE=node1 signed_api GET "$INT_URL/internal/v1/hosts/node1/network?since=$GEN"
expect 304 "since = the current generation"
check "...with no body" test -z "$BODY"
SIGN_NODE=node1 signed_api GET "$INT_URL/internal/v1/hosts/node1/network?since=$((GEN - 1))"
expect 200 "since = an older generation"
check "...the same document again" test "$BODY" = "$DOC1"
psql_q "UPDATE subnets SET dns_nameservers = '[\"1.1.1.1\"]' WHERE id = '$SA'" >/dev/null
SIGN_NODE=node1 signed_api GET "$INT_URL/internal/v1/hosts/node1/network?since=$GEN"
expect 200 "a change bumps the generation: the document comes again"
jq_ok "...at a newer generation, with the change" \
    ".generation > $GEN and .networks[0].subnets[0].dns_nameservers == [\"1.1.1.1\"]"
GEN=$(psql_q "SELECT generation FROM net_state")
SIGN_NODE=node1 signed_api GET "$INT_URL/internal/v1/hosts/node1/network?since=x1"
expect_fault 400 "since must be a number"

# A node speaks only for itself.
SIGN_NODE=node2 signed_api GET "$INT_URL/internal/v1/hosts/node1/network"
expect_fault 403 "node2's key cannot fetch node1's document"
TOKEN= api GET "$INT_URL/internal/v1/hosts/node1/network"
expect_fault 401 "an unsigned fetch"
TOKEN= api GET "$CP_URL/internal/v1/hosts/node1/network"
expect 404 "the tenant port does not serve it"

# Observations: stored on node1's own ports only, no generation bump.
OBS="{\"generation\":$GEN,\"ports\":[{\"id\":\"$P1\",\"status\":\"ACTIVE\",\"reason\":null,\"diagnostics\":{\"host\":\"node1\",\"hops\":[{\"hop\":\"tap\",\"ok\":true,\"detail\":\"up\"}]}},{\"id\":\"$P2\",\"status\":\"ACTIVE\",\"reason\":null,\"diagnostics\":{}}]}"
SIGN_NODE=node1 signed_api POST "$INT_URL/internal/v1/hosts/node1/ports" "$OBS"
expect 204 "node1 reports its observations"
check "...its port is ACTIVE, observed, with the diagnostics" \
    test "$(psql_q "SELECT status, status_reason IS NULL, diagnostics->'hops'->0->>'hop', observed_at IS NOT NULL FROM ports WHERE id = '$P1'")" = "ACTIVE|t|tap|t"
check "...node2's port is skipped" \
    test "$(psql_q "SELECT status, observed_at IS NULL FROM ports WHERE id = '$P2'")" = "DOWN|t"
check "...and the generation did not move" \
    test "$(psql_q "SELECT generation FROM net_state")" = "$GEN"
SIGN_NODE=node1 signed_api POST "$INT_URL/internal/v1/hosts/node1/ports" \
    "{\"generation\":$GEN,\"ports\":[{\"id\":\"$P1\",\"status\":\"DOWN\",\"reason\":\"tap tap11111111-11 is not on bridge brqaaaaaaaa-aa\"}]}"
expect 204 "node1 reports its port down"
check "...stored with the reason" \
    test "$(psql_q "SELECT status || ': ' || status_reason FROM ports WHERE id = '$P1'")" = "DOWN: tap tap11111111-11 is not on bridge brqaaaaaaaa-aa"
SIGN_NODE=node1 signed_api GET "$INT_URL/internal/v1/hosts/node1/network?since=$GEN"
expect 304 "...and the agent's document is unchanged"
SIGN_NODE=node2 signed_api POST "$INT_URL/internal/v1/hosts/node1/ports" "$OBS"
expect_fault 403 "node2's key cannot report for node1"

# bad BODY FIELD: a 400 whose message names FIELD.
bad() {
	SIGN_NODE=node1 signed_api POST "$INT_URL/internal/v1/hosts/node1/ports" "$1"
	if [ "$STATUS" = 400 ] && [[ $BODY == *"$2"* ]]; then ok "400 naming $2"
	else not_ok "wanted a 400 naming $2, got $STATUS: $BODY"; fi
}
bad '{"ports":[]}' "'generation'"
bad '{"generation":1}' "'ports'"
bad '{"generation":1,"ports":{}}' "'ports'"
bad '{"generation":-1,"ports":[]}' "'generation'"
bad '{"generation":1,"ports":[],"colour":"red"}' "'colour'"
bad '{"generation":1,"ports":[7]}' "'ports[0]'"
bad "{\"generation\":1,\"ports\":[{\"id\":\"$P1\",\"status\":\"UP\"}]}" "'ports[0].status'"
bad "{\"generation\":1,\"ports\":[{\"id\":\"not-a-port\",\"status\":\"UP\"}]}" "'ports[0].id'"
bad "{\"generation\":1,\"ports\":[{\"id\":\"$P1\",\"status\":\"DOWN\",\"reason\":\"$(head -c 1025 /dev/zero | tr '\0' x)\"}]}" "'ports[0].reason'"
bad "{\"generation\":1,\"ports\":[{\"id\":\"$P1\",\"status\":\"DOWN\",\"diagnostics\":[]}]}" "'ports[0].diagnostics'"
bad "{\"generation\":1,\"ports\":[{\"id\":\"$P1\",\"status\":\"DOWN\",\"hops\":[]}]}" "'hops'"
bad "{\"generation\":1,\"ports\":[{\"id\":\"$P1\",\"status\":\"DOWN\"},{\"id\":\"$P1\",\"status\":\"ACTIVE\"}]}" "'ports[1].id'"
check "...and none of them changed the port" \
    test "$(psql_q "SELECT status FROM ports WHERE id = '$P1'")" = DOWN
check "the controller logged no error" bash -c "! grep -E 'ERROR|error:' '$T/controller.log'"
finish
