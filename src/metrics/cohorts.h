#pragma once
// Cohort retention: users grouped by the month (or week, or day) of their first activity, or
// of their signup where the usage log gives one; per later period, how many were active in it
// ("on") and in it or any later one ("on or after"), the size-weighted average curve, and for
// transactions the revenue per cohort and period. Cohorts that started before the data
// (left-censored) and periods the data covers only in part are flagged and left out of the
// averages. Definitions in docs/ANALYTICS.md.

#include <cstdint>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "metrics/periods.h"

namespace growthlens {

struct CohortMatrix {
  CohortPeriod period = CohortPeriod::kMonth;
  std::vector<int32_t> cohorts;  // bucket of each cohort, ascending (see CohortBucketLabel)
  std::vector<uint64_t> cohort_size;
  /// [cohort][n]: users active in period n; rows are as long as the data allows.
  std::vector<std::vector<uint64_t>> active;
  std::vector<std::vector<uint64_t>> active_on_or_after;
  std::vector<std::vector<double>> revenue;  // transactions only
  /// Per cohort: its first period that lies inside the data. A signup cohort can start before
  /// the activity data does; its earlier periods are unobserved (nobody could be seen active
  /// then), not 0% retained. `active`, `active_on_or_after` and `revenue` hold 0 there, the
  /// averages leave them out and the views show them empty. 0 for first-activity cohorts.
  std::vector<uint32_t> first_observed_period;
  /// Per cohort: it started before the first day of the data (a signup month before the log
  /// starts, or the week the data starts inside). Only its users still active once the data
  /// starts can be seen, so its retention is biased upwards (survivors): it is shown, flagged,
  /// and left out of the averages.
  std::vector<uint8_t> left_censored;
  /// The data's first and last day, its first and last period (buckets), and whether the data
  /// covers each only in part (starts after the first day of the first period, ends before the
  /// last day of the last).
  Day data_first_day = kNoDay;
  Day data_last_day = kNoDay;
  int32_t first_bucket = 0;
  int32_t last_bucket = -1;
  bool first_bucket_partial = false;
  bool last_bucket_partial = false;
  /// Per period n: sum active / sum cohort sizes over the cohorts that count in the average at
  /// that age (InAverage: weighted by cohort size); NaN where none does.
  std::vector<double> average;
  std::vector<double> average_on_or_after;

  /// Whether period n of the cohort lies inside the data (see first_observed_period).
  bool Observed(size_t cohort_idx, size_t period_idx) const {
    return period_idx >= first_observed_period[cohort_idx] &&
           period_idx < active[cohort_idx].size();
  }
  /// Whether period n of the cohort is a period the data covers only in part (fewer days to be
  /// active on: its retention reads low).
  bool Partial(size_t cohort_idx, size_t period_idx) const {
    const int64_t bucket = int64_t{cohorts[cohort_idx]} + static_cast<int64_t>(period_idx);
    return (first_bucket_partial && bucket == first_bucket) ||
           (last_bucket_partial && bucket == last_bucket);
  }
  /// Whether the cell counts in the average curves: observed, whole, of a cohort that started
  /// inside the data.
  bool InAverage(size_t cohort_idx, size_t period_idx) const {
    return left_censored[cohort_idx] == 0 && Observed(cohort_idx, period_idx) &&
           !Partial(cohort_idx, period_idx);
  }

  double Retention(size_t cohort_idx, size_t period_idx) const {
    return static_cast<double>(active[cohort_idx][period_idx]) /
           static_cast<double>(cohort_size[cohort_idx]);
  }
};

class ActivityGrid;
/// The matrix from the users' active days over the data's span: the one implementation. A
/// caller that holds the grid already (RunAnalysis's usage rollup) passes it; transactions add
/// each cohort's revenue from their rows.
CohortMatrix ComputeCohorts(const Dataset& dataset, const ActivityGrid& days, CohortPeriod period);
/// The same, building the grid over every row's day first.
CohortMatrix ComputeCohorts(const Dataset& dataset, CohortPeriod period);

}  // namespace growthlens
