#!/usr/bin/env bash
# Identity v3 groups, as Keystone's: CRUD, membership, role grants to
# groups on projects, domains and the system, a user's effective roles
# (tokens, scoping, /v3/auth/projects) counting their groups', and
# role_assignments with groups and ?effective.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller

# pw_token USER [SCOPE-JSON]: POST /v3/auth/tokens for USER (password
# "pw", domain Default); sets NEW.
pw_token() {
	TOKEN= api POST "$ID_URL/v3/auth/tokens" "$(jq -nc --arg u "$1" \
	    --argjson s "[${2:-}]" '{auth:{identity:{methods:["password"],
	    password:{user:{name:$u,domain:{id:"default"},password:"pw"}}}}} |
	    if $s == [] then . else .auth.scope = $s[0] end')"
	NEW=$(header X-Subject-Token)
}

ADMIN=$(get_token admin "$ADMIN_PW" admin)
TOKEN=$ADMIN
api POST "$ID_URL/v3/projects" '{"project":{"name":"gp"}}'
GP=$(jq -r .project.id <<<"$BODY")
api POST "$ID_URL/v3/users" '{"user":{"name":"gu","password":"pw"}}'
GU=$(jq -r .user.id <<<"$BODY")
api GET "$ID_URL/v3/roles?name=member"
MEMBER=$(jq -r '.roles[0].id' <<<"$BODY")
api GET "$ID_URL/v3/roles?name=reader"
READER=$(jq -r '.roles[0].id' <<<"$BODY")

# ---- CRUD ----
api POST "$ID_URL/v3/groups" '{"group":{"name":"g1","description":"first"}}'
expect 201 "POST /v3/groups"
G1=$(jq -r .group.id <<<"$BODY")
check "...a group as Keystone's, in Default" \
    jqt '.group | .name == "g1" and .description == "first" and .domain_id ==
    "default"'
check "...with its self link" jqt ".group.links.self | endswith(\"/v3/groups/$G1\")"
api POST "$ID_URL/v3/groups" '{"group":{"name":"g1"}}'
expect_fault 409 "a second g1 in Default"
api POST "$ID_URL/v3/groups" '{"group":{"name":"gx","domain_id":"nosuch"}}'
expect_fault 404 "a group in a domain that does not exist"
api POST "$ID_URL/v3/groups" '{"group":{"description":"no name"}}'
expect_fault 400 "a group without a name"
api POST "$ID_URL/v3/groups" '{"group":{"name":"gx","x":[1]}}'
expect_fault 400 "a group with a non-string extra field"
check "...none of them made a group" test "$(psql_q "SELECT count(*) FROM groups")" = 1
api POST "$ID_URL/v3/groups" '{"group":{"name":"g2"}}'
G2=$(jq -r .group.id <<<"$BODY")
api GET "$ID_URL/v3/groups"
check "GET /v3/groups lists g1 and g2" \
    test "$(jq -c '[.groups[].name]' <<<"$BODY")" = '["g1","g2"]'
api GET "$ID_URL/v3/groups?name=g2"
check "...?name=g2" test "$(jq -c '[.groups[].id]' <<<"$BODY")" = "[\"$G2\"]"
api PATCH "$ID_URL/v3/groups/$G1" '{"group":{"description":"the first"}}'
expect 200 "PATCH /v3/groups/{id}"
check "...changes the description" jqt '.group.description == "the first" and .group.name == "g1"'
api PATCH "$ID_URL/v3/groups/$G1" '{"group":{"name":"g2"}}'
expect_fault 409 "renaming g1 to g2"
api PATCH "$ID_URL/v3/groups/$G1" '{"group":{"domain_id":"other"}}'
expect_fault 400 "moving a group to another domain"
api GET "$ID_URL/v3/groups/nosuch"
expect_fault 404 "GET of a group that does not exist"

# ---- membership ----
api PUT "$ID_URL/v3/groups/$G1/users/$GU"
expect 204 "PUT /v3/groups/{g}/users/{u}"
api PUT "$ID_URL/v3/groups/$G1/users/$GU"
expect 204 "...again (idempotent)"
api HEAD "$ID_URL/v3/groups/$G1/users/$GU" "" -I
expect 204 "HEAD: gu is a member of g1"
api HEAD "$ID_URL/v3/groups/$G2/users/$GU" "" -I
expect 404 "HEAD: gu is no member of g2"
api PUT "$ID_URL/v3/groups/nosuch/users/$GU"
expect_fault 404 "adding to a group that does not exist"
api PUT "$ID_URL/v3/groups/$G1/users/nosuch"
expect_fault 404 "adding a user that does not exist"
api GET "$ID_URL/v3/groups/$G1/users"
check "GET /v3/groups/{g}/users lists gu" test "$(jq -c '[.users[].name]' <<<"$BODY")" = '["gu"]'
api GET "$ID_URL/v3/users/$GU/groups"
check "GET /v3/users/{u}/groups lists g1" test "$(jq -c '[.groups[].name]' <<<"$BODY")" = '["g1"]'

