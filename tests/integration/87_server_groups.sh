#!/usr/bin/env bash
# Server groups (os-server-groups): the 2.1 documents and the refusals, who
# sees which group, the server_groups and server_group_members quotas, and
# the scheduler's policy filter on two real nodes (two agents on one
# libvirtd, TCG): three concurrent anti-affinity members end up on two
# different hosts and the third is refused naming the group; an affinity
# member follows the first where the spread weigher would not; the stock
# CLI creates, lists, shows and deletes groups and boots with --hint
# group=ID; an instance leaves its group when it is deleted; the soft
# policies (2.15) win over the weigher and refuse no host.
. "$(dirname "$0")/../lib/harness.sh"

start_cloud
# Both agents share one libvirtd, so neither may treat the other's
# domains as orphans.
NODE_CONF=$'reserved_host_memory_mb = 256\nshutdown_timeout = 0\nreconcile_interval = 0'
start_compute nodeA "$NODE_CONF"
start_compute nodeB "$NODE_CONF" compute2
wait_nodes_up 2 20
make_image tiny '"visibility":"public"'
make_flavor f.tiny 1 128 1
TINY=$FLV
ADMIN_TOKEN=$TOKEN
SG=$CP_URL/v2.1/os-server-groups

group() {	# NAME POLICY: POST a group; sets GID
	api POST "$SG" "{\"server_group\":{\"name\":\"$1\",\"policies\":[\"$2\"]}}"
	GID=$(jq -r .server_group.id <<<"$BODY")
}
srv() {		# NAME HINTS [FIELDS]: POST /servers with os:scheduler_hints
	api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"$1\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$TINY\"${3:+,$3}},\"os:scheduler_hints\":$2}"
}
uuid() { cat /proc/sys/kernel/random/uuid; }
status_of() { api GET "$CP_URL/v2.1/servers/$1"; jq -r .server.status <<<"$BODY"; }
host_of() { api GET "$CP_URL/v2.1/servers/$1"; jq -r '.server."OS-EXT-SRV-ATTR:host" // ""' <<<"$BODY"; }
fault() { api GET "$CP_URL/v2.1/servers/$1"; jq -r '(.server.fault.message // "") + " " + (.server.fault.details // "")' <<<"$BODY"; }
settled() { local s; s=$(status_of "$1"); [ "$s" = ACTIVE ] || [ "$s" = ERROR ]; }
all_settled() { local id; for id in "$@"; do settled "$id" || return 1; done; }
is_member() {	# INSTANCE: its row in server_group_members
	test "$(psql_q "SELECT count(*) FROM server_group_members WHERE instance_id = '$1'")" = 1
}

# ---- the API ----
group g-anti anti-affinity
expect 200 "create an anti-affinity group"
ANTI=$GID
check "the 2.1 document: exactly id, name, policies, members, metadata" \
    jqt '.server_group | keys == ["id","members","metadata","name","policies"] and
    .name == "g-anti" and .policies == ["anti-affinity"] and .members == [] and
    .metadata == {}'
api GET "$SG/$ANTI"
expect 200 "show it"
check "show answers the same document" \
    jqt ".server_group.id == \"$ANTI\" and .server_group.policies == [\"anti-affinity\"]"
api GET "$SG"
check "the list shows it" jqt "[.server_groups[].id] == [\"$ANTI\"]"

api POST "$SG" '{"server_group":{"name":"x","policies":["best-effort"]}}'
expect_fault 400 "an unknown policy"
check "the refusal names the allowed policies" grep -q "'affinity' and 'anti-affinity'" <<<"$BODY"
api POST "$SG" '{"server_group":{"name":"x","policies":["affinity","anti-affinity"]}}'
expect_fault 400 "two policies"
api POST "$SG" '{"server_group":{"name":"x","policies":"affinity"}}'
expect_fault 400 "policies that are not a list"
api POST "$SG" '{"server_group":{"policies":["affinity"]}}'
expect_fault 400 "a missing name"
api POST "$SG" '{"server_group":{"name":"a\u0001b","policies":["affinity"]}}'
expect_fault 400 "a control character in the name"
api POST "$SG" '{"server_group":{"name":" x","policies":["affinity"]}}'
expect_fault 400 "a leading space in the name"
api POST "$SG" '{"server_group":{"name":"x","policies":["affinity"],"rules":{}}}'
expect_fault 400 "rules (microversion 2.64)"
check "none of the refused groups was made" test "$(psql_q 'SELECT count(*) FROM server_groups')" = 1
api GET "$SG/not-a-uuid"
expect_fault 404 "show a malformed id"
api GET "$SG/$(uuid)"
expect_fault 404 "show an unknown group"
api DELETE "$SG/$(uuid)"
expect_fault 404 "delete an unknown group"

