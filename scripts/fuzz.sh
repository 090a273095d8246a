#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzz.cc; clang with AddressSanitizer and
# UndefinedBehaviorSanitizer) into build-fuzz/ and runs each for a bounded time on a copy of its
# seed corpus (fuzz/corpus/<name>/). Exits non-zero when any target crashes, leaks, trips a
# sanitizer or times out on an input; the input is kept in build-fuzz/crashes/<name>/ and the
# log in build-fuzz/logs/<name>.log.
#
#   bash scripts/fuzz.sh                 # 60 s per target (CI: 30, scripts/test.sh)
#   bash scripts/fuzz.sh --seconds 600   # longer
#   bash scripts/fuzz.sh --only csv_reader_fuzz --seconds 30
#   bash scripts/fuzz.sh --build-dir build-asan   # the targets of an ASan build configured with
#                                                 # -DGROWTHLENS_FUZZ=ON (CI's, scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
only=""
build=build-fuzz
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --build-dir) build="$2"; shift 2 ;;
    *) echo "fuzz.sh: unknown option '$1' (expected --seconds N, --only TARGET or --build-dir DIR)" >&2
       exit 2 ;;
  esac
done

# clang and its runtime libraries (libFuzzer, the sanitizers), besides the project's own needs.
bash scripts/install-deps.sh
missing=()
for package in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz.sh: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DGROWTHLENS_FUZZ=ON -DGROWTHLENS_WERROR=ON \
    -DGROWTHLENS_BUILD_TESTS=OFF -DGROWTHLENS_BUILD_BENCHMARKS=OFF "${launcher[@]}"
fi
cmake --build "$build" --parallel "$(nproc)" --target fuzz_targets

mkdir -p "$build/logs" "$build/status"
rm -f "$build"/status/*

# run_target NAME: one target for $seconds on its corpus; its exit status into status/NAME.
run_target() {
  local name=$1 status=0
  local corpus="$build/corpus/$name"   # grows while fuzzing; the committed seeds stay as they are
  local crashes="$build/crashes/$name"
  mkdir -p "$corpus" "$crashes"
  if [ -d "fuzz/corpus/$name" ]; then cp -n fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true; fi
  # -rss_limit_mb: a reader must stay bounded on any input; -timeout: no input may hang.
  "$build/fuzz/$name" "$corpus" -max_total_time="$seconds" -timeout=20 \
    -rss_limit_mb=2560 -max_len=65536 -print_final_stats=1 -artifact_prefix="$crashes/" \
    >"$build/logs/$name.log" 2>&1 || status=$?
  echo "$status" >"$build/status/$name"
}

# Each target is single-threaded: as many run at once as there are cores, so the wall time is
# the fuzzing time divided by the cores and every target still gets its full $seconds.
slots=$(nproc)
names=()
for source in fuzz/*_fuzz.cc; do
  name="$(basename "$source" .cc)"
  if [ -n "$only" ] && [ "$name" != "$only" ]; then continue; fi
  names+=("$name")
  while [ "$(jobs -rp | wc -l)" -ge "$slots" ]; do wait -n || true; done
  echo "fuzz.sh: $name for $seconds s"
  run_target "$name" &
done
wait

failed=()
for name in "${names[@]}"; do
  if [ "$(cat "$build/status/$name" 2>/dev/null || echo missing)" != 0 ]; then
    echo "fuzz.sh: $name FAILED; input in $build/crashes/$name/, log in $build/logs/$name.log" >&2
    grep -m 20 -E "ERROR|SUMMARY|runtime error|==[0-9]+==" "$build/logs/$name.log" >&2 || true
    failed+=("$name")
  else
    echo "fuzz.sh: $name: $(grep -E "stat::number_of_executed_units" "$build/logs/$name.log" | tail -n 1)"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: every target ran $seconds s without a crash"
