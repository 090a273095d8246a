#include "cli/cohort_views.h"

#include <fmt/format.h>

#include "core/compensated_sum.h"

namespace growthlens::cli {

CohortGrid BuildCohortGrid(const CohortMatrix& matrix, RetentionMode mode, CohortValues values,
                           size_t max_periods) {
  CohortGrid grid;
  const bool on = mode == RetentionMode::kOn;
  const auto& active = on ? matrix.active : matrix.active_on_or_after;
  for (size_t cohort_idx = 0; cohort_idx < matrix.cohorts.size(); ++cohort_idx) {
    grid.labels.push_back(CohortBucketLabel(matrix.cohorts[cohort_idx], matrix.period));
    const uint64_t size = matrix.cohort_size[cohort_idx];
    grid.sizes.push_back(size);
    grid.users += size;
    std::vector<double> row;
    for (size_t period_idx = 0; period_idx < active[cohort_idx].size(); ++period_idx) {
      const auto count = static_cast<double>(active[cohort_idx][period_idx]);
      switch (values) {
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
  if (values == CohortValues::kRevenue) {
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
View CohortGridView(const CohortGrid& grid, CohortValues values) {
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

}  // namespace growthlens::cli
