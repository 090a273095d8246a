// Campaign simulation speed: the matrix of `growthlens experiment simulate` (every campaign
// preset on every RFM segment of at least 100 users, 1,000 runs each) on the ~9M-row generated
// usage log (200,000 users) and on the full Online Retail file, after loading, segmenting the
// pre-period and computing the window outcomes (those are timed apart). users/s counts each
// segment's users once per campaign; user_runs/s counts them once per run.
//
//   build/bench/simulation_benchmark --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "metrics/campaign_presets.h"
#include "metrics/rfm.h"
#include "metrics/rows_before.h"
#include "metrics/window_outcomes.h"
#include "ml/user_groups.h"
#include "prep/ingest.h"
#include "stats/simulation.h"

namespace growthlens {
namespace {

constexpr size_t kMinUsers = 100;
constexpr int kWindowDays = 30;

/// Everything the matrix needs before simulating: segments of the pre-period, window outcomes.
struct MatrixInputs {
  std::vector<ml::UserGroup> groups;
  WindowOutcomes outcomes;
};

MatrixInputs Prepare(const Dataset& dataset) {
  const Result<OutcomeWindow> window = LastDaysWindow(dataset, kWindowDays);
  if (!window.ok()) std::abort();
  const Dataset before = RowsBefore(dataset, window->first);
  const RfmTable rfm = ComputeRfm(before, RfmOptions{window->first, RfmTies::kFirstOccurrence});
  MatrixInputs inputs{ml::RfmGroups(rfm), ComputeWindowOutcomes(dataset, *window)};
  return inputs;
}

/// Every preset on every group of kMinUsers users: the simulations the command runs. Returns
/// the users simulated (a segment's users once per campaign).
size_t SimulateMatrix(const Dataset& dataset, const MatrixInputs& inputs,
                      const stats::SimulationOptions& options) {
  size_t users = 0;
  for (const ml::UserGroup& group : inputs.groups) {
    if (group.users.size() < kMinUsers) continue;
    std::vector<double> revenue, orders;
    const bool transactions = dataset.kind() == DataKind::kTransactions;
    if (transactions) {
      revenue = OutcomeValues(inputs.outcomes, OutcomeMetric::kRevenue, group.users);
      orders = OutcomeValues(inputs.outcomes, OutcomeMetric::kOrders, group.users);
    }
    for (const CampaignPreset& preset : CampaignPresets()) {
      const OutcomeMetric metric = preset.MetricFor(dataset.kind());
      const std::vector<double> values = OutcomeValues(inputs.outcomes, metric, group.users);
      const stats::GoalOutcomes goal{
          InfoOf(metric).rate ? stats::MetricKind::kProportion : stats::MetricKind::kMean, values,
          stats::AssumedEffect{preset.effect, preset.relative}};
      const stats::RatioGuardrail aov{"AOV", revenue, orders, preset.aov_effect, 0.02};
      auto simulation = stats::SimulateCampaign(goal, transactions ? &aov : nullptr, options);
      if (simulation.ok()) users += group.users.size();
      benchmark::DoNotOptimize(simulation);
    }
  }
  return users;
}

void RunMatrix(benchmark::State& state, const Dataset& dataset) {
  const MatrixInputs inputs = Prepare(dataset);
  stats::SimulationOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  size_t users = 0;
  for (auto _ : state) users = SimulateMatrix(dataset, inputs, options);
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["users/s"] =
      benchmark::Counter(static_cast<double>(users) * iterations, benchmark::Counter::kIsRate);
  state.counters["user_runs/s"] = benchmark::Counter(
      static_cast<double>(users * options.runs) * iterations, benchmark::Counter::kIsRate);
  state.counters["cell_users"] = static_cast<double>(users);
  state.counters["threads"] = static_cast<double>(options.threads);
}

void BM_SimulationMatrixUsage(benchmark::State& state) {
  RunMatrix(state, bench::UsageDataset());
}
void BM_SimulationMatrixRetail(benchmark::State& state) {
  RunMatrix(state, bench::RetailDataset());
}
/// What the command does before simulating: the pre-period Dataset, its RFM segments and the
/// window outcomes.
void BM_SimulationPrepareUsage(benchmark::State& state) {
  const Dataset& dataset = bench::UsageDataset();
  for (auto _ : state) benchmark::DoNotOptimize(Prepare(dataset));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(dataset.rows()));
}

BENCHMARK(BM_SimulationMatrixUsage)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SimulationMatrixRetail)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SimulationPrepareUsage)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
