#!/usr/bin/env bash
# Live ingestion benchmark (issue 19's speed goals; docs/BENCHMARKS.md, "Live ingestion"):
#   a. HTTP collector flat out: wrk posts 1,000-event batches (ingest_events.lua, every event a
#      new uuid, a write key sent as a Bearer token) to `serve --workspace` for DURATION; the
#      workspace must then hold at least every acknowledged event. Prints events/s, the server's
#      CPU time per 100,000 events and its peak RSS.
#   b. Dashboard under ingest: the server restarted (it loads what (a) stored), one wrk ingests
#      at a held rate (INGEST_CONNECTIONS connections, each pausing INGEST_DELAY_MS before a
#      batch) while a second wrk requests the dashboard's API (live_urls.txt) and a page's
#      stream of changes stays open (so the held data is reloaded at the watched pace); prints
#      the achieved ingest rate, the reloads and the API's latency percentiles.
#   c. POST to visibility: single 1,000-event batches with a marker user, timed from the POST
#      to the 200 (the batch is durable then), to when a reader polling the workspace's inbox
#      (SQLite, read-only, every half millisecond) finds the batch's last uuid, and to when the
#      dashboard's Live data (GET /api/v1/live, polled every 2 ms on a connection of its own)
#      lists the marker user among the latest events.
#   d. Redis consumer: redis-server on a loopback port, a stream filled with REDIS_MESSAGES
#      messages (redis-cli --pipe) first, then `consume --until-idle` timed while it drains it
#      (less the second it waits to see the stream idle); every message must be stored.
#
#   bench/server/run_live.sh [build-dir/growthlens]
#
# Environment: PORT (8597), REDIS_PORT (6397), DURATION (15s), THREADS (2), CONNECTIONS (8),
# INGEST_CONNECTIONS (4), INGEST_DELAY_MS (60), REDIS_MESSAGES (300000), REDIS_BATCH (10000),
# ONLY (a, b, c or d: one part alone; a comes first when b or c needs data), SEED_WORKSPACE (a
# workspace file to start from, copied: a large one shows whether the fold's cost follows the
# workspace's size), SERVE_ARGS (more options of serve, e.g. --live-refresh 86400).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "${1:-$here/../../build/growthlens}")"
port="${PORT:-8597}"
redis_port="${REDIS_PORT:-6397}"
duration="${DURATION:-15s}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-8}"
ingest_connections="${INGEST_CONNECTIONS:-4}"
ingest_delay_ms="${INGEST_DELAY_MS:-60}"
redis_messages="${REDIS_MESSAGES:-300000}"
redis_batch="${REDIS_BATCH:-10000}"
only="${ONLY:-}"
base="http://127.0.0.1:$port"
[[ -x "$binary" ]] || { echo "no growthlens binary at $binary (build it first)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

work="$(mktemp -d /tmp/growthlens-live-bench.XXXXXX)"
workspace="$work/live.glw"
server_pid=""
redis_pid=""
page_pid=""
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  [[ -n "$page_pid" ]] && kill "$page_pid" 2>/dev/null
  stop_server
  [[ -n "$redis_pid" ]] && kill "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_mb() { awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
stored_events() {
  "$binary" workspace info --workspace "$workspace" --format json |
    python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["rows"] + d["inbox"]["events"])'
}
start_server() {
  # shellcheck disable=SC2086
  "$binary" serve --workspace "$workspace" --port "$port" --quiet ${SERVE_ARGS:-} \
    >>"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 600); do
    curl -s -o /dev/null "$base/api/v1/status" && return 0
    sleep 0.1
  done
  echo "the server did not start: $(cat "$work/serve.log")" >&2
  exit 1
}
# Acknowledged events of a wrk run of ingest_events.lua (its "batches: N (M not 200)" line).
acknowledged() { awk -v n="$2" '/^batches:/ { gsub(/[(]/, "", $3); print ($2 - $3) * n }' "$1"; }
wants() { [[ -z "$only" || "$only" == "$1" ]]; }

seeded=0
if [[ -n "${SEED_WORKSPACE:-}" ]]; then
  cp "$SEED_WORKSPACE" "$workspace"
  seeded=$(stored_events)
  echo "starting from a copy of $SEED_WORKSPACE: $seeded events"
