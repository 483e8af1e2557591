#!/usr/bin/env bash
# The scheduler's overcommit rules on a real node (private libvirtd, TCG):
# many one-vCPU VMs share few cores up to pCPUs x ratio; memory is not
# overcommitted; thin disks overcommit virtual size up to the thin ratio,
# thick ones count 1:1 and need real free space; 20 concurrent requests
# against room for 10 place exactly 10, as libvirt itself confirms.
. "$(dirname "$0")/../lib/harness.sh"

start_cloud

# start_agent RATIO: (re)starts the node's agent with that vCPU ratio.
start_agent() {
	[ -n "${compute_PID:-}" ] && kill "$compute_PID" && wait "$compute_PID" 2>/dev/null
	start_compute nodeK $'reserved_host_memory_mb = 256\nshutdown_timeout = 0\n'"cpu_allocation_ratio = $1"
	wait_node_up
	sleep_until_beat
}
# Waits for one more heartbeat so the reported ratio is stored.
sleep_until_beat() {
	local t; t=$(psql_q "SELECT last_seen FROM agents WHERE host = 'nodeK'")
	moved() { test "$(psql_q "SELECT last_seen FROM agents WHERE host = 'nodeK'")" != "$t"; }
	wait_for 5 moved
}
start_agent 4.0
PCPUS=$(psql_q "SELECT pcpus FROM compute_nodes WHERE host = 'nodeK'")
DISK=$(psql_q "SELECT disk_gb FROM compute_nodes WHERE host = 'nodeK'")
FREE=$(( DISK - $(psql_q "SELECT disk_used_gb FROM compute_nodes WHERE host = 'nodeK'") ))
MEM=$(psql_q "SELECT memory_mb - reserved_host_memory_mb FROM compute_nodes WHERE host = 'nodeK'")
echo "# node: $PCPUS pCPUs, $MEM MB for guests, $DISK GB disk ($FREE GB free)"

make_image tiny
flavor() {	# NAME VCPUS RAM DISK [thick]
	make_flavor "$1" "$2" "$3" "$4"
	[ -n "${5:-}" ] && api POST "$CP_URL/v2.1/flavors/$FLV/os-extra_specs" \
	    '{"extra_specs":{"gureum:disk_provisioning":"thick"}}'
	echo "$FLV"
}
TINY=$(flavor f.tiny 1 128 1)
BIGMEM=$(flavor f.bigmem 1 $((MEM + 1)) 1)
THIN=$(flavor f.thin 1 128 "$DISK")
THICK=$(flavor f.thick 1 128 $((FREE + 1)) thick)

# create NAME FLAVOR: prints the new server's id.
create() {
	api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"$1\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$2\"}}"
	jq -r .server.id <<<"$BODY"
}
state() {	# ID -> status
	api GET "$CP_URL/v2.1/servers/$1"
	jq -r .server.status <<<"$BODY"
}
fault() { api GET "$CP_URL/v2.1/servers/$1"; jq -r '(.server.fault.message // "") + " " + (.server.fault.details // "")' <<<"$BODY"; }
settled() { local s; s=$(state "$1"); [ "$s" = ACTIVE ] || [ "$s" = ERROR ]; }
delete_all() {
	api GET "$CP_URL/v2.1/servers"
	for id in $(jq -r '.servers[].id' <<<"$BODY"); do
		api DELETE "$CP_URL/v2.1/servers/$id"
	done
	none_left() { api GET "$CP_URL/v2.1/servers"; jqt '.servers == []'; }
	wait_for 60 none_left
	no_domains() { test -z "$(virsh -c "$LIBVIRT_URI" list --all --name | grep instance-)"; }
	wait_for 30 no_domains
}

