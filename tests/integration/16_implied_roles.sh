#!/usr/bin/env bash
# Identity v3 implied roles, as Keystone's: /v3/roles/{prior}/implies/
# {implied} (PUT, GET, HEAD, DELETE), /v3/roles/{prior}/implies,
# /v3/role_inferences; tokens carry what a user's roles imply
# (transitively, through groups too); role_assignments?effective lists
# the implied roles with Keystone's prior_role link.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller

ADMIN=$(get_token admin "$ADMIN_PW" admin)
TOKEN=$ADMIN
role_id() { api GET "$ID_URL/v3/roles?name=$1"; jq -r '.roles[0].id' <<<"$BODY"; }
ADMINR=$(role_id admin) MEMBER=$(role_id member) READER=$(role_id reader)
api POST "$ID_URL/v3/roles" '{"role":{"name":"observer"}}'
OBS=$(jq -r .role.id <<<"$BODY")
make_member ia ip
IP=$MEMBER_PROJECT IA=$MEMBER_ID

# ---- the API ----
api PUT "$ID_URL/v3/roles/$MEMBER/implies/$READER"
expect 201 "member implies reader"
check "...Keystone's document" \
    jqt ".role_inference.prior_role.name == \"member\" and
    .role_inference.implies.name == \"reader\" and .role_inference.implies.id == \"$READER\"
    and (.links.self | endswith(\"/v3/roles/$MEMBER/implies/$READER\"))
    and (.role_inference.prior_role.links.self | endswith(\"/v3/roles/$MEMBER\"))"
api PUT "$ID_URL/v3/roles/$READER/implies/$OBS"
expect 201 "reader implies observer"
api PUT "$ID_URL/v3/roles/$MEMBER/implies/$ADMINR"
expect_fault 403 "nothing may imply admin"
api PUT "$ID_URL/v3/roles/nosuch/implies/$READER"
expect_fault 404 "a prior role that does not exist"
api PUT "$ID_URL/v3/roles/$MEMBER/implies/nosuch"
expect_fault 404 "an implied role that does not exist"
check "...none of the refused made a rule" \
    test "$(psql_q "SELECT count(*) FROM implied_roles")" = 2
api GET "$ID_URL/v3/roles/$MEMBER/implies/$READER"
expect 200 "GET of the rule"
api HEAD "$ID_URL/v3/roles/$MEMBER/implies/$READER" "" -I
expect 204 "HEAD of the rule"
api GET "$ID_URL/v3/roles/$MEMBER/implies/$OBS"
expect_fault 404 "member does not imply observer directly"
api GET "$ID_URL/v3/roles/$MEMBER/implies"
check "GET /v3/roles/member/implies: reader" \
    jqt '.role_inference.prior_role.name == "member" and [.role_inference.implies[].name] == ["reader"]'
api GET "$ID_URL/v3/role_inferences"
check "GET /v3/role_inferences: both rules by prior role" \
    test "$(jq -c '[.role_inferences[] | [.prior_role.name, [.implies[].name]]]' <<<"$BODY")" = \
    '[["member",["reader"]],["reader",["observer"]]]'

# ---- tokens ----
TOK=$(get_token ia pw ip)
TOKEN=$TOK api GET "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $TOK"
check "ia's token on ip carries member, reader, observer" \
    test "$(jq -c '[.token.roles[].name] | sort' <<<"$BODY")" = '["member","observer","reader"]'
api PUT "$ID_URL/v3/roles/$READER/implies/$MEMBER"
expect 201 "reader implies member too: a cycle"
TOKEN=$TOK api GET "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $TOK"
check "...the closure stops at the cycle" \
    test "$(jq -c '[.token.roles[].name] | sort' <<<"$BODY")" = '["member","observer","reader"]'
api DELETE "$ID_URL/v3/roles/$READER/implies/$MEMBER"
expect 204 "deleting the cycle's rule"
api DELETE "$ID_URL/v3/roles/$READER/implies/$MEMBER"
expect_fault 404 "...twice"
api POST "$ID_URL/v3/groups" '{"group":{"name":"ig"}}'
IG=$(jq -r .group.id <<<"$BODY")
api POST "$ID_URL/v3/users" '{"user":{"name":"ib","password":"pw"}}'
IB=$(jq -r .user.id <<<"$BODY")
api PUT "$ID_URL/v3/groups/$IG/users/$IB"
api PUT "$ID_URL/v3/projects/$IP/groups/$IG/roles/$READER"
TOKEN= api POST "$ID_URL/v3/auth/tokens" "$(api_auth_body ib pw ip)"
check "ib, reader on ip through ig, also gets observer" \
    test "$(jq -c '[.token.roles[].name] | sort' <<<"$BODY")" = '["observer","reader"]'

# ---- role_assignments?effective ----
api GET "$ID_URL/v3/role_assignments?user.id=$IA&scope.project.id=$IP&effective&include_names"
check "effective: member, and reader and observer it implies" \
    test "$(jq -c '[.role_assignments[].role.name]' <<<"$BODY")" = '["member","observer","reader"]'
check "...the implied with Keystone's prior_role link, the assignment the prior's" \
    jqt "[.role_assignments[] | select(.role.name != \"member\") |
    (.links.prior_role | endswith(\"/implies/$MEMBER\")) and
    (.links.assignment | endswith(\"/users/$IA/roles/$MEMBER\"))] == [true, true]"
api GET "$ID_URL/v3/role_assignments?user.id=$IA&scope.project.id=$IP&include_names"
check "...without effective: member only" \
    test "$(jq -c '[.role_assignments[].role.name]' <<<"$BODY")" = '["member"]'
api GET "$ID_URL/v3/role_assignments?user.id=$IB&effective"
check "effective through a group and an implication: reader and observer" \
    test "$(jq -c '[.role_assignments[] | [.role.id == "'"$OBS"'", (.links.membership != null)]]' <<<"$BODY")" = \
    '[[false,true],[true,true]]'
api DELETE "$ID_URL/v3/roles/$OBS"
expect 204 "deleting observer"
check "...takes its rules" test "$(psql_q "SELECT count(*) FROM implied_roles")" = 1

# ---- the stock CLI ----
use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
AUD=$(os role create auditor -f json | jq -r .id)
OUT=$(os implied role create --implied-role auditor reader -f json)
check "openstack implied role create --implied-role auditor reader" \
    jqt ".prior_role == \"$READER\" and .implies == \"$AUD\"" "$OUT"
OUT=$(os implied role list -f json)
check "openstack implied role list" \
    test "$(jq -c '[.[] | [.["Prior Role Name"], .["Implied Role Name"]]] | sort' <<<"$OUT")" = \
    '[["member","reader"],["reader","auditor"]]'
OUT=$(os role assignment list --user ia --project ip --effective --names -f json)
check "openstack role assignment list --effective shows the implied roles" \
    test "$(jq -c '[.[].Role] | sort' <<<"$OUT")" = '["auditor","member","reader"]'
os implied role delete --implied-role auditor reader
check "openstack implied role delete" \
    test "$(psql_q "SELECT count(*) FROM implied_roles")" = 1
finish
