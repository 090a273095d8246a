#!/usr/bin/env bash
# Same numbers on a ClickHouse workspace as on the embedded one (issue 22.3): the same files
# (a generated usage log and Online Retail) are ingested into a workspace file and into a
# ClickHouse server of our own (clickhouse_server.sh: a free loopback port, a temporary
# directory), and kpis, rfm (segment summary and every user's row) and segment are compared by
# compare_results.py: counts and integer sums exactly, money and means to a relative 1e-9.
# Re-ingesting a file into ClickHouse must add nothing. With a second argument "cluster", two
# servers are started as the shards of a cluster (remote_servers), the workspace is made with
# --cluster and the same comparison runs on the Distributed tables.
# Counts are taken on the server of the URL (through the Distributed tables on a cluster).
# Exits 77 (skipped) when clickhouse-server is not installed.
#   tests/clickhouse/same_numbers_clickhouse_test.sh path/to/growthlens SOURCE_DIR [single|cluster]
set -euo pipefail
binary=$1
source_dir=$2
mode=${3:-single}
source "$source_dir/tests/clickhouse/clickhouse_server.sh"
clickhouse_require || exit 77
work=$(mktemp -d)
cleanup() {
  clickhouse_stop_all
  rm -rf "$work"
}
trap cleanup EXIT

if [[ $mode == cluster ]]; then
  clickhouse_start "$work/shard1" || exit 1
  shard1_tcp=$CLICKHOUSE_TCP_PORT shard1_http=$CLICKHOUSE_HTTP_PORT
  # The second server is the second shard and holds the Distributed tables.
  shard2_tcp=$(clickhouse_free_port)
  replica() { echo "<shard><replica><host>127.0.0.1</host><port>$1</port></replica></shard>"; }
  remote="<remote_servers><growthlens_test>$(replica "$shard1_tcp")$(replica "$shard2_tcp")</growthlens_test></remote_servers>"
  clickhouse_start "$work/shard2" "$remote" "$shard2_tcp" || exit 1
  url="clickhouse://127.0.0.1:$CLICKHOUSE_HTTP_PORT/growthlens"
  "$binary" workspace init --workspace "$url" --cluster growthlens_test \
    --shard "clickhouse://127.0.0.1:$shard1_http/growthlens" \
    --shard "clickhouse://127.0.0.1:$CLICKHOUSE_HTTP_PORT/growthlens" > "$work/init.txt"
else
  clickhouse_start "$work/server" || exit 1
  url="clickhouse://127.0.0.1:$CLICKHOUSE_HTTP_PORT/growthlens"
  "$binary" workspace init --workspace "$url" > "$work/init.txt"
fi
grep -q "tables are ready" "$work/init.txt"

"$binary" generate --kind usage --users 3000 --seed 7 -o "$work/usage.csv" > /dev/null
"$binary" generate --kind events --users 1500 --seed 11 -o "$work/events.csv" > /dev/null
xz -dc "$source_dir/tests/data/online_retail.csv.xz" > "$work/online_retail.csv"

failures=0
for file in usage online_retail events; do
  "$binary" ingest "$work/$file.csv" --workspace "$work/$file.glw" --quiet --format json > /dev/null
  "$binary" ingest "$work/$file.csv" --workspace "$url" --quiet --format json > /dev/null
done
# The same file again adds nothing.
rows_before=$(clickhouse_query "$CLICKHOUSE_TCP_PORT" "SELECT count() FROM growthlens.usage")
"$binary" ingest "$work/usage.csv" --workspace "$url" --quiet --format json > /dev/null 2> "$work/again.txt"
rows_after=$(clickhouse_query "$CLICKHOUSE_TCP_PORT" "SELECT count() FROM growthlens.usage")
if [[ $rows_before != "$rows_after" ]] || ! grep -q "already ingested" "$work/again.txt"; then
  echo "FAIL: re-ingesting usage.csv changed the rows ($rows_before -> $rows_after)"
  failures=$((failures + 1))
fi

