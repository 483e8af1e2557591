#!/usr/bin/env bash
# The sample configurations in deploy/systemd/ (what /etc/gureum/ holds on
# real hosts) name only settings the daemons read, with values they accept:
# each daemon starts on its sample, every commented-out default switched
# on and only the host's addresses and paths replaced, and warns of no
# unknown setting.
. "$(dirname "$0")/../lib/harness.sh"

SAMPLES=$HARNESS_REPO/deploy/systemd

# sample NAME KEY=VALUE...: $T/NAME.conf from the sample NAME.conf, with
# each "#key = value" line switched on and each KEY set to VALUE (a KEY
# the sample does not name is an error).
sample() {
	local name=$1 kv
	shift
	sed 's/^#\([a-z_]* = \)/\1/' "$SAMPLES/$name.conf" >"$T/$name.conf"
	for kv; do
		grep -q "^${kv%%=*} = " "$T/$name.conf" ||
		    die "$name.conf names no ${kv%%=*}"
		awk -v k="${kv%%=*}" -v v="${kv#*=}" \
		    '$1 == k && $2 == "=" { $0 = k " = " v } { print }' \
		    "$T/$name.conf" >"$T/$name.tmp" && mv "$T/$name.tmp" "$T/$name.conf"
	done
}

# no_unknown NAME: the daemon NAME warned of no setting in its log.
no_unknown() {
	check "$1 reads every setting of deploy/systemd/$1.conf" \
	    eval "! grep 'unknown setting' '$T/$1.log'"
}

start_pg
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/secret"
echo "samplepw" >"$T/admin-password"
IDP=$(free_port) CPP=$(free_port) IMP=$(free_port) AGP=$(free_port)
INP=$(free_port) NWP=$(free_port) WBP=$(free_port) COP=$(free_port)
ID_URL=http://127.0.0.1:$IDP CP_URL=http://127.0.0.1:$CPP
INT_URL=http://127.0.0.1:$INP
IMG_URL=http://127.0.0.1:$IMP

sample controller "database=$PG_CONNINFO" "cluster_secret_file=$T/secret" \
    "admin_password_file=$T/admin-password" \
    "identity_listen=127.0.0.1:$IDP" "compute_listen=127.0.0.1:$CPP" \
    "internal_listen=127.0.0.1:$INP" "network_listen=127.0.0.1:$NWP" \
    "web_listen=127.0.0.1:$WBP" "web_root=$HARNESS_REPO/web" \
    "console_listen=127.0.0.1:$COP" \
    public_host=127.0.0.1 "image_port=$IMP"
start_daemon controller gureum-controller "$T/controller.conf"
check "the controller starts on its sample" \
    api_wait 20 "$ID_URL/v3" "$controller_PID"
no_unknown controller

sample image "database=$PG_CONNINFO" "cluster_secret_file=$T/secret" \
    "listen=127.0.0.1:$IMP" public_host=127.0.0.1 "store_dir=$T/images"
start_daemon image gureum-image "$T/image.conf"
check "the image service starts on its sample" \
    api_wait 20 "$IMG_URL/" "$image_PID"
no_unknown image

start_libvirtd
node_key node1 >"$T/node.key"
sample compute node_ip=127.0.0.1 "controller_url=$INT_URL" \
    "image_url=$IMG_URL" "node_key_file=$T/node.key" \
    "listen=127.0.0.1:$AGP" "libvirt_uri=$LIBVIRT_URI" \
    "state_dir=$T/compute" virt_type=qemu
start_daemon compute gureum-compute "$T/compute.conf"
TOKEN=$(get_token admin samplepw admin)
node_up() {
	api GET "$CP_URL/v2.1/os-hypervisors/detail"
	jqt '.hypervisors[] | select(.hypervisor_hostname == "node1") | .state == "up"'
}
check "the compute agent starts on its sample and its node comes up" \
    wait_for 15 node_up
no_unknown compute

sample network node_ip=127.0.0.1 "controller_url=$INT_URL" \
    "node_key_file=$T/node.key" "listen=127.0.0.1:$(free_port)" \
    "netns_dir=$T/netns" "state_dir=$T/network"
start_daemon network gureum-network "$T/network.conf"
registered() {
	test "$(psql_q "SELECT count(*) FROM agents WHERE host = 'node1' AND kind = 'network'")" = 1
}
check "the network agent starts on its sample and registers" \
    wait_for 15 registered
no_unknown network
finish
