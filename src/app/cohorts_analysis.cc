#include "app/cohorts_analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "app/cohort_views.h"
#include "app/date_params.h"
#include "app/table_view.h"
#include "metrics/analysis.h"
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
  int64_t max_periods = 0;  // 0: all
};

struct CohortsResult {
  CohortPeriod period = CohortPeriod::kMonth;
  RetentionMode mode = RetentionMode::kOn;
  CohortValues values = CohortValues::kPercent;
  std::string values_name;
  std::optional<DayRange> data;
  DateWindow window;
  DataKind kind = DataKind::kUsage;
  bool signup = false;  // usage cohorts by signup day
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
  const char* blank = AnyUnobserved(grid) ? "; blank: periods before the data starts" : "";
  std::string out = fmt::format(
      "{} {} by {} of {} ({} cohorts): {}; last row: {}{}\n", WithThousands(grid.users),
      CohortWho(result), CohortPeriodName(result.period),
      result.signup ? "signup" : "first activity", grid.labels.size(), what, last_row, blank);
  for (const std::string& note : CohortGridNotes(grid, CohortWho(result)))
    out += "Note: " + note + "\n";
  return out + "\n";
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
  result.data = DaysWithRows(data.dataset, context.analysis.get());
  // A window keeps its rows; users who started before it fall in earlier, left-censored cohorts.
  const std::shared_ptr<const Dataset> windowed = RowsOfWindow(data.dataset, result.window);
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
  // All time in the load's period: its matrix (cells of every mode and value are built from it).
  const bool held =
      context.analysis != nullptr && !windowed && context.analysis->cohorts.period == result.period;
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
          },
          CheckCohortsParams,
          RunCohorts,
          CohortsJson,
          CohortsCsv,
          CohortsTableText});
}

}  // namespace growthlens::app
