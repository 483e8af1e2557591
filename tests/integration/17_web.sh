#!/usr/bin/env bash
# The web portal's listener (controller/web.c) with curl, then the page in
# Debian's Chromium (tests/browser/web.test.mjs through node --test, with
# fit.test.mjs for the Launch form's helpers): the
# static files with their types and security headers, no way out of
# web_root, the 415 rule, the identity, compute and network route tables
# answering under /api/ as on their own ports, changes-since on the
# servers list, the image API passed on to gureum-image (streamed both
# ways, cut-off transfers, the service down); then login, logout, the
# instances list, the Launch form (choices from the APIs, a key pair made
# in place, a launch seen at once, a quota fault), a row's delete, a
# server's fault and an action's in its row, and an
# expired session in the browser.
. "$(dirname "$0")/../lib/harness.sh"

start_api_cloud
ADMIN_TOKEN=$TOKEN
# The page may also open websockets to the console proxy, on public_host.
CSP="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:$CONSOLE_PORT; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
TOKEN=

# expect_header NAME VALUE DESCRIPTION: the last call's header NAME.
expect_header() {
	local v
	v=$(header "$1")
	if [ "$v" = "$2" ]; then ok "$3"
	else not_ok "$3: $1 is '$v', wanted '$2'"; fi
}
# web_headers WHAT: the last call carried the page's security headers and
# no CORS header.
web_headers() {
	expect_header Content-Security-Policy "$CSP" "$1 has the CSP"
	expect_header X-Content-Type-Options nosniff "$1 has nosniff"
	expect_header Referrer-Policy no-referrer "$1 has no referrer"
	check "$1 has no CORS header" \
	    eval '! grep -qi "^access-control-" <<<"$HDRS"'
}

# ---- static files ----
api GET "$WEB_URL/"
expect 200 "GET / answers the page"
expect_header Content-Type "text/html; charset=utf-8" "/ is HTML"
check "/ is web/index.html" cmp -s "$T/body" "$HARNESS_REPO/web/index.html"
web_headers "the page"
for f in app.mjs:text/javascript lib/api.mjs:text/javascript \
    vendor/preact.mjs:text/javascript style.css:text/css \
    favicon.svg:image/svg+xml; do
	api GET "$WEB_URL/${f%%:*}"
	check "/${f%%:*} is ${f#*:}" eval \
	    '[ "$STATUS" = 200 ] && [[ $(header Content-Type) == "${f#*:}"* ]]'
done
cmp -s "$T/body" "$HARNESS_REPO/web/favicon.svg"
check "a file is sent as it is on disk" [ $? = 0 ]
api HEAD "$WEB_URL/style.css" "" -I
expect 200 "HEAD on a file"
for p in /../Makefile /%2e%2e/Makefile /vendor/../index.html /vendor \
    /vendor/ /vendor/update.sh /package.json /.gitignore /nothing.html \
    //index.html /lib//api.mjs; do
	api GET "$WEB_URL$p" "" --path-as-is
	check "GET $p is 404" [ "$STATUS" = 404 ]
done
check "a 404 carries the security headers too" eval \
    '[ "$(header Content-Security-Policy)" = "$CSP" ]'
api POST "$WEB_URL/index.html" '{}'
expect 405 "POST on a file"

# ---- the APIs under /api/ ----
api GET "$WEB_URL/api/identity/v3"
direct=$(curl -s "$ID_URL/v3")
check "GET /api/identity/v3 answers as the identity port does" \
    [ "$(jq -S . <<<"$BODY")" = "$(jq -S . <<<"$direct")" ]
web_headers "an API answer"
api GET "$WEB_URL/api/identity"
expect 300 "GET /api/identity is identity's versions document"
api POST "$WEB_URL/api/identity/v3/auth/tokens" \
    "$(api_auth_body admin "$ADMIN_PW" admin)"
expect 201 "a token POST through /api/identity"
WTOKEN=$(header X-Subject-Token)
expect_header Cache-Control no-store "the token answer is not cached"
TOKEN=$WTOKEN api GET "$CP_URL/v2.1/flavors"
expect 200 "the token works on the compute port"
TOKEN=$ADMIN_TOKEN api GET "$WEB_URL/api/compute/v2.1/os-hypervisors"
expect 200 "an admin route through /api/compute"
expect_header X-OpenStack-Nova-API-Version 2.1 \
    "compute's own headers are added under /api/compute"
check "and the web's headers too" eval \
    '[ "$(header Content-Security-Policy)" = "$CSP" ]'
api GET "$WEB_URL/api/compute/v2.1/servers"
check "no token under /api/compute is compute's 401" eval \
    '[ "$STATUS" = 401 ] && jqt ".[].message"'
TOKEN=$ADMIN_TOKEN api GET "$WEB_URL/api/compute/v2.1/no-such-thing"
check "an unknown compute path is compute's 404 fault" eval \
    '[ "$STATUS" = 404 ] && jqt ".itemNotFound.message"'
