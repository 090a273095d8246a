#!/usr/bin/env bash
# ClickHouse at scale (issue 22.6): for each size, generated events (`growthlens generate --kind
# events`, about 65 a user) loaded into a 2-shard loopback cluster (two Debian clickhouse-server
# processes, a Distributed table sharded by user: `workspace init --cluster`) and, up to
# GROWTHLENS_SCALE_EMBEDDED_MAX events (default 30M), into an embedded workspace file; then on each
#   - ingest, `analyze --kind events --no-write` and a 4-step funnel: wall, GrowthLens CPU
#     (user+sys) and peak RSS (GNU time), and the CPU of both ClickHouse servers (/proc);
#   - `serve --cache-mb 0 --no-warm-up`: the time until it answers, then the dashboard's main
#     routes each timed once with curl (the first request, no cache), and serve's peak RSS.
# On the cluster, each route's SQL is taken from the URL server's query_log (log_queries on in its
# users.d) and run again with clickhouse-client --time: "raw, sent" is the sum of every query the
# route sent, "raw, needed" that of the queries the route's numbers come from (its own, plus the
# whole-data totals; the per-user totals only for rfm, segment, usage's correlation and insights).
# The goals: GrowthLens under 1 GB at 100M events, each route within 2x of the raw query time.
#   bench/compare/clickhouse_scale.sh [SIZE ...]   (default 10M 30M 100M; 2.5M, 500k, 40000 work)
# Environment: GROWTHLENS_BENCH_DIR (work folder, default a temporary one, removed),
# GROWTHLENS_SCALE_BIN and GROWTHLENS_SCALE_BASELINE_BIN (below),
# GROWTHLENS_SCALE_PORT (first of 6 ClickHouse ports, default 9400), GROWTHLENS_SCALE_SERVE_PORT
# (first of 2 serve ports, default 8750), GROWTHLENS_SCALE_EMBEDDED_MAX.
# Needs build/growthlens, clickhouse-server and clickhouse-client, curl, /usr/bin/time, and disk
# for the CSV (about 65 bytes an event, deleted after each size) and ClickHouse's copy.
set -euo pipefail
cd "$(dirname "$0")/../.."
(($# > 0)) || set -- 10M 30M 100M
port=${GROWTHLENS_SCALE_PORT:-9400}
serve_port=${GROWTHLENS_SCALE_SERVE_PORT:-8750}
embedded_max=${GROWTHLENS_SCALE_EMBEDDED_MAX:-30000000}
work=${GROWTHLENS_BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
# A copy, so a rebuild while it runs changes nothing (GROWTHLENS_SCALE_BIN: this binary instead,
# run from where it is); GROWTHLENS_SCALE_BASELINE_BIN, another build (e.g. main's), also serves
# the cluster afterwards, for a table of its route times.
bin=${GROWTHLENS_SCALE_BIN:-}
if [[ -z $bin ]]; then
  cp build/growthlens "$work/growthlens"
  bin=$work/growthlens
fi
baseline=
if [[ -n ${GROWTHLENS_SCALE_BASELINE_BIN:-} ]]; then
  cp "$GROWTHLENS_SCALE_BASELINE_BIN" "$work/growthlens.baseline"
  baseline=$work/growthlens.baseline
fi
source tests/clickhouse/clickhouse_server.sh
clickhouse_require
serve_pid=
cleanup() {
  [[ -z $serve_pid ]] || kill "$serve_pid" 2> /dev/null || true
  clickhouse_stop_all
  if [[ -z ${GROWTHLENS_BENCH_DIR:-} ]]; then rm -rf "$work"; fi
  return 0
}
trap cleanup EXIT

# The cluster: shard 1 on $port, shard 2 (which holds the Distributed tables and the URL) on
# $port + 3; shard 2 logs its queries.
shard1=$port shard2=$((port + 3))
rm -rf "$work/shard1" "$work/shard2"
mkdir -p "$work/shard2/config/users.d"
cat > "$work/shard2/config/users.d/log_queries.xml" << 'EOF'
<?xml version="1.0"?>
<yandex><profiles><default><log_queries>1</log_queries></default></profiles></yandex>
EOF
replica() { echo "<shard><replica><host>127.0.0.1</host><port>$1</port></replica></shard>"; }
remote="<remote_servers><growthlens_scale>$(replica "$shard1")$(replica "$shard2")</growthlens_scale></remote_servers>"
clickhouse_start "$work/shard1" "" "$shard1"
pid1=$CLICKHOUSE_PID
clickhouse_start "$work/shard2" "$remote" "$shard2"
pid2=$CLICKHOUSE_PID
database=scale
url="clickhouse://127.0.0.1:$((shard2 + 1))/$database"
query2() { clickhouse-client --host 127.0.0.1 --port "$shard2" --database "$database" "$@"; }
echo "ClickHouse $(clickhouse_query "$shard2" 'SELECT version()'), 2 shards on 127.0.0.1:$shard1 and :$shard2"

ticks=$(getconf CLK_TCK)
server_ticks() { awk '{ s += $14 + $15 } END { print s }' "/proc/$pid1/stat" "/proc/$pid2/stat"; }
load() { uptime | sed 's/.*load average: //'; }
seconds() { awk -v t="$1" -v hz="$ticks" 'BEGIN { printf "%.2f", t / hz }'; }

# measure LABEL COMMAND...: one row of wall, GrowthLens CPU and peak RSS, ClickHouse CPU.
measure() {
  local label=$1 before after
  shift
  before=$(server_ticks)
  if ! /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > "$work/out" 2> "$work/err"; then
    echo "FAIL: $label" >&2
    tail -5 "$work/err" >&2
    exit 1
  fi
  after=$(server_ticks)
  read -r wall user sys rss < "$work/time"
  printf "| %-32s | %8.2f s | %8.2f s | %7.0f MB | %8s s |\n" "$label" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
    "$(seconds $((after - before)))" | tee -a "$work/table"
}

# The dashboard's main routes (the overview, usage, RFM, cohorts and funnel pages' first views).
steps=sign_up,create_project,invite_teammate,first_report
routes=(
  "kpis?dataset=events" "segment?dataset=events" "insights?dataset=events"
  "usage?dataset=events" "usage?dataset=events&view=series" "usage?dataset=events&view=correlation"
  "rfm?dataset=events" "cohorts?dataset=events" "lifecycle?dataset=events"
  "funnel?dataset=events&steps=$steps"
)

# serve_routes NAME WORKSPACE PORT [BINARY]: starts serve, times it until it answers and each route once;
# writes "route seconds t0 t1" lines to $work/routes.NAME and serve's peak RSS to $work/rss.NAME.
serve_routes() {
  local name=$1 workspace=$2 at=$3 binary=${4:-$bin} start route t0 t1 answer
  start=$(date +%s.%N)
  serve_t0=${start%.*}
  "$binary" serve --workspace "$workspace" --port "$at" --cache-mb 0 --no-warm-up \
    --live-refresh 86400 --quiet > "$work/serve.$name.log" 2>&1 &
  serve_pid=$!
  # Ready when it says where the dashboard is (after loading) and answers.
  until grep -q "dashboard on" "$work/serve.$name.log" &&
    curl -sf -o /dev/null "http://127.0.0.1:$at/api/v1/status"; do
    kill -0 "$serve_pid" 2> /dev/null || {
      cat "$work/serve.$name.log" >&2
      exit 1
    }
    sleep 0.2
  done
  serve_t1=$(date +%s)
  echo "serve, $name: answers after $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }') s," \
    "RSS $(awk '/VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$serve_pid/status"); load $(load)"
  : > "$work/routes.$name"
  for route in "${routes[@]}"; do
    sleep 1.1  # each route's queries in seconds of their own in the query_log
    t0=$(date +%s)
    answer=$(curl -s -o "$work/answer.json" -w "%{http_code} %{time_total}" \
      "http://127.0.0.1:$at/api/v1/$route")
    t1=$(date +%s)
    [[ ${answer%% *} == 200 ]] || echo "  $route answered ${answer%% *}: $(head -c 300 "$work/answer.json")" >&2
    echo "$route ${answer#* } $t0 $t1 ${answer%% *}" >> "$work/routes.$name"
  done
  awk '/VmHWM/ { printf "%.0f\n", $2 / 1024 }' "/proc/$serve_pid/status" > "$work/rss.$name"
  awk -v hz="$ticks" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$serve_pid/stat" > "$work/cpu.$name"
  kill "$serve_pid"
  wait "$serve_pid" 2> /dev/null || true
  serve_pid=
}

# classify SQL: what a query the serve sent computes: "meta" (row counts, the version), "users"
# (the per-user totals: a join of per-user and per-feature sums), "totals" (the whole data's) or
# "own" (the route's own aggregation).
classify() {
  case $1 in
    "SELECT count() FROM "* | "SELECT version()"*) echo meta ;;
    *"ANY LEFT JOIN"*feature_names*) echo users ;;
    *"uniqExact(user, toMonday"*) echo totals ;;
    *) echo own ;;
  esac
}

