#include "app/rfm_analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include "app/date_params.h"
#include "app/rfm_views.h"
#include "app/table_view.h"
#include "metrics/analysis.h"
#include "metrics/rfm.h"

namespace growthlens::app {

namespace {

/// Rows of the users view in a table; csv and json list everyone.
constexpr size_t kRfmTableUsers = 20;

struct RfmParams {
  std::optional<Day> from;
  std::optional<Day> to;
  std::optional<Day> reference_date;
  std::string ties;
  std::string view;
};

struct RfmResult {
  std::string view;  // segments, users, grid
  RfmTies ties = RfmTies::kFirstOccurrence;
  DataKind kind = DataKind::kUsage;
  std::optional<DayRange> data;  // the days with rows of the whole data
  DateWindow window;
  /// The rows of the window (null: the whole data, `whole`), which the users view refers to.
  std::shared_ptr<const Dataset> windowed;
  const Dataset* whole = nullptr;
  std::shared_ptr<const RfmTable> rfm;

  const Dataset& dataset() const { return windowed ? *windowed : *whole; }
  bool usage() const { return ByKind(kind, true, false); }
};

const char* RfmTiesName(RfmTies ties) {
  return ties == RfmTies::kShared ? "shared" : "first";
}

Result<RfmResult> RunRfm(const CleanedData& data, const RfmParams& params, RunContext& context) {
  Result<DateWindow> window = CheckedWindow(params.from, params.to, context.naming);
  if (!window.ok()) return window.status();
  RfmOptions options;
  options.ties = params.ties == "shared" ? RfmTies::kShared : RfmTies::kFirstOccurrence;
  // Recency of a period is counted to the day after it.
  if (window->to) options.reference_day = *window->to + 1;
  if (params.reference_date) options.reference_day = params.reference_date;

  RfmResult result;
  result.view = params.view;
  result.ties = options.ties;
  result.kind = data.dataset.kind();
  result.data = DaysWithRows(data.dataset, context.analysis.get(), context.analysis_window);
  result.window = *window;
  result.whole = &data.dataset;
  result.windowed = RowsOfWindow(data.dataset, *window);
  // The scores held for this window (the load's of all time, or a ClickHouse workspace's
  // pushed-down ones), when they were given with these ties and reference day.
  const bool held =
      HeldAnalysisCovers(context.analysis.get(), context.analysis_window, *window) &&
      context.analysis->rfm.ties == options.ties &&
      (!params.reference_date || context.analysis->rfm.reference_day == *params.reference_date);
  result.rfm = held ? std::shared_ptr<const RfmTable>(context.analysis, &context.analysis->rfm)
                    : std::make_shared<const RfmTable>(ComputeRfm(result.dataset(), options));
  const RfmTable& rfm = *result.rfm;
  int32_t min_recency = 1;
  for (int32_t recency : rfm.recency) min_recency = std::min(min_recency, recency);
  if (min_recency < 0)
    context.warnings.push_back(fmt::format(
        "the reference date {} is not after the last activity: some recencies are negative",
        FormatDate(rfm.reference_day)));
  return result;
}

View RfmResultView(const RfmResult& result) {
  if (result.view == "users") return RfmUsersView(*result.rfm, result.dataset(), result.usage());
  if (result.view == "grid") return RfmGridView(*result.rfm);
  return RfmSegmentsView(*result.rfm, result.usage());
}

std::string RfmJson(const RfmResult& result) {
  const char* list_key = result.view == "users"  ? "users"
                         : result.view == "grid" ? "cells"
                                                 : "segments";
  JsonDocument json;
  json.Set("view", result.view);
  json.Set("kind", DataKindName(result.kind));
  json.Set("reference_day", FormatDate(result.rfm->reference_day));
  json.Set("window", WindowJson(result.data, result.window));
  json.Set("ties", RfmTiesName(result.ties));
  json.Set("total_users", result.rfm->size());
  json.SetRows(list_key, RfmResultView(result));
  return json.Render();
}

std::string RfmCsv(const RfmResult& result) {
  return RenderCsv(RfmResultView(result));
}

std::string RfmTableText(const RfmResult& result) {
  const View view = RfmResultView(result);
  const char* who = result.usage() ? "users" : "customers";
  std::string out = fmt::format("RFM of {} {} ({}), reference day {}, ties {}\n",
                                WithThousands(result.rfm->size()), who, DataKindName(result.kind),
                                FormatDate(result.rfm->reference_day), RfmTiesName(result.ties));
  if (result.view == "grid")
    out += fmt::format("{} of the 125 (R, F, M) cells hold {}\n", view.rows, who);
  out += '\n';
  const size_t max_rows = result.view == "users" ? kRfmTableUsers : view.rows;
  out += RenderTable(view, max_rows);
  if (view.rows > max_rows)
    out += fmt::format("... and {} more {} (--format csv or json lists all)\n",
                       WithThousands(view.rows - max_rows), who);
  return out;
}

}  // namespace

AnalysisEntry RfmAnalysis() {
  return MakeEntry(
      AnalysisInfo(
          "rfm", DataNeed::kAny,
          "RFM scores and the 11 named segments: per segment, per user, or the score grid",
          "RFM analysis: load a CSV as ingest does (nothing is written), score every user or "
          "customer 1-5 on recency, frequency and monetary value (5 = best) and name their "
          "segments.\n"
          "Transactions: frequency = distinct invoices, monetary = revenue. Usage logs: "
          "frequency = distinct active days, monetary = events. Definitions in docs/ANALYTICS.md."),
      TypedAnalysis<RfmParams, RfmResult>{
          {
              {FromParamSpec(), &RfmParams::from},
              {ToParamSpec(), &RfmParams::to},
              {DateParam("reference-date",
                         "Day recency is counted to, YYYY-MM-DD (default: the day after the last "
                         "day of the window when one is set, else after the last day in the data)"),
               &RfmParams::reference_date},
              {EnumParam("ties", "first", {"first", "shared"},
                         "first (default): equal-size quintiles of rank(method=\"first\") as "
                         "pandas qcut; shared: equal values share a score, as the R rfm package"),
               &RfmParams::ties},
              {EnumParam(
                   "view", "segments", {"segments", "users", "grid"},
                   "segments (default): users, share and means per segment, all 11 in order; "
                   "users: one row per user with scores, RFM code and segment (tables show the "
                   "first 20); grid: users per populated (R, F, M) cell"),
               &RfmParams::view},
          },
          CheckWindowParams<RfmParams>,
          RunRfm,
          RfmJson,
          RfmCsv,
          RfmTableText});
}

}  // namespace growthlens::app
