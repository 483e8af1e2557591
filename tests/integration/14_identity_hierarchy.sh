#!/usr/bin/env bash
# Identity v3 project hierarchy, as Keystone's: parent_id (the domain at
# the top), is_domain false, ?parents_as_list / ?parents_as_ids /
# ?subtree_as_list / ?subtree_as_ids on GET /v3/projects/{id}, the rules
# on creating (same domain, enabled branch, depth), updating (the parent
# stays; disable from the leaves up) and deleting (leaves only).
. "$(dirname "$0")/../lib/harness.sh"

start_pg
start_controller

ADMIN=$(get_token admin "$ADMIN_PW" admin)
TOKEN=$ADMIN
# mk NAME PARENT-ID [DOMAIN-ID]: POST /v3/projects; sets NEWP (its id).
mk() {
	api POST "$ID_URL/v3/projects" "$(jq -nc --arg n "$1" --arg p "$2" \
	    --arg d "${3:-default}" '{project:{name:$n,parent_id:$p,domain_id:$d}}')"
	NEWP=$(jq -r '.project.id // empty' <<<"$BODY")
}
count() { psql_q "SELECT count(*) FROM projects"; }

mk a default
expect 201 "a top-level project a, parent the domain"
A=$NEWP
check "...parent_id is the domain, is_domain false" \
    jqt '.project.parent_id == "default" and .project.is_domain == false'
mk b "$A"
expect 201 "b under a"
B=$NEWP
check "...parent_id a" jqt ".project.parent_id == \"$A\" and .project.domain_id == \"default\""
mk c "$B"
expect 201 "c under b: three levels"
C=$NEWP
mk c2 "$B"
D=$NEWP
mk e "$C"
E=$NEWP
check "e under c: four levels" test -n "$E"
mk f "$E"
expect 201 "f under e: five levels, Keystone's deepest"
F=$NEWP
N=$(count)
mk g "$F"
expect_fault 403 "a sixth level"
check "...Keystone's sentence" grep -q "Max hierarchy depth reached" <<<"$BODY"
mk x nosuch
expect_fault 400 "a parent that does not exist"
api POST "$ID_URL/v3/domains" '{"domain":{"name":"d1"}}'
D1=$(jq -r .domain.id <<<"$BODY")
mk x "$A" "$D1"
expect_fault 400 "a parent in another domain"
check "...Keystone's sentence" grep -q "specifies a parent in a different domain" <<<"$BODY"
mk x "$D1"
expect_fault 400 "the parent another domain than the project's"
mk top "$D1" "$D1"
expect 201 "parent_id the project's own domain: the top of d1"
check "...parent d1" jqt ".project.parent_id == \"$D1\" and .project.domain_id == \"$D1\""
api POST "$ID_URL/v3/projects" '{"project":{"name":"x","is_domain":true}}'
expect_fault 400 "is_domain true"
api POST "$ID_URL/v3/projects" '{"project":{"name":"x","parent_id":5}}'
expect_fault 400 "parent_id not a string"
check "...none of the refused made a project" test "$(count)" = "$((N + 1))"

# ---- GET with parents and subtree ----
api GET "$ID_URL/v3/projects/$C?parents_as_ids"
expect 200 "GET c?parents_as_ids"
check "...up to the domain, as Keystone nests them" \
    jqt ".project.parents == {\"$B\": {\"$A\": {\"default\": null}}}"
api GET "$ID_URL/v3/projects/$A?subtree_as_ids"
check "GET a?subtree_as_ids nests every level, leaves null" \
    jqt ".project.subtree == {\"$B\": {\"$C\": {\"$E\": {\"$F\": null}}, \"$D\": null}}"
api GET "$ID_URL/v3/projects/$F?subtree_as_ids"
check "...a leaf's subtree is null" jqt '.project | has("subtree") and .subtree == null'
api GET "$ID_URL/v3/projects/$A?parents_as_ids"
check "...a top project's parents: the domain" jqt '.project.parents == {"default": null}'
api GET "$ID_URL/v3/projects/$C?parents_as_list&subtree_as_list"
check "the lists hold only projects the caller has a role on (none yet)" \
    jqt '.project.parents == [] and .project.subtree == []'
api GET "$ID_URL/v3/roles?name=reader"
READER=$(jq -r '.roles[0].id' <<<"$BODY")
ADMIN_ID=$(psql_q "SELECT id FROM users WHERE name = 'admin'")
for p in "$A" "$E"; do
	api PUT "$ID_URL/v3/projects/$p/users/$ADMIN_ID/roles/$READER"
