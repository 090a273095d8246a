#include "server/clickhouse_serving.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <utility>

#include "app/cleaning_report_view.h"
#include "app/clickhouse_aggregates.h"
#include "app/clickhouse_clv_input.h"
#include "app/clickhouse_funnel_input.h"
#include "app/clickhouse_predictions.h"
#include "app/clickhouse_row_inputs.h"
#include "app/json_text.h"
#include "cli/output_format.h"
#include "core/stopwatch.h"
#include "metrics/analysis.h"
#include "server/api_responses.h"
#include "warehouse/clickhouse_client.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::server {

namespace {

/// "segment/users" -> "segment": a route variant is pushed down when its analysis is.
std::string_view AnalysisOf(const app::AnalysisEntry& entry) {
  const std::string_view name = entry.name;
  return name.substr(0, name.find('/'));
}

/// Holds one kind: its per-user aggregates (KPIs and RFM of the whole data come with them).
Result<HeldPtr> HoldKind(const warehouse::ClickHouseEndpoint& endpoint, DataKind kind, bool quiet) {
  const Stopwatch stopwatch;
  app::ProgressFn progress;
  if (!quiet)
    progress = [](std::string_view note) { fmt::print(stderr, "growthlens serve: {}\n", note); };
  auto aggregates = std::make_shared<app::HeldAggregates>();
  Result<app::PushedDownData> pushed = app::LoadClickHouseAggregates(
      endpoint, app::StoredKindChoice::Of(kind), progress, {}, aggregates.get());
  if (!pushed.ok()) return pushed.status();
  auto clickhouse = std::make_shared<ClickHouseData>();
  clickhouse->aggregates = std::move(aggregates);
  clickhouse->endpoint = endpoint;
  clickhouse->rows = pushed->data->report.records;
  clickhouse->first_day = pushed->analysis->kpis.from;
  clickhouse->last_day = pushed->analysis->kpis.to;
  auto held = std::make_shared<HeldDataset>();
  held->source = fmt::format("ClickHouse {}", endpoint.Display());
  held->path = endpoint.Display();
  held->cleaning_json =
      app::JsonText(app::CleaningReportJson(pushed->data->report, pushed->data->dataset));
  held->data = std::move(pushed->data);
  held->clickhouse = std::move(clickhouse);
  held->load_seconds = stopwatch.Seconds();
  if (!quiet)
    fmt::print(stderr, "growthlens serve: the {} of {} ready: {} rows, {} users, in {:.2f} s\n",
               DatasetWords(kind), endpoint.Display(), cli::WithThousands(held->clickhouse->rows),
               cli::WithThousands(held->data->dataset.users().size()), held->load_seconds);
  return HeldPtr(std::move(held));
}

/// The loaders' own refusals (an analysis of a kind not pushed down, e.g. churn of
/// transactions) say "... on a ClickHouse workspace yet".
bool IsNotPushedDown(const Status& status) {
  return status.message().find("on a ClickHouse workspace yet") != std::string::npos;
}

ApiError NotAvailable(std::string_view analysis, const std::string& parameter,
                      const std::string& value, const std::string& detail) {
  std::string words =
      parameter.empty()
          ? fmt::format(
                "The {} is not available on a ClickHouse workspace yet: it is "
                "not computed inside ClickHouse so far.",
                analysis)
          : fmt::format(
                "The {} is not available on a ClickHouse workspace yet with "
                "“{}” set to “{}”: it is computed inside ClickHouse with that setting "
                "left at its default so far.",
                analysis, parameter, value);
  ApiError error = MakeError(501, std::move(words), parameter);
  error.detail = detail;
  return error;
}

}  // namespace

Result<std::vector<HeldPtr>> LoadClickHouseHoldings(const std::string& url, bool quiet) {
  Result<warehouse::ClickHouseEndpoint> endpoint = warehouse::ParseClickHouseUrl(url);
  if (!endpoint.ok()) return endpoint.status();
  Result<warehouse::ClickHouseClient> client = warehouse::ClickHouseClient::Connect(*endpoint);
  if (!client.ok()) return client.status();
  Result<std::vector<DataKind>> kinds = warehouse::StoredKinds(*client);
  if (!kinds.ok()) return kinds.status();
  std::vector<HeldPtr> held;
  for (const DataKind kind : *kinds) {
    Result<HeldPtr> one = HoldKind(*endpoint, kind, quiet);
    if (!one.ok()) return one.status();
    held.push_back(std::move(one).value());
  }
  return held;
}

ClickHouseRefresher::ClickHouseRefresher(std::string url, std::chrono::seconds every,
                                         const std::vector<HeldPtr>& held,
                                         std::function<void(HeldPtr)> hold)
    : url_(std::move(url)), every_(every), hold_(std::move(hold)) {
  for (const HeldPtr& one : held) rows_.emplace_back(one->kind(), one->clickhouse->rows);
  thread_ = std::jthread([this](std::stop_token stop) { Watch(std::move(stop)); });
}

void ClickHouseRefresher::Watch(std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any tick;
  std::unique_lock lock(mutex);
  while (!tick.wait_for(lock, stop, every_, [&stop] { return stop.stop_requested(); })) {
    Result<warehouse::ClickHouseEndpoint> endpoint = warehouse::ParseClickHouseUrl(url_);
    if (!endpoint.ok()) return;
    Result<warehouse::ClickHouseClient> client = warehouse::ClickHouseClient::Connect(*endpoint);
    if (!client.ok()) continue;  // unreachable now: the held data stays, the next tick tries
    Result<std::vector<std::pair<DataKind, uint64_t>>> counts = warehouse::StoredRowCounts(*client);
    if (!counts.ok()) continue;
    std::vector<std::pair<DataKind, uint64_t>> stored;
    for (const auto& count : *counts)
      if (count.second > 0) stored.push_back(count);
    std::sort(stored.begin(), stored.end());
    std::vector<std::pair<DataKind, uint64_t>> held = rows_;
    std::sort(held.begin(), held.end());
    if (stored == held) continue;
    Result<std::vector<HeldPtr>> loaded = LoadClickHouseHoldings(url_, true);
    if (!loaded.ok()) {
      fmt::print(stderr, "growthlens serve: reading the new loads of {} failed: {}\n",
                 endpoint->Display(), loaded.status().message());
      continue;
    }
    rows_.clear();
    for (HeldPtr& one : *loaded) {
      rows_.emplace_back(one->kind(), one->clickhouse->rows);
      hold_(std::move(one));
    }
  }
}

