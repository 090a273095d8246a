#include "app/cohorts_analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "app/cohort_views.h"
#include "app/date_params.h"
#include "app/event_names.h"
#include "app/table_view.h"
#include "metrics/analysis.h"
#include "metrics/behaviour_retention.h"
#include "metrics/cohorts.h"

namespace growthlens::app {

namespace {

/// Periods a grid may show at most (max-periods).
constexpr int64_t kMaxCohortPeriods = 10'000;

struct CohortsParams {
  std::optional<Day> from;
  std::optional<Day> to;
  std::string period;
  std::string mode;
  std::string values;
  int64_t max_periods = 0;   // 0: all
  std::string start_event;   // behavioural cohorts: by the first time users did this event
  std::string return_event;  // and retained when they did this one
};

struct CohortsResult {
  CohortPeriod period = CohortPeriod::kMonth;
  RetentionMode mode = RetentionMode::kOn;
  CohortValues values = CohortValues::kPercent;
  std::string values_name;
  std::optional<DayRange> data;
  DateWindow window;
  DataKind kind = DataKind::kUsage;
  bool signup = false;                    // usage cohorts by signup day
  std::string start_event, return_event;  // behavioural cohorts ("": any event)
  std::shared_ptr<const CohortGrid> grid;
};

CohortValues CohortValuesOf(std::string_view name) {
  if (name == "count") return CohortValues::kCount;
  if (name == "revenue") return CohortValues::kRevenue;
  return CohortValues::kPercent;
}

Status CheckCohortsParams(const CohortsParams& params, Naming naming) {
  GROWTHLENS_RETURN_IF_ERROR(CheckWindowParams(params, naming));
  if (params.values == "revenue" && params.mode == "on-or-after")
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} on-or-after applies to users ({} percent or count); {} "
                              "revenue is the revenue in each period",
                              ShownName("mode", naming), ShownName("values", naming),
                              ShownName("values", naming)));
  if (params.values == "revenue" && (!params.start_event.empty() || !params.return_event.empty()))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} and {} define cohorts of users by their events; {} revenue "
                              "is for cohorts of first purchase",
                              ShownName("start-event", naming), ShownName("return-event", naming),
                              ShownName("values", naming)));
  return Status::Ok();
}

/// The values of a row, null where the period is unobserved (before the data starts).
nlohmann::ordered_json JsonValues(const std::vector<std::optional<double>>& row, bool counts) {
  nlohmann::ordered_json values = nlohmann::ordered_json::array();
  for (const std::optional<double>& value : row) {
    if (!value)
      values.push_back(nullptr);
    else if (counts)
      values.push_back(static_cast<uint64_t>(*value));
    else
      values.push_back(*value);
  }
  return values;
}

/// The data's periods it covers in part: [{"period", "days_in_data", "days"}].
nlohmann::ordered_json PartialPeriodsJson(const CohortGrid& grid) {
  nlohmann::ordered_json partial = nlohmann::ordered_json::array();
  for (const std::optional<PeriodCoverage>& coverage : {grid.first_partial, grid.last_partial})
    if (coverage)
      partial.push_back({{"period", CohortBucketLabel(coverage->bucket, grid.period)},
                         {"days_in_data", coverage->days_in_data},
                         {"days", coverage->days}});
  return partial;
}

/// Whether some cohort started before the data (its early cells are blank, not 0).
bool AnyUnobserved(const CohortGrid& grid) {
  return std::any_of(grid.values.begin(), grid.values.end(), [](const auto& row) {
    return std::any_of(row.begin(), row.end(), [](const auto& value) { return !value; });
  });
}

const char* CohortWho(const CohortsResult& result) {
  return ByKind(result.kind, "users", "customers");
}

