#!/usr/bin/env bash
# Same numbers on a ClickHouse workspace as on the embedded one (issue 22.3): the same files
# (a generated usage log and Online Retail) are ingested into a workspace file and into a
# ClickHouse server of our own (clickhouse_server.sh: a free loopback port, a temporary
# directory), and every analysis pushed down (kpis, rfm, segment, usage, cohorts, lifecycle,
# insights, users, paths and analyze, on a usage log, an event log and Online Retail (with its
# products' Pareto curve); kpis and rfm also over
# date windows: closed, open at either end, reaching before the data and after it; usage, cohorts,
# lifecycle and revenue over windows too, and usage with --features) is compared by
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

# Without its signup column: a ClickHouse workspace stores no signup dates (docs/CLICKHOUSE.md),
# so its cohorts are by first activity, and the embedded one must see the same data.
"$binary" generate --kind usage --users 3000 --seed 7 -o "$work/usage_signup.csv" > /dev/null
cut -d, -f1,3- "$work/usage_signup.csv" > "$work/usage.csv"
"$binary" generate --kind events --users 1500 --seed 11 -o "$work/events.csv" > /dev/null
xz -dc "$source_dir/tests/data/online_retail.csv.xz" > "$work/online_retail.csv"

failures=0
for file in usage events online_retail; do
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

# Every analysis pushed down (docs/CLICKHOUSE.md), in each of its views and periods.
common=("kpis" "kpis --view trend" "rfm --view segments" "rfm --view users" "segment --view personas --k 4"
  "rfm --view users --ties shared"
  "cohorts" "cohorts --period week" "cohorts --period day --mode on-or-after"
  "cohorts --values count" "lifecycle" "lifecycle --period week" "lifecycle --view stickiness")
product=("usage" "usage --view series" "usage --view series --period day --max-periods 0"
  "usage --view series --period week" "usage --view engagement" "usage --view correlation"
  "insights")
# Date windows pushed down (kpis, rfm): closed, open at either end, reaching before the data,
# and empty (after the data); boundaries inside weeks and months.
# windows FROM TO LATER BEFORE_DATA: sets window_commands.
windows() {
  window_commands=("kpis --from $1 --to $2" "rfm --view users --from $1 --to $2"
    "rfm --view segments --to $3" "kpis --from $3" "kpis --from $4 --to $2"
    "rfm --view users --from 2030-01-01" "kpis --from 2030-01-01"
    "kpis --view trend --from $1 --to $2" "kpis --view trend --from $4 --to $2"
    "kpis --view trend --from 2030-01-01" "rfm --view segments --ties shared --from $1 --to $2"
    "rfm --view users --reference-date $3" "segment --view personas --k 4 --reference-date 2030-01-01")
}
# Windows of cohorts (users who started before a window in their earlier cohort) and lifecycle
# (activity before the window still counts): activity_windows FROM TO LATER BEFORE_DATA appends.
activity_windows() {
  window_commands+=("cohorts --from $1 --to $2" "cohorts --period week --mode on-or-after --from $1"
    "cohorts --period day --to $2" "cohorts --from $4 --to $2" "cohorts --from 2030-01-01"
    "lifecycle --from $1 --to $2" "lifecycle --period week --from $1" "lifecycle --to $3"
    "lifecycle --view stickiness --from $1 --to $2" "lifecycle --from 2030-01-01")
}
windows 2025-03-12 2025-06-19 2025-09-30 2024-12-01
activity_windows 2025-03-12 2025-06-19 2025-09-30 2024-12-01
# usage over windows, and with features kept (FEATURES: two names of the log).
usage_windows() {
  window_commands+=("usage --from 2025-03-12 --to 2025-06-19" "usage --to 2025-06-19"
    "usage --view series --period week --from 2025-03-12 --to 2025-06-19"
    "usage --view series --period day --max-periods 0 --from 2025-09-30"
    "usage --view engagement --from 2024-12-01 --to 2025-02-10"
    "usage --view correlation --from 2025-03-12 --to 2025-06-19" "usage --from 2030-01-01"
    "usage --features $1" "usage --view engagement --features $1 --from 2025-03-12"
    "usage --view series --period week --features $1 --to 2025-06-19"
    "usage --view correlation --features $1,$1 --from 2025-03-12 --to 2025-06-19")
}
generated_windows=("${window_commands[@]}")
usage_features=Search,Export event_features=search,invite_teammate
windows 2011-03-10 2011-06-20 2011-09-30 2010-11-01
activity_windows 2011-03-10 2011-06-20 2011-09-30 2010-11-01
retail_windows=("${window_commands[@]}" "revenue --from 2011-03-10 --to 2011-06-20"
  "revenue --view countries --from 2011-03-10" "revenue --view seasonality --to 2011-06-20"
  "revenue --from 2010-11-01 --to 2011-01-15" "revenue --from 2030-01-01"
  "revenue --view products --from 2011-03-10 --to 2011-06-20" "revenue --view products --to 2011-01-15"
  "cohorts --values revenue --from 2011-03-10 --to 2011-06-20"
  "cohorts --values revenue --period week --from 2011-09-30")
