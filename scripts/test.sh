#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (GoogleTest suites and the format check
# through ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure --parallel "$(nproc)"
