#!/usr/bin/env bash
# Node agents and the schema: agents link no PostgreSQL client; an agent
# registers with signed heartbeats; a wrong cluster secret is refused;
# daemons other than the controller refuse to start on a database whose
# schema is older than theirs.
. "$(dirname "$0")/../lib/harness.sh"

# The agents never open the database: they carry neither libpq nor the
# migrations' SQL, only the schema number.
for b in gureum-network gureum-compute; do
	check "$b does not link libpq" \
	    test "$(ldd "$GUREUM_BIN/$b" | grep -c libpq)" = 0
	check "$b imports no PQ* function" \
	    test "$(nm -u "$GUREUM_BIN/$b" | grep -c ' PQ')" = 0
	check "$b holds no migration SQL" \
	    test "$(strings "$GUREUM_BIN/$b" | grep -c 'CREATE TABLE')" = 0
done

start_pg
start_controller

cat >"$T/net.conf" <<CONF
node_name = nodeA
node_ip = 127.0.0.1
controller_url = $INT_URL
cluster_secret_file = $T/secret
heartbeat_interval = 1
listen = 127.0.0.1:0
netns_dir = $T/netns
state_dir = $T/netstate
CONF
start_daemon netagent gureum-network "$T/net.conf"
agent_seen() { test "$(psql_q "SELECT count(*) FROM agents WHERE host = 'nodeA' AND kind = 'network'")" = 1; }
check "network agent registers" wait_for 10 agent_seen
T1=$(psql_q "SELECT last_seen FROM agents WHERE host = 'nodeA'")
beat_moved() { test "$(psql_q "SELECT last_seen FROM agents WHERE host = 'nodeA'")" != "$T1"; }
check "its heartbeats keep coming" wait_for 5 beat_moved
url_stored() { psql_q "SELECT agent_url FROM agents WHERE host = 'nodeA' AND kind = 'network'" | grep -q '^http://127.0.0.1:[0-9]\+$'; }
check "...with the URL of its own API as inventory" wait_for 5 url_stored

# A node given its own key (node_key_file) instead of the cluster secret:
# it registers; given another node's key, it is refused and says why.
node_key nodeK >"$T/nodeK.key"
sed "s/nodeA/nodeK/; s|^cluster_secret_file = .*|node_key_file = $T/nodeK.key|" \
    "$T/net.conf" >"$T/keyed.conf"
start_daemon keyed gureum-network "$T/keyed.conf"
keyed_seen() { test "$(psql_q "SELECT count(*) FROM agents WHERE host = 'nodeK'")" = 1; }
check "an agent holding only its node key registers" wait_for 10 keyed_seen
sed "s/nodeA/nodeJ/; s|^cluster_secret_file = .*|node_key_file = $T/nodeK.key|" \
    "$T/net.conf" >"$T/stolen.conf"
"$GUREUM_BIN/gureum-network" --config "$T/stolen.conf" >"$T/stolen.log" 2>&1 &
STOLEN=$!
PIDS+=($STOLEN)
stolen_gone() { ! kill -0 "$STOLEN" 2>/dev/null; }
check "nodeJ with nodeK's key is refused and gives up" wait_for 10 stolen_gone
check "...saying the signature does not match nodeJ's key" \
    grep -q "does not match node nodeJ's key" "$T/stolen.log"
check "...and nodeJ was not registered" test "$(psql_q "SELECT count(*) FROM agents WHERE host = 'nodeJ'")" = 0

# An agent beats at the controller's interval (1 s here), not at its own
# setting (30 s), since the controller judges liveness by its own.
sed "s/nodeA/nodeC/; s/^heartbeat_interval = .*/heartbeat_interval = 30/" \
    "$T/net.conf" >"$T/slow.conf"
start_daemon slowagent gureum-network "$T/slow.conf"
slow_seen() { test "$(psql_q "SELECT count(*) FROM agents WHERE host = 'nodeC'")" = 1; }
check "an agent set to beat every 30 s registers" wait_for 10 slow_seen
T2=$(psql_q "SELECT last_seen FROM agents WHERE host = 'nodeC'")
slow_moved() { test "$(psql_q "SELECT last_seen FROM agents WHERE host = 'nodeC'")" != "$T2"; }
check "...and beats again within 5 s, at the controller's interval" wait_for 5 slow_moved
check "...saying so in its log" grep -q "heartbeat every 1 s, as the controller asks" "$T/slowagent.log"

# The same agent with the wrong secret: refused, and it exits saying why.
echo "not-the-secret" >"$T/badsecret"
sed "s|$T/secret|$T/badsecret|; s/nodeA/nodeB/" "$T/net.conf" >"$T/bad.conf"
"$GUREUM_BIN/gureum-network" --config "$T/bad.conf" >"$T/bad.log" 2>&1 &
BADPID=$!
PIDS+=($BADPID)
gone() { ! kill -0 "$BADPID" 2>/dev/null; }
check "agent with a wrong secret gives up" wait_for 10 gone
check "it says the signature does not match" grep -q "signature does not match" "$T/bad.log"
check "and it was not registered" test "$(psql_q "SELECT count(*) FROM agents WHERE host = 'nodeB'")" = 0

