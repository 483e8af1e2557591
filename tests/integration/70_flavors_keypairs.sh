#!/usr/bin/env bash
# Flavors (extra specs, access to private ones), keypairs, quotas, limits
# and availability zones at microversion 2.1: exact formats and clear 4xx
# faults with curl+jq, admin vs member, then the stock openstack CLI.
. "$(dirname "$0")/../lib/harness.sh"

command -v /usr/bin/openstack >/dev/null || die "python3-openstackclient is not installed (make deps)"
start_pg
start_controller
ADMIN_TOKEN=$(get_token admin "$ADMIN_PW" admin)
TOKEN=$ADMIN_TOKEN
F=$CP_URL/v2.1/flavors
K=$CP_URL/v2.1/os-keypairs
Q=$CP_URL/v2.1/os-quota-sets

# A member: bob in project demo.
make_member bob demo
DEMO=$MEMBER_PROJECT BOB=$MEMBER_ID
BOB_TOKEN=$(get_token bob pw demo)
[ -n "$BOB_TOKEN" ] || die "bob has no token"
api GET "$ID_URL/v3/projects?name=admin"
ADMIN_PROJECT=$(jq -r '.projects[0].id' <<<"$BODY")
as_bob() { TOKEN=$BOB_TOKEN "$@"; }

# ---- flavors: formats ----
api POST "$F" '{"flavor":{"id":null,"name":"m1.small","vcpus":1,"ram":512,"disk":5,"swap":0,"rxtx_factor":1.0,"OS-FLV-EXT-DATA:ephemeral":0,"os-flavor-access:is_public":true}}'
expect 200 "create a flavor as the CLI sends it"
SMALL=$(jq -r .flavor.id <<<"$BODY")
check "a null id becomes a UUID" jqt '.flavor.id | test("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")'
check "the 2.1 flavor document has exactly Nova's keys" jqt '.flavor | keys ==
    ["OS-FLV-DISABLED:disabled","OS-FLV-EXT-DATA:ephemeral","disk","id","links","name","os-flavor-access:is_public","ram","rxtx_factor","swap","vcpus"]'
check "swap 0 shows as \"\", not disabled, public, rxtx 1.0" jqt '.flavor | .swap == "" and
    ."OS-FLV-DISABLED:disabled" == false and ."os-flavor-access:is_public" == true and .rxtx_factor == 1.0'
check "self and bookmark links" jqt ".flavor.links == [{\"rel\":\"self\",\"href\":\"$F/$SMALL\"},{\"rel\":\"bookmark\",\"href\":\"$CP_URL/flavors/$SMALL\"}]"
api POST "$F" '{"flavor":{"id":"auto","name":"m1.auto","vcpus":1,"ram":64}}'
check "id \"auto\" is generated too; disk defaults to 0" jqt '(.flavor.id | length) == 36 and .flavor.disk == 0'
AUTO=$(jq -r .flavor.id <<<"$BODY")
api POST "$F" '{"flavor":{"id":42,"name":"m1.big","vcpus":4,"ram":4096,"disk":40,"swap":512,"OS-FLV-EXT-DATA:ephemeral":10,"rxtx_factor":2.5}}'
expect 200 "create a flavor with an integer id"
check "the integer id is kept as a string; swap, ephemeral, rxtx shown" \
    jqt '.flavor | .id == "42" and .swap == 512 and ."OS-FLV-EXT-DATA:ephemeral" == 10 and .rxtx_factor == 2.5'
api GET "$F"
check "the plain list has id, links, name only" jqt '.flavors | length == 3 and all(keys == ["id","links","name"])'
api GET "$F/detail"
check "detail lists sort by flavorid" jqt "[.flavors[].id] == ([\"42\",\"$AUTO\",\"$SMALL\"] | sort)"
check "the response echoes microversion 2.1" test "$(header X-OpenStack-Nova-API-Version)" = 2.1
api GET "$F/detail?minRam=512&minDisk=5"
check "minRam and minDisk filter" jqt '[.flavors[].name] | sort == ["m1.big","m1.small"]'
api GET "$F/detail?sort_key=memory_mb&sort_dir=desc"
check "sort_key=memory_mb&sort_dir=desc" jqt '[.flavors[].name] == ["m1.big","m1.small","m1.auto"]'
api GET "$F?limit=2&sort_key=memory_mb"
check "limit=2 gives two and a next link" jqt '(.flavors | length) == 2 and (.flavors_links[0].rel == "next")'
NEXT=$(jq -r '.flavors_links[0].href' <<<"$BODY")
api GET "$NEXT"
check "the next link gives the rest" jqt '[.flavors[].name] == ["m1.big"] and (has("flavors_links") | not)'
api GET "$F/$SMALL"
check "show by id" jqt '.flavor.name == "m1.small" and .flavor.ram == 512'
as_bob api GET "$F/detail"
check "a member lists the public flavors" jqt '.flavors | length == 3'