TOKEN=$ADMIN_TOKEN api GET "$WEB_URL/api/network/v2.0/networks"
direct=$(curl -s -H "X-Auth-Token: $ADMIN_TOKEN" "$NET_URL/v2.0/networks")
check "GET /api/network/v2.0/networks answers as the network port does" \
    eval '[ "$STATUS" = 200 ] && [ "$BODY" = "$direct" ]'
check "network's request id header is added" eval \
    '[ -n "$(header X-Openstack-Request-Id)" ]'

# ---- 415: only JSON bodies reach the APIs ----
api POST "$WEB_URL/api/identity/v3/auth/tokens" \
    "$(api_auth_body admin "$ADMIN_PW" admin)" -H 'Content-Type: text/plain'
check "a text/plain token POST is identity's 415 fault" eval \
    '[ "$STATUS" = 415 ] && jqt ".error.code == 415 and (.error.message | length > 0)"'
TOKEN=$ADMIN_TOKEN api POST "$WEB_URL/api/compute/v2.1/flavors" 'a=b' \
    -H 'Content-Type: application/x-www-form-urlencoded'
expect_fault 415 "a form POST to /api/compute"
TOKEN=$ADMIN_TOKEN api PUT "$WEB_URL/api/network/v2.0/networks/x" 'x' \
    -H 'Content-Type: multipart/form-data; boundary=x'
check "a multipart PUT to /api/network is network's 415 fault" eval \
    '[ "$STATUS" = 415 ] && jqt ".NeutronError.message"'
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H "X-Auth-Token: $ADMIN_TOKEN" \
    -H 'Content-Type:' --data-binary '{}' "$WEB_URL/api/compute/v2.1/flavors")
BODY=$(cat "$T/body")
expect_fault 415 "a POST with no Content-Type"
TOKEN=$ADMIN_TOKEN api POST "$WEB_URL/api/compute/v2.1/flavors" \
    "$(api_flavor_body w1 1 64 1)" -H 'Content-Type: Application/JSON; charset=utf-8'
expect 200 "application/json with a charset, in any case, is accepted"
check "the form POST made no flavor" eval \
    '[ "$(psql_q "SELECT count(*) FROM flavors WHERE name = '"'"'a'"'"'")" = 0 ]'
api POST "$ID_URL/v3/auth/tokens" "$(api_auth_body admin "$ADMIN_PW" admin)" \
    -H 'Content-Type: text/plain'
check "the identity port itself keeps its rules (no 415 there)" \
    [ "$STATUS" != 415 ]

# ---- a member, a server, changes-since ----
TOKEN=$ADMIN_TOKEN
make_member webuser webproj
make_flavor web.tiny 1 64 1
qemu-img create -q -f qcow2 "$T/tiny.qcow2" 16M
make_image web-tiny '"visibility":"public"' "$T/tiny.qcow2"
MTOKEN=$(get_token webuser pw webproj)
[ -n "$MTOKEN" ] || die "no member token"
XSS='<img src=x onerror=alert(1)>'
TOKEN=$MTOKEN api POST "$WEB_URL/api/compute/v2.1/servers" \
    "$(jq -cn --arg n "$XSS" --arg i "$IMG" --arg f "$FLV" \
    '{server: {name: $n, imageRef: $i, flavorRef: $f}}')"
expect 202 "a member creates a server through /api/compute"
SRV=$(jq -r .server.id <<<"$BODY")
TOKEN=$MTOKEN api POST "$WEB_URL/api/compute/v2.1/servers" \
    "$(jq -cn --arg i "$IMG" --arg f "$FLV" \
    '{server: {name: "gone", imageRef: $i, flavorRef: $f}}')"
