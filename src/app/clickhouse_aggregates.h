#pragma once
// The analyses of a ClickHouse workspace, pushed down: ClickHouse computes one row per user and
// the whole data's totals (warehouse/clickhouse_rollups.h); GrowthLens turns them into the same
// KPIs and RFM table the rows would give (`Analysis::kpis`, `Analysis::rfm`), and personas run
// KMeans on that RFM table. The data handed to the renderers is one row per user (at the user's
// last active day), which names the users; the analyses read the pushed-down results, never
// those rows, so only analyses and parameters listed by CheckPushedDown run on it.
//
//   Result<PushedDownData> data = LoadClickHouseAggregates(endpoint, choice, progress);
//   context.analysis = data->analysis;  // kpis, rfm, segment answer from it

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/clickhouse_analyses.h"
#include "app/data_source.h"
#include "app/date_window.h"
#include "app/param_spec.h"
#include "core/status.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens {
struct Analysis;  // metrics/analysis.h
}  // namespace growthlens

namespace growthlens::app {

struct PushedDownData {
  LoadedData data;                           // one row per user, for names and the data's kind
  std::shared_ptr<const Analysis> analysis;  // the plan's results, of the whole data or the window
  /// Set when the plan asked for a window or features: the analysis covers them
  /// (RunContext::analysis_window).
  std::optional<HeldWindow> window;
};

/// The all-time aggregates a load read, kept by a server with its data generation: its routes
/// then read only their own aggregates, not the per-user totals (the heaviest query) again.
struct HeldAggregates {
  DataKind kind = DataKind::kUsage;
  warehouse::KindTotals whole;
  std::shared_ptr<const warehouse::UserTotals> users;
  PushedDownData all_time;  // one row per user, kpis and rfm of all time
};

/// Reads the aggregates of the kind `choice` picks among those stored (ChooseStoredKind), and
/// those `plan` asks for beyond kpis and rfm (app/clickhouse_analyses.h). With `keep` and a plan
/// over all time, also fills `keep` for the overload below.
Result<PushedDownData> LoadClickHouseAggregates(const warehouse::ClickHouseEndpoint& endpoint,
                                                const StoredKindChoice& choice,
                                                ProgressFn progress = nullptr,
                                                const PushDownPlan& plan = {},
                                                HeldAggregates* keep = nullptr);

/// The same over all time (`plan`'s window open) from the aggregates `held` of an earlier load:
/// only the plan's own aggregates are read.
Result<PushedDownData> LoadClickHouseAggregates(const warehouse::ClickHouseEndpoint& endpoint,
                                                const HeldAggregates& held,
                                                const PushDownPlan& plan);

/// Whether `analysis` with `params` (canonical) runs on a ClickHouse workspace today: kpis, rfm,
/// usage (and its --features), revenue, cohorts and lifecycle over all time or a window
/// (--from/--to), segment and insights over all time, RFM scored as asked
/// (kPushedDownAnalyses); cohorts by behaviour over all time, paths and users on rows of their
/// own (app/clickhouse_row_inputs.h, clickhouse_users.h); funnel, clv and predictions on their
/// own rows (app/clickhouse_funnel_input.h, clickhouse_clv_input.h, clickhouse_predictions.h).
/// Else an error naming what is not pushed down.
Status CheckPushedDown(std::string_view analysis, const ParamText& params);

/// The analyses CheckPushedDown lets run, in words: "kpis, rfm, ..., insights and funnel".
std::string PushedDownAnalysesText();

}  // namespace growthlens::app