# ---- flavors: bad input ----
api GET "$F/nope"
expect_fault 404 "an unknown flavor"
check "the 404 is Nova-shaped" jqt '.itemNotFound.code == 404'
api GET "$F/detail?is_public=maybe"
expect_fault 400 "is_public=maybe"
api GET "$F/detail?minRam=lots"
expect_fault 400 "minRam=lots"
api GET "$F/detail?sort_key=colour"
expect_fault 400 "an unknown sort_key"
api GET "$F/detail?marker=nope"
expect_fault 400 "an unknown marker"
api GET "$F/detail?limit=-1"
expect_fault 400 "a negative limit"
bad_flavor() {	# DESCRIPTION JSON
	api POST "$F" "$2"
	expect_fault 400 "$1"
}
bad_flavor "no name" '{"flavor":{"vcpus":1,"ram":64}}'
bad_flavor "no ram" '{"flavor":{"name":"x","vcpus":1}}'
bad_flavor "vcpus as a string" '{"flavor":{"name":"x","vcpus":"one","ram":64}}'
bad_flavor "vcpus 0" '{"flavor":{"name":"x","vcpus":0,"ram":64}}'
bad_flavor "ram -1" '{"flavor":{"name":"x","vcpus":1,"ram":-1}}'
bad_flavor "disk -1" '{"flavor":{"name":"x","vcpus":1,"ram":64,"disk":-1}}'
bad_flavor "ram past 2^31" '{"flavor":{"name":"x","vcpus":1,"ram":4294967296}}'
bad_flavor "rxtx_factor 0" '{"flavor":{"name":"x","vcpus":1,"ram":64,"rxtx_factor":0}}'
bad_flavor "is_public a word Nova does not take" '{"flavor":{"name":"x","vcpus":1,"ram":64,"os-flavor-access:is_public":"maybe"}}'
bad_flavor "is_public a number" '{"flavor":{"name":"x","vcpus":1,"ram":64,"os-flavor-access:is_public":1}}'
bad_flavor "ram a string with a blank" '{"flavor":{"name":"x","vcpus":1,"ram":" 64"}}'
bad_flavor "vcpus a string of 0" '{"flavor":{"name":"x","vcpus":"0","ram":64}}'
bad_flavor "disk a negative string" '{"flavor":{"name":"x","vcpus":1,"ram":64,"disk":"-1"}}'
bad_flavor "vcpus a real" '{"flavor":{"name":"x","vcpus":1.5,"ram":64}}'
bad_flavor "rxtx_factor a string with an exponent" '{"flavor":{"name":"x","vcpus":1,"ram":64,"rxtx_factor":"1e2"}}'
check "  the message names the field and the value" \
    jqt '.badRequest.message | contains("rxtx_factor") and contains("1e2")'
# Numbers and booleans as strings, as Nova's schemas take them.
api POST "$F" '{"flavor":{"name":"str.flavor","vcpus":"2","ram":"96","disk":"3","swap":"16","OS-FLV-EXT-DATA:ephemeral":"1","rxtx_factor":"1.5","os-flavor-access:is_public":"False"}}'
expect 200 "a flavor with its numbers and is_public as strings (as Nova takes them)"
check "they are stored as numbers; \"False\" made it private" \
    jqt '.flavor | .vcpus == 2 and .ram == 96 and .disk == 3 and .swap == 16 and ."OS-FLV-EXT-DATA:ephemeral" == 1 and .rxtx_factor == 1.5 and ."os-flavor-access:is_public" == false'
api DELETE "$F/$(jq -r .flavor.id <<<"$BODY")"
for b in True true 1 yes ON; do
	api POST "$F" '{"flavor":{"name":"pub.'"$b"'","vcpus":1,"ram":64,"os-flavor-access:is_public":"'"$b"'"}}'
	check "is_public \"$b\" makes a public flavor" jqt '.flavor."os-flavor-access:is_public" == true'
	api DELETE "$F/$(jq -r .flavor.id <<<"$BODY")"