GONE=$(jq -r .server.id <<<"$BODY")
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/detail?changes-since=yesterday"
expect_fault 400 "changes-since that is not a time"
since=$(psql_q "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/detail?changes-since=$since"
check "changes-since now lists nothing" jqt '.servers == []'
TOKEN=$MTOKEN api DELETE "$CP_URL/v2.1/servers/$GONE"
check "a server is deleted" [ "$STATUS" = 204 ]
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/detail?changes-since=$since"
check "changes-since lists the deleted server as DELETED, only it" jqt \
    '[.servers[] | [.id, .status]] == [["'"$GONE"'", "DELETED"]]'
TOKEN=$MTOKEN api GET "$CP_URL/v2.1/servers/detail"
check "without changes-since the deleted server is not listed" jqt \
    '[.servers[].id] == ["'"$SRV"'"]'

# ---- the image API, passed on to gureum-image ----
TOKEN=$MTOKEN api GET "$WEB_URL/api/image/v2/images"
direct=$(curl -s -H "X-Auth-Token: $MTOKEN" "$IMG_URL/v2/images")
check "GET /api/image/v2/images answers as the image service does" eval \
    '[ "$STATUS" = 200 ] && [ "$(jq -S .images <<<"$BODY")" = "$(jq -S .images <<<"$direct")" ]'
web_headers "a passed-on image answer"
TOKEN= api GET "$WEB_URL/api/image/v2/images"
check "no token: the image service's own 401" [ "$STATUS" = 401 ]
TOKEN=$MTOKEN api POST "$WEB_URL/api/image/v2/images" \
    '{"name":"big","disk_format":"raw","container_format":"bare"}'
expect 201 "an image made through /api/image"
BIG=$(jq -r .id <<<"$BODY")
check "its Content-Type is passed back" eval \
    '[[ $(header Content-Type) == application/json* ]]'
TOKEN=$MTOKEN api PATCH "$WEB_URL/api/image/v2/images/$BIG" \
    '[{"op":"add","path":"/description","value":"x"}]' \
    -H 'Content-Type: application/openstack-images-v2.1-json-patch'
check "a JSON patch through /api/image" eval \
    '[ "$STATUS" = 200 ] && jqt ".description == \"x\""'
TOKEN=$MTOKEN api PUT "$WEB_URL/api/image/v2/images/$BIG/file" 'x' \
    -H 'Content-Type: text/plain'
check "a text/plain upload is the image API's 415 fault" eval \
    '[ "$STATUS" = 415 ] && jqt ".error.code == 415"'
# 48 MiB, past the web listener's 1 MiB body limit: it is streamed.
head -c $((48 << 20)) /dev/urandom >"$T/big.raw"
hwm() { awk '/^VmHWM/ { print $2 }' "/proc/$controller_PID/status"; }
hwm0=$(hwm)
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -X PUT \
    -H "X-Auth-Token: $MTOKEN" -H 'Content-Type: application/octet-stream' \
    --data-binary @"$T/big.raw" "$WEB_URL/api/image/v2/images/$BIG/file")
check "a 48 MiB upload through /api/image (204)" [ "$STATUS" = 204 ]
STATUS=$(curl -s -o "$T/big.down" -w '%{http_code}' \
    -H "X-Auth-Token: $MTOKEN" "$WEB_URL/api/image/v2/images/$BIG/file")
check "its download through /api/image is the same bytes" eval \
    '[ "$STATUS" = 200 ] && cmp -s "$T/big.raw" "$T/big.down"'
hwm1=$(hwm)
check "the controller's peak memory grew by less than 16 MiB ($(( (hwm1 - hwm0) / 1024 )) MiB)" \
    [ $((hwm1 - hwm0)) -lt $((16 << 10)) ]
curl -s -o /dev/null --limit-rate 1M --max-time 1 -H "X-Auth-Token: $MTOKEN" \
    "$WEB_URL/api/image/v2/images/$BIG/file"
check "a download the client cut off (curl exit 28)" [ $? = 28 ]
TOKEN=$MTOKEN api POST "$WEB_URL/api/image/v2/images" \
    '{"name":"cut","disk_format":"raw","container_format":"bare"}'
CUT=$(jq -r .id <<<"$BODY")
curl -s -o /dev/null --limit-rate 1M --max-time 1 -X PUT \
    -H "X-Auth-Token: $MTOKEN" -H 'Content-Type: application/octet-stream' \
    -H 'Transfer-Encoding: chunked' \
    --data-binary @"$T/big.raw" "$WEB_URL/api/image/v2/images/$CUT/file"
cut_queued() {
	TOKEN=$MTOKEN api GET "$WEB_URL/api/image/v2/images/$CUT"
	[ "$STATUS" = 200 ] && jqt '.status == "queued"'
}
sleep 0.5	# the image service's own abort, before the check can pass
cut=0
wait_for 30 cut_queued || { cut=1; say "the cut image: $STATUS $BODY"; }
check "an upload cut off (chunked) is not taken as whole: queued again" \
    [ "$cut" = 0 ]
rm -f "$T/big.raw" "$T/big.down"

# ---- the page in Chromium ----
. "$(dirname "$0")/../lib/browser.sh"
browser_start
GUREUM_WEB_URL=$WEB_URL GUREUM_ID_URL=$ID_URL \
    GUREUM_ADMIN_TOKEN=$ADMIN_TOKEN GUREUM_PROJECT=webproj \
    GUREUM_USER=webuser GUREUM_PASSWORD=pw GUREUM_SERVER_NAME=$XSS \
    GUREUM_IMAGE_NAME=web-tiny GUREUM_CSP="$CSP" \
    GUREUM_ARTIFACTS=$ART \
    browser_run 300 21 "$BROWSER/web.test.mjs" "$BROWSER/fit.test.mjs"
say "screenshots in $ART"

pid_stop "$image_PID" image 10
TOKEN=$MTOKEN api GET "$WEB_URL/api/image/v2/images"
check "the image service stopped: /api/image is the image API's 503" eval \
    '[ "$STATUS" = 503 ] && jqt ".error.message | test(\"image service\")"'
finish