# vCPU overcommit: pCPUs x 4.0 one-vCPU instances fit; one more does not.
SLOTS=$((PCPUS * 4))
IDS=()
for i in $(seq "$SLOTS"); do IDS+=("$(create slot-$i "$TINY")"); done
all_settled() { for id in "${IDS[@]}"; do settled "$id" || return 1; done; }
wait_for 120 all_settled
N=0; for id in "${IDS[@]}"; do [ "$(state "$id")" = ACTIVE ] && N=$((N + 1)); done
check "$SLOTS one-vCPU instances fit on $PCPUS pCPUs (ratio 4.0)" test "$N" = "$SLOTS"
X=$(create one-too-many "$TINY")
wait_for 10 settled "$X"
check "one more is refused" test "$(state "$X")" = ERROR
check "naming the vCPU overcommit" grep -q "only 0 of $SLOTS are free ($PCPUS pCPUs x 4.0 overcommit)" <<<"$(fault "$X")"
check "libvirt runs exactly $SLOTS instance domains" \
    test "$(virsh -c "$LIBVIRT_URI" list --name | grep -c instance-)" = "$SLOTS"
delete_all

# Memory is not overcommitted.
X=$(create bigmem "$BIGMEM")
wait_for 10 settled "$X"
check "a flavor bigger than the node's free memory is refused" grep -q "MB of RAM but only" <<<"$(fault "$X")"

# Thin: virtual sizes may add up to disk x 2.0; thick: 1:1 and real space.
A=$(create thin-a "$THIN"); B=$(create thin-b "$THIN"); C=$(create thin-c "$THIN")
for id in "$A" "$B" "$C"; do wait_for 60 settled "$id"; done
check "two thin disks of the whole disk's size fit (ratio 2.0)" \
    test "$(state "$A")$(state "$B")" = ACTIVEACTIVE
check "a third thin one does not" grep -q "thin $DISK GB disk does not fit" <<<"$(fault "$C")"
X=$(create thick "$THICK")
wait_for 10 settled "$X"
check "a thick disk larger than the real free space is refused" grep -q "really free" <<<"$(fault "$X")"
delete_all

# 20 concurrent requests, room for 10 (ratio 5.0 on this node's pCPUs);
# the project's quota is lifted so only the node's capacity decides.
PROJECT=$(psql_q "SELECT id FROM projects WHERE name = 'admin'")
api PUT "$CP_URL/v2.1/os-quota-sets/$PROJECT" '{"quota_set":{"instances":-1,"cores":-1,"ram":-1}}'
expect 200 "lift the admin project's quota"
start_agent "$(awk -v p="$PCPUS" 'BEGIN { printf "%.2f", 10 / p }')"
REQS=()
for i in $(seq 20); do
	( T=$T/c$i; mkdir -p "$T"; create conc-$i "$TINY" >"$T/id" ) &
	REQS+=($!)
done
wait "${REQS[@]}"
IDS=($(cat "$T"/c*/id | grep -v null))
check "all 20 requests were accepted (202)" test "${#IDS[@]}" = 20
wait_for 120 all_settled
ACTIVE=0; ERR=0
for id in "${IDS[@]}"; do
	case $(state "$id") in
	ACTIVE) ACTIVE=$((ACTIVE + 1)) ;;
	ERROR)	fault "$id" >>"$T/faults"; echo >>"$T/faults"
		grep -q "No valid host" <<<"$(fault "$id")" && ERR=$((ERR + 1)) ;;
	esac
done
check "exactly 10 placed" test "$ACTIVE" = 10
check "exactly 10 in ERROR with No valid host" test "$ERR" = 10 ||
    sort "$T/faults" | uniq -c | head -5
VCPUS=0
for d in $(virsh -c "$LIBVIRT_URI" list --name | grep instance-); do
	VCPUS=$((VCPUS + $(virsh -c "$LIBVIRT_URI" dominfo "$d" | awk '/^CPU\(s\)/ { print $2 }')))
done
check "libvirt's own view: 10 vCPUs in running domains" test "$VCPUS" = 10
check "claims on the node are within its limit" \
    test "$(psql_q "SELECT sum(vcpus) FROM allocations WHERE host = 'nodeK'")" -le 10
delete_all
finish
