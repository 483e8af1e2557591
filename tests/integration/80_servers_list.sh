#!/usr/bin/env bash
# Servers listed as Nova lists them, on servers that need no compute node
# (no node: each ends in ERROR, No valid host): pages of `limit` after a
# `marker` with a "next" link while a page is full, Nova's sort keys and
# directions (several pairs; created_at desc then id by default), the
# filters still applying to pages; every bad limit, marker, sort key or
# direction a 400 (host for a member a 403) with a sentence. The stock
# client pages with --limit and --marker. PUT /servers/{id} renames and
# sets accessIPv4/6 and OS-DCF:diskConfig (also taken on create) as Nova
# 2.1 does, and the stock client's `server set --name` uses it. A
# server's volume attachments are an empty list (there are no volumes);
# an attach is Nova's answer without a volume service, a 500 that says so.
# min_count without max_count makes min_count servers, as in Nova; counts
# and booleans are taken as Nova's schemas take them.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller
start_image
TOKEN=$(get_token admin "$ADMIN_PW" admin)
make_flavor l.tiny 1 64 1
qemu-img create -q -f qcow2 "$T/tiny.qcow2" 16M
make_image l-tiny '"visibility":"public"' "$T/tiny.qcow2"

# Five servers, created in the order c, a, e, b, d.
IDS=()
for n in c a e b d; do
	api POST "$CP_URL/v2.1/servers" "$(jq -cn --arg n "$n" --arg i "$IMG" \
	    --arg f "$FLV" '{server: {name: $n, imageRef: $i, flavorRef: $f}}')"
	[ "$STATUS" = 202 ] || die "server $n was not accepted: $BODY"
	IDS+=("$(jq -r .server.id <<<"$BODY")")
done
names() { jq -r '[.servers[].name] | join(",")' <<<"$BODY"; }

api GET "$CP_URL/v2.1/servers/detail"
check "default order: newest first (created_at desc)" test "$(names)" = d,b,e,a,c
check "a page that is not full has no next link" jqt 'has("servers_links") | not'
check "all five ended in ERROR (no node)" jqt '[.servers[].status] | unique == ["ERROR"]'

api GET "$CP_URL/v2.1/servers/detail?limit=2"
check "limit=2: the two newest" test "$(names)" = d,b
NEXT=$(jq -r '.servers_links[] | select(.rel == "next") | .href' <<<"$BODY")
check "a full page links to the next, from its last server" \
    test "$NEXT" = "$CP_URL/v2.1/servers/detail?limit=2&marker=${IDS[3]}"
api GET "$NEXT"
check "the next page continues after the marker" test "$(names)" = e,a
api GET "$(jq -r '.servers_links[0].href' <<<"$BODY")"
check "the last page holds the rest, with no next link" \
    eval 'test "$(names)" = c && ! jqt "has(\"servers_links\")"'

api GET "$CP_URL/v2.1/servers?limit=3"
check "GET /servers pages too, in the brief form (id, name, links)" \
    jqt '(.servers | length) == 3 and ([.servers[] | keys] | unique) == [["id","links","name"]]'
check "its next link is on /servers" \
    jqt '.servers_links[0].href | startswith("'"$CP_URL"'/v2.1/servers?limit=3&marker=")'

api GET "$CP_URL/v2.1/servers/detail?sort_key=display_name&sort_dir=asc"
check "sort_key=display_name asc" test "$(names)" = a,b,c,d,e
api GET "$CP_URL/v2.1/servers/detail?sort_key=display_name"
check "a sort_key without sort_dir sorts descending, as Nova" test "$(names)" = e,d,c,b,a
api GET "$CP_URL/v2.1/servers/detail?sort_key=display_name&sort_dir=asc&limit=2&marker=${IDS[3]}"
check "paging within a sort: after b come c and d" test "$(names)" = c,d
check "the next link keeps the sort" \
    jqt '.servers_links[0].href == "'"$CP_URL"'/v2.1/servers/detail?limit=2&sort_dir=asc&sort_key=display_name&marker='"${IDS[4]}"'"'
api GET "$CP_URL/v2.1/servers/detail?sort_key=vm_state&sort_dir=asc&sort_key=display_name&sort_dir=desc"
check "two pairs: vm_state asc, then display_name desc" test "$(names)" = e,d,c,b,a
api GET "$CP_URL/v2.1/servers/detail?sort_key=uuid&sort_dir=asc"
check "sort_key=uuid asc" test "$(jq -c '[.servers[].id]' <<<"$BODY")" = \
    "$(printf '%s\n' "${IDS[@]}" | sort | jq -Rsc 'split("\n")[:-1]')"