fi
echo "load before the run: $(uptime)"
key=$("$binary" workspace keys create --role write --name "live bench" --workspace "$workspace")
export GROWTHLENS_KEY="$key"

if wants a || wants b || wants c; then
  echo "== a. HTTP collector: ${connections} connections, 1,000-event batches, durable, $duration"
  start_server
  cpu_before=$(cpu_seconds "$server_pid")
  INGEST_RUN=a /usr/bin/time -f "%U %S" -o "$work/a.wrk-time" \
    wrk -t"$threads" -c"$connections" -d"$duration" --latency \
    -s "$here/ingest_events.lua" "$base" -- 1000 >"$work/a.txt"
  cpu_after=$(cpu_seconds "$server_pid")
  grep -E "50%|99%|^batches" "$work/a.txt"
  rss=$(rss_mb "$server_pid")
  stop_server
  acked=$(acknowledged "$work/a.txt" 1000)
  stored=$(stored_events)
  echo "stored: $((stored - seeded)) events (acknowledged: $acked); server peak RSS ${rss} MB;" \
    "server CPU $(awk -v a="$cpu_before" -v b="$cpu_after" -v n="$acked" \
      'BEGIN { printf "%.2f", (b - a) / n * 1e5 }') s per 100,000 events;" \
    "load generator (wrk) CPU $(awk -v n="$acked" '{ printf "%.2f", ($1 + $2) / n * 1e5 }' \
      "$work/a.wrk-time") s per 100,000 events"
  ((stored - seeded >= acked)) || { echo "FAIL: acknowledged events are missing" >&2; exit 1; }
fi

if wants b; then
  echo "== b. dashboard API while ingesting (${ingest_connections} connections, ${ingest_delay_ms} ms pause per batch)"
  start_server
  # A dashboard page open all along (its stream of changes, reopened as each one ends): the
  # server reloads the held data at the watched pace while the events arrive, as it would for
  # someone looking at it.
  (while true; do curl -sN -o /dev/null --max-time 9 "$base/api/v1/live/stream" || sleep 0.2; done) &
  page_pid=$!
  INGEST_RUN=b INGEST_TIME_OFFSET_MS=2592000000 INGEST_DELAY_MS="$ingest_delay_ms" \
    wrk -t1 -c"$ingest_connections" -d"$duration" -s "$here/ingest_events.lua" "$base" -- 1000 \
    >"$work/b-ingest.txt" &
  ingest_pid=$!
  sleep 1
  wrk -t1 -c4 -d"$duration" --latency -s "$here/dashboard_mix.lua" "$base" \
    -- "$here/live_urls.txt" >"$work/b-dashboard.txt"
  wait "$ingest_pid"
  reloads=$(curl -s "$base/api/v1/live" |
    python3 -c 'import json, sys; r = json.load(sys.stdin)["data_refresh"]; print(r["count"], r["every_seconds"])')
  kill "$page_pid" 2>/dev/null || true
  wait "$page_pid" 2>/dev/null || true
  page_pid=""
  echo "ingest: $(grep '^batches' "$work/b-ingest.txt")"
  echo "held data reloaded ${reloads% *} times (a page open: at most every ${reloads#* } s)"
  echo "dashboard API:"
  grep -E "Requests/sec|50%|75%|90%|99%|non-200" "$work/b-dashboard.txt"
  stop_server
fi

if wants c; then
  echo "== c. POST to durable (200), to visible to another reader of the workspace and to shown on the dashboard, 1,000 events"
  start_server
  python3 - "$port" "$key" "$workspace" <<'EOF'
import http.client, json, sqlite3, sys, threading, time
port, key, workspace = int(sys.argv[1]), sys.argv[2], sys.argv[3]
reader = sqlite3.connect("file:%s?mode=ro" % workspace, uri=True, check_same_thread=False)
dashboard = http.client.HTTPConnection("127.0.0.1", port)
def on_dashboard(user, seen):  # the Live page's data lists the marker among the latest events
    while time.perf_counter() < seen["deadline"]:
        dashboard.request("GET", "/api/v1/live", headers={"Authorization": "Bearer " + key})
        answer = dashboard.getresponse()
        body = answer.read()
        if answer.status == 200 and any(e.get("user_id") == user
                                        for e in json.loads(body).get("latest", [])):
            seen["shown"] = time.perf_counter()
            return
        time.sleep(0.002)
