#!/usr/bin/env bash
# Load benchmark of `growthlens serve` (docs/BENCHMARKS.md, "Dashboard API"): serves a ~9M-row
# generated usage log and generated transactions, waits for the load and the cache warm-up, then
#   1. cold: the first request of each distinct URL of urls.txt (curl, one at a time),
#   2. warm: wrk over the same mix (2 threads, 16 connections, 15 s, with latency percentiles),
#      without and with a browser's Accept-Encoding (compressed answers),
#   3. uncached (NO_CACHE=1 only): the same wrk run against a server started with --cache-mb 0,
# and prints the server's peak RSS (VmHWM).
#
#   bench/server/run_load.sh [build-dir/growthlens]
#
# Environment: GROWTHLENS_BENCH_DIR (default /tmp/growthlens-bench: the inputs, generated once),
# PORT (8599), DURATION (15s), THREADS (2), CONNECTIONS (16), NO_CACHE (0).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "${1:-$here/../../build/growthlens}")"
bench_dir="${GROWTHLENS_BENCH_DIR:-/tmp/growthlens-bench}"
port="${PORT:-8599}"
duration="${DURATION:-15s}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-16}"
base="http://127.0.0.1:$port"
urls="$here/urls.txt"

[[ -x "$binary" ]] || { echo "no growthlens binary at $binary (build it first)" >&2; exit 2; }
if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  sudo_cmd=""
  [[ "$(id -u)" == 0 ]] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -q wrk >&2
fi

mkdir -p "$bench_dir"
usage_log="$bench_dir/usage_200k.csv"
transactions="$bench_dir/transactions_20k.csv"
[[ -f "$usage_log" ]] || "$binary" generate --users 200000 --output "$usage_log" --quiet
[[ -f "$transactions" ]] ||
  "$binary" generate --kind transactions --users 20000 --output "$transactions" --quiet
echo "inputs: $usage_log ($(wc -l <"$usage_log") lines), $transactions ($(wc -l <"$transactions") lines)"

data_dir="$(mktemp -d /tmp/growthlens-serve-bench.XXXXXX)"
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$data_dir"' EXIT

rss_mb() { awk -v key="$2:" '$1 == key { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
now() { date +%s.%N; }

# Starts the server with extra options; returns once /api/v1/status answers (after the load).
start_server() {
  local started
  started=$(now)
  "$binary" serve "$usage_log" "$transactions" --port "$port" --quiet --data-dir "$data_dir" \
    "$@" &
  server_pid=$!
  until curl -fs -o /dev/null "$base/api/v1/status"; do
    kill -0 "$server_pid" 2>/dev/null || { echo "the server exited" >&2; exit 1; }
    sleep 0.2
  done
  printf 'server up (files loaded, cleaned and analysed) after %.1f s, RSS %s MB\n' \
    "$(echo "$(now) - $started" | bc)" "$(rss_mb "$server_pid" VmRSS)"
}

# The warm-up runs in the background after the load: wait until the server's CPU time stops
# growing for a second (at most WARM_UP_LIMIT seconds, default 120).
wait_for_warm_up() {
  local started last current idle=0
  started=$(now)
  last=$(cpu_ticks "$server_pid")
  while ((idle < 5)); do
    sleep 0.2
    current=$(cpu_ticks "$server_pid")
    if [[ "$current" == "$last" ]]; then idle=$((idle + 1)); else idle=0; fi
    last=$current
    if (($(echo "$(now) - $started > ${WARM_UP_LIMIT:-120}" | bc))); then
      echo "warm-up still running after ${WARM_UP_LIMIT:-120} s; measuring anyway"
      return
    fi
  done
  printf 'warm-up done after %.1f s (CPU idle for 1 s)\n' "$(echo "$(now) - $started - 1" | bc)"
}

# One request: "ms cache compute_ms http_status url".
timed_get() {
  local headers out
  headers=$(mktemp)
  out=$(curl -s -o /dev/null -D "$headers" -w '%{time_total} %{http_code}' "$base$1")
  local cache compute
  cache=$(awk 'tolower($1) == "x-growthlens-cache:" { print $2 }' "$headers" | tr -d '\r')
  compute=$(awk -F'dur=' 'tolower($1) ~ /^server-timing:/ { print $2 }' "$headers" | tr -d '\r')
  rm -f "$headers"
  read -r seconds code <<<"$out"
  printf '%.1f %s %s %s %s\n' "$(echo "$seconds * 1000" | bc -l)" "${cache:--}" \
    "${compute:--}" "$code" "$1"
}

percentile() {  # percentile P (nearest rank) of the numbers on stdin
  sort -n | awk -v p="$1" '{ v[NR] = $1 } END { i = int((NR * p + 99) / 100); print v[i] }'
}

echo "== $(date -u +%FT%TZ), $(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg)"
start_server
wait_for_warm_up
mapfile -t mix < <(grep -v '^#' "$urls" | grep -v '^$')
echo
echo "== cold: first request of each distinct URL (curl time_total, one at a time)"
cold=$(for url in "${mix[@]}"; do timed_get "$url"; done)
echo "ms cache compute_ms status url"
sort -rn <<<"$cold"
misses=$(awk '$2 == "miss"' <<<"$cold")
echo "-- served from the warm-up's cache: $(awk '$2 == "hit"' <<<"$cold" | grep -c . || true)"
echo "-- computed (cache miss): $(grep -c . <<<"$misses" || true) of ${#mix[@]}"
if [[ -n "$misses" ]]; then
  cut -d' ' -f1 <<<"$misses" | awk '{ s += $1 } END { printf "   mean %.1f ms\n", s / NR }'
  for p in 50 90 99; do echo "   p$p $(cut -d' ' -f1 <<<"$misses" | percentile "$p") ms"; done
  echo "   over 50 ms: $(awk '$1 > 50' <<<"$misses" | grep -c . || true)"
fi

echo
echo "== warm: the same URLs again (curl)"
warm=$(for url in "${mix[@]}"; do timed_get "$url"; done)
for p in 50 90 99; do echo "   p$p $(cut -d' ' -f1 <<<"$warm" | percentile "$p") ms"; done
echo "   cache hits $(awk '$2 == "hit"' <<<"$warm" | grep -c . || true) of ${#mix[@]}"

echo
echo "== warm: wrk -t$threads -c$connections -d$duration --latency over ${#mix[@]} URLs"
wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$here/dashboard_mix.lua" "$base" \
  -- "$urls"
echo
echo "== warm, as a browser asks: the same with Accept-Encoding: gzip, deflate, br"
wrk -t"$threads" -c"$connections" -d"$duration" --latency -H 'Accept-Encoding: gzip, deflate, br' \
  -s "$here/dashboard_mix.lua" "$base" -- "$urls"
echo "server peak RSS (VmHWM): $(rss_mb "$server_pid" VmHWM) MB"
stop_server

if [[ "${NO_CACHE:-0}" == 1 ]]; then
  rm -rf "${data_dir:?}"/*
  echo
  echo "== uncached: --cache-mb 0 --no-warm-up, every request computed"
  start_server --cache-mb 0 --no-warm-up
  wrk -t"$threads" -c"$connections" -d"$duration" --timeout 30s --latency \
    -s "$here/dashboard_mix.lua" "$base" -- "$urls"
  echo "server peak RSS (VmHWM): $(rss_mb "$server_pid" VmHWM) MB"
  stop_server
fi
