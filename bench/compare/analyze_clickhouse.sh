#!/usr/bin/env bash
# `growthlens analyze` on a ClickHouse workspace against the embedded workspace (issue 22.2): the
# same generated usage log (without its signup column, which ClickHouse does not store) is
# ingested into a workspace file and into ClickHouse (Debian's clickhouse-server, its own server
# on a free loopback port: tests/clickhouse/clickhouse_server.sh), then `analyze --no-write
# --format json` runs 3 times on each. Reported per run: wall time, GrowthLens's CPU (user + sys)
# and peak memory (GNU time's maximum RSS), and for ClickHouse the server's CPU over the run
# (from /proc: the aggregation pushed down). The two reports are compared
# (tests/clickhouse/compare_results.py: counts exact, floats to 1e-9) so the numbers are the same.
#   bench/compare/analyze_clickhouse.sh [USERS]   (default 24000: about 1.09M rows)
# Needs build/growthlens, clickhouse-server and clickhouse-client, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/../.."
users=${1:-24000}
work=${GROWTHLENS_BENCH_DIR:-$(mktemp -d)}
source tests/clickhouse/clickhouse_server.sh
cleanup() {
  clickhouse_stop_all
  if [[ -z ${GROWTHLENS_BENCH_DIR:-} ]]; then rm -rf "$work"; fi
  return 0
}
trap cleanup EXIT
log="$work/usage_${users}.csv"
if [[ ! -f $log ]]; then
  build/growthlens generate --kind usage --users "$users" --seed 11 -o "$work/signup.csv" 2> /dev/null
  cut -d, -f1,3- "$work/signup.csv" > "$log"
  rm -f "$work/signup.csv"
fi
echo "usage log: $(($(wc -l < "$log") - 1)) rows, $(du -h "$log" | cut -f1)"
rm -rf "$work/ch" "$work/embedded.glw"
clickhouse_start "$work/ch"
server_pid=$CLICKHOUSE_PID
url="clickhouse://127.0.0.1:$CLICKHOUSE_HTTP_PORT/bench"
build/growthlens workspace init --workspace "$url" > /dev/null
build/growthlens ingest "$log" --workspace "$work/embedded.glw" --quiet > /dev/null
build/growthlens ingest "$log" --workspace "$url" --quiet > /dev/null
server_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
ticks=$(getconf CLK_TCK)
for side in embedded clickhouse; do
  workspace=$([[ $side == embedded ]] && echo "$work/embedded.glw" || echo "$url")
  echo "== $side $(uptime | sed 's/.*load/load/')"
  for run in 1 2 3; do
    before=$(server_cpu_ticks)
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" build/growthlens analyze \
      --workspace "$workspace" --no-write --quiet --format json > "$work/$side.json"
    after=$(server_cpu_ticks)
    read -r wall user sys rss < "$work/time.txt"
    server=$(awk -v d=$((after - before)) -v t="$ticks" 'BEGIN { printf "%.2f", d / t }')
    printf "  run %d: %6.2f s wall, %6.2f s CPU (user %s + sys %s), peak RSS %6.1f MB%s\n" \
      "$run" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$user" "$sys" \
      "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
      "$([[ $side == clickhouse ]] && echo ", ClickHouse server CPU $server s")"
  done
done
if python3 tests/clickhouse/compare_results.py --ignore timings,cleaning,source \
  --unordered feature_series,feature_correlation "$work/embedded.json" "$work/clickhouse.json"; then
  echo "reports: the same numbers"
else
  echo "reports: DIFFERENT"
  exit 1
fi
