# tests/lib/harness.sh - sourced by every integration test.
#
# Gives each test its own temp dir, free ports, a private PostgreSQL and the
# daemons it asks for; everything started is recorded by PID and stopped on
# exit, so tests never touch a running lab. Assertions print TAP-like lines
# and `finish` prints the closing "N passed, N failed" line. Processes,
# PostgreSQL and libvirtd are handled by deploy/lib/*.sh, as in the lab;
# GUREUM_VERBOSE=1 echoes each host-changing command to stderr.

set -uo pipefail

HARNESS_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
for lib in "$HARNESS_REPO"/deploy/lib/*.sh; do
	# shellcheck source=/dev/null
	. "$lib"
done
GUREUM_BIN=${GUREUM_BIN:-$HARNESS_REPO/build/bin}
T=$(mktemp -d /tmp/gureum-test.XXXXXX)
chmod 755 "$T"
# tests/run.sh lists every test's dir, to check at the end that none left
# a process behind (tests/integration/99_no_leftovers.sh).
[ -z "${GUREUM_TEST_DIRS:-}" ] || echo "$T" >>"$GUREUM_TEST_DIRS"
PIDS=()
PASSED=0
FAILED=0
# Cheap password hashes in tests: hashing cost is not what they test.
export GUREUM_PBKDF2_ITER=${GUREUM_PBKDF2_ITER:-1000}

say() { echo "# $*"; }

# stop_all: SIGTERM to every PID in PIDS at once, then up to 5 s each to
# go (so the temp dir is not in use), then SIGKILL.
stop_all() {
	local pid
	for pid in "${PIDS[@]}"; do
		cmd kill "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		pid_stop "$pid" "pid $pid" 5
	done
	PIDS=()
}

# stop_libvirtd: the test's libvirtd (start_libvirtd), its domains
# destroyed first; then no QEMU whose arguments name the temp dir may be
# left. Returns 1 if one was (it is stopped now): a guest leaked.
stop_libvirtd() {
	[ -n "${LIBVIRT_URI:-}" ] || { qemu_reap test "$T/"; return; }
	libvirtd_stop libvirtd "$T/libvirt/libvirtd.pid" "$LIBVIRT_URI" "$T/"
}

cleanup() {
	stop_all
	stop_libvirtd
	pg_stop "$T/pg" immediate 30
	if [ "${KEEP_TMP:-0}" = 1 ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }

# check DESCRIPTION COMMAND...: passes if the command succeeds.
check() {
	local d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

finish() {
	# Stop the daemons first: sanitizers report leaks at exit.
	stop_all
	stop_libvirtd ||
	    not_ok "no QEMU of this test outlived its libvirtd (or the test)"
	local f
	for f in "$T"/*.log; do
		[ -e "$f" ] || continue
		if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f"; then
			not_ok "sanitizer report in $(basename "$f")"
			grep -E -A20 'Sanitizer|runtime error' "$f" | head -40
		fi
		# A setting a daemon ignores is a typo in a test or the lab.
		if grep -q "unknown setting" "$f"; then
			not_ok "$(basename "$f"): $(grep -m1 -o "unknown setting.*" "$f")"
		fi
	done
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}

die() { echo "Bail out! $*"; exit 1; }

# A TCP port nobody listens on now, below the ephemeral range (where
# outgoing connections take their local ports, which would clash), and
# not one this test was already given: ports are often picked in a row
# before any daemon binds them (start_controller takes six), so the
# listening check alone could hand out the same port twice. The ports
# given are kept in $T/ports, as this runs in a subshell.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		grep -qx "$p" "$T/ports" 2>/dev/null && continue
		if ! ss -Hltn "sport = :$p" | grep -q .; then
			echo "$p" >>"$T/ports"
			echo "$p"
			return
		fi
	done
}

# start_pg: private cluster in $T/pg (deploy/lib/pg.sh); sets PG_CONNINFO.
start_pg() {
	pg_init "$T/pg" "$T/pg/initdb.log"
	pg_start "$T/pg" 5432 "$T/pg/log" 60 fsync=off
	pg_createdb "$T/pg" 5432 gureum
	PG_CONNINFO=$(pg_conninfo "$T/pg" 5432 gureum)
}

# restart_pg: restarts the private cluster the fast way (open sessions are
# cut off, as a restart in production does) and returns once it accepts
# connections again.
restart_pg() {
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$T/pg/data" -m fast -w \
	    restart >>"$T/pg/log" 2>&1 || die "postgres did not restart: $T/pg/log"
	wait_for 20 pg_isready -q -h "$T/pg/run" -p 5432 ||
	    die "postgres does not accept connections after its restart"
}

psql_q() {
	psql -h "$T/pg/run" -U postgres -d gureum -At -c "$1"
}

# start_daemon NAME BINARY CONFIG: background, log in $T/NAME.log (made
# anew); sets NAME_PID. With DAEMON_NETNS set, it runs in that named
# network namespace (one the test made).
start_daemon() {
	local name=$1 bin=$2 conf=$3 in=()
	[ -z "${DAEMON_NETNS:-}" ] || in=(nsenter "--net=/run/netns/$DAEMON_NETNS")
	: >"$T/$name.log"
	proc_start "$T/$name.log" "${in[@]}" "${DAEMON_BIN:-$GUREUM_BIN}/$bin" \
	    --config "$conf"
	PIDS+=("$PROC_PID")
	printf -v "${name}_PID" %s "$PROC_PID"
}

# start_controller: writes $T/controller.conf, starts it, waits for /v3.
# Sets ID_URL, CP_URL, NET_URL, INT_URL (the agents' internal listener),
# WEB_URL (the web portal, serving the repository's web/), CONSOLE_PORT
# (the consoles' websocket proxy), ADMIN_PW,
# SECRET and SECRET_FILE (the file it is in).
start_controller() {
	local idp cpp intp netp webp
	idp=$(free_port); cpp=$(free_port); intp=$(free_port); netp=$(free_port)
	webp=$(free_port)
	CONSOLE_PORT=$(free_port)
	IMG_PORT=$(free_port)
	ADMIN_PW=adminpw-$RANDOM
	SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	echo "$SECRET" >"$T/secret"
	SECRET_FILE=$T/secret
	cat >"$T/controller.conf" <<CONF
database = $PG_CONNINFO
identity_listen = 127.0.0.1:$idp
compute_listen = 127.0.0.1:$cpp
internal_listen = 127.0.0.1:$intp
network_listen = 127.0.0.1:$netp
web_listen = 127.0.0.1:$webp
console_listen = 127.0.0.1:$CONSOLE_PORT
web_root = $HARNESS_REPO/web
public_host = 127.0.0.1
cluster_secret_file = $T/secret
admin_password = $ADMIN_PW
heartbeat_interval = ${HEARTBEAT:-1}
image_port = $IMG_PORT
${CONTROLLER_EXTRA:-}
CONF
	start_daemon controller gureum-controller "$T/controller.conf"
	ID_URL=http://127.0.0.1:$idp
	CP_URL=http://127.0.0.1:$cpp
	INT_URL=http://127.0.0.1:$intp
	NET_URL=http://127.0.0.1:$netp
	WEB_URL=http://127.0.0.1:$webp
	api_wait 20 "$ID_URL/v3" "$controller_PID" || {
		cat "$T/controller.log"; die "controller did not come up"; }
}

# api METHOD URL [JSON] [extra curl args...]: sets STATUS, BODY, HDRS.
api() {
	local m=$1 u=$2 d=${3:-}; shift 3 2>/dev/null || shift $#
	local args=(-s -X "$m" -o "$T/body" -D "$T/hdrs" -w '%{http_code}')
	[ -n "${TOKEN:-}" ] && args+=(-H "X-Auth-Token: $TOKEN")
	if [ -n "$d" ]; then
		[[ " $* " == *" Content-Type: "* ]] || args+=(-H 'Content-Type: application/json')
		args+=(--data-binary "$d")
	fi
	STATUS=$(curl "${args[@]}" "$@" "$u")
	BODY=$(cat "$T/body")
	HDRS=$(tr -d '\r' <"$T/hdrs")
}

# header NAME: value of a response header from the last api call.
header() {
	echo "$HDRS" | awk -v n="$(echo "$1" | tr A-Z a-z)" -F': ' \
	    'tolower($1) == n { print $2 }' | tail -1
}

# get_token USER PASSWORD PROJECT: prints a token (empty on failure).
get_token() {
	TOKEN= api POST "$ID_URL/v3/auth/tokens" "$(api_auth_body "$1" "$2" "$3")"
	[ "$STATUS" = 201 ] && header X-Subject-Token
}

# jqt FILTER [JSON]: true if the jq filter holds on JSON (default: BODY).
# Empty JSON is false: jq -e finds no value in it and exits 0, which
# would pass any check on a command that printed nothing.
jqt() {
	local in=${BODY-}
	[ $# -ge 2 ] && in=$2
	[[ $in == *[![:space:]]* ]] || return 1
	jq -e "$1" <<<"$in" >/dev/null 2>&1
}

# expect STATUS DESCRIPTION: checks the last api call's status.
expect() {
	if [ "$STATUS" = "$1" ]; then ok "$2 ($1)"
	else not_ok "$2: wanted $1, got $STATUS: $BODY"; fi
}

# expect_fault STATUS DESCRIPTION: status plus a fault with a message.
expect_fault() {
	local msg
	msg=$(echo "$BODY" | jq -r '.[]?.message // empty' 2>/dev/null)
	if [ "$STATUS" = "$1" ] && [ -n "$msg" ]; then ok "$2 ($1: $msg)"
	else not_ok "$2: wanted a $1 fault, got $STATUS: $BODY"; fi
}

# start_libvirtd: a private libvirtd for this test (deploy/lib/libvirtd.sh),
# in its own mount namespace (its own /etc/libvirt, /var/lib/libvirt,
# /run/libvirt...), with its sockets in $T/libvirt/sock and its log in
# $T/libvirt.log. Sets LIBVIRT_URI. QEMU runs as root with no security
# driver, as in the lab's nodes. The harness stops it after the daemons
# (stop_libvirtd), destroying its domains first.
start_libvirtd() {
	local d=$T/libvirt
	mkdir -p "$d/sock"
	libvirtd_etc "$d/etc" "unix_sock_dir = \"$d/sock\"" ""
	libvirtd_start "$d/etc" "$d" "$d/libvirtd.pid" "$T/libvirt.log" ||
	    die "libvirtd did not start: $T/libvirt.log"
	LIBVIRT_URI="qemu:///system?socket=$d/sock/libvirt-sock"
	libvirtd_wait "$LIBVIRT_URI" 20 || die "libvirtd does not answer"
}

# start_image: the image service on a free port with its store in
# $T/images; IMAGE_EXTRA adds config lines. Sets IMG_URL.
start_image() {
	local p=${IMG_PORT:-$(free_port)}
	cat >"$T/image.conf" <<CONF
database = $PG_CONNINFO
listen = 127.0.0.1:$p
public_host = 127.0.0.1
store_dir = $T/images
cluster_secret_file = $T/secret
${IMAGE_EXTRA:-}
CONF
	start_daemon image gureum-image "$T/image.conf"
	IMG_URL=http://127.0.0.1:$p
	api_wait 20 "$IMG_URL/" "$image_PID" || {
		cat "$T/image.log"; die "image service did not come up"; }
}

# node_key NODE: the key NODE signs with, derived from the cluster secret
# as common/gr_sign.c derives it (HKDF-SHA256, salt "gureum-node-key").
node_key() {
	bash "$HARNESS_REPO/deploy/node-key.sh" "$1" "${SECRET_FILE:-$T/secret}"
}

# signed_api METHOD URL [JSON]: like api, but signed with node SIGN_NODE's
# key (default node1), as the controller signs its calls to that node's
# agents and the node signs its own calls.
signed_api() {
	local m=$1 u=$2 d=${3:-} node=${SIGN_NODE:-node1} path ts bodyhash sig
	path=/${u#*://*/}
	path=${path%%\?*}
	ts=$(date +%s)
	bodyhash=$(printf '%s' "$d" | sha256sum | cut -d' ' -f1)
	sig=$(printf '%s\n%s\n%s\n%s\n%s' "$m" "$path" "$ts" "$node" "$bodyhash" |
	    openssl dgst -sha256 -hmac "$(node_key "$node")" -r | cut -d' ' -f1)
	TOKEN= api "$m" "$u" "$d" -H "X-Gureum-Node: $node" \
	    -H "X-Gureum-Timestamp: $ts" -H "X-Gureum-Signature: $sig"
}

