#include "metrics/periods.h"

#include <fmt/format.h>

#include <algorithm>

namespace growthlens {

namespace {

// 1970-01-01 was a Thursday: Monday-weeks start three days later.
constexpr int32_t kDaysFromMondayToEpoch = 3;
constexpr int32_t kDaysPerWeek = 7;
// MonthIndexOf counts months from 1970-01.
constexpr int32_t kMonthsPerYear = 12;
constexpr int kEpochYear = 1970;

int32_t FloorDiv(int64_t value, int64_t divisor) {
  return static_cast<int32_t>(value >= 0 ? value / divisor : (value - divisor + 1) / divisor);
}

}  // namespace

const char* CohortPeriodName(CohortPeriod period) {
  switch (period) {
    case CohortPeriod::kDay:
      return "day";
    case CohortPeriod::kWeek:
      return "week";
    case CohortPeriod::kMonth:
      return "month";
  }
  return "period";
}

int32_t CohortBucketOf(Day day, CohortPeriod period) {
  switch (period) {
    case CohortPeriod::kDay:
      return day;
    case CohortPeriod::kWeek:
      return FloorDiv(static_cast<int64_t>(day) + kDaysFromMondayToEpoch, kDaysPerWeek);
    case CohortPeriod::kMonth:
      return MonthIndexOf(day);
  }
  return 0;
}

std::string CohortBucketLabel(int32_t bucket, CohortPeriod period) {
  switch (period) {
    case CohortPeriod::kDay:
      return FormatDate(bucket);
    case CohortPeriod::kWeek:
      return FormatDate(bucket * kDaysPerWeek - kDaysFromMondayToEpoch);
    case CohortPeriod::kMonth:
      return FormatMonth(bucket);
  }
  return "";
}

Day FirstDayOfBucket(int32_t bucket, CohortPeriod period) {
  switch (period) {
    case CohortPeriod::kDay:
      return bucket;
    case CohortPeriod::kWeek:
      return bucket * kDaysPerWeek - kDaysFromMondayToEpoch;
    case CohortPeriod::kMonth: {
      const int32_t years =
          bucket >= 0 ? bucket / kMonthsPerYear : (bucket - kMonthsPerYear + 1) / kMonthsPerYear;
      return DaysFromCivil(kEpochYear + years, bucket - years * kMonthsPerYear + 1, 1);
    }
  }
  return 0;
}

PeriodCoverage CoverageOf(int32_t bucket, CohortPeriod period, Day first_day, Day last_day) {
  const Day start = FirstDayOfBucket(bucket, period);
  const Day end = FirstDayOfBucket(bucket + 1, period) - 1;
  PeriodCoverage coverage;
  coverage.bucket = bucket;
  coverage.days = static_cast<uint32_t>(end - start + 1);
  coverage.days_in_data =
      static_cast<uint32_t>(std::max(0, std::min(end, last_day) - std::max(start, first_day) + 1));
  return coverage;
}

std::string CoverageText(const PeriodCoverage& coverage, CohortPeriod period) {
  return fmt::format("{} ({} of {} days)", CohortBucketLabel(coverage.bucket, period),
                     coverage.days_in_data, coverage.days);
}

BucketTable::BucketTable(Day first_day, Day last_day, CohortPeriod period) : first_day_(first_day) {
  for (Day day = first_day; day <= last_day; ++day) buckets_.push_back(CohortBucketOf(day, period));
}

}  // namespace growthlens
