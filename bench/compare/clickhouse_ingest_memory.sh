#!/usr/bin/env bash
# Time and peak memory of `growthlens ingest FILE --workspace clickhouse://...` (issue 22.6): per
# size, a generated event log (about 65 events a user) is ingested into a fresh database of one
# loopback ClickHouse server by each binary given, under GNU time (wall, user + sys CPU, peak
# RSS); the stages' peaks come from bench/rss_by_stage.sh (its logs are kept in the work dir).
#   bench/compare/clickhouse_ingest_memory.sh "SIZES" BINARY [BINARY ...]
#   e.g. bench/compare/clickhouse_ingest_memory.sh "1M 10M" /path/to/main/growthlens build/growthlens
# GROWTHLENS_BENCH_DIR (default /tmp/growthlens_ingest_memory) keeps the files;
# GROWTHLENS_BENCH_PORT (default 9500) is the server's TCP port, HTTP the next one.
set -euo pipefail
sizes=$1
shift
here=$(cd "$(dirname "$0")/../.." && pwd)
dir=${GROWTHLENS_BENCH_DIR:-/tmp/growthlens_ingest_memory}
mkdir -p "$dir"
source "$here/tests/clickhouse/clickhouse_server.sh"
clickhouse_require || {
  echo "clickhouse-server is not installed"
  exit 1
}
trap clickhouse_stop_all EXIT
clickhouse_start "$dir/server" "" "${GROWTHLENS_BENCH_PORT:-9500}"
uptime
echo "| events | binary | wall | CPU (user + sys) | peak RSS | rows added |"
echo "|---|---|---|---|---|---|"
for size in $sizes; do
  case $size in
    *M) events=$((${size%M} * 1000000)) ;;
    *) events=$size ;;
  esac
  file=$dir/events_$size.csv
  [[ -s $file ]] || "$1" generate --kind events --users $((events / 65)) --seed 1 -o "$file" -q
  index=0
  for binary in "$@"; do
    index=$((index + 1))
    db=ingest_${size}_$index
    clickhouse_query "$CLICKHOUSE_TCP_PORT" "DROP DATABASE IF EXISTS $db"
    "$binary" workspace init --workspace "clickhouse://127.0.0.1:$CLICKHOUSE_HTTP_PORT/$db" > /dev/null
    log=$dir/ingest_${size}_$index.log
    bash "$here/bench/rss_by_stage.sh" "$log" "$binary" ingest "$file" \
      --workspace "clickhouse://127.0.0.1:$CLICKHOUSE_HTTP_PORT/$db" > /dev/null
    rows=$(clickhouse_query "$CLICKHOUSE_TCP_PORT" "SELECT count() FROM $db.events")
    grep -o 'TIME.*' "$log" | tail -1 | awk -v size="$size" -v binary="$binary" -v rows="$rows" '{
      printf "| %s | %s | %s s | %.2f s | %.0f MB | %s |\n", size, binary, $2, $5 + $8,
        $10 / 1024, rows }'
  done
done