done
bad_flavor "a control character in the name" '{"flavor":{"name":"x\u0007y","vcpus":1,"ram":64}}'
bad_flavor "a name with a leading space" '{"flavor":{"name":" x","vcpus":1,"ram":64}}'
bad_flavor "a 256-byte name" "{\"flavor\":{\"name\":\"$(printf 'n%.0s' $(seq 256))\",\"vcpus\":1,\"ram\":64}}"
bad_flavor "an id with a slash" '{"flavor":{"id":"a/b","name":"x","vcpus":1,"ram":64}}'
bad_flavor "an id that is an object" '{"flavor":{"id":{},"name":"x","vcpus":1,"ram":64}}'
bad_flavor "an unknown field" '{"flavor":{"name":"x","vcpus":1,"ram":64,"colour":"red"}}'
bad_flavor "a body that is not JSON" '{"flavor":'
bad_flavor "flavor not an object" '{"flavor":[]}'
api POST "$F" '{"flavor":{"name":"m1.small","vcpus":1,"ram":64}}'
expect_fault 409 "a duplicate name"
check "... named in the message" jqt '.conflictingRequest.message | test("name m1.small")'
api POST "$F" '{"flavor":{"id":42,"name":"other","vcpus":1,"ram":64}}'
expect_fault 409 "a duplicate id"
check "... named in the message" jqt '.conflictingRequest.message | test("ID 42")'
as_bob api POST "$F" '{"flavor":{"name":"mine","vcpus":1,"ram":64}}'
expect_fault 403 "a member creating a flavor"
check "the 403 is Nova-shaped" jqt '.forbidden.code == 403'
as_bob api DELETE "$F/$SMALL"
expect_fault 403 "a member deleting a flavor"
api GET "$F/detail"
check "refused requests wrote nothing" jqt '.flavors | length == 3'

# ---- extra specs ----
S=$F/$SMALL/os-extra_specs
api GET "$S"
check "no extra specs is {\"extra_specs\":{}}" test "$BODY" = '{"extra_specs":{}}'
api POST "$S" '{"extra_specs":{"gureum:disk_provisioning":"thick","hw:cpu_policy":"shared","note":""}}'
expect 200 "set extra specs"
check "... answered with what was set" jqt '.extra_specs == {"gureum:disk_provisioning":"thick","hw:cpu_policy":"shared","note":""}'
api GET "$S/gureum:disk_provisioning"
check "get one extra spec" test "$BODY" = '{"gureum:disk_provisioning":"thick"}'
api PUT "$S/gureum:disk_provisioning" '{"gureum:disk_provisioning":"thin"}'
check "put one extra spec" test "$STATUS:$BODY" = '200:{"gureum:disk_provisioning":"thin"}'
api PUT "$S/gureum:disk_provisioning" '{"hw:cpu_policy":"dedicated"}'
expect_fault 400 "a PUT whose key differs from the URL's"
api PUT "$S/gureum:disk_provisioning" '{"gureum:disk_provisioning":"thin","x":"y"}'
expect_fault 400 "a PUT with two keys"
api PUT "$S/gureum:disk_provisioning" '{"gureum:disk_provisioning":"fat"}'
expect_fault 400 "gureum:disk_provisioning=fat"
check "... says what is allowed" jqt '.badRequest.message | test("thin.*thick")'
api POST "$S" '{"extra_specs":{"gureum:disk_provisioning":"thick","ok":"1"}}'
check "... and thick passes" test "$STATUS" = 200
api POST "$S" '{"extra_specs":{"gureum:disk_provisioning":"thin","b@d":"1"}}'
expect_fault 400 "a key with a character outside [A-Za-z0-9_.: -]"
api POST "$S" '{"extra_specs":{"n":1}}'
expect_fault 400 "a value that is not a string"
api POST "$S" "{\"extra_specs\":{\"long\":\"$(printf 'v%.0s' $(seq 256))\"}}"
expect_fault 400 "a 256-byte value"
api POST "$S" '{"extra_specs":[]}'
expect_fault 400 "extra_specs not an object"
api GET "$S"
check "refused extra specs changed nothing" jqt '.extra_specs == {"gureum:disk_provisioning":"thick","hw:cpu_policy":"shared","note":"","ok":"1"}'
as_bob api POST "$S" '{"extra_specs":{"a":"b"}}'
expect_fault 403 "a member setting extra specs"
as_bob api GET "$S"
check "a member reads a public flavor's extra specs" jqt '.extra_specs.ok == "1"'
api DELETE "$S/ok"
check "delete an extra spec (200, empty)" test "$STATUS:$BODY" = 200:
api DELETE "$S/ok"
expect_fault 404 "delete it again"
api GET "$S/ok"
expect_fault 404 "get a missing extra spec"
api GET "$F/nope/os-extra_specs"
expect_fault 404 "extra specs of an unknown flavor"

