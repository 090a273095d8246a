#!/usr/bin/env bash
# Redis consumer throughput into ClickHouse against the embedded workspace (issue 22.1): MESSAGES
# messages of 4 fields (the run_live.sh (d) shape) put into a redis-server's stream first, then
# `consume --until-idle --batch BATCH` timed while it drains them (less the idle second it waits
# before stopping), once into a workspace file and once into Debian's ClickHouse (its own server
# on a loopback port, `workspace init` first). GrowthLens's CPU (user + sys) and peak RSS from GNU
# time, ClickHouse's server CPU from /proc over the run; every message must be stored.
#   bench/compare/consume_clickhouse.sh [MESSAGES] [BATCH]
set -euo pipefail
messages=${1:-200000}
batch=${2:-10000}
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binary=${BINARY:-$root/build/growthlens}
source "$root/tests/clickhouse/clickhouse_server.sh"
clickhouse_require || exit 1
work=$(mktemp -d)
redis_pid=
cleanup() {
  [[ -n $redis_pid ]] && kill "$redis_pid" 2> /dev/null
  clickhouse_stop_all
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }

clickhouse_start "$work/server" > /dev/null
server_pid=$CLICKHOUSE_PID
workspace="clickhouse://127.0.0.1:$CLICKHOUSE_HTTP_PORT/bench"
"$binary" workspace init --workspace "$workspace" > /dev/null
redis_port=$(clickhouse_free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning \
  > /dev/null &
redis_pid=$!
for _ in $(seq 100); do redis-cli -p "$redis_port" PING > /dev/null 2>&1 && break || sleep 0.05; done

fill() {  # stream $1
  python3 - "$messages" "$1" << 'PY' | redis-cli -p "$redis_port" --pipe > /dev/null
import sys
def command(*parts):
    out = ["*%d\r\n" % len(parts)]
    for part in parts:
        out.append("$%d\r\n%s\r\n" % (len(part.encode()), part))
    return "".join(out)
write = sys.stdout.write
for i in range(int(sys.argv[1])):
    write(command("XADD", sys.argv[2], "*", "user_id", "u%d" % (i * 7919 % 50000),
                  "event", "feature_%d" % (i % 24), "timestamp", str(1764547200000 + i),
                  "platform", "ios" if i % 3 == 0 else "web"))
PY
}
server_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
ticks=$(getconf CLK_TCK)

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $messages messages, batch $batch"
for target in file clickhouse; do
  stream="events_$target"
  fill "$stream"
  into=$work/w.glw
  [[ $target == clickhouse ]] && into=$workspace
  before=$(server_cpu_ticks)
  start=$(now)
  /usr/bin/time -f "%U %S %M" -o "$work/consume.time" "$binary" consume \
    "redis://127.0.0.1:$redis_port" --stream "$stream" --batch "$batch" --until-idle --quiet \
    --workspace "$into"
  end=$(now)
  after=$(server_cpu_ticks)
  read -r user sys peak < "$work/consume.time"
  if [[ $target == clickhouse ]]; then
    stored=$(clickhouse_query "$CLICKHOUSE_TCP_PORT" "SELECT count() FROM bench.events")
    server="ClickHouse server CPU $(awk -v t=$((after - before)) -v k="$ticks" 'BEGIN { printf "%.2f", t / k }') s"
  else
    stored=$("$binary" workspace info --workspace "$into" --format json |
      python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["rows"] + d["inbox"]["events"])')
    server="no server"
  fi
  awk -v t="$target" -v a="$start" -v b="$end" -v n="$messages" -v u="$user" -v s="$sys" \
    -v m="$peak" -v stored="$stored" -v server="$server" 'BEGIN { w = b - a - 1; printf "%s: stored %d of %d; %.2f s wall less the idle second, %.0f events/s; GrowthLens CPU %.2f s (%.0f events per CPU second), peak RSS %.0f MB; %s\n", t, stored, n, w, n / w, u + s, n / (u + s), m / 1024, server }'
  ((stored == messages)) || { echo "FAIL: the stream's messages are not all stored" >&2; exit 1; }
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
