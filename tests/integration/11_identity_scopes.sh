#!/usr/bin/env bash
# Identity v3 scopes, as Horizon and the CLI use them: unscoped tokens
# (no scope, "unscoped"), the token method (rescoping, expiry kept),
# domain- and system-scoped tokens, /v3/auth/{projects,domains,system,
# catalog}, the other APIs refusing tokens not scoped to a project, a
# user changing their own password, and Keystone's name limits.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller
start_image

# pw_body USER PASSWORD [SCOPE-JSON]: a password request, with the scope
# if one is given (even null).
pw_body() {
	jq -nc --arg u "$1" --arg p "$2" --argjson s "[${3:-}]" \
	    '{auth:{identity:{methods:["password"],password:{user:{name:$u,
	    domain:{id:"default"},password:$p}}}}} |
	    if $s == [] then . else .auth.scope = $s[0] end'
}
# tok_body TOKEN [SCOPE-JSON]: a token-method request, the same way.
tok_body() {
	jq -nc --arg t "$1" --argjson s "[${2:-}]" \
	    '{auth:{identity:{methods:["token"],token:{id:$t}}}} |
	    if $s == [] then . else .auth.scope = $s[0] end'
}
# issue BODY: POST /v3/auth/tokens without a token; sets NEW (the token).
issue() {
	TOKEN= api POST "$ID_URL/v3/auth/tokens" "$1"
	NEW=$(header X-Subject-Token)
}

ADMIN=$(get_token admin "$ADMIN_PW" admin)
TOKEN=$ADMIN
make_member carol demo
DEMO=$MEMBER_PROJECT CAROL=$MEMBER_ID
api POST "$ID_URL/v3/projects" '{"project":{"name":"other"}}'
OTHER=$(jq -r .project.id <<<"$BODY")
api POST "$ID_URL/v3/users" '{"user":{"name":"dave","password":"pw"}}'
DAVE=$(jq -r .user.id <<<"$BODY")
DEMO_SCOPE=$(jq -nc --arg p "$DEMO" '{project:{id:$p}}')

# ---- unscoped tokens ----
issue "$(pw_body dave pw '"unscoped"')"
expect 201 'scope "unscoped" gives a token'
check "an unscoped token has no project, roles or catalog" \
    jqt '.token | (has("project") or has("roles") or has("catalog") or
    has("domain") or has("system")) | not'
check "an unscoped token has Keystone's members" \
    jqt '.token | (keys | sort) == ["audit_ids","expires_at","issued_at",
    "methods","user"] and .methods == ["password"] and .user.name == "dave"'
DAVE_UNSCOPED=$NEW
issue "$(pw_body dave pw)"
expect 201 "no scope and no default project: a token"
check "...unscoped" jqt '.token | has("project") | not'
issue "$(pw_body carol pw)"
check "no scope with a default project the user has a role on: scoped to it" \
    test "$(jq -r .token.project.id <<<"$BODY")" = "$DEMO"
issue "$(pw_body carol pw '"unscoped"')"
check '"unscoped" wins over the default project' jqt '.token | has("project") | not'
CAROL_UNSCOPED=$NEW
issue "$(pw_body carol pw '{"unscoped":{}}')"
check '{"unscoped": {}} (older clients) is unscoped too' \
    jqt '.token | has("project") | not'
for bad in '"bogus"' '{}' '5' 'null' '{"project":{"id":"x"},"domain":{"id":"default"}}' \
    '{"project":"demo"}'; do
	issue "$(pw_body carol pw "$bad")"
	expect_fault 400 "scope $bad"
done
check "no token row was made by the refused requests" \
    test "$(psql_q "SELECT count(*) FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.name = 'carol'")" = 3

TOKEN=$CAROL_UNSCOPED api GET "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $CAROL_UNSCOPED"
expect 200 "an unscoped token validates"
check "...as unscoped" jqt '.token | (has("project") or has("roles")) | not'
TOKEN=$CAROL_UNSCOPED api GET "$ID_URL/v3/auth/projects"
expect 200 "GET /v3/auth/projects with an unscoped token"
check "...lists the projects carol has a role on" \
    test "$(jq -c '[.projects[].name]' <<<"$BODY")" = '["demo"]'