# On a cluster every third windowed command: a window is one WHERE on the same queries, which
# the single server's run checks in full; what the shards change is how totals combine, which
# the commands without a window check in full (and CI's run stays within its time).
every_third() {
  local i
  picked=()
  for ((i = 0; i < $#; i++)); do
    [[ $mode == cluster && $((i % 3)) -ne 0 ]] || picked+=("${@:i+1:1}")
  done
}
for kind in usage events transactions; do
  case $kind in
    usage) window_commands=() && usage_windows "$usage_features" && file=usage &&
      every_third "${generated_windows[@]}" "${window_commands[@]}" &&
      commands=("${common[@]}" "${product[@]}" "${picked[@]}") ;;
    events) window_commands=() && usage_windows "$event_features" && file=events &&
      every_third "${generated_windows[@]}" "${window_commands[@]}" &&
      commands=("${common[@]}" "${product[@]}" "${picked[@]}") ;;
    transactions) file=online_retail && every_third "${retail_windows[@]}" &&
      commands=("${common[@]}" "cohorts --values revenue" "revenue" "revenue --view countries"
        "revenue --view seasonality" "revenue --view products" "insights" "${picked[@]}") ;;
  esac
  for command in "${commands[@]}"; do
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

# analyze: the whole report (KPIs, RFM, cohorts, lifecycle, stickiness, features, series,
# correlation, insights, personas; of transactions revenue, countries, seasons and products),
# but for the run's own timings, the cleaning report (the workspace file keeps every load's,
# ClickHouse the rows) and the source's name; once with the RFM scored otherwise (shared ties,
# a reference day).
for run in "usage" "events" "transactions" "usage --ties shared --reference-date 2030-01-01"; do
  kind=${run%% *}
  options=${run#"$kind"}
  name=analyze_${run//[^a-z0-9]/_}
  file=$kind
  [[ $kind != transactions ]] || file=online_retail
  # shellcheck disable=SC2086
  "$binary" analyze --workspace "$work/$file.glw" --kind "$kind" --quiet --format json \
    --no-write --k 4 $options > "$work/$name.embedded.json"
  # shellcheck disable=SC2086
  "$binary" analyze --workspace "$url" --kind "$kind" --quiet --format json --no-write --k 4 \
    $options > "$work/$name.clickhouse.json"
  if ! python3 "$source_dir/tests/clickhouse/compare_results.py" --ignore timings,cleaning,source \
    --unordered feature_series,feature_correlation \
    "$work/$name.embedded.json" "$work/$name.clickhouse.json"; then
    echo "FAIL: analyze $run differs"
    failures=$((failures + 1))
  else
    echo "same: analyze $run"
  fi
done

# users (the Users page: every user's RFM, persona, first and last day, cohort; filters; one
# user's timeline), paths and cohorts by behaviour (issue 22): users are listed by value, ties in user code order, so
# lists compare in id order (normalize_users.py); the whole list as its CSV export.
for kind in usage events transactions; do
  case $kind in
    usage) file=usage cohort=2025-03 week=2025-03-03 extra=("users --page-size 1000 --feature Search") ;;
    events) file=events cohort=2025-03 week=2025-03-03 extra=() ;;
    transactions) file=online_retail cohort=2011-01 week=2011-01-03 extra=() ;;
  esac
  first=$("$binary" users --workspace "$work/$file.glw" --kind "$kind" --quiet --format csv |
    sed -n 2p | cut -d, -f1)
  for command in "users --format csv" "users --page-size 1000 --segment Champions,Lost" \
    "users --page-size 1000 --cohort $cohort --age 1" "users --page-size 1000 --cohort $week --cohort-period week --search 1" \
    "users --id $first --format json" "users --page 3 --page-size 7 --segment Hibernating" "${extra[@]}"; do
    name="${kind}_${command// /_}"
    name=${name//,/_}
    format=json
    [[ $command == *"--format"* ]] || command="$command --format json"
    [[ $command == *"--format csv"* ]] && format=csv
    # shellcheck disable=SC2086
    "$binary" $command --workspace "$work/$file.glw" --kind "$kind" --quiet > "$work/$name.embedded.json"
    # shellcheck disable=SC2086
    "$binary" $command --workspace "$url" --kind "$kind" --quiet > "$work/$name.clickhouse.json"
    for side in embedded clickhouse; do
      python3 "$source_dir/tests/clickhouse/normalize_users.py" "$work/$name.$side.json" "$format" || true
    done
    if ! python3 "$source_dir/tests/clickhouse/compare_results.py" --cents monetary \
      "$work/$name.embedded.json" "$work/$name.clickhouse.json"; then
      echo "FAIL: $kind: $command differs"
      failures=$((failures + 1))
    else
      echo "same: $kind: $command ($(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d.get("users", d.get("timeline", []))), "rows")' "$work/$name.clickhouse.json"))"
    fi
  done
done
for command in "paths" "paths --steps 6 --top 100 --min-share 0" "paths --start create_project --steps 3" \
  "paths --end first_report --steps 5 --min-share 0.001" "paths --collapse-repeats --max-gap 30" \
  "paths --start dashboard --exclude search,reports --collapse-repeats" \
  "paths --end invite_teammate --max-gap 1440 --exclude dashboard" \
  "paths --from 2025-03-12 --to 2025-06-19 --start create_project" "paths --from 2025-05-01 --steps 10" \
  "cohorts --start-event create_project --return-event dashboard" \
  "cohorts --start-event sign_up --period week --mode on-or-after" "cohorts --return-event reports" \
  "cohorts --start-event invite_teammate --period day --max-periods 40"; do
  name="events_${command// /_}"
  name=${name//,/_}
  # shellcheck disable=SC2086
  "$binary" $command --workspace "$work/events.glw" --kind events --quiet --format json > "$work/$name.embedded.json"
  # shellcheck disable=SC2086
  "$binary" $command --workspace "$url" --kind events --quiet --format json > "$work/$name.clickhouse.json"
  if ! python3 "$source_dir/tests/clickhouse/compare_results.py" \
    "$work/$name.embedded.json" "$work/$name.clickhouse.json"; then
    echo "FAIL: $command differs"
    failures=$((failures + 1))
  else
    echo "same: $command ($(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["users_with_path"], "of", d["users"], "users,", d["distinct_paths"], "paths") if "users_with_path" in d else print(len(d["cohorts"]), "cohorts")' "$work/$name.clickhouse.json"))"
  fi
done

# What is not pushed down is refused with a message, never answered from the per-user rows.
for command in "usage --users u1 --from 2024-02-01" "usage --segment Champions" \
  "users --from 2025-03-01" "users --kind transactions --country France"; do
  # shellcheck disable=SC2086
  if "$binary" $command --workspace "$url" --quiet > "$work/refused.txt" 2>&1 ||
    ! grep -q "run on a ClickHouse workspace" "$work/refused.txt"; then
    echo "FAIL: $command on ClickHouse was not refused: $(head -c 300 "$work/refused.txt")"
    failures=$((failures + 1))
  else
    echo "refused: $command"
  fi
done

# Churn (per-user rollups per cutoff, app/clickhouse_churn.h): train, evaluate and score.
if ! bash "$source_dir/tests/clickhouse/churn_compare.sh" "$binary" "$source_dir" "$work" "$url"; then
  echo "FAIL: churn differs"
  failures=$((failures + 1))
fi

# Funnels (pushed down as each user's step events, warehouse/clickhouse_funnels.h): every mode,
# an exclusion, the cohort breakdown, a trend and the drop-off users. The embedded workspace
# orders events of one millisecond as the file did, ClickHouse by name: the data must have no
# such ties between listed events, or the comparison would not be fair.
ties=$(clickhouse_query "$CLICKHOUSE_TCP_PORT" "SELECT count() FROM (SELECT user, day, ms_of_day
  FROM growthlens.events GROUP BY user, day, ms_of_day HAVING uniqExact(event) > 1)")
echo "events sharing a millisecond with another event of the same user: $ties groups"
if [ "$ties" != "0" ]; then
  echo "FAIL: the event log has $ties same-millisecond ties: the funnel comparison would not be fair"
  failures=$((failures + 1))
fi
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
if "$binary" funnel --steps "sign_up,create_project[platform=web]" --workspace "$url" --kind events \
  --quiet > /dev/null 2> "$work/refused.txt" ||
  ! grep -q "funnel --steps create_project\[platform=web\] does not run on a ClickHouse" "$work/refused.txt"; then
  echo "FAIL: a step on an event property was not refused with a message: $(head -c 300 "$work/refused.txt")"
  failures=$((failures + 1))
fi
exit $((failures > 0))