api GET "$CP_URL/v2.1/servers/detail?sort_key=memory_mb&sort_dir=asc"
check "a key Nova ignores (memory_mb) is dropped with its dir: default order" \
    test "$(names)" = d,b,e,a,c
api GET "$CP_URL/v2.1/servers/detail?sort_key=%20display_name%20&sort_dir=%20asc"
check "blanks around a sort key or direction are stripped, as Nova" test "$(names)" = a,b,c,d,e

api GET "$CP_URL/v2.1/servers/detail?limit=0"
check "limit=0: an empty list" jqt '.servers == [] and (has("servers_links") | not)'
api GET "$CP_URL/v2.1/servers/detail?limit=5000"
check "a limit over max_limit (1000) gives all five, no next link" \
    jqt '(.servers | length) == 5 and (has("servers_links") | not)'
api GET "$CP_URL/v2.1/servers/detail?name=%5B%5Eb%5D&limit=2"
check "the name filter applies before the page: not b, two of them" test "$(names)" = d,e

# A deleted server still marks a place, as in Nova.
api DELETE "$CP_URL/v2.1/servers/${IDS[2]}"
api GET "$CP_URL/v2.1/servers/detail?marker=${IDS[2]}"
check "a deleted server's id is still a marker" test "$(names)" = a,c
api GET "$CP_URL/v2.1/servers/detail?status=error&limit=3"
check "the status filter with a page: three ERROR servers" test "$(names)" = d,b,a

bad() {	# STATUS DESCRIPTION QUERY [MESSAGE]
	api GET "$CP_URL/v2.1/servers/detail?$3"
	expect_fault "$1" "$2"
	[ -z "${4:-}" ] || check "  its message: $4" jqt ".[].message | contains(\"$4\")"
}
bad 400 "a limit that is not a number" "limit=abc" "limit"
bad 400 "a negative limit" "limit=-1" "limit"
bad 400 "an unknown marker" "marker=00000000-0000-0000-0000-000000000000" \
    "marker [00000000-0000-0000-0000-000000000000] not found"
bad 400 "a sort direction other than asc or desc" "sort_key=display_name&sort_dir=up" \
    "must be 'desc' or 'asc'"
bad 400 "an unknown sort key" "sort_key=colour" "colour"
bad 400 "more sort_dir than sort_key" "sort_key=display_name&sort_dir=asc&sort_dir=desc" \
    "Sort direction size exceeds sort key size"
bad 400 "changes-since that is not a time" "changes-since=soon"

make_member lister listproj
api POST "$CP_URL/v2.1/servers" "$(jq -cn --arg i "$IMG" --arg f "$FLV" \
    '{server: {name: "m1", imageRef: $i, flavorRef: $f}}')"
TOKEN=$(get_token lister pw listproj)
api POST "$CP_URL/v2.1/servers" "$(jq -cn --arg i "$IMG" --arg f "$FLV" \
    '{server: {name: "own", imageRef: $i, flavorRef: $f}}')"
api GET "$CP_URL/v2.1/servers/detail?limit=1"
check "a member's page holds only its project's server (a full page: a next link)" \
    eval 'test "$(names)" = own && jqt ".servers_links | length == 1"'
api GET "$CP_URL/v2.1/servers/detail?marker=${IDS[0]}"
expect_fault 400 "another project's server is not a marker for a member"
api GET "$CP_URL/v2.1/servers/detail?sort_key=host"
expect_fault 403 "a member sorting by host (admin only, as Nova)"

# The stock client pages with --limit and --marker (novaclient's
# servers.list(limit, marker) on /servers/detail).
use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
OUT=$(os server list --limit 2 -f value -c Name)
check "openstack server list --limit 2 (m1 is the admin's newest)" \
    test "$(tr '\n' , <<<"$OUT")" = m1,d, ||
    cat "$T/os.err"
OUT=$(os server list --limit 2 --marker "${IDS[3]}" -f value -c Name)
check "openstack server list --limit 2 --marker (b's id)" test "$(tr '\n' , <<<"$OUT")" = a,c, ||
    cat "$T/os.err"
OUT=$(os server list --sort-column Name -f value -c Name)
check "openstack server list --sort-column Name (sorted by the client)" \
    test "$(tr '\n' , <<<"$OUT")" = a,b,c,d,m1,

