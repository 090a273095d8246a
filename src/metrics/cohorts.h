#pragma once
// Cohort retention: users grouped by the month (or week, or day) of their first activity, or
// of their signup where the usage log gives one; per later period, how many were active in it
// ("on") and in it or any later one ("on or after"), the size-weighted average curve, and for
// transactions the revenue per cohort and period. Definitions in docs/ANALYTICS.md.

#include <cstdint>
#include <string>
#include <vector>

#include "core/dataset.h"

namespace growthlens {

enum class CohortPeriod { kDay, kWeek, kMonth };

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
  /// Per period n: sum active / sum cohort sizes over the cohorts that observe period n
  /// (weighted by cohort size); NaN where no cohort does.
  std::vector<double> average;
  std::vector<double> average_on_or_after;

  /// Whether period n of the cohort lies inside the data (see first_observed_period).
  bool Observed(size_t cohort_idx, size_t period_idx) const {
    return period_idx >= first_observed_period[cohort_idx] &&
           period_idx < active[cohort_idx].size();
  }

  double Retention(size_t cohort_idx, size_t period_idx) const {
    return static_cast<double>(active[cohort_idx][period_idx]) /
           static_cast<double>(cohort_size[cohort_idx]);
  }
};

/// "day", "week" or "month".
const char* CohortPeriodName(CohortPeriod period);

/// Bucket index of a day: days since the epoch, Monday-weeks since the epoch, or MonthIndexOf.
int32_t CohortBucketOf(Day day, CohortPeriod period);
/// "2011-01" for months, the Monday's date for weeks, the date for days.
std::string CohortBucketLabel(int32_t bucket, CohortPeriod period);

CohortMatrix ComputeCohorts(const Dataset& dataset, CohortPeriod period);
class ActivityGrid;
/// The same matrix for a usage log from its users' active days (no pass over the rows).
CohortMatrix ComputeCohorts(const Dataset& dataset, const ActivityGrid& days, CohortPeriod period);

/// CohortBucketOf for every day of [first_day, last_day], precomputed: the month of a day
/// takes a calendar conversion, too slow to repeat for millions of rows.
class BucketTable {
 public:
  BucketTable(Day first_day, Day last_day, CohortPeriod period);
  int32_t operator()(Day day) const { return buckets_[static_cast<size_t>(day - first_day_)]; }

 private:
  Day first_day_;
  std::vector<int32_t> buckets_;
};

}  // namespace growthlens
