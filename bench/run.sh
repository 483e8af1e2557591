#!/usr/bin/env bash
# bench/run.sh BUILDDIR - `make bench`: request latency and throughput of
# the identity API on loopback, against a bare libmicrohttpd baseline.
#
# Builds bench/hello.c into BUILDDIR/bench/hello, starts it, a private
# PostgreSQL and BUILDDIR/bin/gureum-controller (tests/lib/harness.sh does
# the starting and the clean-up by PID), then runs wrk for BENCH_TIME
# seconds (default 4) per row at concurrency 1 (latency) and 4
# (throughput): (a) hello, (b) token validation, (c) token issue, and two
# rows that split (b)'s cost: (a') a public controller GET with no
# database work, (b') the cheapest authenticated GET (the compute API's
# availability zones at microversion 2.60: the token check and the
# microversion's parsing, no query).
# Each row also counts the server threads that did the work (thr), and the
# report says how much CPU other programs took meanwhile, since that skews
# latencies on a 2-CPU machine. Passwords are hashed at the real cost: the
# harness's cheap test setting is undone unless the caller set
# GUREUM_PBKDF2_ITER. Needs wrk (Debian package wrk), curl and jq.

BUILDDIR=${1:?usage: bench/run.sh BUILDDIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_TIME=${BENCH_TIME:-4}
PEER_DIR=${PEER_DIR:-$ROOT/../shared/openstack-peer}
PEER_VALIDATE_MS=72	# OpenStack peer medians, from $PEER_DIR/NOTES.md
PEER_ISSUE_MS=297
GOAL_RATIO=1.3
GOAL_RSS_MIB=32

caller_iter=${GUREUM_PBKDF2_ITER-unset}
export GUREUM_BIN=$BUILDDIR/bin
. "$ROOT/tests/lib/harness.sh"
if [ "$caller_iter" = unset ]; then
	unset GUREUM_PBKDF2_ITER
else
	export GUREUM_PBKDF2_ITER=$caller_iter
fi
unset GUREUM_DEBUG

command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
[ -x "$GUREUM_BIN/gureum-controller" ] || die "no $GUREUM_BIN/gureum-controller"

# ---- helpers ----

rss_mib() {
	awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# PostgreSQL's postmaster and backends, proportional set size in MiB (PSS
# shares the buffer pool fairly between them; RSS would count it N times).
pg_pss_mib() {
	local pm pids
	pm=$(head -1 "$T/pg/data/postmaster.pid")
	pids="$pm $(pgrep -P "$pm" | tr '\n' ' ')"
	for p in $pids; do
		cat "/proc/$p/smaps_rollup" 2>/dev/null
	done | awk '/^Pss:/ { s += $2 } END { printf "%.1f", s / 1024 }'
}

# thread_ticks PID: "TID TICKS" for each thread (user + system, 1/100 s).
thread_ticks() {
	local t
	for t in /proc/"$1"/task/*; do
		awk -v t="${t##*/}" '{ sub(/^.*\) /, "")
		    print t, $12 + $13 }' "$t/stat" 2>/dev/null
	done
}

# busy_threads BEFORE AFTER: how many threads used at least 10% of one CPU
# between two thread_ticks snapshots taken BENCH_TIME seconds apart.
busy_threads() {
	awk -v min="$BENCH_TIME" 'NR == FNR { b[$1] = $2; next }
	    $2 - b[$1] >= min * 10 { n++ } END { print n + 0 }' \
	    <(echo "$1") <(echo "$2")
}