# ---- private flavors and access ----
api POST "$F" '{"flavor":{"name":"p1","vcpus":1,"ram":64,"os-flavor-access:is_public":false}}'
PRIV=$(jq -r .flavor.id <<<"$BODY")
check "create a private flavor" jqt '.flavor."os-flavor-access:is_public" == false'
api GET "$F/$PRIV/os-flavor-access"
check "its access list starts empty" test "$STATUS:$BODY" = '200:{"flavor_access":[]}'
api GET "$F/$SMALL/os-flavor-access"
expect_fault 404 "access list of a public flavor"
as_bob api GET "$F/detail"
check "a member without access does not list it" jqt "[.flavors[].id] | index(\"$PRIV\") == null"
as_bob api GET "$F/$PRIV"
expect_fault 404 "a member without access cannot show it"
as_bob api GET "$F/detail?is_public=None"
check "... not even with is_public=None" jqt "[.flavors[].id] | index(\"$PRIV\") == null"
api GET "$F/detail?is_public=False"
check "admins list private ones with is_public=False" jqt "[.flavors[].id] == [\"$PRIV\"]"
api GET "$F/detail?is_public=None"
check "... and all with is_public=None" jqt '.flavors | length == 4'
api GET "$F/detail"
check "... and by default the public ones" jqt "[.flavors[].id] | index(\"$PRIV\") == null"
act() { api POST "$F/$1/action" "$2"; }
act "$PRIV" "{\"addTenantAccess\":{\"tenant\":\"$DEMO\"}}"
check "addTenantAccess answers the list" jqt ".flavor_access == [{\"flavor_id\":\"$PRIV\",\"tenant_id\":\"$DEMO\"}]"
act "$PRIV" "{\"addTenantAccess\":{\"tenant\":\"$DEMO\"}}"
expect_fault 409 "adding the same access again"
act "$PRIV" '{"addTenantAccess":{"tenant":"no-such-project"}}'
expect_fault 400 "access for an unknown project"
act "$SMALL" "{\"addTenantAccess\":{\"tenant\":\"$DEMO\"}}"
expect_fault 409 "access to a public flavor"
act "$PRIV" '{"addTenantAccess":{}}'
expect_fault 400 "addTenantAccess without a tenant"
act "$PRIV" '{"shareWithEveryone":{}}'
expect_fault 400 "an unknown action"
as_bob act "$PRIV" "{\"removeTenantAccess\":{\"tenant\":\"$DEMO\"}}"
expect_fault 403 "a member changing access"
as_bob api GET "$F/$PRIV/os-flavor-access"
expect_fault 403 "a member reading an access list"
as_bob api GET "$F/detail"
check "with access the member lists it" jqt "[.flavors[].id] | index(\"$PRIV\") != null"
as_bob api GET "$F/$PRIV"
check "... and shows it" test "$STATUS" = 200
act "$PRIV" "{\"removeTenantAccess\":{\"tenant\":\"$DEMO\"}}"
check "removeTenantAccess answers the list" test "$STATUS:$BODY" = '200:{"flavor_access":[]}'
act "$PRIV" "{\"removeTenantAccess\":{\"tenant\":\"$DEMO\"}}"
expect_fault 404 "removing access that is not there"
as_bob api GET "$F/$PRIV"
expect_fault 404 "without access again, the member cannot show it"

api DELETE "$F/$AUTO"
expect 202 "delete a flavor"
api DELETE "$F/$AUTO"
expect_fault 404 "delete it again"

# ---- keypairs (as the member: they belong to users) ----
TOKEN=$BOB_TOKEN
api POST "$K" '{"keypair":{"name":"gen"}}'
expect 200 "generate a keypair"
check "... with name, public_key, fingerprint, user_id and private_key" \
    jqt ".keypair | (keys == [\"fingerprint\",\"name\",\"private_key\",\"public_key\",\"user_id\"]) and .user_id == \"$BOB\""
check "... the public key in OpenSSH form" jqt '.keypair.public_key | test("^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ \\S+$")'
check "... the fingerprint as MD5 aa:bb:.." jqt '.keypair.fingerprint | test("^([0-9a-f]{2}:){15}[0-9a-f]{2}$")'
jq -r .keypair.private_key <<<"$BODY" >"$T/gen.pem"; chmod 600 "$T/gen.pem"
jq -r .keypair.public_key <<<"$BODY" >"$T/gen.pub"
GEN_FP=$(jq -r .keypair.fingerprint <<<"$BODY")
check "the private key is a PEM RSA key" grep -q -- '-----BEGIN RSA PRIVATE KEY-----' "$T/gen.pem"
check "ssh-keygen derives the same public key from it" \
    test "$(ssh-keygen -y -f "$T/gen.pem" | cut -d' ' -f1-2)" = "$(cut -d' ' -f1-2 "$T/gen.pub")"
check "the fingerprint is ssh-keygen's MD5 one" \
    test "$(ssh-keygen -l -E md5 -f "$T/gen.pub" | awk '{print $2}')" = "MD5:$GEN_FP"
check "an RSA key of 2048 bits" test "$(ssh-keygen -l -f "$T/gen.pub" | awk '{print $1}')" = 2048

