# tests/lib/many.sh - a project with many servers for the web portal's
# benchmark (bench/web.sh) and check (tests/integration/19_web_many.sh),
# sourced after harness.sh, on a cloud with no compute agent.
#
# many_servers ROWS (ROWS >= 16; TOKEN an admin's): project "manyproj"
# with member "manyuser" (password "pw"), its quotas raised to fit; 3
# flavors, 2 public images (16 MiB qcow2), networks "private" and
# "storage" (a /22 each); then ROWS servers made through the compute API
# as a user would, in groups named web-N, app-N, worker-N, db-N, cache-N,
# batch-N, test-N and ci-N (NAME-b-N past the API's 32 a POST), each
# with a flavor, an image and a port on "private" (db and cache one on
# "storage" too), so every column of the page has its real content. With
# no node to take them, the scheduler sends them all to ERROR with its
# fault; a fixture then sets them in the database in the states of a
# working project: ACTIVE on a node "bench-node" (its agent absent), the
# batch ones SHUTOFF, the test ones left in ERROR with their fault.
# Sets MANY_PROJECT (its id), MANY_PROJECT_NAME, MANY_USER, MANY_TOKEN (the member's) and leaves
# TOKEN set to it.

many_servers() {
	local rows=$1 f i p u made=0 one two
	local -a flvs=() imgs=()
	MANY_USER=manyuser MANY_PROJECT_NAME=manyproj
	make_member "$MANY_USER" "$MANY_PROJECT_NAME"
	MANY_PROJECT=$MEMBER_PROJECT
	p=$MANY_PROJECT
	api PUT "$CP_URL/v2.1/os-quota-sets/$p" "{\"quota_set\":{\"instances\":$((rows + 10)),\"cores\":$((rows * 8)),\"ram\":$((rows * 16384))}}"
	[ "$STATUS" = 200 ] || die "could not raise the quotas: $STATUS $BODY"
	for f in "m1.small 1 2048 20" "m1.medium 2 4096 40" "m1.large 4 8192 80"; do
		# shellcheck disable=SC2086
		make_flavor $f
		flvs+=("$FLV")
	done
	qemu-img create -q -f qcow2 "$T/many.qcow2" 16M
	for i in debian-12-genericcloud alpine-3.20; do
		make_image "$i" '"visibility":"public"' "$T/many.qcow2"
		imgs+=("$IMG")
	done
	TOKEN=$(get_token "$MANY_USER" pw "$MANY_PROJECT_NAME")
	[ -n "$TOKEN" ] || die "no token for $MANY_USER"
	MANY_TOKEN=$TOKEN
	many_net private 10.0.0.0/22
	one="[{\"uuid\":\"$NETID\"}]"
	many_net storage 10.1.0.0/22
	two="${one%]},{\"uuid\":\"$NETID\"}]"

	# group NAME COUNT FLAVOR IMAGE NETWORKS (flavor and image by index)
	group() {
		local name=$1 count=$2 n
		while [ "$count" -gt 0 ]; do
			n=$((count > 32 ? 32 : count))
			api POST "$CP_URL/v2.1/servers" "$(jq -cn --arg n "$name" \
			    --arg i "${imgs[$4]}" --arg f "${flvs[$3]}" \
			    --argjson nets "$5" --argjson c "$n" '{server: {name: $n,
			    imageRef: $i, flavorRef: $f, networks: $nets,
			    min_count: $c, max_count: $c}}')"
			[ "$STATUS" = 202 ] || die "POST /servers ($name): $STATUS $BODY"
			count=$((count - n)) made=$((made + n))
			name=$name-b
		done
	}
	u=$((rows / 16))
	group web $((u * 3)) 0 0 "$one"
	group app $((u * 3)) 1 0 "$one"
	group worker $((u * 2)) 1 1 "$one"
	group db $((u * 2)) 2 0 "$two"
	group cache $((u * 2)) 0 1 "$two"
	group batch $((u * 2)) 1 0 "$one"
	group test "$u" 0 1 "$one"
	group ci $((rows - made)) 0 0 "$one"
	unset -f group

	[ "$(many_count "$p" true)" = "$rows" ] ||
	    die "not $rows servers: $(many_count "$p" true)"
	[ "$(many_count "$p" "vm_state = 'error'")" = "$rows" ] ||
	    die "the servers did not all end in ERROR (no node): $(psql_q \
	    "SELECT vm_state, count(*) FROM instances GROUP BY 1")"
	psql_q "UPDATE instances SET host = 'bench-node', task_state = NULL,
	    fault = NULL, launched_at = created_at + interval '20 s',
	    vm_state = CASE WHEN name LIKE 'batch-%' THEN 'stopped'
	    ELSE 'active' END,
	    power_state = CASE WHEN name LIKE 'batch-%' THEN 4 ELSE 1 END
	    WHERE project_id = '$p' AND name NOT LIKE 'test-%'" >/dev/null
	say "$rows servers: $(psql_q "SELECT string_agg(vm_state || ' ' || n,
	    ', ') FROM (SELECT vm_state, count(*) n FROM instances WHERE
	    project_id = '$p' GROUP BY 1 ORDER BY 1) s"), $(psql_q "SELECT
	    count(*) FROM ports WHERE project_id = '$p'") ports"
}

# many_net NAME CIDR: a network with one subnet (TOKEN's); sets NETID.
many_net() {
	api POST "$NET_URL/v2.0/networks" "{\"network\":{\"name\":\"$1\"}}"
	[ "$STATUS" = 201 ] || die "POST /networks: $STATUS $BODY"
	NETID=$(jq -r .network.id <<<"$BODY")
	api POST "$NET_URL/v2.0/subnets" "{\"subnet\":{\"network_id\":\"$NETID\",\"cidr\":\"$2\",\"ip_version\":4}}"
	[ "$STATUS" = 201 ] || die "POST /subnets: $STATUS $BODY"
}

# many_count PROJECT CONDITION: how many of its servers (not deleted)
# meet the SQL condition.
many_count() {
	psql_q "SELECT count(*) FROM instances WHERE project_id = '$1' AND
	    NOT deleted AND $2"
}
