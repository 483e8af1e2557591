#!/usr/bin/env bash
# The scheduler's shortcut (the best few nodes through the weigher's
# index, migration 0006) places every request where weighing every node
# would, or refuses it with the same reasons: bench/sched_bench.c's check
# on random clouds. The claimed_* columns the shortcut ranks by follow
# every claim and release. A short run of the throughput benchmark
# checks the driver `make bench` uses.
. "$(dirname "$0")/../lib/harness.sh"

DRIVER=$GUREUM_BIN/../bench/sched_bench
[ -x "$DRIVER" ] || die "no $DRIVER (make tests builds it)"
start_pg

OUT=$("$DRIVER" check "$PG_CONNINFO" 2>"$T/check.log")
echo "# $OUT"
check "the shortcut and the full weighing agree" grep -q '^ok ' <<<"$OUT"

# After the check's claims and releases, every node's columns still
# equal the sums over its allocations.
drift() {
	psql_q "SELECT count(*) FROM compute_nodes n LEFT JOIN (SELECT host,
	    sum(vcpus) v, sum(memory_mb) m, sum(disk_gb) FILTER (WHERE NOT thin)
	    k, sum(disk_gb) FILTER (WHERE thin) t FROM allocations GROUP BY
	    host) a ON a.host = n.host WHERE (n.claimed_vcpus,
	    n.claimed_memory_mb, n.claimed_thick_gb, n.claimed_thin_gb) IS
	    DISTINCT FROM (coalesce(a.v, 0), coalesce(a.m, 0), coalesce(a.k, 0),
	    coalesce(a.t, 0))"
}
check "claimed_* match the allocations after claims and releases" \
    test "$(drift)" = 0
psql_q "UPDATE allocations SET host = 'node01', vcpus = vcpus + 1
    WHERE instance_id IN (SELECT instance_id FROM allocations LIMIT 5)" >/dev/null
psql_q "DELETE FROM instances WHERE id IN (SELECT instance_id FROM
    allocations ORDER BY instance_id LIMIT 5)" >/dev/null
check "... after moves and cascaded deletes" test "$(drift)" = 0
psql_q "TRUNCATE allocations" >/dev/null
check "... after a truncate" test "$(drift)" = 0

OUT=$("$DRIVER" "$PG_CONNINFO" 10 2 100 2 2>"$T/bench.log")
echo "# $OUT"
check "the benchmark's driver places 100 with two clients" \
    grep -q '^RESULT nodes=10 clients=2 decisions=100 ' <<<"$OUT"
finish
