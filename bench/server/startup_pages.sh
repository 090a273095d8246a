#!/usr/bin/env bash
# Start-up to every page fast (issue 23.3): starts `growthlens serve FILE` (default cache and
# warm-up) and asks each page's default requests over and over until every one of them answers
# in under 100 ms (curl's total time), then prints how long after the start that was, and when
# the status route first answered (the load). Every request is timed by the client, not the
# server, so a request waiting behind the warm-up counts as slow.
#
#   bench/server/startup_pages.sh [build-dir/growthlens] [usage-log.csv]
#
# Environment: PORT (8596), LIMIT (seconds before giving up, default 120).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "${1:-$here/../../build/growthlens}")"
usage_log="${2:-/tmp/growthlens-bench/usage_200k_time.csv}"
port="${PORT:-8596}"
base="http://127.0.0.1:$port/api/v1"
[[ -f "$usage_log" ]] || { echo "no usage log at $usage_log" >&2; exit 2; }

# The requests the pages make when opened without filters (as the server's warm-up list).
pages=(kpis insights segment segment/users rfm "rfm?view=grid" usage "usage?view=series"
  "usage?view=correlation" "usage?view=engagement" cohorts lifecycle)

work="$(mktemp -d /tmp/growthlens-startup.XXXXXX)"
server_pid=""
trap '[[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

echo "== $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $usage_log"
started=$(now)
"$binary" serve "$usage_log" --port "$port" --data-dir "$work/data" 2>"$work/serve.log" &
server_pid=$!
until curl -fs -o /dev/null "$base/status"; do
  kill -0 "$server_pid" 2>/dev/null || { echo "the server exited" >&2; cat "$work/serve.log"; exit 1; }
  sleep 0.05
done
printf 'status answers after %.2f s\n' "$(since "$started")"
declare -A fast_at=()
while ((${#fast_at[@]} < ${#pages[@]})); do
  # One curl per round, the pages one after another on one connection: on a loaded machine a
  # process per page made the rounds, not the server, the slow part.
  pending=()
  for page in "${pages[@]}"; do [[ -z "${fast_at[$page]:-}" ]] && pending+=("$base/$page"); done
  while read -r url seconds; do
    page="${url#"$base/"}"
    if awk -v s="$seconds" 'BEGIN { exit !(s < 0.1) }'; then fast_at[$page]=$(since "$started"); fi
  done < <(for url in "${pending[@]}"; do printf -- '-o /dev/null\nurl = "%s"\n' "$url"; done |
    curl -s -K - -w '%{url_effective} %{time_total}\n')
  if (($(echo "$(since "$started") > ${LIMIT:-120}" | bc))); then
    echo "gave up after ${LIMIT:-120} s"
    break
  fi
done
for page in "${pages[@]}"; do printf '  %-24s fast after %s s\n' "$page" "${fast_at[$page]:-never}"; done
printf 'every page fast after %.2f s; server CPU %s s (user+sys)\n' "$(since "$started")" \
  "$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$server_pid/stat")"
grep -E "read and cleaned|analysed|personas|indexed|ready|default view" "$work/serve.log" || true
