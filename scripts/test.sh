#!/usr/bin/env bash
# The README's test command and CI's (.ci/run): installs what is missing, then runs the CI jobs one
# after another, each in a build directory of its own (docs/CI.md):
#   format   clang-format over src/, tests/, bench/, fuzz/
#   asan     clang, ASan + UBSan (float-cast-overflow, no recovery): every unit, golden and server
#            test; the same build makes the fuzz targets
#   tsan     clang, TSan: the suites whose subject runs on several threads, and the server's
#   fuzz     each libFuzzer target for GROWTHLENS_FUZZ_SECONDS (default 30) on its seed corpus
#            (scripts/fuzz.sh), from the asan job's build
#   release  gcc, Release: the program's own tests (man pages and completion, install, Debian
#            package, the dashboard in Chromium)
# `bash scripts/test.sh asan tsan` runs only those jobs. Every build has -Werror. ccache is used
# when installed. Each job prints its minutes; the run stops at the first failing job.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

all_jobs=(format asan tsan fuzz release)
jobs=("$@")
[ ${#jobs[@]} -gt 0 ] || jobs=("${all_jobs[@]}")
for job in "${jobs[@]}"; do
  [[ " ${all_jobs[*]} " == *" $job "* ]] ||
    { echo "test.sh: unknown job '$job' (expected: ${all_jobs[*]})" >&2; exit 2; }
done

start=$SECONDS
bash scripts/install-deps.sh --browser --ci
summary=("deps $(awk -v s=$((SECONDS - start)) 'BEGIN { printf "%.1f", s / 60 }') min")

cores=$(nproc)
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

# configure DIR OPTIONS...: a Ninja build of the tree in DIR, warnings as errors, no benchmarks.
configure() {
  local dir=$1
  shift
  mkdir -p "$dir"
  cmake -S . -B "$dir" -G Ninja -DGROWTHLENS_WERROR=ON -DGROWTHLENS_BUILD_BENCHMARKS=OFF \
    "${launcher[@]}" "$@" >"$dir/configure.log" 2>&1 || { cat "$dir/configure.log"; return 1; }
}

# Sanitizer reports go to files, so that one from a growthlens process a test runs (whose exit
# code the test may expect to be non-zero) still fails the job. with_sanitizer_logs DIR CMD...
# runs CMD with the reports going to DIR/<tool>.<pid>; check_reports DIR prints them and fails
# when there is any.
with_sanitizer_logs() {
  local dir=$1
  shift
  rm -rf "$dir" && mkdir -p "$dir"
  ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:log_path=$dir/asan" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$dir/ubsan" \
  TSAN_OPTIONS="halt_on_error=1:abort_on_error=1:second_deadlock_stack=1:log_path=$dir/tsan" \
    "$@"
}
check_reports() {
  local dir=$1 report found=0
  for report in "$dir"/*; do
    [ -f "$report" ] || continue
    [ "$found" -eq 1 ] || echo "Sanitizer reports:"
    found=1
    echo "== $report"
    cat "$report"
  done
  return "$found"
}

# sanitized_tests DIR LABELS: the suites of DIR's sanitizer build with those labels; fails on a
# failed test or on any sanitizer report (printed either way).
sanitized_tests() {
  local dir=$1 labels=$2 status=0
  with_sanitizer_logs "$root/$dir/sanitizer-reports" \
    ctest_run "$dir" --label-regex "^($labels)\$" --parallel "$cores" || status=$?
  check_reports "$root/$dir/sanitizer-reports" || status=1
  return "$status"
}

job_format() {
  bash scripts/check-format.sh
}

# One clang ASan + UBSan build serves the unit tests and the fuzzers: with GROWTHLENS_FUZZ the
# libraries also carry libFuzzer's coverage instrumentation, which the tests do not notice, and
# a second instrumented build of the whole engine is saved.
configure_asan() {
  [ -f build-asan/build.ninja ] ||
    configure build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
      -DGROWTHLENS_SANITIZE=address -DGROWTHLENS_FUZZ=ON
}

job_asan() {
  configure_asan
  cmake --build build-asan --parallel "$cores"
  sanitized_tests build-asan 'unit|parallel|server'
}

job_tsan() {
  configure build-tsan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
    -DGROWTHLENS_SANITIZE=thread
  cmake --build build-tsan --parallel "$cores" \
    --target growthlens growthlens_parallel_tests growthlens_server_tests
  # XGBoost's OpenMP threads run in Debian's libgomp, which TSan does not instrument: it cannot
  # see their synchronisation and reports races inside XGBoost (docs/CI.md). One OpenMP thread.
  OMP_NUM_THREADS=1 sanitized_tests build-tsan 'parallel|server'
}

job_fuzz() {
  configure_asan
  cmake --build build-asan --parallel "$cores" --target fuzz_targets
  bash scripts/fuzz.sh --build-dir build-asan --seconds "${GROWTHLENS_FUZZ_SECONDS:-30}"
}

job_release() {
  configure build-release -DCMAKE_BUILD_TYPE=Release -DGROWTHLENS_BUILD_TESTS=OFF
  cmake --build build-release --parallel "$cores"
  # Two at a time: the two ClickHouse comparisons side by side (each keeps one core busy);
  # every test that times something is RUN_SERIAL and runs alone (tests/CMakeLists.txt).
  ctest_run build-release --label-regex '^(package|browser|durability|clickhouse)$' \
    --parallel 2
}

# ctest_run DIR ARGS...: ctest in DIR, its counts added to the run's.
passed=0 failed=0
ctest_run() {
  local dir=$1 status=0 ok bad
  shift
  (cd "$dir" && ctest --output-on-failure "$@") | tee "$dir/ctest.log" || status=$?
  read -r ok bad < <(sed -nE 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1 \2/p' "$dir/ctest.log" |
    awk '{ print $2 - $1, $1 }') || true
  passed=$((passed + ${ok:-0})) failed=$((failed + ${bad:-0}))
  return "$status"
}

# The closing lines, also when a job fails: the minutes so far and the tests' counts.
finish() {
  local status=$?
  echo "=== ${summary[*]}; $(awk -v s=$((SECONDS - start)) 'BEGIN { printf "%.1f", s / 60 }') min in all"
  [ "$status" -eq 0 ] || echo "=== FAILED in job ${current:-?}"
  echo "ctest: $passed passed, $failed failed"
}
trap finish EXIT

for job in "${jobs[@]}"; do
  current=$job
  echo "=== job $job"
  job_start=$SECONDS
  "job_$job"
  minutes=$(awk -v s=$((SECONDS - job_start)) 'BEGIN { printf "%.1f", s / 60 }')
  summary+=("$job $minutes min")
  echo "=== job $job passed in $minutes min"
done
