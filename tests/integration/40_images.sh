#!/usr/bin/env bash
# The image service: create, upload (streamed, hashed), download (ranges),
# JSON-patch, tags, listing, visibility between projects, protected images,
# quotas, interrupted uploads, and bad input.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller
IMAGE_EXTRA="user_storage_quota_mb = 8" start_image
ADMIN=$(get_token admin "$ADMIN_PW" admin)
TOKEN=$ADMIN

# A member alice of project demo.
make_member alice demo
DEMO=$MEMBER_PROJECT
ALICE_TOK=$(get_token alice pw demo)

qemu-img create -q -f qcow2 "$T/disk.qcow2" 1G
dd if=/dev/urandom of="$T/disk.qcow2" bs=64k count=16 seek=4 conv=notrunc status=none

api POST "$IMG_URL/v2/images" '{"name":"mine","disk_format":"qcow2","container_format":"bare","visibility":"private","hw_disk_bus":"virtio"}'
expect 201 "create an image record"
ID=$(jq -r .id <<<"$BODY")
check "a new image is queued with its property" jqt '.status == "queued" and .hw_disk_bus == "virtio" and .size == null and .owner != null'
api GET "$IMG_URL/v2/images/$ID/file"
expect 204 "downloading a queued image is 204"

api PUT "$IMG_URL/v2/images/$ID/file" "" --data-binary @"$T/disk.qcow2" -H 'Content-Type: application/octet-stream'
expect 204 "upload the bytes"
api GET "$IMG_URL/v2/images/$ID"
check "active, with size, md5, sha512 and the qcow2 virtual size" \
    jqt ".status == \"active\" and .size == $(stat -c %s "$T/disk.qcow2") and
    .checksum == \"$(md5sum <"$T/disk.qcow2" | cut -d' ' -f1)\" and
    .os_hash_algo == \"sha512\" and
    .os_hash_value == \"$(sha512sum <"$T/disk.qcow2" | cut -d' ' -f1)\" and
    .virtual_size == 1073741824"
check "no partial file is left in the store" test -z "$(ls -A "$T/images" | grep partial)"

curl -s -D "$T/dl.hdr" -H "X-Auth-Token: $TOKEN" -o "$T/out.qcow2" "$IMG_URL/v2/images/$ID/file"
check "download gives identical bytes" cmp -s "$T/disk.qcow2" "$T/out.qcow2"
check "download carries Content-MD5" grep -qi "^content-md5: $(md5sum <"$T/disk.qcow2" | cut -d' ' -f1)" "$T/dl.hdr"

# Discovery, as Glance's: one default store, no import methods, the usage
# of the project's storage quota in MiB (rounded down).
api GET "$IMG_URL/v2/info/stores"
check "info/stores: one store, the default" jqt '.stores | length == 1 and .[0].id == "file" and .[0].default == "true"'
api GET "$IMG_URL/v2/info/stores/detail"
check "info/stores/detail: a file store in the store directory" jqt ".stores[0].type == \"file\" and .stores[0].properties.data_dir == \"$T/images\""
TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/info/stores/detail"
expect_fault 403 "info/stores/detail is for administrators"
api GET "$IMG_URL/v2/info/import"
check "info/import: no import methods" jqt '."import-methods".value == [] and ."import-methods".type == "array"'
api GET "$IMG_URL/v2/info/usage"
check "info/usage: the project's bytes against its quota, in MiB" jqt ".usage.image_size_total == {\"limit\": 8, \"usage\": $(($(stat -c %s "$T/disk.qcow2") >> 20))}"
TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/info/usage"
check "another project's usage is its own" jqt '.usage.image_size_total.usage == 0'
api GET "$IMG_URL/v2/schemas/member"
check "the member schema" jqt '.name == "member" and .properties.status.enum == ["pending","accepted","rejected"]'
api GET "$IMG_URL/v2/schemas/members"
check "the members schema" jqt '.name == "members" and .properties.members.items.name == "member"'
TOKEN= api GET "$IMG_URL/v2/info/stores"
expect_fault 401 "info/stores without a token"
api GET "$IMG_URL/v2/images/$ID/file" "" -H 'Range: bytes=0-3'
check "a range request gets 206 and the qcow2 magic" test "$STATUS" = 206 -a "$(head -c 3 "$T/body")" = QFI
check "with a Content-Range header" test "$(header Content-Range)" = "bytes 0-3/$(stat -c %s "$T/disk.qcow2")"
api GET "$IMG_URL/v2/images/$ID/file" "" -H 'Range: bytes=99999999-'
expect_fault 416 "a range past the end"

