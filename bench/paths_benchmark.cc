// Paths and retention by behaviour (issue 20.2, 20.3) over a generated event log: events per
// second and the memory of the per-user time order. The log is `growthlens generate --kind
// events --users N` (about 65 events a user), written once to the scratch directory and loaded
// once; each iteration computes from the loaded data, as the server does for a request.
// GROWTHLENS_PATHS_USERS sets N (default 80,000: about 5.2M events; 700,000 gives about 45M,
// the size); GROWTHLENS_PATHS_EVENTS names an events CSV to use instead
// (bench/compare/funnel_clickhouse.sh passes its file). bench/compare/paths_vs_pandas.sh runs
// pandas beside it on one file. The CPU column is the process's (user + sys, both cores).
//
//   build/bench/paths_benchmark --benchmark_counters_tabular=true
//   GROWTHLENS_PATHS_USERS=700000 build/bench/paths_benchmark --benchmark_min_time=1

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "bench_util.h"
#include "metrics/behaviour_retention.h"
#include "metrics/paths.h"
#include "metrics/user_event_order.h"
#include "prep/ingest.h"
#include "synth/event_generator.h"
#include "synth/output_sink.h"

namespace growthlens {
namespace {

int64_t Users() {
  const char* configured = std::getenv("GROWTHLENS_PATHS_USERS");
  return configured != nullptr ? std::atoll(configured) : 80'000;
}

/// The generated log, loaded once per process.
const UsageLog& Events() {
  static const std::unique_ptr<CleanedData> data = [] {
    const char* given = std::getenv("GROWTHLENS_PATHS_EVENTS");
    const std::string path =
        given != nullptr ? std::string(given)
                         : bench::ScratchDir() + "/events_" + std::to_string(Users()) + ".csv";
    if (given == nullptr && !std::filesystem::exists(path)) {
      synth::UsageGeneratorOptions options;
      options.users = Users();
      auto sink = synth::OpenOutputSink(path);
      if (!sink.ok() || !synth::GenerateEventLog(options, **sink).ok()) std::abort();
    }
    IngestOptions ingest;
    ingest.read.columns.kind = DataKind::kEvents;
    Result<CleanedData> cleaned = IngestFile(path, ingest);
    if (!cleaned.ok()) {
      std::fprintf(stderr, "paths_benchmark: %s\n", cleaned.status().message().c_str());
      std::exit(1);
    }
    return std::make_unique<CleanedData>(std::move(cleaned).value());
  }();
  return *data->dataset.As<UsageLog>();
}

void Report(benchmark::State& state, const UsageLog& log, size_t extra_bytes) {
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(log.rows()));
  state.counters["events"] = static_cast<double>(log.rows());
  state.counters["order_MB"] = static_cast<double>(extra_bytes) / 1e6;
  state.counters["peak_rss_MB"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

void BM_UserEventOrder(benchmark::State& state) {
  const UsageLog& log = Events();
  size_t bytes = 0;
  for (auto _ : state) {
    const UserEventOrder order(log);
    bytes = order.MemoryBytes();
    benchmark::DoNotOptimize(order.groups());
  }
  Report(state, log, bytes);
}

void BM_Paths(benchmark::State& state, PathAnchor anchor, bool collapse) {
  const UsageLog& log = Events();
  PathOptions options;
  options.anchor = anchor;
  options.anchor_event =
      static_cast<uint16_t>(*log.features.Find(anchor == PathAnchor::kEnd ? "export" : "sign_up"));
  options.steps = 5;
  options.collapse_repeats = collapse;
  for (auto _ : state) {
    const PathReport report = ComputePaths(log, options);
    benchmark::DoNotOptimize(report.paths.size());
    state.counters["paths"] = static_cast<double>(report.paths.size());
  }
  Report(state, log, 0);
}

void BM_BehaviourRetention(benchmark::State& state, CohortPeriod period) {
  const UsageLog& log = Events();
  BehaviourRetentionOptions options;
  options.period = period;
  options.start_event = static_cast<uint16_t>(*log.features.Find("sign_up"));
  options.return_event = static_cast<uint16_t>(*log.features.Find("reports"));
  for (auto _ : state) {
    const CohortMatrix matrix = ComputeBehaviourRetention(log, options);
    benchmark::DoNotOptimize(matrix.cohorts.size());
  }
  Report(state, log, 0);
}

BENCHMARK(BM_UserEventOrder)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK_CAPTURE(BM_Paths, start_sign_up, PathAnchor::kStart, false)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Paths, start_sign_up_collapsed, PathAnchor::kStart, true)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Paths, end_export, PathAnchor::kEnd, false)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_BehaviourRetention, week, CohortPeriod::kWeek)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_BehaviourRetention, month, CohortPeriod::kMonth)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
