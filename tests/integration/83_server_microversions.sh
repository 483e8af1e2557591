#!/usr/bin/env bash
# Servers at the microversions Nova added their members in, on a real
# libvirtd/QEMU (TCG) node: 2.3's extended attributes (admins only),
# 2.9 locked, 2.16 host_status (admins; MAINTENANCE while the node's
# service is disabled), 2.19 description (create, PUT, rebuild), 2.26
# tags (their routes, the list's four tag filters; 2.52 on create),
# 2.37 networks required and "auto"/"none", 2.38 status validated, 2.42
# a NIC's tag, 2.45 createImage's image_id, 2.47 the embedded flavor,
# 2.54/2.57 rebuild's key_name and user_data, 2.17 trigger_crash_dump;
# each refused below its version with a sentence naming the version, and
# the 2.1 form unchanged. The stock client at --os-compute-api-version
# 2.60 shows and sets them.
. "$(dirname "$0")/../lib/harness.sh"

start_cloud
start_compute nodeM
wait_node_up
make_image gureum-tiny '"visibility":"public"'
make_flavor m1.tiny 1 128 1
TINY=$FLV
make_flavor m1.wide 3 128 1
WIDE=$FLV
make_member bob demo
ADMIN_TOKEN=$TOKEN
BOB_TOKEN=$(get_token bob pw demo)
use_openstack_cli
os() {
	OS_USERNAME=bob OS_PASSWORD=pw OS_PROJECT_NAME=demo \
	    /usr/bin/openstack "$@" 2>"$T/os.err"
}
os keypair create --public-key <(ssh-keygen -q -t ed25519 -N '' -f "$T/k1" \
    <<<y >/dev/null; cat "$T/k1.pub") k1 >/dev/null

# mv VERSION METHOD PATH [BODY]: the call at a microversion, as bob (or
# TOKEN when AS=admin).
mv() {
	local tok=$BOB_TOKEN
	[ "${AS:-}" = admin ] && tok=$ADMIN_TOKEN
	TOKEN=$tok api "$2" "$CP_URL/v2.1$3" "${4:-}" \
	    -H "OpenStack-API-Version: compute $1"
}
msg_has() { jqt ".[].message | test(\"$1\")"; }
UD=$(printf '#!/bin/sh\necho hi\n' | base64 -w0)

# ---- create ----
mv 2.60 POST /servers '{"server":{"name":"x","imageRef":"'"$IMG"'","flavorRef":"'"$TINY"'"}}'
check "2.37+: a create without networks is a 400 naming the property" \
    eval '[ "$STATUS" = 400 ] && msg_has "networks. is a required property"'
mv 2.36 POST /servers '{"server":{"name":"x","imageRef":"'"$IMG"'","flavorRef":"'"$TINY"'","networks":"none"}}'
check "below 2.37: networks \"none\" is a 400 naming 2.37" \
    eval '[ "$STATUS" = 400 ] && msg_has "2.37"'
mv 2.18 POST /servers '{"server":{"name":"x","imageRef":"'"$IMG"'","flavorRef":"'"$TINY"'","description":"d"}}'
check "2.18: description is unknown, needs 2.19" eval '[ "$STATUS" = 400 ] && msg_has "needs microversion 2.19"'
mv 2.51 POST /servers '{"server":{"name":"x","imageRef":"'"$IMG"'","flavorRef":"'"$TINY"'","tags":["a"]}}'
check "2.51: tags on create need 2.52" eval '[ "$STATUS" = 400 ] && msg_has "2.52"'
mv 2.37 POST /servers '{"server":{"name":"x","imageRef":"'"$IMG"'","flavorRef":"'"$TINY"'","networks":[{"uuid":"'"$IMG"'","tag":"t"}]}}'
check "2.37: a NIC's tag is refused (2.32-2.36 and 2.42+)" eval '[ "$STATUS" = 400 ] && msg_has "tag is taken at microversions 2.32 to 2.36"'
mv 2.42 POST /servers '{"server":{"name":"x","imageRef":"'"$IMG"'","flavorRef":"'"$TINY"'","networks":[{"uuid":"'"$IMG"'","tag":"t"}]}}'
check "2.42: the tag is taken again (the unknown network is what is refused)" \
    eval '[ "$STATUS" = 400 ] && ! msg_has "tag is taken"'