api PUT "$IMG_URL/v2/images/$ID/file" "" --data-binary @"$T/disk.qcow2" -H 'Content-Type: application/octet-stream'
expect_fault 409 "upload to an active image"

PATCH=(-H 'Content-Type: application/openstack-images-v2.1-json-patch')
api PATCH "$IMG_URL/v2/images/$ID" '[{"op":"add","path":"/os_distro","value":"busybox"},{"op":"replace","path":"/name","value":"mine2"},{"op":"replace","path":"/min_ram","value":64}]' "${PATCH[@]}"
expect 200 "JSON-patch add, replace"
check "the patch took" jqt '.os_distro == "busybox" and .name == "mine2" and .min_ram == 64'
api PATCH "$IMG_URL/v2/images/$ID" '[{"op":"remove","path":"/os_distro"}]' "${PATCH[@]}"
check "JSON-patch remove" jqt 'has("os_distro") | not'
api PATCH "$IMG_URL/v2/images/$ID" '[{"op":"replace","path":"/status","value":"active"}]' "${PATCH[@]}"
expect_fault 403 "patching a read-only attribute"
api PATCH "$IMG_URL/v2/images/$ID" '[{"op":"replace","path":"/name","value":"x"}]'
expect_fault 415 "patch without the json-patch media type"
api PATCH "$IMG_URL/v2/images/$ID" '{"op":"replace"}' "${PATCH[@]}"
expect_fault 400 "a patch that is not a list"
api PATCH "$IMG_URL/v2/images/$ID" '[{"op":"move","path":"/name","from":"/x"}]' "${PATCH[@]}"
expect_fault 400 "an unsupported patch operation"
api PATCH "$IMG_URL/v2/images/$ID" '[{"op":"replace","path":"/disk_format","value":"raw"}]' "${PATCH[@]}"
expect_fault 403 "changing disk_format of an active image"
api PATCH "$IMG_URL/v2/images/$ID" '[{"op":"replace","path":"/nope","value":"x"}]' "${PATCH[@]}"
expect_fault 409 "replacing a property that is not there"
api PATCH "$IMG_URL/v2/images/$ID" '[{"op":"replace","path":"/name","value":"x"}]' -H 'Content-Type: application/json'
expect_fault 415 "a patch as application/json"
check "the 415 names both patch media types in Accept-Patch" test \
    "$(header Accept-Patch)" = "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch"
api PATCH "$IMG_URL/v2/images/$ID" '[]' -H 'Content-Type: application/openstack-images-v2.1-json-patch; charset=UTF-8'
expect 200 "the media type with a charset parameter"

# The older v2.0 patch form: {"add": "/path"}, one operation member.
PATCH20=(-H 'Content-Type: application/openstack-images-v2.0-json-patch')
api PATCH "$IMG_URL/v2/images/$ID" '[{"add":"/os_version","value":"1.0"},{"replace":"/name","value":"mine3"},{"replace":"/min_ram","value":32}]' "${PATCH20[@]}"
expect 200 "v2.0 patch add, replace"
check "the v2.0 patch took" jqt '.os_version == "1.0" and .name == "mine3" and .min_ram == 32'
api PATCH "$IMG_URL/v2/images/$ID" '[{"remove":"/os_version"}]' "${PATCH20[@]}"
check "v2.0 patch remove" jqt '(has("os_version") | not) and .name == "mine3"'
api PATCH "$IMG_URL/v2/images/$ID" '[{"add":"/name","value":"x"}]' "${PATCH20[@]}"
expect_fault 409 "v2.0 add of an attribute already present"
api PATCH "$IMG_URL/v2/images/$ID" '[{"add":"/a","value":"1"},{"add":"/a","value":"2"}]' "${PATCH20[@]}"
expect_fault 409 "v2.0 add of a property already present"
api PATCH "$IMG_URL/v2/images/$ID" '[{"add":"/a","replace":"/b","value":"y"}]' "${PATCH20[@]}"
expect_fault 400 "a v2.0 operation with two operation members"
api PATCH "$IMG_URL/v2/images/$ID" '[{"op":"add","path":"/a","value":"y"}]' "${PATCH20[@]}"
expect_fault 400 "a v2.1 operation sent as v2.0"
api PATCH "$IMG_URL/v2/images/$ID" '[{"add":"/a","value":"y"}]' "${PATCH[@]}"
expect_fault 400 "a v2.0 operation sent as v2.1"
api PATCH "$IMG_URL/v2/images/$ID" '[{"replace":"/status","value":"active"}]' "${PATCH20[@]}"
expect_fault 403 "a v2.0 patch of a read-only attribute"
api PATCH "$IMG_URL/v2/images/$ID" '[{"add":5,"value":"y"}]' "${PATCH20[@]}"
expect_fault 400 "a v2.0 operation whose path is not a string"
api GET "$IMG_URL/v2/images/$ID"
check "refused patches changed nothing" jqt '.name == "mine3" and (has("a") | not) and .min_ram == 32'