check "...with its own self link" jqt '.links.self | endswith("/v3/auth/projects")'
TOKEN=$CAROL_UNSCOPED api GET "$ID_URL/v3/auth/catalog"
expect_fault 403 "an unscoped token has no catalog"
TOKEN=$CAROL_UNSCOPED api GET "$CP_URL/v2.1/servers"
expect_fault 403 "compute refuses an unscoped token"
check "...saying why" grep -q "scoped to a project" <<<"$BODY"
TOKEN=$CAROL_UNSCOPED api GET "$NET_URL/v2.0/networks"
expect_fault 403 "network refuses an unscoped token"
TOKEN=$CAROL_UNSCOPED api GET "$IMG_URL/v2/images"
expect_fault 403 "image refuses an unscoped token"
TOKEN=$CAROL_UNSCOPED api GET "$ID_URL/v3/projects/$DEMO"
expect_fault 404 "an unscoped token reads no project"

# ---- the token method ----
# An expiry no fresh token could have, so keeping it shows.
psql_q "UPDATE tokens SET expires_at = date_trunc('second', now()) + interval '17 minutes 3 seconds' WHERE hash = encode(sha256('$CAROL_UNSCOPED'), 'hex')" >/dev/null
CAROL_UNSCOPED_EXP=$(psql_q "SELECT to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM tokens WHERE hash = encode(sha256('$CAROL_UNSCOPED'), 'hex')")
issue "$(tok_body "$CAROL_UNSCOPED" "$DEMO_SCOPE")"
expect 201 "rescope an unscoped token to demo"
check "...scoped to demo with roles and a catalog" \
    test "$(jq -r '.token.project.id + " " + ([.token.roles[].name] | join(",")) + " " + (.token.catalog | length | tostring)' <<<"$BODY")" = "$DEMO member 4"
check "...methods token then password, as Keystone" \
    jqt '.token.methods == ["token","password"]'
check "...expiry of the original kept ($CAROL_UNSCOPED_EXP)" \
    test "$(jq -r '.token.expires_at[0:19]' <<<"$BODY")" = "$CAROL_UNSCOPED_EXP"
check "...audit chain: its own id, then the original's" \
    jqt '.token.audit_ids | length == 2 and .[0] != .[1]'
CAROL_DEMO=$NEW
PARENT_AUDIT=$(jq -r '.token.audit_ids[1]' <<<"$BODY")
check "the new token differs from the original" test "$CAROL_DEMO" != "$CAROL_UNSCOPED"
TOKEN=$CAROL_DEMO api GET "$CP_URL/v2.1/servers"
expect 200 "the rescoped token works on compute"
TOKEN=$CAROL_DEMO api GET "$ID_URL/v3/auth/catalog"
check "GET /v3/auth/catalog: four services and Keystone's self link" \
    jqt '(.catalog | length) == 4 and (.links == {self: .links.self}) and
    (.links.self | endswith("/v3/auth/catalog"))'
issue "$(tok_body "$CAROL_UNSCOPED")"
check "the token method with no scope scopes to the default project too, as Keystone" \
    test "$(jq -r .token.project.id <<<"$BODY")" = "$DEMO"
issue "$(tok_body "$DAVE_UNSCOPED")"
check "...and stays unscoped for a user without one" jqt '.token | has("project") | not'
issue "$(tok_body "$CAROL_DEMO" '"unscoped"')"
expect 201 "a scoped token exchanged for an unscoped one"
check "...keeps the first audit id of the chain" \
    test "$(jq -r '.token.audit_ids[1]' <<<"$BODY")" = "$PARENT_AUDIT"
check "...and the methods" jqt '.token.methods == ["token","password"]'
issue "$(tok_body "$CAROL_UNSCOPED" "$(jq -nc --arg p "$OTHER" '{project:{id:$p}}')")"
expect_fault 401 "rescope to a project without a role"
issue "$(tok_body "$CAROL_UNSCOPED" '{"project":{"name":"nope","domain":{"id":"default"}}}')"
expect_fault 401 "rescope to a project that does not exist"
issue "$(tok_body 0123456789abcdef "$DEMO_SCOPE")"
expect_fault 404 "the token method with an unknown token"
issue '{"auth":{"identity":{"methods":["token"],"token":{}}}}'
expect_fault 400 "the token method without the token's id"
TOKEN= api POST "$ID_URL/v3/auth/tokens" '{"auth":{"identity":{"methods":["token"]}}}' \
    -H "X-Auth-Token: $CAROL_UNSCOPED"
