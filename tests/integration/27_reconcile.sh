#!/usr/bin/env bash
# The task state machine converges: an instance left building by a
# controller or agent that died goes to ERROR with a fault after
# build_timeout, and its claim is freed; a task that got no report is
# cleared after task_timeout. (The rows are left the way a crash mid-build
# leaves them.)
. "$(dirname "$0")/../lib/harness.sh"

start_pg
CONTROLLER_EXTRA=$'build_timeout = 5\ntask_timeout = 5\nreconcile_interval = 1' start_controller
psql_q "INSERT INTO compute_nodes (host, host_ip, pcpus, memory_mb, disk_gb) VALUES ('n1', '10.0.0.1', 2, 2048, 10)" >/dev/null
psql_q "INSERT INTO instances (id, name, project_id, user_id, flavor_id, flavor, host, task_state, updated_at)
    VALUES ('11111111-1111-4111-8111-111111111111', 'stuck', 'p', 'u', 'f', '{}', 'n1', 'spawning', now() - interval '10 seconds'),
           ('22222222-2222-4222-8222-222222222222', 'fresh', 'p', 'u', 'f', '{}', 'n1', 'spawning', now())" >/dev/null
psql_q "INSERT INTO allocations (instance_id, host, vcpus, memory_mb, disk_gb, thin) VALUES
    ('11111111-1111-4111-8111-111111111111', 'n1', 1, 128, 1, true)" >/dev/null
psql_q "INSERT INTO instances (id, name, project_id, user_id, flavor_id, flavor, host, vm_state, task_state, updated_at)
    VALUES ('33333333-3333-4333-8333-333333333333', 'stopping', 'p', 'u', 'f', '{}', 'n1', 'active', 'powering-off', now() - interval '10 seconds')" >/dev/null
psql_q "INSERT INTO instance_actions (instance_id, action, request_id, user_id, project_id) VALUES
    ('11111111-1111-4111-8111-111111111111', 'create', 'req-1', 'u', 'p'),
    ('33333333-3333-4333-8333-333333333333', 'stop', 'req-3', 'u', 'p')" >/dev/null

errored() { test "$(psql_q "SELECT vm_state FROM instances WHERE name = 'stuck'")" = error; }
check "an instance stuck in building goes to ERROR" wait_for 5 errored
check "with a fault that says why" \
    grep -q "did not finish building within 5 s" <<<"$(psql_q "SELECT fault->>'message' FROM instances WHERE name = 'stuck'")"
check "and its claim is freed" test "$(psql_q "SELECT count(*) FROM allocations")" = 0
check "a fresh build is left alone" test "$(psql_q "SELECT vm_state FROM instances WHERE name = 'fresh'")" = building
cleared() { test -z "$(psql_q "SELECT task_state FROM instances WHERE name = 'stopping'")"; }
check "a task with no report is cleared" wait_for 5 cleared
check "without changing the vm_state" test "$(psql_q "SELECT vm_state FROM instances WHERE name = 'stopping'")" = active
check "the open actions of both end with the timeout as their message" \
    test "$(psql_q "SELECT count(*) FROM instance_actions WHERE finish_time IS NOT NULL AND message LIKE 'No report came from the node within 5 s.'")" = 2
finish
