// Experiment statistics speed: per-user analysis of a 10M-row table held in memory (2 arms, a
// conversion rate, revenue with CUPED on its pre-period value, sessions), the same from a CSV
// file (read + analyse, as `growthlens experiment analyze` does), power and sample-size
// solving, sequential intervals, and Holm / Benjamini-Hochberg on 10,000 p-values.
//
//   build/bench/stats_benchmark --benchmark_counters_tabular=true
// The per-user cases run on 1 and 2 threads (threads:N); the CSV of 10M users (326 MB) is
// written once into the scratch directory (bench_util.h). peak_rss_mb is the process's: run
// the small cases on their own (--benchmark_filter='Plan|Mde|Sequential|Corrections') to see
// theirs.

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "core/column.h"
#include "io/input_buffer.h"
#include "io/unit_table_reader.h"
#include "stats/corrections.h"
#include "stats/experiment_analysis.h"
#include "stats/power.h"
#include "stats/sequential.h"
#include "stats/unit_metrics.h"

namespace growthlens {
namespace {

constexpr std::size_t kUsers = 10'000'000;

/// SplitMix64: the same table on every run.
struct Random {
  std::uint64_t state;
  double Uniform() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
  }
};

/// One row per user: arm, converted (0/1), revenue, pre_revenue (its covariate), sessions.
struct UserTable {
  std::vector<std::string> arms = {"control", "treatment"};
  Column<std::uint32_t> arm;
  Column<double> converted, revenue, pre_revenue, sessions;
  std::size_t Bytes() const {
    return arm.size() * sizeof(std::uint32_t) +
           (converted.size() + revenue.size() + pre_revenue.size() + sessions.size()) *
               sizeof(double);
  }
};

const UserTable& Users() {
  static const std::unique_ptr<UserTable> table = [] {
    auto users = std::make_unique<UserTable>();
    Random random{42};
    for (std::size_t user = 0; user < kUsers; ++user) {
      const std::uint32_t arm = random.Uniform() < 0.5 ? 0 : 1;
      const double pre = std::floor(100.0 * -std::log(1.0 - random.Uniform())) / 4.0;
      users->arm.push_back(arm);
      users->pre_revenue.push_back(pre);
      users->revenue.push_back(
          std::round(100.0 * (0.7 * pre + 10.0 * random.Uniform() + (arm == 1 ? 0.3 : 0.0))) /
          100.0);
      users->converted.push_back(random.Uniform() < 0.10 + 0.002 * arm ? 1.0 : 0.0);
      users->sessions.push_back(std::floor(8.0 * random.Uniform()));
    }
    return users;
  }();
  return *table;
}

stats::UnitMetricColumns MetricColumn(std::string name, stats::MetricType type,
                                      const Column<double>& values,
                                      const Column<double>* covariate = nullptr) {
  stats::UnitMetricColumns column;
  column.name = std::move(name);
  column.type = type;
  column.values = values;
  if (covariate != nullptr) {
    column.covariate_name = "pre_revenue";
    column.covariate = *covariate;
  }
  return column;
}

/// Three metrics per arm (one with CUPED) and the full analysis.
stats::ExperimentAnalysis AnalyzeUsers(const UserTable& users, unsigned threads) {
  std::vector<stats::MetricArms> metrics;
  for (const stats::UnitMetricColumns& column :
       {MetricColumn("converted", stats::MetricType::kProportion, users.converted),
        MetricColumn("revenue", stats::MetricType::kMean, users.revenue, &users.pre_revenue),
        MetricColumn("sessions", stats::MetricType::kMean, users.sessions)}) {
    Result<stats::MetricArms> metric =
        stats::SummarizeUnitMetric(users.arm, users.arms, column, threads);
    if (!metric.ok()) std::abort();
    metrics.push_back(std::move(*metric));
  }
  std::vector<std::int64_t> counts(2, 0);
  for (std::uint32_t arm : users.arm) ++counts[arm];
  Result<stats::ExperimentAnalysis> analysis =
      stats::AnalyzeExperiment(users.arms, counts, metrics, stats::ExperimentOptions());
  if (!analysis.ok()) std::abort();
  return std::move(*analysis);
}

void BM_PerUserAnalyzeInMemory(benchmark::State& state) {
  const UserTable& users = Users();
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(AnalyzeUsers(users, threads).results.data());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kUsers));
  state.counters["rows"] = static_cast<double>(kUsers);
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(kUsers) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.counters["table_mb"] = static_cast<double>(users.Bytes()) / 1e6;
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

/// The same users as a CSV (written once into the scratch directory).
const std::string& UsersCsv() {
  static const std::string path = [] {
    const std::string file = bench::ScratchDir() + "/experiment_users_10m.csv";
    if (!std::filesystem::exists(file)) {
      const UserTable& users = Users();
      std::FILE* out = std::fopen((file + ".tmp").c_str(), "w");
      if (out == nullptr) std::abort();
      std::fputs("user_id,variant,converted,revenue,pre_revenue,sessions\n", out);
      for (std::size_t user = 0; user < kUsers; ++user)
        std::fprintf(out, "%zu,%s,%d,%.2f,%.2f,%d\n", 1'000'000 + user,
                     users.arms[users.arm[user]].c_str(), static_cast<int>(users.converted[user]),
                     users.revenue[user], users.pre_revenue[user],
                     static_cast<int>(users.sessions[user]));
      std::fclose(out);
      std::filesystem::rename(file + ".tmp", file);
    }
    return file;
  }();
  return path;
}

