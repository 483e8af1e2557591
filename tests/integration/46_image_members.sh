#!/usr/bin/env bash
# Image members, as Glance's: a shared image's owner adds projects, each
# member accepts or rejects it; members see the image, their list shows it
# once accepted (member_status= for the others), the compute API boots it
# for them; only shared images have members. With curl, then the stock
# openstack CLI (image add project, image set --accept, image member list)
# and glanceclient.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller
start_image
ADMIN=$(get_token admin "$ADMIN_PW" admin)
TOKEN=$ADMIN
make_member alice demo
DEMO=$MEMBER_PROJECT
make_member bob other
OTHER=$MEMBER_PROJECT
ALICE=$(get_token alice pw demo)
BOB=$(get_token bob pw other)
make_flavor m1.tiny 1 128 1

head -c 65536 /dev/urandom >"$T/small.raw"
# new_image NAME VISIBILITY: an active raw image of the caller's; sets NEW.
new_image() {
	api POST "$IMG_URL/v2/images" "{\"name\":\"$1\",\"disk_format\":\"raw\",\"container_format\":\"bare\",\"visibility\":\"$2\"}"
	[ "$STATUS" = 201 ] || die "could not create image $1: $STATUS $BODY"
	NEW=$(jq -r .id <<<"$BODY")
	api PUT "$IMG_URL/v2/images/$NEW/file" "" --data-binary @"$T/small.raw" -H 'Content-Type: application/octet-stream'
	[ "$STATUS" = 204 ] || die "could not upload image $1: $STATUS $BODY"
}
# names [QUERY]: the names in the caller's image list, sorted, as JSON.
names() {
	api GET "$IMG_URL/v2/images${1:-}"
	jq -c '[.images[].name] | sort' <<<"$BODY"
}
members() { api "$1" "$IMG_URL/v2/images/$2/members${3:+/$3}" "${4:-}"; }
boot() {
	api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"vm\",\"imageRef\":\"$1\",\"flavorRef\":\"$FLV\",\"networks\":\"none\"}}" \
	    -H "OpenStack-API-Version: compute 2.37"
}

new_image shared1 shared; SH=$NEW
new_image private1 private; PRIV=$NEW
new_image public1 public; PUB=$NEW

TOKEN=$ALICE api GET "$IMG_URL/v2/images/$SH"
expect_fault 404 "a shared image is hidden from projects not among its members"
TOKEN=$ALICE boot "$SH"
expect_fault 400 "so the compute API cannot boot it for them"
TOKEN=$ALICE members POST "$SH" "" "{\"member\":\"$DEMO\"}"
expect_fault 404 "nor can they add themselves"

