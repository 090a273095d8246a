#!/usr/bin/env bash
# The main job on a fresh machine: install, build, generate demo data, ingest and analyse it.
# Extra arguments go to `growthlens demo` (see build/growthlens demo --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec build/growthlens demo "$@"