# ---- accessIPv4/6 and diskConfig on create, PUT /servers/{id} ----
TOKEN=$(get_token admin "$ADMIN_PW" admin)
create() {	# JQ-MERGE: a server "acc" with more members
	api POST "$CP_URL/v2.1/servers" "$(jq -cn --arg i "$IMG" --arg f "$FLV" \
	    "{server: ({name: \"acc\", imageRef: \$i, flavorRef: \$f} + $1)}")"
}
COUNT=$(psql_q "SELECT count(*) FROM instances")
create '{accessIPv4: "300.1.2.3"}'
expect_fault 400 "create: an accessIPv4 that is not an IPv4 address"
create '{accessIPv6: "192.0.2.1"}'
expect_fault 400 "create: an accessIPv6 that is not an IPv6 address"
create '{"OS-DCF:diskConfig": "SOMETIMES"}'
expect_fault 400 "create: a diskConfig other than AUTO or MANUAL"
create '{name: " acc"}'
expect_fault 400 "create: a name with a leading blank (Nova's name format)"
check "create: no instance was written by a refused one" \
    test "$(psql_q "SELECT count(*) FROM instances")" = "$COUNT"
create '{accessIPv4: "192.0.2.7", accessIPv6: "2001:db8::7", "OS-DCF:diskConfig": "AUTO"}'
expect 202 "create with accessIPv4/6 and diskConfig AUTO"
ACC=$(jq -r .server.id <<<"$BODY")
check "create's answer keeps diskConfig as given" jqt '.server."OS-DCF:diskConfig" == "AUTO"'
api GET "$CP_URL/v2.1/servers/$ACC"
check "show: accessIPv4, accessIPv6 and diskConfig as created" \
    jqt '.server | .accessIPv4 == "192.0.2.7" and .accessIPv6 == "2001:db8::7" and ."OS-DCF:diskConfig" == "AUTO"'

api PUT "$CP_URL/v2.1/servers/$ACC" '{"server":{"name":"acc2","accessIPv4":"198.51.100.9"}}'
expect 200 "PUT a new name and accessIPv4"
check "PUT answers the server: new name and address, the v6 one kept" \
    jqt '.server | .id == "'"$ACC"'" and .name == "acc2" and .accessIPv4 == "198.51.100.9" and .accessIPv6 == "2001:db8::7"'
check "PUT's answer is Nova 2.1's basic form (no OS-EXT-STS, OS-EXT-AZ, key_name)" \
    jqt '.server | (has("OS-EXT-STS:vm_state") or has("OS-EXT-AZ:availability_zone") or has("key_name") or has("OS-EXT-SRV-ATTR:host")) | not'
check "PUT's answer has Nova's basic members" \
    jqt '.server | has("addresses") and has("links") and has("hostId") and has("metadata") and has("updated") and .status == "ERROR"'
api PUT "$CP_URL/v2.1/servers/$ACC" '{"server":{"OS-DCF:diskConfig":"MANUAL","accessIPv6":"2001:db8::9"}}'
api GET "$CP_URL/v2.1/servers/$ACC"
check "GET shows what PUT set" \
    jqt '.server | .name == "acc2" and ."OS-DCF:diskConfig" == "MANUAL" and .accessIPv6 == "2001:db8::9"'
api PUT "$CP_URL/v2.1/servers/$ACC" '{"server":{}}'
check "PUT of nothing changes nothing" \
    eval '[ "$STATUS" = 200 ] && jqt ".server.name == \"acc2\""'
SNAP=$(psql_q "SELECT name, access_ip_v4, access_ip_v6, disk_config FROM instances WHERE id = '$ACC'")
put_bad() {	# STATUS DESCRIPTION BODY
	api PUT "$CP_URL/v2.1/servers/${ID:-$ACC}" "$3"
	expect_fault "$1" "PUT: $2"
}
put_bad 400 "description (from 2.19 only)" '{"server":{"description":"d"}}'
put_bad 400 "an unknown member" '{"server":{"colour":"red"}}'
put_bad 400 "an empty name" '{"server":{"name":""}}'
put_bad 400 "a name with a trailing blank" '{"server":{"name":"x "}}'
put_bad 400 "a name that is not a string" '{"server":{"name":5}}'
put_bad 400 "an accessIPv4 that is not an address" '{"server":{"accessIPv4":"x"}}'
put_bad 400 "an empty accessIPv6" '{"server":{"accessIPv6":""}}'
put_bad 400 "a diskConfig other than AUTO or MANUAL" '{"server":{"OS-DCF:diskConfig":"auto"}}'
put_bad 400 "no server object" '{"name":"x"}'
put_bad 400 "a member beside server" '{"server":{},"x":1}'
ID=00000000-0000-0000-0000-000000000000 put_bad 404 "an unknown server" '{"server":{"name":"x"}}'
check "PUT: nothing changed by a refused one" \
    test "$(psql_q "SELECT name, access_ip_v4, access_ip_v6, disk_config FROM instances WHERE id = '$ACC'")" = "$SNAP"
TOKEN=$(get_token lister pw listproj) put_bad 404 "a member renaming another project's server" '{"server":{"name":"x"}}'

os server set --name acc3 "$ACC"
check "openstack server set --name renames it" \
    test "$(os server show "$ACC" -f value -c name)" = acc3
OUT=$(os server show acc3 -f json)
check "openstack server show: accessIPv4 and accessIPv6" \
    jqt '.accessIPv4 == "198.51.100.9" and .accessIPv6 == "2001:db8::9"' "$OUT"

# ---- os-volume_attachments ----
api GET "$CP_URL/v2.1/servers/$ACC/os-volume_attachments"
check "a server's volume attachments: an empty list" \
    eval '[ "$STATUS" = 200 ] && [ "$BODY" = "{\"volumeAttachments\":[]}" ]'
VOL=11111111-2222-3333-4444-555555555555
api GET "$CP_URL/v2.1/servers/$ACC/os-volume_attachments/$VOL"
expect_fault 404 "one volume attachment: none is attached"
api GET "$CP_URL/v2.1/servers/00000000-0000-0000-0000-000000000000/os-volume_attachments"
expect_fault 404 "volume attachments of an unknown server"
TOKEN=$(get_token lister pw listproj) api GET "$CP_URL/v2.1/servers/$ACC/os-volume_attachments"
expect_fault 404 "volume attachments of another project's server"
api GET "$CP_URL/v2.1/servers/$ACC/os-volume_attachments?limit=x"
expect_fault 400 "volume attachments with a limit that is not a number"
api POST "$CP_URL/v2.1/servers/$ACC/os-volume_attachments" "{\"volumeAttachment\":{\"volumeId\":\"$VOL\",\"device\":\"/dev/vdb\"}}"
expect_fault 500 "an attach: Nova's status without a volume service"
check "  its sentence says there is no volume service" \
    jqt '.computeFault.message | test("no volume service")'
attach_bad() {	# STATUS DESCRIPTION BODY [SERVER]
	api POST "$CP_URL/v2.1/servers/${4:-$ACC}/os-volume_attachments" "$3"
	expect_fault "$1" "attach: $2"
}
attach_bad 400 "no volumeId" '{"volumeAttachment":{}}'
attach_bad 400 "a volumeId that is not a UUID" '{"volumeAttachment":{"volumeId":"vol1"}}'
attach_bad 400 "a device that is not a /dev path" "{\"volumeAttachment\":{\"volumeId\":\"$VOL\",\"device\":\"vdb\"}}"
attach_bad 400 "an unknown member (tag is 2.49's)" "{\"volumeAttachment\":{\"volumeId\":\"$VOL\",\"tag\":\"t\"}}"
attach_bad 400 "no volumeAttachment" "{\"volumeId\":\"$VOL\"}"
attach_bad 404 "to an unknown server" "{\"volumeAttachment\":{\"volumeId\":\"$VOL\"}}" \
    00000000-0000-0000-0000-000000000000
OUT=$(os server volume list "$ACC" -f json)
check "openstack server volume list: none" test "$OUT" = "[]"

# ---- min_count, max_count, booleans ----
COUNT=$(psql_q "SELECT count(*) FROM instances")
create '{name: "mc", min_count: 2}'
expect 202 "min_count 2 without max_count"
check "two servers were made, mc-1 and mc-2 (max_count defaults to min_count)" \
    test "$(psql_q "SELECT string_agg(name, ',' ORDER BY name) FROM instances WHERE name LIKE 'mc-%'")" = mc-1,mc-2
create '{name: "ms", min_count: "1", max_count: "2", config_drive: "True", return_reservation_id: "false"}'
expect 202 "counts as strings and booleans as Nova's words"
check "max_count \"2\" made two" \
    test "$(psql_q "SELECT count(*) FROM instances WHERE name LIKE 'ms-%'")" = 2
COUNT=$(psql_q "SELECT count(*) FROM instances")
create '{min_count: 3, max_count: 2}'
expect_fault 400 "min_count above max_count"
create '{min_count: "0"}'
expect_fault 400 "min_count \"0\""
create '{max_count: "two"}'
expect_fault 400 "max_count a word"
create '{min_count: 1.5}'
expect_fault 400 "min_count a real"
create '{config_drive: "maybe"}'
expect_fault 400 "config_drive a word Nova does not take"
check "no instance was written by a refused count or boolean" \
    test "$(psql_q "SELECT count(*) FROM instances")" = "$COUNT"
finish
