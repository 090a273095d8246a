# Shared by the live-ingestion scripts (sourced): a free loopback port, waiting for a server, and
# the events a workspace holds (blocks plus inbox), a write key. They expect `binary`, `work` and
# `fail`.

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A new write key of the workspace $1 (sending events needs one, from this machine too).
write_key() {
  "$binary" workspace keys create --role write --name "durability test" --workspace "$1" 2>/dev/null ||
    fail "cannot create a write key in $1"
}

# Waits up to 30 s for `growthlens serve` on $port to answer; `log` names its output for the error.
wait_for_server() {
  local log=$1
  for _ in $(seq 600); do
    curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/status" && return 0
    sleep 0.05
  done
  fail "the server did not start: $(tail -5 "$log")"
}

# The events the workspace $1 holds, in blocks and in its inbox.
stored_events() {
  "$binary" workspace info --workspace "$1" --format json |
    python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["rows"] + d["inbox"]["events"])'
}
