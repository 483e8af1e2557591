#!/usr/bin/env bash
# PostgreSQL restarts under the controller and the image service. Requests
# made while it is down may fail with 503; every request once it accepts
# connections again succeeds, on every worker thread (each holds its own
# connection). A connection lost in the middle of a transaction fails that
# request only, and its work is undone. The token cache listens again.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller
start_image
TOKEN=$(get_token admin "$ADMIN_PW" admin)
[ -n "$TOKEN" ] || die "no admin token"
ADMIN_PROJECT=$(psql_q "SELECT id FROM projects WHERE name = 'admin'")
AUTH=$(jq -nc --arg p "$ADMIN_PW" '{auth:{identity:{methods:["password"],
    password:{user:{name:"admin",domain:{name:"Default"},password:$p}}},
    scope:{project:{name:"admin",domain:{name:"Default"}}}}}')

# burst N: N token issues, N image listings and N flavor listings, all at
# once, so that every worker thread of each listener gets some. Prints
# "STATUS what" per request.
burst() (
	for _ in $(seq "$1"); do
		curl -s -o /dev/null -w '%{http_code} token\n' --data-binary "$AUTH" \
		    -H 'Content-Type: application/json' "$ID_URL/v3/auth/tokens" &
		curl -s -o /dev/null -w '%{http_code} images\n' \
		    -H "X-Auth-Token: $TOKEN" "$IMG_URL/v2/images" &
		curl -s -o /dev/null -w '%{http_code} flavors\n' \
		    -H "X-Auth-Token: $TOKEN" "$CP_URL/v2.1/flavors" &
	done
	wait
)

# all_ok FILE: every request in FILE succeeded; else prints the failures.
all_ok() {
	! grep -Ev '^(200|201) ' "$1" | sort | uniq -c | sed 's/^/# failed: /' |
	    grep .
}

burst 20 >"$T/warm"
check "60 requests before any restart succeed" all_ok "$T/warm"

# A restart while nobody asks: each thread's connection is dead, yet the
# first requests afterwards all succeed.
restart_pg
burst 20 >"$T/quiet"
check "60 requests right after a quiet restart all succeed" all_ok "$T/quiet"
burst 20 >"$T/quiet2"
check "and 60 more" all_ok "$T/quiet2"

# A restart under traffic. Each line is tagged with whether PostgreSQL was
# accepting connections again when its burst started.
traffic() {
	local when
	while [ ! -e "$T/stop" ]; do
		when=during
		[ -e "$T/back" ] && when=after
		burst 2 | sed "s/\$/ $when/"
	done
}
traffic >"$T/traffic" &
TRAFFIC=$!
wait_for 20 grep -q . "$T/traffic" || die "no traffic"
restart_pg
touch "$T/back"
wait_for 20 grep -q 'after$' "$T/traffic" || die "no traffic after the restart"
touch "$T/stop"
wait "$TRAFFIC"
grep 'during$' "$T/traffic" >"$T/during"
grep 'after$' "$T/traffic" >"$T/after"
echo "# during the restart: $(grep -c '^503 ' "$T/during") of" \
    "$(wc -l <"$T/during") requests failed with 503"
check "requests during the restart succeed or fail with 503 only" \
    test "$(grep -Evc '^(200|201|503) ' "$T/during")" = 0
check "requests started after it ($(wc -l <"$T/after")) all succeed" \
    all_ok "$T/after"
burst 20 >"$T/later"
check "20 token issues, image and flavor listings after it all succeed" \
    all_ok "$T/later"

# The token cache listens again: a token validated (and cached) after the
# restart and then revoked is refused at once, not when its entry expires.
USER_TOK=$(get_token admin "$ADMIN_PW" admin)
api GET "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $USER_TOK"
expect 200 "a new token validates"
TOKEN=$USER_TOK api GET "$IMG_URL/v2/images"
expect 200 "and lists images"
api DELETE "$ID_URL/v3/auth/tokens" "" -H "X-Subject-Token: $USER_TOK"
expect 204 "revoke it"
refused() { TOKEN=$USER_TOK api GET "$IMG_URL/v2/images"; [ "$STATUS" = 401 ]; }
check "the image service refuses it within seconds" wait_for 5 refused

# A connection lost mid-transaction. A session holds a SHARE lock on quotas,
# so the quota update waits inside its transaction, after its BEGIN, on its
# first INSERT; that backend is then terminated.
PGAPPNAME=locker psql -h "$T/pg/run" -U postgres -d gureum -q -c \
    "BEGIN; LOCK TABLE quotas IN SHARE MODE; SELECT pg_sleep(60); COMMIT;" \
    >/dev/null 2>&1 &
LOCKER=$!
locked() { test "$(psql_q "SELECT count(*) FROM pg_stat_activity WHERE
    application_name = 'locker' AND query LIKE '%pg_sleep%'")" = 1; }
wait_for 10 locked || die "the lock was not taken"
curl -s -o "$T/quota.body" -w '%{http_code}' -X PUT -H "X-Auth-Token: $TOKEN" \
    -H 'Content-Type: application/json' \
    --data-binary '{"quota_set":{"instances":7,"cores":9}}' \
    "$CP_URL/v2.1/os-quota-sets/$ADMIN_PROJECT" >"$T/quota.status" &
QUOTA=$!
WAITER_Q="SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'
    AND query LIKE 'INSERT INTO quotas%'"
waiting() { test -n "$(psql_q "$WAITER_Q")"; }
wait_for 10 waiting || die "the quota update does not wait on the lock"
psql_q "SELECT pg_terminate_backend(pid) FROM ($WAITER_Q) w" >/dev/null
wait "$QUOTA"
check "the update whose connection died mid-transaction fails with 503" \
    test "$(cat "$T/quota.status")" = 503
check "saying the connection was lost" \
    grep -q "connection was lost" "$T/quota.body"
psql_q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE
    application_name = 'locker'" >/dev/null
wait "$LOCKER"
check "none of its work was kept" test "$(psql_q "SELECT count(*) FROM quotas
    WHERE project_id = '$ADMIN_PROJECT'")" = 0
burst 20 >"$T/next"
check "the next 60 requests succeed" all_ok "$T/next"
api PUT "$CP_URL/v2.1/os-quota-sets/$ADMIN_PROJECT" \
    '{"quota_set":{"instances":7,"cores":9}}'
expect 200 "the same update again"
check "is stored" test "$(psql_q "SELECT string_agg(resource || '=' ||
    hard_limit, ',' ORDER BY resource) FROM quotas
    WHERE project_id = '$ADMIN_PROJECT'")" = "cores=9,instances=7"
finish
