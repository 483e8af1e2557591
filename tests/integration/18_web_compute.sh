#!/usr/bin/env bash
# The portal with a compute node, in Chromium
# (tests/browser/compute.test.mjs): an instance launched from the Launch
# form turns ACTIVE without a reload, its console log shows the guest's
# ready line, its row's snapshot makes an image, reboot keeps it ACTIVE,
# stop makes it SHUTOFF and delete removes it.
. "$(dirname "$0")/../lib/harness.sh"

ART=${GUREUM_ARTIFACTS:-$T/artifacts}
BROWSER=$HARNESS_REPO/tests/browser
if [ ! -x /usr/bin/chromium ]; then
	not_ok "/usr/bin/chromium is installed (bash deploy/install-deps.sh)"
	finish
	exit
fi

start_cloud
start_compute nodeW
wait_node_up
make_image web-guest '"visibility":"public"'
make_flavor web.vm 1 128 1
make_member webuser webproj

if [ ! -d "$BROWSER/node_modules/playwright-core" ]; then
	(cd "$BROWSER" && npm ci --ignore-scripts --no-audit --no-fund \
	    --silent) >"$T/npm.log" 2>&1 ||
	    { cat "$T/npm.log"; die "npm ci in tests/browser failed"; }
fi
GUREUM_WEB_URL=$WEB_URL GUREUM_PROJECT=webproj GUREUM_USER=webuser \
    GUREUM_PASSWORD=pw GUREUM_IMAGE_NAME=web-guest \
    GUREUM_FLAVOR_NAME=web.vm GUREUM_ARTIFACTS=$ART \
    timeout 400 node --test --test-reporter=tap \
    "$BROWSER/compute.test.mjs" >"$T/browser.tap" 2>&1
rc=$?
sed 's/^/# /' "$T/browser.tap"
n=0
while IFS= read -r line; do
	case $line in
	"ok "*) ok "browser: ${line#ok * - }"; n=$((n + 1)) ;;
	"not ok "*) not_ok "browser: ${line#not ok * - }"; n=$((n + 1)) ;;
	esac
done <"$T/browser.tap"
check "node --test ran the browser tests and passed (exit $rc)" \
    eval '[ "$rc" = 0 ] && [ "$n" -ge 5 ]'
[ "$rc" = 0 ] || tail -20 "$T/compute.log"
say "screenshots in $ART"
finish
