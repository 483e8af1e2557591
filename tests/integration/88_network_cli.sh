#!/usr/bin/env bash
# The stock openstack CLI against the Network v2.0 API, as a new user
# types it: networks and subnets (issue 14's first check), ports, the
# external network list, security groups and rules, quota show, and the
# refusals it prints.
. "$(dirname "$0")/../lib/harness.sh"

command -v /usr/bin/openstack >/dev/null || die "python3-openstackclient is not installed (make deps)"
start_pg
start_controller
use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
TOKEN=$(get_token admin "$ADMIN_PW" admin)
make_member alice proja
as_alice() { OS_USERNAME=alice OS_PASSWORD=pw OS_PROJECT_NAME=proja os "$@"; }

OUT=$(os network create --external --provider-network-type flat --provider-physical-network public public -f json)
check "network create --external (flat, admin)" jqt '.["router:external"] == true' "$OUT"
OUT=$(as_alice network create net1 -f json)
check "network create net1: ACTIVE, UP, mtu 1450" jqt '.status == "ACTIVE" and .admin_state_up == true and .mtu == 1450' "$OUT" ||
    { echo "$OUT"; cat "$T/os.err"; }
OUT=$(as_alice subnet create --network net1 --subnet-range 10.0.0.0/24 sub1 -f json)
check "subnet create: gateway .1, pool .2-.254" jqt \
    '.gateway_ip == "10.0.0.1" and (.allocation_pools == "10.0.0.2-10.0.0.254" or .allocation_pools == [{"start":"10.0.0.2","end":"10.0.0.254"}])' "$OUT" ||
    { echo "$OUT"; cat "$T/os.err"; }
OUT=$(as_alice subnet create --network net1 --subnet-range 10.0.0.0/25 sub1b -f json)
check "an overlapping subnet: the CLI prints Neutron's reason" grep -q "overlaps with another subnet" "$T/os.err"
OUT=$(as_alice subnet create --network net1 --subnet-range 10.0.9.0/24 --gateway none --dns-nameserver 8.8.8.8 --allocation-pool start=10.0.9.10,end=10.0.9.20 --host-route destination=192.168.0.0/16,gateway=10.0.9.1 sub2 -f json)
check "subnet create with no gateway, DNS, a pool and a host route" jqt '.gateway_ip == null' "$OUT" ||
    cat "$T/os.err"
OUT=$(as_alice port create --network net1 --fixed-ip subnet=sub1,ip-address=10.0.0.10 p1 -f json)
check "port create with a fixed IP" jqt '.name == "p1" and (.fixed_ips | tostring | test("10.0.0.10"))' "$OUT" ||
    cat "$T/os.err"
P1=$(jq -r .id <<<"$OUT")
as_alice port create --network net1 --fixed-ip subnet=sub1,ip-address=10.0.0.10 p2 >/dev/null
check "a fixed IP in use: the CLI prints why" grep -q "already allocated" "$T/os.err"
OUT=$(as_alice port list -f json)
check "port list shows p1 with its MAC and status" jqt \
    ".[] | select(.ID == \"$P1\") | .Status == \"DOWN\" and (.\"MAC Address\" | test(\"^fa:16:3e\"))" "$OUT" ||
    cat "$T/os.err"
OUT=$(as_alice network list --external -f json)
check "network list --external: public only" jqt '[.[].Name] == ["public"]' "$OUT"
OUT=$(as_alice network list -f json)
check "network list shows net1's two subnets" jqt '.[] | select(.Name == "net1") | .Subnets | length == 2' "$OUT"
OUT=$(as_alice security group rule create --protocol icmp default -f json)
check "security group rule create --protocol icmp default" jqt '.protocol == "icmp" and .direction == "ingress"' "$OUT" ||
    cat "$T/os.err"
OUT=$(as_alice security group rule list -f json)
check "security group rule list: the default group's four rules and the new one" jqt 'length == 5' "$OUT" ||
    cat "$T/os.err"
as_alice security group rule create --protocol icmp default >/dev/null
check "a duplicate rule: the CLI prints the rule id" grep -q "Rule id is" "$T/os.err"
OUT=$(as_alice security group create --description web web -f json)
check "security group create lists its egress rules" jqt '.rules | tostring | test("egress")' "$OUT" ||
    cat "$T/os.err"
OUT=$(as_alice quota show -f json)
check "quota show: compute and network limits" jqt '.networks == 100 and .ports == 500 and .instances == 10' "$OUT" ||
    { echo "$OUT"; cat "$T/os.err"; }
as_alice network delete net1
check "network delete with a port in use: the CLI prints the port" grep -q "$P1" "$T/os.err"
as_alice port delete p1
as_alice network delete net1
OUT=$(as_alice network list -f json)
check "after its port, the network deletes" jqt '[.[].Name] == ["public"]' "$OUT"
finish
