#!/usr/bin/env bash
# deploy/lab/lab.sh - the one-machine Gureum cloud (`make lab`, `make lab-down`).
# Usage text: see usage() below, or run it with no arguments.
#
# Everything the lab starts is recorded in a pid file under $STATE/run and
# stopped by that PID only; every network object it creates has a name
# derived from the lab's tag (by default grlab0, grl-NODE, gureum-NODE, and
# for the external network grlabx and grlabxN), so
# a second instance with another tag, address block and state dir runs
# beside the first without touching it (tests/integration/60_lab.sh does).
# No fixed sleeps: readiness is polled. What it shares with the test
# harness (processes, PostgreSQL, libvirtd, namespaces, API calls) is in
# deploy/lib/*.sh.
set -euo pipefail
export LC_ALL=C

if [ "${1:-}" = -v ]; then
	export GUREUM_VERBOSE=1
	shift
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
for lib in "$REPO"/deploy/lib/*.sh; do
	# shellcheck source=/dev/null
	. "$lib"
done
BIN=${GUREUM_BIN:-$REPO/build/bin}
STATE=${GUREUM_LAB_DIR:-/var/lib/gureum-lab}
SKIP_DAEMONS=${GUREUM_LAB_SKIP_DAEMONS:-0}
SKIP_BUILD=${GUREUM_LAB_SKIP_BUILD:-0}
SAVE_LOGS=${GUREUM_LAB_SAVE_LOGS:-}
IMAGE_CACHE=${GUREUM_CACHE_DIR:-/var/cache/gureum}/images
TAG=${GUREUM_LAB_TAG:-lab}
NET=${GUREUM_LAB_NET:-10.99.0}
EXT=${GUREUM_LAB_EXT_NET:-172.24.4}
HEARTBEAT=${GUREUM_LAB_HEARTBEAT:-5}

PG_PORT=5432		# socket only, in STATE/pg/run: never clashes
WAIT=30			# seconds any readiness poll may take
NODES=(node1 node2)
DID_SOMETHING=0		# down: stays 0 when there was nothing to remove

SHARED_CIDR=192.168.100.0/24	# the tenant network `shared` (an overlay)
NODE_EXT_BRIDGE='br-ex'	# in each node's netns: the agents' `public`
NODE_EXT_PEER=ex0	# its port there, the node end of ext_veth_of NODE

# set_addresses: what derives from NET, EXT and TAG (check_settings has
# checked them; netns_of, veth_of and ext_veth_of give the per-node names).
set_addresses() {
	HOST_IP=$NET.1
	declare -gA NODE_IP=([node1]=$NET.11 [node2]=$NET.12)
	BRIDGE=gr${TAG}0	# grlab0 by default
	EXT_BRIDGE=gr${TAG}x	# grlabx: the external network, EXT.1/24
	EXT_POOL="$EXT.100-$EXT.200"	# floating IPs (public-subnet's pool)
	IDENTITY_URL=http://$HOST_IP:5000/v3
	COMPUTE_URL=http://$HOST_IP:8774/v2.1
	IMAGE_URL=http://$HOST_IP:9292
	NETWORK_URL=http://$HOST_IP:9696
	WEB_URL=http://$HOST_IP:8080/
}
set_addresses

usage() {
	cat <<EOF
Usage: deploy/lab/lab.sh [-v] up|down|status

The one-machine Gureum cloud (what \`make lab\` and \`make lab-down\` run).

  up      installs missing packages (deploy/install-deps.sh), builds the
          daemons (make), then starts, on this host:
            - a private PostgreSQL 15 (socket only, in STATE/pg),
            - the underlay bridge $BRIDGE ($HOST_IP/24),
            - the external bridge $EXT_BRIDGE ($EXT.1/24), joined by a veth
              (gr${TAG}xN) to a bridge $NODE_EXT_BRIDGE inside each node,
            - gureum-controller (identity $HOST_IP:5000, compute :8774,
              network :9696, the agents' internal listener :8779)
              and gureum-image ($HOST_IP:9292),
          and two compute nodes, node1 (${NODE_IP[node1]}) and node2
          (${NODE_IP[node2]}), each a network namespace ($(netns_of NODE)) plus
          its own mount and UTS namespace with its own libvirtd,
          gureum-compute and gureum-network. It waits until the compute
          API lists both nodes as up, registers the guest image as the
          public images gureum-tiny and gureum-tiny-emulated, makes the
          networks \`public\` (external, flat on $NODE_EXT_BRIDGE, subnet
          $EXT.0/24 without DHCP, floating IPs .100 to .200) and
          \`shared\` (shared, VXLAN, $SHARED_CIDR with DHCP), and writes
          STATE/openrc. Running it again starts only what is not running,
          and restarts the daemons whose binaries were rebuilt or whose
          configuration files it now writes differently.
  down    destroys the nodes' domains, stops every process the lab started
          (by its recorded PID) and the dnsmasq processes the network
          agents started for the nodes, deletes the namespaces, veths and
          the bridges, and removes STATE. Safe when nothing is up.
  status  shows which of the lab's processes run.

  -v      verbose: echoes each command that changes the host (ip, mount,
          mkdir, process start and kill, pg_ctl, virsh destroy) to stderr
          as "[#] COMMAND" before it runs; GUREUM_VERBOSE=1 does the same.

STATE is \${GUREUM_LAB_DIR:-/var/lib/gureum-lab} (now: $STATE).
Logs: STATE/log/NAME.log. After \`up\`: source STATE/openrc; openstack ...

Environment (a second lab beside the default one needs its own DIR, TAG,
NET and EXT_NET; STATE remembers TAG, NET and EXT_NET, so \`down\` needs
only the DIR):
  GUREUM_LAB_DIR=DIR           state directory (absolute path, no spaces)
  GUREUM_LAB_TAG=TAG           names the lab's network objects: bridges
                               grTAG0 and grTAGx, netns gureum-TAG-NODE,
                               veths grTAG-N and grTAGxN (1 to 8 of a-z
                               0-9, first a letter; default "lab": grlab0,
                               grlabx, gureum-NODE, grl-NODE, grlabxN)
  GUREUM_LAB_NET=A.B.C         the lab's /24: host A.B.C.1, nodes .11 and
                               .12 (default 10.99.0)
  GUREUM_LAB_EXT_NET=A.B.C     the external network's /24: host A.B.C.1 on
                               grTAGx, floating IPs .100 to .200 (default
                               172.24.4)
  GUREUM_LAB_HEARTBEAT=S       agents' heartbeat interval (default 5)
  GUREUM_BIN=DIR               the daemons' binaries (default REPO/build/bin)
  GUREUM_LAB_SKIP_BUILD=1      no make: use the binaries in GUREUM_BIN
  GUREUM_LAB_SKIP_DAEMONS=1    infrastructure only: no build, no gureum
                               daemons, no wait for the hypervisors
  GUREUM_LAB_SAVE_LOGS=DIR     down: copies STATE/log into DIR first
  GUREUM_CACHE_DIR=DIR         the guest image's build cache is DIR/images
                               (default /var/cache/gureum)
EOF
}

say() { printf 'lab: %s\n' "$*"; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

# ---- processes (deploy/lib/proc.sh does the work) ----------------------

# stop_pidfile PIDFILE ARG LABEL: stops the recorded process if it is
# still the one the lab started, then removes the pid file.
stop_pidfile() {
	local pid
	if pidfile_running "$1" "$2"; then
		pid=$(pid_from "$1")
		say "stopping $3 (pid $pid)"
		pid_stop "$pid" "$3" || true
		DID_SOMETHING=1
	fi
	rm -f "$1"
}

# start_daemon NAME COMMAND...: runs COMMAND in its own session in the
# background, output appended to $STATE/log/NAME.log, PID recorded in
# $STATE/run/NAME.pid. setsid does not fork here (the script has no job
# control, so the child is no process-group leader): the PID is the
# daemon's.
start_daemon() {
	local name=$1 log=$STATE/log/$1.log
	shift
	printf '==== %s: %s\n' "$(date -Is)" "$*" >>"$log"
	proc_start "$log" setsid "$@"
	echo "$PROC_PID" >"$STATE/run/$name.pid"
}

# ---- settings -------------------------------------------------------------

# check_state_path: STATE is used inside shell commands and config files,
# so it must be absolute and plain.
check_state_path() {
	case $STATE in
	/*) ;;
	*) die "GUREUM_LAB_DIR must be an absolute path (got '$STATE')." ;;
	esac
	[[ $STATE =~ ^[A-Za-z0-9_./-]+$ ]] ||
	    die "GUREUM_LAB_DIR may hold only letters, digits and _ . / - (got '$STATE')."
	[ "$STATE" != / ] || die "GUREUM_LAB_DIR must not be /."
}

# check_net VARIABLE VALUE: VALUE (the setting VARIABLE) is the first
# three octets of an IPv4 /24.
check_net() {
	local o
	[[ $2 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] ||
	    die "$1 must be three octets such as 10.99.0 (got '$2')."
	for o in "${BASH_REMATCH[@]:1}"; do
		[ "$((10#$o))" -le 255 ] ||
		    die "$1 has an octet above 255 (got '$2')."
	done
}

# load_settings: a state dir remembers the TAG, NET and EXT it was made
# with (STATE/settings), so `down` and `status` need only GUREUM_LAB_DIR,
# and `up` never reuses it with other ones. A state dir from before the
# external network has no ext= line: it takes EXT (make_state adds it).
load_settings() {
	local f=$STATE/settings tag net ext
	[ -r "$f" ] || return 0
	tag=$(sed -n 's/^tag=//p' "$f") net=$(sed -n 's/^net=//p' "$f")
	ext=$(sed -n 's/^ext=//p' "$f")
	[ -n "$ext" ] || ext=$EXT
	if [ "${GUREUM_LAB_TAG:-$tag}" != "$tag" ] ||
	    [ "${GUREUM_LAB_NET:-$net}" != "$net" ] ||
	    [ "${GUREUM_LAB_EXT_NET:-$ext}" != "$ext" ]; then
		die "$STATE was made with GUREUM_LAB_TAG=$tag GUREUM_LAB_NET=$net GUREUM_LAB_EXT_NET=$ext, not ${GUREUM_LAB_TAG:-$tag}, ${GUREUM_LAB_NET:-$net} and ${GUREUM_LAB_EXT_NET:-$ext}: take it down first, or choose another GUREUM_LAB_DIR."
	fi
	TAG=$tag NET=$net EXT=$ext
}

# check_settings: the environment (and the state dir's settings), before
# anything acts on them. TAG goes into interface names (15 characters at
# most; grTAG-N and grTAGxN are 12 at most).
check_settings() {
	check_state_path
	load_settings
	check_net GUREUM_LAB_NET "$NET"
	check_net GUREUM_LAB_EXT_NET "$EXT"
	[ "$EXT" != "$NET" ] ||
	    die "GUREUM_LAB_EXT_NET must differ from GUREUM_LAB_NET (both are '$NET')."
	[ "$EXT.0/24" != "$SHARED_CIDR" ] ||
	    die "GUREUM_LAB_EXT_NET must not be the tenant network shared's $SHARED_CIDR."
	[[ $TAG =~ ^[a-z][a-z0-9]{0,7}$ ]] ||
	    die "GUREUM_LAB_TAG must be 1 to 8 of a-z and 0-9, starting with a letter (got '$TAG')."
	[[ $HEARTBEAT =~ ^[1-9][0-9]{0,3}$ ]] ||
	    die "GUREUM_LAB_HEARTBEAT must be a number of seconds from 1 (got '$HEARTBEAT')."
	set_addresses
}

# ---- state directory --------------------------------------------------------

# random_hex BYTES / random_alnum LEN: secrets from /dev/urandom.
random_hex() { od -An -v -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
random_alnum() {
	local s=""
	while [ ${#s} -lt "$1" ]; do
		s+=$(head -c 64 /dev/urandom | tr -dc 'A-Za-z0-9')
	done
	echo "${s:0:$1}"
}

# make_state: directories, the marker that lets `down` delete STATE, and
# the secrets (generated once, then kept). An existing directory that is
# not empty must already be a lab's: `down` deletes what has the marker.
make_state() {
	if [ -d "$STATE" ] && [ ! -e "$STATE/.gureum-lab" ] &&
	    [ -n "$(ls -A "$STATE")" ]; then
		die "$STATE exists, is not empty and is no lab state dir (no .gureum-lab): choose another GUREUM_LAB_DIR."
	fi
	cmd mkdir -p "$STATE"
	chmod 755 "$STATE"
	touch "$STATE/.gureum-lab"
	[ -e "$STATE/settings" ] || printf 'tag=%s\nnet=%s\next=%s\n' \
	    "$TAG" "$NET" "$EXT" >"$STATE/settings"
	grep -q '^ext=' "$STATE/settings" ||
	    printf 'ext=%s\n' "$EXT" >>"$STATE/settings"
	cmd mkdir -p "$STATE/log" "$STATE/run" "$STATE/etc" "$STATE/images" \
	    "$STATE/nodes"
	(
		umask 077
		[ -s "$STATE/secret" ] || random_hex 32 >"$STATE/secret"
		[ -s "$STATE/admin-password" ] ||
		    random_alnum 20 >"$STATE/admin-password"
	)
}

# ---- PostgreSQL ---------------------------------------------------------------

# pg_up: a private cluster (deploy/lib/pg.sh), socket only, so it never
# clashes with a system cluster on the same port; database `gureum`.
pg_up() {
	local dir=$STATE/pg log=$STATE/log/postgres.log
	[ -s "$dir/data/PG_VERSION" ] ||
	    say "creating the PostgreSQL cluster in $dir/data"
	pg_init "$dir" "$STATE/log/initdb.log"
	if pg_running "$STATE/pg"; then
		say "postgres already running (pid $(pid_from "$dir/data/postmaster.pid"))"
	else
		pg_start "$dir" "$PG_PORT" "$log" "$WAIT"
		say "postgres started (pid $(pid_from "$dir/data/postmaster.pid"))"
	fi
	pg_createdb "$dir" "$PG_PORT" gureum
}

pg_down() {
	if pg_running "$STATE/pg"; then
		say "stopping postgres (pid $(pid_from "$STATE/pg/data/postmaster.pid"))"
		DID_SOMETHING=1
	fi
	pg_stop "$STATE/pg" fast "$WAIT" || true
}

# ---- underlay network -----------------------------------------------------------

# netns_of NODE / veth_of NODE: NODE's network namespace and the host side
# of its veth. The default tag keeps the names labs have always had.
# ext_veth_of NODE: the host side of NODE's veth on the external bridge.
netns_of() {
	if [ "$TAG" = lab ]; then echo "gureum-$1"; else echo "gureum-$TAG-$1"; fi
}
veth_of() {
	if [ "$TAG" = lab ]; then echo "grl-$1"; else echo "gr$TAG-${1#node}"; fi
}
ext_veth_of() { echo "gr${TAG}x${1#node}"; }

# The alias (ifalias) of the lab's bridges and of its external veths
# names the state dir of the lab that made them: a lab never adopts or
# deletes the network of another lab that happens to use the same tag.
lab_alias() { echo "gureum-lab $STATE"; }

# link_is_ours LINK: LINK does not exist, or this lab (or a lab.sh from
# before aliases, which left it empty) made it.
link_is_ours() {
	local alias
	link_exists "$1" || return 0
	alias=$(link_alias "$1")
	[ -z "$alias" ] || [ "$alias" = "$(lab_alias)" ]
}

# foreign_bridge: prints the first of the lab's bridges that another lab
# made; fails if there is none.
foreign_bridge() {
	local br
	for br in "$BRIDGE" "$EXT_BRIDGE"; do
		link_is_ours "$br" || { echo "$br"; return 0; }
	done
	return 1
}

# check_network: before `up` starts anything, the lab's names and
# addresses must be its own or free.
check_network() {
	local br node veth
	if br=$(foreign_bridge); then
		die "bridge $br belongs to another lab ($(link_alias "$br")): choose another GUREUM_LAB_TAG."
	fi
	if ! link_exists "$BRIDGE" && net_in_use "$NET"; then
		die "$NET.0/24 is in use on this machine (ip -4 addr; ip -4 route): choose another GUREUM_LAB_NET."
	fi
	if ! link_exists "$EXT_BRIDGE" && net_in_use "$EXT"; then
		die "$EXT.0/24 is in use on this machine (ip -4 addr; ip -4 route): choose another GUREUM_LAB_EXT_NET."
	fi
	for node in "${NODES[@]}"; do
		veth=$(ext_veth_of "$node")
		link_is_ours "$veth" ||
		    die "$veth belongs to another lab ($(link_alias "$veth")): choose another GUREUM_LAB_TAG."
	done
}

bridge_up() {
	link_exists "$BRIDGE" || cmd ip link add "$BRIDGE" type bridge
	cmd ip link set dev "$BRIDGE" alias "$(lab_alias)"
	cmd ip addr replace "$HOST_IP/24" dev "$BRIDGE"
	cmd ip link set "$BRIDGE" up
}

# ext_bridge_up: the external network on the host side, EXT_BRIDGE at
# EXT.1/24. Its route makes EXT.100-.200 (the floating IPs, on routers'
# legs on the nodes' br-ex) reachable from the host.
ext_bridge_up() {
	bridge_ensure "$EXT_BRIDGE"
	cmd ip link set dev "$EXT_BRIDGE" alias "$(lab_alias)"
	cmd ip addr replace "$EXT.1/24" dev "$EXT_BRIDGE"
}

# node_ext_up NODE: the bridge NODE_EXT_BRIDGE inside NODE's netns (the
# network agent's mapping of the physical network `public`, which it
# plugs into but never makes), joined to EXT_BRIDGE by the veth
# ext_veth_of NODE <-> NODE_EXT_PEER.
node_ext_up() {
	local ns veth
	ns=$(netns_of "$1") veth=$(ext_veth_of "$1")
	bridge_ensure "$NODE_EXT_BRIDGE" "$ns"
	veth_bridge_leg "$veth" "$EXT_BRIDGE" "$ns" "$NODE_EXT_PEER" \
	    "$NODE_EXT_BRIDGE"
	cmd ip link set dev "$veth" alias "$(lab_alias)"
}

# node_net_up NODE: netns_of NODE, veth_of NODE (on the bridge) <-> eth0
# (in the netns, NODE's address), default route via the host, and an
# /etc/netns hosts file so node names resolve inside the nodes.
node_net_up() {
	local node=$1 ns veth ip=${NODE_IP[$1]}
	ns=$(netns_of "$node") veth=$(veth_of "$node")
	# `ip netns add` turns /run/netns into a mount point; `down` undoes
	# that only if it was the lab that did it.
	if ! mountpoint -q /run/netns 2>/dev/null; then
		touch "$STATE/run/netns-mount.ours"
	fi
	netns_veth "$ns" "$veth" "$ip/24" "$HOST_IP" "$BRIDGE"
	node_hosts_file "$ns" "$node"
}

node_hosts_file() {
	local n
	[ -d /etc/netns ] ||
	    { cmd mkdir /etc/netns; touch "$STATE/run/etc-netns.ours"; }
	cmd mkdir -p "/etc/netns/$1"
	{
		echo "127.0.0.1 localhost"
		echo "$HOST_IP gureum-lab-host"
		for n in "${NODES[@]}"; do
			echo "${NODE_IP[$n]} $n"
		done
	} >"/etc/netns/$1/hosts"
}

# ---- per-node libvirtd ----------------------------------------------------------

node_dir() { echo "$STATE/nodes/$1"; }
libvirtd_pidfile() { echo "$STATE/run/$1-libvirtd.pid"; }
libvirtd_running() {
	pidfile_running "$(libvirtd_pidfile "$1")" "$(libvirtd_pidfile "$1")"
}
libvirt_uri() { echo "qemu+tcp://${NODE_IP[$1]}/system"; }

# node_libvirt_config NODE: a copy of /etc/libvirt for NODE, made once
# (deploy/lib/libvirtd.sh: QEMU as root with no security driver and no
# virtlogd, no default network, so no virbr0). TCP without auth on the
# node's own address (lab only), a random host UUID (migration refuses
# identical ones; random, it differs between the nodes and between lab
# instances), migrations on the node's address.
node_libvirt_config() {
	local d ip=${NODE_IP[$1]}
	d=$(node_dir "$1")
	cmd mkdir -p "$d/lib" "$d/log" "$d/cache" "$d/compute" "$d/network" \
	    "$d/netns"
	libvirtd_etc "$d/etc-libvirt" "# gureum lab, node $1
listen_tcp = 1
listen_tls = 0
listen_addr = \"$ip\"
auth_tcp = \"none\"
host_uuid = \"$(cat /proc/sys/kernel/random/uuid)\"
log_outputs = \"3:file:$STATE/log/$1-libvirtd.log\"" "# gureum lab, node $1
migration_address = \"$ip\"
migration_host = \"$ip\""
}

# node_libvirtd_start NODE: libvirtd in NODE's netns plus a private mount
# and UTS namespace (hostname NODE) over NODE's directories.
node_libvirtd_start() {
	local node=$1 d pidfile log=$STATE/log/$1-libvirtd.log
	d=$(node_dir "$node") pidfile=$(libvirtd_pidfile "$node")
	if libvirtd_running "$node"; then
		say "$node: libvirtd already running (pid $(pid_from "$pidfile"))"
		return 0
	fi
	libvirtd_start "$d/etc-libvirt" "$d" "$pidfile" "$log" \
	    "$(netns_of "$node")" "$node" ||
	    die "$node: libvirtd did not start: read $log"
	say "$node: libvirtd started (pid $(pid_from "$pidfile"))"
}

# node_libvirtd_wait NODE: until NODE's libvirtd answers over TCP.
node_libvirtd_wait() {
	libvirtd_wait "$(libvirt_uri "$1")" "$WAIT" ||
	    die "$1: libvirtd does not answer on $(libvirt_uri "$1") after ${WAIT} s: read $STATE/log/$1-libvirtd.log"
}

# node_seed_qemu_caps NODE: a fresh libvirtd probes every QEMU binary
# before it serves (8 s here, CPU-bound: starting the nodes together does
# not help on 2 cores). All nodes run the same libvirtd and QEMU, so the
# first node's probe results are copied into NODE's cache; libvirtd checks
# them (binary ctimes, versions, host CPU) and probes again if they differ.
node_seed_qemu_caps() {
	local sub=qemu/capabilities src dst
	src=$(node_dir "${NODES[0]}")/cache/$sub dst=$(node_dir "$1")/cache/$sub
	[ "$1" != "${NODES[0]}" ] || return 0
	[ -z "$(ls -A "$dst" 2>/dev/null)" ] || return 0
	[ -n "$(ls -A "$src" 2>/dev/null)" ] || return 0
	mkdir -p "$dst"
	cp -p "$src"/*.xml "$dst"/
}

# ---- configuration files ----------------------------------------------------------

# write_conf FILE: FILE gets stdin, unless it says that already. A FILE
# that changed is remembered in CHANGED_CONF: the daemon that reads it is
# restarted (reconfigured), so a running lab picks up a new setting.
declare -A CHANGED_CONF=()
write_conf() {
	local new=$1.new
	cat >"$new"
	if cmp -s "$new" "$1"; then
		rm -f "$new"
		return 0
	fi
	mv "$new" "$1"
	CHANGED_CONF[$1]=1
}

write_host_configs() {
	local db
	db=$(pg_conninfo "$STATE/pg" "$PG_PORT" gureum)
	write_conf "$STATE/etc/controller.conf" <<EOF
# gureum-controller, written by deploy/lab/lab.sh
database = $db
identity_listen = $HOST_IP:5000
compute_listen = $HOST_IP:8774
network_listen = $HOST_IP:9696
internal_listen = $HOST_IP:8779
web_listen = $HOST_IP:8080
console_listen = $HOST_IP:6083
# Pages served on this machine under its loopback names (Horizon run on
# 127.0.0.1, say) may open consoles too, beside those on $HOST_IP.
console_allowed_origins = 127.0.0.1, localhost
web_root = $REPO/web
public_host = $HOST_IP
cluster_secret_file = $STATE/secret
admin_user = admin
admin_project = admin
admin_password_file = $STATE/admin-password
heartbeat_interval = $HEARTBEAT
region = RegionOne
EOF
	write_conf "$STATE/etc/image.conf" <<EOF
# gureum-image, written by deploy/lab/lab.sh
database = $db
listen = $HOST_IP:9292
public_host = $HOST_IP
store_dir = $STATE/images
cluster_secret_file = $STATE/secret
EOF
}

# write_node_configs NODE: compute.conf and network.conf in NODE's dir,
# and the node's own signing key (as on a real host, the node is given its
# key, not the cluster secret). The network agent keeps its namespaces
# (qdhcp-NET, mounted in the node's own mount namespace) and dnsmasq's
# files in NODE's dir, so `down` finds what it left.
write_node_configs() {
	local d ip=${NODE_IP[$1]}
	d=$(node_dir "$1")
	(umask 077; bash "$REPO/deploy/node-key.sh" "$1" "$STATE/secret" \
	    >"$d/node.key")
	write_conf "$d/compute.conf" <<EOF
# gureum-compute on $1, written by deploy/lab/lab.sh
node_name = $1
node_ip = $ip
controller_url = http://$HOST_IP:8779
node_key_file = $d/node.key
libvirt_uri = $(libvirt_uri "$1")
state_dir = $d/compute
virt_type = qemu
heartbeat_interval = $HEARTBEAT
reserved_host_memory_mb = 256
EOF
	write_conf "$d/network.conf" <<EOF
# gureum-network on $1, written by deploy/lab/lab.sh
node_name = $1
node_ip = $ip
controller_url = http://$HOST_IP:8779
node_key_file = $d/node.key
heartbeat_interval = $HEARTBEAT
listen = $ip:8781
netns_dir = $d/netns
state_dir = $d/network
bridge_mappings = public:$NODE_EXT_BRIDGE
EOF
}

write_openrc() {
	cat >"$STATE/openrc" <<EOF
# Gureum lab credentials: source $STATE/openrc
export OS_AUTH_URL=$IDENTITY_URL
export OS_USERNAME=admin
export OS_PASSWORD='$(cat "$STATE/admin-password")'
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_IDENTITY_API_VERSION=3
export OS_REGION_NAME=RegionOne
export GUREUM_WEB_URL=$WEB_URL
EOF
	chmod 600 "$STATE/openrc"
}

# ---- gureum daemons -----------------------------------------------------------------

# build: make, unless GUREUM_LAB_SKIP_BUILD=1 (then the binaries in BIN
# must exist: tests pass their sanitizer build that way).
build() {
	local b
	if [ "$SKIP_BUILD" = 1 ]; then
		say "using the daemons in $BIN (GUREUM_LAB_SKIP_BUILD=1)"
	else
		say "building (make -C $REPO)"
		make -C "$REPO" ||
		    die "the build failed: see the compiler output above."
	fi
	for b in gureum-controller gureum-image gureum-compute gureum-network; do
		[ -x "$BIN/$b" ] || die "there is no $BIN/$b."
	done
}

# port_free PORT: nothing listens on TCP PORT on the lab's address or on
# a wildcard address (either makes our bind fail); other labs' addresses
# do not matter.
port_free() {
	ss -Hltn "sport = :$1" | awk -v p=":$1" -v ours="$HOST_IP:$1" '
	    $4 == ours || $4 == "0.0.0.0" p || $4 == "*" p || $4 == "[::]" p {
	        taken = 1 }
	    END { exit taken }'
}

# rebuilt NAME CONF: NAME runs a binary that has been rebuilt since it
# started (its executable is gone from disk); then it is stopped, so that
# `make lab` after a new build brings up the new version.
rebuilt() {
	local pidfile=$STATE/run/$1.pid
	pidfile_running "$pidfile" "$2" || return 1
	[[ "$(readlink "/proc/$(pid_from "$pidfile")/exe" 2>/dev/null)" == *" (deleted)" ]] ||
	    return 1
	say "$1: its binary was rebuilt; restarting it"
	stop_pidfile "$pidfile" "$2" "$1"
}

# reconfigured NAME CONF: NAME runs, and this `up` changed its CONF
# (write_conf); then it is stopped, to start again on the new one.
reconfigured() {
	local pidfile=$STATE/run/$1.pid
	[ -n "${CHANGED_CONF[$2]:-}" ] || return 1
	pidfile_running "$pidfile" "$2" || return 1
	say "$1: $2 changed; restarting it"
	stop_pidfile "$pidfile" "$2" "$1"
}

# host_daemon_up NAME BINARY CONF PORT URL: starts NAME unless it runs
# (restarts it if its binary was rebuilt or its CONF changed), then waits
# until URL answers.
host_daemon_up() {
	local name=$1 bin=$2 conf=$3 port=$4 url=$5 log=$STATE/log/$1.log pid
	rebuilt "$name" "$conf" || reconfigured "$name" "$conf" || true
	if pidfile_running "$STATE/run/$name.pid" "$conf"; then
		say "$name already running (pid $(pid_from "$STATE/run/$name.pid"))"
	else
		port_free "$port" ||
		    die "TCP port $HOST_IP:$port is taken by a process the lab did not start (see: ss -ltnp 'sport = :$port')."
		start_daemon "$name" "$BIN/$bin" --config "$conf"
		say "$name started (pid $(pid_from "$STATE/run/$name.pid"))"
	fi
	pid=$(pid_from "$STATE/run/$name.pid")
	api_wait "$WAIT" "$url" "$pid" && return 0
	pid_alive "$pid" || die "$name exited: read $log"
	die "$name does not answer $url after ${WAIT} s: read $log"
}

# node_agents_up NODE: gureum-compute and gureum-network inside NODE's
# namespaces (those of its libvirtd: mount, UTS and network).
node_agents_up() {
	local node=$1 d lvpid kind name conf
	d=$(node_dir "$node")
	lvpid=$(pid_from "$(libvirtd_pidfile "$node")")
	for kind in compute network; do
		name=$node-$kind conf=$d/$kind.conf
		rebuilt "$name" "$conf" || reconfigured "$name" "$conf" || true
		if pidfile_running "$STATE/run/$name.pid" "$conf"; then
			say "$name already running (pid $(pid_from "$STATE/run/$name.pid"))"
			continue
		fi
		start_daemon "$name" nsenter -t "$lvpid" -m -u -n -- \
		    "$BIN/gureum-$kind" --config "$conf"
		say "$name started (pid $(pid_from "$STATE/run/$name.pid"))"
	done
}

# admin_token: prints a token for the admin user, from X-Subject-Token.
admin_token() {
	api_token "$IDENTITY_URL" admin "$(cat "$STATE/admin-password")" admin
}

# nodes_not_up TOKEN: prints the lab nodes the hypervisors API does not
# list as "up"; fails if the API does not answer.
nodes_not_up() {
	curl -sf --max-time 2 -H "X-Auth-Token: $1" \
	    "$COMPUTE_URL/os-hypervisors/detail" |
	    jq -r --args '[.hypervisors[] | select(.state == "up") |
	        .hypervisor_hostname] as $up | $ARGS.positional - $up | .[]' \
	    "${NODES[@]}"
}

# nodes_up TOKEN: every lab node is listed as "up".
nodes_up() {
	local missing
	missing=$(nodes_not_up "$1") && [ -z "$missing" ]
}

wait_hypervisors() {
	local token node
	token=$(admin_token)
	[ -n "$token" ] ||
	    die "no admin token from $IDENTITY_URL/auth/tokens: read $STATE/log/controller.log"
	if wait_for "$WAIT" nodes_up "$token"; then
		say "the compute API lists ${NODES[*]} as up"
		return 0
	fi
	for node in $(nodes_not_up "$token" || echo "${NODES[@]}"); do
		say "$node is not up: read $STATE/log/$node-compute.log"
	done
	die "not every node is up in $COMPUTE_URL/os-hypervisors/detail after ${WAIT} s (controller: $STATE/log/controller.log)"
}

# ---- the catalog: guest images and default flavors -----------------------

# images_named TOKEN NAME: "ID STATUS", one line per public image NAME.
images_named() {
	curl -sf --max-time 10 -H "X-Auth-Token: $1" \
	    "$IMAGE_URL/v2/images?name=$2&visibility=public" |
	    jq -r '.images[] | "\(.id) \(.status)"'
}

# image_delete TOKEN ID
image_delete() {
	curl -sf -o /dev/null --max-time 10 -X DELETE -H "X-Auth-Token: $1" \
	    "$IMAGE_URL/v2/images/$2"
}

# image_create TOKEN NAME DISK_BUS VIF_MODEL: a queued public qcow2 image
# (properties are top-level members in Image v2); prints its id.
image_create() {
	local body
	body=$(jq -cn --arg n "$2" --arg b "$3" --arg v "$4" '{name: $n,
	    disk_format: "qcow2", container_format: "bare", visibility: "public",
	    hw_disk_bus: $b, hw_vif_model: $v, os_distro: "busybox"}')
	curl -sf --max-time 10 -H "X-Auth-Token: $1" \
	    -H 'Content-Type: application/json' -d "$body" \
	    "$IMAGE_URL/v2/images" | jq -er .id
}

# register_image TOKEN NAME DISK_BUS VIF_MODEL FILE: the public image NAME,
# made once; its id goes to IMAGE_ID[NAME]. One that is not active (left
# queued, saving or killed by an interrupted earlier run) is deleted and
# made again.
declare -A IMAGE_ID=()
register_image() {
	local token=$1 name=$2 file=$5 list id status active=
	list=$(images_named "$token" "$name") ||
	    die "listing the images failed: read $STATE/log/image.log"
	while read -r id status; do
		[ -n "$id" ] || continue
		if [ "$status" = active ]; then
			active=$id
			continue
		fi
		say "deleting image $name ($id, $status): an earlier up did not finish it"
		image_delete "$token" "$id" ||
		    die "deleting image $id failed: read $STATE/log/image.log"
	done <<<"$list"
	if [ -n "$active" ]; then
		IMAGE_ID[$name]=$active
		return 0
	fi
	id=$(image_create "$token" "$name" "$3" "$4") ||
	    die "creating image $name failed: read $STATE/log/image.log"
	api_image_upload "$token" "$IMAGE_URL" "$id" "$file" ||
	    die "uploading $file as image $name ($id) failed: read $STATE/log/image.log"
	IMAGE_ID[$name]=$id
	say "registered image $name ($id)"
}

# add_flavor TOKEN NAME VCPUS RAM DISK: a public flavor, once.
add_flavor() {
	local token=$1
	if curl -sf --max-time 10 -H "X-Auth-Token: $token" \
	    "$COMPUTE_URL/flavors" |
	    jq -e --arg n "$2" 'any(.flavors[]; .name == $n)' >/dev/null; then
		return 0
	fi
	curl -sf -o /dev/null --max-time 10 -H "X-Auth-Token: $token" \
	    -H 'Content-Type: application/json' \
	    -d "$(api_flavor_body "$2" "$3" "$4" "$5")" "$COMPUTE_URL/flavors" ||
	    die "creating flavor $2 failed: read $STATE/log/controller.log"
}

# catalog_up: the lab's guest image (built once, cached) as gureum-tiny
# (virtio) and gureum-tiny-emulated (IDE disk, e1000 NIC), and the
# default flavors.
catalog_up() {
	local token file
	token=$(admin_token)
	[ -n "$token" ] ||
	    die "no admin token from $IDENTITY_URL/auth/tokens: read $STATE/log/controller.log"
	file=$(bash "$REPO/deploy/guest/build-image.sh" "$IMAGE_CACHE") ||
	    die "building the guest image failed (see above)."
	register_image "$token" gureum-tiny virtio virtio "$file"
	register_image "$token" gureum-tiny-emulated ide e1000 "$file"
	add_flavor "$token" m1.tiny 1 128 1
	add_flavor "$token" m1.small 1 256 2
	add_flavor "$token" m1.medium 2 512 4
	add_flavor "$token" m1.large 4 1024 8
}

# ---- networks: the external network and a shared tenant network --------

# net_find TOKEN COLLECTION NAME [NETWORK_ID]: prints the id of the item
# NAME of COLLECTION (networks or subnets; a subnet on NETWORK_ID), empty
# if there is none; fails if the Network API does not answer.
net_find() {
	curl -sf --max-time 10 -G -H "X-Auth-Token: $1" \
	    --data-urlencode "name=$3" "$NETWORK_URL/v2.0/$2" |
	    jq -r --arg c "$2" --arg n "$3" --arg net "${4:-}" '[.[$c][] |
	        select(.name == $n and ($net == "" or .network_id == $net)) |
	        .id] | first // ""'
}

# net_create TOKEN COLLECTION BODY: POSTs BODY, prints the new item's id.
net_create() {
	curl -sf --max-time 10 -H "X-Auth-Token: $1" \
	    -H 'Content-Type: application/json' -d "$3" \
	    "$NETWORK_URL/v2.0/$2" | jq -er --arg m "${2%s}" '.[$m].id'
}

# net_ensure TOKEN COLLECTION NAME BODY [NETWORK_ID]: the item NAME of
# COLLECTION, made from BODY unless one of that name exists (on
# NETWORK_ID, for a subnet); its id goes to NET_ID[NAME].
declare -A NET_ID=()
net_ensure() {
	local token=$1 coll=$2 name=$3 id
	id=$(net_find "$token" "$coll" "$name" "${5:-}") ||
	    die "listing the $coll failed: read $STATE/log/controller.log"
	if [ -z "$id" ]; then
		id=$(net_create "$token" "$coll" "$4") ||
		    die "creating ${coll%s} $name failed: read $STATE/log/controller.log"
		say "created ${coll%s} $name ($id)"
	fi
	NET_ID[$name]=$id
}

# networks_up: through the Network API, as an admin: `public`, the
# external flat network on the nodes' br-ex (physical network `public`),
# whose subnet is the host's EXT_BRIDGE network without DHCP and hands out
# floating IPs from EXT_POOL; and `shared`, a VXLAN network every project
# may use, with DHCP and no DNS servers.
networks_up() {
	local token
	token=$(admin_token)
	[ -n "$token" ] ||
	    die "no admin token from $IDENTITY_URL/auth/tokens: read $STATE/log/controller.log"
	net_ensure "$token" networks public "$(jq -cn '{network: {
	    name: "public", shared: false, "router:external": true,
	    "provider:network_type": "flat",
	    "provider:physical_network": "public"}}')"
	net_ensure "$token" subnets public-subnet "$(jq -cn \
	    --arg net "${NET_ID[public]}" --arg e "$EXT" '{subnet: {
	    name: "public-subnet", network_id: $net, ip_version: 4,
	    cidr: "\($e).0/24", gateway_ip: "\($e).1", enable_dhcp: false,
	    allocation_pools: [{start: "\($e).100", end: "\($e).200"}]}}')" \
	    "${NET_ID[public]}"
	net_ensure "$token" networks shared "$(jq -cn '{network: {
	    name: "shared", shared: true, "provider:network_type": "vxlan"}}')"
	net_ensure "$token" subnets shared-subnet "$(jq -cn \
	    --arg net "${NET_ID[shared]}" --arg c "$SHARED_CIDR" '{subnet: {
	    name: "shared-subnet", network_id: $net, ip_version: 4,
	    cidr: $c, enable_dhcp: true, dns_nameservers: []}}')" \
	    "${NET_ID[shared]}"
}

summary() {
	local node name label
	cat <<EOF

Gureum lab is up.
  identity  $IDENTITY_URL
  compute   $COMPUTE_URL
  image     $IMAGE_URL
  network   $NETWORK_URL
  web       $WEB_URL
  admin     user admin, password $(cat "$STATE/admin-password"), project admin
  openrc    source $STATE/openrc
EOF
	label=images
	for name in gureum-tiny gureum-tiny-emulated; do
		[ -n "${IMAGE_ID[$name]:-}" ] || continue
		printf '  %-9s %-21s %s\n' "$label" "$name" "${IMAGE_ID[$name]}"
		label=
	done
	[ "$SKIP_DAEMONS" = 1 ] || echo "  flavors   m1.tiny m1.small m1.medium m1.large"
	if [ -n "${NET_ID[public]:-}" ]; then
		printf '  %-9s %-7s %s, external (floating IPs %s on %s)\n' \
		    networks public "$EXT.0/24" "$EXT_POOL" "$EXT_BRIDGE"
		printf '  %-9s %-7s %s, shared, VXLAN, DHCP\n' "" shared \
		    "$SHARED_CIDR"
	fi
	for node in "${NODES[@]}"; do
		printf '  %-9s %s (libvirt %s, netns %s)\n' "$node" \
		    "${NODE_IP[$node]}" "$(libvirt_uri "$node")" "$(netns_of "$node")"
	done
	printf '  bridge    %s (%s/24)\n' "$BRIDGE" "$HOST_IP"
	printf '  external  %s (%s.1/24), %s in each node\n' "$EXT_BRIDGE" \
	    "$EXT" "$NODE_EXT_BRIDGE"
	printf '  logs      %s/log\n\n' "$STATE"
}

# ---- up / down / status -----------------------------------------------------------

lab_up() {
	local t0 node host
	t0=$(now_us)
	host=$(hostname)
	[ "$(id -u)" = 0 ] || die "run as root (the lab creates namespaces and bridges)."
	check_settings
	bash "$REPO/deploy/install-deps.sh" ||
	    die "installing packages failed (see the apt output above)."
	check_network
	[ "$SKIP_DAEMONS" = 1 ] || build
	make_state
	pg_up
	bridge_up
	ext_bridge_up
	write_host_configs
	if [ "$SKIP_DAEMONS" != 1 ]; then
		host_daemon_up controller gureum-controller \
		    "$STATE/etc/controller.conf" 5000 "$IDENTITY_URL"
		host_daemon_up image gureum-image "$STATE/etc/image.conf" \
		    9292 "$IMAGE_URL/"
	fi
	for node in "${NODES[@]}"; do
		node_net_up "$node"
		node_ext_up "$node"
		node_libvirt_config "$node"
		write_node_configs "$node"
		node_seed_qemu_caps "$node"
		node_libvirtd_start "$node"
		node_libvirtd_wait "$node"
		[ "$SKIP_DAEMONS" = 1 ] || node_agents_up "$node"
	done
	[ "$(hostname)" = "$host" ] ||
	    die "the machine's hostname changed from '$host' to '$(hostname)': a lab bug."
	write_openrc
	if [ "$SKIP_DAEMONS" != 1 ]; then
		wait_hypervisors
		catalog_up
		networks_up
	fi
	summary
	say "up in $((($(now_us) - t0) / 1000)) ms"
}

# names_dir PID DIR: one of the process's arguments is a path under DIR
# (DIR ends in /), or an option whose value is one (--pid-file=DIR...).
names_dir() {
	local a
	while IFS= read -r a; do
		case $a in "$2"* | *"=$2"*) return 0 ;; esac
	done < <(pid_args "$1")
	return 1
}

# node_dnsmasq_pids NODE: the dnsmasq processes NODE's network agent
# started (one per network, each in a namespace of its own that netns_del
# does not look into), one PID a line. Their files are in NODE's dir,
# which their arguments name.
node_dnsmasq_pids() {
	local d pid
	d=$(node_dir "$1")/
	for pid in $(pids_referring "$d" dnsmasq); do
		names_dir "$pid" "$d" && echo "$pid"
	done
	return 0
}

# node_dnsmasq_down NODE: stops them (a stopping agent leaves them
# running, on purpose).
node_dnsmasq_down() {
	local pid
	for pid in $(node_dnsmasq_pids "$1"); do
		say "stopping $1's dnsmasq (pid $pid)"
		pid_stop "$pid" "$1's dnsmasq" || true
		DID_SOMETHING=1
	done
}

# node_down NODE: agents and their dnsmasq, then domains, then libvirtd
# (through its unix socket: that works even if the underlay is gone);
# then no QEMU whose arguments name NODE's directory may be left (such a
# one is stopped, with a warning).
node_down() {
	local node=$1 d
	d=$(node_dir "$node")
	stop_pidfile "$STATE/run/$node-network.pid" "$d/network.conf" "$node-network"
	node_dnsmasq_down "$node"
	stop_pidfile "$STATE/run/$node-compute.pid" "$d/compute.conf" "$node-compute"
	libvirtd_running "$node" && DID_SOMETHING=1
	libvirtd_stop "$node-libvirtd" "$(libvirtd_pidfile "$node")" \
	    qemu:///system "$d/" ns ||
	    say "warning: $node: a guest outlived its libvirtd (stopped now)"
}

# node_net_down NODE: anything still inside the node's netns (helpers the
# agents started) -- those processes can only be the lab's; then the netns
# (with br-ex), the veths and the /etc/netns entry.
node_net_down() {
	local ns veth ext
	ns=$(netns_of "$1") veth=$(veth_of "$1") ext=$(ext_veth_of "$1")
	netns_del "$ns" && DID_SOMETHING=1
	veth_del "$veth" && DID_SOMETHING=1
	if link_is_ours "$ext"; then
		veth_del "$ext" && DID_SOMETHING=1
	fi
	if [ -d "/etc/netns/$ns" ]; then
		cmd rm -rf "/etc/netns/$ns"
		DID_SOMETHING=1
	fi
}

# netns_dirs_down: /run/netns (a mount made by `ip netns add`) and
# /etc/netns, only if the lab made them and nobody else uses them now.
netns_dirs_down() {
	if [ -e "$STATE/run/netns-mount.ours" ] &&
	    mountpoint -q /run/netns 2>/dev/null &&
	    [ -z "$(ip netns list)" ]; then
		if cmd umount /run/netns; then
			cmd rmdir /run/netns 2>/dev/null || true
		fi
	fi
	if [ -e "$STATE/run/etc-netns.ours" ]; then
		cmd rmdir /etc/netns 2>/dev/null || true
	fi
}

# state_down: removes STATE, but only a lab state dir (marker file) with
# nothing mounted below it.
state_down() {
	local mounts
	[ -d "$STATE" ] || return 0
	mounts=$(findmnt -rn -o TARGET)
	if grep -q "^$STATE\(/\|$\)" <<<"$mounts"; then
		die "something is still mounted under $STATE (findmnt); not removing it."
	fi
	if [ ! -e "$STATE/.gureum-lab" ] && [ -n "$(ls -A "$STATE")" ]; then
		die "$STATE has no .gureum-lab marker: not a lab state dir, not removing it."
	fi
	cmd rm -rf --one-file-system "$STATE"
	DID_SOMETHING=1
}

# net_down: the nodes' network and the bridges, unless a bridge says that
# they belong to another lab (same tag, another state dir).
net_down() {
	local node br
	if br=$(foreign_bridge); then
		say "$br and the netns $(netns_of '*') belong to another lab ($(link_alias "$br")): leaving them"
		return 0
	fi
	for node in "${NODES[@]}"; do
		node_net_down "$node"
	done
	for br in "$BRIDGE" "$EXT_BRIDGE"; do
		if link_exists "$br"; then
			cmd ip link del "$br"
			DID_SOMETHING=1
		fi
	done
}

# save_logs: with GUREUM_LAB_SAVE_LOGS=DIR, STATE/log is copied there
# (after the daemons stopped, so their last words are in it).
save_logs() {
	[ -n "$SAVE_LOGS" ] && [ -d "$STATE/log" ] || return 0
	mkdir -p "$SAVE_LOGS"
	cp -a "$STATE/log/." "$SAVE_LOGS/"
	say "logs copied to $SAVE_LOGS"
}

lab_down() {
	local node
	[ "$(id -u)" = 0 ] || die "run as root."
	check_settings
	for node in "${NODES[@]}"; do
		node_down "$node"
	done
	stop_pidfile "$STATE/run/image.pid" "$STATE/etc/image.conf" image
	stop_pidfile "$STATE/run/controller.pid" "$STATE/etc/controller.conf" controller
	pg_down
	net_down
	netns_dirs_down
	save_logs
	state_down
	[ "$DID_SOMETHING" = 0 ] || say "down: everything the lab made is gone"
}

# show NAME PIDFILE ARG: one status line.
show() {
	if pidfile_running "$2" "$3"; then
		printf '  %-18s running (pid %s)\n' "$1" "$(pid_from "$2")"
	else
		printf '  %-18s not running\n' "$1"
	fi
}

lab_status() {
	local node d
	check_settings
	[ -d "$STATE" ] || { echo "lab: not up ($STATE does not exist)"; return 0; }
	echo "lab: $STATE (bridge $BRIDGE, $NET.0/24;" \
	    "external $EXT_BRIDGE, $EXT.0/24)"
	show postgres "$STATE/pg/data/postmaster.pid" "$STATE/pg/data"
	show controller "$STATE/run/controller.pid" "$STATE/etc/controller.conf"
	show image "$STATE/run/image.pid" "$STATE/etc/image.conf"
	for node in "${NODES[@]}"; do
		d=$(node_dir "$node")
		show "$node-libvirtd" "$(libvirtd_pidfile "$node")" "$(libvirtd_pidfile "$node")"
		show "$node-compute" "$STATE/run/$node-compute.pid" "$d/compute.conf"
		show "$node-network" "$STATE/run/$node-network.pid" "$d/network.conf"
		printf '  %-18s %s running\n' "$node-dnsmasq" \
		    "$(node_dnsmasq_pids "$node" | wc -l)"
	done
}

case ${1:-} in
up) lab_up ;;
down) lab_down ;;
status) lab_status ;;
-h | --help | help | "") usage ;;
*) usage >&2; exit 2 ;;
esac