mv 2.60 POST /servers '{"server":{"name":"x","imageRef":"'"$IMG"'","flavorRef":"'"$TINY"'","networks":"none","tags":["a/b"]}}'
expect_fault 400 "a tag with a slash"
mv 2.60 POST /servers '{"server":{"name":"x","imageRef":"'"$IMG"'","flavorRef":"'"$TINY"'","networks":"none","description":"a\u0001b"}}'
expect_fault 400 "a description with a control character"
check "no refused create left a server" test "$(psql_q "SELECT count(*) FROM instances")" = 0

mv 2.60 POST /servers '{"server":{"name":"VM one","imageRef":"'"$IMG"'","flavorRef":"'"$TINY"'","networks":"none","description":"first vm","tags":["red","blue","red"],"user_data":"'"$UD"'"}}'
expect 202 "2.60: create with description, tags, networks none, user_data"
ID=$(jq -r .server.id <<<"$BODY")
active() { mv 2.1 GET "/servers/$ID"; jqt '.server.status == "ACTIVE"'; }
check "it goes ACTIVE" wait_for 90 active

# Two that cannot be placed (3 vCPUs on a node of 2 cores), in one
# request: one reservation.
mv 2.52 POST /servers '{"server":{"name":"err","imageRef":"'"$IMG"'","flavorRef":"'"$WIDE"'","networks":"none","min_count":2,"return_reservation_id":true,"tags":["red"]}}'
check "return_reservation_id: the answer is the reservation id" \
    eval '[ "$STATUS" = 202 ] && jqt "(.reservation_id | test(\"^r-[0-9a-f]{8}$\")) and (has(\"server\") | not)"'
RESV=$(jq -r .reservation_id <<<"$BODY")
AS=admin mv 2.3 GET "/servers/detail?all_tenants=1&sort_key=display_name&sort_dir=asc"
check "2.3: both share it, with launch_index 0 and 1" \
    jqt "[.servers[] | select(.name | startswith(\"err\")) | [.\"OS-EXT-SRV-ATTR:reservation_id\", .\"OS-EXT-SRV-ATTR:launch_index\"]] == [[\"$RESV\",0],[\"$RESV\",1]]"
ERR1=$(jq -r '.servers[] | select(.name == "err-1") | .id' <<<"$BODY")

# A host that does not exist, asked by an admin: the fault says so.
AS=admin mv 2.1 POST /servers '{"server":{"name":"forced","imageRef":"'"$IMG"'","flavorRef":"'"$TINY"'","availability_zone":"nova:nowhere"}}'
FORCED=$(jq -r .server.id <<<"$BODY")
AS=admin mv 2.1 GET "/servers/$FORCED"
check "a forced host that does not exist: the fault names it" \
    jqt '.server.fault.message == "No valid host was found: no node is named '"'"'nowhere'"'"'."'
AS=admin mv 2.1 DELETE "/servers/$FORCED"

# ---- show ----
AS=admin mv 2.1 GET "/servers/$ID"
check "2.1: none of the later members" \
    jqt '.server | (has("locked") or has("description") or has("tags") or has("host_status") or has("OS-EXT-SRV-ATTR:hostname")) | not'
check "2.1: the flavor by id with its bookmark link, as Nova" \
    jqt ".server.flavor == {\"id\":\"$TINY\",\"links\":[{\"rel\":\"bookmark\",\"href\":\"$CP_URL/flavors/$TINY\"}]}"
AS=admin mv 2.3 GET "/servers/$ID"
check "2.3 (admin): hostname, reservation, launch index, root device, user_data" \
    jqt ".server | .\"OS-EXT-SRV-ATTR:hostname\" == \"vm-one\" and (.\"OS-EXT-SRV-ATTR:reservation_id\" | test(\"^r-\")) and .\"OS-EXT-SRV-ATTR:launch_index\" == 0 and .\"OS-EXT-SRV-ATTR:root_device_name\" == \"/dev/vda\" and .\"OS-EXT-SRV-ATTR:user_data\" == \"$UD\" and .\"OS-EXT-SRV-ATTR:kernel_id\" == \"\" and .\"OS-EXT-SRV-ATTR:ramdisk_id\" == \"\""