# ---- another project ----
make_member alice proj-a
MEMBER_TOKEN=$(get_token alice pw proj-a)
TOKEN=$MEMBER_TOKEN
api GET "$SG/$ANTI"
expect_fault 404 "another project's group is not found by a member"
api DELETE "$SG/$ANTI"
expect_fault 404 "nor can it be deleted"
api GET "$SG"
check "a member's list holds only its project's groups" jqt '.server_groups == []'
api GET "$SG?all_projects=True"
expect_fault 403 "all_projects is for admins"
group mine affinity
expect 200 "a member creates a group"
MINE=$GID
srv x "{\"group\":\"$ANTI\"}"
expect_fault 400 "booting into another project's group"
srv x "{\"group\":\"$(uuid)\"}"
expect_fault 400 "booting into an unknown group"
srv x '{"group":"not-a-uuid"}'
expect_fault 400 "a group hint that is not a UUID"
srv x '{"same_host":["x"]}'
expect_fault 400 "a scheduler hint that is not served"

TOKEN=$ADMIN_TOKEN
api PUT "$CP_URL/v2.1/os-quota-sets/$MEMBER_PROJECT" \
    '{"quota_set":{"server_groups":1,"server_group_members":1}}'
expect 200 "limit proj-a to one group of one member"
TOKEN=$MEMBER_TOKEN
group another affinity
expect_fault 403 "a second group passes the server_groups quota"
srv two "{\"group\":\"$MINE\"}" '"min_count":2,"max_count":2'
expect_fault 403 "two servers into a group of at most one pass server_group_members"
check "no refused request left an instance" test "$(psql_q 'SELECT count(*) FROM instances')" = 0
api GET "$CP_URL/v2.1/os-quota-sets/$MEMBER_PROJECT/detail"
check "quota detail counts the project's groups" jqt '.quota_set.server_groups.in_use == 1'
api GET "$CP_URL/v2.1/limits"
check "so does /limits" jqt '.limits.absolute.totalServerGroupsUsed == 1'

TOKEN=$ADMIN_TOKEN
api GET "$SG"
check "an admin's list holds its own project's groups" jqt "[.server_groups[].id] == [\"$ANTI\"]"
api GET "$SG?all_projects=True"
check "with all_projects=True, every project's" \
    jqt "[.server_groups[].id] | sort == ([\"$ANTI\", \"$MINE\"] | sort)"
api GET "$SG/$MINE"
expect 200 "an admin sees a member's group"

# ---- anti-affinity: twelve at once, two nodes ----
# Only two can be placed, so only two boot; the other ten race for the
# same two hosts, which is what the group's lock in the claim is for. The
# admin project's quotas are lifted so only the policy decides.
PROJECT=$(psql_q "SELECT id FROM projects WHERE name = 'admin'")
api PUT "$CP_URL/v2.1/os-quota-sets/$PROJECT" \
    '{"quota_set":{"instances":-1,"cores":-1,"ram":-1,"server_group_members":-1}}'
expect 200 "lift the admin project's quotas"
REQS=()
for i in $(seq 12); do
	( T=$T/a$i; mkdir -p "$T"
	  srv anti-$i "{\"group\":\"$ANTI\"}"
	  echo "$STATUS $(jq -r .server.id <<<"$BODY")" >"$T/out" ) &
	REQS+=($!)
