#!/usr/bin/env bash
# Ingest benchmark of the HTTP collector alone: part (a) of run_live.sh (wrk posting 1,000-event
# batches with a write key to `serve --workspace` on a fresh workspace, then a check that every
# acknowledged event is stored). Kept for the commands docs/BENCHMARKS.md has shown.
#
#   bench/server/run_ingest.sh [build-dir/growthlens]
#
# Environment: as run_live.sh (PORT, DURATION, THREADS, CONNECTIONS).
set -euo pipefail
ONLY=a exec "$(dirname "$0")/run_live.sh" "$@"
