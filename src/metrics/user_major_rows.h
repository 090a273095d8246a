#pragma once
// A usage log's rows laid out again user by user and, within a user, feature by feature in day
// order (compressed sparse rows), built once at load: a query over some users or some features
// reads only their rows, one after another, instead of the scattered rows of a time-ordered log.
// The counts are kept as running sums within each (user, feature), so that one's total over any
// range of days is two lookups (the rows before the range and the rows to its end) instead of a
// sum over its rows: what the correlation needs per user. 6 bytes per row (a day offset and the
// running sum) plus 4 per (user, feature).

#include <algorithm>
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
  /// Their counts' running sums (modulo 2^32): row idx counts CountAt(sums, idx).
  std::span<const uint32_t> RunningSums(uint32_t user, size_t feature) const {
    const size_t key = size_t{user} * features_ + feature;
    return {running_.data() + begin_[key], running_.data() + begin_[key + 1]};
  }
  static int32_t CountAt(std::span<const uint32_t> sums, size_t idx) {
    return static_cast<int32_t>(sums[idx] - (idx == 0 ? 0u : sums[idx - 1]));
  }

  /// One user's events of one feature on days first..last (offsets), and whether any row is
  /// there: two searches of its days and two running sums, whatever the rows in between.
  struct RangeTotal {
    int64_t events = 0;
    bool any = false;
  };
  RangeTotal TotalBetween(uint32_t user, size_t feature, size_t first, size_t last) const {
    const std::span<const uint16_t> days = Days(user, feature);
    const size_t before = RowsBefore(days, first), through = RowsBefore(days, last + 1);
    if (through == before) return {};
    const std::span<const uint32_t> sums = RunningSums(user, feature);
    if (!sums_exact_) return {SlowSum(sums, before, through), true};
    // Exact: no (user, feature) sums to more than 2^31 - 1 in absolute value.
    const uint32_t low = before == 0 ? 0u : sums[before - 1];
    return {static_cast<int32_t>(sums[through - 1] - low), true};
  }

  size_t MemoryBytes() const;

 private:
  /// How many of the ascending `days` come before day offset `day`.
  static size_t RowsBefore(std::span<const uint16_t> days, size_t day) {
    if (days.size() > 16)
      return static_cast<size_t>(std::lower_bound(days.begin(), days.end(), day) - days.begin());
    size_t rows = 0;  // a few rows: counted without a branch
    for (const uint16_t row_day : days) rows += row_day < day ? 1 : 0;
    return rows;
  }
  static int64_t SlowSum(std::span<const uint32_t> sums, size_t first, size_t end);

  size_t users_ = 0;
  size_t features_ = 0;
  Day first_day_ = 0;
  Day last_day_ = -1;
  std::vector<uint32_t> begin_;    // [user * features + feature], one past the end at the back
  std::vector<uint16_t> day_;      // days since first_day_
  std::vector<uint32_t> running_;  // the counts' running sum within each (user, feature)
  bool sums_exact_ = true;         // whether a difference of two running sums is exact
};

}  // namespace growthlens