expect_fault 400 "the token method takes the token from the body, not X-Auth-Token"
issue '{"auth":{"identity":{"methods":["kerberos"],"kerberos":{}}}}'
expect_fault 401 "an unsupported method"
issue '{"auth":{"identity":{"methods":[7]}}}'
expect_fault 400 "a method that is not a string"
issue '{"auth":{"identity":{"methods":[]}}}'
expect_fault 401 "no method at all (Keystone: 401)"
issue "$(jq -nc --arg t "$CAROL_UNSCOPED" '{auth:{identity:{methods:["password","token"],
    token:{id:$t},password:{user:{name:"carol",domain:{id:"default"},password:"pw"}}},scope:"unscoped"}}')"
expect 201 "password and token methods together for one user"
issue "$(jq -nc --arg t "$CAROL_UNSCOPED" '{auth:{identity:{methods:["password","token"],
    token:{id:$t},password:{user:{name:"dave",domain:{id:"default"},password:"pw"}}}}}')"
expect_fault 401 "password and token of two users"
REV=$(get_token carol pw demo)
TOKEN=$REV api DELETE "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $REV"
issue "$(tok_body "$REV" "$DEMO_SCOPE")"
expect_fault 404 "the token method with a revoked token"
check "...saying revoked" grep -q revoked <<<"$BODY"
EXP=$(get_token carol pw demo)
psql_q "UPDATE tokens SET expires_at = now() - interval '1 second' WHERE hash = encode(sha256('$EXP'), 'hex')" >/dev/null
issue "$(tok_body "$EXP" "$DEMO_SCOPE")"
expect_fault 404 "the token method with an expired token"

# ---- domain and system scopes ----
issue "$(tok_body "$CAROL_UNSCOPED" '{"domain":{"id":"default"}}')"
expect_fault 401 "domain scope without a role on the domain"
issue "$(pw_body carol pw '{"system":{"all":true}}')"
expect_fault 401 "system scope without a system role"
issue "$(pw_body carol pw '{"domain":{}}')"
expect_fault 400 "domain scope with neither id nor name"
issue "$(pw_body carol pw '{"domain":{"id":"nope"}}')"
expect_fault 401 "a domain that does not exist"
TOKEN=$CAROL_UNSCOPED api GET "$ID_URL/v3/auth/domains"
check "carol may scope to no domain" jqt '.domains == []'
TOKEN=$CAROL_UNSCOPED api GET "$ID_URL/v3/auth/system"
check "carol may not scope to the system" jqt '.system == [] and (.links.self | endswith("/v3/auth/system"))'

TOKEN=$ADMIN
api GET "$ID_URL/v3/roles?name=member"
MEMBER=$(jq -r '.roles[0].id' <<<"$BODY")
api PUT "$ID_URL/v3/domains/default/users/$CAROL/roles/$MEMBER"
expect 204 "grant member on the domain to carol"
api HEAD "$ID_URL/v3/domains/default/users/$CAROL/roles/$MEMBER"
expect 204 "check the domain grant"
api GET "$ID_URL/v3/role_assignments?user.id=$CAROL&include_names"
check "carol's assignments: member on demo, then on the domain" \
    test "$(jq -c '[.role_assignments[] | (.scope | keys[0]) + ":" + (.scope[] | .name) + ":" + .role.name]' <<<"$BODY")" = \
    '["project:demo:member","domain:Default:member"]'
check "...each with its assignment link" \
    jqt '.role_assignments[1].links.assignment | test("/v3/domains/default/users/[0-9a-f]{32}/roles/[0-9a-f]{32}$")'
api GET "$ID_URL/v3/role_assignments?scope.domain.id=default"
check "filter by scope.domain.id" test "$(jq -r '[.role_assignments[].user.id] | join(",")' <<<"$BODY")" = "$CAROL"
api GET "$ID_URL/v3/domains/default/users/$CAROL/roles"
check "list carol's roles on the domain" test "$(jq -c '[.roles[].name]' <<<"$BODY")" = '["member"]'
api PUT "$ID_URL/v3/domains/nope/users/$CAROL/roles/$MEMBER"
expect_fault 404 "grant on a domain that does not exist"
api PUT "$ID_URL/v3/system/users/$CAROL/roles/nosuchrole"
expect_fault 404 "system grant of an unknown role"
TOKEN=$CAROL_DEMO api PUT "$ID_URL/v3/domains/default/users/$CAROL/roles/$MEMBER"
expect_fault 403 "a member granting domain roles"

