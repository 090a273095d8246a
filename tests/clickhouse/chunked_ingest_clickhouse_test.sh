#!/usr/bin/env bash
# ClickHouse ingest in chunks (issue 22.6, prep/chunked_ingest.h): a file read, cleaned and sent
# a chunk at a time must store the same rows, with the same cleaning report in the ingest
# history, as the same file read whole. Files: an event log (grouped by user) and a usage log
# (in time order), each with duplicate rows, unparsable dates, malformed lines and a blank line
# added; --chunk-bytes 60000 cuts them into many chunks. Two files must be read whole, with the
# same result: the event log with a copy of its first row at its end (a duplicate in another
# chunk) and the usage log shuffled (no order).
# Exits 77 (skipped) when clickhouse-server is not installed.
#   tests/clickhouse/chunked_ingest_clickhouse_test.sh path/to/growthlens SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
source "$source_dir/tests/clickhouse/clickhouse_server.sh"
clickhouse_require || exit 77
work=$(mktemp -d)
cleanup() {
  clickhouse_stop_all
  rm -rf "$work"
}
trap cleanup EXIT
clickhouse_start "$work/server" || exit 1
port=$CLICKHOUSE_TCP_PORT
url_of() { echo "clickhouse://127.0.0.1:$CLICKHOUSE_HTTP_PORT/$1"; }

"$binary" generate --kind events --users 400 --seed 3 -o "$work/events_clean.csv" > /dev/null
"$binary" generate --kind usage --users 600 --seed 4 -o "$work/usage_signup.csv" > /dev/null
cut -d, -f1,3- "$work/usage_signup.csv" > "$work/usage_clean.csv"
# dirty IN OUT: every 97th row twice, every 131st with an unparsable date, every 173rd followed
# by a malformed line, a blank line after row 500.
dirty() {
  python3 - "$1" "$2" << 'EOF'
import sys
lines = open(sys.argv[1]).read().splitlines()
out = [lines[0]]
for index, line in enumerate(lines[1:], 1):
    out.append(line)
    fields = line.split(",")
    if index % 97 == 0:
        out.append(line)
    if index % 131 == 0:
        # Its last field made unique: equal rows of bad dates in two chunks are read whole.
        out.append(",".join(fields[:1] + ["2025-13-45"] + fields[2:-1] + [str(index)]))
    if index % 173 == 0:
        out.append("only,two")
    if index == 500:
        out.append("")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
EOF
}
dirty "$work/events_clean.csv" "$work/events.csv"
dirty "$work/usage_clean.csv" "$work/usage.csv"
cp "$work/events.csv" "$work/events_moved.csv"
sed -n 2p "$work/events.csv" >> "$work/events_moved.csv"
{
  head -1 "$work/usage.csv"
  tail -n +2 "$work/usage.csv" | grep -v '^$' | shuf --random-source=<(yes)
} > "$work/usage_shuffled.csv"

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# The history's report without what depends on how the data was held (dataset, seconds, threads).
report_of() {
  clickhouse_query "$port" "SELECT report FROM $1.ingest_history FORMAT TSVRaw" | python3 -c '
import json, sys
report = json.loads(sys.stdin.read())
for key in ("dataset", "seconds"):
    report.pop(key, None)
report["source"].pop("threads", None)
print(json.dumps(report, indent=1, sort_keys=True))'
}
# check NAME FILE TABLE EXPECT: ingests FILE whole and in chunks into two databases; EXPECT is
# "chunks" (the chunked ingest must have used several) or "whole" (it must have read it whole).
check() {
  local name=$1 file=$2 table=$3 expect=$4
  for db in "${name}_whole" "${name}_chunks"; do
    "$binary" workspace init --workspace "$(url_of "$db")" > /dev/null
  done
  "$binary" ingest "$work/$file" --workspace "$(url_of "${name}_whole")" --quiet \
    --chunk-bytes 1099511627776 --format json > /dev/null
  "$binary" ingest "$work/$file" --workspace "$(url_of "${name}_chunks")" --chunk-bytes 60000 \
    --format json > /dev/null 2> "$work/$name.stderr"
  local chunks
  chunks=$(sed -n 's/.* in \([0-9]*\) chunks, inserting.*/\1/p' "$work/$name.stderr")
  if [[ $expect == chunks ]]; then
    ((${chunks:-0} > 1)) || fail "$name: not ingested in chunks: $(cat "$work/$name.stderr")"
  else
    grep -q "whole:" "$work/$name.stderr" || fail "$name: not read whole: $(cat "$work/$name.stderr")"
  fi
  for db in "${name}_whole" "${name}_chunks"; do
    clickhouse_query "$port" "SELECT * FROM $db.$table FORMAT TSV" | sort > "$work/$db.rows"
    report_of "$db" > "$work/$db.report"
  done
  local rows
  rows=$(wc -l < "$work/${name}_whole.rows")
  ((rows > 1000)) || fail "$name: only $rows rows stored"
  cmp -s "$work/${name}_whole.rows" "$work/${name}_chunks.rows" ||
    fail "$name: the stored rows differ ($(wc -l < "$work/${name}_chunks.rows") in chunks, $rows whole)"
  if ! cmp -s "$work/${name}_whole.report" "$work/${name}_chunks.report"; then
    diff "$work/${name}_whole.report" "$work/${name}_chunks.report" | head -40
    fail "$name: the cleaning reports differ"
  fi
  # The dirt added was seen: duplicates, bad dates and malformed lines counted.
  python3 - "$work/${name}_chunks.report" "$name" << 'EOF' || fail "$name: the report misses the dirt added"
import json, sys
report = json.load(open(sys.argv[1]))
rules = {rule["rule"]: rule["rows"] for rule in report["rules"]}
malformed = sum(issue["rows"] for issue in report["malformed"])
print(f"{sys.argv[2]}: {report['records']} records, {report['rows_kept']} kept, "
      f"{rules['duplicate']} duplicates, {rules['invalid_date']} bad dates, {malformed} malformed")
sys.exit(0 if rules["duplicate"] > 10 and rules["invalid_date"] > 10 and malformed > 5 else 1)
EOF
  echo "$name: $rows rows, chunks: ${chunks:-none (read whole)}"
}
check events events.csv events chunks
check usage usage.csv usage chunks
check moved events_moved.csv events whole
check shuffled usage_shuffled.csv usage whole

if ((failures > 0)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "chunked ingest: same rows and reports as whole-file ingest"