# rerun T0 T1: re-runs the queries shard 2 logged from T0 to T1 (seconds), one "class seconds"
# line each (clickhouse-client --time, the answer read and dropped).
rerun() {
  local q elapsed
  query2 --query "SELECT replaceAll(query, '\n', ' ') FROM system.query_log WHERE type = 2
    AND is_initial_query AND event_time >= toDateTime($1) AND event_time <= toDateTime($2)
    AND query NOT LIKE '%system.%' ORDER BY event_time FORMAT TSVRaw" > "$work/queries"
  while IFS= read -r q; do
    elapsed=$(query2 --time --query "$q" 2>&1 > /dev/null | tail -1)
    echo "$(classify "$q") $elapsed"
  done < "$work/queries"
}

# raw_time T0 T1 ROUTE: "queries sent_seconds needed_seconds": the route's own aggregation
# (re-run), plus the whole-data totals for kpis and insights and the per-user totals for rfm,
# segment, usage's correlation and insights (as serve's load sent them: $raw_users, $raw_totals),
# whether this build sent them again or not.
raw_time() {
  local route=$3
  rerun "$1" "$2" | awk -v route="$route" -v users="$raw_users" -v totals="$raw_totals" '
    { count++; sent += $2; if ($1 == "own") own += $2 }
    END { needed = own
          if (route ~ /^(kpis|insights)/) needed += totals
          if (route ~ /^(rfm|segment|insights)/ || route ~ /correlation/) needed += users
          printf "%d %.3f %.3f\n", count, sent, needed }'
}

