#!/usr/bin/env bash
# bench/sched.sh BUILDDIR - scheduler throughput: placement decisions per
# second with 10 and with 1,000 registered (simulated) nodes, by one client
# and by two at once. Goal: >= 500 decisions/s at 1,000 nodes, and at most
# 3x slower than at 10.
#
# A decision is one sched_place() call of the controller's own code (node
# query, filters, weigher, and the claim's transaction under the node's
# row lock) on a private PostgreSQL; BUILDDIR/bench/sched_bench (Makefile)
# links the controller's modules and sets up the simulated cloud, see
# bench/sched_bench.c. Every node already holds SCHED_LOAD instances
# (default 10); each run places SCHED_DECISIONS instances (default 1000)
# and keeps the claims, as a burst of boots would. Each figure is the
# median of SCHED_RUNS runs (default 5), each on a cloud set up afresh.
set -uo pipefail
BUILD=${1:?usage: bench/sched.sh BUILDDIR}
DECISIONS=${SCHED_DECISIONS:-1000}
LOAD=${SCHED_LOAD:-10}
RUNS=${SCHED_RUNS:-5}
GOAL_RATE=500
GOAL_RATIO=3
export GUREUM_BIN=$BUILD/bin
. "$(dirname "$0")/../tests/lib/harness.sh"
DRIVER=$BUILD/bench/sched_bench
[ -x "$DRIVER" ] || die "no $DRIVER (make $DRIVER)"

# ticks: CPU ticks all CPUs spent busy (user, nice, system, steal).
ticks() { awk 'NR == 1 { print $2 + $3 + $4 + $9 }' /proc/stat; }
# pg_ticks: PostgreSQL's ticks, its exited backends included (cutime).
pg_ticks() {
	local pm p
	pm=$(head -1 "$T/pg/data/postmaster.pid")
	for p in $pm $(pgrep -P "$pm"); do
		awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' \
		    "/proc/$p/stat" 2>/dev/null
	done | awk '{ s += $1 } END { print s + 0 }'
}
# child_ticks: ticks of this shell's finished children (the driver).
child_ticks() {
	times >"$T/times"
	awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/)
	    s += t[1] * 60 + t[2] } printf "%.0f", s * 100 }' "$T/times"
}

start_pg
t0=$(date +%s.%N) b0=$(ticks) p0=$(pg_ticks) c0=$(child_ticks)
declare -A RATE P50 P99 HOSTS
CONFIGS="10.1 10.2 1000.1 1000.2"	# nodes.clients
# Runs take turns, so a burst of other load hits every row alike.
for _ in $(seq "$RUNS"); do
	for k in $CONFIGS; do
		"$DRIVER" "$PG_CONNINFO" "${k%.*}" "${k#*.}" "$DECISIONS" \
		    "$LOAD" >"$T/out" 2>&1 ||
		    die "sched_bench failed: $(tail -3 "$T/out")"
		sed -n 's/^RESULT //p' "$T/out" >>"$T/runs.$k"
	done
done
for k in $CONFIGS; do
	# The run with the median rate gives every figure of the row.
	row=$(awk '{ for (i = 1; i <= NF; i++) {
		split($i, kv, "="); v[kv[1]] = kv[2] }
		print v["per_s"], v["p50_us"], v["p99_us"], v["hosts"] }' \
	    "$T/runs.$k" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
	read -r r p50 p99 h <<<"$row"
	RATE[$k]=$r P50[$k]=$p50 P99[$k]=$p99 HOSTS[$k]=$h
	echo "# ${k%.*} nodes, ${k#*.} clients:" $(sed \
	    's/^.*per_s=\([0-9]*\).*/\1/' "$T/runs.$k") "decisions/s" >&2
done
t1=$(date +%s.%N) b1=$(ticks) p1=$(pg_ticks) c1=$(child_ticks)
OTHER=$(awk -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    -v busy=$((b1 - b0)) -v ours=$(( (p1 - p0) + (c1 - c0) )) \
    -v cpus="$(nproc)" 'BEGIN { o = busy - ours; if (o < 0) o = 0
    printf "%.0f", 100 * o / (t * 100 * cpus) }')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v ok="$1" 'BEGIN { print ok ? "met" : "MISSED" }'; }
R1=$(ratio "${RATE[10.1]}" "${RATE[1000.1]}")
cat <<OUT

== scheduler throughput ($(nproc) CPUs; PostgreSQL $(psql_q 'SHOW server_version'
    ) on a socket; medians of $RUNS runs)
  simulated nodes: 64 pCPUs, 256 GiB, 2 TB, $LOAD instances on each already
  a decision: sched_place() of 1 vCPU / 1 GiB / thin 10 GB, filter + weigh
  (spread) + claim; $DECISIONS decisions per run, claims kept
$(printf '  %-7s %7s %12s %8s %8s %6s' nodes clients decisions/s 'p50 ms' \
    'p99 ms' hosts)
OUT
for k in $CONFIGS; do
	printf '  %-7s %7s %12s %8.2f %8.2f %6s\n' "${k%.*}" "${k#*.}" \
	    "${RATE[$k]}" "$(awk -v u="${P50[$k]}" 'BEGIN { print u / 1000 }')" \
	    "$(awk -v u="${P99[$k]}" 'BEGIN { print u / 1000 }')" "${HOSTS[$k]}"
done
echo "  (hosts: nodes that got at least one of the run's claims)"
echo "  1,000 nodes, one client: ${RATE[1000.1]} decisions/s (goal >= $GOAL_RATE):" \
    "$(verdict "$(( RATE[1000.1] >= GOAL_RATE ))")"
echo "  10 -> 1,000 nodes: ${R1}x slower (goal <= ${GOAL_RATIO}x):" \
    "$(verdict "$(awk -v r="$R1" -v g="$GOAL_RATIO" 'BEGIN { print r <= g }')")"
echo "  two clients at once: $(ratio "${RATE[10.2]}" "${RATE[10.1]}")x one" \
    "client's rate at 10 nodes, $(ratio "${RATE[1000.2]}" "${RATE[1000.1]}")x" \
    "at 1,000"
echo "  (one client leaves a CPU idle while it waits for each statement;"
echo "  two keep both busy, which can more than double the rate)"
echo "  other programs used ${OTHER}% of the CPUs meanwhile"
if [ "$OTHER" -ge 5 ]; then
	echo "WARNING: other programs were using the CPUs: the figures above" \
	    "are noisy; run again on a quiet machine."
fi