done
wait "${REQS[@]}"
IDS=($(awk '$1 == 202 { print $2 }' "$T"/a*/out))
check "twelve concurrent creates into the anti-affinity group: 202" test "${#IDS[@]}" = 12
wait_for 180 all_settled "${IDS[@]}"
PLACED=() REFUSED=()
for id in "${IDS[@]}"; do
	case $(status_of "$id") in
	ACTIVE) PLACED+=("$id") ;;
	ERROR) REFUSED+=("$id") ;;
	esac
done
P0=${PLACED[0]:-none} P1=${PLACED[1]:-none} R=${REFUSED[0]:-none}
check "two of them are ACTIVE" test "${#PLACED[@]}" = 2
HOSTS="$(host_of "$P0") $(host_of "$P1")"
check "on two different hosts (got: $HOSTS)" \
    test "$HOSTS" = "nodeA nodeB" -o "$HOSTS" = "nodeB nodeA"
running() { test "$(virsh -c "$LIBVIRT_URI" domstate "instance-$1")" = running; }
both_running() { running "$P0" && running "$P1"; }
check "libvirt runs both" both_running
check "the ten others are refused" test "${#REFUSED[@]}" = 10
# refused_for_group ID: No valid host, because of the group on each node.
refused_for_group() {
	local f n
	f=$(fault "$1")
	grep -q "^No valid host was found" <<<"$f" || return 1
	for n in nodeA nodeB; do
		grep -q "$n: server group 'g-anti' (anti-affinity) already has a member on this host" <<<"$f" || return 1
	done
}
all_refused() { local id; for id in "${REFUSED[@]}"; do refused_for_group "$id" || return 1; done; }
check "with No valid host, naming the group on both nodes" all_refused ||
    echo "# e.g.: $(fault "$R")"
api GET "$SG/$ANTI"
check "all twelve are members (the refused ones too, as in Nova)" \
    jqt ".server_group.members | sort == ($(printf '%s\n' "${IDS[@]}" | jq -R . | jq -sc 'sort'))"
check "the claims hold one instance per node" \
    test "$(psql_q "SELECT string_agg(host || '=' || n, ' ' ORDER BY host) FROM (SELECT host, count(*) AS n FROM allocations GROUP BY host) a")" = "nodeA=1 nodeB=1"

