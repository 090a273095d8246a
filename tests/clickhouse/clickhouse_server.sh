# Starting ClickHouse servers of our own for tests and benchmarks (source this file): Debian's
# clickhouse-server with its config copied into a temporary directory, data and logs there,
# listening on 127.0.0.1 only, on free ports. Optional remote_servers: a cluster of shards.
#
#   source tests/clickhouse/clickhouse_server.sh
#   clickhouse_require || exit 77              # not installed: skip
#   clickhouse_start "$work/one"               # sets CLICKHOUSE_PID, _TCP_PORT, _HTTP_PORT
#   clickhouse_query "$CLICKHOUSE_TCP_PORT" "SELECT 1"
#   trap 'clickhouse_stop_all' EXIT
#
# For a cluster: clickhouse_start DIR CLUSTER_XML [PORT] (the <remote_servers> element to merge
# into the config; PORT from clickhouse_free_port when the XML names the server's own port).

CLICKHOUSE_SERVER_BIN=${CLICKHOUSE_SERVER_BIN:-/usr/sbin/clickhouse-server}
CLICKHOUSE_PIDS=()

clickhouse_require() {
  [[ -x $CLICKHOUSE_SERVER_BIN ]] || CLICKHOUSE_SERVER_BIN=$(command -v clickhouse-server || true)
  if [[ -z $CLICKHOUSE_SERVER_BIN ]] || ! command -v clickhouse-client > /dev/null; then
    echo "SKIP: clickhouse-server/clickhouse-client not installed (scripts/install-deps.sh)"
    return 1
  fi
}

# A port nobody listens on now (the kernel's choice), and the two after it free as well.
clickhouse_free_port() {
  python3 -c '
import socket
for _ in range(200):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        base = probe.getsockname()[1]
    if base > 65000:
        continue
    try:
        for offset in (1, 2):
            with socket.socket() as other:
                other.bind(("127.0.0.1", base + offset))
        print(base)
        break
    except OSError:
        continue
'
}

clickhouse_query() {
  local port=$1
  shift
  clickhouse-client --host 127.0.0.1 --port "$port" --query "$@"
}

# clickhouse_start DIR [REMOTE_SERVERS_XML] [TCP_PORT]: sets CLICKHOUSE_PID, CLICKHOUSE_TCP_PORT and
# CLICKHOUSE_HTTP_PORT; waits up to 60 s for the server to answer.
clickhouse_start() {
  local dir=$1 remote_servers=${2:-} port=${3:-}
  mkdir -p "$dir/data" "$dir/tmp" "$dir/log" "$dir/config/config.d"
  cp /etc/clickhouse-server/config.xml /etc/clickhouse-server/users.xml "$dir/config/"
  if [[ -n $remote_servers ]]; then
    printf '<?xml version="1.0"?>\n<yandex>\n%s\n</yandex>\n' "$remote_servers" \
      > "$dir/config/config.d/remote_servers.xml"
  fi
  [[ -n $port ]] || port=$(clickhouse_free_port)
  CLICKHOUSE_TCP_PORT=$port
  CLICKHOUSE_HTTP_PORT=$((port + 1))
  "$CLICKHOUSE_SERVER_BIN" --config-file="$dir/config/config.xml" -- --path="$dir/data/" \
    --tmp_path="$dir/tmp/" --tcp_port="$port" --http_port="$CLICKHOUSE_HTTP_PORT" \
    --interserver_http_port=$((port + 2)) --listen_host=127.0.0.1 \
    --logger.log="$dir/log/server.log" --logger.errorlog="$dir/log/error.log" \
    > "$dir/log/stdout.log" 2>&1 &
  CLICKHOUSE_PID=$!
  CLICKHOUSE_PIDS+=("$CLICKHOUSE_PID")
  for _ in $(seq 1 120); do
    clickhouse_query "$port" "SELECT 1" > /dev/null 2>&1 && return 0
    kill -0 "$CLICKHOUSE_PID" 2> /dev/null || break
    sleep 0.5
  done
  cat "$dir/log/error.log" >&2 2> /dev/null
  echo "FAIL: the ClickHouse server in $dir did not start" >&2
  return 1
}

clickhouse_stop_all() {
  local pid
  for pid in "${CLICKHOUSE_PIDS[@]}"; do
    kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null
  done
  CLICKHOUSE_PIDS=()
  return 0
}

# The cutting proxy (cutting_proxy.py) between GrowthLens and a server's HTTP port, for faults on
# the connection. cutting_proxy_start HTTP_PORT WORK_DIR DATABASE MODE BYTES starts one (a
# running one is stopped first) and sets CUTTING_PROXY_URL, the workspace URL through it;
# cutting_proxy_stop ends it.
CUTTING_PROXY_PID=
cutting_proxy_stop() {
  if [[ -n $CUTTING_PROXY_PID ]]; then
    kill "$CUTTING_PROXY_PID" 2> /dev/null || true
    wait "$CUTTING_PROXY_PID" 2> /dev/null || true
  fi
  CUTTING_PROXY_PID=
}
cutting_proxy_start() {
  local http=$1 dir=$2 database=$3 mode=$4 bytes=$5
  cutting_proxy_stop
  rm -f "$dir/proxy.port"
  python3 "$(dirname "${BASH_SOURCE[0]}")/cutting_proxy.py" "$http" "$dir/proxy.port" "$mode" \
    "$bytes" > "$dir/proxy.log" 2>&1 &
  CUTTING_PROXY_PID=$!
  for _ in $(seq 1 50); do
    [[ -s $dir/proxy.port ]] && break
    sleep 0.1
  done
  CUTTING_PROXY_URL="clickhouse://127.0.0.1:$(cat "$dir/proxy.port")/$database"
}
