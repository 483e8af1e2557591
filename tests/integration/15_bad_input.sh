#!/usr/bin/env bash
# Bad input to the identity API: each case gets a 4xx fault with a sentence,
# and nothing is written to the database.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller
TOKEN=$(get_token admin "$ADMIN_PW" admin)
[ -n "$TOKEN" ] || die "no admin token"

rows() {
	psql_q "SELECT (SELECT count(*) FROM projects) || '/' ||
	    (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM roles)"
}
BEFORE=$(rows)

# bad STATUS DESCRIPTION METHOD PATH BODY
bad() {
	local want=$1 d=$2 m=$3 p=$4 b=$5
	api "$m" "$ID_URL$p" "$b"
	expect_fault "$want" "$d"
}

bad 400 "malformed JSON" POST /v3/projects '{"project":{"name":"x"'
check "malformed JSON message says where" grep -q "line 1, column" <<<"$BODY"
bad 400 "body is a list" POST /v3/projects '[1,2]'
bad 400 "empty body" POST /v3/projects ''
bad 400 "missing project object" POST /v3/projects '{"name":"x"}'
bad 400 "missing name" POST /v3/projects '{"project":{"description":"d"}}'
bad 400 "name of the wrong type" POST /v3/projects '{"project":{"name":42}}'
bad 400 "enabled of the wrong type" POST /v3/projects '{"project":{"name":"x","enabled":"yes"}}'
bad 400 "unknown non-string field" POST /v3/projects '{"project":{"name":"x","quota":{"a":1}}}'
bad 400 "duplicate keys" POST /v3/projects '{"project":{"name":"x","name":"y"}}'
bad 400 "overlong name" POST /v3/projects "{\"project\":{\"name\":\"$(printf 'a%.0s' $(seq 65))\"}}"
check "overlong message gives the limit (Keystone's 64 for projects)" grep -q "at most 64" <<<"$BODY"
bad 400 "control character in name" POST /v3/projects '{"project":{"name":"a\u0001b"}}'
bad 400 "NUL in name" POST /v3/projects '{"project":{"name":"a\u0000b"}}'
bad 400 "unknown domain" POST /v3/projects '{"project":{"name":"x","domain_id":"other"}}'
bad 400 "tag with a slash" POST /v3/projects '{"project":{"name":"x","tags":["a/b"]}}'
bad 400 "user with unknown default project" POST /v3/users '{"user":{"name":"u1","default_project_id":"nope"}}'
bad 400 "password of the wrong type" POST /v3/users '{"user":{"name":"u1","password":12}}'
bad 400 "unknown field in a role" POST /v3/roles '{"role":{"name":"r","colour":"red"}}'

# Non-UTF-8 bytes in the body.
printf '{"project":{"name":"caf\xe9"}}' >"$T/latin1.json"
api POST "$ID_URL/v3/projects" "" --data-binary @"$T/latin1.json" -H 'Content-Type: application/json'
expect_fault 400 "non-UTF-8 body"

# A body over the 1 MiB limit: refused from its declared length.
head -c 1100000 /dev/zero | tr '\0' a >"$T/big"
api POST "$ID_URL/v3/projects" "" --data-binary @"$T/big" -H 'Content-Type: application/json'
expect_fault 413 "body over the size limit"
# The same, chunked (no Content-Length): refused as it passes the limit.
api POST "$ID_URL/v3/projects" "" --data-binary @"$T/big" -H 'Transfer-Encoding: chunked' -H 'Content-Type: application/json'
expect_fault 413 "chunked body over the size limit"

bad 400 "token request without password" POST /v3/auth/tokens '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin"}}}}}'
bad 401 "unsupported auth method" POST /v3/auth/tokens '{"auth":{"identity":{"methods":["totp"]}}}'
bad 400 "token request without auth" POST /v3/auth/tokens '{}'
bad 404 "unknown path" GET /v3/nothing ''
bad 405 "wrong method" DELETE /v3/projects ''

check "nothing was written by any refused request" test "$(rows)" = "$BEFORE"

# SQL metacharacters are stored as the characters they are.
NAME="x'); DROP TABLE users; --"
api POST "$ID_URL/v3/projects" "$(jq -nc --arg n "$NAME" '{project:{name:$n}}')"
expect 201 "a name with SQL metacharacters is just a name"
check "users table is still there" test -n "$(psql_q "SELECT count(*) FROM users")"
api GET "$ID_URL/v3/projects?name=$(jq -rn --arg n "$NAME" '$n|@uri')"
check "the name round-trips" test "$(jq -r '.projects[0].name' <<<"$BODY")" = "$NAME"
finish
