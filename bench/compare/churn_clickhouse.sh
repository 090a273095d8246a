#!/usr/bin/env bash
# Churn and CLV on a ClickHouse workspace against the workspace file on the same data (issue 22):
# a generated usage log (USERS users, default 25000: about 1M rows) and event log (EVENT_USERS,
# default 15500: about 1M events): `churn train` (two cutoffs' feature tables, both models) and
# `churn score` and `predictions` (a model trained, scores joined with RFM segments and personas); Online Retail (541,909 lines): `clv`. Each wall and CPU seconds (user+sys of
# growthlens, and of the ClickHouse server from /proc) and growthlens's peak memory (GNU time).
# One server of our own on a loopback port (tests/clickhouse/clickhouse_server.sh; PORT, default
# a free one).
#   bench/compare/churn_clickhouse.sh [USERS] [EVENT_USERS] [PORT]
set -euo pipefail
cd "$(dirname "$0")/../.."
users=${1:-25000}
event_users=${2:-15500}
port=${3:-}
source tests/clickhouse/clickhouse_server.sh
clickhouse_require
work=$(mktemp -d)
cleanup() {
  clickhouse_stop_all
  rm -rf "$work"
}
trap cleanup EXIT
clickhouse_start "$work/ch" "" "$port"
url="clickhouse://127.0.0.1:$CLICKHOUSE_HTTP_PORT/bench"
build/growthlens workspace init --workspace "$url" > /dev/null
server_ticks() { awk '{ print $14 + $15 }' "/proc/$CLICKHOUSE_PID/stat"; }
run() {  # run LABEL COMMAND...: one line of wall, CPU and peak memory
  local label=$1 before after
  shift
  before=$(server_ticks)
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > /dev/null 2>&1
  after=$(server_ticks)
  read -r wall user sys rss < "$work/time"
  printf "%-36s wall %6.2f s  growthlens CPU %6.2f s  peak %5d MB  ClickHouse CPU %6.2f s\n" \
    "$label" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024)) \
    "$(echo "scale=2; ($after - $before) / $(getconf CLK_TCK)" | bc)"
}
build/growthlens generate --kind usage --users "$users" --seed 42 -o "$work/usage.csv" 2> /dev/null
build/growthlens generate --kind events --users "$event_users" --seed 42 -o "$work/events.csv" \
  2> /dev/null
xz -dc tests/data/online_retail.csv.xz > "$work/online_retail.csv"
for kind in usage events online_retail; do
  build/growthlens ingest "$work/$kind.csv" --workspace "$work/$kind.glw" --quiet > /dev/null
  build/growthlens ingest "$work/$kind.csv" --workspace "$url" --quiet > /dev/null
done
echo "usage log: $(($(wc -l < "$work/usage.csv") - 1)) rows, event log: $(($(wc -l < "$work/events.csv") - 1)) events; $(uptime | sed 's/.*load/load/')"
for kind in usage events; do
  for side in file ClickHouse; do
    if [[ $side == file ]]; then workspace=$work/$kind.glw; else workspace=$url; fi
    run "churn train $kind, $side" build/growthlens churn train --workspace "$workspace" \
      --kind "$kind" --model-out "$work/$kind.$side.model.json" --quiet --format json
    run "churn score $kind, $side" build/growthlens churn score --workspace "$workspace" \
      --kind "$kind" --model "$work/$kind.$side.model.json" --quiet --format json
    run "predictions $kind, $side" build/growthlens predictions --workspace "$workspace" \
      --kind "$kind" --quiet --format json
  done
done
run "clv Online Retail, file" build/growthlens clv --workspace "$work/online_retail.glw" --quiet --format json
run "clv Online Retail, ClickHouse" build/growthlens clv --workspace "$url" --quiet --format json
echo "$(uptime | sed 's/.*load/load/')"
