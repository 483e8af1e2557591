#!/usr/bin/env bash
# The instances page with 200 servers in Debian's Chromium
# (tests/browser/many.test.mjs through node --test): the project of
# tests/lib/many.sh (servers made through the compute API on a cloud with
# no compute agent, then set ACTIVE, SHUTOFF or left in ERROR by a
# fixture), every row shown with its address, flavor and image names;
# the opening's calls (the list and the names, once each), a tick that is
# one call with changes-since, and a server deleted through the API gone
# from the table in one tick. No timing is checked: bench/web.sh times it.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/many.sh"
ROWS=200

start_api_cloud
many_servers "$ROWS"
api GET "$CP_URL/v2.1/servers/detail"
check "the project lists its $ROWS servers" \
    jqt "(.servers | length) == $ROWS"
check "each has an address, a flavor and an image" jqt \
    'all(.servers[]; (.addresses.private | length) == 1 and .flavor.id and .image.id)'
check "the fixture's states: ACTIVE, SHUTOFF, and ERROR with its fault" jqt \
    '([.servers[].status] | unique) == ["ACTIVE", "ERROR", "SHUTOFF"] and
    all(.servers[] | select(.status == "ERROR"); .fault.message | test("No valid host"))'
ONE=$(jq -r '.servers[0] | "\(.id) \(.addresses.private[0].addr)"' <<<"$BODY")
api GET "$CP_URL/v2.1/servers?ip=${ONE#* }%24"
check "?ip= (a regular expression from the start) finds the server with that address" \
    jqt "[.servers[].id] == [\"${ONE%% *}\"]"
GONE=$(psql_q "SELECT id FROM instances WHERE name = 'test-1'")

. "$(dirname "$0")/../lib/browser.sh"
browser_start
GUREUM_WEB_URL=$WEB_URL GUREUM_PROJECT=$MANY_PROJECT_NAME \
    GUREUM_USER=$MANY_USER GUREUM_PASSWORD=pw GUREUM_TOKEN=$MANY_TOKEN \
    GUREUM_ROWS=$ROWS GUREUM_DELETE_ID=$GONE \
    browser_run 300 5 "$BROWSER/many.test.mjs"
finish