issue "$(tok_body "$CAROL_UNSCOPED" '{"domain":{"name":"Default"}}')"
expect 201 "rescope to the domain with a role on it"
check "...a domain-scoped token" \
    jqt '.token.domain.id == "default" and ([.token.roles[].name] == ["member"]) and
    (.token | has("project") | not) and .token.catalog'
CAROL_DOM=$NEW
TOKEN=$CAROL_DOM api GET "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $CAROL_DOM"
check "a domain-scoped token validates as one" jqt '.token.domain.id == "default"'
TOKEN=$CAROL_DOM api GET "$CP_URL/v2.1/servers"
expect_fault 403 "compute refuses a domain-scoped token"
TOKEN=$CAROL_DOM api GET "$ID_URL/v3/users"
expect_fault 403 "a domain member is no admin"
TOKEN=$CAROL_DOM api GET "$ID_URL/v3/auth/domains"
check "auth/domains lists Default once carol has a role on it" \
    test "$(jq -c '[.domains[].id]' <<<"$BODY")" = '["default"]'
TOKEN=$ADMIN api DELETE "$ID_URL/v3/domains/default/users/$CAROL/roles/$MEMBER"
expect 204 "revoke the domain grant"
TOKEN=$CAROL_DOM api GET "$ID_URL/v3/auth/domains"
expect_fault 401 "a domain token without a role on the domain is no longer valid, as Keystone's"
check "...saying why" grep -q "no longer holds a role" <<<"$BODY"
TOKEN=$ADMIN api DELETE "$ID_URL/v3/domains/default/users/$CAROL/roles/$MEMBER"
expect_fault 404 "revoke a domain grant that is not there"

TOKEN=$ADMIN api GET "$ID_URL/v3/auth/system"
check "the bootstrap admin may scope to the system" jqt '.system == [{"all":true}]'
TOKEN=$ADMIN api GET "$ID_URL/v3/role_assignments?scope.system=all&include_names"
check "role assignment list --system all: the admin's admin role" \
    test "$(jq -c '[.role_assignments[] | [.user.name, .role.name, .scope.system.all]]' <<<"$BODY")" = '[["admin","admin",true]]'
issue "$(pw_body admin "$ADMIN_PW" '{"system":{"all":true}}')"
expect 201 "the admin gets a system-scoped token"
check "...with system all and the admin role" \
    jqt '.token.system == {"all":true} and ([.token.roles[].name] | index("admin")) and
    (.token | has("project") | not)'
SYS=$NEW
issue "$(pw_body admin "$ADMIN_PW" '{"system":{"all":false}}')"
expect_fault 401 "system scope with all false"
issue "$(pw_body admin "$ADMIN_PW" '{"system":{"all":"yes"}}')"
expect_fault 400 "system scope with all not a boolean"
TOKEN=$SYS api GET "$ID_URL/v3/users"
expect 200 "a system admin lists users"
TOKEN=$SYS api POST "$ID_URL/v3/projects" '{"project":{"name":"sysmade"}}'
expect 201 "a system admin creates a project"
TOKEN=$SYS api GET "$CP_URL/v2.1/os-hypervisors"
expect_fault 403 "compute refuses a system-scoped token"
check "...saying it is scoped to the system" grep -q "scoped to the system" <<<"$BODY"
issue "$(tok_body "$SYS" "$(jq -nc --arg p "$DEMO" '{project:{id:$p}}')")"
expect_fault 403 "a system token cannot become a project token"
issue "$(tok_body "$SYS" '{"domain":{"id":"default"}}')"
expect_fault 403 "a system token cannot become a domain token"
issue "$(tok_body "$SYS" '{"system":{"all":true}}')"
expect 201 "a system token exchanged for another system token"
api PUT "$ID_URL/v3/system/users/$DAVE/roles/$MEMBER"
expect 204 "grant dave a role on the system"
issue "$(tok_body "$DAVE_UNSCOPED" '{"system":{"all":true}}')"
expect 201 "dave rescopes to the system"
check "...as a member, not an admin" jqt '[.token.roles[].name] == ["member"]'
DAVE_SYS=$NEW
TOKEN=$DAVE_SYS api GET "$ID_URL/v3/users"
expect_fault 403 "a system member is no admin"
api GET "$ID_URL/v3/system/users/$DAVE/roles"
check "list dave's system roles" test "$(jq -c '[.roles[].name]' <<<"$BODY")" = '["member"]'
api DELETE "$ID_URL/v3/system/users/$DAVE/roles/$MEMBER"
expect 204 "revoke dave's system role"
api GET "$ID_URL/v3/system/users/$DAVE/roles/$MEMBER"
expect_fault 404 "the system grant is gone"

