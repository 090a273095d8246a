#pragma once
// The analyses beyond KPIs and RFM on a ClickHouse workspace, from aggregates ClickHouse
// computes (warehouse/clickhouse_series.h): the feature report and series (GROUP BY feature,
// period), the feature correlation (from the per-user feature totals already read), cohorts and
// lifecycle (each user's distinct active days, one row per user, turned into the ActivityGrid
// the embedded engine builds from rows, and for transactions each cohort's revenue summed in
// ClickHouse), the revenue tables by month (new and returning customers' revenue from the cohort
// revenue), country and season (warehouse/clickhouse_revenue.h), the top-20% share and the
// insights. The metrics' own functions shape them
// (FeatureReportOf, FeatureSeriesOf, CorrelationOfPivot, ComputeCohorts, ComputeLifecycle,
// ComputeInsights), so the definitions are the embedded engine's.
//
//   PushDownPlan plan = PushDownPlanOf("cohorts", params);
//   GROWTHLENS_RETURN_IF_ERROR(AddPushedDownAnalyses(client, inputs, plan, analysis));

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/param_spec.h"
#include "core/dataset.h"
#include "core/status.h"
#include "metrics/analysis.h"
#include "warehouse/clickhouse_client.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::app {

/// Which results a run needs beyond the KPIs and the RFM table, and in which periods.
struct PushDownPlan {
  bool features = false;   // feature report, series and correlation (usage and event logs)
  bool activity = false;   // cohorts and lifecycle (with stickiness)
  bool revenue = false;    // transactions: revenue by month, country and season
  bool products = false;   // transactions: the products' Pareto curve
  bool insights = false;   // everything insights read, then the insights
  bool kpi_trend = false;  // kpis --view trend: the KPIs per day of the window
  /// rfm --ties, rfm and segment --reference-date: how the RFM table is scored.
  RfmTies rfm_ties = RfmTies::kFirstOccurrence;
  std::optional<Day> rfm_reference_day;
  AnalysisOptions options;
  CohortPeriod lifecycle_period = CohortPeriod::kMonth;
  /// The days whose rows the results cover (open: all time): kpis, rfm, usage, revenue and
  /// cohorts (whose users keep their first day of all time, as RowsInWindow keeps it).
  warehouse::DayWindow window;
  /// users: the users list's rows (app/clickhouse_users.h), with `user_id`'s real rows.
  bool users_rows = false;
  std::string user_id;
  /// lifecycle: the periods it shows (LifecycleOptions::from/to). It reads every row, since
  /// activity before the window makes users returning or resurrecting in it.
  warehouse::DayWindow lifecycle_window;
  /// usage: the features its results keep (names, sorted, once each; empty: all).
  std::vector<std::string> feature_names;
};

/// The plan of `analysis` with `params` (canonical); "analyze" and "insights" need everything.
PushDownPlan PushDownPlanOf(std::string_view analysis, const ParamText& params);

/// What the per-user and whole-data aggregates already gave.
struct PushedDownInputs {
  DataKind kind = DataKind::kUsage;
  const warehouse::KindTotals* whole = nullptr;  // of all time
  const warehouse::KindTotals* all = nullptr;    // of the plan's window
  const warehouse::UserTotals* users = nullptr;
  const Dataset* user_rows = nullptr;  // one row per user: the users' codes and names
};

/// Fills the plan's results of `analysis` (whose kpis and rfm are set) from ClickHouse.
Status AddPushedDownAnalyses(warehouse::ClickHouseClient& client, const PushedDownInputs& inputs,
                             const PushDownPlan& plan, Analysis& analysis);

}  // namespace growthlens::app