std::string CohortsHeading(const CohortsResult& result) {
  const CohortGrid& grid = *result.grid;
  std::string what;
  switch (result.values) {
    case CohortValues::kPercent:
      what = "share of the cohort active";
      break;
    case CohortValues::kCount:
      what = "users of the cohort active";
      break;
    case CohortValues::kRevenue:
      what = "revenue of the cohort";
      break;
  }
  if (result.values != CohortValues::kRevenue)
    what += result.mode == RetentionMode::kOn ? " in period n" : " in period n or later";
  else
    what += " in period n";
  const char* last_row = result.values == CohortValues::kRevenue ? "revenue per cohort customer"
                                                                 : "size-weighted share active";
  const bool behaviour = !result.start_event.empty() || !result.return_event.empty();
  if (behaviour)
    what = fmt::format(
        "share of the cohort who did {} in period n{}",
        result.return_event.empty() ? std::string("any event") : "'" + result.return_event + "'",
        result.mode == RetentionMode::kOn ? "" : " or later");
  const std::string by =
      behaviour ? (result.start_event.empty() ? std::string("first activity")
                                              : "their first '" + result.start_event + "'")
                : std::string(result.signup ? "signup" : "first activity");
  const char* blank = AnyUnobserved(grid) ? "; blank: periods before the data starts" : "";
  std::string out =
      fmt::format("{} {} by {} of {} ({} cohorts): {}; last row: {}{}\n", WithThousands(grid.users),
                  CohortWho(result), CohortPeriodName(result.period), by, grid.labels.size(), what,
                  last_row, blank);
  for (const std::string& note : CohortGridNotes(grid, CohortWho(result)))
    out += "Note: " + note + "\n";
  return out + "\n";
}

/// The code of an event name ("": none, any event).
Result<std::optional<uint16_t>> OptionalEventCode(const UsageLog& log, std::string_view param,
                                                  const std::string& name,
                                                  const RunContext& context) {
  if (name.empty()) return std::optional<uint16_t>();
  Result<uint16_t> code = EventCodeOf(log, param, name, context.naming, context.source);
  if (!code.ok()) return code.status();
  return std::optional<uint16_t>(*code);
}

/// Cohorts by a start event, retained by a return event (metrics/behaviour_retention.h).
Result<CohortsResult> WithBehaviourCohorts(const Dataset& dataset, const CohortsParams& params,
                                           RunContext& context, CohortsResult result) {
  const UsageLog* log = dataset.As<UsageLog>();
  if (log == nullptr)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} and {} need an event or usage log, and {} is a {} file",
                              ShownName("start-event", context.naming),
                              ShownName("return-event", context.naming), context.source,
                              DataKindName(dataset.kind())));
  BehaviourRetentionOptions options;
  options.period = result.period;
  options.threads = context.threads;
  Result<std::optional<uint16_t>> start =
      OptionalEventCode(*log, "start-event", params.start_event, context);
  if (!start.ok()) return start.status();
  Result<std::optional<uint16_t>> back =
      OptionalEventCode(*log, "return-event", params.return_event, context);
  if (!back.ok()) return back.status();
  options.start_event = *start;
  options.return_event = *back;
  result.signup = false;
  result.start_event = params.start_event;
  result.return_event = params.return_event;
  result.grid = std::make_shared<const CohortGrid>(
      BuildCohortGrid(ComputeBehaviourRetention(*log, options), result.mode, result.values,
                      static_cast<size_t>(params.max_periods)));
  return result;
}

Result<CohortsResult> RunCohorts(const CleanedData& data, const CohortsParams& params,
                                 RunContext& context) {
  GROWTHLENS_RETURN_IF_ERROR(CheckCohortsParams(params, context.naming));
  CohortsResult result;
  result.period = CohortPeriodOf(params.period);
  result.mode = params.mode == "on-or-after" ? RetentionMode::kOnOrAfter : RetentionMode::kOn;
  result.values = CohortValuesOf(params.values);
  result.values_name = params.values;
  result.window = DateWindow{params.from, params.to};
  result.data = DaysWithRows(data.dataset, context.analysis.get(), context.analysis_window);
  // A window keeps its rows; users who started before it fall in earlier, left-censored cohorts.
  // A ClickHouse workspace computed the held matrix over the window already.
  const bool held_window =
      context.analysis_window &&
      HeldAnalysisCovers(context.analysis.get(), context.analysis_window, result.window);
  const std::shared_ptr<const Dataset> windowed =
      held_window ? nullptr : RowsOfWindow(data.dataset, result.window);
  const Dataset& dataset = windowed ? *windowed : data.dataset;
  result.kind = dataset.kind();
  if (result.values == CohortValues::kRevenue && ByKind(dataset.kind(), true, false))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} revenue needs transactions, and {} is a {} log",
                              ShownName("values", context.naming), context.source,
                              DataKindName(dataset.kind())));
  result.signup = ByKind(result.kind, true, false) &&
                  std::any_of(dataset.user_signup().begin(), dataset.user_signup().end(),
                              [](Day day) { return day != kNoDay; });
  if (!params.start_event.empty() || !params.return_event.empty())
    return WithBehaviourCohorts(dataset, params, context, std::move(result));
  // All time in the load's period: its matrix (cells of every mode and value are built from it).
  const bool held = context.analysis != nullptr && !windowed &&
                    (held_window || !context.analysis_window) &&
                    context.analysis->cohorts.period == result.period;
  const CohortMatrix computed = held ? CohortMatrix() : ComputeCohorts(dataset, result.period);
  const CohortMatrix& matrix = held ? context.analysis->cohorts : computed;
  result.grid = std::make_shared<const CohortGrid>(
      BuildCohortGrid(matrix, result.mode, result.values, static_cast<size_t>(params.max_periods)));
  return result;
}