# ---- a user changes their own password ----
api POST "$ID_URL/v3/users/$CAROL/password" '{"user":{"password":"new","original_password":"wrong"}}'
expect_fault 401 "a wrong original password"
for bad in '{}' '{"user":{"password":"new"}}' '{"user":{"original_password":"pw"}}' \
    '{"user":{"password":null,"original_password":"pw"}}' \
    '{"user":{"password":"new","original_password":"pw","foo":"x"}}'; do
	TOKEN= api POST "$ID_URL/v3/users/$CAROL/password" "$bad"
	expect_fault 400 "password change $bad"
done
TOKEN= api POST "$ID_URL/v3/users/00000000000000000000000000000000/password" \
    '{"user":{"password":"new","original_password":"pw"}}'
expect_fault 401 "a user that does not exist (no hint)"
TOKEN=$CAROL_DEMO api GET "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $CAROL_DEMO"
expect 200 "carol's token is valid before the change"
TOKEN=$CAROL_DEMO api POST "$ID_URL/v3/users/$CAROL/password" \
    '{"user":{"password":"new","original_password":"pw"}}'
expect 204 "carol changes her password"
TOKEN=$CAROL_DEMO api GET "$ID_URL/v3/projects/$DEMO"
expect_fault 401 "her tokens are revoked"
TOKEN=$CAROL_UNSCOPED api GET "$ID_URL/v3/auth/projects"
expect_fault 401 "her unscoped token too"
TOKEN= get_token carol pw demo >/dev/null
expect_fault 401 "the old password no longer works"
check "the new one does" test -n "$(get_token carol new demo)"
TOKEN=$ADMIN api GET "$ID_URL/v3/users"
expect 200 "other users' tokens are untouched"
TOKEN=$DAVE_UNSCOPED api GET "$ID_URL/v3/auth/projects"
expect 200 "dave's token is valid"
TOKEN=$ADMIN api PATCH "$ID_URL/v3/users/$DAVE" '{"user":{"password":"pw2"}}'
expect 200 "an admin sets dave's password"
TOKEN=$DAVE_UNSCOPED api GET "$ID_URL/v3/auth/projects"
expect_fault 401 "...which revokes dave's tokens, as Keystone"
issue "$(pw_body dave pw2 '"unscoped"')"
DAVE_TOK=$NEW
TOKEN=$ADMIN api PATCH "$ID_URL/v3/users/$DAVE" '{"user":{"description":"no password"}}'
TOKEN=$DAVE_TOK api GET "$ID_URL/v3/auth/projects"
expect 200 "an update without a password revokes nothing"
TOKEN= api POST "$ID_URL/v3/users/$DAVE/password" '{"user":{"password":"pw3","original_password":"pw"}}'
expect_fault 401 "a password change with an outdated original"
TOKEN= api POST "$ID_URL/v3/users/$DAVE/password" '{"user":{"password":"pw3","original_password":"pw2"}}'
expect 204 "no token needed: the original password is the proof, as in Keystone"
TOKEN=$DAVE_TOK api GET "$ID_URL/v3/auth/projects"
expect_fault 401 "...and dave's tokens are revoked"