ssh-keygen -q -t ed25519 -N '' -C 'bob@laptop' -f "$T/ed" || die "ssh-keygen failed"
ssh-keygen -q -t ecdsa -b 256 -N '' -f "$T/ec" || die "ssh-keygen failed"
import() {	# NAME PUBLIC_KEY
	api POST "$K" "$(jq -nc --arg n "$1" --arg k "$2" '{keypair:{name:$n,public_key:$k}}')"
}
import "ed 1" "$(cat "$T/ed.pub")"
expect 200 "import an ed25519 key (a name with a space)"
check "... no private key, the key kept with its comment" \
    jqt "(.keypair | has(\"private_key\") | not) and .keypair.public_key == \"$(cat "$T/ed.pub")\""
check "... the fingerprint is ssh-keygen's" \
    test "MD5:$(jq -r .keypair.fingerprint <<<"$BODY")" = "$(ssh-keygen -l -E md5 -f "$T/ed.pub" | awk '{print $2}')"
import ec "$(cat "$T/ec.pub")"$'\n'
expect 200 "import an ecdsa-sha2-nistp256 key with a trailing newline"
check "... stored without the newline" jqt ".keypair.public_key == \"$(cat "$T/ec.pub")\""
ED_DATA=$(cut -d' ' -f2 "$T/ed.pub")
bad_key() {	# DESCRIPTION PUBLIC_KEY
	import bad "$2"
	expect_fault 400 "$1"
}
bad_key "key data that is not base64" "ssh-rsa not*base64! x"
bad_key "a key type Gureum does not take" "ssh-dss $ED_DATA"
bad_key "blob type differs from the line's" "ssh-rsa $ED_DATA"
bad_key "a truncated blob" "ssh-ed25519 ${ED_DATA:0:40}"
bad_key "no key data" "ssh-ed25519"
bad_key "two lines" "$(cat "$T/ed.pub")"$'\n'"$(cat "$T/ec.pub")"
check "... says what a key must look like" jqt '.badRequest.message | test("OpenSSH")'
bad_kp() {	# DESCRIPTION JSON
	api POST "$K" "$2"
	expect_fault 400 "$1"
}
bad_kp "a keypair name with '!'" '{"keypair":{"name":"k!"}}'
bad_kp "a keypair name with a leading space" '{"keypair":{"name":" k"}}'
bad_kp "a 256-byte keypair name" "{\"keypair\":{\"name\":\"$(printf 'k%.0s' $(seq 256))\"}}"
bad_kp "no keypair name" '{"keypair":{}}'
bad_kp "a keypair name that is a number" '{"keypair":{"name":7}}'
bad_kp "type (only from 2.2)" '{"keypair":{"name":"t","type":"ssh"}}'
bad_kp "public_key that is not a string" '{"keypair":{"name":"t","public_key":1}}'
api POST "$K" '{"keypair":{"name":"gen"}}'
expect_fault 409 "a duplicate keypair name"
api GET "$K"
check "list: {keypairs:[{keypair:{fingerprint,name,public_key}}]}" \
    jqt '[.keypairs[].keypair.name] == ["ec","ed 1","gen"] and all(.keypairs[].keypair; keys == ["fingerprint","name","public_key"])'
api GET "$K/ed%201"
check "show has Nova's 2.1 fields" jqt '.keypair | keys ==
    ["created_at","deleted","deleted_at","fingerprint","id","name","public_key","updated_at","user_id"]'
check "... created_at as Nova writes it" jqt '.keypair.created_at | test("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}$")'
TOKEN=$ADMIN_TOKEN api GET "$K"
check "another user (admin) does not see bob's keypairs" jqt '.keypairs == []'
TOKEN=$ADMIN_TOKEN api POST "$K" '{"keypair":{"name":"gen"}}'
check "... and may use the same name" test "$STATUS" = 200
api DELETE "$K/ec"
check "delete a keypair (202 at 2.1, empty)" test "$STATUS:$BODY" = 202:
api DELETE "$K/ec"
expect_fault 404 "delete it again"
api GET "$K/ec"
expect_fault 404 "show a deleted keypair"

# Microversion 2.2: a key pair's type, 201 on create, 204 on delete.
MV22=(-H "X-OpenStack-Nova-API-Version: 2.2")
api POST "$K" '{"keypair":{"name":"t22","type":"ssh"}}' "${MV22[@]}"
expect 201 "2.2: create with type ssh is 201"
check "... with the type and a private key" \
    jqt '.keypair.type == "ssh" and (.keypair.private_key | test("BEGIN RSA PRIVATE KEY"))'