api PUT "$IMG_URL/v2/images/$ID/tags/golden"
expect 204 "add a tag"
api GET "$IMG_URL/v2/images/$ID"
check "the tag is there" jqt '.tags == ["golden"]'
api DELETE "$IMG_URL/v2/images/$ID/tags/golden"
expect 204 "delete the tag"
api DELETE "$IMG_URL/v2/images/$ID/tags/golden"
expect_fault 404 "delete a missing tag"

# Listing: filters, sorting, paging.
for n in a b c; do api POST "$IMG_URL/v2/images" "{\"name\":\"list-$n\",\"visibility\":\"public\"}"; done
api GET "$IMG_URL/v2/images?name=list-b"
check "filter by name" jqt '[.images[].name] == ["list-b"]'
api GET "$IMG_URL/v2/images?sort=name:asc&limit=2"
check "sorted by name, limited, with a next link" jqt '[.images[].name] == ["list-a","list-b"] and (.next | test("marker="))'
api GET "$IMG_URL$(jq -r .next <<<"$BODY")"
check "the next page continues" jqt '.images[0].name == "list-c"'
api GET "$IMG_URL/v2/images?status=active"
check "filter by status" jqt '[.images[].name] == ["mine3"]'
api GET "$IMG_URL/v2/images?sort_key=nope"
expect_fault 400 "an unknown sort key"
api GET "$IMG_URL/v2/images?marker=00000000-0000-0000-0000-000000000000"
expect_fault 400 "an unknown marker"

# Visibility between projects.
TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/images/$ID"
expect_fault 404 "a member cannot see another project's private image"
TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/images"
check "a member's list shows the public images only" jqt '[.images[].name] | sort == ["list-a","list-b","list-c"]'
TOKEN=$ALICE_TOK api POST "$IMG_URL/v2/images" '{"name":"pub","visibility":"public"}'
expect_fault 403 "a member cannot create a public image"
TOKEN=$ALICE_TOK api POST "$IMG_URL/v2/images" '{"name":"alices","disk_format":"raw","container_format":"bare"}'
expect 201 "a member creates a shared image"
ALICE_IMG=$(jq -r .id <<<"$BODY")
check "owned by the member's project" jqt ".owner == \"$DEMO\" and .visibility == \"shared\""
PUB=$(TOKEN=$ADMIN api GET "$IMG_URL/v2/images?name=list-a"; jq -r '.images[0].id' <<<"$BODY")
TOKEN=$ALICE_TOK api DELETE "$IMG_URL/v2/images/$PUB"
expect_fault 403 "a member cannot delete a public image of another project"

# Deactivate and reactivate, as Glance's default policy: the owner's
# project or an administrator; only an administrator downloads a
# deactivated image.
head -c 65536 /dev/urandom >"$T/small.raw"
put_small() { api PUT "$IMG_URL/v2/images/$1/file" "" --data-binary @"$T/small.raw" -H 'Content-Type: application/octet-stream'; }
image_action() { api POST "$IMG_URL/v2/images/$1/actions/$2"; }
api POST "$IMG_URL/v2/images" '{"name":"deact","disk_format":"raw","container_format":"bare","visibility":"public"}'
DEACT=$(jq -r .id <<<"$BODY")
put_small $DEACT
expect 204 "upload a public image to deactivate"
TOKEN=$ALICE_TOK image_action $DEACT deactivate
expect_fault 403 "another project's member cannot deactivate an image"
image_action $DEACT deactivate
expect 204 "deactivate an active image"
api GET "$IMG_URL/v2/images/$DEACT"
check "its status is deactivated" jqt '.status == "deactivated"'
UPDATED=$(jq -r .updated_at <<<"$BODY")
image_action $DEACT deactivate
expect 204 "deactivating a deactivated image"
api GET "$IMG_URL/v2/images/$DEACT"
check "changes nothing" jqt ".status == \"deactivated\" and .updated_at == \"$UPDATED\""
TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/images/$DEACT/file"
expect_fault 403 "a member cannot download a deactivated image"
api GET "$IMG_URL/v2/images/$DEACT/file"
check "an administrator still can" test "$STATUS" = 200 -a "$(md5sum <"$T/body")" = "$(md5sum <"$T/small.raw")"
put_small $DEACT
expect_fault 409 "no upload to a deactivated image"
TOKEN=$ALICE_TOK image_action $DEACT reactivate
expect_fault 403 "another project's member cannot reactivate it"
image_action $DEACT reactivate
expect 204 "reactivate it"
TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/images/$DEACT/file"
check "once active again, the member downloads it" test "$STATUS" = 200 -a "$(md5sum <"$T/body")" = "$(md5sum <"$T/small.raw")"
image_action $PUB deactivate
expect_fault 403 "deactivating a queued image"
image_action $PUB reactivate
expect_fault 403 "reactivating a queued image"
api GET "$IMG_URL/v2/images/$PUB"
check "which stays queued" jqt '.status == "queued"'
image_action 00000000-0000-0000-0000-000000000000 deactivate
expect_fault 404 "deactivating an unknown image"
TOKEN=$ALICE_TOK image_action $ID deactivate
expect_fault 404 "deactivating an image the caller cannot see"
TOKEN=$ALICE_TOK api POST "$IMG_URL/v2/images" '{"name":"alice-deact","disk_format":"raw","container_format":"bare"}'
ALICE_DEACT=$(jq -r .id <<<"$BODY")
TOKEN=$ALICE_TOK put_small $ALICE_DEACT
TOKEN=$ALICE_TOK image_action $ALICE_DEACT deactivate
expect 204 "a member deactivates its project's image"
TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/images/$ALICE_DEACT/file"
expect_fault 403 "and then cannot download it either"
TOKEN=$ALICE_TOK api DELETE "$IMG_URL/v2/images/$ALICE_DEACT"
expect 204 "but may delete it"
api DELETE "$IMG_URL/v2/images/$DEACT"

