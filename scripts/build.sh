#!/usr/bin/env bash
# Installs what is missing (arguments go to install-deps.sh), then configures and builds
# GrowthLens (Release) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh "$@"  # --browser: also Chromium, for the browser tests
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build build --parallel "$(nproc)"