shown = []
for round in range(1, 6):
    user = "marker%d" % round
    body = json.dumps([{"user_id": user, "event": "marker", "timestamp": 1767225600000 + i,
                        "uuid": "%s-%d" % (user, i)} for i in range(1000)])
    seen = {}
    def poll():  # autocommit: every query reads the latest commit, as another process would
        while True:
            # The batch's last uuid: committed in the same transaction as its 1,000 rows.
            count = reader.execute("SELECT count(*) FROM inbox_uuids WHERE uuid = ?",
                                   (user + "-999",)).fetchone()[0]
            if count == 1:
                seen["at"] = time.perf_counter()
                return
            time.sleep(0.0005)
    connection = http.client.HTTPConnection("127.0.0.1", port)
    start = time.perf_counter()
    seen["deadline"] = start + 10
    poller = threading.Thread(target=poll)
    poller.start()
    watcher = threading.Thread(target=on_dashboard, args=(user, seen))
    watcher.start()
    connection.request("POST", "/api/v1/events", body,
                       {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    answer = connection.getresponse()
    answer.read()
    acknowledged = time.perf_counter()
    poller.join(10)
    watcher.join(11)
    if "shown" not in seen:
        sys.exit("round %d: the dashboard's Live data did not list the batch within 10 s" % round)
    shown.append((seen["shown"] - acknowledged) * 1e3)
    print("round %d: HTTP %d after %.1f ms; visible to a reader after %.1f ms; on the dashboard "
          "(GET /api/v1/live) after %.1f ms, %.1f ms after the acknowledgement" %
          (round, answer.status, (acknowledged - start) * 1e3, (seen["at"] - start) * 1e3,
           (seen["shown"] - start) * 1e3, shown[-1]))
    time.sleep(0.2)
print("on the dashboard after the acknowledgement: median %.1f ms, max %.1f ms" %
      (sorted(shown)[len(shown) // 2], max(shown)))
EOF
  stop_server
fi

if wants d; then
  echo "== d. Redis consumer: $redis_messages messages of 4 fields, batches of $redis_batch"
  command -v redis-server >/dev/null || { echo "redis-server is missing" >&2; exit 2; }
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$work" >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  python3 - "$redis_messages" <<'EOF' | redis-cli -p "$redis_port" --pipe >/dev/null
import sys
def command(*parts):
    out = ["*%d\r\n" % len(parts)]
    for part in parts:
        out.append("$%d\r\n%s\r\n" % (len(part.encode()), part))
    return "".join(out)
write = sys.stdout.write
for i in range(int(sys.argv[1])):
    write(command("XADD", "events", "*", "user_id", "u%d" % (i * 7919 % 50000),
                  "event", "feature_%d" % (i % 24), "timestamp", str(1764547200000 + i),
                  "platform", "ios" if i % 3 == 0 else "web"))
EOF
  echo "stream length: $(redis-cli -p "$redis_port" xlen events)"
  rm -f "$work/redis.glw"
  start=$(now)
  /usr/bin/time -f "%U %S %M" -o "$work/consume.time" "$binary" consume \
    "redis://127.0.0.1:$redis_port" --stream events --batch "$redis_batch" --until-idle --quiet \
    --workspace "$work/redis.glw"
  end=$(now)
  read -r user sys peak <"$work/consume.time"
  stored=$("$binary" workspace info --workspace "$work/redis.glw" --format json |
    python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["rows"] + d["inbox"]["events"])')
  awk -v a="$start" -v b="$end" -v n="$redis_messages" -v u="$user" -v s="$sys" -v m="$peak" \
    -v stored="$stored" 'BEGIN { w = b - a - 1; printf "stored %d of %d; %.2f s wall less the idle second, %.0f events/s; CPU %.2f s (%.0f events per CPU second); peak RSS %.0f MB\n", stored, n, w, n / w, u + s, n / (u + s), m / 1024 }'
  ((stored == redis_messages)) || { echo "FAIL: the stream's messages are not all stored" >&2; exit 1; }
fi