# start_compute NODE [EXTRA] [NAME]: a compute agent for node NODE on the
# test's libvirtd (start_libvirtd first), its API on a free port, state in
# $T/NAME; EXTRA is appended to its configuration. NAME (default compute)
# also names its configuration, log and ${NAME}_PID, so a test can run a
# second agent beside the first. Sets AGENT.
start_compute() {
	local name=${3:-compute}
	AGENT=127.0.0.1:$(free_port)
	node_key "$1" >"$T/$name.key"
	cat >"$T/$name.conf" <<CONF
node_name = $1
node_ip = 127.0.0.1
controller_url = $INT_URL
image_url = ${IMG_URL:-http://127.0.0.1:1}
node_key_file = $T/$name.key
libvirt_uri = $LIBVIRT_URI
state_dir = $T/$name
heartbeat_interval = 1
listen = $AGENT
${2:-}
CONF
	start_daemon "$name" gureum-compute "$T/$name.conf"
}

# start_cloud: what a compute test needs short of its agents: the guest
# image, PostgreSQL, the controller, the image service and a libvirtd.
# Sets TOKEN to the admin's.
start_cloud() {
	guest_image
	start_pg
	start_controller
	start_image
	start_libvirtd
	TOKEN=$(get_token admin "$ADMIN_PW" admin)
}

# start_api_cloud: the API services without a compute node (PostgreSQL,
# the controller, gureum-image with IMAGE_EXTRA if set) and TOKEN an
# admin's; no token ends the test.
start_api_cloud() {
	start_pg
	start_controller
	start_image
	TOKEN=$(get_token admin "$ADMIN_PW" admin)
	[ -n "$TOKEN" ] || die "no admin token"
}

# wait_node_up: waits until the (first) hypervisor reports up.
wait_node_up() {
	node_up() { api GET "$CP_URL/v2.1/os-hypervisors/detail"; jqt '.hypervisors[0].state == "up"'; }
	wait_for 10 node_up || die "the node did not come up"
}

# wait_nodes_up N SECONDS: waits until N hypervisors report up.
wait_nodes_up() {
	nodes_up() {
		api GET "$CP_URL/v2.1/os-hypervisors/detail"
		jqt "[.hypervisors[] | select(.state == \"up\")] | length == $1"
	}
	wait_for "$2" nodes_up "$1" || die "the $1 nodes did not come up: $BODY"
}

# make_image NAME [FIELDS] [FILE]: a qcow2 image with more JSON members
# FIELDS (e.g. '"visibility":"public"') and FILE's data (default: the
# guest image). Sets IMG to its id.
make_image() {
	api POST "$IMG_URL/v2/images" "{\"name\":\"$1\",\"disk_format\":\"qcow2\",\"container_format\":\"bare\"${2:+,$2}}"
	[ "$STATUS" = 201 ] || die "could not create image $1: $STATUS $BODY"
	IMG=$(jq -r .id <<<"$BODY")
	api_image_upload "$TOKEN" "$IMG_URL" "$IMG" "${3:-$BASE}" ||
	    die "could not upload image $1 ($IMG)"
}

# make_flavor NAME VCPUS RAM_MB DISK_GB: sets FLV to its id.
make_flavor() {
	api POST "$CP_URL/v2.1/flavors" "$(api_flavor_body "$1" "$2" "$3" "$4")"
	[ "$STATUS" = 200 ] || die "could not create flavor $1: $BODY"
	FLV=$(jq -r .flavor.id <<<"$BODY")
}

# use_openstack_cli: the stock client's environment for the admin user.
use_openstack_cli() {
	export OS_AUTH_URL=$ID_URL/v3 OS_USERNAME=admin OS_PASSWORD=$ADMIN_PW \
	    OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default \
	    OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 \
	    OS_REGION_NAME=RegionOne
}

# make_member USER PROJECT: creates PROJECT and USER (password "pw") with
# the member role on it, as admin (TOKEN). Sets MEMBER_PROJECT, MEMBER_ID.
make_member() {
	api POST "$ID_URL/v3/projects" "{\"project\":{\"name\":\"$2\"}}"
	MEMBER_PROJECT=$(jq -r .project.id <<<"$BODY")
	api POST "$ID_URL/v3/users" "{\"user\":{\"name\":\"$1\",\"password\":\"pw\",\"default_project_id\":\"$MEMBER_PROJECT\"}}"
	MEMBER_ID=$(jq -r .user.id <<<"$BODY")
	api GET "$ID_URL/v3/roles?name=member"
	api PUT "$ID_URL/v3/projects/$MEMBER_PROJECT/users/$MEMBER_ID/roles/$(jq -r '.roles[0].id' <<<"$BODY")"
	[ "$STATUS" = 204 ] || die "could not make $1 a member of $2: $BODY"
}

# guest_domain NAME DIR: $T/NAME.xml, a domain NAME booting the guest image
# (BASE: guest_image) from DIR/NAME.qcow2 (an overlay, made now), its
# console in DIR/NAME.serial, a user-mode virtio NIC; for `virsh create`.
guest_domain() {
	qemu-img create -q -f qcow2 -F qcow2 -b "$BASE" "$2/$1.qcow2" ||
	    die "qemu-img could not make the overlay $2/$1.qcow2"
	cat >"$T/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$2/$1.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='user'><model type='virtio'/></interface>
    <serial type='file'>
      <source path='$2/$1.serial'/>
      <target port='0'/>
    </serial>
  </devices>
</domain>
XML
}

# guest_image: builds (or reuses) the lab's guest image; sets BASE.
guest_image() {
	BASE=$(bash "$HARNESS_REPO/deploy/guest/build-image.sh" \
	    "${GUREUM_CACHE_DIR:-/var/cache/gureum}/images") ||
	    die "the guest image did not build"
}