# ---- group roles count for the members ----
pw_token gu "{\"project\":{\"id\":\"$GP\"}}"
expect_fault 401 "gu has no role on gp yet"
api PUT "$ID_URL/v3/projects/$GP/groups/$G1/roles/$MEMBER"
expect 204 "member on gp for g1"
api PUT "$ID_URL/v3/projects/$GP/groups/nosuch/roles/$MEMBER"
expect_fault 404 "a grant to a group that does not exist"
api PUT "$ID_URL/v3/projects/nosuch/groups/$G1/roles/$MEMBER"
expect_fault 404 "a grant on a project that does not exist"
api HEAD "$ID_URL/v3/projects/$GP/groups/$G1/roles/$MEMBER" "" -I
expect 204 "HEAD of the group grant"
api GET "$ID_URL/v3/projects/$GP/groups/$G1/roles"
check "GET /v3/projects/{p}/groups/{g}/roles" test "$(jq -c '[.roles[].name]' <<<"$BODY")" = '["member"]'
pw_token gu "{\"project\":{\"id\":\"$GP\"}}"
expect 201 "gu scopes to gp through g1"
check "...with the member role" jqt '[.token.roles[].name] == ["member"]'
GUTOK=$NEW
TOKEN=$GUTOK api GET "$ID_URL/v3/auth/projects"
check "/v3/auth/projects lists gp for gu" test "$(jq -c '[.projects[].name]' <<<"$BODY")" = '["gp"]'
api PUT "$ID_URL/v3/domains/default/groups/$G1/roles/$READER"
expect 204 "reader on Default for g1"
pw_token gu '{"domain":{"id":"default"}}'
expect 201 "gu scopes to Default through g1"
api PUT "$ID_URL/v3/system/groups/$G1/roles/$READER"
expect 204 "reader on the system for g1"
pw_token gu '{"system":{"all":true}}'
expect 201 "gu scopes to the system through g1"
check "...as reader" jqt '[.token.roles[].name] == ["reader"]'

# ---- role_assignments ----
api GET "$ID_URL/v3/role_assignments?group.id=$G1&include_names"
check "role_assignments?group.id lists g1's three grants, named" \
    jqt "[.role_assignments[] | [.group.name, (.scope | keys[0]), .role.name]] ==
    [[\"g1\",\"project\",\"member\"],[\"g1\",\"domain\",\"reader\"],[\"g1\",\"system\",\"reader\"]]"
check "...with the group's assignment links" \
    jqt ".role_assignments[0].links.assignment | endswith(\"/v3/projects/$GP/groups/$G1/roles/$MEMBER\")"
api GET "$ID_URL/v3/role_assignments?user.id=$GU"
check "...?user.id without effective: none of gu's own" jqt '.role_assignments == []'
api GET "$ID_URL/v3/role_assignments?user.id=$GU&effective&include_names"
check "...?effective: gu's three through g1, with the membership link" \
    jqt "[.role_assignments[] | [.user.name, .role.name, (.links.membership |
    endswith(\"/v3/groups/$G1/users/$GU\"))]] == [[\"gu\",\"member\",true],
    [\"gu\",\"reader\",true],[\"gu\",\"reader\",true]]"
api GET "$ID_URL/v3/role_assignments?group.id=$G1&effective"
expect_fault 400 "effective with group.id"

# ---- taking it back ----
api DELETE "$ID_URL/v3/groups/$G1/users/$GU"
expect 204 "removing gu from g1"
api DELETE "$ID_URL/v3/groups/$G1/users/$GU"
expect_fault 404 "...twice"
TOKEN=$GUTOK api GET "$ID_URL/v3/auth/projects"
expect_fault 401 "gu's token for gp no longer works"
api PUT "$ID_URL/v3/groups/$G1/users/$GU"
api DELETE "$ID_URL/v3/projects/$GP/groups/$G1/roles/$MEMBER"
expect 204 "revoking g1's role on gp"
pw_token gu "{\"project\":{\"id\":\"$GP\"}}"
expect_fault 401 "...gu no longer scopes to gp"
api DELETE "$ID_URL/v3/groups/$G1"
expect 204 "DELETE /v3/groups/{id}"
check "...its members and grants go with it" \
    test "$(psql_q "SELECT (SELECT count(*) FROM group_members) + (SELECT count(*) FROM group_domain_roles) + (SELECT count(*) FROM group_system_roles)")" = 0
api DELETE "$ID_URL/v3/groups/$G1"
expect_fault 404 "...twice"

# ---- the stock CLI ----
use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
OUT=$(os group create cg -f json)
check "openstack group create cg" jqt '.name == "cg" and .domain_id == "default"' "$OUT"
os user create --password pw cu >/dev/null
os project create cp >/dev/null
os group add user cg cu
OUT=$(os group contains user cg cu 2>&1)
check "openstack group add user cg cu, as group contains user says" \
    test "$OUT" = "cu in group cg"
OUT=$(os group contains user g2 cu; cat "$T/os.err")
check "...and cu is not in g2" grep -q "^cu not in group g2" <<<"$OUT"
os role add --group cg --project cp member
OUT=$(os role assignment list --group cg --names -f json)
check "openstack role add --group cg --project cp member, as role assignment list shows" \
    test "$(jq -c '[.[] | [.Role, .Group, .Project]]' <<<"$OUT")" = '[["member","cg@Default","cp@Default"]]'
OUT=$(os role assignment list --user cu --effective --names -f json)
check "openstack role assignment list --user cu --effective" \
    test "$(jq -c '[.[] | [.Role, .User, .Project]]' <<<"$OUT")" = '[["member","cu@Default","cp@Default"]]'
OUT=$(OS_USERNAME=cu OS_PASSWORD=pw OS_PROJECT_NAME=cp os token issue -f json)
check "openstack token issue as cu for cp, through cg" jqt '.project_id and .user_id' "$OUT"
OUT=$(os group list -f json)
check "openstack group list" test "$(jq -c '[.[].Name]' <<<"$OUT")" = '["cg","g2"]'
os group delete cg
check "openstack group delete cg" test "$(psql_q "SELECT count(*) FROM groups WHERE name = 'cg'")" = 0
finish