# Quota (8 MiB per project): a 9 MiB upload is stopped and leaves nothing.
head -c $((9 << 20)) /dev/urandom >"$T/big.raw"
TOKEN=$ALICE_TOK api PUT "$IMG_URL/v2/images/$ALICE_IMG/file" "" --data-binary @"$T/big.raw" -H 'Content-Type: application/octet-stream'
expect_fault 413 "an upload past the quota (declared length)"
TOKEN=$ALICE_TOK api PUT "$IMG_URL/v2/images/$ALICE_IMG/file" "" --data-binary @"$T/big.raw" -H 'Content-Type: application/octet-stream' -H 'Transfer-Encoding: chunked'
expect_fault 413 "an upload past the quota (chunked, stopped midway)"
TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/images/$ALICE_IMG"
check "the image is queued again after a refused upload" jqt '.status == "queued"'
check "and no file or partial file is left" test -z "$(ls -A "$T/images" | grep -v "^$ID$")"

# An interrupted upload: the client dies halfway.
head -c $((6 << 20)) /dev/urandom >"$T/mid.raw"
curl -s -X PUT -H "X-Auth-Token: $ALICE_TOK" -H 'Content-Type: application/octet-stream' \
    --limit-rate 1M --data-binary @"$T/mid.raw" "$IMG_URL/v2/images/$ALICE_IMG/file" >/dev/null &
