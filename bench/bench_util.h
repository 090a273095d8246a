#pragma once
// Small helpers shared by the benchmark programs: peak memory and scratch files.

#include <cstdint>
#include <string>

namespace growthlens::bench {

/// Peak resident set size of this process so far, in bytes (getrusage's ru_maxrss).
int64_t PeakRssBytes();

/// A directory for generated inputs, created if missing: $GROWTHLENS_BENCH_DIR or
/// /tmp/growthlens-bench. Large inputs are generated once and reused between runs.
std::string ScratchDir();

}  // namespace growthlens::bench
