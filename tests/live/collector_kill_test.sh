#!/usr/bin/env bash
# Never lose an acknowledged event, never store one twice (issue 19 item 5a): four clients post
# 500-event batches (each event with a uuid) to `growthlens serve --workspace W` while the server
# is killed with SIGKILL at random moments, 20 times, and restarted. A client whose batch got no
# 200 sends it again, as SDKs do. The clients post until the kills are done (a stop file), so the
# test takes the same number of kills however fast the machine is. After every kill `workspace check` passes and the workspace holds
# at least the events acknowledged so far; at the end it holds every event exactly once.
#   tests/live/collector_kill_test.sh path/to/growthlens
set -uo pipefail
binary=$1
work=$(mktemp -d)
server_pid= clients_pid=
cleanup() {
  for pid in $server_pid $clients_pid; do
    kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$(dirname "$0")/lib.sh"

port=$(free_port)
key=$(write_key "$work/w.glw") || exit 1
start_server() {
  "$binary" serve --workspace "$work/w.glw" --port "$port" >>"$work/serve.log" 2>&1 &
  server_pid=$!
  wait_for_server "$work/serve.log"
}

events=500 clients=4
cat >"$work/clients.py" <<'PY'
import json, sys, threading, time, urllib.request
import os
port, stop_path, events, clients, acked_path, key = sys.argv[1:7]
events, clients = int(events), int(clients)
batches = 1_000_000  # per client: the timestamps of different clients never meet
lock = threading.Lock()
def client(c):
    for b in range(batches):
        if os.path.exists(stop_path):
            return
        body = json.dumps([{"user_id": f"c{c}u{i % 31}", "event": f"e{i % 5}",
                            "timestamp": 1764547200000 + (c * batches + b) * events + i,
                            "uuid": f"{c}-{b}-{i}"} for i in range(events)]).encode()
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/events", body,
                                                 {"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {key}"})
                with urllib.request.urlopen(request, timeout=30) as answer:
                    if answer.status == 200:
                        break
            except Exception:
                pass
            time.sleep(0.05)  # the server is down or busy: the same batch again
        with lock, open(acked_path, "a") as acked:
            acked.write(f"{c} {b}\n")
threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
PY
: >"$work/acked"
start_server
python3 "$work/clients.py" "$port" "$work/stop" "$events" "$clients" "$work/acked" "$key" &
clients_pid=$!
kills=0
while [ "$kills" -lt 20 ]; do
  sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", 0.1 + r / 32767 * 0.4 }')"
  acked_before=$(wc -l <"$work/acked")
  kill -KILL "$server_pid" 2>/dev/null && kills=$((kills + 1))
  { wait "$server_pid"; } 2>/dev/null
  "$binary" workspace check --workspace "$work/w.glw" >"$work/check" 2>&1 ||
    fail "after kill $kills the check failed: $(cat "$work/check")"
  stored=$(stored_events "$work/w.glw")
  [ "$stored" -ge $((acked_before * events)) ] ||
    fail "after kill $kills: $acked_before batches acknowledged, only $stored events stored"
  kill -0 "$clients_pid" 2>/dev/null || fail "the clients stopped early"
  start_server
done
touch "$work/stop"  # each client finishes the batch it is sending (until acknowledged) and stops
wait "$clients_pid" || fail "the clients failed"
clients_pid=
acked=$(wc -l <"$work/acked")
[ "$acked" -ge 20 ] || fail "only $acked batches were acknowledged across $kills kills"
total=$((acked * events))
kill -KILL "$server_pid"; { wait "$server_pid"; } 2>/dev/null; server_pid=
stored=$(stored_events "$work/w.glw")
[ "$stored" -eq "$total" ] || fail "$stored events stored of $total sent"
"$binary" workspace check --workspace "$work/w.glw" >/dev/null || fail "the final check failed"
echo "ok: $kills kills; $total events from $clients clients, each stored exactly once"
