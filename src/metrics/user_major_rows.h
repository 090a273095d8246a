#pragma once
// A usage log's rows laid out again user by user and, within a user, feature by feature in day
// order (compressed sparse rows), built once at load: a query over some users or some features
// reads only their rows, one after another, instead of the scattered rows of a time-ordered log.
// 6 bytes per row (a day offset and the count) plus 4 per (user, feature).

#include <cstdint>
#include <span>
#include <vector>

#include "core/usage_log.h"

namespace growthlens {

class UserMajorRows {
 public:
  /// Whether the layout can hold `log`: its days span less than 65,536 and users x features is
  /// at most a few times the rows (an event log with thousands of event names is not).
  static bool Fits(const UsageLog& log);

  explicit UserMajorRows(const UsageLog& log);

  size_t users() const { return users_; }
  size_t features() const { return features_; }
  /// Whether any row has a day (rows without a user included, as the row scans' candidate days).
  bool has_days() const { return last_day_ >= first_day_; }
  /// The first and last day of any row, user or not.
  Day first_day() const { return first_day_; }
  Day last_day() const { return last_day_; }

  /// The rows of one user and feature: days as offsets from first_day(), ascending, and their
  /// counts (a day repeats when the log has several rows for it).
  std::span<const uint16_t> Days(uint32_t user, size_t feature) const {
    const size_t key = size_t{user} * features_ + feature;
    return {day_.data() + begin_[key], day_.data() + begin_[key + 1]};
  }
  std::span<const int32_t> Counts(uint32_t user, size_t feature) const {
    const size_t key = size_t{user} * features_ + feature;
    return {count_.data() + begin_[key], count_.data() + begin_[key + 1]};
  }

  size_t MemoryBytes() const;

 private:
  size_t users_ = 0;
  size_t features_ = 0;
  Day first_day_ = 0;
  Day last_day_ = -1;
  std::vector<uint32_t> begin_;  // [user * features + feature], one past the end at the back
  std::vector<uint16_t> day_;    // days since first_day_
  std::vector<int32_t> count_;
};

}  // namespace growthlens