/// Load, read the four columns on every core, analyse: `experiment analyze FILE
/// --covariate revenue:pre_revenue` without the rendering.
void BM_PerUserAnalyzeCsv(benchmark::State& state) {
  const std::string& path = UsersCsv();
  const auto threads = static_cast<unsigned>(state.range(0));
  const auto bytes = static_cast<double>(std::filesystem::file_size(path));
  for (auto _ : state) {
    Result<InputBuffer> buffer = InputBuffer::Load(path, Encoding::kAuto);
    if (!buffer.ok()) std::abort();
    Result<CsvPreview> preview = PreviewCsv(buffer->text(), path);
    if (!preview.ok()) std::abort();
    UnitTableRequest request;
    request.label_column = 1;
    request.columns = {{2, false}, {3, false}, {4, false}, {5, false}};
    request.threads = threads;
    Result<UnitTable> table = ReadUnitTable(buffer->text(), path, *preview, request);
    if (!table.ok()) std::abort();
    UserTable users;
    users.arms = table->labels;
    users.arm = std::move(table->label);
    users.converted = std::move(table->values[0]);
    users.revenue = std::move(table->values[1]);
    users.pre_revenue = std::move(table->values[2]);
    users.sessions = std::move(table->values[3]);
    benchmark::DoNotOptimize(AnalyzeUsers(users, threads).results.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kUsers));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(kUsers) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.counters["file_mb"] = bytes / 1e6;
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

/// Sample size per arm for a grid of conversion-rate and mean plans (root finding on the
/// power function), one plan per item.
void BM_PlanSampleSize(benchmark::State& state) {
  const bool means = state.range(0) == 1;
  std::vector<stats::PowerPlan> plans;
  for (double baseline : {0.02, 0.05, 0.1, 0.3})
    for (double relative : {0.02, 0.05, 0.1, 0.2})
      for (double ratio : {0.5, 1.0, 2.0}) {
        stats::PowerPlan plan;
        plan.metric = means ? stats::MetricKind::kMean : stats::MetricKind::kProportion;
        plan.baseline = means ? 100.0 * baseline : baseline;
        plan.std_dev = means ? 300.0 * baseline : 1.0;
        plan.relative_effect = true;
        plan.effect = relative;
        plan.ratio = ratio;
        plans.push_back(plan);
      }
  for (auto _ : state)
    for (const stats::PowerPlan& plan : plans) {
      Result<stats::SampleSizePlan> size = stats::PlanSampleSize(plan);
      if (!size.ok()) std::abort();
      benchmark::DoNotOptimize(size->n_total);
    }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(plans.size()));
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

/// Minimum detectable effect (root finding on the effect size) for a grid of sizes.
void BM_SolveMde(benchmark::State& state) {
  std::vector<stats::PowerPlan> plans;
  for (double n : {1e3, 1e4, 1e5, 1e6})
    for (double baseline : {0.05, 0.1, 0.3}) {
      stats::PowerPlan plan;
      plan.baseline = baseline;
      plan.n_control = n;
      plans.push_back(plan);
    }
  for (auto _ : state)
    for (const stats::PowerPlan& plan : plans) {
      Result<stats::MdePlan> mde = stats::SolveMde(plan);
      if (!mde.ok()) std::abort();
      benchmark::DoNotOptimize(mde->absolute);
    }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(plans.size()));
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

/// Always-valid interval and p-value for 10,000 lifts (one look each).
void BM_SequentialIntervals(benchmark::State& state) {
  std::vector<stats::LiftEstimate> lifts(10'000);
  for (std::size_t idx = 0; idx < lifts.size(); ++idx) {
    lifts[idx].estimate = 0.001 * static_cast<double>(idx % 97);
    lifts[idx].std_error = 0.01 + 0.0001 * static_cast<double>(idx % 13);
  }
  for (auto _ : state)
    for (std::size_t idx = 0; idx < lifts.size(); ++idx) {
      Result<stats::LiftEstimate> lift =
          stats::SequentialLift(lifts[idx], 1000.0 + static_cast<double>(idx));
      if (!lift.ok()) std::abort();
      benchmark::DoNotOptimize(lift->p_value);
    }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(lifts.size()));
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

/// Holm (range 0) or Benjamini-Hochberg (range 1) on 10,000 p-values.
void BM_Corrections10k(benchmark::State& state) {
  const stats::Correction method =
      state.range(0) == 0 ? stats::Correction::kHolm : stats::Correction::kBenjaminiHochberg;
  std::vector<double> p_values(10'000);
  Random random{7};
  for (double& p : p_values)
    p = random.Uniform() < 0.1 ? 1e-4 * random.Uniform() : random.Uniform();
  for (auto _ : state) {
    Result<std::vector<double>> adjusted = stats::AdjustPValues(p_values, method);
    if (!adjusted.ok()) std::abort();
    benchmark::DoNotOptimize(adjusted->data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(p_values.size()));
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / 1e6;
}

// Process CPU time beside wall time: on a shared machine the first says what the work costs.
BENCHMARK(BM_PerUserAnalyzeInMemory)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_PerUserAnalyzeCsv)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_PlanSampleSize)->Arg(0)->Arg(1)->ArgName("means")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SolveMde)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SequentialIntervals)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Corrections10k)->Arg(0)->Arg(1)->ArgName("bh")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
