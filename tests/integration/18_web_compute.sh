#!/usr/bin/env bash
# The portal with a compute node, in Chromium
# (tests/browser/compute.test.mjs): an instance launched from the Launch
# form turns ACTIVE without a reload, its console log shows the guest's
# ready line, its live console (a websocket through the console proxy)
# echoes what is typed, its row's snapshot makes an image, reboot keeps it ACTIVE,
# stop makes it SHUTOFF and delete removes it.
. "$(dirname "$0")/../lib/harness.sh"

. "$(dirname "$0")/../lib/browser.sh"
browser_start

start_cloud
start_compute nodeW
wait_node_up
make_image web-guest '"visibility":"public"'
make_flavor web.vm 1 128 1
make_member webuser webproj

GUREUM_WEB_URL=$WEB_URL GUREUM_PROJECT=webproj GUREUM_USER=webuser \
    GUREUM_PASSWORD=pw GUREUM_IMAGE_NAME=web-guest \
    GUREUM_FLAVOR_NAME=web.vm GUREUM_ARTIFACTS=$ART \
    browser_run 400 6 "$BROWSER/compute.test.mjs"
[ "$rc" = 0 ] || tail -20 "$T/compute.log"
say "screenshots in $ART"
finish
