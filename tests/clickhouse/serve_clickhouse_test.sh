#!/usr/bin/env bash
# `growthlens serve` on a ClickHouse workspace answers the dashboard's routes with the numbers of
# the embedded workspace (issue 22): a small generated usage log, event log and transactions are
# ingested into a workspace file and into a ClickHouse server of our own (clickhouse_server.sh),
# both are served, and the JSON of the main routes (KPIs, usage, cohorts, lifecycle, RFM,
# segment, revenue, insights, funnel, users, paths, clv, predictions; date windows of kpis, rfm,
# usage, cohorts, lifecycle and revenue, and usage's features) is compared by compare_results.py: counts exactly, floats
# to a relative 1e-9. Routes not pushed down are refused with 501 and a sentence saying so;
# /api/v1/status says where the data lives. Exits 77 (skipped) when clickhouse-server is not
# installed.
#   tests/clickhouse/serve_clickhouse_test.sh path/to/growthlens SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
source "$source_dir/tests/clickhouse/clickhouse_server.sh"
clickhouse_require || exit 77
work=$(mktemp -d)
server_pids=()
cleanup() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${server_pids[@]}"; do wait "$pid" 2> /dev/null || true; done
  clickhouse_stop_all
  rm -rf "$work"
}
trap cleanup EXIT
clickhouse_start "$work/clickhouse" || exit 1
url="clickhouse://127.0.0.1:$CLICKHOUSE_HTTP_PORT/growthlens"
"$binary" workspace init --workspace "$url" > /dev/null

# Small data (the comparison, not the size, is the point). No signup column: a ClickHouse
# workspace stores none, so cohorts are by first activity on both sides.
"$binary" generate --kind usage --users 400 --seed 7 -o "$work/usage_signup.csv" > /dev/null
cut -d, -f1,3- "$work/usage_signup.csv" > "$work/usage.csv"
"$binary" generate --kind events --users 300 --seed 11 -o "$work/events.csv" > /dev/null
"$binary" generate --kind transactions --users 200 --seed 5 -o "$work/transactions.csv" > /dev/null
for file in usage events transactions; do
  "$binary" ingest "$work/$file.csv" --workspace "$work/embedded.glw" --quiet > /dev/null
  "$binary" ingest "$work/$file.csv" --workspace "$url" --quiet > /dev/null
done

# serve NAME WORKSPACE [OPTIONS]: starts a server on a free loopback port, sets served_port.
serve() {
  local name=$1 workspace=$2 port
  shift 2
  port=$(clickhouse_free_port)
  "$binary" serve --workspace "$workspace" --port "$port" --data-dir "$work/data_$name" --quiet \
    "$@" > "$work/serve_$name.log" 2>&1 &
  server_pids+=($!)
  for _ in $(seq 1 240); do
    if curl -sf "http://127.0.0.1:$port/api/v1/status" > /dev/null 2>&1; then
      served_port=$port
      return 0
    fi
    kill -0 "${server_pids[-1]}" 2> /dev/null || break
    sleep 0.25
  done
  cat "$work/serve_$name.log" >&2
  echo "FAIL: serve --workspace $workspace did not start" >&2
  return 1
}
serve embedded "$work/embedded.glw"
port_embedded=$served_port
# Checks ClickHouse for new loads every second (the default is 30).
serve clickhouse "$url" --live-refresh 1
port_clickhouse=$served_port
get() { curl -s -o "$3" -w '%{http_code}' "http://127.0.0.1:$1/api/v1/$2"; }

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# Where the data lives, and the same rows and users held.
get "$port_clickhouse" status "$work/status.clickhouse.json" > /dev/null
get "$port_embedded" status "$work/status.embedded.json" > /dev/null
python3 - "$work/status.embedded.json" "$work/status.clickhouse.json" "$url" << 'EOF' || fail "status"
import json, sys
embedded, clickhouse = (json.load(open(p)) for p in sys.argv[1:3])
assert clickhouse["store"] == "clickhouse" and clickhouse["clickhouse"] == sys.argv[3], clickhouse
assert embedded["store"] == "workspace", embedded["store"]
def held(status):
    return {d["kind"]: (d["rows"], d["users"], d["first_day"], d["last_day"]) for d in status["datasets"]}
assert held(embedded) == held(clickhouse), (held(embedded), held(clickhouse))
print("status: same datasets", held(clickhouse))
EOF