check "... and the response says 2.2" test "$(header X-OpenStack-Nova-API-Version)" = 2.2
api POST "$K" '{"keypair":{"name":"t22b"}}' "${MV22[@]}"
check "2.2: no type means ssh" eval '[ "$STATUS" = 201 ] && jqt ".keypair.type == \"ssh\""'
api GET "$K" "" "${MV22[@]}"
check "2.2: the list shows each one's type" jqt 'all(.keypairs[]; .keypair.type == "ssh")'
api GET "$K"
check "2.1: the list has no type" jqt 'all(.keypairs[]; .keypair | has("type") | not)'
api GET "$K/t22" "" "${MV22[@]}"
check "2.2: show has the type" jqt '.keypair.type == "ssh"'
api POST "$K" '{"keypair":{"name":"t22c","type":"ssh"}}'
expect_fault 400 "2.1: type is an unknown field"
api POST "$K" '{"keypair":{"name":"t22c","type":"rsa"}}' "${MV22[@]}"
expect_fault 400 "2.2: a type other than ssh or x509"
api POST "$K" '{"keypair":{"name":"t22c","type":"x509"}}' "${MV22[@]}"
expect_fault 400 "2.2: x509 is refused with a sentence"
api GET "$K/t22c"
expect_fault 404 "... and none of those made it"
api DELETE "$K/t22" "" "${MV22[@]}"
check "2.2: delete is 204" test "$STATUS:$BODY" = 204:
api DELETE "$K/t22b"

# ---- quotas ----
api GET "$Q/$DEMO"
expect 200 "a member reads their project's quotas"
check "the 2.1 quota_set with defaults" jqt ".quota_set == {\"id\":\"$DEMO\",\"instances\":10,\"cores\":20,\"ram\":51200,
    \"key_pairs\":100,\"metadata_items\":128,\"server_groups\":10,\"server_group_members\":10,\"injected_files\":5,
    \"injected_file_content_bytes\":10240,\"injected_file_path_bytes\":255,\"fixed_ips\":-1,\"floating_ips\":-1,
    \"security_groups\":-1,\"security_group_rules\":-1}"
api GET "$Q/$ADMIN_PROJECT"
expect_fault 403 "a member reading another project's quotas"
api GET "$Q/$ADMIN_PROJECT/defaults"
check "anyone reads the defaults" jqt '.quota_set.instances == 10'
api PUT "$Q/$DEMO" '{"quota_set":{"instances":5}}'
expect_fault 403 "a member setting quotas"
TOKEN=$ADMIN_TOKEN
api PUT "$Q/$DEMO" '{"quota_set":{"instances":5,"cores":-1,"key_pairs":3,"fixed_ips":-1}}'
expect 200 "an admin sets quotas"
check "... answered without the id" jqt '(.quota_set | has("id") | not) and .quota_set.instances == 5 and .quota_set.cores == -1'
bad_quota() {	# DESCRIPTION JSON [PROJECT]
	api PUT "$Q/${3:-$DEMO}" "$2"
	expect_fault 400 "$1"
}
bad_quota "a limit that is a string" '{"quota_set":{"instances":"many"}}'
bad_quota "a limit below -1" '{"quota_set":{"instances":-2}}'
bad_quota "an unknown resource" '{"quota_set":{"gpus":1}}'
bad_quota "floating_ips (the network API's)" '{"quota_set":{"floating_ips":5}}'
bad_quota "force a word Nova does not take" '{"quota_set":{"force":"maybe"}}'
bad_quota "a limit that is a string below -1" '{"quota_set":{"instances":"-2"}}'
bad_quota "a limit that is a real" '{"quota_set":{"instances":1.5}}'
bad_quota "an unknown project" '{"quota_set":{"instances":1}}' no-such-project
bad_quota "no quota_set" '{"instances":1}'
api GET "$Q/$DEMO"
check "refused updates wrote nothing" jqt '.quota_set.instances == 5 and .quota_set.ram == 51200'
api PUT "$Q/$DEMO" '{"quota_set":{"key_pairs":"4","force":"True"}}'
check "a limit as a string and force as \"True\" (as Nova takes them)" \
    eval '[ "$STATUS" = 200 ] && jqt ".quota_set.key_pairs == 4"'
api PUT "$Q/$DEMO" '{"quota_set":{"key_pairs":3}}'
# An instance of demo's (as servers.c records one) counts as used.
psql_q "INSERT INTO instances (id, name, project_id, user_id, flavor_id, flavor)
    VALUES ('00000000-0000-4000-8000-000000000001', 'vm', '$DEMO', '$BOB', '42',
    '{\"vcpus\": 2, \"ram\": 256}')" >/dev/null
