#!/usr/bin/env bash
# `growthlens funnel` against ClickHouse's windowFunnel on the same rows (issue 20.4): the BPI
# Challenge 2012 loan applications (COMPLETE events), times cut to the second (windowFunnel in
# Debian's ClickHouse 18.16 takes DateTime or UInt32 seconds, and has no modes: the default
# one is compared), loaded into a MergeTree ordered by (user, time); the users at each level of
# a 6-step funnel for windows of 1, 14 and 30 days must be equal. Starts its own server on a
# free loopback port with a temporary data directory (clickhouse_server.sh); exits 77 (skipped)
# when clickhouse-server is not installed (scripts/install-deps.sh installs it).
#   tests/clickhouse/funnel_clickhouse_test.sh path/to/growthlens SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
source "$source_dir/tests/clickhouse/clickhouse_server.sh"
clickhouse_require || exit 77
work=$(mktemp -d)
cleanup() {
  clickhouse_stop_all
  rm -rf "$work"
}
trap cleanup EXIT
clickhouse_start "$work/server" || exit 1
port=$CLICKHOUSE_TCP_PORT
query() { clickhouse_query "$port" "$1"; }

# The rows: user, UTC seconds, event; the same file for both.
xz -dc "$source_dir/tests/data/bpic2012_events.csv.xz" | python3 -c '
import csv, sys
from datetime import datetime, timezone
rows = csv.DictReader(sys.stdin)
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["user_id", "timestamp", "event"])
for row in rows:
    if row["lifecycle:transition"] != "COMPLETE":
        continue
    seconds = int(datetime.fromisoformat(row["time:timestamp"]).timestamp())
    out.writerow([row["case:concept:name"], seconds, row["concept:name"]])
' > "$work/events.csv"
query "CREATE TABLE events (user String, t UInt32, event String) ENGINE = MergeTree ORDER BY (user, t)"
tail -n +2 "$work/events.csv" | query "INSERT INTO events FORMAT CSV"

steps=(A_SUBMITTED A_PARTLYSUBMITTED A_PREACCEPTED A_ACCEPTED A_FINALIZED A_APPROVED)
conditions=$(printf "event = '%s', " "${steps[@]}")
conditions=${conditions%, }
failures=0
for days in 1 14 30; do
  # Users at step k = users whose level >= k. The generated rows have no exact duplicates
  # (user, second, event) apart from those the ingest drops; ClickHouse gets them deduplicated too.
  clickhouse_counts=$(query "
    SELECT arrayStringConcat(groupArray(toString(reached)), ',') FROM (
      SELECT k, countIf(level >= k) AS reached
      FROM (SELECT user, windowFunnel($((days * 86400)))(t, $conditions) AS level
            FROM (SELECT DISTINCT user, t, event FROM events) GROUP BY user)
      ARRAY JOIN arrayMap(x -> x + 1, range(${#steps[@]})) AS k GROUP BY k ORDER BY k)")
  ours=$("$binary" funnel "$work/events.csv" --kind events --quiet --format json \
    --steps "$(IFS=,; echo "${steps[*]}")" --window "${days}d" |
    python3 -c 'import json, sys; print(",".join(str(s["users"]) for s in json.load(sys.stdin)["steps"]))')
  echo "window ${days}d: ClickHouse windowFunnel ${clickhouse_counts}; growthlens ${ours}"
  if [[ $clickhouse_counts != "$ours" ]]; then
    echo "FAIL: window ${days}d differs"
    failures=$((failures + 1))
  fi
done
exit $((failures > 0))
