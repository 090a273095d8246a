// growthlens cohorts FILE: the cohort retention matrix (users grouped by the month, week or day
// of their first activity or signup; per later period the share or count active "on" it or "on
// or after" it), its size-weighted average curve, and for transactions the revenue per cohort and
// period. Definitions in docs/ANALYTICS.md.

#include <algorithm>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "core/compensated_sum.h"
#include "metrics/cohorts.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kCommand = "cohorts";

enum class RetentionMode { kOn, kOnOrAfter };
enum class CohortValues { kPercent, kCount, kRevenue };

struct CohortsArgs {
  AnalysisInput input;
  std::string period = "month";
  std::string mode = "on";
  std::string values = "percent";
  size_t max_periods = 0;  // 0: all
};

struct CohortsRequest {
  CohortPeriod period = CohortPeriod::kMonth;
  RetentionMode mode = RetentionMode::kOn;
  CohortValues values = CohortValues::kPercent;
};

/// The matrix in the requested values: rows per cohort and the last ("average") row.
struct CohortGrid {
  std::vector<std::string> labels;
  std::vector<uint64_t> sizes;
  std::vector<std::vector<double>> values;  // [cohort][period], as long as the data allows
  std::vector<double> average;              // shares, or revenue per cohort user
  uint64_t users = 0;                       // sum of the cohort sizes
  size_t periods = 0;                       // columns shown
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
  request.values = *values;
  if (request.values == CohortValues::kRevenue && request.mode == RetentionMode::kOnOrAfter)
    return Status(ErrorCode::kInvalidArgument,
                  "--mode on-or-after applies to users (--values percent or count); --values "
                  "revenue is the revenue in each period");
  return request;
}

CohortGrid BuildGrid(const CohortMatrix& matrix, const CohortsRequest& request,
                     size_t max_periods) {
  CohortGrid grid;
  const bool on = request.mode == RetentionMode::kOn;
  const auto& active = on ? matrix.active : matrix.active_on_or_after;
  for (size_t cohort_idx = 0; cohort_idx < matrix.cohorts.size(); ++cohort_idx) {
    grid.labels.push_back(CohortBucketLabel(matrix.cohorts[cohort_idx], matrix.period));
    const uint64_t size = matrix.cohort_size[cohort_idx];
    grid.sizes.push_back(size);
    grid.users += size;
    std::vector<double> row;
    for (size_t period_idx = 0; period_idx < active[cohort_idx].size(); ++period_idx) {
      const auto count = static_cast<double>(active[cohort_idx][period_idx]);
      switch (request.values) {
        case CohortValues::kPercent:
          row.push_back(size == 0 ? 0.0 : count / static_cast<double>(size));
          break;
        case CohortValues::kCount:
          row.push_back(count);
          break;
        case CohortValues::kRevenue:
          row.push_back(matrix.revenue[cohort_idx][period_idx]);
          break;
      }
    }
    grid.values.push_back(std::move(row));
  }
  if (request.values == CohortValues::kRevenue) {
    // Revenue per cohort user, over the cohorts old enough to have the period.
    const size_t periods = matrix.average.size();
    for (size_t period_idx = 0; period_idx < periods; ++period_idx) {
      CompensatedSum revenue;
      uint64_t users = 0;
      for (size_t cohort_idx = 0; cohort_idx < grid.values.size(); ++cohort_idx) {
        if (period_idx >= grid.values[cohort_idx].size()) continue;
        revenue.Add(grid.values[cohort_idx][period_idx]);
        users += grid.sizes[cohort_idx];
      }
      grid.average.push_back(users == 0 ? 0.0 : revenue.Value() / static_cast<double>(users));
    }
  } else {
    grid.average = on ? matrix.average : matrix.average_on_or_after;
  }
  grid.periods = grid.average.size();
  if (max_periods > 0 && grid.periods > max_periods) {
    grid.periods = max_periods;
    grid.average.resize(max_periods);
    for (std::vector<double>& row : grid.values)
      if (row.size() > max_periods) row.resize(max_periods);
  }
  return grid;
}

