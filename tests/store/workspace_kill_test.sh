#!/usr/bin/env bash
# Never corrupt, never lose (issue 18): `growthlens ingest --workspace` is killed with SIGKILL at
# random moments while it appends a large file, at least 20 times; after every kill the
# workspace passes `workspace check` and holds either all of that load or none of it. Half of
# the kills aim at the write phase (after "appending to workspace" appears), the others anywhere.
#   tests/store/workspace_kill_test.sh path/to/growthlens
set -uo pipefail
binary=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

rows_of() {  # the rows a workspace holds, from `workspace info --format json`
  "$binary" workspace info --workspace "$1" --format json | sed -n 's/^  "rows": \([0-9]*\),*$/\1/p'
}
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
random_fraction_of() { awk -v r="$RANDOM" -v t="$1" 'BEGIN { printf "%.3f", r / 32767 * t }'; }

"$binary" generate --order user --users 1500 --seed 7 -o "$work/base.csv" -q || fail "generate base"
"$binary" generate --order user --users 25000 -o "$work/big.csv" -q || fail "generate big"
"$binary" ingest "$work/base.csv" --workspace "$work/base.glw" --quiet >/dev/null 2>&1 ||
  fail "ingest base"
base_rows=$(rows_of "$work/base.glw")
[ -n "$base_rows" ] && [ "$base_rows" -gt 0 ] || fail "the base workspace holds no rows"

# One uninterrupted load: how many rows it adds and how long it takes.
cp "$work/base.glw" "$work/full.glw"
start=$(date +%s.%N)
"$binary" ingest "$work/big.csv" --workspace "$work/full.glw" --quiet >/dev/null 2>&1 ||
  fail "uninterrupted ingest"
duration=$(seconds_between "$start" "$(date +%s.%N)")
full_rows=$(rows_of "$work/full.glw")
[ "$full_rows" -gt "$base_rows" ] || fail "the load added no rows"
echo "load of $((full_rows - base_rows)) rows takes ${duration}s; base holds $base_rows rows"

cp "$work/base.glw" "$work/ws.glw"
kills=0 write_phase_kills=0 completed=0 attempts=0
while [ "$kills" -lt 20 ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -le 80 ] || fail "only $kills of $attempts attempts killed a running ingest"
  "$binary" ingest "$work/big.csv" --workspace "$work/ws.glw" >/dev/null 2>"$work/stderr" &
  pid=$!
  if [ $((attempts % 2)) -eq 0 ]; then  # aim at the write phase
    for _ in $(seq 500); do
      grep -q "appending to workspace" "$work/stderr" && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.01
    done
    sleep "$(random_fraction_of 0.3)"
  else
    sleep "$(random_fraction_of "$duration")"
  fi
  if kill -KILL "$pid" 2>/dev/null; then
    kills=$((kills + 1))
    grep -q "appending to workspace" "$work/stderr" && write_phase_kills=$((write_phase_kills + 1))
  fi
  { wait "$pid"; } 2>/dev/null
  "$binary" workspace check --workspace "$work/ws.glw" >"$work/check" 2>&1 ||
    fail "after kill $kills the check failed: $(cat "$work/check")"
  rows=$(rows_of "$work/ws.glw")
  if [ "$rows" = "$full_rows" ]; then
    completed=$((completed + 1))
    cp "$work/base.glw" "$work/ws.glw"  # start over from the base
    rm -f "$work/ws.glw-wal" "$work/ws.glw-shm"
  elif [ "$rows" != "$base_rows" ]; then
    fail "after kill $kills the workspace holds $rows rows: neither $base_rows nor $full_rows"
  fi
done
# The same load after all those kills still goes in whole.
"$binary" ingest "$work/big.csv" --workspace "$work/ws.glw" --quiet >/dev/null 2>&1 ||
  fail "ingest after the kills"
[ "$(rows_of "$work/ws.glw")" = "$full_rows" ] || fail "the load after the kills is not whole"
echo "$kills kills of a running ingest ($write_phase_kills in the write phase), $completed loads" \
  "completed before their kill; the workspace was whole and checked after each"
