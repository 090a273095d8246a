#!/usr/bin/env bash
# The side-by-side benchmark in one command (bench/compare/README.md): GrowthLens, pandas +
# scikit-learn and DuckDB on the same generated usage log and the full Online Retail file, one
# after the other, each under /usr/bin/time -v, for each layout of the log (rows by time, by
# user, in no order: `generate --order`); compare.py checks that they agree on every layout,
# prints each layout's table and the layouts side by side, and (unless --no-docs) writes them
# into docs/BENCHMARKS.md.
#
#   bash bench/compare/run.sh [--users N] [--seed S] [--work DIR] [--retail FILE.csv[.xz]]
#                             [--layouts time,user,shuffled] [--no-docs]
#                             [--only growthlens,pandas,duckdb] [--growthlens BINARY]
# --growthlens runs another build of GrowthLens (e.g. an older commit, for before/after).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"

users=200000
seed=42
work=/tmp/growthlens-compare
retail_source="$repo/tests/data/online_retail.csv.xz"
docs=1
only="growthlens,pandas,duckdb"
growthlens=""
layouts="time,user,shuffled"
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --retail) retail_source="$2"; shift 2 ;;
    --no-docs) docs=0; shift ;;
    --layouts) layouts="$2"; docs=0; shift 2 ;;  # so does a run of fewer layouts
    --only) only="$2"; docs=0; shift 2 ;;  # a partial run never replaces the docs table
    --growthlens) growthlens="$(realpath "$2")"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ ! -f "$retail_source" ]; then
  echo "run.sh: $retail_source: no such file (the UCI Online Retail CSV, plain or .xz)" >&2
  exit 2
fi

step() { printf '\n== %s\n' "$*" >&2; }

step "install and build"
bash scripts/build.sh --compare
if [ -z "$growthlens" ]; then growthlens="$repo/build/growthlens"; fi

mkdir -p "$work"
retail="$work/online_retail.csv"
if [ ! -s "$retail" ]; then
  case "$retail_source" in
    *.xz) xz -dc "$retail_source" > "$retail.tmp" ;;
    *) cp "$retail_source" "$retail.tmp" ;;
  esac
  mv "$retail.tmp" "$retail"
fi

# Every tool reads the inputs from the page cache, not the disk: the first one pays no penalty.
warm_cache() { cat "$usage" "$retail" > /dev/null; }

# run_timed NAME COMMAND...: stderr to NAME.log, /usr/bin/time -v report to NAME.time, in the
# layout's directory.
run_timed() {
  local name="$1"
  shift
  warm_cache
  echo "running $name: $*" >&2
  if ! /usr/bin/time -v -o "$out/$name.time" "$@" > "$out/$name.out" 2> "$out/$name.log"; then
    echo "run.sh: $name failed; its stderr ($out/$name.log) ends with:" >&2
    tail -20 "$out/$name.log" >&2
    exit 1
  fi
}

wants() { [[ ",$only," == *",$1,"* ]]; }

IFS=, read -r -a layout_list <<< "$layouts"
for layout in "${layout_list[@]}"; do
  case "$layout" in
    time|user|shuffled) ;;
    *) echo "run.sh: unknown layout '$layout' (time, user or shuffled)" >&2; exit 2 ;;
  esac
  out="$work/$layout"
  mkdir -p "$out"
  usage="$work/usage_${users}u_seed${seed}_${layout}.csv"
  step "layout $layout: input"
  if [ ! -s "$usage" ]; then
    "$growthlens" generate --users "$users" --seed "$seed" --order "$layout" --output "$usage.tmp" \
      && mv "$usage.tmp" "$usage"
  fi
  ls -l "$usage" "$retail" >&2

  if wants growthlens; then
    step "layout $layout: GrowthLens $("$growthlens" --version) ($growthlens)"
    rm -rf "$out/growthlens"
    for file in "$usage" "$retail"; do
      # The peers clean Online Retail as the seed does: cancellations dropped, not netted
      # against the purchases they take back (GrowthLens's default since issue 16).
      seed_rules=()
      if [ "$file" = "$retail" ]; then seed_rules=(--skip-rule net_cancellations); fi
      run_timed "growthlens_$(basename "$file" .csv)" "$growthlens" analyze "$file" --k 4 \
        --n-init 10 --silhouette-sample 10000 "${seed_rules[@]}" --output-dir "$out/growthlens"
      cat "$out/growthlens_$(basename "$file" .csv).log" >&2
    done
  fi
  if wants pandas; then
    step "layout $layout: pandas + scikit-learn"
    run_timed pandas /usr/bin/python3 bench/compare/pandas_pipeline.py --usage "$usage" \
      --retail "$retail" --out "$out/pandas"
    cat "$out/pandas.log" >&2
  fi
  if wants duckdb; then
    step "layout $layout: DuckDB"
    run_timed duckdb node bench/compare/duckdb_pipeline.mjs --usage "$usage" --retail "$retail" \
      --out "$out/duckdb"
    cat "$out/duckdb.log" >&2
  fi

  step "layout $layout: agreement and table"
  /usr/bin/python3 bench/compare/compare.py --work "$out" --usage "$usage" --retail "$retail" \
    --users "$users" --seed "$seed" --layout "$layout"
done

if [[ "$only" == "growthlens,pandas,duckdb" ]]; then
  step "the layouts side by side"
  docs_args=()
  if [ "$docs" -eq 1 ]; then docs_args=(--docs docs/BENCHMARKS.md); fi
  /usr/bin/python3 bench/compare/compare.py --layouts-table --work "$work" --layouts "$layouts" \
    "${docs_args[@]}"
fi
