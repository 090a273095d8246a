// growthlens cohorts FILE: the cohort retention matrix (users grouped by the month, week or day
// of their first activity or signup; per later period the share or count active "on" it or "on
// or after" it), its size-weighted average curve, and for transactions the revenue per cohort and
// period. Definitions in docs/ANALYTICS.md.

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/analysis_view.h"
#include "cli/cohort_views.h"
#include "cli/command.h"
#include "cli/date_window.h"
#include "cli/option_bounds.h"
#include "core/compensated_sum.h"
#include "metrics/cohorts.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kCohortsCommand = "cohorts";

struct CohortsArgs {
  AnalysisInput input;
  DateWindowArgs window;
  std::string period = "month";
  std::string mode = "on";
  std::string values = "percent";
  size_t max_periods = 0;  // 0: all
};

struct CohortsRequest {
  CohortPeriod period = CohortPeriod::kMonth;
  RetentionMode mode = RetentionMode::kOn;
  CohortValues values = CohortValues::kPercent;
  DateWindow window;
};

Result<CohortsRequest> ParseCohortsArgs(const CohortsArgs& args) {
  CohortsRequest request;
  Result<CohortPeriod> period = ParseChoice<CohortPeriod>("--period", args.period,
                                                          {{"month", CohortPeriod::kMonth},
                                                           {"week", CohortPeriod::kWeek},
                                                           {"day", CohortPeriod::kDay}});
  if (!period.ok()) return period.status();
  request.period = *period;
  Result<RetentionMode> mode = ParseChoice<RetentionMode>(
      "--mode", args.mode,
      {{"on", RetentionMode::kOn}, {"on-or-after", RetentionMode::kOnOrAfter}});
  if (!mode.ok()) return mode.status();
  request.mode = *mode;
  Result<CohortValues> values = ParseChoice<CohortValues>("--values", args.values,
                                                          {{"percent", CohortValues::kPercent},
                                                           {"count", CohortValues::kCount},
                                                           {"revenue", CohortValues::kRevenue}});
  if (!values.ok()) return values.status();
  Result<DateWindow> window = ParseDateWindow(args.window);
  if (!window.ok()) return window.status();
  request.window = *window;
  request.values = *values;
  if (request.values == CohortValues::kRevenue && request.mode == RetentionMode::kOnOrAfter)
    return Status(ErrorCode::kInvalidArgument,
                  "--mode on-or-after applies to users (--values percent or count); --values "
                  "revenue is the revenue in each period");
  return request;
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

std::string Heading(const CohortGrid& grid, const CohortsRequest& request, const Dataset& dataset) {
  const bool usage = dataset.kind() == DataKind::kUsage;
  const bool signup = usage && std::any_of(dataset.user_signup.begin(), dataset.user_signup.end(),
                                           [](Day day) { return day != kNoDay; });
  std::string what;
  switch (request.values) {
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
  if (request.values != CohortValues::kRevenue)
    what += request.mode == RetentionMode::kOn ? " in period n" : " in period n or later";
  else
    what += " in period n";
  const char* last_row = request.values == CohortValues::kRevenue ? "revenue per cohort customer"
                                                                  : "size-weighted share active";
  const char* blank = AnyUnobserved(grid) ? "; blank: periods before the data starts" : "";
  std::string out =
      fmt::format("{} {} by {} of {} ({} cohorts): {}; last row: {}{}\n", WithThousands(grid.users),
                  usage ? "users" : "customers", CohortPeriodName(request.period),
                  signup ? "signup" : "first activity", grid.labels.size(), what, last_row, blank);
  for (const std::string& note : CohortGridNotes(grid, usage ? "users" : "customers"))
    out += "Note: " + note + "\n";
  return out + "\n";
}

Status RunCohorts(CohortsArgs& args, CommandOutcome& outcome) {
  Result<CohortsRequest> request = ParseCohortsArgs(args);
  if (!request.ok()) return request.status();
  Result<LoadedData> cleaned = LoadForAnalysis(kCohortsCommand, args.input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& whole = (*cleaned)->dataset;
  // A window keeps its rows; users who started before it fall in earlier, left-censored cohorts.
  const std::shared_ptr<const Dataset> windowed = RowsOfWindow(whole, request->window);
  const Dataset& dataset = windowed ? *windowed : whole;
  if (request->values == CohortValues::kRevenue && dataset.kind() != DataKind::kTransactions)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--values revenue needs transactions, and {} is a {} log",
                              args.input.input, DataKindName(dataset.kind())));
  const CohortMatrix matrix = ComputeCohorts(dataset, request->period);
  const CohortGrid grid = BuildCohortGrid(matrix, request->mode, request->values, args.max_periods);
  const View view = CohortGridView(grid, request->values);

  switch (args.input.format) {
    case OutputFormat::kTable:
      PrintOut(outcome, Heading(grid, *request, dataset) + RenderTable(view));
      break;
    case OutputFormat::kCsv:
      PrintOut(outcome, RenderCsv(view));
      break;
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("period", CohortPeriodName(request->period));
      json.Set("mode", request->mode == RetentionMode::kOn ? "on" : "on-or-after");
      json.Set("values", args.values);
      json.Set("window", WindowJson(DaysWithRows(whole), request->window));
      const bool counts = request->values == CohortValues::kCount;
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
      json.Set("notes",
               CohortGridNotes(grid, dataset.kind() == DataKind::kUsage ? "users" : "customers"));
      PrintOut(outcome, json.Render());
      break;
    }
  }
  return Status::Ok();
}

}  // namespace

void RegisterCohortsCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<CohortsArgs>();
  CLI::App* command = app.add_subcommand(
      "cohorts",
      "Cohort retention: load a CSV as ingest does (nothing is written), group users by the "
      "period of their first activity (or signup, when the usage log has signup dates) and show "
      "per later period 0..N how many of each cohort were active, with the size-weighted average "
      "curve as the last row. Definitions in docs/ANALYTICS.md.");
  AddAnalysisInput(*command, args->input, outcome);
  AddDateWindowOptions(*command, args->window);
  command->add_option("--period", args->period,
                      "month (default), week (ISO, labelled by its Monday) or day: the cohort "
                      "bucket and the length of a period");
  command->add_option("--mode", args->mode,
                      "on (default): active in period n; on-or-after: active in period n or any "
                      "later one");
  command->add_option("--values", args->values,
                      "percent (default): share of the cohort (tables show %, json and csv "
                      "fractions 0-1); count: users; revenue (transactions): revenue per cohort "
                      "and period, last row = revenue per cohort customer. With count the last "
                      "row stays the average share");
  command
      ->add_option("--max-periods", args->max_periods,
                   "Show periods 0..N-1 only (default: all; handy with --period week or day)")
      ->check(WholeNumberIn(0, kMaxPeriods));
  command->callback([args, &outcome] {
    const Status status = RunCohorts(*args, outcome);
    if (!status.ok()) ReportFailure(std::string(kCohortsCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
