#!/usr/bin/env bash
# The compute port's version documents as Nova (Debian 12's Nova 26)
# lists them: GET / has v2.0 (SUPPORTED, no microversions) and v2.1
# (CURRENT, its version and min_version), each with its self link;
# GET /v2.1/ is v2.1's own document with describedby and media-types, and
# /v2 v2.0's. The stock client's `versions show` reads them.
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller

api GET "$CP_URL/"
expect 200 "GET / on the compute port"
check "the list is Nova's: v2.0 SUPPORTED, v2.1 CURRENT" \
    test "$(jq -c . <<<"$BODY")" = '{"versions":[{"id":"v2.0","status":"SUPPORTED","version":"","min_version":"","updated":"2011-01-21T11:33:21Z","links":[{"rel":"self","href":"'"$CP_URL"'/v2/"}]},{"id":"v2.1","status":"CURRENT","version":"2.60","min_version":"2.1","updated":"2013-07-23T11:33:21Z","links":[{"rel":"self","href":"'"$CP_URL"'/v2.1/"}]}]}'
V21='{"version":{"id":"v2.1","status":"CURRENT","version":"2.60","min_version":"2.1","updated":"2013-07-23T11:33:21Z","links":[{"rel":"self","href":"'"$CP_URL"'/v2.1/"},{"rel":"describedby","type":"text/html","href":"http://docs.openstack.org/"}],"media-types":[{"base":"application/json","type":"application/vnd.openstack.compute+json;version=2.1"}]}}'
for path in /v2.1 /v2.1/; do
	api GET "$CP_URL$path"
	check "GET $path: v2.1's own document" test "$(jq -c . <<<"$BODY")" = "$V21"
done
api GET "$CP_URL/v2"
check "GET /v2: v2.0's document" \
    jqt '.version | .id == "v2.0" and .status == "SUPPORTED" and .links[0].href == "'"$CP_URL"'/v2/" and .["media-types"][0].type == "application/vnd.openstack.compute+json;version=2"'

use_openstack_cli
OUT=$(/usr/bin/openstack versions show --service compute -f json 2>"$T/os.err")
check "openstack versions show --service compute: 2.0 SUPPORTED; 2.1 CURRENT, 2.1 to 2.60" \
    jqt 'map({(.Version): [.Status, ."Min Microversion", ."Max Microversion"]}) | add == {"2.0": ["SUPPORTED", null, null], "2.1": ["CURRENT", "2.1", "2.60"]}' "$OUT"
[ -s "$T/os.err" ] && say "versions show: $(head -c 300 "$T/os.err")"
finish
