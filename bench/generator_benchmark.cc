// Throughput of `growthlens generate`: users or customers a second (entities_per_s), rows
// (events, for the event log) a second (items_per_second) and CSV bytes/s (bytes_per_second)
// for the usage log, the event log and the transactions, on all cores and on one, to
// /dev/null (generation alone) and to a gzip file in the scratch directory (generation plus
// compression and disk). Each run checks its answer: the row count per user or customer must
// match what the model is tuned for, or the benchmark reports an error instead of a speed.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "bench_util.h"
#include "synth/event_generator.h"
#include "synth/output_sink.h"
#include "synth/transaction_generator.h"
#include "synth/usage_generator.h"

namespace growthlens::synth {
namespace {

/// The size the analyses are benchmarked on: about 9M rows and 360 MB of usage log.
constexpr int64_t kBenchmarkUsers = 200'000;
/// The issues' speed target: one million users (about 45M usage rows or 65M events).
constexpr int64_t kTargetUsers = 1'000'000;
/// About 5M lines and 430 MB: ten times UCI Online Retail.
constexpr int64_t kBenchmarkCustomers = 50'000;

/// Rows per entity that the models are tuned for; outside these the output is wrong.
constexpr double kMinUsageRowsPerUser = 38.0;
constexpr double kMaxUsageRowsPerUser = 52.0;
constexpr double kMinEventsPerUser = 55.0;  // about 65: the usage log's feature-days, repeats
constexpr double kMaxEventsPerUser = 75.0;  // on heavy days, and the onboarding steps
constexpr double kMinLinesPerCustomer = 80.0;
constexpr double kMaxLinesPerCustomer = 120.0;

enum class Target { kDevNull, kGzipFile };

std::string PathFor(Target target, const std::string& name) {
  return target == Target::kDevNull ? "/dev/null" : bench::ScratchDir() + "/" + name + ".csv.gz";
}

/// Runs `generate` (which writes to the sink it is given) once per iteration and reports
/// rows/s, bytes/s and the process's peak memory.
template <typename Generate>
void RunGenerator(benchmark::State& state, const std::string& path, int64_t entities,
                  double min_rows_per_entity, double max_rows_per_entity, Generate generate) {
  GenerationSummary last;
  for (auto _ : state) {
    Result<std::unique_ptr<OutputSink>> sink = OpenOutputSink(path);
    if (!sink.ok()) {
      state.SkipWithError(sink.status().message().c_str());
      return;
    }
    const Result<GenerationSummary> summary = generate(**sink);
    if (!summary.ok()) {
      state.SkipWithError(summary.status().message().c_str());
      return;
    }
    last = *summary;
  }
  const double rows_per_entity = static_cast<double>(last.rows) / static_cast<double>(entities);
  if (rows_per_entity < min_rows_per_entity || rows_per_entity > max_rows_per_entity) {
    state.SkipWithError(("unexpected rows per entity: " + std::to_string(rows_per_entity)).c_str());
    return;
  }
  const auto iterations = static_cast<int64_t>(state.iterations());
  state.SetItemsProcessed(last.rows * iterations);
  state.SetBytesProcessed(last.csv_bytes * iterations);
  state.counters["entities_per_s"] =
      benchmark::Counter(static_cast<double>(entities * iterations), benchmark::Counter::kIsRate);
  state.counters["rows"] = static_cast<double>(last.rows);
  state.counters["csv_MB"] = static_cast<double>(last.csv_bytes) / 1e6;
  state.counters["output_MB"] = static_cast<double>(last.output_bytes) / 1e6;
  state.counters["threads"] = last.threads;
  state.counters["peak_rss_MB"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
  if (path != "/dev/null") std::filesystem::remove(path);
}

using UserGenerator = Result<GenerationSummary> (*)(const UsageGeneratorOptions&, OutputSink&,
                                                    const ProgressCallback&);

/// Arguments: users, threads (0 = all), target.
void RunUserGenerator(benchmark::State& state, const std::string& name, double min_rows_per_user,
                      double max_rows_per_user, UserGenerator generate) {
  UsageGeneratorOptions options;
  options.users = state.range(0);
  options.threads = static_cast<int>(state.range(1));
  const auto target = static_cast<Target>(state.range(2));
  RunGenerator(state, PathFor(target, name), options.users, min_rows_per_user, max_rows_per_user,
               [&](OutputSink& sink) { return generate(options, sink, {}); });
}

void BM_GenerateUsageLog(benchmark::State& state) {
  RunUserGenerator(state, "usage_bench", kMinUsageRowsPerUser, kMaxUsageRowsPerUser,
                   GenerateUsageLog);
}

void BM_GenerateEventLog(benchmark::State& state) {
  RunUserGenerator(state, "events_bench", kMinEventsPerUser, kMaxEventsPerUser, GenerateEventLog);
}

/// Arguments: customers, threads (0 = all), target.
void BM_GenerateTransactions(benchmark::State& state) {
  TransactionGeneratorOptions options;
  options.customers = state.range(0);
  options.threads = static_cast<int>(state.range(1));
  const auto target = static_cast<Target>(state.range(2));
  RunGenerator(state, PathFor(target, "transactions_bench"), options.customers,
               kMinLinesPerCustomer, kMaxLinesPerCustomer,
               [&](OutputSink& sink) { return GenerateTransactions(options, sink); });
}

constexpr int64_t kAllThreads = 0;
constexpr int64_t kOneThread = 1;
constexpr auto kDevNull = static_cast<int64_t>(Target::kDevNull);
constexpr auto kGzipFile = static_cast<int64_t>(Target::kGzipFile);

// Generation is multi-threaded, so wall time is what counts.
void Timed(benchmark::internal::Benchmark* bench) {
  bench->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
}

/// All cores and one core to /dev/null, all cores to a gzip file: `count` users or customers.
void EverydayRuns(benchmark::internal::Benchmark* bench, const char* entities, int64_t count) {
  bench->ArgNames({entities, "threads", "gzip"})
      ->Args({count, kAllThreads, kDevNull})
      ->Args({count, kOneThread, kDevNull})
      ->Args({count, kAllThreads, kGzipFile});
  Timed(bench);
}

void UserRuns(benchmark::internal::Benchmark* bench) {
  EverydayRuns(bench, "users", kBenchmarkUsers);
}

void CustomerRuns(benchmark::internal::Benchmark* bench) {
  EverydayRuns(bench, "customers", kBenchmarkCustomers);
}

/// The targets: a million users, once (the usage log in under a minute, the event
/// log in under 30 s).
void MillionUserRun(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"users", "threads", "gzip"})
      ->Args({kTargetUsers, kAllThreads, kDevNull})
      ->Iterations(1);
  Timed(bench);
}

BENCHMARK(BM_GenerateUsageLog)->Apply(UserRuns);
BENCHMARK(BM_GenerateUsageLog)->Apply(MillionUserRun);
BENCHMARK(BM_GenerateEventLog)->Apply(UserRuns);
BENCHMARK(BM_GenerateEventLog)->Apply(MillionUserRun);
BENCHMARK(BM_GenerateTransactions)->Apply(CustomerRuns);

}  // namespace
}  // namespace growthlens::synth

BENCHMARK_MAIN();
