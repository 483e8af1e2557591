#!/usr/bin/env bash
# Identity v3 domains, as Keystone's: create, list, show, update, disable,
# delete (only once disabled, taking its projects and users along);
# projects and users in any domain, 404 for one that does not exist; tokens
# for users and projects of other domains than Default, and none for a
# disabled domain's.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller

# login USER USER-DOMAIN-JSON [SCOPE-JSON]: a password token request;
# sets NEW (the token).
login() {
	TOKEN= api POST "$ID_URL/v3/auth/tokens" "$(jq -nc --arg u "$1" \
	    --argjson d "$2" --argjson s "[${3:-}]" \
	    '{auth:{identity:{methods:["password"],password:{user:{name:$u,
	    domain:$d,password:"pw"}}}}} |
	    if $s == [] then . else .auth.scope = $s[0] end')"
	NEW=$(header X-Subject-Token)
}
count() { psql_q "SELECT count(*) FROM $1"; }

ADMIN=$(get_token admin "$ADMIN_PW" admin)
TOKEN=$ADMIN

# ---- create, list, show ----
api POST "$ID_URL/v3/domains" '{"domain":{"name":"d1","description":"first","tags":["a"],"email":"ops@d1"}}'
expect 201 "POST /v3/domains"
D1=$(jq -r .domain.id <<<"$BODY")
check "...a domain as Keystone's, extra attributes kept" \
    jqt '.domain | .name == "d1" and .description == "first" and .enabled ==
    true and .tags == ["a"] and .options == {} and .email == "ops@d1" and
    (.id | test("^[0-9a-f]{32}$")) and .id as $i |
    (.links.self | endswith("/v3/domains/" + $i))'
api POST "$ID_URL/v3/domains" '{"domain":{"name":"d1"}}'
expect_fault 409 "a second domain named d1"
api POST "$ID_URL/v3/domains" '{"domain":{"name":"Default"}}'
expect_fault 409 "a domain named Default"
for bad in '{"domain":{}}' '{"domain":{"name":""}}' '{"domain":{"name":5}}' \
    "{\"domain\":{\"name\":\"$(printf 'x%.0s' {1..65})\"}}" \
    '{"domain":{"name":"dx","enabled":"yes"}}' '{"domain":{"name":"dx","tags":"a"}}' \
    '{"domain":{"name":"dx","nested":{"a":1}}}' '{"name":"dx"}'; do
	api POST "$ID_URL/v3/domains" "$bad"
	expect_fault 400 "POST /v3/domains $bad"
done
check "...none of them made a domain" test "$(count domains)" = 2
api POST "$ID_URL/v3/domains" '{"domain":{"name":"d2","enabled":false}}'
expect 201 "a domain created disabled"
D2=$(jq -r .domain.id <<<"$BODY")
api GET "$ID_URL/v3/domains"
check "GET /v3/domains lists Default, d1, d2" \
    test "$(jq -c '[.domains[].name] | sort' <<<"$BODY")" = '["Default","d1","d2"]'
api GET "$ID_URL/v3/domains?name=d1"
check "...?name=d1 only d1" test "$(jq -c '[.domains[].id]' <<<"$BODY")" = "[\"$D1\"]"
api GET "$ID_URL/v3/domains?enabled=false"
check "...?enabled=false only d2" test "$(jq -c '[.domains[].name]' <<<"$BODY")" = '["d2"]'
api GET "$ID_URL/v3/domains/$D1"
expect 200 "GET /v3/domains/{id}"
check "...is d1" jqt '.domain.name == "d1" and .domain.tags == ["a"]'
api GET "$ID_URL/v3/domains/nosuch"
expect_fault 404 "GET of a domain that does not exist"
api GET "$ID_URL/v3/domains/default"
check "the domain default is there as before" \
    jqt '.domain | .name == "Default" and .enabled and .description == "The default domain"'

# ---- update ----
api PATCH "$ID_URL/v3/domains/$D1" '{"domain":{"description":"the first","tags":["a","b"]}}'
expect 200 "PATCH /v3/domains/{id}"
check "...changes what it names only" \
    jqt '.domain | .name == "d1" and .description == "the first" and .tags == ["a","b"]'
api PATCH "$ID_URL/v3/domains/$D1" '{"domain":{"name":"d2"}}'
expect_fault 409 "renaming d1 to d2"
api PATCH "$ID_URL/v3/domains/$D1" '{"domain":{"enabled":"no"}}'
expect_fault 400 "PATCH with enabled not a boolean"
api PATCH "$ID_URL/v3/domains/nosuch" '{"domain":{"description":"x"}}'
expect_fault 404 "PATCH of a domain that does not exist"
check "...d1 is unchanged by the refused ones" \
    test "$(psql_q "SELECT name || ' ' || enabled FROM domains WHERE id = '$D1'")" = "d1 true"

# ---- projects and users in a domain ----
api POST "$ID_URL/v3/projects" "{\"project\":{\"name\":\"p1\",\"domain_id\":\"$D1\"}}"
expect 201 "a project in d1"
P1=$(jq -r .project.id <<<"$BODY")
check "...in d1, its parent the domain" \
    jqt ".project.domain_id == \"$D1\" and .project.parent_id == \"$D1\""