mv 2.3 GET "/servers/$ID"
check "2.3 (member): no extended attributes" jqt '.server | has("OS-EXT-SRV-ATTR:hostname") | not'
mv 2.9 GET "/servers/$ID"
check "2.9: locked false" jqt '.server.locked == false and (.server | has("description") | not)'
AS=admin mv 2.16 GET "/servers/$ID"
check "2.16 (admin): host_status UP" jqt '.server.host_status == "UP"'
mv 2.16 GET "/servers/$ID"
check "2.16 (member): no host_status" jqt '.server | has("host_status") | not'
AS=admin api PUT "$CP_URL/v2.1/os-services/disable" '{"host":"nodeM","binary":"nova-compute"}'
AS=admin mv 2.16 GET "/servers/detail?all_tenants=1"
check "a disabled compute service: MAINTENANCE, in the list too" \
    jqt "[.servers[] | select(.id == \"$ID\") | .host_status] == [\"MAINTENANCE\"]"
check "a server with no node: host_status \"\"" \
    jqt "[.servers[] | select(.id == \"$ERR1\") | .host_status] == [\"\"]"
AS=admin api PUT "$CP_URL/v2.1/os-services/enable" '{"host":"nodeM","binary":"nova-compute"}'
AS=admin mv 2.11 PUT "/os-services/force-down" '{"host":"nodeM","binary":"nova-compute","forced_down":true}'
AS=admin mv 2.16 GET "/servers/$ID"
check "a forced-down service: DOWN" jqt '.server.host_status == "DOWN"'
AS=admin mv 2.11 PUT "/os-services/force-down" '{"host":"nodeM","binary":"nova-compute","forced_down":false}'
AS=admin mv 2.16 GET "/servers/$ID"
check "... and UP again when the admin lifts it" jqt '.server.host_status == "UP"'
mv 2.19 GET "/servers/$ID"
check "2.19: the description" jqt '.server.description == "first vm" and (.server | has("tags") | not)'
mv 2.26 GET "/servers/$ID"
check "2.26: the tags, repeats kept once, in order" jqt '.server.tags == ["red","blue"]'
mv 2.46 GET "/servers/$ID"
check "2.46: the flavor still by id" jqt ".server.flavor.id == \"$TINY\""
mv 2.47 GET "/servers/$ID"
check "2.47: the flavor embedded, as it was at boot" \
    jqt '.server.flavor == {"vcpus":1,"ram":128,"disk":1,"ephemeral":0,"swap":0,"original_name":"m1.tiny","extra_specs":{}}'
mv 2.1 POST /servers '{"server":{"name":"old","imageRef":"'"$IMG"'","flavorRef":"'"$WIDE"'"}}'
OLD=$(jq -r .server.id <<<"$BODY")
mv 2.19 GET "/servers/$OLD"
check "a server made below 2.19 has its name as description (as Nova)" jqt '.server.description == "old"'
mv 2.19 GET "/servers/$ERR1"
check "one made at 2.52 without one: null" jqt '.server.description == null'
mv 2.1 DELETE "/servers/$OLD"

# ---- update ----
mv 2.18 PUT "/servers/$ID" '{"server":{"description":"x"}}'
check "2.18: PUT with description is a 400 naming 2.19" eval '[ "$STATUS" = 400 ] && msg_has "2.19"'
AS=admin mv 2.19 PUT "/servers/$ID" '{"server":{"description":"second"}}'
check "2.19: PUT sets it, answers it (basic form: no extended attributes)" \
    eval '[ "$STATUS" = 200 ] && jqt ".server.description == \"second\" and .server.locked == false and (.server | has(\"OS-EXT-SRV-ATTR:host\") | not)"'
mv 2.19 PUT "/servers/$ID" '{"server":{"description":null}}'
check "description null clears it" eval '[ "$STATUS" = 200 ] && jqt ".server.description == null"'
mv 2.19 PUT "/servers/$ID" '{"server":{"description":5}}'
expect_fault 400 "a description that is not a string"

# ---- tags ----
mv 2.25 GET "/servers/$ID/tags"
expect_fault 404 "2.25: no tags route"
mv 2.26 PUT "/servers/$ID/tags/green"
check "PUT one tag: 201 with its Location" \
    eval '[ "$STATUS" = 201 ] && [ "$(header Location)" = "http://127.0.0.1:${CP_URL##*:}/v2.1/servers/$ID/tags/green" ]'