/// Cohort, size, period_0..: the cohorts, then the average row.
View GridView(const CohortGrid& grid, CohortValues values) {
  View view;
  view.columns = {{"cohort", "Cohort", Align::kLeft}, {"size", "Size"}};
  for (size_t period_idx = 0; period_idx < grid.periods; ++period_idx)
    view.columns.push_back({fmt::format("period_{}", period_idx), std::to_string(period_idx)});
  view.rows = grid.labels.size() + 1;
  view.row = [&grid, values](size_t row, std::vector<Cell>& cells) {
    const bool average = row == grid.labels.size();
    cells.push_back(Cell::Text(average ? "average" : grid.labels[row]));
    cells.push_back(Cell::Integer(static_cast<int64_t>(average ? grid.users : grid.sizes[row])));
    const std::vector<double>& shown = average ? grid.average : grid.values[row];
    for (size_t period_idx = 0; period_idx < grid.periods; ++period_idx) {
      if (period_idx >= shown.size()) {
        cells.push_back(Cell::Empty());
      } else if (values == CohortValues::kRevenue) {
        cells.push_back(Cell::Money(shown[period_idx]));
      } else if (values == CohortValues::kCount && !average) {
        cells.push_back(Cell::Integer(static_cast<int64_t>(shown[period_idx])));
      } else {
        cells.push_back(Cell::Percent(shown[period_idx]));
      }
    }
  };
  return view;
}

const char* PeriodName(CohortPeriod period) {
  switch (period) {
    case CohortPeriod::kMonth:
      return "month";
    case CohortPeriod::kWeek:
      return "week";
    case CohortPeriod::kDay:
      return "day";
  }
  return "";
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
  return fmt::format("{} {} by {} of {} ({} cohorts): {}; last row: {}\n\n",
                     WithThousands(grid.users), usage ? "users" : "customers",
                     PeriodName(request.period), signup ? "signup" : "first activity",
                     grid.labels.size(), what, last_row);
}

Status RunCohorts(CohortsArgs& args) {
  Result<CohortsRequest> request = ParseCohortsArgs(args);
  if (!request.ok()) return request.status();
  Result<CleanedData> cleaned = LoadForAnalysis(kCommand, args.input);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& dataset = cleaned->dataset;
  if (request->values == CohortValues::kRevenue && dataset.kind() != DataKind::kTransactions)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--values revenue needs transactions, and {} is a {} log",
                              args.input.input, DataKindName(dataset.kind())));
  const CohortMatrix matrix = ComputeCohorts(dataset, request->period);
  const CohortGrid grid = BuildGrid(matrix, *request, args.max_periods);
  const View view = GridView(grid, request->values);

  switch (args.input.format) {
    case OutputFormat::kTable:
      PrintOut(Heading(grid, *request, dataset) + RenderTable(view));
      break;
    case OutputFormat::kCsv:
      PrintOut(RenderCsv(view));
      break;
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("period", PeriodName(request->period));
      json.Set("mode", request->mode == RetentionMode::kOn ? "on" : "on-or-after");
      json.Set("values", args.values);
      std::vector<nlohmann::ordered_json> cohorts;
      for (size_t cohort_idx = 0; cohort_idx < grid.labels.size(); ++cohort_idx) {
        nlohmann::ordered_json values = nlohmann::ordered_json::array();
        for (double value : grid.values[cohort_idx]) {
          if (request->values == CohortValues::kCount)
            values.push_back(static_cast<uint64_t>(value));
          else
            values.push_back(value);
        }
        cohorts.push_back({{"cohort", grid.labels[cohort_idx]},
                           {"size", grid.sizes[cohort_idx]},
                           {"values", std::move(values)}});
      }
      json.SetList("cohorts", cohorts);
      json.Set("average", grid.average);
      PrintOut(json.Render());
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
  AddAnalysisInput(*command, args->input);
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
  command->add_option("--max-periods", args->max_periods,
                      "Show periods 0..N-1 only (default: all; handy with --period week or day)");
  command->callback([args, &outcome] {
    const Status status = RunCohorts(*args);
    if (!status.ok()) ReportFailure(std::string(kCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