members POST "$PRIV" "" "{\"member\":\"$DEMO\"}"
expect_fault 403 "a private image cannot have members"
members POST "$PUB" "" "{\"member\":\"$DEMO\"}"
expect_fault 403 "nor can a public one"
members POST "$SH" "" "{\"member\":\"$DEMO\"}"
expect 200 "the owner adds a project to a shared image"
check "the member is pending, as Glance shows it" jqt ".member_id == \"$DEMO\" and
    .image_id == \"$SH\" and .status == \"pending\" and .schema == \"/v2/schemas/member\" and
    (.created_at | test(\"Z$\")) and .updated_at == .created_at"
members POST "$SH" "" "{\"member\":\"$DEMO\"}"
expect_fault 409 "the same project twice"
COUNT=$(psql_q "SELECT count(*) FROM image_members")
members POST "$SH" "" '{}'
expect_fault 400 "no member named"
members POST "$SH" "" '{"member":""}'
expect_fault 400 "an empty member"
members POST "$SH" "" '{"member":5}'
expect_fault 400 "a member that is not a string"
members POST "$SH" "" "{\"member\":\"$(printf 'a%.0s' {1..256})\"}"
expect_fault 400 "a member id of 256 characters"
members POST "$SH" "" '{"member":"a\u0007b"}'
expect_fault 400 "a member id with a control character"
members POST "$SH" "" '["x"]'
expect_fault 400 "a body that is not an object"
members POST "$SH" "" '{"member":'
expect_fault 400 "malformed JSON"
check "refused members wrote nothing" test "$(psql_q "SELECT count(*) FROM image_members")" = "$COUNT"

TOKEN=$ALICE api GET "$IMG_URL/v2/images/$SH"
check "a pending member sees the image" test "$STATUS" = 200
check "but its list shows it only once accepted" test "$(TOKEN=$ALICE names)" = '["public1"]'
check "member_status=pending lists it" test "$(TOKEN=$ALICE names '?member_status=pending')" = '["public1","shared1"]'
check "member_status=all lists it" test "$(TOKEN=$ALICE names '?member_status=all')" = '["public1","shared1"]'
TOKEN=$ALICE api GET "$IMG_URL/v2/images?member_status=maybe"
expect_fault 400 "an unknown member_status"
check "the owner's list is unchanged" test "$(names)" = '["private1","public1","shared1"]'

members POST "$SH" "" "{\"member\":\"$OTHER\"}"
expect 200 "a second member"
members GET "$SH"
check "the owner lists both members" jqt "[.members[].member_id] == [\"$DEMO\", \"$OTHER\"] and .schema == \"/v2/schemas/members\""
TOKEN=$ALICE members GET "$SH"
check "a member lists only its own membership" jqt "[.members[].member_id] == [\"$DEMO\"]"
TOKEN=$ALICE members GET "$SH" "$DEMO"
check "a member shows its membership" test "$STATUS" = 200 -a "$(jq -r .status <<<"$BODY")" = pending
TOKEN=$ALICE members GET "$SH" "$OTHER"
expect_fault 404 "but not another project's"
TOKEN=$ALICE members POST "$SH" "" '{"member":"someone"}'
expect_fault 403 "a member cannot add members"
TOKEN=$ALICE members DELETE "$SH" "$OTHER"
expect_fault 403 "nor remove them"

TOKEN=$ALICE members PUT "$SH" "$DEMO" '{"status":"yes"}'
expect_fault 400 "an unknown member status"
TOKEN=$ALICE members PUT "$SH" "$DEMO" '{}'
expect_fault 400 "no status"
TOKEN=$ALICE members PUT "$SH" "$OTHER" '{"status":"accepted"}'
expect_fault 404 "a member cannot accept for another project"
TOKEN=$ALICE members PUT "$SH" "$DEMO" '{"status":"accepted"}'
expect 200 "the member accepts"
check "its status is accepted" jqt '.status == "accepted"'
check "its list shows the image now" test "$(TOKEN=$ALICE names)" = '["public1","shared1"]'
check "visibility=shared lists it too" test "$(TOKEN=$ALICE names '?visibility=shared')" = '["shared1"]'
check "member_status=pending no longer does" test "$(TOKEN=$ALICE names '?member_status=pending')" = '["public1"]'
TOKEN=$ALICE api GET "$IMG_URL/v2/images/$SH/file"
check "the member downloads it" test "$STATUS" = 200 -a "$(md5sum <"$T/body")" = "$(md5sum <"$T/small.raw")"
TOKEN=$ALICE api PATCH "$IMG_URL/v2/images/$SH" '[{"op":"replace","path":"/name","value":"x"}]' -H 'Content-Type: application/openstack-images-v2.1-json-patch'
expect_fault 403 "a member cannot change the image"
TOKEN=$ALICE api DELETE "$IMG_URL/v2/images/$SH"
expect_fault 403 "nor delete it"
TOKEN=$ALICE boot "$SH"
expect 202 "the compute API boots a member's accepted shared image"
TOKEN=$ALICE api DELETE "$CP_URL/v2.1/servers/$(jq -r .server.id <<<"$BODY")"
TOKEN=$BOB api GET "$IMG_URL/v2/images/$SH"
check "a pending member sees it (bob)" test "$STATUS" = 200
check "bob's list does not show it" test "$(TOKEN=$BOB names)" = '["public1"]'

TOKEN=$ALICE members PUT "$SH" "$DEMO" '{"status":"rejected"}'
expect 200 "the member rejects it"
check "its list no longer shows it" test "$(TOKEN=$ALICE names)" = '["public1"]'
check "member_status=rejected does" test "$(TOKEN=$ALICE names '?member_status=rejected')" = '["public1","shared1"]'
TOKEN=$ALICE api GET "$IMG_URL/v2/images/$SH"
check "a rejecting member still sees the image, as Glance" test "$STATUS" = 200

# An owner that is not an administrator cannot decide for its members.
TOKEN=$ALICE new_image alices shared; ASH=$NEW
TOKEN=$ALICE members POST "$ASH" "" "{\"member\":\"$OTHER\"}"
expect 200 "a member project shares its own image"
TOKEN=$ALICE members PUT "$ASH" "$OTHER" '{"status":"accepted"}'
expect_fault 403 "its owner cannot accept it for the member"
TOKEN=$BOB members PUT "$ASH" "$OTHER" '{"status":"accepted"}'
expect 200 "the member project does"
check "bob's list shows alice's shared image" test "$(TOKEN=$BOB names)" = '["alices","public1"]'
TOKEN=$ALICE api PATCH "$IMG_URL/v2/images/$ASH" '[{"op":"replace","path":"/visibility","value":"private"}]' -H 'Content-Type: application/openstack-images-v2.1-json-patch'
TOKEN=$BOB api GET "$IMG_URL/v2/images/$ASH"
expect_fault 404 "made private, the image is hidden from its members again"
TOKEN=$ALICE members GET "$ASH"
expect_fault 403 "and it has no members to list"

# Members of images that are not shared, and of unknown images.
members GET "$PRIV"
expect_fault 403 "listing the members of a private image"
members GET "$PRIV" "$DEMO"
expect_fault 404 "showing a member of a private image"
members PUT "$PRIV" "$DEMO" '{"status":"accepted"}'
expect_fault 403 "updating a member of a private image"
members DELETE "$PRIV" "$DEMO"
expect_fault 403 "removing a member of a private image"
members GET 00000000-0000-0000-0000-000000000000
expect_fault 404 "the members of an unknown image"
members PUT "$SH" nobody '{"status":"accepted"}'
expect_fault 404 "updating a project that is not a member"

members DELETE "$SH" "$DEMO"
expect 204 "the owner removes a member"
members DELETE "$SH" "$DEMO"
expect_fault 404 "removing it again"
TOKEN=$ALICE api GET "$IMG_URL/v2/images/$SH"
expect_fault 404 "a removed member no longer sees the image"

# At most 128 members per image (Glance's image_member_quota).
for i in $(seq 2 128); do	# with bob's, 128
	members POST "$SH" "" "{\"member\":\"p$i\"}"
	[ "$STATUS" = 200 ] || break
done
check "an image takes 128 members" test "$(psql_q "SELECT count(*) FROM image_members WHERE image_id = '$SH'")" = 128
members POST "$SH" "" '{"member":"p129"}'
expect_fault 413 "the 129th member"
api DELETE "$IMG_URL/v2/images/$SH"
check "deleting the image removes its members" test "$(psql_q "SELECT count(*) FROM image_members WHERE image_id = '$SH'")" = 0

# The stock client, as the owner (admin) and as the member (alice).
use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
ALICE_OS=(env OS_USERNAME=alice OS_PASSWORD=pw OS_PROJECT_NAME=demo /usr/bin/openstack)
CLI=$(os image create --shared --disk-format raw --container-format bare --file "$T/small.raw" cli-shared -f value -c id)
OUT=$(os image add project cli-shared demo -f json)
check "openstack image add project" jqt ".member_id == \"$DEMO\" and .status == \"pending\"" "$OUT"
OUT=$(os image member list cli-shared -f json)
check "openstack image member list (owner)" jqt "[.[] | .\"Member ID\" + \" \" + .Status] == [\"$DEMO pending\"]" "$OUT"
"${ALICE_OS[@]}" image set --accept "$CLI" 2>"$T/os.err"
OUT=$("${ALICE_OS[@]}" image list -f json 2>"$T/os.err")
check "openstack image set --accept, as the member: its list shows the image" \
    jqt '[.[].Name] | index("cli-shared") != null' "$OUT"
OUT=$("${ALICE_OS[@]}" image member list "$CLI" -f json 2>"$T/os.err")
check "openstack image member list (member): accepted" jqt "[.[] | .Status] == [\"accepted\"]" "$OUT"
"${ALICE_OS[@]}" image save --file "$T/cli.raw" "$CLI" 2>"$T/os.err"
check "the member saves its bytes" cmp -s "$T/small.raw" "$T/cli.raw"
# glanceclient (what Horizon uses) reads the member schema to list them,
# and the discovery documents.
OUT=$(glance member-list --image-id "$CLI" 2>"$T/glance.err")
check "glance member-list (glanceclient, with the member schema)" \
    grep -q "$DEMO.*accepted" <<<"$OUT"
OUT=$(glance stores-info 2>"$T/glance.err")
check "glance stores-info" grep -q '"id": "file"' <<<"$OUT"
OUT=$(glance import-info 2>"$T/glance.err")
check "glance import-info" grep -q 'import-methods' <<<"$OUT"
# Horizon's launch wizard and its Metadata Definitions page list the
# namespaces through glanceclient, which reads their schema first.
glance md-namespace-list >"$T/md.out" 2>"$T/glance.err"
check "glance md-namespace-list (exit 0: the schema and the list answer)" [ $? = 0 ]
api GET "$IMG_URL/v2/schemas/metadefs/namespace"
check "the namespace schema names its fields" \
    jqt '.name == "namespace" and .properties.namespace.type == "string" and .required == ["namespace"]'
api GET "$IMG_URL/v2/schemas/metadefs/namespaces"
check "... and the list's" jqt '.name == "namespaces" and .properties.namespaces.items.name == "namespace"'
api GET "$IMG_URL/v2/metadefs/namespaces?resource_types=OS::Nova::Flavor"
check "GET /v2/metadefs/namespaces: an empty list with its schema" \
    jqt '.namespaces == [] and .schema == "/v2/schemas/metadefs/namespaces"'
os image remove project cli-shared demo
OUT=$("${ALICE_OS[@]}" image list -f json 2>"$T/os.err")
check "openstack image remove project hides it again" \
    jqt '[.[].Name] | index("cli-shared") == null' "$OUT"
os image create --private --disk-format raw --container-format bare --file "$T/small.raw" cli-private >/dev/null
os image add project cli-private demo >/dev/null
check "openstack image add project on a private image fails, saying why" \
    grep -q "only shared images have members" "$T/os.err"
finish
