#!/usr/bin/env bash
# The main job on a fresh machine: install, build, generate demo data, ingest and analyse it
# (the report is printed), then serve the dashboard on it at http://localhost:8501 (Ctrl+C
# stops it). Extra arguments go to `growthlens demo` (see build/growthlens demo --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
build/growthlens demo "$@"
exec build/growthlens serve data/raw/usage_log.csv data/raw/events.csv data/raw/transactions.csv
