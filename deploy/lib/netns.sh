# deploy/lib/netns.sh - links, addresses and network namespaces, by name:
# the lab's underlay (a bridge, one veth per node into the node's netns),
# its external network (a host bridge, one veth per node to a bridge inside
# the node's netns) and the checks a test makes that they are up or gone.
# Needs proc.sh. An optional NS argument means "inside the netns NS"
# (without it, the caller's own netns).

# link_exists LINK [NS] / link_gone LINK [NS]
link_exists() { ip ${2:+-n "$2"} link show dev "$1" >/dev/null 2>&1; }
link_gone() { ! link_exists "$@"; }
netns_exists() { [ -e "/run/netns/$1" ]; }

# link_is_up LINK [NS]: LINK is up and has a carrier (for a veth: both
# ends are up; for a bridge: a port of it is up).
link_is_up() {
	local l
	l=$(ip ${2:+-n "$2"} -o link show dev "$1" 2>/dev/null) || return 1
	[[ $l =~ [\<,]LOWER_UP[,\>].*\ state\ UP\  ]]
}

# link_master LINK [NS]: prints the bridge LINK is a port of (nothing if
# none).
link_master() {
	ip ${2:+-n "$2"} -o link show dev "$1" 2>/dev/null |
	    sed -n 's/.* master \([^ ]*\) .*/\1/p'
}

# link_alias LINK: prints LINK's alias (ifalias; empty if it has none or
# there is no LINK). Only for links of the caller's netns.
link_alias() { cat "/sys/class/net/$1/ifalias" 2>/dev/null || true; }

# net_in_use NET: an address or a route of NET.0/24 (NET is A.B.C) exists
# on this machine.
net_in_use() {
	if ip -4 -o addr show | awk -v p="$1." '
	    index($4, p) == 1 { found = 1 } END { exit !found }'; then
		return 0
	fi
	[ -n "$(ip -4 route show root "$1.0/24")" ]
}

# netns_veth NS HOSTSIDE ADDR/LEN GATEWAY BRIDGE: the netns NS with lo up
# and eth0 (the peer of HOSTSIDE, which is on BRIDGE) at ADDR/LEN with a
# default route via GATEWAY. Parts that exist already are kept.
netns_veth() {
	local ns=$1 veth=$2
	netns_exists "$ns" || cmd ip netns add "$ns"
	link_exists "$veth" ||
	    cmd ip link add "$veth" type veth peer name eth0 netns "$ns"
	cmd ip link set "$veth" master "$5" up
	cmd ip -n "$ns" link set lo up
	cmd ip -n "$ns" addr replace "$3" dev eth0
	cmd ip -n "$ns" link set eth0 up
	cmd ip -n "$ns" route replace default via "$4"
}

# bridge_ensure BRIDGE [NS]: the bridge BRIDGE (inside NS if given), up.
# One that exists is kept.
bridge_ensure() {
	link_exists "$1" "${2:-}" ||
	    cmd ip ${2:+-n "$2"} link add "$1" type bridge
	cmd ip ${2:+-n "$2"} link set "$1" up
}

# veth_bridge_leg HOSTSIDE HOSTBRIDGE NS PEER NSBRIDGE: a veth whose host
# side HOSTSIDE is a port of HOSTBRIDGE and whose other end PEER, inside
# NS, is a port of NSBRIDGE there; both ends up. Parts that exist already
# are kept (the bridges must exist).
veth_bridge_leg() {
	local veth=$1 ns=$3 peer=$4
	link_exists "$veth" ||
	    cmd ip link add "$veth" type veth peer name "$peer" netns "$ns"
	cmd ip link set "$veth" master "$2" up
	cmd ip -n "$ns" link set "$peer" master "$5" up
}

# netns_del NS: stops what still runs inside NS (helpers a daemon started
# there, such as dnsmasq: only its owner runs processes in it), then
# deletes it. Returns 1 if there was no NS.
netns_del() {
	local pid
	netns_exists "$1" || return 1
	for pid in $(ip netns pids "$1"); do
		pid_alive "$pid" || continue
		say "stopping pid $pid left in $1: $(pid_args "$pid" | tr '\n' ' ')"
		pid_stop "$pid" "pid $pid in $1" || true
	done
	cmd ip netns del "$1"
}

# veth_del VETH: the host side of a veth whose netns was deleted. The
# kernel dismantles a deleted netns (and its veths) asynchronously: VETH
# is deleted only if it outlives that. Returns 1 if there was no VETH.
veth_del() {
	link_exists "$1" || return 1
	wait_for 5 link_gone "$1" || cmd ip link del "$1" 2>/dev/null || true
}
