#include "metrics/day_feature_index.h"

namespace growthlens {

namespace {

/// Each day offset's bucket, counted from the first day's.
std::vector<uint32_t> BucketOfDays(Day first_day, size_t days, CohortPeriod period,
                                   int32_t& first_bucket) {
  first_bucket = CohortBucketOf(first_day, period);
  std::vector<uint32_t> buckets(days);
  for (size_t day = 0; day < days; ++day)
    buckets[day] = static_cast<uint32_t>(CohortBucketOf(first_day + static_cast<Day>(day), period) -
                                         first_bucket);
  return buckets;
}

}  // namespace

DayFeatureIndex::DayFeatureIndex(const UserMajorRows& rows, std::span<const uint8_t> group_of_user,
                                 size_t groups)
    : days_(rows.has_days() ? static_cast<size_t>(rows.last_day() - rows.first_day() + 1) : 0),
      features_(rows.features()),
      groups_(groups) {
  events_.assign(days_ * features_ * groups_, 0);
  users_.assign(days_ * features_ * groups_, 0);
  if (days_ == 0) return;
  const std::vector<uint32_t> week_of =
      BucketOfDays(rows.first_day(), days_, CohortPeriod::kWeek, weeks_.first_bucket);
  const std::vector<uint32_t> month_of =
      BucketOfDays(rows.first_day(), days_, CohortPeriod::kMonth, months_.first_bucket);
  weeks_.counts.assign((week_of.back() + 1) * features_ * groups_, 0);
  months_.counts.assign((month_of.back() + 1) * features_ * groups_, 0);
  for (uint32_t user = 0; user < rows.users(); ++user) {
    const size_t group = group_of_user[user];
    for (size_t feature = 0; feature < features_; ++feature) {
      const std::span<const uint16_t> days = rows.Days(user, feature);
      const std::span<const uint32_t> sums = rows.RunningSums(user, feature);
      // Days ascend, so a user's new day, week or month is one that differs from the last.
      uint32_t last_day = UINT32_MAX, last_week = UINT32_MAX, last_month = UINT32_MAX;
      for (size_t idx = 0; idx < days.size(); ++idx) {
        const uint16_t day = days[idx];
        const size_t cell = Cell(day, feature, group);
        events_[cell] += UserMajorRows::CountAt(sums, idx);
        if (day == last_day) continue;
        last_day = day;
        ++users_[cell];
        if (week_of[day] != last_week) {
          last_week = week_of[day];
          ++weeks_.counts[(last_week * features_ + feature) * groups_ + group];
        }
        if (month_of[day] != last_month) {
          last_month = month_of[day];
          ++months_.counts[(last_month * features_ + feature) * groups_ + group];
        }
      }
    }
  }
}

size_t DayFeatureIndex::MemoryBytes() const {
  return events_.capacity() * sizeof(int64_t) +
         (users_.capacity() + weeks_.counts.capacity() + months_.counts.capacity()) *
             sizeof(uint32_t);
}

}  // namespace growthlens