steps="sign_up,create_project,invite_teammate,first_report"
usage_features=Search,Export event_features=search,invite_teammate
product=("kpis" "kpis?view=trend" "usage" "usage?view=series&period=week" "usage?view=engagement"
  "usage?view=correlation" "cohorts" "cohorts?period=week" "lifecycle" "lifecycle?view=stickiness"
  "rfm" "rfm?view=segments" "rfm?view=grid" "segment?k=4" "insights")
routes=()
for route in "${product[@]}"; do
  for kind in usage events; do
    [[ $route == *\?* ]] && routes+=("$route&dataset=$kind") || routes+=("$route?dataset=$kind")
  done
done
routes+=("funnel?dataset=events&steps=$steps&window=14d"
  "funnel?dataset=events&steps=$steps&window=7d&mode=strict_order&trend=week"
  "kpis?dataset=transactions" "rfm?dataset=transactions" "cohorts?dataset=transactions&values=revenue"
  "lifecycle?dataset=transactions" "revenue" "revenue?view=countries" "revenue?view=seasonality"
  "revenue?view=products" "revenue?view=products&from=2025-03-01&to=2025-06-30"
  "insights?dataset=transactions"
  "kpis?dataset=usage&from=2025-03-01&to=2025-06-30" "kpis?dataset=events&from=2025-03-01"
  "kpis?dataset=transactions&view=trend" "kpis?dataset=usage&view=trend&from=2025-03-01&to=2025-06-30"
  "rfm?dataset=transactions&ties=shared" "rfm?dataset=events&view=users&reference-date=2025-06-01"
  "segment?dataset=usage&k=4&reference-date=2026-03-01"
  "rfm?dataset=usage&from=2025-03-01&to=2025-06-30" "rfm?dataset=transactions&to=2025-06-30"
  "clv" "clv?view=customers" "clv?view=parameters"
  "predictions?dataset=usage" "predictions?dataset=events"
  # Windows and features of usage, cohorts, lifecycle and revenue: computed in ClickHouse over
  # the window, never from the per-user stand-in rows.
  "usage?dataset=usage&from=2025-03-01&to=2025-06-30" "usage?dataset=events&from=2025-03-01"
  "usage?dataset=usage&view=series&period=week&from=2025-03-01&to=2025-06-30"
  "usage?dataset=events&view=correlation&to=2025-06-30"
  "usage?dataset=usage&view=engagement&features=$usage_features&from=2025-03-01"
  "usage?dataset=events&features=$event_features"
  "cohorts?dataset=usage&from=2025-03-01&to=2025-06-30" "cohorts?dataset=events&period=week&from=2025-03-01"
  "cohorts?dataset=transactions&values=revenue&from=2025-03-01&to=2025-09-30"
  "lifecycle?dataset=usage&from=2025-03-01&to=2025-06-30" "lifecycle?dataset=events&view=stickiness&from=2025-03-01"
  "lifecycle?dataset=transactions&period=week&to=2025-06-30"
  "revenue?from=2025-03-01&to=2025-06-30" "revenue?view=countries&from=2025-03-01"
  "revenue?view=seasonality&to=2025-06-30")
