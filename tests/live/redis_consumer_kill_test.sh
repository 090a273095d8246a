#!/usr/bin/env bash
# Never lose, never twice (issue 19 item 5b): `growthlens consume` is killed with SIGKILL at
# random moments, 20 times, while it moves a Redis stream into a workspace (folding its inbox
# into blocks now and then). After every kill the workspace passes `workspace check` and holds
# at least every message Redis has seen acknowledged; after a last run to the end it holds every
# message's event exactly once and nothing is pending. Starts a redis-server of its own.
#   tests/live/redis_consumer_kill_test.sh path/to/growthlens
set -uo pipefail
binary=$1
work=$(mktemp -d)
redis_pid=
cleanup() {
  if [ -n "$redis_pid" ]; then
    kill -KILL "$redis_pid" 2>/dev/null
    { wait "$redis_pid"; } 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$(dirname "$0")/lib.sh"
command -v redis-server >/dev/null || fail "redis-server is not installed (scripts/install-deps.sh)"

port=$(free_port)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning \
  >/dev/null &
redis_pid=$!
cli() { redis-cli -p "$port" "$@"; }
for _ in $(seq 100); do cli PING >/dev/null 2>&1 && break; sleep 0.05; done
cli PING >/dev/null || fail "redis-server did not start"

messages=60000
awk -v n="$messages" 'BEGIN {
  for (i = 0; i < n; ++i)
    printf "XADD events * user_id u%d event e%d timestamp %.0f\n", i % 997, i % 7, 1740823200000 + i * 1000
}' | cli >/dev/null || fail "XADD"
[ "$(cli XLEN events)" -eq "$messages" ] || fail "the stream holds $(cli XLEN events) messages"

acknowledged() {  # messages the group has read minus those still pending
  python3 - "$port" <<'PY'
import subprocess, sys
out = subprocess.run(["redis-cli", "-p", sys.argv[1], "XINFO", "GROUPS", "events"],
                     capture_output=True, text=True).stdout.split("\n")
info = dict(zip(out[0::2], out[1::2]))
# No group yet (the consumer was killed before it made one): nothing was acknowledged.
print(int(info.get("entries-read") or 0) - int(info.get("pending") or 0))
PY
}
random_fraction_of() { awk -v r="$RANDOM" -v t="$1" 'BEGIN { printf "%.3f", r / 32767 * t }'; }

consume() {  # exec: a background `consume &` is then the consumer itself, which kill reaches
  exec "$binary" consume "redis://127.0.0.1:$port" --workspace "$work/w.glw" --consumer c1 \
    --batch 500 --fold-every 15000 --quiet "$@"
}
kills=0 attempts=0
while [ "$kills" -lt 20 ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -le 60 ] || fail "only $kills of $attempts attempts killed a running consumer"
  consume 2>"$work/stderr" &
  pid=$!
  for _ in $(seq 200); do  # a loaded machine starts it slowly: kill it once it runs
    [ -e "$work/w.glw" ] && break
    sleep 0.05
  done
  sleep "$(random_fraction_of 0.4)"
  kill -KILL "$pid" 2>/dev/null && kills=$((kills + 1))
  { wait "$pid"; } 2>/dev/null
  "$binary" workspace check --workspace "$work/w.glw" >"$work/check" 2>&1 ||
    fail "after kill $kills the check failed: $(cat "$work/check")"
  stored=$(stored_events "$work/w.glw") acked=$(acknowledged)
  [ "$stored" -ge "$acked" ] ||
    fail "after kill $kills: $acked messages acknowledged but only $stored events stored"
  [ "$stored" -le "$messages" ] || fail "after kill $kills: $stored events stored of $messages"
done
(consume --until-idle) 2>"$work/stderr" || fail "the last run failed: $(cat "$work/stderr")"
stored=$(stored_events "$work/w.glw")
pending=$(cli XPENDING events growthlens | head -1)
[ "$stored" -eq "$messages" ] || fail "$stored events stored of $messages messages"
[ "$pending" -eq 0 ] || fail "$pending messages still pending"
[ "$(cli XLEN events:dead)" -eq 0 ] || fail "dead letters for well-formed messages"
"$binary" workspace check --workspace "$work/w.glw" >/dev/null || fail "the final check failed"
echo "ok: $kills kills in $attempts attempts; $stored events stored once each, none pending"