done
api GET "$ID_URL/v3/projects/$C?parents_as_list&subtree_as_list"
check "...then a as parent and e in the subtree, as projects" \
    jqt "[.project.parents[].id] == [\"$A\"] and [.project.subtree[].id] == [\"$E\"]
    and .project.subtree[0].parent_id == \"$C\" and .project.parents[0].links.self"
api GET "$ID_URL/v3/projects/$C?parents_as_list&parents_as_ids"
expect_fault 400 "parents_as_list with parents_as_ids"
api GET "$ID_URL/v3/projects/$C?subtree_as_list&subtree_as_ids"
expect_fault 400 "subtree_as_list with subtree_as_ids"
api GET "$ID_URL/v3/projects?parent_id=$B"
check "GET /v3/projects?parent_id=b lists b's children" \
    test "$(jq -c '[.projects[].name] | sort' <<<"$BODY")" = '["c","c2"]'
api GET "$ID_URL/v3/projects?parent_id=default&name=a"
check "...?parent_id=default the top ones" \
    test "$(jq -c '[.projects[].id]' <<<"$BODY")" = "[\"$A\"]"

# ---- updates ----
api PATCH "$ID_URL/v3/projects/$C" "{\"project\":{\"parent_id\":\"$A\"}}"
expect_fault 403 "moving c under a"
check "...Keystone's sentence" grep -q 'Update of `parent_id` is not allowed' <<<"$BODY"
api PATCH "$ID_URL/v3/projects/$C" "{\"project\":{\"parent_id\":\"$B\",\"description\":\"c\"}}"
expect 200 "a PATCH naming c's own parent"
api PATCH "$ID_URL/v3/projects/$A" '{"project":{"parent_id":"default"}}'
expect 200 "...and a's, the domain"
api PATCH "$ID_URL/v3/projects/$C" '{"project":{"is_domain":true}}'
expect_fault 400 "is_domain true on update"
api PATCH "$ID_URL/v3/projects/$B" '{"project":{"enabled":false}}'
expect_fault 403 "disabling b while c, c2, e, f are enabled"
check "...b is still enabled" test "$(psql_q "SELECT enabled FROM projects WHERE id = '$B'")" = t
for p in "$F" "$E" "$C" "$D" "$B"; do
	api PATCH "$ID_URL/v3/projects/$p" '{"project":{"enabled":false}}'
done
expect 200 "disabling from the leaves up to b"
mk x "$C"
expect_fault 400 "a project in a disabled branch"
api PATCH "$ID_URL/v3/projects/$C" '{"project":{"enabled":true}}'
expect_fault 403 "enabling c under the disabled b"
api PATCH "$ID_URL/v3/projects/$B" '{"project":{"enabled":true}}'
expect 200 "enabling b"
api PATCH "$ID_URL/v3/projects/$C" '{"project":{"enabled":true}}'
expect 200 "...then c"

# ---- deletes ----
api DELETE "$ID_URL/v3/projects/$B"
expect_fault 403 "deleting b, which has children"
check "...Keystone's sentence" grep -q "is not a leaf in the hierarchy" <<<"$BODY"
check "...nothing deleted" test "$(count)" = "$((N + 1))"
api DELETE "$ID_URL/v3/projects/$F"
expect 204 "deleting the leaf f"
api DELETE "$ID_URL/v3/projects/$F"
expect_fault 404 "...twice"
api PATCH "$ID_URL/v3/domains/$D1" '{"domain":{"enabled":false}}'
api DELETE "$ID_URL/v3/domains/$D1"
expect 204 "deleting d1 with its project top"

# ---- the stock CLI ----
use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
os domain create d2 >/dev/null
OUT=$(os project create --domain d2 p1 -f json)
check "openstack project create --domain d2 p1" jqt '.is_domain == false' "$OUT"
P1=$(jq -r .id <<<"$OUT")
OUT=$(os project create --domain d2 --parent p1 p2 -f json)
check "openstack project create --domain d2 --parent p1 p2" \
    jqt ".parent_id == \"$P1\"" "$OUT"
P2=$(jq -r .id <<<"$OUT")
OUT=$(os project create --domain d2 --parent p2 p3 -f json)
check "...and p3 under p2: three levels" jqt ".parent_id == \"$P2\"" "$OUT"
OUT=$(os project show --domain d2 p2 -f json)
check "openstack project show p2" jqt ".parent_id == \"$P1\" and .domain_id" "$OUT"
os project create --domain default --parent "$P1" px >/dev/null
check "openstack project create with a parent in another domain fails (400)" \
    grep -q "HTTP 400" "$T/os.err"
os project delete --domain d2 p1
check "openstack project delete of a parent fails (403)" grep -q "HTTP 403" "$T/os.err"
finish
