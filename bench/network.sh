#!/usr/bin/env bash
# bench/network.sh BUILDDIR - the tenant network's dataplane, each figure
# against a raw baseline measured in the same run:
#  1. POST /v2.0/ports (bound to the bench node) -> its tap up on the
#     network's bridge and its MAC in dnsmasq's hosts file, for the first
#     port of a network (cold: bridge, VXLAN, DHCP namespace and dnsmasq)
#     and a later one (warm), against a shell script making the same
#     kernel objects with ip(8) and starting or SIGHUPing dnsmasq.
#     Goal: <= 2x raw. NET_RUNS runs each (default 5), medians. The
#     POST is sent by the shell over /dev/tcp, so neither side counts
#     a client process's start (the raw script counts its own steps' ones).
#  2. POST /servers on a network -> ACTIVE, against `virsh create` of the
#     same domain XML (Gureum's, dumped) on a tap made beforehand.
#     Goal: <= raw + 150 ms. BOOT_RUNS runs each (default 3), medians.
#  3. Round-trip time between two "VM" namespaces on two nodes joined by
#     the network agent's bridges and VXLAN devices (documents applied
#     with --apply-document), against the same two namespaces joined by a
#     plain veth pair: ping -c PING_COUNT (default 20) -i 0.2, average.
#  4. The network agent's PSS (running, after 1. and 2.), added to the
#     controller's, the image service's and the compute agent's: the whole
#     control plane. Goal < 32 MiB.
# Nothing outside namespaces this script makes is touched: it re-runs
# itself inside a network namespace of its own (gb$$-node) where the
# controller, PostgreSQL (on its unix socket), the image service, a
# libvirtd, the compute and network agents, curl and the raw baselines
# all run; the node's underlay address is on a veth pair there. The
# outer run removes the namespace and any dnsmasq of its directory at exit.
set -uo pipefail
BUILD=${1:?usage: bench/network.sh BUILDDIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

if [ -z "${GB_INSIDE:-}" ]; then
	. "$ROOT/deploy/lib/proc.sh"
	say() { echo "# $*"; }
	TAG=gb$$
	OUTER=$(mktemp -d /tmp/gureum-netbench.XXXXXX)
	chmod 755 "$OUTER"
	outer_cleanup() {
		local pid
		for pid in $(pids_referring "$OUTER/" dnsmasq); do
			pid_stop "$pid" "dnsmasq $pid" 5
		done
		for pid in $(ip netns pids "$TAG-node" 2>/dev/null); do
			say "stopping pid $pid left in $TAG-node"
			pid_stop "$pid" "pid $pid" 5
		done
		ip netns del "$TAG-node" 2>/dev/null
		rm -rf "$OUTER"
	}
	trap outer_cleanup EXIT
	ip netns add "$TAG-node" || { echo "Bail out! ip netns add"; exit 1; }
	GB_INSIDE=1 GB_TAG=$TAG GB_DIR=$OUTER \
	    ip netns exec "$TAG-node" bash "$0" "$@"
	exit $?
fi

# ---- inside gb*-node ----
TAG=$GB_TAG D=$GB_DIR
RUNS=${NET_RUNS:-5}
BRUNS=${BOOT_RUNS:-3}
PINGS=${PING_COUNT:-20}
UIP=192.0.2.11		# the node's underlay address (a veth pair)
export GUREUM_BIN=$BUILD/bin
ip link set lo up
. "$ROOT/tests/lib/harness.sh"

# now_ms: milliseconds, by the shell itself (no subshell, no fork).
now_ms() { NOW_MS=$(( ${EPOCHREALTIME//[.,]/} / 1000 )); }
# poll SECONDS COMMAND...: like wait_for, every millisecond, and without a fork
# for the pause (read's timeout on a pipe nobody writes): a poll costs
# little CPU, which a loaded 2-CPU machine would make late.
exec {PAUSE_FD}<> <(:)
poll() {
	local deadline=$((${EPOCHREALTIME//[.,]/} + $1 * 1000000))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "${EPOCHREALTIME//[.,]/}" -lt "$deadline" ] || return 1
		read -r -t 0.001 -u "$PAUSE_FD"
	done
	return 0
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
runs() { tr '\n' ' ' <"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print v <= g ? "met" : "MISSED" }'; }

# Everything the bench made inside its namespace: the agent's DHCP
# namespaces (bind mounts under $D/*/netns), dnsmasq by pid file, the
# raw side's and the RTT part's namespaces, by name.
bench_cleanup() {
	local f n
	for f in "$D"/state/dhcp/*/pid "$D"/raw/*/pid; do
		[ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	for n in $(ip netns list | awk -v t="$TAG-" \
	    'index($1, t) == 1 && $1 != t "node" { print $1 }'); do
		netns_del "$n" >/dev/null
	done
	for f in "$D"/netns/* "$D"/n1/netns/* "$D"/n2/netns/*; do
		[ -e "$f" ] && umount -l "$f" 2>/dev/null
	done
}
trap 'bench_cleanup; cleanup' EXIT

ip link add gbu0 type veth peer name gbu1 ||
    die "cannot add a veth pair in $TAG-node"
ip addr add "$UIP/24" dev gbu0
ip link set gbu1 up
ip link set gbu0 up

CONTROLLER_EXTRA="vif_plugging_timeout = 30"
start_cloud
start_compute bench "shutdown_timeout = 0"
cat >"$T/network.conf" <<CONF
node_name = bench
node_ip = $UIP
controller_url = $INT_URL
node_key_file = $T/compute.key
listen = $UIP:0
netns_dir = $D/netns
state_dir = $D/state
heartbeat_interval = 1
CONF
start_daemon network gureum-network "$T/network.conf"
wait_node_up
net_agent_up() {
	[ "$(psql_q "SELECT count(*) FROM agents WHERE host = 'bench' AND
	    kind = 'network' AND agent_url IS NOT NULL")" = 1 ]
}
wait_for 20 net_agent_up || { cat "$T/network.log"; die "the network agent did not register"; }
N=$NET_URL/v2.0

# ---- 1. port create -> tap on its bridge, DHCP entry live ----

# plugged BRIDGE TAP MAC: TAP is on BRIDGE and up, MAC in HOSTS (the
# network's dnsmasq hosts file); read from /sys and the file by the shell
# itself, no process started.
plugged() {
	local flags line
	[ "/sys/class/net/$2/master" -ef "/sys/class/net/$1" ] || return 1
	read -r flags <"/sys/class/net/$2/flags" || return 1
	(( flags & 1 )) || return 1
	[ -r "$HOSTS" ] || return 1
	while IFS= read -r line; do
		[[ ${line,,} == "${3,,}",* ]] && return 0
	done <"$HOSTS"
	return 1
}
# post_port JSON: POST /v2.0/ports from the shell itself over
# /dev/tcp (no client process to start, as a running client would send
# it); sets STATUS, BODY and adds the time to the answer to API_MS.
# Nothing else is started: the time from the answer to the check is the
# agent's.
NET_HOSTPORT=${NET_URL#http://}
post_port() {
	local body="{\"port\":{\"binding:host_id\":\"bench\",$1}}" t0 fd answer
	t0=${EPOCHREALTIME//[.,]/}
	exec {fd}<>"/dev/tcp/${NET_HOSTPORT%:*}/${NET_HOSTPORT##*:}" ||
	    die "cannot connect to $NET_HOSTPORT"
	printf 'POST /v2.0/ports HTTP/1.1\r\nHost: %s\r\nX-Auth-Token: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
	    "$NET_HOSTPORT" "$TOKEN" "${#body}" "$body" >&"$fd"
	IFS= read -r -d '' answer <&"$fd"
	exec {fd}>&-
	API_MS=$((API_MS + (${EPOCHREALTIME//[.,]/} - t0) / 1000))
	STATUS=${answer#HTTP/1.1 } STATUS=${STATUS%% *}
	BODY=${answer#*$'\r\n\r\n'}
	[ "$STATUS" = 201 ] || die "POST /v2.0/ports: $STATUS $BODY"
}
# gureum_port NET DEVICE_ID [dhcp]: POSTs the port, waits until it is
# plugged; sets PORT_MS (the milliseconds), API_MS (the API's answers'),
# PORT, PMAC. With "dhcp", the node's DHCP port on NET is POSTed first, in
# the timed window: the controller makes it by itself only when it binds
# a server's ports (controller/server_nets.c), not for a port bound
# through the API. The port's id and MAC are read from the answer by the
# shell (checked against jq after the clock stops).
gureum_port() {
	local t0 id='"id": *"([0-9a-f-]{36})"' mac='"mac_address": *"([0-9a-f:]{17})"'
	API_MS=0
	t0=${EPOCHREALTIME//[.,]/}
	[ "${3:-}" != dhcp ] || post_port "\"network_id\":\"$1\",\"device_owner\":\"network:dhcp\",\"device_id\":\"dhcp-bench\""
	post_port "\"network_id\":\"$1\",\"device_owner\":\"compute:nova\",\"device_id\":\"$2\""
	[[ $BODY =~ $id ]] || die "no id in $BODY"
	PORT=${BASH_REMATCH[1]}
	[[ $BODY =~ $mac ]] || die "no MAC in $BODY"
	PMAC=${BASH_REMATCH[1]}
	HOSTS=$D/state/dhcp/$1/host
	poll 30 plugged "brq${1:0:11}" "tap${PORT:0:11}" "$PMAC" ||
	    { tail -20 "$T/network.log"; die "port $PORT was not plugged"; }
	PORT_MS=$(( (${EPOCHREALTIME//[.,]/} - t0) / 1000 ))
	[ "$(jq -r '.port.id + " " + .port.mac_address' <<<"$BODY")" = "$PORT $PMAC" ] ||
	    die "misread the port in $BODY"
}

: >"$T/g_cold"; : >"$T/g_warm"; : >"$T/g_cold_api"; : >"$T/g_warm_api"
for i in $(seq "$RUNS"); do
	api POST "$N/networks" "{\"network\":{\"name\":\"bn$i\"}}"
	NET=$(jq -r .network.id <<<"$BODY")
	api POST "$N/subnets" "{\"subnet\":{\"network_id\":\"$NET\",\"cidr\":\"10.10.0.0/24\",\"ip_version\":4}}"
	[ "$STATUS" = 201 ] || die "POST /v2.0/subnets: $STATUS $BODY"
	gureum_port "$NET" "$(cat /proc/sys/kernel/random/uuid)" dhcp
	echo "$PORT_MS" >>"$T/g_cold"; echo "$API_MS" >>"$T/g_cold_api"; P1=$PORT
	# A later port finds the agent idle: the first one's apply (rules)
	# and report done.
	active() { api GET "$N/ports/$P1"; jqt '.port.status == "ACTIVE"'; }
	wait_for 30 active || die "port $P1 did not become ACTIVE: $BODY"
	gureum_port "$NET" "$(cat /proc/sys/kernel/random/uuid)"
	echo "$PORT_MS" >>"$T/g_warm"; echo "$API_MS" >>"$T/g_warm_api"; P2=$PORT
	api DELETE "$N/ports/$P1"; api DELETE "$N/ports/$P2"
	api DELETE "$N/networks/$NET"
	[ "$STATUS" = 204 ] || say "network $NET not deleted: $STATUS $BODY"
	br_gone() { ! ip link show "brq${NET:0:11}" >/dev/null 2>&1; }
	wait_for 30 br_gone || say "bridge brq${NET:0:11} outlived its network"
done

# The raw side: the same objects by hand, dnsmasq's command line as
# network-agent/dhcp.c builds it.
cat >"$T/raw-cold.sh" <<'SH'
set -e
n=$1 local=$2 dir=$3 ns=$4 mac=$5
br=rbr$n vx=vxlan-$((5000 + n)) dev=ns-raw$n
ip link add "$br" type bridge
ip link set "$br" mtu 1450 up
ip link add "$vx" type vxlan id $((5000 + n)) local "$local" dstport 4789 nolearning
ip link set "$vx" master "$br" mtu 1450 up
ip netns add "$ns"
ip -n "$ns" link set lo up
ip link add rdhcp$n type veth peer name "$dev" netns "$ns"
ip link set rdhcp$n master "$br" mtu 1450 up
ip -n "$ns" addr add 10.20.0.2/24 dev "$dev"
ip -n "$ns" link set "$dev" mtu 1450 up
ip tuntap add rtap$n mode tap
ip link set rtap$n master "$br" mtu 1450 up
mkdir -p "$dir"
echo "$mac,10.20.0.5,host-10-20-0-5" >"$dir/host"
echo "tag:subnet-raw,option:router,10.20.0.1" >"$dir/opts"
ip netns exec "$ns" /usr/sbin/dnsmasq --no-hosts --no-resolv \
    --pid-file="$dir/pid" --dhcp-hostsfile="$dir/host" \
    --dhcp-optsfile="$dir/opts" --dhcp-leasefile="$dir/leases" \
    --interface="$dev" --bind-dynamic --port=0 \
    --dhcp-range=set:subnet-raw,10.20.0.0,static,255.255.255.0,86400s \
    --dhcp-option-force=option:mtu,1450 --dhcp-lease-max=17 \
    --conf-file=/dev/null --dhcp-authoritative
SH
cat >"$T/raw-warm.sh" <<'SH'
set -e
n=$1 dir=$2 mac=$3
ip tuntap add rtapw$n mode tap
ip link set rtapw$n master rbr$n mtu 1450 up
echo "$mac,10.20.0.6,host-10-20-0-6" >>"$dir/host"
kill -HUP "$(cat "$dir/pid")"
SH
: >"$T/r_cold"; : >"$T/r_warm"
for i in $(seq "$RUNS"); do
	dir=$D/raw/$i
	now_ms; t0=$NOW_MS
	bash "$T/raw-cold.sh" "$i" "$UIP" "$dir" "$TAG-rdhcp$i" fa:16:3e:aa:00:01 ||
	    die "raw cold script failed"
	now_ms; echo $((NOW_MS - t0)) >>"$T/r_cold"
	HOSTS=$dir/host
	plugged "rbr$i" "rtap$i" fa:16:3e:aa:00:01 || die "raw cold: not plugged"
	now_ms; t0=$NOW_MS
	bash "$T/raw-warm.sh" "$i" "$dir" fa:16:3e:aa:00:02 || die "raw warm script failed"
	now_ms; echo $((NOW_MS - t0)) >>"$T/r_warm"
	plugged "rbr$i" "rtapw$i" fa:16:3e:aa:00:02 || die "raw warm: not plugged"
	kill "$(cat "$dir/pid")"
	netns_del "$TAG-rdhcp$i" >/dev/null
	for l in "rtap$i" "rtapw$i" "vxlan-$((5000 + i))" "rbr$i"; do
		ip link del "$l"
	done
done

# ---- 2. POST /servers on a network -> ACTIVE ----

make_image tiny
make_flavor b1 1 128 1
SIGN_NODE=bench signed_api POST "http://$AGENT/v1/images/$IMG/cache"
[ "$STATUS" = 200 ] || die "could not warm the image cache: $BODY"
TOKEN=$(get_token admin "$ADMIN_PW" admin)
api POST "$N/networks" '{"network":{"name":"boot"}}'
BNET=$(jq -r .network.id <<<"$BODY")
api POST "$N/subnets" "{\"subnet\":{\"network_id\":\"$BNET\",\"cidr\":\"10.11.0.0/24\",\"ip_version\":4}}"
# A first port keeps the network's bridge and DHCP on the node: the
# boots below are the warm case, as for any server but a network's first.
gureum_port "$BNET" "$(cat /proc/sys/kernel/random/uuid)" dhcp

: >"$T/g_boot"; : >"$T/g_boot_api"
for i in $(seq "$BRUNS"); do
	now_ms; t0=$NOW_MS
	post=$(curl -s -o "$T/body" -w '%{http_code} %{time_total}' \
	    -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' \
	    --data-binary "{\"server\":{\"name\":\"nb$i\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\",\"networks\":[{\"uuid\":\"$BNET\"}]}}" \
	    "$CP_URL/v2.1/servers")
	[ "${post%% *}" = 202 ] || die "POST /servers: $post $(cat "$T/body")"
	ID=$(jq -r .server.id "$T/body")
	until curl -s -H "X-Auth-Token: $TOKEN" "$CP_URL/v2.1/servers/$ID" |
	    grep -q '"status": *"\(ACTIVE\|ERROR\)"'; do
		sleep 0.005
	done
	now_ms; echo $((NOW_MS - t0)) >>"$T/g_boot"
	awk -v s="${post#* }" 'BEGIN { printf "%.0f\n", s * 1000 }' >>"$T/g_boot_api"
	api GET "$CP_URL/v2.1/servers/$ID"
	jqt '.server.status == "ACTIVE"' || die "server $ID: $BODY"
	if [ "$i" = "$BRUNS" ]; then
		virsh -c "$LIBVIRT_URI" dumpxml --inactive "instance-$ID" >"$T/dom.xml"
		mkdir -p "$T/raw"
		cp "$T/compute/instances/$ID/config.iso" "$T/raw/config.iso"
		GTAP=$(sed -n "s/.*<target dev='\(tap[^']*\)'.*/\1/p" "$T/dom.xml" | head -1)
	fi
	api DELETE "$CP_URL/v2.1/servers/$ID"
	gone() { ! virsh -c "$LIBVIRT_URI" domstate "instance-$ID" >/dev/null 2>&1; }
	wait_for 30 gone
done
[ -n "${GTAP:-}" ] || die "no tap in the domain XML"
# The agent's own time per boot, from its log: "running (N ms: ...)".
AGENT_MS=$(sed -n 's/.* running (\([0-9]*\) ms: .*start \([0-9]*\)).*/\1 \2/p' \
    "$T/compute.log")

# Raw: the same XML on a tap made beforehand on the same bridge.
: >"$T/r_boot"
for i in $(seq "$BRUNS"); do
	ip tuntap add rawtap0 mode tap
	ip link set rawtap0 master "brq${BNET:0:11}" mtu 1450 up
	rm -f "$T/raw/disk.qcow2" "$T/raw/console.log"
	qemu-img create -q -f qcow2 -F qcow2 -b "$(ls "$T"/compute/images/$IMG-*)" \
	    "$T/raw/disk.qcow2" 1G
	sed -e "s|<name>instance-$ID</name>|<name>raw-bench</name>|" \
	    -e "s|<uuid>$ID</uuid>|<uuid>$(cat /proc/sys/kernel/random/uuid)</uuid>|" \
	    -e "s|$T/compute/instances/$ID/disk.qcow2|$T/raw/disk.qcow2|" \
	    -e "s|$T/compute/instances/$ID/config.iso|$T/raw/config.iso|" \
	    -e "s|$T/compute/instances/$ID/console.log|$T/raw/console.log|g" \
	    -e "s|dev='$GTAP'|dev='rawtap0'|" \
	    "$T/dom.xml" >"$T/raw.xml"
	now_ms; t0=$NOW_MS
	virsh -q -c "$LIBVIRT_URI" create "$T/raw.xml" >/dev/null || die "virsh create failed"
	now_ms; echo $((NOW_MS - t0)) >>"$T/r_boot"
	virsh -q -c "$LIBVIRT_URI" destroy raw-bench >/dev/null
	ip link del rawtap0
done

# The controller's answer to the node's document fetch, signed as the
# agent signs it, with the boot network and its DHCP port on the node:
# a share of each port's time above.
DOC_PATH=/internal/v1/hosts/bench/network
BENCH_KEY=$(node_key bench)
: >"$T/doc_ms"
for i in 1 2 3 4 5; do
	ts=$(date +%s)
	sig=$(printf '%s\n%s\n%s\n%s\n%s' GET "$DOC_PATH" "$ts" bench \
	    "$(printf '' | sha256sum | cut -d' ' -f1)" |
	    openssl dgst -sha256 -hmac "$BENCH_KEY" -r | cut -d' ' -f1)
	out=$(curl -s -o "$T/doc.json" -w '%{http_code} %{time_total}' \
	    -H "X-Gureum-Node: bench" -H "X-Gureum-Timestamp: $ts" \
	    -H "X-Gureum-Signature: $sig" "$INT_URL$DOC_PATH")
	[ "${out%% *}" = 200 ] || die "GET $DOC_PATH: $out $(cat "$T/doc.json")"
	awk -v s="${out#* }" 'BEGIN { printf "%.1f\n", s * 1000 }' >>"$T/doc_ms"
done

# ---- 4. memory, on the running daemons after 1. and 2. ----

pss() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }
MEM_LINE="" PSS_SUM=0
for d in controller image compute network; do
	pid=$(eval echo "\$${d}_PID")
	MEM_LINE+="$d $(( $(pss "$pid") / 1024 )) MiB, "
	PSS_SUM=$((PSS_SUM + $(pss "$pid")))
done

# ---- 3. VM-to-VM round-trip time across VXLAN vs a veth pair ----

N1=$TAG-n1 N2=$TAG-n2 V1=$TAG-v1 V2=$TAG-v2 W1=$TAG-w1 W2=$TAG-w2
RNET=0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e RSUB=1c2d3e4f-5a6b-4c7d-8e8f-0a1b2c3d4e5f
RP1=2d3e4f5a-6b7c-4d8e-9f9a-1b2c3d4e5f6a RP2=3e4f5a6b-7c8d-4e9f-8a0b-2c3d4e5f6a7b
RSG=4f5a6b7c-8d9e-4f0a-9b1c-3d4e5f6a7b8c
RMAC1=fa:16:3e:bb:00:01 RMAC2=fa:16:3e:bb:00:02 RIP1=10.30.0.5 RIP2=10.30.0.6
for n in "$N1" "$N2" "$V1" "$V2" "$W1" "$W2"; do
	ip netns add "$n" || die "ip netns add $n"
	ip -n "$n" link set lo up
done
ip link add u1 netns "$N1" type veth peer name u2 netns "$N2"
ip -n "$N1" addr add 10.31.0.11/24 dev u1; ip -n "$N1" link set u1 up
ip -n "$N2" addr add 10.31.0.12/24 dev u2; ip -n "$N2" link set u2 up
ip link add "tap${RP1:0:11}" netns "$N1" type veth peer name eth0 netns "$V1"
ip link add "tap${RP2:0:11}" netns "$N2" type veth peer name eth0 netns "$V2"
ip -n "$V1" link set eth0 address "$RMAC1" up
ip -n "$V2" link set eth0 address "$RMAC2" up
ip -n "$V1" addr add "$RIP1/24" dev eth0
ip -n "$V2" addr add "$RIP2/24" dev eth0
# rtt_doc NODE UNDERLAY PEER PORT MAC IP REMOTEMAC REMOTEIP
rtt_doc() {
	cat <<JSON
{"generation": 1, "host": "$1", "underlay_ip": "$2",
 "networks": [{"id": "$RNET", "type": "vxlan", "vni": 1001,
   "physical_network": null, "mtu": 1450, "bridge": "brq${RNET:0:11}",
   "vxlan": "vxlan-1001", "peers": ["$3"],
   "remote_ports": [{"mac": "$7", "ip": "$8", "peer": "$3"}],
   "subnets": [{"id": "$RSUB", "cidr": "10.30.0.0/24", "gateway_ip": null,
     "enable_dhcp": false, "dns_nameservers": [], "host_routes": []}]}],
 "ports": [{"id": "$4", "network_id": "$RNET", "tap": "tap${4:0:11}",
   "mac": "$5", "fixed_ips": [{"subnet_id": "$RSUB", "ip_address": "$6"}],
   "admin_state_up": true, "port_security_enabled": true,
   "security_groups": ["$RSG"], "device_owner": "compute:nova",
   "device_id": "5a6b7c8d-9e0f-4a1b-8c2d-4e5f6a7b8c9d"}],
 "security_groups": [{"id": "$RSG", "rules": [
   {"id": "6b7c8d9e-0f1a-4b2c-9d3e-5f6a7b8c9d0e", "direction": "egress",
    "ethertype": "IPv4", "protocol": null, "port_range_min": null,
    "port_range_max": null, "remote_ip_prefix": null,
    "remote_group_id": null, "remote_ips": []},
   {"id": "7c8d9e0f-1a2b-4c3d-8e4f-6a7b8c9d0e1f", "direction": "ingress",
    "ethertype": "IPv4", "protocol": "icmp", "port_range_min": null,
    "port_range_max": null, "remote_ip_prefix": null,
    "remote_group_id": "$RSG", "remote_ips": ["$RIP1", "$RIP2"]}]}],
 "routers": []}
JSON
}
rtt_doc n1 10.31.0.11 10.31.0.12 "$RP1" "$RMAC1" "$RIP1" "$RMAC2" "$RIP2" >"$T/n1.json"
rtt_doc n2 10.31.0.12 10.31.0.11 "$RP2" "$RMAC2" "$RIP2" "$RMAC1" "$RIP1" >"$T/n2.json"
for n in n1 n2; do
	mkdir -p "$D/$n"
	node_key "$n" >"$T/$n.key"
	cat >"$T/$n.conf" <<CONF
node_name = $n
node_ip = 10.31.0.1${n#n}
controller_url = http://127.0.0.1:9
node_key_file = $T/$n.key
netns_dir = $D/$n/netns
state_dir = $D/$n/state
CONF
	ip netns exec "$TAG-$n" "$GUREUM_BIN/gureum-network" --config "$T/$n.conf" \
	    --apply-document "$T/$n.json" >"$T/$n.obs" 2>"$T/$n.err" ||
	    die "node $n: --apply-document failed: $(cat "$T/$n.err")"
done
ip link add eth0 netns "$W1" type veth peer name eth0 netns "$W2"
ip -n "$W1" link set eth0 address "$RMAC1" up
ip -n "$W2" link set eth0 address "$RMAC2" up
ip -n "$W1" addr add "$RIP1/24" dev eth0
ip -n "$W2" addr add "$RIP2/24" dev eth0
# avg_rtt NS: ping's average rtt in ms from NS to RIP2, after a warm-up
# (ARP, the first packet through the flows).
avg_rtt() {
	ip netns exec "$1" ping -c 3 -W 2 "$RIP2" >/dev/null 2>&1 ||
	    die "$1 cannot ping $RIP2"
	ip netns exec "$1" ping -q -c "$PINGS" -i 0.2 "$RIP2" |
	    awk -F/ '/^rtt/ { print $5 }'
}
RTT_VX=$(avg_rtt "$V1")
RTT_VETH=$(avg_rtt "$W1")
[ -n "$RTT_VX" ] && [ -n "$RTT_VETH" ] || die "no rtt figure"

# ---- report ----

G_COLD=$(median <"$T/g_cold") R_COLD=$(median <"$T/r_cold")
G_WARM=$(median <"$T/g_warm") R_WARM=$(median <"$T/r_warm")
G_BOOT=$(median <"$T/g_boot") R_BOOT=$(median <"$T/r_boot")
G_COLD_API=$(median <"$T/g_cold_api") G_WARM_API=$(median <"$T/g_warm_api")
G_BOOT_API=$(median <"$T/g_boot_api")
DOC_MS=$(median <"$T/doc_ms")
A_ALL=$(awk '{ print $1 }' <<<"$AGENT_MS" | median)
A_START=$(awk '{ print $2 }' <<<"$AGENT_MS" | median)
cat <<OUT

Load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs at the end (other programs skew these timings)

== port create -> tap up on its bridge, MAC in dnsmasq's hosts file (medians of $RUNS)
  first port of a network (bridge, VXLAN, DHCP namespace, dnsmasq start):
    raw ip/dnsmasq script         ${R_COLD} ms   (runs: $(runs "$T/r_cold"))
    POST /v2.0/ports -> plugged   ${G_COLD} ms   (runs: $(runs "$T/g_cold"))
    ratio $(ratio "$G_COLD" "$R_COLD") (goal <= 2: $(verdict "$(ratio "$G_COLD" "$R_COLD")" 2)); the API's answers (DHCP port, port) ${G_COLD_API} ms
  a later port (tap, hosts line, SIGHUP):
    raw ip/dnsmasq script         ${R_WARM} ms   (runs: $(runs "$T/r_warm"))
    POST /v2.0/ports -> plugged   ${G_WARM} ms   (runs: $(runs "$T/g_warm"))
    ratio $(ratio "$G_WARM" "$R_WARM") (goal <= 2: $(verdict "$(ratio "$G_WARM" "$R_WARM")" 2)); the API's answer ${G_WARM_API} ms
  the controller's answer to a node document fetch: ${DOC_MS} ms (runs: $(runs "$T/doc_ms"))

== boot on a tenant network (TCG, 128 MiB guest, cached image; medians of $BRUNS)
  raw virsh create, tap made before  ${R_BOOT} ms   (runs: $(runs "$T/r_boot"))
  POST /servers -> ACTIVE            ${G_BOOT} ms   (runs: $(runs "$T/g_boot"))
    overhead $((G_BOOT - R_BOOT)) ms (goal <= 150: $(verdict $((G_BOOT - R_BOOT)) 150))
    of which: API answer (202) ${G_BOOT_API} ms; agent boot ${A_ALL} ms, its libvirt start ${A_START} ms;
    binding and plugging the port, dispatch, report and polling the rest

== VM-to-VM round trip, ping -c $PINGS -i 0.2, average
  plain veth pair                    ${RTT_VETH} ms
  bridge + VXLAN across two nodes    ${RTT_VX} ms   ratio $(ratio "$RTT_VX" "$RTT_VETH")

== control-plane memory after 1. and 2. (PSS; PostgreSQL not counted)
  ${MEM_LINE%, }
  controller + image + compute agent + network agent: $((PSS_SUM / 1024)) MiB PSS (goal < 32: $( [ $((PSS_SUM / 1024)) -lt 32 ] && echo met || echo MISSED))
OUT
