#pragma once
// The cohort matrix as shown to people, shared by `growthlens cohorts`, `growthlens analyze`
// and the server: shares, counts or revenue per cohort and period, with the average row.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/analysis_view.h"
#include "metrics/cohorts.h"

namespace growthlens::cli {

enum class RetentionMode { kOn, kOnOrAfter };
enum class CohortValues { kPercent, kCount, kRevenue };

/// The matrix in the requested values: rows per cohort and the last ("average") row. No value
/// (std::nullopt) marks an unobserved cell, a period before the data starts
/// (CohortMatrix::first_observed_period): shown empty, never as 0.
struct CohortGrid {
  std::vector<std::string> labels;
  std::vector<uint64_t> sizes;
  /// [cohort][period], as long as the data allows.
  std::vector<std::vector<std::optional<double>>> values;
  /// Shares, or revenue per cohort user; no value where no cohort observes the period.
  std::vector<std::optional<double>> average;
  uint64_t users = 0;  // sum of the cohort sizes
  size_t periods = 0;  // columns shown
};

CohortGrid BuildCohortGrid(const CohortMatrix& matrix, RetentionMode mode, CohortValues values,
                           size_t max_periods = 0);
/// Cohort, size, period_0..: the cohorts, then the average row. Refers to `grid`.
View CohortGridView(const CohortGrid& grid, CohortValues values);

}  // namespace growthlens::cli