events_of() {
  case $1 in
    *M) echo $((${1%M} * 1000000)) ;;
    *k) echo $((${1%k} * 1000)) ;;
    *) echo "$1" ;;
  esac
}

for size in "$@"; do
  events=$(events_of "$size")
  users=$((events / 65))
  echo
  echo "== $size events ($users users); load $(load)"
  : > "$work/table"
  csv="$work/events.csv"
  echo "| step | wall | GrowthLens CPU | GrowthLens peak | ClickHouse CPU |"
  echo "|---|---|---|---|---|"
  measure "generate" "$bin" generate --kind events --users "$users" --seed 42 -o "$csv" --quiet
  rows=$(($(wc -l < "$csv") - 1))
  echo "   $rows events, $(du -h "$csv" | cut -f1)"
  "$bin" workspace init --workspace "$url" --cluster growthlens_scale \
    --shard "clickhouse://127.0.0.1:$((shard1 + 1))/$database" --shard "$url" > /dev/null
  embedded=
  ((rows > embedded_max)) || embedded="$work/events.glw"
  measure "ingest, ClickHouse cluster" "$bin" ingest "$csv" --workspace "$url" --quiet
  [[ -z $embedded ]] || measure "ingest, embedded" "$bin" ingest "$csv" --workspace "$embedded" --quiet
  rm -f "$csv"
  echo "   shards: $(clickhouse_query "$shard1" "SELECT count() FROM $database.events_local") +" \
    "$(clickhouse_query "$shard2" "SELECT count() FROM $database.events_local") rows," \
    "$(clickhouse_query "$shard1" "SELECT formatReadableSize(sum(bytes)) FROM system.parts WHERE active AND database = '$database'") +" \
    "$(clickhouse_query "$shard2" "SELECT formatReadableSize(sum(bytes)) FROM system.parts WHERE active AND database = '$database'") on disk"
  measure "analyze, ClickHouse cluster" "$bin" analyze --workspace "$url" --kind events --no-write --quiet --format json
  [[ -z $embedded ]] || measure "analyze, embedded" "$bin" analyze --workspace "$embedded" --kind events --no-write --quiet --format json
  measure "funnel (4 steps), ClickHouse cluster" "$bin" funnel --workspace "$url" --kind events --steps "$steps" --quiet --format json
  [[ -z $embedded ]] || measure "funnel (4 steps), embedded" "$bin" funnel --workspace "$embedded" --kind events --steps "$steps" --quiet --format json

  serve_routes clickhouse "$url" "$serve_port"
  serve_ready_t0=$serve_t0 serve_ready_t1=$serve_t1
  [[ -z $embedded ]] || serve_routes embedded "$embedded" $((serve_port + 1))
  query2 --query "SYSTEM FLUSH LOGS" 2> /dev/null || sleep 8
  # The aggregates serve's load read: the per-user and the whole-data totals, re-run.
  rerun "$serve_ready_t0" "$serve_ready_t1" > "$work/load_queries"
  raw_users=$(awk '$1 == "users" { s += $2 } END { printf "%.3f", s }' "$work/load_queries")
  raw_totals=$(awk '$1 == "totals" { s += $2 } END { printf "%.3f", s }' "$work/load_queries")
  echo "raw ClickHouse, re-run: per-user totals $raw_users s, whole-data totals $raw_totals s"
  echo
  echo "serve, first request of each route (cache off); load $(load)"
  echo "| route | ClickHouse serve | raw ClickHouse, sent (queries) | raw, needed | serve / needed | embedded serve |"
  echo "|---|---|---|---|---|---|"
  while read -r route secs t0 t1 code; do
    read -r count sent needed <<< "$(raw_time "$t0" "$t1" "$route")"
    emb=-
    [[ -z $embedded ]] || emb="$(awk -v r="$route" '$1 == r { printf "%.2f s", $2 }' "$work/routes.embedded")"
    printf "| %s | %.2f s%s | %.2f s (%d) | %.2f s | %s | %s |\n" "$(sed 's/dataset=events&*//; s/?$//' <<< "$route")" "$secs" \
      "$([[ $code == 200 ]] || echo " ($code)")" "$sent" "$count" "$needed" \
      "$(awk -v a="$secs" -v b="$needed" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')" "$emb"
  done < "$work/routes.clickhouse"
  echo "serve peak RSS: ClickHouse $(cat "$work/rss.clickhouse") MB (CPU $(cat "$work/cpu.clickhouse") s)$(
    [[ -z $embedded ]] || echo ", embedded $(cat "$work/rss.embedded") MB (CPU $(cat "$work/cpu.embedded") s)"); load $(load)"
  if [[ -n $baseline ]]; then
    serve_routes baseline "$url" $((serve_port + 2)) "$baseline"
    echo "| route | ClickHouse serve, baseline build |"
    echo "|---|---|"
    awk '{ r = $1; sub(/dataset=events&*/, "", r); sub(/[?]$/, "", r)
           printf "| %s | %.2f s%s |\n", r, $2, $5 == 200 ? "" : " (" $5 ")" }' "$work/routes.baseline"
    echo "baseline build's serve peak RSS $(cat "$work/rss.baseline") MB (CPU $(cat "$work/cpu.baseline") s); load $(load)"
  fi
  cp "$work/table" "$work/table.$size"
  awk -v s="$size" -v r="$(cat "$work/rss.clickhouse")" 'BEGIN { print s, r }' >> "$work/serve_rss"
  clickhouse_query "$shard2" "DROP DATABASE IF EXISTS $database"
  clickhouse_query "$shard1" "DROP DATABASE IF EXISTS $database"
  rm -f "$work/events.glw"*
done

# How each step grows with the events: wall time and peak memory per size.
if (($# > 1)); then
  tables=()
  for size in "$@"; do tables+=("$work/table.$size"); done
  echo
  echo "growth: wall / GrowthLens peak per size"
  sizes="$*"
  echo "| step | ${sizes// / | } |"
  echo "|---|$(printf -- '---|%.0s' "$@")"
  awk -F'|' '
    FNR == 1 { size = FILENAME; sub(/.*table\./, "", size); sizes[++n] = size }
    { label = $2; gsub(/^ +| +$/, "", label); if (!(label in seen)) { seen[label] = 1; order[++m] = label }
      wall = $3; gsub(/^ +| +$/, "", wall); peak = $5; gsub(/^ +| +$/, "", peak)
      cell[label, size] = wall " / " peak }
    END { for (i = 1; i <= m; i++) { line = "| " order[i]
            for (j = 1; j <= n; j++) line = line " | " ((order[i], sizes[j]) in cell ? cell[order[i], sizes[j]] : "-")
            print line " |" } }' "${tables[@]}"
  echo "serve peak RSS (ClickHouse) per size: $(tr '\n' ' ' < "$work/serve_rss")"
fi
