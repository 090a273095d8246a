#!/usr/bin/env bash
# Faults between GrowthLens and ClickHouse (issue 22.5), made real: a loopback proxy
# (cutting_proxy.py) between the two breaks one connection, and the server is killed and started
# again mid-ingest. Each case checks that the fault happened (the proxy says so, the ingest says
# it retried) and then the outcome:
#   1. an insert whose body is cut half-way: retried, the table holds each row once;
#   2. an insert the server stored whose answer is lost: retried without a second copy (18.16:
#      the attempt's rows deleted first; 22.2 and later: the same deduplication token);
#   3. the server killed (SIGKILL) while an ingest runs, then started again on the same data:
#      the ingest either finishes or fails with a clear message, and ingesting the file again
#      leaves each row once;
#   4. a query whose answer breaks half-way: read again, the funnel equals the one without fault;
#   5. no server at all: the error names the server and the query, and the command fails.
# "Each row once": count() and sum(events) equal the embedded workspace's rows and events, and
# no (user, day, ms_of_day, event) appears more often than in the embedded workspace.
# Exits 77 (skipped) when clickhouse-server is not installed.
#   tests/clickhouse/faults_clickhouse_test.sh path/to/growthlens SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
source "$source_dir/tests/clickhouse/clickhouse_server.sh"
clickhouse_require || exit 77
work=$(mktemp -d)
cleanup() {
  cutting_proxy_stop
  clickhouse_stop_all
  rm -rf "$work"
}
trap cleanup EXIT

clickhouse_start "$work/server" || exit 1
tcp=$CLICKHOUSE_TCP_PORT
http=$CLICKHOUSE_HTTP_PORT
query() { clickhouse_query "$tcp" "$1"; }


"$binary" generate --kind events --users 2000 --seed 5 -o "$work/events.csv" > /dev/null
"$binary" ingest "$work/events.csv" --workspace "$work/events.glw" --quiet > /dev/null
expected=$("$binary" kpis --workspace "$work/events.glw" --quiet --format json |
  python3 -c 'import json, sys; k = json.load(sys.stdin); print(k["rows"], k["events"])')
echo "embedded workspace: rows events = $expected"
# The embedded rows' multiplicities, to compare ClickHouse's with.
"$binary" generate --kind events --users 2000 --seed 5 -o - |
  python3 -c '
import collections, csv, sys
rows = collections.Counter()
for row in csv.DictReader(sys.stdin):
    rows[(row["user_id"], row["timestamp"], row["event"])] += 1
print(max(rows.values()))' > "$work/max_copies.txt"

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# check_once WHAT: the events table holds the embedded workspace's rows, each once.
check_once() {
  local stored copies
  stored=$(query "SELECT count(), sum(events) FROM growthlens.events" | tr '\t' ' ')
  copies=$(query "SELECT max(c) FROM (SELECT count() AS c FROM growthlens.events
    GROUP BY user, day, ms_of_day, event)")
  echo "$1: stored rows events = $stored, at most $copies copies of a row"
  [[ $stored == "$expected" ]] || fail "$1: ClickHouse holds $stored, expected $expected"
  ((copies <= $(cat "$work/max_copies.txt"))) || fail "$1: a row is stored $copies times"
}
# reset: an empty workspace.
reset() {
  query "DROP DATABASE IF EXISTS growthlens"
  "$binary" workspace init --workspace "clickhouse://127.0.0.1:$http/growthlens" > /dev/null
}

# insert_fault CASE MODE BROKE: ingests through a proxy breaking one connection in MODE after
# 1 MB (the block is about 7 MB; the small queries before it are far below 1 MB); the proxy must
# say BROKE, the ingest that it sent again, and the table must hold each row once.
insert_fault() {
  reset
  cutting_proxy_start "$http" "$work" growthlens "$2" 1000000
  "$binary" ingest "$work/events.csv" --workspace "$CUTTING_PROXY_URL" --quiet "${@:4}" \
    2> "$work/$2.txt" > /dev/null
  cat "$work/proxy.log" "$work/$2.txt"
  grep -q "broke: $3" "$work/proxy.log" || fail "$1: the proxy broke nothing"
  grep -q "sent again" "$work/$2.txt" || fail "$1: the ingest did not say it retried"
  check_once "$1"
}
# 1. The insert's body cut half-way. 2. The server stores the block, its answer is lost.
insert_fault "case 1 (insert cut)" cut-request "request cut"
insert_fault "case 2 (answer lost)" drop-answer "answer dropped"
# 1 again with the file sent in chunks (prep/chunked_ingest.h): the attempt's rows are deleted
# and every chunk sent again from the first.
insert_fault "case 1 in chunks (insert cut)" cut-request "request cut" --chunk-bytes 2000000
cutting_proxy_stop

