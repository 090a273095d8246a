#include "metrics/analysis.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/compensated_sum.h"
#include "core/parallel.h"
#include "core/stopwatch.h"
#include "metrics/usage_rollup.h"
#include "metrics/user_rows.h"

namespace growthlens {

namespace {

struct AnalysisTask {
  const char* name;
  std::function<void()> run;
};

/// Runs the tasks side by side, each on one thread: the analyses are independent and each is
/// fast enough that splitting one across cores would cost more in merging than it saves.
/// Listed longest first, so the last task to start is a short one.
std::vector<AnalysisTiming> RunTasks(const std::vector<AnalysisTask>& tasks, unsigned threads) {
  std::vector<AnalysisTiming> timings(tasks.size());
  ParallelFor(tasks.size(), threads, [&](size_t task_idx) {
    const Stopwatch stopwatch;
    tasks[task_idx].run();
    timings[task_idx] = {tasks[task_idx].name, stopwatch.Seconds()};
  });
  return timings;
}

/// Lifecycle periods follow the cohorts' (weeks for daily cohorts), on one thread.
LifecycleOptions LifecycleOptionsFor(const AnalysisOptions& options) {
  LifecycleOptions lifecycle;
  lifecycle.period =
      options.cohort_period == CohortPeriod::kDay ? CohortPeriod::kWeek : options.cohort_period;
  lifecycle.threads = 1;
  return lifecycle;
}

/// Every analysis on its own pass over the rows (transactions, or rows without a user).
void RunFromRows(const Dataset& dataset, const UserRows& by_user, const AnalysisOptions& options,
                 Analysis& analysis) {
  std::vector<AnalysisTask> tasks;
  tasks.push_back({"rfm", [&] {
                     analysis.rfm = ComputeRfm(dataset, options.rfm);
                     analysis.top_user_share = TopShare(analysis.rfm.monetary, 0.2);
                   }});
  tasks.push_back({"kpis", [&] { analysis.kpis = ComputeKpis(dataset, KpiOptions()); }});
  tasks.push_back({"lifecycle", [&] {
                     analysis.lifecycle = ComputeLifecycle(dataset, LifecycleOptionsFor(options));
                   }});
  const auto cohorts = [&] { analysis.cohorts = ComputeCohorts(dataset, options.cohort_period); };
  // Transactions: the revenue tables all start from the revenue per order, computed once.
  std::vector<CompensatedSum> order_revenue;
  dataset.Visit(Overloaded{
      [&](const UsageLog& log) {
        const UsageFilter all;
        tasks.push_back({"feature series", [&log, &by_user, &options, &analysis, all] {
                           analysis.series =
                               ComputeFeatureSeries(log, by_user, options.series_period, all, 1);
                         }});
        tasks.push_back({"feature report", [&log, &by_user, &analysis, all] {
                           analysis.features = ComputeFeatureReport(log, by_user, all, 1);
                         }});
        tasks.push_back({"cohorts", cohorts});
        tasks.push_back({"feature correlation", [&log, &by_user, &analysis, all] {
                           analysis.correlation = FeatureCorrelation(log, by_user, all, 1);
                         }});
      },
      [&](const TransactionLog& log) {
        const Stopwatch stopwatch;
        order_revenue = OrderRevenue(log);
        analysis.timings.push_back({"revenue per order", stopwatch.Seconds()});
        tasks.push_back({"cohorts", cohorts});
        tasks.push_back({"revenue by month", [&log, &order_revenue, &analysis] {
                           analysis.months = RevenueByMonth(log, order_revenue);
                         }});
        tasks.push_back(
            {"product pareto", [&log, &analysis] { analysis.pareto = ProductPareto(log); }});
        tasks.push_back({"countries", [&log, &order_revenue, &analysis] {
                           analysis.countries = RevenueByCountry(log, order_revenue);
                         }});
        tasks.push_back({"seasonality", [&log, &order_revenue, &analysis] {
                           analysis.seasonality = {
                               RevenueBySeason(log, Season::kMonthOfYear, order_revenue),
                               RevenueBySeason(log, Season::kWeekday, order_revenue),
                               RevenueBySeason(log, Season::kHour, order_revenue)};
                         }});
      }});
  for (AnalysisTiming& timing : RunTasks(tasks, options.threads))
    analysis.timings.push_back(std::move(timing));
}

/// A usage log: one pass over the rows (UsageRollup, on every core), then each analysis from
/// it, side by side.
void RunFromRollup(const Dataset& dataset, const UsageLog& log, const UserRows& by_user,
                   const AnalysisOptions& options, Analysis& analysis) {
  const Stopwatch stopwatch;
  UsageRollup rollup(log, by_user, options.series_period, options.threads);
  analysis.timings.push_back({"roll up rows by user", stopwatch.Seconds()});
  std::vector<AnalysisTask> tasks;
  tasks.push_back({"rfm", [&] {
                     analysis.rfm = ComputeRfm(log, rollup, options.rfm);
                     analysis.top_user_share = TopShare(analysis.rfm.monetary, 0.2);
                   }});
  tasks.push_back({"lifecycle", [&] {
                     analysis.lifecycle =
                         ComputeLifecycle(dataset, LifecycleOptionsFor(options), &rollup.days());
                   }});
  tasks.push_back({"kpis", [&] { analysis.kpis = ComputeKpis(log, rollup); }});
  tasks.push_back({"cohorts", [&] {
                     analysis.cohorts =
                         ComputeCohorts(dataset, rollup.days(), options.cohort_period);
                   }});
  tasks.push_back({"feature correlation",
                   [&] { analysis.correlation = CorrelationOfPivot(rollup.feature_events()); }});
  tasks.push_back({"feature series", [&] {
                     analysis.series =
                         FeatureSeriesOf(rollup.series_totals(), options.series_period);
                   }});
  tasks.push_back(
      {"feature report", [&] { analysis.features = FeatureReportOf(rollup.feature_totals()); }});
  for (AnalysisTiming& timing : RunTasks(tasks, options.threads))
    analysis.timings.push_back(std::move(timing));
  // The pivot outlives the rollup: the personas' top features are summed from it.
  analysis.user_features.users.resize(by_user.groups());
  for (size_t group = 0; group < by_user.groups(); ++group)
    analysis.user_features.users[group] = by_user.user(group);
  analysis.user_features.events = rollup.ReleaseFeatureEvents();
}

}  // namespace

double TopShare(std::vector<double> values, double fraction) {
  const auto top = static_cast<size_t>(std::ceil(fraction * static_cast<double>(values.size())));
  // Integers (events) whose sums stay below 2^53 add up exactly in any order: the top ones need
  // only be separated from the rest (nth_element), not sorted.
  constexpr double kExactLimit = 0x1p53;
  double magnitude = 0;
  bool integers = true;
  for (const double value : values) {
    integers = integers && value == std::floor(value);
    magnitude += std::fabs(value);
  }
  if (integers && magnitude < kExactLimit && top < values.size()) {
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(top),
                     values.end(), std::greater<>());
    double top_sum = 0, total = 0;
    for (size_t idx = 0; idx < values.size(); ++idx) {
      total += values[idx];
      if (idx < top) top_sum += values[idx];
    }
    return total == 0 ? 0 : top_sum / total;
  }
  std::sort(values.begin(), values.end(), std::greater<>());
  CompensatedSum top_sum, total;
  for (size_t idx = 0; idx < values.size(); ++idx) {
    total.Add(values[idx]);
    if (idx < top) top_sum.Add(values[idx]);
  }
  return total.Value() == 0 ? 0 : top_sum.Value() / total.Value();
}

Analysis RunAnalysis(const Dataset& dataset, const AnalysisOptions& options) {
  Analysis analysis;
  analysis.kind = dataset.kind();
  // A usage log's rollup takes its rows' order one band of users at a time (UserRows::ByBand).
  const UsageLog* usage = dataset.As<UsageLog>();
  bool rolled_up = false;
  if (usage != nullptr) {
    const Stopwatch grouping;
    const UserRows by_band(*usage, options.threads, UserRows::ByBand{});
    if (UsageRollup::Covers(*usage, by_band)) {
      analysis.timings.push_back({"group rows by user", grouping.Seconds()});
      RunFromRollup(dataset, *usage, by_band, options, analysis);
      rolled_up = true;
    }
  }
  if (!rolled_up) {
    const Stopwatch grouping;
    const UserRows by_user(dataset, options.threads);
    analysis.timings.push_back({"group rows by user", grouping.Seconds()});
    RunFromRows(dataset, by_user, options, analysis);
  }

  const Stopwatch insights;
  analysis.insights = ComputeInsights(dataset, analysis);
  analysis.timings.push_back({"insights", insights.Seconds()});
  return analysis;
}

}  // namespace growthlens