# The agents' routes are on the internal listener only: not on the
# tenant port.
TOKEN= api POST "$CP_URL/internal/v1/agents/heartbeat" '{"host":"x","kind":"compute","host_ip":"1.2.3.4"}'
expect 404 "the tenant port does not serve the agents' heartbeat"
# Unsigned or tampered agent calls are 401 on the internal listener.
TOKEN= api POST "$INT_URL/internal/v1/agents/heartbeat" '{"host":"x","kind":"compute","host_ip":"1.2.3.4"}'
expect_fault 401 "unsigned heartbeat"

# A node speaks only for itself: nodeA's key cannot beat for nodeZ, list
# nodeZ's instances or report the state of an instance on nodeZ.
SIGN_NODE=nodeA signed_api POST "$INT_URL/internal/v1/agents/heartbeat" '{"host":"nodeZ","kind":"network","host_ip":"1.2.3.4"}'
expect_fault 403 "nodeA's key cannot send nodeZ's heartbeat"
check "...and nodeZ was not registered" test "$(psql_q "SELECT count(*) FROM agents WHERE host = 'nodeZ'")" = 0
SIGN_NODE=nodeA signed_api GET "$INT_URL/internal/v1/hosts/nodeZ/instances"
expect_fault 403 "nodeA's key cannot list nodeZ's instances"
INST=$(cat /proc/sys/kernel/random/uuid)
psql_q "INSERT INTO instances (id, name, project_id, user_id, flavor_id, flavor, host, vm_state) VALUES ('$INST', 'x', 'p', 'u', 'f', '{}', 'nodeZ', 'active')" >/dev/null
SIGN_NODE=nodeA signed_api POST "$INT_URL/internal/v1/instances/$INST/state" '{"vm_state":"stopped","power_state":4,"event":"stopped","host":"nodeA"}'
expect_fault 403 "nodeA's key cannot report for an instance on nodeZ"
SIGN_NODE=nodeZ signed_api POST "$INT_URL/internal/v1/instances/$INST/state" '{"vm_state":"stopped","power_state":4,"event":"stopped","host":"nodeA"}'
expect_fault 403 "nodeZ's key cannot report as nodeA"
check "...and the instance is still active" test "$(psql_q "SELECT vm_state FROM instances WHERE id = '$INST'")" = active
SIGN_NODE=nodeZ signed_api POST "$INT_URL/internal/v1/instances/$INST/state" '{"vm_state":"stopped","power_state":4,"event":"stopped","host":"nodeZ","colour":"red"}'
expect_fault 400 "an unknown report field is a 400"
SIGN_NODE=nodeZ signed_api POST "$INT_URL/internal/v1/instances/$INST/state" '{"vm_state":"sleeping","power_state":4,"event":"stopped","host":"nodeZ"}'
expect_fault 400 "an unknown vm_state is a 400"
SIGN_NODE=nodeZ signed_api POST "$INT_URL/internal/v1/instances/$INST/state" '{"vm_state":"stopped","power_state":4,"event":"stopped","host":"nodeZ"}'
expect 204 "nodeZ reports for its own instance"
check "...and the instance is stopped" test "$(psql_q "SELECT vm_state FROM instances WHERE id = '$INST'")" = stopped
# A node's signature does not stand in for a user's token.
SIGN_NODE=nodeZ signed_api GET "$CP_URL/v2.1/servers"
expect_fault 403 "a signed request on a user route is 403"

# A database at an older schema: the image service refuses to start.
runuser -u postgres -- /usr/bin/createdb -h "$T/pg/run" old 2>/dev/null ||
    createdb -h "$T/pg/run" -U postgres old
cat >"$T/image.conf" <<CONF
database = host=$T/pg/run port=5432 dbname=old user=postgres
listen = 127.0.0.1:$(free_port)
store_dir = $T/images
cluster_secret_file = $T/secret
CONF
"$GUREUM_BIN/gureum-image" --config "$T/image.conf" >"$T/image-old.log" 2>&1
RC=$?
check "image service exits non-zero on an old schema" test "$RC" = 1
check "and says which versions and what to do" \
    grep -q "schema is at version 0 but this program needs version [0-9]*: start (or upgrade) gureum-controller" "$T/image-old.log"

# On the controller's database it starts and serves its version document.
sed -i "s/dbname=old/dbname=gureum/" "$T/image.conf"
start_daemon image gureum-image "$T/image.conf"
IMG_URL=http://$(sed -n 's/^listen = //p' "$T/image.conf")
check "image service starts on the current schema" wait_for 10 curl -s -o /dev/null "$IMG_URL/"
TOKEN= api GET "$IMG_URL/"
check "image version document has a /v2/ self link" \
    jqt '.versions[0].links[0].href | endswith("/v2/")'

check "migrations are recorded" test "$(psql_q "SELECT count(*) FROM schema_migrations")" -ge 1
finish