# 3. The server killed mid-ingest (a larger file, in blocks: the kill lands between or inside
#    inserts), then started again on the same data directory.
reset
"$binary" generate --kind events --users 30000 --seed 6 -o "$work/big.csv" > /dev/null
url="clickhouse://127.0.0.1:$http/growthlens"
# Progress on stderr says when the inserts begin (after reading and cleaning the file).
"$binary" ingest "$work/big.csv" --workspace "$url" > /dev/null 2> "$work/kill.txt" &
ingest_pid=$!
for _ in $(seq 1 1200); do
  grep -q "inserting into ClickHouse" "$work/kill.txt" 2> /dev/null && break
  sleep 0.05
done
# The first of the 4 blocks in (or the end), then the kill: it lands mid-ingest.
for _ in $(seq 1 400); do
  [[ $(query "SELECT count() FROM growthlens.events" 2> /dev/null || echo 0) != 0 ]] && break
  kill -0 "$ingest_pid" 2> /dev/null || break
  sleep 0.05
done
kill -9 "$CLICKHOUSE_PID"
before_kill=$(grep -c "block" "$work/kill.txt" || true)
wait "$CLICKHOUSE_PID" 2> /dev/null || true
echo "case 3: server killed; the ingest had $( ((before_kill > 0)) && echo "finished" || echo "not finished")"
sleep 1
clickhouse_start "$work/server" "" "$tcp" || exit 1
ingest_status=0
wait "$ingest_pid" || ingest_status=$?
cat "$work/kill.txt"
if ((ingest_status != 0)); then
  grep -q "ClickHouse at clickhouse://127.0.0.1:$http/growthlens" "$work/kill.txt" ||
    fail "case 3: the failed ingest's message does not name the server"
  # The retry of the whole file: each row once.
  "$binary" ingest "$work/big.csv" --workspace "$url" --quiet > /dev/null 2>> "$work/kill.txt"
fi
big_expected=$("$binary" generate --kind events --users 30000 --seed 6 -o - | tail -n +2 | wc -l)
stored=$(query "SELECT count() FROM growthlens.events")
history=$(query "SELECT count() FROM growthlens.ingest_history")
echo "case 3: ingest exit $ingest_status; stored $stored rows (file: $big_expected lines), $history history row(s)"
# The kill must have hit the ingest: it retried, or failed and was run again.
((before_kill == 0)) || fail "case 3: the ingest finished before the server was killed"
grep -q -E "sent again|failed" "$work/kill.txt" || fail "case 3: the ingest saw no fault"
# The ingest drops exact duplicate lines only; none here, as the embedded count shows.
big_rows=$("$binary" ingest "$work/big.csv" --workspace "$work/big.glw" --quiet --format json |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["rows_kept"])')
[[ $stored == "$big_rows" ]] || fail "case 3: ClickHouse holds $stored rows, the file $big_rows"
[[ $history == 1 ]] || fail "case 3: $history history rows"

# 4. A funnel query whose answer breaks half-way is read again.
reset
"$binary" ingest "$work/events.csv" --workspace "$url" --quiet 2> /dev/null > /dev/null
steps="sign_up,create_project,invite_teammate,first_report,dashboard"
"$binary" funnel --steps "$steps" --workspace "$url" --quiet --format json > "$work/direct.json"
cutting_proxy_start "$http" "$work" growthlens cut-answer 30000
"$binary" funnel --steps "$steps" --workspace "$CUTTING_PROXY_URL" --quiet --format json > "$work/proxied.json"
cat "$work/proxy.log"
grep -q "broke: answer cut" "$work/proxy.log" || fail "case 4: the proxy cut no answer"
cmp -s "$work/direct.json" "$work/proxied.json" || fail "case 4: the funnel differs after a retry"
cutting_proxy_stop

# 5. No server behind the address: a clear error, naming it and what was being done, and the
#    exit code of a service that does not answer.
cutting_proxy_start "$http" "$work" growthlens cut-answer 1000000000
dead_port=$(cat "$work/proxy.port")
cutting_proxy_stop
dead_status=0
"$binary" funnel --steps "$steps" --workspace "clickhouse://127.0.0.1:$dead_port/growthlens" \
  --quiet > /dev/null 2> "$work/dead.txt" || dead_status=$?
# 7: a service the work needs does not answer (try later), told apart from a bad query (3).
[[ $dead_status == 7 ]] || fail "case 5: a funnel without a server exited $dead_status, not 7"
cat "$work/dead.txt"
grep -q "ClickHouse at clickhouse://127.0.0.1:$dead_port/growthlens: the query 'SELECT version()' failed" "$work/dead.txt" ||
  fail "case 5: the error does not name the server and the query"
exit $((failures > 0))