# ---- affinity: the second member follows the first ----
group g-aff affinity
expect 200 "create an affinity group"
AFF=$GID
srv aff-1 "{\"group\":\"$AFF\"}"
expect 202 "the first affinity member"
A1=$(jq -r .server.id <<<"$BODY")
wait_for 120 settled "$A1"
check "is ACTIVE" test "$(status_of "$A1")" = ACTIVE
H1=$(host_of "$A1")
OTHER=$([ "$H1" = nodeA ] && echo nodeB || echo nodeA)
api GET "$CP_URL/v2.1/os-hypervisors/detail"
check "the weigher (spread) alone would now pick $OTHER: more free RAM" \
    jqt "(.hypervisors[] | select(.hypervisor_hostname == \"$OTHER\") | .free_ram_mb) >
    (.hypervisors[] | select(.hypervisor_hostname == \"$H1\") | .free_ram_mb)"

use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
OUT=$(os server create --flavor f.tiny --image tiny --hint group="$AFF" --wait aff-2 -f json)
check "openstack server create --hint group=ID reaches ACTIVE" jqt '.status == "ACTIVE"' "$OUT" ||
    cat "$T/os.err"
A2=$(jq -r .id <<<"$OUT")
check "on the first member's host, $H1" test "$(host_of "$A2")" = "$H1"
srv aff-3 "{\"group\":\"$AFF\"}" "\"availability_zone\":\"nova:$OTHER\""
A3=$(jq -r .server.id <<<"$BODY")
wait_for 10 settled "$A3"
check "an affinity member forced onto $OTHER is refused" test "$(status_of "$A3")" = ERROR
check "naming the group and where its members are" grep -q \
    "$OTHER: server group 'g-aff' (affinity) has its members on $H1" <<<"$(fault "$A3")"

# ---- the CLI ----
OUT=$(os server group create --policy anti-affinity cli-g -f json)
check "openstack server group create --policy anti-affinity" \
    jqt '.name == "cli-g" and .policies == ["anti-affinity"] and .members == []' "$OUT" ||
    cat "$T/os.err"
CLI_G=$(jq -r .id <<<"$OUT")
OUT=$(os server group list -f json)
check "openstack server group list" \
    jqt "[.[] | .Name] | sort == [\"cli-g\", \"g-aff\", \"g-anti\"]" "$OUT"
OUT=$(os server group show g-aff -f json)
check "openstack server group show (by name) lists the members" \
    jqt ".id == \"$AFF\" and (.members | sort) == ([\"$A1\", \"$A2\", \"$A3\"] | sort)" "$OUT"
os server group delete cli-g
check "openstack server group delete (by name)" \
    test "$(psql_q "SELECT count(*) FROM server_groups WHERE id = '$CLI_G'")" = 0
check "show of the deleted group fails" sh -c "! /usr/bin/openstack server group show cli-g >/dev/null 2>&1"

# ---- leaving: deleted instances, deleted groups ----
left() { ! is_member "$1"; }
check "the refused anti-affinity member is in the table" is_member "$R"
api DELETE "$CP_URL/v2.1/servers/$R"
expect 204 "delete it (it never reached a node)"
check "it left the group" left "$R"
check "a placed member is in the table" is_member "$P0"
api DELETE "$CP_URL/v2.1/servers/$P0"
check "deleted on its node, it leaves the group" wait_for 60 left "$P0"
api GET "$SG/$ANTI"
check "the group lists the ten left, without the two deleted" \
    jqt ".server_group.members | length == 10 and index(\"$P1\") != null and
    index(\"$P0\") == null and index(\"$R\") == null"
os server group delete g-aff
check "deleting a group with members: its member rows go" \
    test "$(psql_q "SELECT count(*) FROM server_group_members WHERE group_id = '$AFF'")" = 0
api GET "$CP_URL/v2.1/servers/$A1"
expect 200 "its instances stay"

# ---- soft policies (2.15): preferences over the weigher ----
# H1 holds the affinity members, so the spread weigher prefers $OTHER;
# the soft policies must win over it and refuse nothing.
soft() {	# NAME POLICY: a group at 2.15; sets GID
	api POST "$SG" "{\"server_group\":{\"name\":\"$1\",\"policies\":[\"$2\"]}}" \
	    -H "X-OpenStack-Nova-API-Version: 2.15"
	GID=$(jq -r .server_group.id <<<"$BODY")
}
placed() {	# NAME GROUP [FORCED HOST]: boots a member; sets SID
	srv "$1" "{\"group\":\"$2\"}" ${3:+"\"availability_zone\":\"nova:$3\""}
	SID=$(jq -r .server.id <<<"$BODY")
	wait_for 120 settled "$SID"
}
soft g-soft-aff soft-affinity
expect 200 "create a soft-affinity group at 2.15"
SAFF=$GID
placed saff-1 "$SAFF" "$H1"
placed saff-2 "$SAFF"
check "a soft-affinity member follows the first onto $H1 (spread alone: $OTHER)" \
    test "$(status_of "$SID") $(host_of "$SID")" = "ACTIVE $H1"
soft g-soft-anti soft-anti-affinity
SANTI=$GID
placed santi-1 "$SANTI" "$OTHER"
placed santi-2 "$SANTI"
check "a soft-anti-affinity member spreads to $H1 (spread alone: $OTHER)" \
    test "$(status_of "$SID") $(host_of "$SID")" = "ACTIVE $H1"
placed santi-3 "$SANTI"
check "a third soft-anti-affinity member is placed, not refused" \
    test "$(status_of "$SID")" = ACTIVE

# Leave nothing running.
TOKEN=$ADMIN_TOKEN
api GET "$CP_URL/v2.1/servers"
for id in $(jq -r '.servers[].id' <<<"$BODY"); do
	api DELETE "$CP_URL/v2.1/servers/$id"
done
none_left() { api GET "$CP_URL/v2.1/servers"; jqt '.servers == []'; }
check "every server is deleted" wait_for 60 none_left
no_domains() { test -z "$(virsh -c "$LIBVIRT_URI" list --all --name | grep instance-)"; }
check "and every domain is gone" wait_for 30 no_domains
finish
