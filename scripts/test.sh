#!/usr/bin/env bash
# Installs what is missing (with Chromium), builds, and runs every test through ctest: the
# GoogleTest suites, the dashboard's browser tests and the format check.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --browser
cd build
ctest --output-on-failure --parallel "$(nproc)"
