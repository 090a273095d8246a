#!/usr/bin/env bash
# A ClickHouse workspace against the workspace file on the same generated usage log (issue 22):
# ingest, then kpis, rfm and segment on each, wall and CPU seconds (user+sys of growthlens, and
# of the ClickHouse server from /proc) and growthlens's peak memory (GNU time). One server of our
# own on a free loopback port (tests/clickhouse/clickhouse_server.sh).
#   bench/compare/clickhouse_workspace.sh [USERS]   (default 25000: about 1M rows)
set -euo pipefail
cd "$(dirname "$0")/../.."
users=${1:-25000}
source tests/clickhouse/clickhouse_server.sh
clickhouse_require
work=$(mktemp -d)
cleanup() {
  clickhouse_stop_all
  rm -rf "$work"
}
trap cleanup EXIT
clickhouse_start "$work/ch"
url="clickhouse://127.0.0.1:$CLICKHOUSE_HTTP_PORT/bench"
build/growthlens workspace init --workspace "$url" > /dev/null
build/growthlens generate --kind usage --users "$users" --seed 42 -o "$work/usage.csv" 2> /dev/null
echo "usage log: $(($(wc -l < "$work/usage.csv") - 1)) rows; $(uptime | sed 's/.*load/load/')"
server_ticks() { awk '{ print $14 + $15 }' "/proc/$CLICKHOUSE_PID/stat"; }
run() {  # run LABEL COMMAND...: one line of wall, CPU and peak memory
  local label=$1 before after
  shift
  before=$(server_ticks)
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > /dev/null 2>&1
  after=$(server_ticks)
  read -r wall user sys rss < "$work/time"
  printf "%-34s wall %6.2f s  growthlens CPU %6.2f s  peak %5d MB  ClickHouse CPU %6.2f s\n" \
    "$label" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024)) \
    "$(echo "scale=2; ($after - $before) / $(getconf CLK_TCK)" | bc)"
}
run "ingest, workspace file" build/growthlens ingest "$work/usage.csv" --workspace "$work/u.glw" --quiet
run "ingest, ClickHouse" build/growthlens ingest "$work/usage.csv" --workspace "$url" --quiet
for command in kpis rfm "segment --k 4"; do
  # shellcheck disable=SC2086
  run "$command, workspace file" build/growthlens $command --workspace "$work/u.glw" --quiet --format json
  # shellcheck disable=SC2086
  run "$command, ClickHouse" build/growthlens $command --workspace "$url" --quiet --format json
done
