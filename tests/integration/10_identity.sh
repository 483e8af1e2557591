#!/usr/bin/env bash
# Identity v3 against a real PostgreSQL: version document, tokens (issue,
# validate, revoke, expiry), projects, users, roles, assignments, and the
# 401/403 rules.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller

api GET "$ID_URL/v3"
expect 200 "GET /v3 needs no token"
check "version document has id v3.14 and a self link" \
    test "$(echo "$BODY" | jq -r '.version.id + " " + .version.links[0].href')" = \
    "v3.14 $ID_URL/v3/"

ADMIN=$(get_token admin "$ADMIN_PW" admin)
check "admin gets a token with X-Subject-Token" test -n "$ADMIN"
check "token is 64 hex digits" grep -Eqx '[0-9a-f]{64}' <<<"$ADMIN"
TOKEN= api POST "$ID_URL/v3/auth/tokens" "$(jq -nc --arg p "$ADMIN_PW" \
    '{auth:{identity:{methods:["password"],password:{user:{name:"admin",
    domain:{name:"Default"},password:$p}}},scope:{project:{name:"admin",
    domain:{name:"Default"}}}}}')"
check "token body has expires_at, project, roles, user" \
    jqt '.token.expires_at and .token.project.id and .token.user.name == "admin"
    and ([.token.roles[].name] | index("admin"))'
check "catalog lists identity, compute, image, network" \
    test "$(jq -c '[.token.catalog[].type] | sort' <<<"$BODY")" = \
    '["compute","identity","image","network"]'
check "catalog compute url is /v2.1 with public interface" \
    jqt '.token.catalog[] | select(.type=="compute") | .endpoints[] |
    select(.interface=="public") | .url | endswith("/v2.1")'
check "only the hash of the token is stored" \
    test "$(psql_q "SELECT count(*) FROM tokens WHERE hash = '$ADMIN'")" = 0

TOKEN= get_token admin wrong admin >/dev/null
expect_fault 401 "wrong password"
TOKEN= get_token nobody x admin >/dev/null
expect_fault 401 "unknown user"
TOKEN= api GET "$ID_URL/v3/projects"
expect_fault 401 "no token"
TOKEN=0000 api GET "$ID_URL/v3/projects"
expect_fault 401 "bogus token"

TOKEN=$ADMIN
api GET "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $ADMIN"
expect 200 "validate own token"
check "validated token names the admin project" \
    test "$(jq -r .token.project.name <<<"$BODY")" = admin

api POST "$ID_URL/v3/projects" '{"project":{"name":"demo","description":"Demo","enabled":true,"tags":["a"]}}'
expect 201 "create project demo"
DEMO=$(jq -r .project.id <<<"$BODY")
check "project has 32-hex id and tags" jqt '(.project.id|test("^[0-9a-f]{32}$")) and .project.tags == ["a"]'
api POST "$ID_URL/v3/projects" '{"project":{"name":"demo"}}'
expect_fault 409 "duplicate project name"
api GET "$ID_URL/v3/projects?name=demo"
check "list projects by name" test "$(jq -r '.projects | length' <<<"$BODY")" = 1

api POST "$ID_URL/v3/users" "{\"user\":{\"name\":\"alice\",\"password\":\"x\",\"default_project_id\":\"$DEMO\",\"email\":\"alice@example.org\",\"enabled\":true}}"
expect 201 "create user alice"
ALICE=$(jq -r .user.id <<<"$BODY")
check "extra attribute email round-trips" test "$(jq -r .user.email <<<"$BODY")" = alice@example.org
check "password hash is salted PBKDF2" \
    grep -q '^pbkdf2-sha256\$' <<<"$(psql_q "SELECT password_hash FROM users WHERE id = '$ALICE'")"

api GET "$ID_URL/v3/roles?name=member"
MEMBER=$(jq -r '.roles[0].id' <<<"$BODY")
check "role member exists" test -n "$MEMBER" -a "$MEMBER" != null
api PUT "$ID_URL/v3/projects/$DEMO/users/$ALICE/roles/$MEMBER"
expect 204 "grant member on demo to alice"
api GET "$ID_URL/v3/role_assignments?scope.project.id=$DEMO&user.id=$ALICE&include_names"
check "assignment is listed with names" \
    jqt '.role_assignments[0].role.name == "member" and .role_assignments[0].user.name == "alice"'
api PUT "$ID_URL/v3/projects/$DEMO/users/$ALICE/roles/nosuchrole"
expect_fault 404 "grant of an unknown role"

ALICE_TOK=$(get_token alice x demo)
check "alice gets a demo-scoped token" test -n "$ALICE_TOK"
TOKEN=$ALICE_TOK api GET "$ID_URL/v3/projects"
expect_fault 403 "member listing projects"
TOKEN=$ALICE_TOK api POST "$ID_URL/v3/users" '{"user":{"name":"mallory"}}'
expect_fault 403 "member creating a user"
TOKEN=$ALICE_TOK api GET "$ID_URL/v3/projects/$DEMO"
expect 200 "member reads own project"
TOKEN=$ALICE_TOK api GET "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $ADMIN"
expect_fault 403 "member validating another user's token"

TOKEN=$ALICE_TOK api DELETE "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $ALICE_TOK"
expect 204 "alice revokes her token"
TOKEN=$ALICE_TOK api GET "$ID_URL/v3/projects/$DEMO"
expect_fault 401 "revoked token"
check "revocation message says revoked" grep -q revoked <<<"$BODY"

# Expiry: age a token in the database rather than waiting an hour.
EXP=$(get_token alice x demo)
psql_q "UPDATE tokens SET expires_at = now() - interval '1 second' WHERE hash = encode(sha256('$EXP'), 'hex')" >/dev/null
TOKEN=$EXP api GET "$ID_URL/v3/projects/$DEMO"
expect_fault 401 "expired token"
check "expiry message says expired" grep -q expired <<<"$BODY"

LIVE=$(get_token alice x demo)
TOKEN=$ADMIN
api DELETE "$ID_URL/v3/projects/$DEMO/users/$ALICE/roles/$MEMBER"
expect 204 "revoke role"
TOKEN=$LIVE api GET "$ID_URL/v3/projects/$DEMO"
expect_fault 401 "a token whose user lost every role on its project"
TOKEN= get_token alice x demo >/dev/null
expect_fault 401 "no role, no project-scoped token"
api DELETE "$ID_URL/v3/users/$ALICE"
expect 204 "delete user"
api DELETE "$ID_URL/v3/projects/$DEMO"
expect 204 "delete project"
api GET "$ID_URL/v3/projects/$DEMO"
expect_fault 404 "deleted project is gone"
finish