mv 2.26 PUT "/servers/$ID/tags/green"
expect 204 "PUT a tag it has"
mv 2.26 GET "/servers/$ID/tags/green"
expect 204 "a tag it has"
mv 2.26 GET "/servers/$ID/tags/nope"
expect_fault 404 "a tag it has not"
mv 2.26 GET "/servers/$ID/tags"
check "the list" jqt '.tags == ["red","blue","green"]'
mv 2.26 PUT "/servers/$ID/tags" '{"tags":["x",5]}'
expect_fault 400 "a tag that is not a string"
mv 2.26 PUT "/servers/$ID/tags" "$(jq -cn '{tags: [range(51) | "t\(.)"]}')"
expect_fault 400 "51 tags"
mv 2.26 PUT "/servers/$ID/tags" "{\"tags\":[\"$(printf 'a%.0s' {1..61})\"]}"
expect_fault 400 "a tag of 61 characters"
mv 2.26 PUT "/servers/$ID/tags/a,b"
expect_fault 400 "a tag with a comma"
mv 2.26 GET "/servers/$ID/tags"
check "refused writes changed nothing" jqt '.tags == ["red","blue","green"]'
mv 2.26 PUT "/servers/$ERR1/tags/x"
check "an ERROR server's tags: 409 (Nova's valid states)" eval '[ "$STATUS" = 409 ] && msg_has "vm_state error"'
mv 2.26 DELETE "/servers/$ID/tags/green"
expect 204 "delete one tag"
mv 2.26 DELETE "/servers/$ID/tags/green"
expect_fault 404 "delete it again"
listed() { jq -r '[.servers[].name] | sort | join(",")' <<<"$BODY"; }
mv 2.26 GET "/servers?tags=red,blue"
check "?tags=red,blue: servers with both" test "$(listed)" = "VM one"
mv 2.26 GET "/servers?tags-any=red"
check "?tags-any=red" test "$(listed)" = "VM one,err-1,err-2"
mv 2.26 GET "/servers?not-tags=red,blue"
check "?not-tags=red,blue: not both" test "$(listed)" = "err-1,err-2"
mv 2.26 GET "/servers?not-tags-any=blue,zz"
check "?not-tags-any=blue,zz: none of them" test "$(listed)" = "err-1,err-2"
mv 2.25 GET "/servers?tags=zz"
check "2.25: the tag filters are not there (ignored)" test "$(listed)" = "VM one,err-1,err-2"
mv 2.26 PUT "/servers/$ID/tags" '{"tags":["only"]}'
check "PUT the whole set" eval '[ "$STATUS" = 200 ] && jqt ".tags == [\"only\"]"'
mv 2.26 DELETE "/servers/$ID/tags"
expect 204 "delete them all"
OUT=$(os --os-compute-api-version 2.60 server set --tag cli1 --tag cli2 --description "from cli" "VM one" && \
    os --os-compute-api-version 2.60 server show "VM one" -f json)
check "openstack 2.60 server set --tag --description, server show" \
    jqt '(.tags | sort) == ["cli1","cli2"] and .description == "from cli" and .locked == false' "$OUT"
OUT=$(os --os-compute-api-version 2.60 server list --tags cli1 -f json)
check "openstack 2.60 server list --tags" jqt '[.[].Name] == ["VM one"]' "$OUT"

# ---- list: other filters ----
mv 2.1 GET "/servers?reservation_id=$RESV"
check "?reservation_id: the servers of one request" test "$(listed)" = "err-1,err-2"
mv 2.1 GET "/servers?flavor=$WIDE"
check "?flavor" test "$(listed)" = "err-1,err-2"
mv 2.1 GET "/servers?image=$IMG&name=VM"
check "?image with ?name" test "$(listed)" = "VM one"
mv 2.1 GET "/servers?name=%5B"
expect_fault 400 "a name filter that is not a regular expression"
AS=admin mv 2.1 GET "/servers?all_tenants=1&host=nodeM"
check "?host (admin)" test "$(listed)" = "VM one"
mv 2.1 GET "/servers?host=nowhere"
check "?host from a member is dropped, as Nova" test "$(listed)" = "VM one,err-1,err-2"

# ---- list: status ----
mv 2.37 GET "/servers?status=bogus"
check "2.37: an unknown status lists nothing" eval '[ "$STATUS" = 200 ] && jqt ".servers == []"'
mv 2.38 GET "/servers?status=bogus"
check "2.38: it is a 400" eval '[ "$STATUS" = 400 ] && msg_has "Invalid status value"'
mv 2.38 GET "/servers?status=active"
check "2.38: a known status in any case" eval '[ "$STATUS" = 200 ] && test "$(listed)" = "VM one"'

