#!/usr/bin/env bash
# The Capacity page with a compute node, in Chromium
# (tests/browser/capacity-web.test.mjs, with capacity.test.mjs for its
# pure helpers): an admin sees the node's vCPU bar grow when an instance
# is launched and shrink when it is deleted, without a reload, its thin
# disk's real bytes, the node down and up again; a member has no link.
. "$(dirname "$0")/../lib/harness.sh"

. "$(dirname "$0")/../lib/browser.sh"
browser_start

start_cloud
start_compute nodeC
wait_node_up
make_image cap-guest '"visibility":"public"'
make_flavor cap.vm 1 128 1
make_member capuser capproj
PCPUS=$(virsh -c "$LIBVIRT_URI" nodeinfo | awk '/^CPU\(s\)/ { print $2 }')

GUREUM_WEB_URL=$WEB_URL GUREUM_ADMIN_PW=$ADMIN_PW GUREUM_PROJECT=capproj \
    GUREUM_USER=capuser GUREUM_PASSWORD=pw GUREUM_NODE=nodeC \
    GUREUM_PCPUS=$PCPUS GUREUM_COMPUTE_PID=$compute_PID \
    GUREUM_IMAGE_ID=$IMG GUREUM_FLAVOR_ID=$FLV GUREUM_ARTIFACTS=$ART \
    browser_run 400 13 "$BROWSER/capacity-web.test.mjs" \
    "$BROWSER/capacity.test.mjs"
[ "$rc" = 0 ] || tail -20 "$T/compute.log"
api GET "$CP_URL/v2.1/os-hypervisors/detail"
check "the claims are released: nothing used on the node" \
    jqt '.hypervisors[0]."gureum:capacity" | .vcpus.used == 0 and .memory_mb.used == 0 and .disk_gb.thin.used == 0'
say "screenshots in $ART"
finish
