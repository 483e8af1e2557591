#!/usr/bin/env bash
# bench/boot.sh BUILDDIR - from POST /servers to the domain running, and to
# the guest's ready line, against a raw `virsh create` of the same domain
# XML on the same cached image, in one run on one private libvirtd (TCG).
# Goals: running <= 1.3x raw with <= 150 ms of control-plane overhead;
# ready line <= 1.05x raw.
set -uo pipefail
BUILD=${1:?usage: bench/boot.sh BUILDDIR}
export GUREUM_BIN=$BUILD/bin
. "$(dirname "$0")/../tests/lib/harness.sh"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
start_cloud
start_compute bench "shutdown_timeout = 0"
wait_node_up
make_image tiny
make_flavor b1 1 128 1
# Warm the node's image cache, as the goal says "on the cached image".
signed_api POST "http://$AGENT/v1/images/$IMG/cache" >/dev/null

server_state() { api GET "$CP_URL/v2.1/servers/$1"; jq -r .server.status <<<"$BODY"; }
ready_in() { grep -q "gureum-guest ready" "$1" 2>/dev/null; }

# Gureum: POST /servers, poll every 10 ms.
t0=$(now_ms)
api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"b\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\"}}"
ID=$(jq -r .server.id <<<"$BODY")
while [ "$(server_state "$ID")" = BUILD ]; do sleep 0.01; done
G_RUN=$(( $(now_ms) - t0 ))
while ! ready_in "$T/compute/instances/$ID/console.log"; do sleep 0.05; done
G_READY=$(( $(now_ms) - t0 ))

# Raw: the same domain XML, a new uuid/name and its own overlay.
virsh -c "$LIBVIRT_URI" dumpxml --inactive "instance-$ID" >"$T/dom.xml"
mkdir -p "$T/raw"
cp "$T/compute/instances/$ID/config.iso" "$T/raw/config.iso"
api DELETE "$CP_URL/v2.1/servers/$ID"
gone() { ! virsh -c "$LIBVIRT_URI" domstate "instance-$ID" >/dev/null 2>&1; }
wait_for 30 gone
qemu-img create -q -f qcow2 -F qcow2 -b "$(ls "$T"/compute/images/$IMG-*)" "$T/raw/disk.qcow2" 1G
sed -e "s|<name>instance-$ID</name>|<name>raw-bench</name>|" \
    -e "s|<uuid>$ID</uuid>|<uuid>$(cat /proc/sys/kernel/random/uuid)</uuid>|" \
    -e "s|$T/compute/instances/$ID/disk.qcow2|$T/raw/disk.qcow2|" \
    -e "s|$T/compute/instances/$ID/config.iso|$T/raw/config.iso|" \
    -e "s|$T/compute/instances/$ID/console.log|$T/raw/console.log|g" \
    "$T/dom.xml" >"$T/raw.xml"
t0=$(now_ms)
virsh -q -c "$LIBVIRT_URI" create "$T/raw.xml" >/dev/null || die "virsh create failed"
R_RUN=$(( $(now_ms) - t0 ))
while ! ready_in "$T/raw/console.log"; do sleep 0.05; done
R_READY=$(( $(now_ms) - t0 ))
virsh -q -c "$LIBVIRT_URI" destroy raw-bench >/dev/null

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<OUT

== boot latency (TCG, 128 MiB guest, cached 10 MB image)
  raw virsh create -> running      ${R_RUN} ms
  POST /servers -> ACTIVE          ${G_RUN} ms   ratio $(ratio "$G_RUN" "$R_RUN") (goal <= 1.3), overhead $((G_RUN - R_RUN)) ms (goal <= 150)
  raw virsh create -> ready line   ${R_READY} ms
  POST /servers -> ready line      ${G_READY} ms   ratio $(ratio "$G_READY" "$R_READY") (goal <= 1.05)
  (for comparison: OpenStack peer, POST -> ACTIVE median 1880 ms, NOTES.md)
OUT
