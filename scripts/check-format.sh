#!/usr/bin/env bash
# Fails when a C++ file under src/, tests/, bench/ or fuzz/ does not follow .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src tests bench fuzz -name '*.h' -o -name '*.cc' | sort)
clang-format --dry-run --Werror "${files[@]}"
echo "clang-format: ${#files[@]} files follow .clang-format"
