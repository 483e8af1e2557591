-- bench/report.lua - wrk script for bench/run.sh.
--
-- Sends the method and body named by the environment (BENCH_METHOD, default
-- GET; BENCH_BODY_FILE, the request body), and at the end prints one
-- machine-readable line that run.sh turns into its table:
--   RESULT requests=N seconds=S errors=E mean_us=M p50_us=P p99_us=Q max_us=X
-- errors counts connect/read/write/timeout failures and HTTP statuses >= 400.

wrk.method = os.getenv("BENCH_METHOD") or "GET"

local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
	local f = assert(io.open(body_file, "rb"))
	wrk.body = f:read("*a")
	f:close()
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
	    "RESULT requests=%d seconds=%.3f errors=%d mean_us=%.1f " ..
	    "p50_us=%d p99_us=%d max_us=%d\n",
	    summary.requests, summary.duration / 1e6,
	    e.connect + e.read + e.write + e.timeout + e.status,
	    latency.mean, latency:percentile(50), latency:percentile(99),
	    latency.max))
end