CURL=$!
saving() { TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/images/$ALICE_IMG"; jqt '.status == "saving"'; }
check "a slow upload shows the image saving" wait_for 10 saving
kill -9 "$CURL"; wait "$CURL" 2>/dev/null
queued() { TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/images/$ALICE_IMG"; jqt '.status == "queued"'; }
check "killing the client leaves the image queued, not active" wait_for 10 queued
check "and no partial file" test -z "$(ls -A "$T/images" | grep -v "^$ID$")"

# Protected images.
api PATCH "$IMG_URL/v2/images/$ID" '[{"op":"replace","path":"/protected","value":true}]' "${PATCH[@]}"
api DELETE "$IMG_URL/v2/images/$ID"
expect_fault 403 "a protected image cannot be deleted"
api PATCH "$IMG_URL/v2/images/$ID" '[{"op":"replace","path":"/protected","value":false}]' "${PATCH[@]}"
api DELETE "$IMG_URL/v2/images/$ID"
expect 204 "delete the image"
check "its file is removed" test ! -e "$T/images/$ID"
api GET "$IMG_URL/v2/images/$ID"
expect_fault 404 "a deleted image is gone"

# Bad input: clear 4xx, nothing written.
COUNT=$(psql_q "SELECT count(*) FROM images")
api POST "$IMG_URL/v2/images" '{"name":"x","disk_format":"vmdk"}'
expect_fault 400 "an unsupported disk_format"
api POST "$IMG_URL/v2/images" '{"name":"x","../etc":"y"}'
expect_fault 400 "a property name with a path separator"
api POST "$IMG_URL/v2/images" '{"name":"x","os_distro":"a\u0007b"}'
expect_fault 400 "a property value with a control character"
api POST "$IMG_URL/v2/images" '{"name":"x\ny"}'
expect_fault 400 "a name with a control character"
api POST "$IMG_URL/v2/images" '{"name":"x","size":5}'
expect_fault 403 "a read-only attribute at create"
api POST "$IMG_URL/v2/images" '{"name":"x","os_distro":5}'
expect_fault 400 "a non-string property value"
api POST "$IMG_URL/v2/images" '{"name":'
expect_fault 400 "malformed JSON"
check "nothing was written" test "$(psql_q "SELECT count(*) FROM images")" = "$COUNT"
api GET "$IMG_URL/v2/images/no-such-image"
expect_fault 404 "an unknown image id"

# Bytes that are not what the image says are refused, and kill it.
api POST "$IMG_URL/v2/images" '{"name":"notqcow","disk_format":"qcow2","container_format":"bare"}'
BAD=$(jq -r .id <<<"$BODY")
api PUT "$IMG_URL/v2/images/$BAD/file" "" --data-binary @"$T/small.raw" -H 'Content-Type: application/octet-stream'
check "raw bytes for a qcow2 image: 400, saying so" test "$STATUS" = 400 -a \
    "$(jq -r .error.message <<<"$BODY")" = "The data is not a qcow2 image (no qcow2 header), but the image's disk_format is qcow2."
api GET "$IMG_URL/v2/images/$BAD"
check "the image is killed, with no data" jqt '.status == "killed" and .size == null'
api POST "$IMG_URL/v2/images" '{"name":"badmd5","disk_format":"raw","container_format":"bare"}'
BAD=$(jq -r .id <<<"$BODY")
api PUT "$IMG_URL/v2/images/$BAD/file" "" --data-binary @"$T/small.raw" -H 'Content-Type: application/octet-stream' -H 'Content-MD5: 00000000000000000000000000000000'
expect_fault 400 "data that does not match its Content-MD5"
api GET "$IMG_URL/v2/images/$BAD"
check "kills the image too" jqt '.status == "killed"'
check "neither leaves a file in the store" test -z "$(ls -A "$T/images" | grep -v "^$ID$")"
TOKEN= api GET "$IMG_URL/v2/images"
expect_fault 401 "no token"

# The image service caches validated tokens; a revocation at the
# controller reaches it through the database's notification.
TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/images"
expect 200 "alice's token works at the image service (and is cached)"
TOKEN=$ALICE_TOK api DELETE "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $ALICE_TOK"
refused() { TOKEN=$ALICE_TOK api GET "$IMG_URL/v2/images"; test "$STATUS" = 401; }
check "once revoked at the controller, the image service refuses it" wait_for 2 refused
# Whole 512 KiB blocks are written past the page cache (O_DIRECT), and the
# last block's odd tail through it: sizes on either side of a block and of
# a 4 KiB page, sent chunked so the pieces fall where they may, come back
# byte for byte with both checksums right.
for n in 1 4095 4097 524288 $((524288 * 3 + 4096 + 17)); do
	head -c "$n" /dev/urandom >"$T/odd.raw"
	api POST "$IMG_URL/v2/images" '{"name":"odd","disk_format":"raw","container_format":"bare"}'
	ODD=$(jq -r .id <<<"$BODY")
	curl -s -o /dev/null -X PUT -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' \
	    -T - "$IMG_URL/v2/images/$ODD/file" <"$T/odd.raw"
	# (tmpfs keeps its pages whatever O_DIRECT says.)
	[ "$n" -gt 524288 ] && [ "$(stat -f -c %T "$T")" != tmpfs ] && check "$n bytes: only the tail's page of the stored file is in the page cache" \
	    test "$(fincore -nb -o PAGES "$T/images/$ODD")" -le 1
	curl -s -H "X-Auth-Token: $TOKEN" -o "$T/odd.back" "$IMG_URL/v2/images/$ODD/file"
	api GET "$IMG_URL/v2/images/$ODD"
	check "$n bytes: stored and read back byte for byte, md5 and sha512 right" \
	    test "$(jq -r '.size, .checksum, .os_hash_value' <<<"$BODY" | tr '\n' ' ')" = \
	    "$n $(md5sum <"$T/odd.raw" | cut -d' ' -f1) $(sha512sum <"$T/odd.raw" | cut -d' ' -f1) " -a \
	    -n "$(cmp -s "$T/odd.raw" "$T/odd.back" && echo same)"
	api DELETE "$IMG_URL/v2/images/$ODD"
done
finish
