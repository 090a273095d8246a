#!/usr/bin/env bash
# A full disk never loses an acknowledged event (issue 19 item 5d): `growthlens serve --workspace`
# runs under a file size limit (RLIMIT_FSIZE, SIGXFSZ ignored, as a full disk fails a write)
# while a client posts batches until one is refused. The refusal is a 507 that says why; every
# batch answered 200 before it is stored, the refused one is not; the workspace passes its check;
# and once there is room again (no limit) the server takes events again.
#   tests/live/collector_disk_full_test.sh path/to/growthlens
set -uo pipefail
binary=$1
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && { kill -KILL "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$(dirname "$0")/lib.sh"

port=$(free_port)
key=$(write_key "$work/w.glw") || exit 1

(
  ulimit -f 4096  # 4 MiB per file
  trap '' XFSZ
  exec "$binary" serve --workspace "$work/w.glw" --port "$port" --quiet
) >"$work/serve.log" 2>&1 &
server_pid=$!
wait_for_server "$work/serve.log"

cat >"$work/client.py" <<'PY'
import json, sys, urllib.error, urllib.request
port, out, key = sys.argv[1:4]
def post(batch):
    body = json.dumps([{"user_id": f"u{i % 101}", "event": f"event_{i % 9}",
                        "timestamp": 1764547200000 + batch * 1000 + i, "uuid": f"{batch}-{i}",
                        "properties": {"note": "x" * 40}} for i in range(1000)]).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/events", body,
                                     {"Content-Type": "application/json",
                                      "Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
acked = 0
for batch in range(10000):
    status, body = post(batch)
    if status != 200:
        break
    acked += 1000
again, _ = post(batch)  # the same batch once more: still refused, nothing half-stored
with open(out, "w") as result:
    result.write(f"{acked} {status} {again}\n{body}\n")
PY
python3 "$work/client.py" "$port" "$work/result" "$key" || fail "the client failed"
read -r acked status again <"$work/result"
message=$(sed -n 2p "$work/result")
[ "$status" -eq 507 ] || fail "the refusal was HTTP $status, expected 507: $message"
[ "$again" -eq 507 ] || fail "the retry was HTTP $again, expected 507"
echo "$message" | grep -q "full" || fail "the refusal does not say why: $message"
[ "$acked" -gt 0 ] || fail "no batch was stored before the limit"
kill -KILL "$server_pid"; wait "$server_pid" 2>/dev/null; server_pid=

"$binary" workspace check --workspace "$work/w.glw" >"$work/check" 2>&1 ||
  fail "the check failed: $(cat "$work/check")"
stored=$(stored_events "$work/w.glw")
[ "$stored" -eq "$acked" ] || fail "$stored events stored, $acked acknowledged"

"$binary" serve --workspace "$work/w.glw" --port "$port" --quiet >>"$work/serve.log" 2>&1 &
server_pid=$!
wait_for_server "$work/serve.log"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $key" -d '[{"user_id": "after", "event": "e", "uuid": "after-1"}]' "http://127.0.0.1:$port/api/v1/events")
[ "$code" -eq 200 ] || fail "with room again the server answered $code"
echo "ok: $acked events acknowledged and stored before the limit; then 507: $message"