ROWS=()
# measure KEY LABEL CONC PID URL [wrk args...]: one wrk run against the
# server PID; remembers the result as R_<KEY>_<CONC> = "reqs/s mean_ms
# p50_ms p99_ms errors busy_threads".
measure() {
	local key=$1 label=$2 conc=$3 pid=$4 url=$5 out line row before after
	shift 5
	before=$(thread_ticks "$pid")
	out=$(wrk -t1 -c"$conc" -d"${BENCH_TIME}s" --timeout 10s \
	    -s "$ROOT/bench/report.lua" "$@" "$url" 2>&1)
	after=$(thread_ticks "$pid")
	line=$(grep '^RESULT ' <<<"$out") || {
		echo "$out"; die "wrk gave no result for $label"; }
	row=$(awk '{
		for (i = 2; i <= NF; i++) {
			split($i, kv, "="); v[kv[1]] = kv[2]
		}
		printf "%.0f %.3f %.3f %.3f %d", v["requests"] / v["seconds"],
		    v["mean_us"] / 1e3, v["p50_us"] / 1e3, v["p99_us"] / 1e3,
		    v["errors"]
	}' <<<"$line")
	row="$row $(busy_threads "$before" "$after")"
	printf -v "R_${key}_${conc}" '%s' "$row"
	ROWS+=("$label|$conc|$row")
	echo "# $label, concurrency $conc: $row" >&2
}

# field KEY CONC N: the Nth number of a remembered result (1 = req/s).
field() {
	local v="R_$1_$2"
	awk -v n="$3" '{ print $n }' <<<"${!v}"
}

# busy_ticks: clock ticks all CPUs spent in processes since boot (user,
# nice, system) or taken by the hypervisor (steal).
busy_ticks() {
	awk 'NR == 1 { print $2 + $3 + $4 + $9 }' /proc/stat
}

# pid_ticks PID...: "PID TICKS" (user + system) for each live process.
pid_ticks() {
	local p
	for p in "$@"; do
		awk -v p="$p" '{ sub(/^.*\) /, ""); print p, $12 + $13 }' \
		    "/proc/$p/stat" 2>/dev/null
	done
}

# child_ticks VAR: sets VAR to the ticks this shell's finished children
# (wrk, curl...) used. `times` must run in this shell, not a subshell.
child_ticks() {
	times >"$T/times"
	printf -v "$1" '%s' "$(awk 'NR == 2 {
		for (i = 1; i <= 2; i++) {
			split($i, t, /[ms]/); s += t[1] * 60 + t[2]
		}
		printf "%.0f", s * 100
	}' "$T/times")"
}

# our_pids: the processes this benchmark started and still runs.
our_pids() {
	local pm
	pm=$(head -1 "$T/pg/data/postmaster.pid")
	echo "$HELLO_PID $controller_PID $pm $(pgrep -P "$pm" | tr '\n' ' ')"
}

# load_mark, then other_load: sets OTHER_BUSY to the share of the CPUs
# that programs other than ours used in between, in percent.
load_mark() {
	MARK_T=$(date +%s.%N)
	MARK_BUSY=$(busy_ticks)
	child_ticks MARK_CHILD
	MARK_PIDS=$(pid_ticks $(our_pids))
}
other_load() {
	local now busy child
	now=$(date +%s.%N)
	busy=$(busy_ticks)
	child_ticks child
	OTHER_BUSY=$(awk -v t0="$MARK_T" -v t1="$now" -v b0="$MARK_BUSY" \
	    -v b1="$busy" -v c0="$MARK_CHILD" -v c1="$child" \
	    -v cpus="$(nproc)" '
	    NR == FNR { start[$1] = $2; next }
	    { ours += $2 - start[$1] }
	    END {
		other = (b1 - b0) - (c1 - c0) - ours
		if (other < 0) other = 0
		printf "%.0f", 100 * other / ((t1 - t0) * 100 * cpus)
	    }' <(echo "$MARK_PIDS") <(pid_ticks $(our_pids)))
}

# ---- start ----

mkdir -p "$BUILDDIR/bench"
${CC:-cc} -O2 -g -std=gnu11 -Wall -Wextra -Werror \
    $(pkg-config --cflags libmicrohttpd) -o "$BUILDDIR/bench/hello" \
    "$ROOT/bench/hello.c" $(pkg-config --libs libmicrohttpd) -lpthread ||
    die "cannot build bench/hello.c"
"$BUILDDIR/bench/hello" 0 >"$T/hello.log" 2>&1 &
HELLO_PID=$!
PIDS+=($HELLO_PID)
wait_for 5 grep -q '^listening on' "$T/hello.log" ||
    die "hello did not come up: $(cat "$T/hello.log")"
HELLO_URL=http://$(awk '/^listening on/ { print $3 }' "$T/hello.log")/

start_pg
start_controller
IDLE_RSS=$(rss_mib "$controller_PID")
ADMIN=$(get_token admin "$ADMIN_PW" admin)
[ -n "$ADMIN" ] || die "no admin token: $BODY"
ITER=$(psql_q "SELECT split_part(password_hash, '\$', 2) FROM users WHERE
    name = 'admin'")
if [ -n "${GUREUM_PBKDF2_ITER:-}" ]; then
	ITER_SRC="from GUREUM_PBKDF2_ITER in the environment"
else
	ITER_SRC="the default, PW_ITER in common/gr_crypto.c"
fi

AUTH=(-H "X-Auth-Token: $ADMIN")
ISSUE_BODY=$T/issue.json
jq -nc --arg p "$ADMIN_PW" '{auth:{identity:{methods:["password"],
    password:{user:{name:"admin",domain:{name:"Default"},password:$p}}},
    scope:{project:{name:"admin",domain:{name:"Default"}}}}}' >"$ISSUE_BODY"

