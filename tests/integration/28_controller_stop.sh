#!/usr/bin/env bash
# A controller stopped while one of its agent calls is under way waits for
# the call (it is counted) before it frees what the call uses, and exits
# cleanly under the sanitizers; the interrupted boot ends in ERROR with
# its reason, not stuck in BUILD.
. "$(dirname "$0")/../lib/harness.sh"

start_cloud
start_compute nodeQ "reserved_host_memory_mb = 256"
wait_node_up
make_image gureum-tiny '"visibility":"public"'
make_flavor m1.tiny 1 128 1

# The agent stops answering (SIGSTOP: its socket still accepts), so the
# controller's call to boot on it hangs until the call's timeout.
kill -STOP "$compute_PID"
api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"vm1\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\"}}"
expect 202 "the create is accepted while the node's agent is frozen"
ID=$(jq -r .server.id <<<"$BODY")
placed() { test "$(psql_q "SELECT host FROM instances WHERE id = '$ID'")" = nodeQ; }
check "the instance was placed on the frozen node" wait_for 10 placed

kill -TERM "$controller_PID"
waiting() { grep -q "waiting for 1 agent calls under way" "$T/controller.log"; }
check "the stopping controller waits for the call under way" wait_for 10 waiting
gone() { ! kill -0 "$controller_PID" 2>/dev/null; }
check "it exits once the call gave up (its 15 s timeout)" wait_for 40 gone
wait "$controller_PID"
check "...with status 0" test $? = 0
check "nothing was left under way" \
    bash -c "! grep -q 'still under way' '$T/controller.log'"
check "the boot's failure was recorded before the database closed" \
    test "$(psql_q "SELECT vm_state FROM instances WHERE id = '$ID'")" = error
FAULT=$(psql_q "SELECT fault::json->>'message' FROM instances WHERE id = '$ID'")
check "...with the reason in its fault" grep -q "nodeQ could not boot" <<<"$FAULT" ||
    echo "# fault: $FAULT"
kill -CONT "$compute_PID"
PIDS=("${PIDS[@]/$controller_PID}")
finish
