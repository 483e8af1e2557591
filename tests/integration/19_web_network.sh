#!/usr/bin/env bash
# The portal's Networks and Topology pages in Chromium
# (tests/browser/network.test.mjs, with topo.test.mjs for the layout): a
# member makes a network and its subnet in one form, a refused CIDR shows
# Neutron's sentence at the form and leaves no network, a router to the
# admin's external network `public` gets an interface, floating IPs are
# allocated, associated with an instance (by name) and a port, given port
# forwards and released, refusals (a floating IP with forwards, an
# interface a floating IP needs, a router with interfaces, a network with
# ports) shown in their rows; the topology draws the network, the router, the
# instance, the ports and the floating IPs with their labels, a port
# named like markup as text.
. "$(dirname "$0")/../lib/harness.sh"

. "$(dirname "$0")/../lib/browser.sh"
browser_start

start_api_cloud
N=$NET_URL/v2.0
api POST "$N/networks" '{"network":{"name":"public","router:external":true,"provider:network_type":"flat","provider:physical_network":"public"}}'
expect 201 "the admin makes the external network public"
PUB=$(jq -r .network.id <<<"$BODY")
api POST "$N/subnets" "{\"subnet\":{\"network_id\":\"$PUB\",\"cidr\":\"172.24.4.0/24\",\"ip_version\":4,\"enable_dhcp\":false,\"allocation_pools\":[{\"start\":\"172.24.4.100\",\"end\":\"172.24.4.200\"}]}}"
expect 201 "and its subnet"
make_member netuser netproj
# A server of the project's has no node to go to: it turns ERROR with its
# port made and kept, as an instance on the network without a dataplane.
# Twenty of them, for the topology's readability.
api PUT "$CP_URL/v2.1/os-quota-sets/$MEMBER_PROJECT" \
    '{"quota_set":{"instances":30,"cores":30}}'
expect 200 "the admin lets the project have 30 instances"
make_flavor net.tiny 1 64 1
qemu-img create -q -f qcow2 "$T/tiny.qcow2" 16M
make_image net-tiny '"visibility":"public"' "$T/tiny.qcow2"

GUREUM_WEB_URL=$WEB_URL GUREUM_PROJECT=netproj GUREUM_USER=netuser \
    GUREUM_PASSWORD=pw GUREUM_IMAGE_ID=$IMG GUREUM_FLAVOR_ID=$FLV \
    GUREUM_ARTIFACTS=$ART \
    browser_run 300 10 "$BROWSER/network.test.mjs" "$BROWSER/topo.test.mjs"

# What the page left, seen by the admin.
api GET "$N/networks?name=net-bad"
check "the refused subnet's network is gone" jqt '.networks == []'
api GET "$N/routers?name=r-web"
check "the router deleted from its row is gone" jqt '.routers == []'
check "and no router port is left (its gateway's went with it)" test \
    "$(psql_q "SELECT count(*) FROM ports WHERE device_owner LIKE 'network:router%'")" = 0
check "no floating IP is left" test \
    "$(psql_q "SELECT count(*) FROM floatingips")" = 0
say "screenshots in $ART"
finish
