#!/usr/bin/env bash
# Identity v3 domain-specific roles, as Keystone's: a role of a domain
# (names unique per domain), listed with ?domain_id only, granted only on
# its domain and its projects, never in a token itself but through the
# global roles it implies; a global role cannot imply one.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller

ADMIN=$(get_token admin "$ADMIN_PW" admin)
TOKEN=$ADMIN
api GET "$ID_URL/v3/roles?name=member"
MEMBER=$(jq -r '.roles[0].id' <<<"$BODY")
api GET "$ID_URL/v3/roles?name=reader"
READER=$(jq -r '.roles[0].id' <<<"$BODY")
api POST "$ID_URL/v3/domains" '{"domain":{"name":"d1"}}'
D1=$(jq -r .domain.id <<<"$BODY")
api POST "$ID_URL/v3/projects" "{\"project\":{\"name\":\"p1\",\"domain_id\":\"$D1\"}}"
P1=$(jq -r .project.id <<<"$BODY")
api POST "$ID_URL/v3/projects" '{"project":{"name":"p0"}}'
P0=$(jq -r .project.id <<<"$BODY")
api POST "$ID_URL/v3/users" "{\"user\":{\"name\":\"u1\",\"password\":\"pw\",\"domain_id\":\"$D1\"}}"
U1=$(jq -r .user.id <<<"$BODY")

api POST "$ID_URL/v3/roles" "{\"role\":{\"name\":\"dr\",\"domain_id\":\"$D1\"}}"
expect 201 "a role of d1"
DR=$(jq -r .role.id <<<"$BODY")
check "...with its domain_id" jqt ".role.domain_id == \"$D1\""
api POST "$ID_URL/v3/roles" "{\"role\":{\"name\":\"dr\",\"domain_id\":\"$D1\"}}"
expect_fault 409 "a second dr in d1"
api POST "$ID_URL/v3/roles" '{"role":{"name":"dr"}}'
expect 201 "a global role dr as well"
check "...global" jqt '.role.domain_id == null'
api POST "$ID_URL/v3/roles" '{"role":{"name":"dx","domain_id":"nosuch"}}'
expect_fault 404 "a role of a domain that does not exist"
api GET "$ID_URL/v3/roles"
check "GET /v3/roles lists the global roles only" \
    test "$(jq -c '[.roles[] | select(.name == "dr") | .domain_id]' <<<"$BODY")" = '[null]'
api GET "$ID_URL/v3/roles?domain_id=$D1"
check "...?domain_id=d1 lists d1's" test "$(jq -c '[.roles[].id]' <<<"$BODY")" = "[\"$DR\"]"

api PUT "$ID_URL/v3/projects/$P0/users/$U1/roles/$DR"
expect_fault 403 "d1's role on a project of Default"
check "...Keystone's sentence" grep -q "must be in the same domain as the role" <<<"$BODY"
api PUT "$ID_URL/v3/domains/default/users/$U1/roles/$DR"
expect_fault 403 "...or on the domain Default"
check "...no assignment made" test "$(psql_q "SELECT count(*) FROM role_assignments WHERE role_id = '$DR'")" = 0
api PUT "$ID_URL/v3/projects/$P1/users/$U1/roles/$DR"
expect 204 "d1's role on p1 of d1"
api GET "$ID_URL/v3/role_assignments?user.id=$U1&include_names"
check "role_assignments?include_names names the role's domain, as Keystone" \
    jqt ".role_assignments[0].role == {id:\"$DR\",name:\"dr\",domain:{id:\"$D1\",name:\"d1\"}}"
api GET "$ID_URL/v3/role_assignments?include_names"
check "...and not a global role's" \
    jqt '[.role_assignments[].role | select(.name == "admin") | has("domain")] == [false, false]'
scope='{"project":{"name":"p1","domain":{"name":"d1"}}}'
body=$(jq -nc --argjson s "$scope" '{auth:{identity:{methods:["password"],
    password:{user:{name:"u1",domain:{name:"d1"},password:"pw"}}},scope:$s}}')
TOKEN= api POST "$ID_URL/v3/auth/tokens" "$body"
expect_fault 401 "a domain-specific role alone gives no token on p1"
api PUT "$ID_URL/v3/roles/$DR/implies/$MEMBER"
expect 201 "dr implies member"
TOKEN= api POST "$ID_URL/v3/auth/tokens" "$body"
expect 201 "...then u1 scopes to p1"
check "...with member, not dr" jqt '[.token.roles[].name] == ["member"]'
api PUT "$ID_URL/v3/roles/$READER/implies/$DR"
expect_fault 403 "a global role implying a domain-specific one"
check "...Keystone's sentence" grep -q "Global role cannot imply a domain-specific role" <<<"$BODY"
api DELETE "$ID_URL/v3/roles/$DR"
expect 204 "deleting d1's role"

use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
OUT=$(os role create --domain d1 dr2 -f json)
check "openstack role create --domain d1 dr2" jqt ".domain_id == \"$D1\"" "$OUT"
OUT=$(os role list --domain d1 -f json)
check "openstack role list --domain d1" test "$(jq -c '[.[].Name]' <<<"$OUT")" = '["dr2"]'
finish