api POST "$ID_URL/v3/projects" '{"project":{"name":"p1"}}'
expect 201 "a project p1 in Default as well"
P1DEF=$(jq -r .project.id <<<"$BODY")
check "...in default" jqt '.project.domain_id == "default"'
api POST "$ID_URL/v3/projects" "{\"project\":{\"name\":\"p1\",\"domain_id\":\"$D1\"}}"
expect_fault 409 "a second p1 in d1"
api POST "$ID_URL/v3/projects" '{"project":{"name":"px","domain_id":"nosuch"}}'
expect_fault 400 "a project in a domain that does not exist (400 as Keystone; a user's is 404)"
check "...says which" grep -q "nosuch" <<<"$BODY"
api POST "$ID_URL/v3/users" "{\"user\":{\"name\":\"u1\",\"password\":\"pw\",\"domain_id\":\"$D1\",\"default_project_id\":\"$P1\"}}"
expect 201 "a user in d1"
U1=$(jq -r .user.id <<<"$BODY")
check "...in d1" jqt ".user.domain_id == \"$D1\""
api POST "$ID_URL/v3/users" '{"user":{"name":"u1","password":"pw"}}'
expect 201 "a user u1 in Default as well"
api POST "$ID_URL/v3/users" '{"user":{"name":"ux","domain_id":"nosuch"}}'
expect_fault 404 "a user in a domain that does not exist"
check "...none of the refused made a project or user" \
    test "$(psql_q "SELECT count(*) FROM projects WHERE name = 'px'")/$(psql_q "SELECT count(*) FROM users WHERE name = 'ux'")" = 0/0
api PATCH "$ID_URL/v3/projects/$P1" '{"project":{"domain_id":"default"}}'
expect_fault 400 "moving a project to another domain"
api PATCH "$ID_URL/v3/users/$U1" '{"user":{"domain_id":"default"}}'
expect_fault 400 "moving a user to another domain"
api PATCH "$ID_URL/v3/projects/$P1" "{\"project\":{\"domain_id\":\"$D1\",\"description\":\"x\"}}"
expect 200 "a PATCH naming the project's own domain"
api GET "$ID_URL/v3/projects?domain_id=$D1"
check "GET /v3/projects?domain_id= lists d1's" \
    test "$(jq -c '[.projects[].id]' <<<"$BODY")" = "[\"$P1\"]"
api GET "$ID_URL/v3/projects?name=p1"
check "...?name=p1 finds both p1" test "$(jq '.projects | length' <<<"$BODY")" = 2
api GET "$ID_URL/v3/users?domain_id=$D1"
check "GET /v3/users?domain_id= lists d1's" \
    test "$(jq -c '[.users[].id]' <<<"$BODY")" = "[\"$U1\"]"

