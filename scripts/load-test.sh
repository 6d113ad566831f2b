#!/usr/bin/env bash
# Load test on loopback: publishes Sizing (Release), starts it on 127.0.0.1, warms up, then drives POST /v1/estimates
# (and POST /v1/recommendations when the OpenAPI document lists it) with `wrk` (one thread) for a bounded time.
# Prints req/s, p50, p99, non-2xx/error counts and the server's RSS before and after each run.
#   DURATION=60s CONCURRENCY=8 LOG_LEVEL=Information PORT=5099 scripts/load-test.sh
# LOG_LEVEL sets Serilog's minimum level (the per-request log line is Information); the server's log goes to a file.
# Needs: wrk (Debian package `wrk`: apt-get install -y wrk), curl. wrk (C, epoll) rather than hey: on 2 shared cores the
# load generator's own CPU decides the result, and hey (Go) takes about a third of it.
set -euo pipefail

DURATION="${DURATION:-60s}"
WARMUP="${WARMUP:-10s}"
CONCURRENCY="${CONCURRENCY:-8}"
LOG_LEVEL="${LOG_LEVEL:-Information}"
PORT="${PORT:-5099}"
BASE="http://127.0.0.1:${PORT}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
SERVER_PID=""

cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }

dotnet publish "$ROOT/src/Api/Api.csproj" -c Release -p:UseAppHost=false -o "$WORK/app" --nologo -v quiet >/dev/null
(
    cd "$WORK/app"
    ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$BASE" Serilog__MinimumLevel__Default="$LOG_LEVEL" \
        exec dotnet Sizing.Api.dll >"$WORK/server.log" 2>&1
) &
SERVER_PID=$!

for _ in $(seq 1 100); do
    curl -fsS "$BASE/health/ready" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fsS "$BASE/health/ready" >/dev/null || { echo "server did not become ready" >&2; cat "$WORK/server.log" >&2; exit 1; }

rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo "?"; }

cat >"$WORK/estimate.json" <<'JSON'
{"model":"llama-3-70b","hardware":{"gpu":"h100-sxm-80gb","gpusPerNode":8},"parallelism":{"tensor":4},
 "precision":{"weights":"bf16"},"workload":{"inputTokens":2048,"outputTokens":256,"concurrency":64},"engine":"vllm"}
JSON
cat >"$WORK/recommendation.json" <<'JSON'
{"model":"llama-3-70b","hardware":{"gpus":["h100-sxm-80gb","a100-sxm-80gb"],"maxGpus":16},
 "workload":{"inputTokens":2048,"outputTokens":256,"requestsPerSecond":10},"slo":{"ttftMs":500,"tpotMs":50},"limit":5}
JSON

# wrk posts the body file and prints one RESULT line: requests, req/s, p50 ms, p99 ms, non-2xx responses, socket errors.
cat >"$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = io.open(os.getenv("BODY")):read("*a")
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT %d %.1f %.2f %.2f %d %d\n", summary.requests, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
LUA

run() {
    local name="$1" path="$2" body="$3"
    BODY="$body" wrk -t1 -c "$CONCURRENCY" -d "$WARMUP" -s "$WORK/post.lua" "$BASE$path" >/dev/null
    local before; before="$(rss_mib)"
    BODY="$body" wrk -t1 -c "$CONCURRENCY" -d "$DURATION" -s "$WORK/post.lua" "$BASE$path" >"$WORK/$name.txt"
    local after; after="$(rss_mib)"
    local requests rps p50 p99 status errors
    read -r requests rps p50 p99 status errors < <(awk '/^RESULT/ { print $2, $3, $4, $5, $6, $7 }' "$WORK/$name.txt")
    printf '%-16s %s for %s, %s connections: %s req/s, p50 %s ms, p99 %s ms, %s requests, %s non-2xx, %s socket errors, RSS %s MiB -> %s MiB\n' \
        "$name" "POST $path" "$DURATION" "$CONCURRENCY" "$rps" "$p50" "$p99" "$requests" "$status" "$errors" "$before" "$after"
}

echo "Sizing load test on $(nproc) cores, $(uname -m), dotnet $(dotnet --version), log level $LOG_LEVEL; wrk and the server share the machine"
run estimates /v1/estimates "$WORK/estimate.json"
if curl -fsS "$BASE/swagger/v1/swagger.json" -o "$WORK/openapi.json" && grep -q '"/v1/recommendations"' "$WORK/openapi.json"; then
    run recommendations /v1/recommendations "$WORK/recommendation.json"
else
    echo "recommendations  POST /v1/recommendations is not in the OpenAPI document yet: skipped"
fi
