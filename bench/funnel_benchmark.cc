// Funnels (issue 20.6): a 6-step funnel (onboarding, then two features) over a generated event
// log, in each mode, on every core: events per second, CPU time (user + sys of all threads)
// and peak memory. The events are read once, untimed (as ClickHouse's query time excludes its
// loading); the time is ComputeFunnel + SummarizeFunnel, what `growthlens funnel` adds to
// loading and what the server spends on a request for data it holds. The file:
// $GROWTHLENS_FUNNEL_EVENTS (bench/compare/funnel_clickhouse.sh passes the one it loads into
// ClickHouse too), else ScratchDir()/events_funnel.csv made by `growthlens generate --kind events
// --users 100000` beforehand.
//
//   GROWTHLENS_FUNNEL_EVENTS=events.csv build/bench/funnel_benchmark

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "bench_util.h"
#include "metrics/funnel.h"
#include "prep/ingest.h"

namespace growthlens {
namespace {

std::string EventsPath() {
  if (const char* path = std::getenv("GROWTHLENS_FUNNEL_EVENTS")) return path;
  return bench::ScratchDir() + "/events_funnel.csv";
}

const CleanedData& Events() {
  static const CleanedData data = [] {
    IngestOptions options;
    options.read.columns.kind = DataKind::kEvents;
    Result<CleanedData> read = IngestFile(EventsPath(), options);
    if (!read.ok()) {
      std::fprintf(stderr, "funnel_benchmark: %s\n", read.status().message().c_str());
      std::exit(1);
    }
    return std::move(*read);
  }();
  return data;
}

void BM_Funnel(benchmark::State& state) {
  const UsageLog& log = *Events().dataset.As<UsageLog>();
  FunnelSpec spec;
  for (const char* name :
       {"sign_up", "create_project", "invite_teammate", "first_report", "reports", "export"}) {
    const std::optional<uint32_t> code = log.features.Find(name);
    if (!code) {
      state.SkipWithError("the event log lacks an onboarding or feature event");
      return;
    }
    spec.steps.push_back({.event = static_cast<uint16_t>(*code)});
  }
  spec.window_ms = 14 * kMsPerDay;
  spec.mode = static_cast<FunnelMode>(state.range(0));
  uint64_t completed = 0;
  for (auto _ : state) {
    const FunnelUsers users = ComputeFunnel(log, spec);
    const FunnelSummary summary = SummarizeFunnel(users);
    completed = summary.steps.back().users;
    benchmark::DoNotOptimize(completed);
  }
  state.counters["events"] = static_cast<double>(log.rows());
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(log.rows()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["completed"] = static_cast<double>(completed);
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / (1 << 20);
}
// 0 default, 1 strict_order, 2 strict_increase, 3 any_order. The CPU column is the process's
// (both cores), less sensitive to other load on the machine than the wall time.
BENCHMARK(BM_Funnel)
    ->DenseRange(0, 3)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