load_mark
echo "# warming up (each server thread opens its database connection)" >&2
wrk -t1 -c4 -d1s "${AUTH[@]}" -H "X-Subject-Token: $ADMIN" \
    "$ID_URL/v3/auth/tokens" >/dev/null 2>&1
wrk -t1 -c4 -d1s "$HELLO_URL" >/dev/null 2>&1

# ---- measure ----

VALIDATE=(-H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $ADMIN")
for c in 1 4; do
	measure hello "(a)  hello: bare MHD, GET /" "$c" "$HELLO_PID" \
	    "$HELLO_URL"
done
for c in 1 4; do
	measure version "(a') controller GET /v3 (public, no DB)" "$c" \
	    "$controller_PID" "$ID_URL/v3"
done
for c in 1 4; do
	measure authget "(b') GET /v2.1/os-availability-zone, 2.60" "$c" \
	    "$controller_PID" "$CP_URL/v2.1/os-availability-zone" "${AUTH[@]}" \
	    -H "OpenStack-API-Version: compute 2.60"
done
for c in 1 4; do
	measure validate "(b)  GET /v3/auth/tokens (validate)" "$c" \
	    "$controller_PID" "$ID_URL/v3/auth/tokens" "${VALIDATE[@]}"
done
for c in 1 4; do
	BENCH_METHOD=POST BENCH_BODY_FILE=$ISSUE_BODY measure issue \
	    "(c)  POST /v3/auth/tokens (password)" "$c" "$controller_PID" \
	    "$ID_URL/v3/auth/tokens" -H "Content-Type: application/json"
done
# The goal's ratio, measured in pairs: hello and (b') alternate, five
# rounds of 2 s each at concurrency 1, and the ratio is the median of the
# five rounds' p50 ratios, so that a slow minute of the machine weighs on
# both sides of a pair alike (the rows above are one run each).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
p50_of() {
	wrk -t1 -c1 -d2s -s "$ROOT/bench/report.lua" "$@" 2>&1 |
	    sed -n 's/^RESULT .*p50_us=\([0-9]*\).*/\1/p'
}
PAIRS=()
for round in 1 2 3 4 5; do
	h=$(p50_of "$HELLO_URL")
	a=$(p50_of "${AUTH[@]}" -H "OpenStack-API-Version: compute 2.60" \
	    "$CP_URL/v2.1/os-availability-zone")
	[ -n "$h" ] && [ -n "$a" ] || die "wrk gave no result in round $round"
	PAIRS+=("$(ratio "$a" "$h")")
done
PAIRED_RATIO=$(printf '%s\n' "${PAIRS[@]}" | sort -n | sed -n 3p)
other_load
LOAD_RSS=$(rss_mib "$controller_PID")
PG_PSS=$(pg_pss_mib)

# The peer's own script, for a like-for-like figure: one curl process and
# one new connection per request, 40 sequential requests.
PEER_LINE=
if [ -x "$PEER_DIR/identity-latency.sh" ]; then
	PEER_LINE=$("$PEER_DIR/identity-latency.sh" "$ID_URL/v3" admin \
	    "$ADMIN_PW" admin 40 2>&1)
fi

# ---- report ----

# verdict VALUE OP GOAL: "met" or "MISSED", OP being <= or <.
verdict() {
	awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN {
		print (op == "<=" ? v <= g : v < g) ? "met" : "MISSED" }'
}

echo
echo "Gureum bench: loopback, $(nproc) CPUs, wrk $(wrk -v 2>&1 | head -1 |
    awk '{ print $2 }') with one client thread and keep-alive," \
    "${BENCH_TIME} s per row"