std::optional<ApiError> RefuseOnClickHouse(const app::AnalysisEntry& entry,
                                           const app::ParamText& params) {
  const Status pushed = app::CheckPushedDown(AnalysisOf(entry), params);
  if (pushed.ok()) return std::nullopt;
  const std::string parameter = ErrorFromStatus(pushed).parameter;
  return NotAvailable(fmt::format("{} analysis", AnalysisOf(entry)), parameter,
                      std::string(app::ParamValue(params, parameter)), pushed.message());
}

Result<std::string> RunOnClickHouse(const app::AnalysisEntry& entry, const app::ParamText& params,
                                    const HeldDataset& held, app::RunContext& context) {
  const warehouse::ClickHouseEndpoint& endpoint = held.clickhouse->endpoint;
  const app::StoredKindChoice choice = app::StoredKindChoice::Of(held.kind());
  // Predictions: computed from ClickHouse's rollups on the first request, kept with the data.
  if (AnalysisOf(entry) == "predictions") {
    app::PredictionInputs inputs;
    inputs.threads = context.threads;
    Result<std::shared_ptr<const app::Predictions>> predictions =
        held.predictions->GetOr([&]() -> Result<app::Predictions> {
          Result<app::ClickHousePredictions> computed =
              app::ComputeClickHousePredictions(endpoint, choice, inputs);
          if (!computed.ok()) return computed.status();
          return std::move(computed->predictions);
        });
    if (!predictions.ok()) return predictions.status();
    context.predictions = held.predictions;
    return entry.run(app::RunInput(*held.data), params, entry.api_format, context);
  }
  // A funnel reads its users' step events, clv each customer's day totals: rows of their own.
  if (AnalysisOf(entry) == "funnel" || AnalysisOf(entry) == "clv") {
    Result<app::LoadedData> rows = AnalysisOf(entry) == "clv"
                                       ? app::LoadClickHouseClvData(endpoint, choice)
                                       : app::LoadClickHouseFunnelData(endpoint, choice, params);
    if (!rows.ok()) return rows.status();
    return entry.run(app::RunInput(**rows), params, entry.api_format, context);
  }
  const app::PushDownPlan plan = app::PushDownPlanOf(AnalysisOf(entry), params);
  if (app::ReadsOwnRows(AnalysisOf(entry), params)) {
    Result<app::PushedDownData> own =
        app::LoadClickHouseOwnRows(endpoint, choice, AnalysisOf(entry), params);
    if (!own.ok()) return own.status();
    context.analysis = std::move(own->analysis);
    context.analysis_window = own->window;
    return entry.run(app::RunInput(*own->data), params, entry.api_format, context);
  }
  // Over all time and every feature the whole data's totals held since the load serve the route
  // (it sends only its own queries); a window's, a feature filter's or the users list's rows are
  // asked for. Data stored since the load (an ingest, the collector: the refresher holds it
  // within --live-refresh) can make the held totals miss a user or feature the route's own
  // queries see: that answer comes from a full reading instead.
  const bool held_fits = plan.window.open() && plan.lifecycle_window.open() &&
                         plan.feature_names.empty() && !plan.users_rows &&
                         held.clickhouse->aggregates != nullptr;
  Result<app::PushedDownData> pushed =
      held_fits ? app::LoadClickHouseAggregates(endpoint, *held.clickhouse->aggregates, plan)
                : app::LoadClickHouseAggregates(endpoint, choice, nullptr, plan);
  if (held_fits && !pushed.ok() && pushed.status().code() == ErrorCode::kDataError)
    pushed = app::LoadClickHouseAggregates(endpoint, choice, nullptr, plan);
  if (!pushed.ok()) return pushed.status();
  context.analysis = std::move(pushed->analysis);
  // kpis and rfm over --from/--to: the pushed-down results cover that window, not all time.
  context.analysis_window = pushed->window;
  return entry.run(app::RunInput(*pushed->data), params, entry.api_format, context);
}

ApiError ClickHouseRefusesData(std::string_view what) {
  if (what == "analysis")
    return MakeError(501,
                     "The whole analysis report is not available on a ClickHouse workspace yet; "
                     "each page computes its own numbers inside ClickHouse.");
  return MakeError(501, fmt::format("Adding data from the dashboard ({}) is not available on a "
                                    "ClickHouse workspace yet: files are stored in ClickHouse "
                                    "with GrowthLens's ingest command.",
                                    what));
}

std::string ClickHouseDisplay(const std::string& url) {
  Result<warehouse::ClickHouseEndpoint> endpoint = warehouse::ParseClickHouseUrl(url);
  return endpoint.ok() ? endpoint->Display() : std::string();
}

ApiError ClickHouseErrorOf(const app::AnalysisEntry& entry, DataKind kind, const Status& status) {
  if (!IsNotPushedDown(status)) return ErrorFromStatus(status);
  return NotAvailable(fmt::format("{} analysis of the {}", AnalysisOf(entry), DatasetWords(kind)),
                      "", "", status.message());
}

}  // namespace growthlens::server
