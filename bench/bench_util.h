#pragma once
// Small helpers shared by the benchmark programs: peak memory, scratch files and the two
// realistic inputs (a generated 9M-row usage log and the full Online Retail file).

#include <cstdint>
#include <optional>
#include <string>

#include "core/dataset.h"
#include "prep/ingest.h"

namespace benchmark {
class State;
}  // namespace benchmark

namespace growthlens::bench {

/// Peak resident set size of this process so far, in bytes (getrusage's ru_maxrss).
int64_t PeakRssBytes();

/// A directory for generated inputs, created if missing: $GROWTHLENS_BENCH_DIR or
/// /tmp/growthlens-bench. Large inputs are generated once and reused between runs.
std::string ScratchDir();

/// ScratchDir()/usage_200k.csv: the usage log of 200,000 generated users (8.95M rows),
/// written on first use.
std::string UsageLogPath();
/// ScratchDir()/online_retail.csv: the shared Online Retail file, decompressed on first use.
std::string OnlineRetailPath();

/// Ingests `path` once per benchmark iteration (freeing the previous result untimed) and returns
/// the last result; an error skips the benchmark and returns nothing.
std::optional<CleanedData> IngestEachIteration(benchmark::State& state, const std::string& path,
                                               const IngestOptions& options);

/// Those files ingested with the default options, once per process.
const Dataset& UsageDataset();
const Dataset& RetailDataset();

}  // namespace growthlens::bench
