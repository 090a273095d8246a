#!/usr/bin/env bash
# Churn prediction (issue 21.1), GrowthLens beside scikit-learn on one generated usage log.
#   bash bench/compare/churn_vs_sklearn.sh [USERS]   (default 200000: about 9M rows)
# Needs build/growthlens (cmake --build build --target growthlens), Debian's python3-sklearn and
# GNU time. GrowthLens: `churn train` (load, both feature tables, XGBoost + logistic, validation)
# and `churn score` (load, table, probabilities and TreeSHAP drivers for every current user),
# each under /usr/bin/time (peak memory = maximum resident set); its JSON gives the seconds of
# each step. scikit-learn: the same training on the tables GrowthLens exported. The machine may
# be shared: the load average is printed with every timing.
set -euo pipefail
cd "$(dirname "$0")/../.."
users=${1:-200000}
dir=${GROWTHLENS_BENCH_DIR:-/tmp/growthlens-bench}
mkdir -p "$dir"
file="$dir/usage_${users}.csv"
[[ -f $file ]] || build/growthlens generate --users "$users" --seed 42 -o "$file" -q
rows=$(($(wc -l < "$file") - 1))
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "== $(uptime)"
echo "== ${users} users, ${rows} rows ($file); $(nproc) cores"
echo "== GrowthLens churn train (load average $(load))"
/usr/bin/time -f '  wall %e s, CPU %U s user + %S s sys, peak RSS %M kB' build/growthlens churn train "$file" --quiet \
  --format json --model-out "$dir/churn_model.json" --export-table "$dir/churn_table" \
  > "$dir/churn_train.json"
python3 - "$dir/churn_train.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
s = report["seconds"]
print(f"  steps: feature tables {s['feature_tables']:.2f} s, XGBoost {s['boosted_trees']:.2f} s, "
      f"logistic {s['logistic']:.2f} s, validation {s['validation']:.2f} s, total {s['total']:.2f} s "
      f"(without loading the CSV; {report['cpu_seconds']:.2f} s CPU)")
print(f"  {report['train_users']:,} training users; validation ROC AUC: boosted trees "
      f"{report['boosted_trees']['validation']['roc_auc']:.4f}, logistic "
      f"{report['logistic']['validation']['roc_auc']:.4f}; kept {report['kept']}")
PY
echo "== GrowthLens churn score (load average $(load))"
/usr/bin/time -f '  wall %e s, CPU %U s user + %S s sys, peak RSS %M kB' build/growthlens churn score "$file" --quiet \
  --model "$dir/churn_model.json" --format json > "$dir/churn_scores.json"
python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
print(f\"  scored {len(r['users']):,} users in {r['seconds']:.2f} s, {r['cpu_seconds']:.2f} s CPU (table, probabilities, TreeSHAP drivers; without loading)\")
" "$dir/churn_scores.json"
echo "== scikit-learn, the same training (load average $(load))"
/usr/bin/time -f '  wall %e s, CPU %U s user + %S s sys, peak RSS %M kB' /usr/bin/python3 bench/compare/sklearn_churn.py \
  "$dir/churn_table"
