# tests/lib/harness.sh - sourced by every integration test.
#
# Gives each test its own temp dir, free ports, a private PostgreSQL and the
# daemons it asks for; everything started is recorded by PID and stopped on
# exit, so tests never touch a running lab. Assertions print TAP-like lines
# and `finish` prints the closing "N passed, N failed" line.

set -uo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
GUREUM_BIN=${GUREUM_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/bin}
T=$(mktemp -d /tmp/gureum-test.XXXXXX)
chmod 755 "$T"
PIDS=()
PASSED=0
FAILED=0
# Cheap password hashes in tests: hashing cost is not what they test.
export GUREUM_PBKDF2_ITER=${GUREUM_PBKDF2_ITER:-1000}

stop_all() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		# Wait for each to go, so the temp dir is not in use.
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null
	done
	PIDS=()
}

cleanup() {
	stop_all
	if [ -f "$T/pg/data/postmaster.pid" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$T/pg/data" -m immediate \
		    stop >/dev/null 2>&1
	fi
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
# outgoing connections take their local ports, which would clash).
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		if ! ss -Hltn "sport = :$p" | grep -q .; then
			echo "$p"
			return
		fi
	done
}

# wait_for SECONDS COMMAND...: polls every 0.1 s until the command succeeds.
wait_for() {
	local limit=$1; shift
	local end=$((SECONDS + limit))
	while [ $SECONDS -le $end ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# start_pg: private cluster in $T/pg; sets PG_CONNINFO.
start_pg() {
	mkdir -p "$T/pg/run"
	chown -R postgres: "$T/pg"
	runuser -u postgres -- "$PGBIN/initdb" -D "$T/pg/data" -A trust \
	    -U postgres >"$T/pg/initdb.log" 2>&1 || die "initdb failed: $T/pg/initdb.log"
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$T/pg/data" -l "$T/pg/log" -w \
	    -o "-p 5432 -k $T/pg/run -c listen_addresses='' -c fsync=off" \
	    start >/dev/null || die "postgres did not start: $T/pg/log"
	runuser -u postgres -- "$PGBIN/../bin/createdb" -h "$T/pg/run" gureum ||
	    /usr/bin/createdb -h "$T/pg/run" -U postgres gureum || die "createdb failed"
	PG_CONNINFO="host=$T/pg/run port=5432 dbname=gureum user=postgres"
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

# start_daemon NAME BINARY CONFIG: background, log in $T/NAME.log.
start_daemon() {
	local name=$1 bin=$2 conf=$3
	"${DAEMON_BIN:-$GUREUM_BIN}/$bin" --config "$conf" >"$T/$name.log" 2>&1 &
	PIDS+=($!)
	eval "${name}_PID=$!"
}

# start_controller: writes $T/controller.conf, starts it, waits for /v3.
# Sets ID_URL, CP_URL, INT_URL (the agents' internal listener), ADMIN_PW,
# SECRET.
start_controller() {
	local idp cpp intp
	idp=$(free_port); cpp=$(free_port); intp=$(free_port)
	IMG_PORT=$(free_port)
	ADMIN_PW=adminpw-$RANDOM
	SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	echo "$SECRET" >"$T/secret"
	cat >"$T/controller.conf" <<CONF
database = $PG_CONNINFO
identity_listen = 127.0.0.1:$idp
compute_listen = 127.0.0.1:$cpp
internal_listen = 127.0.0.1:$intp
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
	wait_for 20 curl -sf "$ID_URL/v3" || {
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
	local body
	body=$(jq -nc --arg u "$1" --arg p "$2" --arg pr "$3" '{auth:{identity:{
	    methods:["password"],password:{user:{name:$u,domain:{name:"Default"},
	    password:$p}}},scope:{project:{name:$pr,domain:{name:"Default"}}}}}')
	TOKEN= api POST "$ID_URL/v3/auth/tokens" "$body"
	[ "$STATUS" = 201 ] && header X-Subject-Token
}

# jqt FILTER [JSON]: true if the jq filter holds on JSON (default: BODY).
jqt() {
	jq -e "$1" <<<"${2:-$BODY}" >/dev/null 2>&1
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

# start_libvirtd: a private libvirtd for this test, in its own mount
# namespace (its own /etc/libvirt, /var/lib/libvirt, /run/libvirt...), with
# its sockets in $T/libvirt/sock. Sets LIBVIRT_URI. QEMU runs as root with
# no security driver, as in the lab's nodes.
start_libvirtd() {
	local d=$T/libvirt
	mkdir -p "$d/etc" "$d/lib" "$d/log" "$d/cache" "$d/sock" /run/libvirt
	cp -a /etc/libvirt/. "$d/etc/"
	rm -f "$d"/etc/qemu/networks/autostart/*
	echo "unix_sock_dir = \"$d/sock\"" >>"$d/etc/libvirtd.conf"
	printf '%s\n' 'stdio_handler = "file"' 'user = "root"' 'group = "root"' \
	    'security_driver = "none"' >>"$d/etc/qemu.conf"
	unshare -m --propagation private sh -ec "
		mount --bind $d/etc /etc/libvirt
		mount --bind $d/lib /var/lib/libvirt
		mount --bind $d/log /var/log/libvirt
		mount --bind $d/cache /var/cache/libvirt
		mount -t tmpfs tmpfs /run/libvirt
		exec libvirtd -d -p $d/libvirtd.pid" || die "libvirtd did not start"
	wait_for 10 test -S "$d/sock/libvirt-sock" || die "libvirtd socket missing"
	PIDS+=("$(cat "$d/libvirtd.pid")")
	LIBVIRT_URI="qemu:///system?socket=$d/sock/libvirt-sock"
	wait_for 10 virsh -c "$LIBVIRT_URI" version || die "libvirtd does not answer"
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
	wait_for 20 curl -s -o /dev/null "$IMG_URL/" || {
		cat "$T/image.log"; die "image service did not come up"; }
}

# node_key NODE: the key NODE signs with, derived from the cluster secret
# as common/gr_sign.c derives it (HKDF-SHA256, salt "gureum-node-key").
node_key() {
	openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt "key:$SECRET" \
	    -kdfopt salt:gureum-node-key -kdfopt "info:$1" HKDF |
	    tr -d ':\n' | tr 'A-F' 'a-f'
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
	cat >"$T/$name.conf" <<CONF
node_name = $1
node_ip = 127.0.0.1
controller_url = $INT_URL
image_url = ${IMG_URL:-http://127.0.0.1:1}
cluster_secret_file = $T/secret
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

# wait_node_up: waits until the (first) hypervisor reports up.
wait_node_up() {
	node_up() { api GET "$CP_URL/v2.1/os-hypervisors/detail"; jqt '.hypervisors[0].state == "up"'; }
	wait_for 10 node_up || die "the node did not come up"
}

# make_image NAME [FIELDS] [FILE]: a qcow2 image with more JSON members
# FIELDS (e.g. '"visibility":"public"') and FILE's data (default: the
# guest image). Sets IMG to its id.
make_image() {
	api POST "$IMG_URL/v2/images" "{\"name\":\"$1\",\"disk_format\":\"qcow2\",\"container_format\":\"bare\"${2:+,$2}}"
	IMG=$(jq -r .id <<<"$BODY")
	api PUT "$IMG_URL/v2/images/$IMG/file" "" --data-binary @"${3:-$BASE}" \
	    -H 'Content-Type: application/octet-stream'
	[ "$STATUS" = 204 ] || die "could not upload image $1: $BODY"
}

# make_flavor NAME VCPUS RAM_MB DISK_GB: sets FLV to its id.
make_flavor() {
	api POST "$CP_URL/v2.1/flavors" "{\"flavor\":{\"name\":\"$1\",\"vcpus\":$2,\"ram\":$3,\"disk\":$4}}"
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

# guest_image: builds (or reuses) the lab's guest image; sets BASE.
guest_image() {
	BASE=$(bash "$(dirname "${BASH_SOURCE[0]}")/../../deploy/guest/build-image.sh" \
	    "${GUREUM_CACHE_DIR:-/var/cache/gureum}/images") ||
	    die "the guest image did not build"
}
