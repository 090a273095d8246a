#!/usr/bin/env bash
# CLV fit on the full Online Retail file: GrowthLens (bench/clv_benchmark) and the scipy
# maximum-likelihood implementation of tests/golden/make_clv_golden.py (the `lifetimes` package
# is not in Debian), in one run, with the load average before and after (the machine may be
# shared). Both time the per-customer summary plus the BG/NBD and Gamma-Gamma fits, after the
# data is loaded and cleaned.
#   bash bench/clv_vs_scipy.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/clv_benchmark" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_filter='BM_Clv(Fit|Summary|Full)'
/usr/bin/time -f "scipy peak RSS %M KiB (includes pandas and the load)" \
  /usr/bin/python3 tests/golden/make_clv_golden.py --bench 2>&1 |
  sed 's/^\([0-9.]*\) \([0-9.]*\)$/scipy summary + fits to golden precision: \1 s; one Nelder-Mead run per model as lifetimes does: \2 s/'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