if [[ $mode == cluster ]]; then
  # Both shards hold rows, together all of them, and no user is on both.
  on1=$(clickhouse_query "$shard1_tcp" "SELECT count() FROM growthlens.usage_local")
  on2=$(clickhouse_query "$shard2_tcp" "SELECT count() FROM growthlens.usage_local")
  users1=$(clickhouse_query "$shard1_tcp" "SELECT uniqExact(user) FROM growthlens.usage_local")
  users2=$(clickhouse_query "$shard2_tcp" "SELECT uniqExact(user) FROM growthlens.usage_local")
  users=$(clickhouse_query "$shard2_tcp" "SELECT uniqExact(user) FROM growthlens.usage")
  echo "shards: $on1 + $on2 rows of $rows_after, $users1 + $users2 users of $users"
  if ((on1 == 0 || on2 == 0 || on1 + on2 != rows_after || users1 + users2 != users)); then
    echo "FAIL: the rows are not split by user over the two shards"
    failures=$((failures + 1))
  fi
fi

for kind in usage transactions; do
  file=$([[ $kind == usage ]] && echo usage || echo online_retail)
  for command in "kpis" "rfm --view segments" "rfm --view users" "segment --view personas --k 4"; do
    name="${kind}_${command// /_}"
    # shellcheck disable=SC2086
    "$binary" $command --workspace "$work/$file.glw" --kind "$kind" --quiet --format json \
      > "$work/$name.embedded.json"
    # shellcheck disable=SC2086
    "$binary" $command --workspace "$url" --kind "$kind" --quiet --format json \
      > "$work/$name.clickhouse.json"
    if ! python3 "$source_dir/tests/clickhouse/compare_results.py" \
      "$work/$name.embedded.json" "$work/$name.clickhouse.json"; then
      echo "FAIL: $kind: $command differs"
      failures=$((failures + 1))
    else
      echo "same: $kind: $command"
    fi
  done
done
# Funnels (pushed down as each user's step events, warehouse/clickhouse_funnels.h): every mode,
# an exclusion, the cohort breakdown, a trend and the drop-off users. The embedded workspace
# orders events of one millisecond as the file did, ClickHouse by name: the data must have no
# such ties between listed events, or the comparison would not be fair.
ties=$(clickhouse_query "$CLICKHOUSE_TCP_PORT" "SELECT count() FROM (SELECT user, day, ms_of_day
  FROM growthlens.events GROUP BY user, day, ms_of_day HAVING uniqExact(event) > 1)")
echo "events sharing a millisecond with another event of the same user: $ties groups"
# The workspace holds a usage log too, which a funnel reads first: --kind events on both.
steps="sign_up,create_project,invite_teammate,first_report"
for args in "--steps $steps --window 14d" "--steps $steps --window 1d --mode strict_increase" \
  "--steps $steps --window 7d --mode strict_order" "--steps $steps --window 3d --mode any_order" \
  "--steps $steps --window 30d --exclude dashboard" "--steps $steps --by cohort_month" \
  "--steps $steps --trend week" "--steps $steps --dropoff-users 2" \
  "--steps create_project,dashboard,search,reports --window 2d"; do
  name="funnel_${args// /_}"
  name=${name//,/_}
  echo "funnel $args"
  # shellcheck disable=SC2086
  "$binary" funnel $args --workspace "$work/events.glw" --kind events --quiet --format json \
    > "$work/$name.embedded.json"
  # shellcheck disable=SC2086
  "$binary" funnel $args --workspace "$url" --kind events --quiet --format json \
    > "$work/$name.clickhouse.json"
  # The drop-off users are listed in the order of user codes: the file's on the embedded
  # workspace, the server's on ClickHouse. The same users, compared in one order.
  for side in embedded clickhouse; do
    python3 -c '
import json, sys
result = json.load(open(sys.argv[1]))
if isinstance(result.get("users"), list):
    result["users"].sort(key=lambda row: row["user"])
json.dump(result, open(sys.argv[1], "w"))' "$work/$name.$side.json"
  done
  if ! python3 "$source_dir/tests/clickhouse/compare_results.py" \
    "$work/$name.embedded.json" "$work/$name.clickhouse.json"; then
    echo "FAIL: funnel $args differs"
    failures=$((failures + 1))
  else
    echo "  same ($(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(",".join(str(s["users"]) for s in d["steps"]) + " users by step" if "steps" in d else str(len(d["users"])) + " drop-off users")' "$work/$name.clickhouse.json"))"
  fi
done
# What is not pushed down says so, naming the parameter.
if "$binary" funnel --steps "$steps" --by persona --workspace "$url" --kind events --quiet > /dev/null \
  2> "$work/refused.txt" || ! grep -q "funnel --by persona does not run on a ClickHouse" "$work/refused.txt"; then
  echo "FAIL: funnel --by persona was not refused with a message"
  failures=$((failures + 1))
fi
exit $((failures > 0))