api PUT "$Q/$DEMO" '{"quota_set":{"cores":1}}'
expect_fault 400 "a limit below what the project uses"
api PUT "$Q/$DEMO" '{"quota_set":{"cores":1,"force":true}}'
check "... accepted with force" jqt '.quota_set.cores == 1'
api GET "$Q/$DEMO/detail"
check "detail: in_use, limit, reserved" jqt '.quota_set.cores == {"in_use":2,"limit":1,"reserved":0} and
    .quota_set.instances == {"in_use":1,"limit":5,"reserved":0} and .quota_set.ram.in_use == 256'
TOKEN=$BOB_TOKEN
api GET "$CP_URL/v2.1/limits"
check "limits: the project's absolute limits and use, no rate limits" jqt '.limits.rate == [] and (.limits.absolute |
    .maxTotalInstances == 5 and .maxTotalCores == 1 and .maxTotalRAMSize == 51200 and .maxTotalKeypairs == 3 and
    .totalInstancesUsed == 1 and .totalCoresUsed == 2 and .totalRAMUsed == 256 and .maxServerMeta == 128)'
check "... with Nova's 2.1 keys" jqt '.limits.absolute | keys == ["maxImageMeta","maxPersonality","maxPersonalitySize",
    "maxSecurityGroupRules","maxSecurityGroups","maxServerGroupMembers","maxServerGroups","maxServerMeta","maxTotalCores",
    "maxTotalFloatingIps","maxTotalInstances","maxTotalKeypairs","maxTotalRAMSize","totalCoresUsed","totalFloatingIpsUsed",
    "totalInstancesUsed","totalRAMUsed","totalSecurityGroupsUsed","totalServerGroupsUsed"]'
api GET "$CP_URL/v2.1/limits?tenant_id=$ADMIN_PROJECT"
expect_fault 403 "a member reading another project's limits"
# key_pairs is 3 now: bob has gen and "ed 1".
api POST "$K" '{"keypair":{"name":"third"}}'
check "a keypair within the quota" test "$STATUS" = 200
api POST "$K" '{"keypair":{"name":"fourth"}}'
expect_fault 403 "a keypair past the key_pairs quota"
TOKEN=$ADMIN_TOKEN
api DELETE "$Q/$DEMO"
expect 202 "an admin reverts a project's quotas"
api GET "$Q/$DEMO"
check "... to the defaults" jqt '.quota_set.instances == 10 and .quota_set.cores == 20 and .quota_set.key_pairs == 100'
TOKEN=$BOB_TOKEN api DELETE "$Q/$DEMO"
expect_fault 403 "a member reverting quotas"

# ---- availability zones ----
TOKEN=$BOB_TOKEN api GET "$CP_URL/v2.1/os-availability-zone"
check "the zone list" test "$BODY" = '{"availabilityZoneInfo":[{"zoneName":"nova","zoneState":{"available":true},"hosts":null}]}'
TOKEN=$BOB_TOKEN api GET "$CP_URL/v2.1/os-availability-zone/detail"
expect_fault 403 "a member asking for zone details"
psql_q "INSERT INTO compute_nodes (host, host_ip) VALUES ('node1', '127.0.0.1')" >/dev/null
api GET "$CP_URL/v2.1/os-availability-zone/detail"
check "detail: a node never heard from is not available" \
    jqt '.availabilityZoneInfo[0].hosts.node1."nova-compute" == {"available":false,"active":true,"updated_at":null}'
psql_q "INSERT INTO agents (host, kind, host_ip) VALUES ('node1', 'compute', '127.0.0.1')" >/dev/null
api GET "$CP_URL/v2.1/os-availability-zone/detail"
check "detail: a node that just sent a heartbeat is available" \
    jqt '.availabilityZoneInfo[0].hosts.node1."nova-compute" | .available and .active and (.updated_at | test("^\\d{4}-.*T.*\\.\\d{6}$"))'
psql_q "UPDATE compute_nodes SET forced_down = true WHERE host = 'node1'" >/dev/null
api GET "$CP_URL/v2.1/os-availability-zone/detail"
check "detail: a node forced down is not available, as its service is down" \
    jqt '.availabilityZoneInfo[0].hosts.node1."nova-compute" | (.available | not) and .active'
psql_q "UPDATE compute_nodes SET forced_down = false WHERE host = 'node1'" >/dev/null

# ---- the stock openstack CLI ----
export OS_AUTH_URL=$ID_URL/v3 OS_USERNAME=admin OS_PASSWORD=$ADMIN_PW \
    OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default \
    OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 \
    OS_REGION_NAME=RegionOne
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }

OUT=$(os flavor create --vcpus 1 --ram 128 --disk 1 m1.tiny -f json)
check "openstack flavor create m1.tiny" jqt '.name == "m1.tiny" and .ram == 128 and .vcpus == 1 and .disk == 1' "$OUT"
OUT=$(os flavor list -f json)
check "openstack flavor list shows it" jqt 'map(.Name) | index("m1.tiny") != null' "$OUT"
OUT=$(os flavor show m1.tiny -f json)
check "openstack flavor show m1.tiny (by name)" jqt '.name == "m1.tiny" and ."os-flavor-access:is_public" == true' "$OUT"
os flavor set --property gureum:disk_provisioning=thick m1.tiny
OUT=$(os flavor show m1.tiny -f json)
check "openstack flavor set --property gureum:disk_provisioning=thick" \
    jqt '.properties["gureum:disk_provisioning"] == "thick"' "$OUT"
os flavor set --property gureum:disk_provisioning=fat m1.tiny
check "... =fat is refused with the reason" grep -q "thin.*thick" "$T/os.err"
os flavor unset --property gureum:disk_provisioning m1.tiny
OUT=$(os flavor show m1.tiny -f json)
check "openstack flavor unset --property" jqt '.properties == {}' "$OUT"
os flavor create --private --vcpus 1 --ram 64 --project demo p.demo >/dev/null
OUT=$(os flavor show p.demo -f json)
check "openstack flavor create --private --project demo" jqt ".access_project_ids == [\"$DEMO\"]" "$OUT"
OUT=$(OS_USERNAME=bob OS_PASSWORD=pw OS_PROJECT_NAME=demo os flavor list -f json)
check "bob (demo) lists the private flavor" jqt 'map(.Name) | index("p.demo") != null' "$OUT"
OS_USERNAME=bob OS_PASSWORD=pw OS_PROJECT_NAME=demo os flavor create --vcpus 1 --ram 64 nope >/dev/null
check "a member's openstack flavor create is refused (403)" grep -q "403" "$T/os.err"
os flavor delete m1.tiny
check "openstack flavor delete" test -z "$(os flavor list -f value -c Name | grep -x m1.tiny)"

os keypair create k1 >"$T/k1.pem"
check "openstack keypair create prints a private key" grep -q -- '-----BEGIN RSA PRIVATE KEY-----' "$T/k1.pem"
chmod 600 "$T/k1.pem"
check "... that ssh-keygen reads" ssh-keygen -y -f "$T/k1.pem" >/dev/null
OUT=$(os keypair create --public-key "$T/ed.pub" k2 -f json)
check "openstack keypair create --public-key FILE" \
    test "MD5:$(jq -r .fingerprint <<<"$OUT")" = "$(ssh-keygen -l -E md5 -f "$T/ed.pub" | awk '{print $2}')"
OUT=$(os keypair list -f json)
check "openstack keypair list" jqt 'map(.Name) | sort == ["gen","k1","k2"]' "$OUT"
os keypair delete k1
check "openstack keypair delete" test "$(os keypair list -f value -c Name | sort | tr '\n' ' ')" = "gen k2 "

# quota show also asks the network endpoint for /v2.0/quotas/{project};
# the compute half must answer whatever the network API does.
OUT=$(os --debug quota show -f json)
rc=$?
check "openstack quota show: compute's os-quota-sets answered 200" \
    grep -Eq "GET call to compute for http://[^ ]*/v2.1/os-quota-sets/$ADMIN_PROJECT used request id" "$T/os.err"
if [ $rc = 0 ]; then
	check "openstack quota show" jqt '.instances == 10 and .cores == 20 and .ram == 51200' "$OUT"
else
	echo "# openstack quota show fails at the network endpoint: $(grep -o 'v2.0/quotas[^ ]*' "$T/os.err" | head -1)"
	check "openstack quota show fails only for the network half" grep -q "v2.0/quotas/$ADMIN_PROJECT" "$T/os.err"
fi
OUT=$(os availability zone list --compute -f json)
check "openstack availability zone list --compute" \
    test "$(jq -c . <<<"$OUT")" = '[{"Zone Name":"nova","Zone Status":"available"}]'
OUT=$(os limits show --absolute -f json)
check "openstack limits show --absolute" \
    jqt 'map({(.Name): .Value}) | add | .maxTotalInstances == 10 and .maxTotalKeypairs == 100' "$OUT"
OUT=$(os --os-compute-api-version 2.2 keypair create --type ssh --private-key "$T/cli22.pem" cli22 -f json)
check "openstack --os-compute-api-version 2.2 keypair create --type ssh" \
    jqt '.name == "cli22" and .type == "ssh"' "$OUT"
check "... its private key written" grep -q "BEGIN RSA PRIVATE KEY" "$T/cli22.pem"
OUT=$(os --os-compute-api-version 2.2 keypair list -f json)
check "openstack keypair list at 2.2 shows the type" \
    jqt 'map(select(.Name == "cli22")) | .[0].Type == "ssh"' "$OUT"
os --os-compute-api-version 2.2 keypair delete cli22
check "openstack keypair delete at 2.2 (204)" [ $? = 0 ]
finish
