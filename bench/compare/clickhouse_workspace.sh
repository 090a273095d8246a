#!/usr/bin/env bash
# A ClickHouse workspace against the workspace file on the same generated usage log (issue 22):
# ingest, then kpis, rfm and segment on each, and kpis and rfm of a date window; then on a generated event log (EVENT_USERS users,
# default 15500: about 1M events) ingest and funnels (a 4-step one, the same in strict_order,
# which reads every event of the users who did a step), paths (from the first event, after a
# start event, with collapsed repeats) and the users list (a page, the CSV export, one user's
# detail); each wall and CPU seconds (user+sys of growthlens, and
# of the ClickHouse server from /proc) and growthlens's peak memory (GNU time). One server of our
# own on a free loopback port (tests/clickhouse/clickhouse_server.sh).
# Windowed usage (issue 22: features, series, correlation of --from/--to) runs on the usage log,
# and on generated transactions (TRANSACTION_USERS customers, default 5500: about 1M lines)
# revenue of all time and of a window; TRANSACTION_USERS 0 skips them, EVENT_USERS 0 the funnels.
# GROWTHLENS_BENCH_EVENTS_ONLY=1 skips the usage log and the transactions.
#   bench/compare/clickhouse_workspace.sh [USERS] [EVENT_USERS] [TRANSACTION_USERS]
#   (default 25000: about 1M usage rows)
set -euo pipefail
cd "$(dirname "$0")/../.."
users=${1:-25000}
event_users=${2:-15500}
transaction_users=${3:-5500}
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
if [[ -z ${GROWTHLENS_BENCH_EVENTS_ONLY:-} ]]; then
  build/growthlens generate --kind usage --users "$users" --seed 42 -o "$work/usage.csv" 2> /dev/null
  echo "usage log: $(($(wc -l < "$work/usage.csv") - 1)) rows; $(uptime | sed 's/.*load/load/')"
  run "ingest, workspace file" build/growthlens ingest "$work/usage.csv" --workspace "$work/u.glw" --quiet
  run "ingest, ClickHouse" build/growthlens ingest "$work/usage.csv" --workspace "$url" --quiet
  for command in kpis rfm "segment --k 4" "kpis --from 2025-03-12 --to 2025-06-19" \
    "rfm --from 2025-03-12 --to 2025-06-19" usage "usage --from 2025-03-12 --to 2025-06-19" \
    "usage --view correlation --from 2025-03-12 --to 2025-06-19" \
    "usage --view series --period week --from 2025-03-12 --to 2025-06-19" \
    "cohorts --from 2025-03-12 --to 2025-06-19"; do
    # shellcheck disable=SC2086
    run "$command, workspace file" build/growthlens $command --workspace "$work/u.glw" --quiet --format json
    # shellcheck disable=SC2086
    run "$command, ClickHouse" build/growthlens $command --workspace "$url" --quiet --format json
  done
fi
if [[ -z ${GROWTHLENS_BENCH_EVENTS_ONLY:-} ]] && ((transaction_users > 0)); then
  build/growthlens generate --kind transactions --users "$transaction_users" --seed 42 \
    -o "$work/transactions.csv" 2> /dev/null
  echo "transactions: $(($(wc -l < "$work/transactions.csv") - 1)) lines; $(uptime | sed 's/.*load/load/')"
  run "ingest transactions, workspace file" build/growthlens ingest "$work/transactions.csv" \
    --workspace "$work/t.glw" --quiet
  run "ingest transactions, ClickHouse" build/growthlens ingest "$work/transactions.csv" \
    --workspace "$url" --quiet
  for command in revenue "revenue --from 2025-03-12 --to 2025-06-19" \
    "revenue --view countries --from 2025-03-12 --to 2025-06-19"; do
    # shellcheck disable=SC2086
    run "$command, workspace file" build/growthlens $command --workspace "$work/t.glw" --quiet --format json
    # shellcheck disable=SC2086
    run "$command, ClickHouse" build/growthlens $command --workspace "$url" --quiet --format json
  done
fi
((event_users > 0)) || exit 0
build/growthlens generate --kind events --users "$event_users" --seed 42 -o "$work/events.csv" \
  2> /dev/null
echo "event log: $(($(wc -l < "$work/events.csv") - 1)) events; $(uptime | sed 's/.*load/load/')"
run "ingest events, workspace file" build/growthlens ingest "$work/events.csv" --workspace "$work/e.glw" --quiet
run "ingest events, ClickHouse" build/growthlens ingest "$work/events.csv" --workspace "$url" --quiet
steps="sign_up,create_project,invite_teammate,first_report"
for mode in default strict_order; do
  run "funnel $mode, workspace file" build/growthlens funnel --steps "$steps" --mode "$mode" \
    --workspace "$work/e.glw" --kind events --quiet --format json
  run "funnel $mode, ClickHouse" build/growthlens funnel --steps "$steps" --mode "$mode" \
    --workspace "$url" --kind events --quiet --format json
done
for command in "paths" "paths --start create_project" "paths --collapse-repeats --max-gap 30" \
  "users --format json" "users --format csv" "users --segment Champions --format json"; do
  # shellcheck disable=SC2086
  run "$command, workspace file" build/growthlens $command --workspace "$work/e.glw" --kind events --quiet
  # shellcheck disable=SC2086
  run "$command, ClickHouse" build/growthlens $command --workspace "$url" --kind events --quiet
done
