#!/usr/bin/env bash
# Filtered dashboard queries that miss the cache (issue 23.2): `growthlens serve --cache-mb 0`
# on the 200,000-user time-ordered usage log (~9M rows), then wrk over usage-page requests that
# each carry their own filter (dates, features, RFM segments; filtered_urls.py), per view and
# all views mixed, printing wrk's latency percentiles and the server's CPU seconds per run.
#
#   bench/server/run_filtered.sh [build-dir/growthlens]
#
# Environment: USAGE_LOG (default /tmp/growthlens-bench/usage_200k_time.csv, generated once with
# `generate --users 200000 --order time`), PORT (8598), DURATION (10s), THREADS (2),
# CONNECTIONS ("2 8": a run with each; the server computes at most 8 requests of one client
# address at a time and answers more with 503), VIEWS ("features series engagement correlation
# all": the views to run, "all" being the four mixed).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "${1:-$here/../../build/growthlens}")"
usage_log="${USAGE_LOG:-/tmp/growthlens-bench/usage_200k_time.csv}"
port="${PORT:-8598}"
duration="${DURATION:-10s}"
threads="${THREADS:-2}"
base="http://127.0.0.1:$port"

[[ -x "$binary" ]] || { echo "no growthlens binary at $binary (build it first)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
if [[ ! -f "$usage_log" ]]; then
  mkdir -p "$(dirname "$usage_log")"
  "$binary" generate --users 200000 --order time --output "$usage_log" --quiet
fi

work="$(mktemp -d /tmp/growthlens-filtered.XXXXXX)"
server_pid=""
stop_server() {
  [[ -z "$server_pid" ]] && return
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

echo "== $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input: $usage_log ($(wc -l <"$usage_log") lines)"
"$binary" serve "$usage_log" --port "$port" --cache-mb 0 --no-warm-up \
  --data-dir "$work/data" 2>"$work/serve.log" &
server_pid=$!
until curl -fs -o /dev/null "$base/api/v1/status"; do
  kill -0 "$server_pid" 2>/dev/null || { echo "the server exited" >&2; exit 1; }
  sleep 0.2
done
grep -E "indexed|ready" "$work/serve.log" || true
echo "server up; CPU so far $(cpu_seconds "$server_pid") s (load, clean, analyse, index)"

for view in ${VIEWS:-features series engagement correlation all}; do
  if [[ "$view" == all ]]; then
    python3 "$here/filtered_urls.py" --count 40000 --seed 7 >"$work/urls.txt"
  else
    python3 "$here/filtered_urls.py" --count 20000 --seed 3 --view "$view" >"$work/urls.txt"
  fi
  for connections in ${CONNECTIONS:-2 8}; do
    before=$(cpu_seconds "$server_pid")
    echo
    echo "== $view: wrk -t$threads -c$connections -d$duration, every request its own filter"
    wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s --latency \
      -s "$here/dashboard_mix.lua" "$base" -- "$work/urls.txt" distinct "$threads" |
      grep -E "Latency  |50%|90%|99%|Requests/sec|requests in|non-200|ran out"
    echo "server CPU: $(echo "$(cpu_seconds "$server_pid") - $before" | bc) s (user+sys)," \
      "load average $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
echo "server peak RSS (VmHWM): $(awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' \
  "/proc/$server_pid/status") MB"
