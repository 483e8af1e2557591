#!/usr/bin/env bash
# The stock openstack CLI (Debian's python3-openstackclient) against the
# controller: token issue, catalog list, project/user/role management.
. "$(dirname "$0")/../lib/harness.sh"

command -v /usr/bin/openstack >/dev/null || die "python3-openstackclient is not installed (make deps)"
start_pg
start_controller

use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }

OUT=$(os token issue -f json)
check "openstack token issue" jqt '.id and .expires and .project_id' "$OUT"
OUT=$(os catalog list -f json)
check "openstack catalog list shows four services" \
    test "$(jq -c '[.[].Type] | sort' <<<"$OUT")" = '["compute","identity","image","network"]'
OUT=$(os project create demo -f json)
check "openstack project create demo" test "$(jq -r .name <<<"$OUT")" = demo
OUT=$(os user create --project demo --password x alice -f json)
check "openstack user create --project demo alice" test "$(jq -r .name <<<"$OUT")" = alice
# Debian's client exits 1 after a successful PUT here (a client bug seen
# against Keystone too); the assignment list is what tells.
os role add --project demo --user alice member
OUT=$(os role assignment list --project demo --user alice --names -f json)
check "openstack role add gave alice member on demo" \
    test "$(jq -r '.[0].Role' <<<"$OUT")" = member
OUT=$(os project list -f json)
check "openstack project list" test "$(jq -c '[.[].Name] | sort' <<<"$OUT")" = '["admin","demo"]'
OUT=$(OS_USERNAME=alice OS_PASSWORD=x OS_PROJECT_NAME=demo os token issue -f json)
check "alice can get a token for demo" test "$(jq -r .project_id <<<"$OUT")" = "$(os project show demo -f value -c id)"
OS_USERNAME=alice OS_PASSWORD=x OS_PROJECT_NAME=demo os project create nope >/dev/null
check "a member creating a project is refused with 403" grep -q "HTTP 403" "$T/os.err"
OS_PASSWORD=wrong os token issue >/dev/null
check "a wrong password is refused with 401" grep -q "HTTP 401" "$T/os.err"
os user delete alice && os project delete demo
check "openstack user/project delete" test "$(os project list -f value -c Name)" = admin
finish
