#!/usr/bin/env bash
# Funnels side by side (issue 20.6): the same 6-step funnel (14-day window) over the same
# generated events, GrowthLens (build/bench/funnel_benchmark: ComputeFunnel + summary on both
# cores, the events already in memory) against ClickHouse's windowFunnel (Debian's
# clickhouse-server, its own server on a free loopback port (tests/clickhouse/clickhouse_server.sh), the events in a MergeTree ordered by
# (user, time), the query's elapsed time as clickhouse-client --time reports it, best of 3).
# Both sides also report CPU time (user + sys of all threads; for ClickHouse the server
# process's over the 3 queries, from /proc), which a loaded machine disturbs less than the
# elapsed time, and the load average before each side runs. Then paths and retention by
# behaviour on the same file (build/bench/paths_benchmark, if built). Both count the users at
# each level; the script prints both counts for comparison.
#   bench/compare/funnel_clickhouse.sh [USERS]   (default 700000: about 45M events)
# Needs build/growthlens and build/bench/funnel_benchmark (-DGROWTHLENS_BUILD_BENCHMARKS=ON),
# clickhouse-server and clickhouse-client (scripts/install-deps.sh), and disk for the CSV
# (about 65 bytes an event) and ClickHouse's copy.
set -euo pipefail
cd "$(dirname "$0")/../.."
users=${1:-700000}
work=${GROWTHLENS_BENCH_DIR:-$(mktemp -d)}
source tests/clickhouse/clickhouse_server.sh
cleanup() {
  clickhouse_stop_all
  if [[ -z ${GROWTHLENS_BENCH_DIR:-} ]]; then rm -rf "$work"; fi
  return 0
}
trap cleanup EXIT
events="$work/events_${users}.csv"
[[ -f $events ]] || build/growthlens generate --kind events --users "$users" --seed 42 -o "$events"
echo "events: $(($(wc -l < "$events") - 1)) rows, $(du -h "$events" | cut -f1)"

echo "== GrowthLens (funnel_benchmark, 2 cores; CPU = process user+sys) $(uptime | sed 's/.*load/load/')"
GROWTHLENS_FUNNEL_EVENTS=$events build/bench/funnel_benchmark --benchmark_filter='BM_Funnel/0' \
  --benchmark_repetitions=3 --benchmark_counters_tabular=true | grep -E "BM_Funnel|Name"

rm -rf "$work/ch"
clickhouse_start "$work/ch"
server_pid=$CLICKHOUSE_PID
port=$CLICKHOUSE_TCP_PORT
query() { clickhouse-client --host 127.0.0.1 --port "$port" "$@"; }
query --query "CREATE TABLE raw (user UInt64, ts String, event String, platform String) ENGINE = Log"
tail -n +2 "$events" | query --query "INSERT INTO raw FORMAT CSV"
query --query "CREATE TABLE events (user UInt64, t UInt32, event String) ENGINE = MergeTree
               ORDER BY (user, t)"
query --query "INSERT INTO events SELECT user,
               toUInt32(toDateTime(replaceOne(substring(ts, 1, 19), 'T', ' '), 'UTC')), event
               FROM raw"
query --query "OPTIMIZE TABLE events FINAL"
conditions="event = 'sign_up', event = 'create_project', event = 'invite_teammate',
            event = 'first_report', event = 'reports', event = 'export'"
funnel_query="SELECT level, count() FROM (SELECT user, windowFunnel(1209600)(t, $conditions)
              AS level FROM events GROUP BY user) GROUP BY level ORDER BY level"
echo "== ClickHouse $(query --query 'SELECT version()') windowFunnel (elapsed seconds, best of 3)" \
  "$(uptime | sed 's/.*load/load/')"
server_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
cpu_before=$(server_cpu_ticks)
best=""
for _ in 1 2 3; do
  elapsed=$(query --time --query "$funnel_query FORMAT Null" 2>&1 >/dev/null | tail -1)
  echo "  $elapsed s"
  if [[ -z $best ]] || awk -v a="$elapsed" -v b="$best" 'BEGIN { exit !(a < b) }'; then
    best=$elapsed
  fi
done
cpu_after=$(server_cpu_ticks)
echo "ClickHouse best: $best s; server CPU (user+sys) per query:" \
  "$(awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz / 3 }') s"
echo "== Users per level, ClickHouse (times to the second) then GrowthLens (to the ms)"
query --query "$funnel_query FORMAT TSV" | tr '\n' ' '
echo
build/growthlens funnel "$events" --kind events --quiet --format json \
  --steps sign_up,create_project,invite_teammate,first_report,reports,export --window 14d |
  python3 -c 'import json, sys; print(" ".join(str(s["users"]) for s in json.load(sys.stdin)["steps"]), "(users at each step)")'

if [[ -x build/bench/paths_benchmark ]]; then
  echo "== GrowthLens paths and retention by behaviour (paths_benchmark) $(uptime | sed 's/.*load/load/')"
  GROWTHLENS_PATHS_EVENTS=$events build/bench/paths_benchmark --benchmark_counters_tabular=true |
    grep -E "BM_|Name"
fi
