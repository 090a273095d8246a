#!/usr/bin/env bash
# Paths and retention by behaviour, GrowthLens beside pandas on one generated event log.
#   bash bench/compare/paths_vs_pandas.sh [USERS]   (default 30000: about 2M events)
# Needs build/growthlens and build/bench/paths_benchmark (cmake --build build --target
# growthlens paths_benchmark) and Debian's python3-pandas.
set -euo pipefail
cd "$(dirname "$0")/../.."
users=${1:-30000}
dir=${GROWTHLENS_BENCH_DIR:-/tmp/growthlens-bench}
mkdir -p "$dir"
file="$dir/events_${users}.csv"
[[ -f $file ]] || build/growthlens generate --kind events --users "$users" -o "$file" -q
echo "== GrowthLens (computation on loaded data; google benchmark)"
GROWTHLENS_BENCH_DIR=$dir GROWTHLENS_PATHS_USERS=$users build/bench/paths_benchmark \
  --benchmark_filter='Paths/start_sign_up/|BehaviourRetention/week' --benchmark_counters_tabular=true
echo "== GrowthLens CLI end to end (load + analysis)"
/usr/bin/time -f '  %e s, peak RSS %M kB' build/growthlens paths "$file" --start sign_up --steps 5 \
  --quiet --format csv > /dev/null
/usr/bin/time -f '  %e s, peak RSS %M kB' build/growthlens cohorts "$file" --start-event sign_up \
  --return-event reports --period week --quiet --format csv > /dev/null
echo "== pandas"
/usr/bin/python3 bench/compare/pandas_paths.py "$file"