# ---- actions ----
mv 2.16 POST "/servers/$ID/action" '{"trigger_crash_dump":null}'
check "2.16: trigger_crash_dump needs 2.17" eval '[ "$STATUS" = 400 ] && msg_has "2.17"'
mv 2.17 POST "/servers/$ID/action" '{"trigger_crash_dump":{}}'
expect_fault 400 "trigger_crash_dump with a value"
os --os-compute-api-version 2.17 server dump create "VM one"
dumped() { mv 2.17 GET "/servers/$ID/os-instance-actions"; jqt '[.instanceActions[] | select(.action == "trigger_crash_dump")] | length == 1'; }
check "openstack server dump create: the NMI is an instance action" wait_for 10 dumped
idle() { AS=admin mv 2.17 GET "/servers/$ID"; jqt '.server."OS-EXT-STS:task_state" == null and .server.status == "ACTIVE"'; }
check "the guest stays ACTIVE, the task ends" wait_for 20 idle
mv 2.17 POST "/servers/$ERR1/action" '{"trigger_crash_dump":null}'
expect_fault 409 "trigger_crash_dump of a server that is not on a node"

mv 2.45 POST "/servers/$ID/action" '{"createImage":{"name":"snap45"}}'
check "2.45: createImage answers its image_id, no Location" \
    eval '[ "$STATUS" = 202 ] && jqt ".image_id | test(\"^[0-9a-f-]{36}$\")" && [ -z "$(header Location)" ]'
SNAP=$(jq -r .image_id <<<"$BODY")
snapped() { TOKEN=$BOB_TOKEN api GET "$IMG_URL/v2/images/$SNAP"; jqt '.status == "active"'; }
check "the snapshot becomes active" wait_for 60 snapped
check "and the server is idle again" wait_for 20 idle

mv 2.53 POST "/servers/$ID/action" '{"rebuild":{"imageRef":"'"$IMG"'","key_name":"k1"}}'
check "2.53: rebuild with key_name needs 2.54" eval '[ "$STATUS" = 400 ] && msg_has "2.54"'
mv 2.56 POST "/servers/$ID/action" '{"rebuild":{"imageRef":"'"$IMG"'","user_data":"'"$UD"'"}}'
check "2.56: rebuild with user_data needs 2.57" eval '[ "$STATUS" = 400 ] && msg_has "2.57"'
mv 2.57 POST "/servers/$ID/action" '{"rebuild":{"imageRef":"'"$IMG"'","key_name":"nope"}}'
check "an unknown key_name: 400" eval '[ "$STATUS" = 400 ] && msg_has "Invalid key_name"'
UD2=$(printf '#!/bin/sh\necho user-data-two\n' | base64 -w0)
mv 2.57 POST "/servers/$ID/action" '{"rebuild":{"imageRef":"'"$IMG"'","name":"vm-rebuilt","key_name":"k1","user_data":"'"$UD2"'","description":"rebuilt"}}'
check "2.57: rebuild answers key_name, user_data and description" \
    eval '[ "$STATUS" = 202 ] && jqt ".server.key_name == \"k1\" and .server.user_data == \"$UD2\" and .server.description == \"rebuilt\""'
check "the row holds them" test "$(psql_q "SELECT key_name, user_data = '$UD2', description FROM instances WHERE id = '$ID'")" = "k1|t|rebuilt"
check "the rebuilt server goes ACTIVE" wait_for 90 active
console() { mv 2.1 POST "/servers/$ID/action" '{"os-getConsoleOutput":{}}'; jq -r .output <<<"$BODY"; }
reborn() { console | grep -q "gureum-guest ready: vm-rebuilt"; }
check "the config drive was written anew: the guest boots with the new name" wait_for 90 reborn
check "... and runs the new user_data" eval 'console | grep -q "^user-data-two"'
mv 2.57 POST "/servers/$ID/action" '{"rebuild":{"imageRef":"'"$IMG"'","key_name":null,"user_data":null}}'
check "null key_name and user_data clear them" \
    eval '[ "$STATUS" = 202 ] && jqt ".server.key_name == null and .server.user_data == null"'
check "it goes ACTIVE again" wait_for 90 active

os server delete --wait "$ID"
finish
