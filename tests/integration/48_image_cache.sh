#!/usr/bin/env bash
# A node's image cache: a base image is downloaded once per node (also
# under concurrent requests), verified against its sha512, and removed when
# no instance disk links to it and it is older than the configured age.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
# The agent also prunes after every heartbeat; beats 30 s apart keep that
# pass from racing the prunes this test asks for.
HEARTBEAT=30
start_controller
start_image
start_libvirtd
TOKEN=$(get_token admin "$ADMIN_PW" admin)
start_compute nodeC "image_cache_max_age = 600"
wait_for 10 curl -s -o /dev/null "http://$AGENT/" || die "agent API did not come up"
# The agent takes calls signed with its own node's key only.
SIGN_NODE=nodeC
SIGN_NODE=nodeD signed_api POST "http://$AGENT/v1/images/prune"
check "a call signed with another node's key is refused (403)" \
    test "$STATUS" = 403
check "...saying which node the agent serves" jqt '.. | strings | test("serves node nodeC")'

# upload NAME FILE: an active raw image; prints its id.
upload() {
	api POST "$IMG_URL/v2/images" "{\"name\":\"$1\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}"
	local id
	id=$(jq -r .id <<<"$BODY")
	api PUT "$IMG_URL/v2/images/$id/file" "" --data-binary @"$2" -H 'Content-Type: application/octet-stream'
	echo "$id"
}
head -c $((4 << 20)) /dev/urandom >"$T/base.raw"
ID=$(upload base "$T/base.raw")

# Real concurrency: four requests in flight at once (each subshell has
# its own response files).
REQS=()
for i in 1 2 3 4; do
	( T=$T/r$i; mkdir -p "$T"; signed_api POST "http://$AGENT/v1/images/$ID/cache"
	  echo "$STATUS" >"$T/status" ) &
	REQS+=($!)
done
wait "${REQS[@]}"
check "four concurrent cache requests all succeed" \
    test "$(cat "$T"/r[1-4]/status | sort -u)" = 200
signed_api POST "http://$AGENT/v1/images/$ID/cache"
check "the node downloaded the image exactly once" jqt '.downloads == 1 and .downloaded == false'
CACHED=$(jq -r .path <<<"$BODY")
check "the cached base has the image's sha512" \
    test "$(sha512sum <"$CACHED" | cut -d' ' -f1)" = "$(sha512sum <"$T/base.raw" | cut -d' ' -f1)"
check "it is keyed by image id and hash" grep -q "/images/$ID-[0-9a-f]\{32\}$" <<<"$CACHED"
check "it is read-only" test "$(stat -c %a "$CACHED")" = 444

signed_api POST "http://$AGENT/v1/images/00000000-0000-0000-0000-000000000000/cache"
expect_fault 404 "an unknown image"
api POST "$IMG_URL/v2/images" '{"name":"empty","disk_format":"raw","container_format":"bare"}'
signed_api POST "http://$AGENT/v1/images/$(jq -r .id <<<"$BODY")/cache"
expect_fault 409 "an image without data"
signed_api POST "http://$AGENT/v1/images/..%2F..%2Fetc/cache"
check "a path in the image id is refused" test "$STATUS" -ge 400 -a "$STATUS" -lt 500
TOKEN= api POST "http://$AGENT/v1/images/$ID/cache"
expect_fault 401 "an unsigned call to the agent"

# Corrupt bytes in the store: the download fails verification, nothing stays.
head -c $((1 << 20)) /dev/urandom >"$T/two.raw"
ID2=$(upload two "$T/two.raw")
# (byte 1000 is changed to another value, whatever it was)
B=$(od -An -tu1 -j1000 -N1 "$T/images/$ID2" | tr -d ' ')
printf "\\$(printf %o $(((B + 1) % 256)))" |
    dd of="$T/images/$ID2" bs=1 seek=1000 conv=notrunc status=none
check "the stored byte changed" \
    test "$(od -An -tu1 -j1000 -N1 "$T/images/$ID2" | tr -d ' ')" != "$B"
signed_api POST "http://$AGENT/v1/images/$ID2/cache"
expect_fault 503 "data that does not match its sha512"
check "the message says so" grep -q sha512 <<<"$BODY"
check "no file of it is left in the cache" test -z "$(ls -A "$T/compute/images" | grep "$ID2")"

# Pruning: an entry linked from an instance disk stays; an unused one that
# is old enough goes.
head -c $((1 << 20)) /dev/urandom >"$T/three.raw"
ID3=$(upload three "$T/three.raw")
signed_api POST "http://$AGENT/v1/images/$ID3/cache"
UNUSED=$(jq -r .path <<<"$BODY")
mkdir -p "$T/compute/instances/i1"
ln "$CACHED" "$T/compute/instances/i1/base"
touch -d '1 hour ago' "$CACHED" "$UNUSED"
signed_api POST "http://$AGENT/v1/images/prune"
check "prune removes one entry" jqt '.removed == 1'
check "the unused old entry is gone" test ! -e "$UNUSED"
check "the entry an instance links to stays" test -e "$CACHED"
signed_api POST "http://$AGENT/v1/images/$ID3/cache"
check "a pruned image is downloaded again when needed" jqt '.downloaded == true'

# Deleting an image record that an instance uses: the record goes, the
# node keeps the base file while an instance disk links to it.
api DELETE "$IMG_URL/v2/images/$ID"
expect 204 "delete the record of an image in use"
signed_api POST "http://$AGENT/v1/images/prune"
check "its cached base stays while an instance links to it" test -e "$CACHED"
rm "$T/compute/instances/i1/base"
signed_api POST "http://$AGENT/v1/images/prune"
check "and goes once no instance does" test ! -e "$CACHED"
finish
