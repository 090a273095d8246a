#!/usr/bin/env bash
# Churn on a ClickHouse workspace against the embedded workspace (issue 22), called by
# same_numbers_clickhouse_test.sh with the workspaces it filled:
#   churn_compare.sh BINARY SOURCE_DIR WORK URL   (WORK holds usage.glw and events.glw)
# The feature tables (--export-table) must be equal to the last digit: every column is a count, a
# day difference or a ratio of the same integers, computed by the same code from the rollups
# ClickHouse sends. Training is deterministic for a seed, so the models' reports, evaluation and
# scores then compare to compare_results.py's 1e-9. Exit 1 when anything differs.
set -euo pipefail
binary=$1 source_dir=$2 work=$3 url=$4
compare=$source_dir/tests/clickhouse/compare_results.py
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# The feature tables as CSV, row sets compared exactly (rows by user id: the files list users in
# the order of their codes, the file's first appearance embedded, the server's on ClickHouse).
same_tables() {
  python3 - "$1" "$2" <<'PY'
import csv, sys
def rows(path):
    with open(path) as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, sorted(reader)
a, b = rows(sys.argv[1]), rows(sys.argv[2])
if a[0] != b[0]:
    sys.exit(f"columns differ: {a[0]} vs {b[0]}")
if len(a[1]) != len(b[1]):
    sys.exit(f"{len(a[1])} rows vs {len(b[1])}")
for x, y in zip(a[1], b[1]):
    if x != y:
        sys.exit(f"first differing row: {x} vs {y}")
print(f"{len(a[1])} users x {len(a[0])} columns equal")
PY
}

for kind in usage events; do
  case $kind in
    usage) feature=$(python3 -c 'import csv,sys; r=csv.DictReader(open(sys.argv[1])); print(next(r)["feature_name"])' "$work/usage.csv") ;;
    events) feature=dashboard ;;
  esac
  variants=("" "--horizon 14 --active-within 0 --active-feature $feature")
  for variant_index in 0 1; do
    variant=${variants[$variant_index]}
    name="churn_${kind}_$variant_index"
    for side in embedded clickhouse; do
      if [[ $side == embedded ]]; then workspace=$work/$kind.glw; else workspace=$url; fi
      # shellcheck disable=SC2086
      "$binary" churn train --workspace "$workspace" --kind "$kind" $variant --quiet --format json \
        --model-out "$work/$name.$side.model.json" --export-table "$work/$name.$side" \
        > "$work/$name.train.$side.json"
      "$binary" churn score --workspace "$workspace" --kind "$kind" --quiet --format json \
        --model "$work/$name.$side.model.json" > "$work/$name.score.$side.json"
      "$binary" churn evaluate --workspace "$workspace" --kind "$kind" --quiet --format json \
        --model "$work/$name.$side.model.json" --cutoff 2025-08-01 > "$work/$name.evaluate.$side.json"
    done
    for table in train validation; do
      if ! same_tables "$work/${name}.embedded_$table.csv" "$work/${name}.clickhouse_$table.csv"; then
        fail "churn $kind $variant: the $table feature tables differ"
      fi
    done
    for step in train score evaluate; do
      if ! python3 "$compare" --ignore source,model,cpu_seconds --unordered users \
        "$work/$name.$step.embedded.json" "$work/$name.$step.clickhouse.json"; then
        fail "churn $kind $variant: $step differs"
      else
        echo "same: churn $step $kind $variant"
      fi
    done
  done
done
# A model trained on the embedded workspace scores the ClickHouse one to the same numbers.
"$binary" churn score --workspace "$url" --kind events --quiet --format json \
  --model "$work/churn_events_0.embedded.model.json" > "$work/churn_cross.json"
if ! python3 "$compare" --ignore source,model,cpu_seconds --unordered users \
  "$work/churn_events_0.score.embedded.json" "$work/churn_cross.json"; then
  fail "churn score of ClickHouse with the embedded model differs"
fi
# Predictions (churn model, scores, segments and personas per user): the same numbers.
for kind in usage events; do
  for side in embedded clickhouse; do
    if [[ $side == embedded ]]; then workspace=$work/$kind.glw; else workspace=$url; fi
    "$binary" predictions --workspace "$workspace" --kind "$kind" --quiet --format json \
      > "$work/predictions_$kind.$side.json"
  done
  if ! python3 "$compare" --ignore source,cpu_seconds --unordered users \
    "$work/predictions_$kind.embedded.json" "$work/predictions_$kind.clickhouse.json"; then
    fail "predictions $kind differs"
  else
    echo "same: predictions $kind"
  fi
done

# CLV of Online Retail: the day totals come from ClickHouse (app/clickhouse_clv_input.h), added in
# its order: money to compare_results.py's relative 1e-9, counts and days exact.
for command in "clv" "clv --view customers" "clv --view holdout --calibration-end 2011-09-30" \
  "clv --view customers --time-unit week --calibration-end 2011-06-30"; do
  name="clv_${command// /_}"
  # shellcheck disable=SC2086
  "$binary" $command --workspace "$work/online_retail.glw" --quiet --format json > "$work/$name.embedded.json"
  # shellcheck disable=SC2086
  "$binary" $command --workspace "$url" --quiet --format json > "$work/$name.clickhouse.json"
  if ! python3 "$compare" "$work/$name.embedded.json" "$work/$name.clickhouse.json"; then
    fail "$command differs"
  else
    echo "same: $command"
  fi
done
for command in "churn train --kind transactions" "churn train --save-model m" \
  "predictions --kind transactions"; do
  # shellcheck disable=SC2086
  if "$binary" $command --workspace "$url" --quiet > "$work/refused.txt" 2>&1 ||
    ! grep -q "ClickHouse workspace" "$work/refused.txt"; then
    fail "$command on ClickHouse was not refused: $(head -c 300 "$work/refused.txt")"
  else
    echo "refused: $command"
  fi
done
exit $((failures > 0))