# ---- Keystone's name limits ----
TOKEN=$ADMIN
N64=$(printf 'p%.0s' $(seq 64)) N65=$(printf 'p%.0s' $(seq 65))
N255=$(printf 'u%.0s' $(seq 255)) N256=$(printf 'u%.0s' $(seq 256))
api POST "$ID_URL/v3/projects" "{\"project\":{\"name\":\"$N65\"}}"
expect_fault 400 "a project name of 65 characters"
check "...no project was made" test "$(psql_q "SELECT count(*) FROM projects WHERE name = '$N65'")" = 0
api POST "$ID_URL/v3/projects" "{\"project\":{\"name\":\"$N64\"}}"
expect 201 "a project name of 64 characters"
# Keystone counts characters, not bytes.
E64=$(printf '\xc3\xa9%.0s' $(seq 64)) E65=$(printf '\xc3\xa9%.0s' $(seq 65))
api POST "$ID_URL/v3/projects" "{\"project\":{\"name\":\"$E64\"}}"
expect 201 "a project name of 64 two-byte characters"
api POST "$ID_URL/v3/projects" "{\"project\":{\"name\":\"$E65\"}}"
expect_fault 400 "a project name of 65 two-byte characters"
check "...counted in characters" grep -q "65 characters" <<<"$BODY"
api PATCH "$ID_URL/v3/projects/$DEMO" "{\"project\":{\"name\":\"$N65\"}}"
expect_fault 400 "renaming a project to 65 characters"
api POST "$ID_URL/v3/users" "{\"user\":{\"name\":\"$N256\"}}"
expect_fault 400 "a user name of 256 characters"
api POST "$ID_URL/v3/users" "{\"user\":{\"name\":\"$N255\"}}"
expect 201 "a user name of 255 characters"
api POST "$ID_URL/v3/roles" "{\"role\":{\"name\":\"$N256\"}}"
expect_fault 400 "a role name of 256 characters"

# ---- the stock CLI on these paths ----
use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
noproj() { ( unset OS_PROJECT_NAME OS_PROJECT_DOMAIN_NAME; "$@" ); }
# tokauth TOKEN PROJECT-ID ARGS...: the CLI with the token auth type only.
tokauth() {
	( unset OS_USERNAME OS_PASSWORD OS_USER_DOMAIN_NAME OS_PROJECT_NAME \
	    OS_PROJECT_DOMAIN_NAME
	os --os-auth-type token --os-token "$1" --os-project-id "$2" "${@:3}" )
}
OUT=$(OS_USERNAME=dave OS_PASSWORD=pw3 noproj os token issue -f json)
check "openstack token issue with no project: an unscoped token" \
    jqt '.id and .user_id and (has("project_id") | not)' "$OUT"
DAVE_CLI=$(jq -r .id <<<"$OUT")
OUT=$(OS_USERNAME=carol OS_PASSWORD=new noproj os token issue -f json)
check "...and with a default project: scoped to it, as Keystone" \
    test "$(jq -r .project_id <<<"$OUT")" = "$DEMO"
CAROL_CLI=$(jq -r .id <<<"$OUT")
OUT=$(tokauth "$CAROL_CLI" "$DEMO" token issue -f json)
check "openstack --os-auth-type token rescopes to demo" \
    test "$(jq -r .project_id <<<"$OUT")" = "$DEMO"
tokauth "$DAVE_CLI" "$DEMO" token issue -f json >/dev/null
check "...and refuses dave, who has no role on demo (401)" grep -q "HTTP 401" "$T/os.err"
OS_USERNAME=carol OS_PASSWORD=new OS_PROJECT_NAME=demo \
    os user password set --password fromcli --original-password wrong
check "openstack user password set with a wrong original fails (401)" grep -q "HTTP 401" "$T/os.err"
OS_USERNAME=carol OS_PASSWORD=new OS_PROJECT_NAME=demo \
    os user password set --password fromcli --original-password new
check "openstack user password set changes carol's password" \
    test -n "$(get_token carol fromcli demo)"
# Debian's client exits 1 after the PUT (see 30_openstack_cli); the list
# is what tells.
os role add --system all --user dave reader
os role add --domain default --user dave member
OUT=$(os role assignment list --user dave --names -f json)
check "openstack role add --system / --domain, as role assignment list shows" \
    test "$(jq -c '[.[] | [.Role, .System, .Domain]] | sort' <<<"$OUT")" = \
    '[["member","","Default"],["reader","all",""]]'
OUT=$(os role assignment list --system all --names -f json)
check "openstack role assignment list --system all" \
    test "$(jq -c '[.[] | .User] | sort' <<<"$OUT")" = '["admin@Default","dave@Default"]'
OUT=$(OS_USERNAME=dave OS_PASSWORD=pw3 noproj os --os-system-scope all token issue -f json)
check "openstack --os-system-scope all token issue" jqt '.id and .system == "all"' "$OUT"
finish
