#include "app/cohort_views.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "core/compensated_sum.h"

namespace growthlens::app {

namespace {

/// One cell in the requested values; no value where the period is unobserved.
std::optional<double> CellValue(const CohortMatrix& matrix, RetentionMode mode, CohortValues values,
                                size_t cohort_idx, size_t period_idx) {
  if (!matrix.Observed(cohort_idx, period_idx)) return std::nullopt;
  const auto& active = mode == RetentionMode::kOn ? matrix.active : matrix.active_on_or_after;
  const auto count = static_cast<double>(active[cohort_idx][period_idx]);
  const uint64_t size = matrix.cohort_size[cohort_idx];
  switch (values) {
    case CohortValues::kPercent:
      return size == 0 ? 0.0 : count / static_cast<double>(size);
    case CohortValues::kCount:
      return count;
    case CohortValues::kRevenue:
      return matrix.revenue[cohort_idx][period_idx];
  }
  return std::nullopt;
}

/// Revenue per cohort user, over the cells that count in the averages (InAverage).
std::vector<std::optional<double>> RevenueAverage(const CohortMatrix& matrix) {
  std::vector<std::optional<double>> average;
  for (size_t period_idx = 0; period_idx < matrix.average.size(); ++period_idx) {
    CompensatedSum revenue;
    uint64_t users = 0;
    for (size_t cohort_idx = 0; cohort_idx < matrix.cohorts.size(); ++cohort_idx) {
      if (!matrix.InAverage(cohort_idx, period_idx)) continue;
      revenue.Add(matrix.revenue[cohort_idx][period_idx]);
      users += matrix.cohort_size[cohort_idx];
    }
    average.push_back(users == 0 ? std::nullopt
                                 : std::optional(revenue.Value() / static_cast<double>(users)));
  }
  return average;
}

/// The matrix's share curve, NaN (no cohort observes the period) as no value.
std::vector<std::optional<double>> ShareAverage(const std::vector<double>& curve) {
  std::vector<std::optional<double>> average;
  for (double share : curve)
    average.push_back(std::isnan(share) ? std::nullopt : std::optional(share));
  return average;
}

}  // namespace

CohortGrid BuildCohortGrid(const CohortMatrix& matrix, RetentionMode mode, CohortValues values,
                           size_t max_periods) {
  CohortGrid grid;
  grid.period = matrix.period;
  for (size_t cohort_idx = 0; cohort_idx < matrix.cohorts.size(); ++cohort_idx) {
    grid.labels.push_back(CohortBucketLabel(matrix.cohorts[cohort_idx], matrix.period));
    grid.sizes.push_back(matrix.cohort_size[cohort_idx]);
    grid.users += matrix.cohort_size[cohort_idx];
    const bool censored = matrix.left_censored[cohort_idx] != 0;
    grid.left_censored.push_back(censored);
    if (censored) grid.censored_users += matrix.cohort_size[cohort_idx];
    std::vector<std::optional<double>> row;
    std::vector<size_t> partial;
    for (size_t period_idx = 0; period_idx < matrix.active[cohort_idx].size(); ++period_idx) {
      row.push_back(CellValue(matrix, mode, values, cohort_idx, period_idx));
      if (matrix.Observed(cohort_idx, period_idx) && matrix.Partial(cohort_idx, period_idx))
        partial.push_back(period_idx);
    }
    grid.values.push_back(std::move(row));
    grid.partial_periods.push_back(std::move(partial));
  }
  if (!matrix.cohorts.empty()) {
    const auto coverage = [&](int32_t bucket) {
      return CoverageOf(bucket, matrix.period, matrix.data_first_day, matrix.data_last_day);
    };
    if (matrix.first_bucket_partial) grid.first_partial = coverage(matrix.first_bucket);
    if (matrix.last_bucket_partial && matrix.last_bucket != matrix.first_bucket)
      grid.last_partial = coverage(matrix.last_bucket);
  }
  if (values == CohortValues::kRevenue)
    grid.average = RevenueAverage(matrix);
  else
    grid.average =
        ShareAverage(mode == RetentionMode::kOn ? matrix.average : matrix.average_on_or_after);
  grid.periods = grid.average.size();
  if (max_periods > 0 && grid.periods > max_periods) {
    grid.periods = max_periods;
    grid.average.resize(max_periods);
    for (std::vector<std::optional<double>>& row : grid.values)
      if (row.size() > max_periods) row.resize(max_periods);
    for (std::vector<size_t>& partial : grid.partial_periods)
      std::erase_if(partial,
                    [max_periods](size_t period_idx) { return period_idx >= max_periods; });
  }
  return grid;
}

std::vector<std::string> CohortGridNotes(const CohortGrid& grid, const char* who) {
  std::vector<std::string> notes;
  const size_t censored =
      static_cast<size_t>(std::count(grid.left_censored.begin(), grid.left_censored.end(), true));
  if (censored > 0)
    notes.push_back(fmt::format(
        "{} cohort{} ({} {}) started before the data does: only the {} still active once it "
        "starts can be seen, so {} retention reads too high. {} shown apart and left out of the "
        "average.",
        censored, censored == 1 ? "" : "s", WithThousands(grid.censored_users), who, who,
        censored == 1 ? "its" : "their", censored == 1 ? "It is" : "They are"));
  const char* period = CohortPeriodName(grid.period);
  for (const std::optional<PeriodCoverage>& partial : {grid.first_partial, grid.last_partial})
    if (partial)
      notes.push_back(fmt::format(
          "The data covers {} {} in part ({} of its {} days): its cells read low, are marked "
          "partial and left out of the average.",
          period, CohortBucketLabel(partial->bucket, grid.period), partial->days_in_data,
          partial->days));
  return notes;
}

/// Cohort, size, period_0..: the cohorts, then the average row.
View CohortGridView(const CohortGrid& grid, CohortValues values) {
  View view;
  view.columns = {{"cohort", "Cohort", Align::kLeft},
                  {"size", "Size"},
                  {"left_censored", "Before data", Align::kLeft},
                  {"partial_periods", "Partial", Align::kLeft}};
  for (size_t period_idx = 0; period_idx < grid.periods; ++period_idx)
    view.columns.push_back({fmt::format("period_{}", period_idx), std::to_string(period_idx)});
  view.rows = grid.labels.size() + 1;
  view.row = [&grid, values](size_t row, std::vector<Cell>& cells) {
    const bool average = row == grid.labels.size();
    cells.push_back(Cell::Text(average ? "average" : grid.labels[row]));
    // The average row's size: the users of the cohorts it averages (left-censored ones not).
    cells.push_back(Cell::Integer(
        static_cast<int64_t>(average ? grid.users - grid.censored_users : grid.sizes[row])));
    if (average) {
      cells.push_back(Cell::Empty());
      cells.push_back(Cell::Empty());
    } else {
      cells.push_back(Cell::Flag(grid.left_censored[row]));
      cells.push_back(Cell::Text(fmt::format("{}", fmt::join(grid.partial_periods[row], " "))));
    }
    const std::vector<std::optional<double>>& shown = average ? grid.average : grid.values[row];
    for (size_t period_idx = 0; period_idx < grid.periods; ++period_idx) {
      // Past the end of the data, or before its start: no value.
      if (period_idx >= shown.size() || !shown[period_idx]) {
        cells.push_back(Cell::Empty());
      } else if (values == CohortValues::kRevenue) {
        cells.push_back(Cell::Money(*shown[period_idx]));
      } else if (values == CohortValues::kCount && !average) {
        cells.push_back(Cell::Integer(static_cast<int64_t>(*shown[period_idx])));
      } else {
        cells.push_back(Cell::Percent(*shown[period_idx]));
      }
    }
  };
  return view;
}

CohortPeriod CohortPeriodOf(std::string_view name) {
  if (name == "week") return CohortPeriod::kWeek;
  if (name == "day") return CohortPeriod::kDay;
  return CohortPeriod::kMonth;
}

}  // namespace growthlens::app