for route in "${routes[@]}"; do
  name=${route//[^a-z0-9]/_}
  code_embedded=$(get "$port_embedded" "$route" "$work/$name.embedded.json")
  code_clickhouse=$(get "$port_clickhouse" "$route" "$work/$name.clickhouse.json")
  if [[ $code_embedded != 200 || $code_clickhouse != 200 ]]; then
    fail "$route: HTTP $code_embedded (embedded) and $code_clickhouse (ClickHouse): $(head -c 300 "$work/$name.clickhouse.json")"
  elif ! python3 "$source_dir/tests/clickhouse/compare_results.py" --ignore source \
    "$work/$name.embedded.json" "$work/$name.clickhouse.json"; then
    fail "$route differs"
  else
    echo "same: $route"
  fi
done

# users (normalize_users.py: lists in id order, a timeline's features and invoices sorted),
# paths and cohorts by behaviour, through the ClickHouse plan (RunOnClickHouse), never the held per-user rows.
first_user=$(head -2 "$work/usage.csv" | tail -1 | cut -d, -f1)
first_customer=$(curl -s "http://127.0.0.1:$port_embedded/api/v1/users/export?dataset=transactions" |
  sed -n 2p | cut -d, -f1)
for route in "users?dataset=usage&page-size=1000" "users?dataset=events&page-size=1000&segment=Champions" \
  "users?dataset=transactions&page-size=1000" "users?dataset=usage&page-size=1000&cohort=2025-03&age=2" \
  "users?dataset=usage&id=$first_user" "users?dataset=transactions&id=$first_customer" \
  "users/export?dataset=events" \
  "paths?dataset=events" "paths?dataset=events&start=create_project&steps=3&min-share=0" \
  "paths?dataset=events&end=first_report&collapse-repeats=true&max-gap=60" \
  "cohorts?dataset=events&start-event=create_project&return-event=search&period=week"; do
  name=${route//[^a-z0-9]/_}
  code_embedded=$(get "$port_embedded" "$route" "$work/$name.embedded.json")
  code_clickhouse=$(get "$port_clickhouse" "$route" "$work/$name.clickhouse.json")
  format=json
  [[ $route == users/export* ]] && format=csv
  for side in embedded clickhouse; do
    [[ $route == users* ]] && python3 "$source_dir/tests/clickhouse/normalize_users.py" "$work/$name.$side.json" "$format" || true
  done
  if [[ $code_embedded != 200 || $code_clickhouse != 200 ]]; then
    fail "$route: HTTP $code_embedded (embedded) and $code_clickhouse (ClickHouse): $(head -c 300 "$work/$name.clickhouse.json")"
  elif ! python3 "$source_dir/tests/clickhouse/compare_results.py" --ignore source --cents monetary \
    "$work/$name.embedded.json" "$work/$name.clickhouse.json"; then
    fail "$route differs"
  else
    echo "same: $route"
  fi
done

# Not pushed down: 501 with a sentence the page shows as it is, never a number.
for route in "users?dataset=usage&from=2025-03-01" "predictions?dataset=transactions" \
  "cohorts?dataset=events&start-event=sign_up&from=2025-03-01" \
  "usage?dataset=usage&segment=Champions&from=2025-03-01" "analysis?dataset=usage"; do
  name=refused_${route//[^a-z0-9]/_}
  code=$(get "$port_clickhouse" "$route" "$work/$name.json")
  if [[ $code != 501 ]] || ! grep -q "not available on a ClickHouse workspace yet" "$work/$name.json"; then
    fail "$route on ClickHouse: HTTP $code, $(head -c 300 "$work/$name.json")"
  else
    echo "refused: $route ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["error"])' "$work/$name.json"))"
  fi
done
# Behavioural cohorts over a window: the 501 names the window's parameter, not start-event.
refused_cohorts=$work/refused_cohorts_dataset_events_start_event_sign_up_from_2025_03_01.json
parameter=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["parameter"])' "$refused_cohorts")
[[ $parameter == from ]] || fail "cohorts by behaviour with from: the 501 names parameter '$parameter', not 'from'"
code=$(curl -s -o "$work/upload.json" -w '%{http_code}' -X POST -H 'Content-Type: text/csv' \
  --data-binary @"$work/usage.csv" "http://127.0.0.1:$port_clickhouse/api/v1/upload?name=u.csv")
[[ $code == 501 ]] || fail "an upload to the ClickHouse server: HTTP $code, $(head -c 300 "$work/upload.json")"
# The server is still up after every refusal.
[[ $(get "$port_clickhouse" "kpis?dataset=usage" /dev/null) == 200 ]] || fail "the ClickHouse server stopped answering"

# A load ingested into ClickHouse while the server runs is served within seconds, as a new data
# generation (the cached KPIs of the old data are not answered again).
"$binary" generate --kind usage --users 30 --seed 8 --start 2026-01-01 --end 2026-01-31 \
  -o "$work/more_signup.csv" > /dev/null
cut -d, -f1,3- "$work/more_signup.csv" > "$work/more.csv"
# A server that would not notice the load for an hour: its all-time aggregates, held since its
# start, miss the new users, so its cohorts and lifecycle must come from a full reading (equal to
# those of the server that noticed it), never fail or mix the two. No cache and no warm-up: its
# answers are computed when asked, after the load (a page computed at start, before it, would be
# a whole answer of the old data, served from the cache as long as the data seems unchanged).
serve stale "$url" --live-refresh 3600 --cache-mb 0 --no-warm-up
port_stale=$served_port
"$binary" ingest "$work/more.csv" --workspace "$url" --quiet > /dev/null
expected=$(clickhouse_query "$CLICKHOUSE_TCP_PORT" "SELECT count() FROM growthlens.usage")
for _ in $(seq 1 60); do
  get "$port_clickhouse" "kpis?dataset=usage" "$work/kpis_after.json" > /dev/null
  rows=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"])' "$work/kpis_after.json")
  [[ $rows == "$expected" ]] && break
  sleep 0.5
done
if [[ $rows != "$expected" ]]; then
  fail "after a new load of $expected rows in all, the served KPIs count $rows rows"
else
  echo "new load served: kpis rows $rows"
fi
for route in "cohorts?dataset=usage" "lifecycle?dataset=usage"; do
  name=stale_${route//[^a-z0-9]/_}
  code_stale=$(get "$port_stale" "$route" "$work/$name.stale.json")
  code_fresh=$(get "$port_clickhouse" "$route" "$work/$name.fresh.json")
  if [[ $code_stale != 200 || $code_fresh != 200 ]]; then
    fail "$route after a load the server has not noticed: HTTP $code_stale (fresh: $code_fresh), $(head -c 300 "$work/$name.stale.json")"
  elif ! python3 "$source_dir/tests/clickhouse/compare_results.py" --ignore source \
    "$work/$name.fresh.json" "$work/$name.stale.json"; then
    fail "$route after a load the server has not noticed differs from a server that noticed it"
  else
    echo "same after an unnoticed load: $route"
  fi
done

# The collector on a ClickHouse workspace: events posted with the shared key go into the events
# table once ClickHouse confirmed them, each uuid once however often the batch is sent (also for a
# user id ClickHouse escapes in its answers: a quote, a backslash, a form feed); no key, 401.
key=collector-key-0123456789abcdef0123
printf '%s\n' "$key" > "$work/key"
serve collector "$url" --access-key-file "$work/key"
port_collector=$served_port
post_events() {  # post_events OUTPUT [CURL OPTIONS]: the HTTP status
  local out=$1
  shift
  curl -s -o "$out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$@" \
    --data-binary '[{"user_id":"live-1","event":"page_view","timestamp":"2025-06-01T10:00:00Z","uuid":"c-1"},
      {"user_id":"o\u0027brien \\ \f","event":"export","timestamp":"2025-06-01T10:00:05Z","uuid":"c-2"},
      {"user_id":"live-2","event":"page_view","timestamp":1748772000000,"uuid":"c-3"},
      {"event":"page_view"}]' "http://127.0.0.1:$port_collector/api/v1/events"
}
events_before=$(clickhouse_query "$CLICKHOUSE_TCP_PORT" "SELECT count() FROM growthlens.events")
for attempt in 1 2; do
  code=$(post_events "$work/events_$attempt.json" -H "Authorization: Bearer $key")
  accepted=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("accepted"))' \
    "$work/events_$attempt.json" 2> /dev/null || echo none)
  [[ $code == 200 && $accepted == 3 ]] ||
    fail "POST events to the ClickHouse server (attempt $attempt): HTTP $code, $(head -c 300 "$work/events_$attempt.json")"
done
events_after=$(clickhouse_query "$CLICKHOUSE_TCP_PORT" "SELECT count() FROM growthlens.events")
if [[ $((events_after - events_before)) != 3 ]]; then
  fail "two posts of the same 3 events added $((events_after - events_before)) rows to ClickHouse"
else
  echo "collector: 3 events stored once after two posts"
fi
code=$(post_events "$work/events_nokey.json")
[[ $code == 401 ]] || fail "POST events without a key: HTTP $code, $(head -c 300 "$work/events_nokey.json")"

# ClickHouse gone: a query the server must ask it (a window not asked before) answers 503 with
# Retry-After and a JSON error naming the server, not a 500; the server itself keeps answering.
clickhouse_stop_all
headers=$(curl -s -D - -o "$work/gone.json" -w '%{http_code}' \
  "http://127.0.0.1:$port_clickhouse/api/v1/kpis?dataset=usage&from=2025-04-03&to=2025-05-17")
code=${headers: -3}
[[ $code == 503 ]] || fail "a query with ClickHouse gone: HTTP $code, $(head -c 300 "$work/gone.json")"
grep -qi '^Retry-After: ' <<< "$headers" || fail "a query with ClickHouse gone: no Retry-After"
python3 -c 'import json, sys; e = json.load(open(sys.argv[1]))["error"]; sys.exit(0 if "ClickHouse at" in e else 1)' \
  "$work/gone.json" || fail "the 503 does not name ClickHouse: $(head -c 300 "$work/gone.json")"
[[ $(get "$port_clickhouse" "status" /dev/null) == 200 ]] || fail "the server stopped answering with ClickHouse gone"
exit $((failures > 0))
