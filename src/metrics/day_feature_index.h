#pragma once
// Per-day, per-feature aggregates of a usage log, split by a partition of the users into groups
// (the server's: the RFM segments): events and distinct users per (day, feature, group), and
// distinct users per (week or month, feature, group). Built once at load from UserMajorRows, so
// that totals and series over any date range, features and groups are sums of a few thousand
// numbers instead of a pass over the rows.

#include <cstdint>
#include <span>
#include <vector>

#include "metrics/periods.h"
#include "metrics/user_major_rows.h"

namespace growthlens {

/// Distinct users per (bucket, feature, group) of one period (week or month) over the data's days.
struct BucketUsers {
  int32_t first_bucket = 0;      // CohortBucketOf of the data's first day
  std::vector<uint32_t> counts;  // [((bucket - first_bucket) * features + feature) * groups + g]
};

class DayFeatureIndex {
 public:
  /// `group_of_user`: each user's group, < `groups`.
  DayFeatureIndex(const UserMajorRows& rows, std::span<const uint8_t> group_of_user, size_t groups);

  size_t days() const { return days_; }
  size_t features() const { return features_; }
  size_t groups() const { return groups_; }

  /// `day`: offset from the rows' first day.
  int64_t Events(size_t day, uint16_t feature, size_t group) const {
    return events_[Cell(day, feature, group)];
  }
  /// Distinct users with a row that day (their sum over days is the users' distinct days).
  uint32_t Users(size_t day, uint16_t feature, size_t group) const {
    return users_[Cell(day, feature, group)];
  }
  /// Distinct users of a whole week or month (kWeek or kMonth).
  uint32_t BucketUsersOf(CohortPeriod period, int32_t bucket, uint16_t feature,
                         size_t group) const {
    const BucketUsers& table = period == CohortPeriod::kWeek ? weeks_ : months_;
    return table
        .counts[(static_cast<size_t>(bucket - table.first_bucket) * features_ + feature) * groups_ +
                group];
  }

  size_t MemoryBytes() const;

 private:
  size_t Cell(size_t day, size_t feature, size_t group) const {
    return (day * features_ + feature) * groups_ + group;
  }

  size_t days_ = 0;
  size_t features_ = 0;
  size_t groups_ = 0;
  std::vector<int64_t> events_;
  std::vector<uint32_t> users_;
  BucketUsers weeks_;
  BucketUsers months_;
};

}  // namespace growthlens
