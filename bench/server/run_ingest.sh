#!/usr/bin/env bash
# Ingest benchmark of the HTTP collector (docs/BENCHMARKS.md, "Live ingestion"): starts
# `growthlens serve --workspace` on a fresh workspace, posts 1,000-event batches with wrk
# (ingest_events.lua: every event a new uuid) for DURATION, then checks that the workspace holds
# exactly the events acknowledged and prints the server's peak RSS.
#
#   bench/server/run_ingest.sh [build-dir/growthlens]
#
# Environment: PORT (8598), DURATION (15s), THREADS (2), CONNECTIONS (8), EVENTS (1000 per batch).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "${1:-$here/../../build/growthlens}")"
port="${PORT:-8598}"
duration="${DURATION:-15s}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-8}"
events="${EVENTS:-1000}"
[[ -x "$binary" ]] || { echo "no growthlens binary at $binary (build it first)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

work="$(mktemp -d /tmp/growthlens-ingest-bench.XXXXXX)"
server_pid=""
trap '[[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
"$binary" serve --workspace "$work/live.glw" --port "$port" --quiet >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 200); do
  curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/status" && break
  sleep 0.05
done

wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$here/ingest_events.lua" \
  "http://127.0.0.1:$port" -- "$events" | tee "$work/wrk.txt"
rss=$(awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
stored=$("$binary" workspace info --workspace "$work/live.glw" --format json |
  python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["rows"] + d["inbox"]["events"])')
acknowledged=$(awk '/^batches:/ { gsub(/[(]/, "", $3); print ($2 - $3) * '"$events"' }' "$work/wrk.txt")
echo "stored: $stored events (acknowledged: $acknowledged); server peak RSS: ${rss} MB"
echo "workspace: $(du -h "$work/live.glw" | cut -f1) for $stored events"
