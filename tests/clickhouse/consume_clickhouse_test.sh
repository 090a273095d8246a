#!/usr/bin/env bash
# `growthlens consume redis://... --workspace clickhouse://...` (issue 22.1 and 22.5): a Redis
# stream into ClickHouse's events table, each message's event exactly once, acknowledged only
# once ClickHouse confirmed it. Starts a redis-server and a ClickHouse server of its own.
#   1. the consumer killed with SIGKILL at random moments (5 times) while Redis holds 20,000
#      messages (half with a uuid, half keyed by their stream entry id, 3 malformed, 2 repeating
#      a uuid); after each kill every acknowledged message is in ClickHouse and none twice;
#      a last run to the end stores every well-formed message once (compared by key, computed
#      independently in consume_check.py), nothing pending, the malformed ones dead-lettered;
#   2. ClickHouse frozen (SIGSTOP) while the consumer runs and new messages come: it reads them
#      but acknowledges none until ClickHouse answers again (SIGCONT), then all are stored once;
#   3. a proxy that cuts an insert's body half-way, then one that drops the answer of an insert
#      ClickHouse stored: retried, each event once (the proxy must say it broke something).
# Exits 77 (skipped) when clickhouse-server is not installed.
#   tests/clickhouse/consume_clickhouse_test.sh path/to/growthlens SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
source "$source_dir/tests/clickhouse/clickhouse_server.sh"
clickhouse_require || exit 77
command -v redis-server > /dev/null || {
  echo "SKIP: redis-server not installed"
  exit 77
}
work=$(mktemp -d)
redis_pid=
cleanup() {
  cutting_proxy_stop
  [[ -n $redis_pid ]] && kill -KILL "$redis_pid" 2> /dev/null
  [[ -n ${CLICKHOUSE_PID:-} ]] && kill -CONT "$CLICKHOUSE_PID" 2> /dev/null
  clickhouse_stop_all
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

clickhouse_start "$work/server" || exit 1
tcp=$CLICKHOUSE_TCP_PORT
http=$CLICKHOUSE_HTTP_PORT
workspace="clickhouse://127.0.0.1:$http/live"
"$binary" workspace init --workspace "$workspace" > /dev/null

redis_port=$(clickhouse_free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning \
  > /dev/null &
redis_pid=$!
cli() { redis-cli -p "$redis_port" "$@"; }
for _ in $(seq 100); do cli PING > /dev/null 2>&1 && break || sleep 0.05; done
cli PING > /dev/null || fail "redis-server did not start"

# add_messages STREAM FROM TO: message n has id n-0; even n a uuid; the bad ones as listed.
bad="7 5000 12345 15000 19999"
add_messages() {
  awk -v stream="$1" -v from="$2" -v to="$3" -v bad="$bad" 'BEGIN {
    split(bad, b, " ")
    for (n = from; n <= to; ++n) {
      m = n == b[2] ? 2 : n == b[4] ? 4 : n  # those two repeat message 2 and 4 (a resend)
      line = sprintf("XADD %s %d-0 user_id u%d event e%d timestamp %.0f", stream, n, m % 997,
                     m % 7, 1740823200000 + m * 1000)
      if (n == b[1] || n == b[3] || n == b[5]) line = sprintf("XADD %s %d-0 event e1", stream, n)
      else if (m % 2 == 0) line = line " uuid id-" m
      print line
    }
  }' | cli > /dev/null
}
check() {  # check MODE STREAM MESSAGES
  python3 "$source_dir/tests/clickhouse/consume_check.py" "$1" "$redis_port" "$tcp" live "$2" \
    growthlens "$3" $bad
}
consume() {  # exec: the background job is the consumer itself, which kill reaches
  exec "$binary" consume "redis://127.0.0.1:$redis_port" --workspace "$workspace" --consumer c1 \
    --batch 500 --quiet "$@"
}

# 1. Killed at random moments.
messages=20000
add_messages live 1 "$messages"
kills=0 attempts=0
while [[ $kills -lt 5 ]]; do
  attempts=$((attempts + 1))
  [[ $attempts -le 20 ]] || fail "only $kills of $attempts attempts killed a running consumer"
  consume --stream live 2> "$work/stderr" &
  pid=$!
  sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", 0.2 + r / 32767 * 0.6 }')"
  kill -KILL "$pid" 2> /dev/null && kills=$((kills + 1))
  wait "$pid" 2> /dev/null || true
  check acked live "$messages" > "$work/check" || fail "after kill $kills: $(cat "$work/check")"
done
echo "case 1: $kills kills in $attempts attempts; after the last: $(cat "$work/check")"
(consume --stream live --until-idle) 2> "$work/stderr" || fail "the last run: $(cat "$work/stderr")"
check all live "$messages" || fail "case 1"
[[ $(cli XLEN live:dead) -eq 3 ]] || fail "$(cli XLEN live:dead) dead letters, expected 3"

# 2. No acknowledgement before ClickHouse confirms: the consumer runs, ClickHouse is frozen
# (SIGSTOP), 2,000 new messages come: the consumer reads them but acknowledges none until
# ClickHouse answers again (SIGCONT).
acked_of() {  # messages of stream $1 the group has read minus those pending (ids are n-0)
  cli XINFO GROUPS "$1" | awk 'NR % 2 == 1 { k = $0 } NR % 2 == 0 && k == "pending" { p = $0 }
    NR % 2 == 0 && k == "last-delivered-id" { split($0, id, "-"); l = id[1] } END { print l - p }'
}
pending_of() { cli XPENDING "$1" growthlens | head -1; }
clickhouse_query "$tcp" "TRUNCATE TABLE live.events"
add_messages frozen 1 1000
consume --stream frozen 2> "$work/frozen.txt" &
pid=$!
for _ in $(seq 300); do
  [[ $(acked_of frozen 2> /dev/null) == 1000 ]] && break
  sleep 0.1
done
[[ $(acked_of frozen) == 1000 ]] || fail "case 2: the consumer did not start: $(cat "$work/frozen.txt")"
kill -STOP "$CLICKHOUSE_PID"
add_messages frozen 1001 3000
sleep 3
acked_while_frozen=$(acked_of frozen) pending_while_frozen=$(pending_of frozen)
kill -CONT "$CLICKHOUSE_PID"
[[ $acked_while_frozen -eq 1000 ]] ||
  fail "case 2: $acked_while_frozen messages acknowledged while ClickHouse was frozen (1000 before)"
[[ $pending_while_frozen -gt 0 ]] || fail "case 2: the consumer read nothing while ClickHouse was frozen"
for _ in $(seq 600); do
  [[ $(acked_of frozen) == 3000 ]] && break
  sleep 0.1
done
kill -TERM "$pid"
wait "$pid" || fail "case 2: the consumer failed: $(cat "$work/frozen.txt")"
check all frozen 3000 || fail "case 2"
echo "case 2: $pending_while_frozen messages read and none acknowledged while ClickHouse was frozen"

# 3. Faults on the connection: each event once.
for fault in cut-request:"request cut" drop-answer:"answer dropped"; do
  mode=${fault%%:*}
  clickhouse_query "$tcp" "TRUNCATE TABLE live.events"
  cli DEL live > /dev/null
  add_messages live 1 3000
  cutting_proxy_start "$http" "$work" live "$mode" 30000
  "$binary" consume "redis://127.0.0.1:$redis_port" --workspace "$CUTTING_PROXY_URL" --stream live \
    --consumer c1 --batch 500 --until-idle 2> "$work/$mode.txt" || fail "$mode: $(cat "$work/$mode.txt")"
  cutting_proxy_stop
  grep -q "broke: ${fault#*:}" "$work/proxy.log" || fail "$mode: the proxy broke nothing: $(cat "$work/proxy.log")"
  grep -q "sent again after a broken connection" "$work/$mode.txt" ||
    fail "$mode: no insert was sent again: $(cat "$work/$mode.txt")"
  check all live 3000 || fail "$mode"
  echo "case 3 ($mode): $(cat "$work/proxy.log")"
done
echo "ok"
