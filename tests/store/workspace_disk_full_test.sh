#!/usr/bin/env bash
# A full disk never damages a workspace (issue 18): `growthlens ingest --workspace` under a file
# size limit (RLIMIT_FSIZE, SIGXFSZ ignored, as a full disk fails a write) stops with a clear
# error and a non-zero exit, and the workspace holds what it held before: same check result,
# same rows, same export, same history.
#   tests/store/workspace_disk_full_test.sh path/to/growthlens
set -uo pipefail
binary=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$binary" generate --order user --users 1000 --seed 3 -o "$work/base.csv" -q || fail "generate base"
"$binary" generate --order user --users 20000 -o "$work/big.csv" -q || fail "generate big"
"$binary" ingest "$work/base.csv" --workspace "$work/ws.glw" --quiet >/dev/null 2>&1 ||
  fail "ingest base"
"$binary" workspace export --workspace "$work/ws.glw" -o "$work/before.csv" >/dev/null ||
  fail "export before"
"$binary" workspace info --workspace "$work/ws.glw" --format csv >"$work/before.info" ||
  fail "info before"

# 1 MiB per file: the base workspace fits, the big load's write-ahead log does not.
(
  ulimit -f 1024
  trap '' XFSZ
  exec "$binary" ingest "$work/big.csv" --workspace "$work/ws.glw" --quiet
) >/dev/null 2>"$work/stderr"
status=$?
[ "$status" -ne 0 ] || fail "the ingest succeeded under a 1 MiB file size limit"
grep -q "file size limit, ulimit -f" "$work/stderr" || fail "the error does not say why: $(cat "$work/stderr")"
grep -q "nothing was changed" "$work/stderr" ||
  fail "the error does not say the workspace is unchanged: $(cat "$work/stderr")"
echo "error (exit $status): $(cat "$work/stderr")"

"$binary" workspace check --workspace "$work/ws.glw" >/dev/null || fail "check after the failure"
"$binary" workspace info --workspace "$work/ws.glw" --format csv >"$work/after.info" ||
  fail "info after"
cmp -s "$work/before.info" "$work/after.info" ||
  fail "the workspace's tables changed: $(diff "$work/before.info" "$work/after.info")"
"$binary" workspace export --workspace "$work/ws.glw" -o "$work/after.csv" >/dev/null ||
  fail "export after"
cmp -s "$work/before.csv" "$work/after.csv" || fail "the exported data changed"
[ "$("$binary" workspace info --workspace "$work/ws.glw" --format json | grep -c '"checksum"')" = 1 ] ||
  fail "the failed load entered the history"
# With room again, the same load goes in whole.
"$binary" ingest "$work/big.csv" --workspace "$work/ws.glw" --quiet >/dev/null 2>&1 ||
  fail "ingest with room"
"$binary" workspace check --workspace "$work/ws.glw" >/dev/null || fail "check after the retry"
echo "the workspace was unchanged by the failed load and took it whole afterwards"