std::string CohortsJson(const CohortsResult& result) {
  const CohortGrid& grid = *result.grid;
  JsonDocument json;
  json.Set("period", CohortPeriodName(result.period));
  json.Set("mode", result.mode == RetentionMode::kOn ? "on" : "on-or-after");
  json.Set("values", result.values_name);
  json.Set("start_event", result.start_event);
  json.Set("return_event", result.return_event);
  json.Set("window", WindowJson(result.data, result.window));
  const bool counts = result.values == CohortValues::kCount;
  std::vector<nlohmann::ordered_json> cohorts;
  for (size_t cohort_idx = 0; cohort_idx < grid.labels.size(); ++cohort_idx)
    cohorts.push_back({{"cohort", grid.labels[cohort_idx]},
                       {"size", grid.sizes[cohort_idx]},
                       {"left_censored", grid.left_censored[cohort_idx]},
                       {"partial_periods", grid.partial_periods[cohort_idx]},
                       {"values", JsonValues(grid.values[cohort_idx], counts)}});
  json.SetList("cohorts", cohorts);
  json.Set("average", JsonValues(grid.average, false));
  json.Set("average_users", grid.users - grid.censored_users);
  json.Set("partial_periods", PartialPeriodsJson(grid));
  json.Set("notes", CohortGridNotes(grid, CohortWho(result)));
  return json.Render();
}

std::string CohortsCsv(const CohortsResult& result) {
  return RenderCsv(CohortGridView(*result.grid, result.values));
}

std::string CohortsTableText(const CohortsResult& result) {
  return CohortsHeading(result) + RenderTable(CohortGridView(*result.grid, result.values));
}

}  // namespace

AnalysisEntry CohortsAnalysis() {
  ParamSpec max_periods =
      IntParam("max-periods", 0, 0, kMaxCohortPeriods,
               "Show periods 0..N-1 only (default: all; handy with weekly or daily periods)");
  return MakeEntry(
      AnalysisInfo(
          "cohorts", DataNeed::kAny,
          "Cohort retention: per cohort of first activity (or signup), the share, count or "
          "revenue active in each later period",
          "Cohort retention: load a CSV as ingest does (nothing is written), group users by the "
          "period of their first activity (or signup, when the usage log has signup dates) and "
          "show per later period 0..N how many of each cohort were active, with the "
          "size-weighted average curve as the last row. Definitions in docs/ANALYTICS.md."),
      TypedAnalysis<CohortsParams, CohortsResult>{
          {
              {FromParamSpec(), &CohortsParams::from},
              {ToParamSpec(), &CohortsParams::to},
              {EnumParam("period", "month", {"month", "week", "day"},
                         "month (default), week (ISO, labelled by its Monday) or day: the cohort "
                         "bucket and the length of a period"),
               &CohortsParams::period},
              {EnumParam("mode", "on", {"on", "on-or-after"},
                         "on (default): active in period n; on-or-after: active in period n or any "
                         "later one"),
               &CohortsParams::mode},
              {EnumParam(
                   "values", "percent", {"percent", "count", "revenue"},
                   "percent (default): share of the cohort (tables show %, json and csv "
                   "fractions 0-1); count: users; revenue (transactions): revenue per cohort and "
                   "period, last row = revenue per cohort customer. With count the last row "
                   "stays the average share"),
               &CohortsParams::values},
              {max_periods, &CohortsParams::max_periods},
              {StringParam("start-event",
                           "Retention by behaviour: cohorts of the users who did this event, by "
                           "the period of their first one (default: first activity)"),
               &CohortsParams::start_event},
              {StringParam("return-event",
                           "Retention by behaviour: a user is retained in a period when they "
                           "did this event in it (default: any event)"),
               &CohortsParams::return_event},
          },
          CheckCohortsParams,
          RunCohorts,
          CohortsJson,
          CohortsCsv,
          CohortsTableText});
}

}  // namespace growthlens::app
