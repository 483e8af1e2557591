#!/usr/bin/env bash
# The portal's images page in Chromium (tests/browser/images.test.mjs,
# with images-lib.test.mjs for its helpers), on a cloud with no compute
# node: the list a member may see (another project's public image by its
# hostile name as text, its private one not at all), the upload form
# (name and format from the file, keyboard order, the bytes arriving
# whole through /api/image), faults at the form (bad qcow2 data, the
# storage quota), progress and cancel of a throttled upload, protect,
# unprotect and delete in the row, the poll, and what an admin may do.
# Then, by the API: no upload the page gave up on left an image behind.
. "$(dirname "$0")/../lib/harness.sh"

. "$(dirname "$0")/../lib/browser.sh"
browser_start

IMAGE_EXTRA="user_storage_quota_mb = 64" start_api_cloud
ADMIN_TOKEN=$TOKEN

F=$T/files
mkdir -p "$F"
qemu-img create -q -f qcow2 "$F/small.qcow2" 16M
md5sum "$F/small.qcow2" | cut -d' ' -f1 >"$F/small.qcow2.md5"
head -c 65536 /dev/urandom >"$F/notqcow.qcow2"
head -c $((48 << 20)) /dev/urandom >"$F/big.raw"
head -c $((70 << 20)) /dev/zero >"$F/toolarge.raw"

PUBLIC='<img src=x onerror=alert(1)>'
make_image "$PUBLIC" '"visibility":"public"' "$F/small.qcow2"
make_member other otherproj
TOKEN=$(get_token other pw otherproj)
make_image other-private '' "$F/small.qcow2"
TOKEN=$ADMIN_TOKEN
make_member webuser webproj

# The image service refuses an upload past the quota before its body;
# through /api/image that answer must reach the client every time (no
# Expect from the client, as a browser sends none), never a 503.
MTOKEN=$(get_token webuser pw webproj)
TOKEN=$MTOKEN api POST "$WEB_URL/api/image/v2/images" \
    '{"name":"over","disk_format":"raw","container_format":"bare"}'
OVER=$(jq -r .id <<<"$BODY")
got=()
for _ in $(seq 20); do
	TOKEN=$MTOKEN api PUT "$WEB_URL/api/image/v2/images/$OVER/file" \
	    "@$F/toolarge.raw" -H 'Content-Type: application/octet-stream' \
	    -H 'Expect:'
	jqt '.error.message | test("would pass the project.s image storage")' ||
	    got+=("$STATUS")
done
check "20 uploads past the quota through /api/image: each its 413's \
sentence (others: ${got[*]:-none})" \
    [ ${#got[@]} = 0 ]
[ ${#got[@]} = 0 ] || say "the last: $BODY"
TOKEN=$MTOKEN api DELETE "$WEB_URL/api/image/v2/images/$OVER"
TOKEN=$ADMIN_TOKEN

GUREUM_WEB_URL=$WEB_URL GUREUM_ADMIN_TOKEN=$ADMIN_TOKEN \
    GUREUM_ADMIN_PASSWORD=$ADMIN_PW GUREUM_PROJECT=webproj \
    GUREUM_USER=webuser GUREUM_PASSWORD=pw GUREUM_PUBLIC_IMAGE=$PUBLIC \
    GUREUM_HIDDEN_IMAGE=other-private GUREUM_FILES=$F \
    GUREUM_ARTIFACTS=$ART \
    browser_run 300 16 "$BROWSER/images.test.mjs" \
    "$BROWSER/images-lib.test.mjs"
say "screenshots in $ART"

left=$(psql_q "SELECT count(*) FROM images WHERE owner = '$MEMBER_PROJECT'")
check "the member's project has no image left ($left)" [ "$left" = 0 ]
left=$(psql_q "SELECT count(*) FROM images WHERE status <> 'active'")
check "no image is left queued, saving or killed ($left)" [ "$left" = 0 ]
rm -rf "$F"
finish