echo "Controller: $GUREUM_BIN/gureum-controller, 4 server threads per API"
echo "PBKDF2-SHA256 iterations in force: $ITER ($ITER_SRC)"
echo "Other programs used ${OTHER_BUSY}% of the CPUs during the measurements"
echo
printf '%-46s %4s %8s %8s %8s %8s %4s %3s\n' measure conc 'req/s' \
    'mean ms' 'p50 ms' 'p99 ms' errs thr
for r in "${ROWS[@]}"; do
	IFS='|' read -r label conc vals <<<"$r"
	read -r rps mean p50 p99 err thr <<<"$vals"
	printf '%-46s %4s %8s %8s %8s %8s %4s %3s\n' "$label" "$conc" "$rps" \
	    "$mean" "$p50" "$p99" "$err" "$thr"
done
echo "(thr: server threads that used >= 10% of a CPU during the row)"
echo

# The goal is about an authenticated GET: the token check and the
# microversion's parsing plus a small answer (b'). Validation (b) also
# sends the 2 KiB service catalog back.
P50_RATIO=$(ratio "$(field authget 1 3)" "$(field hello 1 3)")
MEAN_RATIO=$(ratio "$(field authget 1 2)" "$(field hello 1 2)")
echo "Authenticated GET (b') / hello (a), latency at concurrency 1:" \
    "p50 ${PAIRED_RATIO}x, the median of five alternating pairs" \
    "(${PAIRS[*]}); in the rows above p50 ${P50_RATIO}x, mean ${MEAN_RATIO}x"
echo "  goal <= ${GOAL_RATIO}x on p50:" \
    "$(verdict "$PAIRED_RATIO" "<=" "$GOAL_RATIO")"
echo "  for comparison, p50 over hello: token validation with its catalog" \
    "(b) $(ratio "$(field validate 1 3)" "$(field hello 1 3)")x, public" \
    "GET /v3 (a') $(ratio "$(field version 1 3)" "$(field hello 1 3)")x"
echo "Token validation p50: $(field validate 1 3) ms here vs" \
    "${PEER_VALIDATE_MS} ms median for the OpenStack peer (NOTES.md):" \
    "$(ratio "$PEER_VALIDATE_MS" "$(field validate 1 3)")x faster"
echo "Token issue p50: $(field issue 1 3) ms here vs ${PEER_ISSUE_MS} ms" \
    "median for the OpenStack peer:" \
    "$(ratio "$PEER_ISSUE_MS" "$(field issue 1 3)")x faster"
if [ -n "$PEER_LINE" ]; then
	echo "  the peer's own identity-latency.sh against Gureum (a new curl" \
	    "and connection per request, as the peer was measured):"
	echo "  $PEER_LINE"
fi
echo "Controller RSS (VmRSS): idle ${IDLE_RSS} MiB, after the load" \
    "${LOAD_RSS} MiB"
echo "  goal: whole control plane < ${GOAL_RSS_MIB} MiB:" \
    "$(verdict "$LOAD_RSS" "<" "$GOAL_RSS_MIB") by the controller alone" \
    "(the other daemons are not started here: bench/network.sh sums" \
    "all four, the network agent included, in PSS)"
echo "  PostgreSQL, not counted: ${PG_PSS} MiB PSS over its processes"
if [ "$OTHER_BUSY" -ge 5 ]; then
	echo "WARNING: other programs were using the CPUs: the latencies" \
	    "above are noisy; run again on a quiet machine."
fi

errs=0
for r in "${ROWS[@]}"; do
	IFS='|' read -r _ _ vals <<<"$r"
	read -r _ _ _ _ err _ <<<"$vals"
	errs=$((errs + err))
done
[ "$errs" -eq 0 ] || die "$errs requests failed during the benchmark"
