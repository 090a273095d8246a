#pragma once
// The cohort matrix as shown to people, shared by `growthlens cohorts`, `growthlens analyze`
// and the server: shares, counts or revenue per cohort and period, with the average row.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/table_view.h"
#include "metrics/cohorts.h"
#include "metrics/periods.h"

namespace growthlens::app {

enum class RetentionMode { kOn, kOnOrAfter };
enum class CohortValues { kPercent, kCount, kRevenue };

/// The matrix in the requested values: rows per cohort and the last ("average") row. No value
/// (std::nullopt) marks an unobserved cell, a period before the data starts
/// (CohortMatrix::first_observed_period): shown empty, never as 0.
struct CohortGrid {
  std::vector<std::string> labels;
  std::vector<uint64_t> sizes;
  /// Per cohort: started before the data (CohortMatrix::left_censored), not in the average.
  std::vector<bool> left_censored;
  /// Per cohort: its periods the data covers only in part (CohortMatrix::Partial), ascending.
  std::vector<std::vector<size_t>> partial_periods;
  /// [cohort][period], as long as the data allows.
  std::vector<std::vector<std::optional<double>>> values;
  /// Shares, or revenue per cohort user, over the cells CohortMatrix::InAverage counts; no
  /// value where none does.
  std::vector<std::optional<double>> average;
  uint64_t users = 0;           // sum of the cohort sizes
  uint64_t censored_users = 0;  // of which in left-censored cohorts
  size_t periods = 0;           // columns shown
  /// The data's last period when the data ends inside it (its label and days covered), and
  /// its first when the data starts inside it; for the notes.
  std::optional<PeriodCoverage> first_partial, last_partial;
  CohortPeriod period = CohortPeriod::kMonth;
};

/// Plain-language notes on what the grid leaves out of its average (left-censored cohorts,
/// partial periods); empty when nothing is.
std::vector<std::string> CohortGridNotes(const CohortGrid& grid, const char* who);

CohortGrid BuildCohortGrid(const CohortMatrix& matrix, RetentionMode mode, CohortValues values,
                           size_t max_periods = 0);
/// Cohort, size, left_censored, partial_periods, period_0..: the cohorts, then the average row.
/// Refers to `grid`.
View CohortGridView(const CohortGrid& grid, CohortValues values);

/// The period named by a `period` or `cohort-period` parameter: month (default), week or day.
CohortPeriod CohortPeriodOf(std::string_view name);

}  // namespace growthlens::app