# ---- tokens in d1 ----
api GET "$ID_URL/v3/roles?name=member"
MEMBER=$(jq -r '.roles[0].id' <<<"$BODY")
api PUT "$ID_URL/v3/projects/$P1/users/$U1/roles/$MEMBER"
expect 204 "u1 member on p1"
api PUT "$ID_URL/v3/domains/$D1/users/$U1/roles/$MEMBER"
expect 204 "u1 member on the domain d1"
api PUT "$ID_URL/v3/domains/nosuch/users/$U1/roles/$MEMBER"
expect_fault 404 "a role on a domain that does not exist"
login u1 '{"name":"d1"}' '{"project":{"name":"p1","domain":{"name":"d1"}}}'
expect 201 "u1 logs in by user and project domain names"
check "...the token names d1 for the user and the project" \
    jqt ".token.user.domain == {id:\"$D1\",name:\"d1\"} and
    .token.project == {id:\"$P1\",name:\"p1\",domain:{id:\"$D1\",name:\"d1\"}}"
U1TOK=$NEW
login u1 "{\"id\":\"$D1\"}" "{\"project\":{\"name\":\"p1\",\"domain\":{\"id\":\"$D1\"}}}"
expect 201 "...and by domain ids"
login u1 "{\"id\":\"$D1\"}"
check "...and without a scope, to the default project p1" \
    test "$(jq -r .token.project.id <<<"$BODY")" = "$P1"
login u1 '{"name":"Default"}' "{\"project\":{\"id\":\"$P1\"}}"
expect_fault 401 "u1 of Default (that u1 has no role on p1 of d1)"
login u1 '{"name":"nosuch"}'
expect_fault 401 "a user domain that does not exist"
login u1 '{"name":"d1"}' '{"project":{"name":"p1","domain":{"name":"nosuch"}}}'
expect_fault 401 "a project domain that does not exist"
login u1 '{"name":"d1"}' '{"domain":{"name":"d1"}}'
expect 201 "a token scoped to the domain d1"
check "...names it" jqt ".token.domain == {id:\"$D1\",name:\"d1\"} and
    ([.token.roles[].name] == [\"member\"])"
U1DOM=$NEW
login u1 '{"name":"d1"}' '{"domain":{"id":"default"}}'
expect_fault 401 "...but not to Default, where u1 has no role"
TOKEN=$U1TOK api GET "$ID_URL/v3/domains/$D1"
expect 200 "u1 reads the domain of its project"
TOKEN=$U1TOK api GET "$ID_URL/v3/domains/default"
expect_fault 403 "...but not another"
TOKEN=$U1DOM api GET "$ID_URL/v3/auth/domains"
check "GET /v3/auth/domains lists d1 for u1" \
    test "$(jq -c '[.domains[].name]' <<<"$BODY")" = '["d1"]'
api GET "$ID_URL/v3/role_assignments?user.id=$U1&include_names"
check "role_assignments?include_names names d1 for the user, project and domain" \
    jqt "[.role_assignments[] | .user.domain.name == \"d1\" and
    (.scope.project.domain.name // .scope.domain.name) == \"d1\"] == [true, true]"

# ---- disable and delete ----
api DELETE "$ID_URL/v3/domains/$D1"
expect_fault 403 "deleting an enabled domain"
check "...Keystone's sentence" grep -q "please disable it first" <<<"$BODY"
api PATCH "$ID_URL/v3/domains/$D1" '{"domain":{"enabled":false}}'
expect 200 "disabling d1"
api GET "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $U1TOK"
expect_fault 404 "u1's token no longer validates"
TOKEN=$U1TOK api GET "$ID_URL/v3/auth/projects"
expect_fault 401 "...nor works"
login u1 '{"name":"d1"}'
expect_fault 401 "a disabled domain's user gets no token"
login u1 "{\"id\":\"$D1\"}"
expect_fault 401 "...by domain id either"
TOKEN= api POST "$ID_URL/v3/auth/tokens" "$(jq -nc --arg u "$U1" \
    '{auth:{identity:{methods:["password"],password:{user:{id:$u,password:"pw"}}}}}')"
expect_fault 401 "...nor by user id"
api PATCH "$ID_URL/v3/domains/$D1" '{"domain":{"enabled":true}}'
login u1 '{"name":"d1"}'
expect 201 "enabled again, u1 gets a token again"
api PATCH "$ID_URL/v3/domains/$D1" '{"domain":{"enabled":false}}'
api DELETE "$ID_URL/v3/domains/default"
expect_fault 403 "deleting the domain default"
api DELETE "$ID_URL/v3/domains/nosuch"
expect_fault 404 "deleting a domain that does not exist"
api DELETE "$ID_URL/v3/domains/$D1"
expect 204 "deleting the disabled d1"
api GET "$ID_URL/v3/domains/$D1"
expect_fault 404 "...it is gone"
check "...with its projects, users, assignments and tokens" \
    test "$(psql_q "SELECT (SELECT count(*) FROM projects WHERE domain_id = '$D1') +
    (SELECT count(*) FROM users WHERE id = '$U1') + (SELECT count(*) FROM
    role_assignments WHERE project_id = '$P1') + (SELECT count(*) FROM
    domain_role_assignments WHERE domain_id = '$D1') + (SELECT count(*) FROM
    tokens WHERE user_id = '$U1')")" = 0
api GET "$ID_URL/v3/projects/$P1DEF"
expect 200 "...but not Default's p1"
api DELETE "$ID_URL/v3/domains/$D2"
expect 204 "deleting d2, made disabled"

# ---- the stock CLI ----
use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
OUT=$(os domain create --description "from the CLI" d3 -f json)
check "openstack domain create d3" jqt '.name == "d3" and .enabled == true' "$OUT"
D3=$(jq -r .id <<<"$OUT")
OUT=$(os domain list -f json)
check "openstack domain list" test "$(jq -c '[.[].Name] | sort' <<<"$OUT")" = '["Default","d3"]'
OUT=$(os project create --domain d3 cp -f json)
check "openstack project create --domain d3" jqt ".domain_id == \"$D3\"" "$OUT"
OUT=$(os user create --domain d3 --password pw --project cp --project-domain d3 cu -f json)
check "openstack user create --domain d3" jqt ".domain_id == \"$D3\"" "$OUT"
os role add --project cp --project-domain d3 --user cu --user-domain d3 member
OUT=$(os role assignment list --project cp --project-domain d3 --names -f json)
check "openstack role add in d3, as role assignment list shows" \
    test "$(jq -c '[.[] | [.Role, .User, .Project]]' <<<"$OUT")" = '[["member","cu@d3","cp@d3"]]'
OUT=$(OS_USERNAME=cu OS_PASSWORD=pw OS_USER_DOMAIN_NAME=d3 OS_PROJECT_NAME=cp \
    OS_PROJECT_DOMAIN_NAME=d3 os token issue -f json)
check "openstack token issue as cu of d3" jqt ".project_id and .user_id" "$OUT"
os domain delete d3
check "openstack domain delete of an enabled domain fails (403)" grep -q "HTTP 403" "$T/os.err"
os domain set --disable d3
OUT=$(os domain show d3 -f json)
check "openstack domain set --disable d3" jqt '.enabled == false' "$OUT"
os domain delete d3
check "openstack domain delete d3" test "$(count domains)" = 1
finish
