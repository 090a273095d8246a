#pragma once
// Calendar periods (day, ISO week starting Monday, month) as integer buckets, shared by cohorts,
// lifecycle, series and revenue tables; and how much of a period the data covers, so that a
// period the data starts or ends inside (the last month of Online Retail holds 9 of its 31
// days) is flagged wherever it is shown.

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"

namespace growthlens {

enum class CohortPeriod { kDay, kWeek, kMonth };

/// "day", "week" or "month".
const char* CohortPeriodName(CohortPeriod period);

/// Bucket index of a day: days since the epoch, Monday-weeks since the epoch, or MonthIndexOf.
int32_t CohortBucketOf(Day day, CohortPeriod period);
/// "2011-01" for months, the Monday's date for weeks, the date for days.
std::string CohortBucketLabel(int32_t bucket, CohortPeriod period);
/// The first day of a bucket: CohortBucketOf's inverse (a week's Monday, a month's 1st).
Day FirstDayOfBucket(int32_t bucket, CohortPeriod period);

/// How many days of a period lie inside the data's [first_day, last_day].
struct PeriodCoverage {
  int32_t bucket = 0;
  uint32_t days_in_data = 0;
  uint32_t days = 0;  // calendar days: 1, 7 or 28..31

  /// The data starts or ends inside the period, so it is only partly observed.
  bool Partial() const { return days_in_data < days; }
};
PeriodCoverage CoverageOf(int32_t bucket, CohortPeriod period, Day first_day, Day last_day);
/// "2011-12 (9 of 31 days)".
std::string CoverageText(const PeriodCoverage& coverage, CohortPeriod period);

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
