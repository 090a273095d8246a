#pragma once
// Each user's events in time order, built once for the analyses that follow users through their
// events (paths, behavioural retention; funnels need the same). Rows are grouped by user
// (UserRows: free when the log is already grouped, a counting sort by user code otherwise), then
// each user's slice is sorted by time (day, then millisecond of the day), ties kept in row
// order (a stable sort: the source order decides between events of the same millisecond). Logs
// whose users' rows are already in time order, as `growthlens generate` writes them, skip the
// sort. The slices are sorted in parallel over users; the result does not depend on the thread
// count.
//
//   const UserEventOrder order(log);
//   for (size_t group = 0; group < order.groups(); ++group)
//     for (uint32_t row : order.Rows(group)) ... log.usage.feature[row] ...

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/usage_log.h"
#include "metrics/user_rows.h"

namespace growthlens {

inline constexpr int64_t kMsPerDay = 86'400'000;

/// An event's time as one number: milliseconds since 1970 (day-level rows: the day's midnight).
inline int64_t EventTimeMs(const UsageLog& log, size_t row) {
  const int64_t ms = log.usage.ms_of_day.empty() ? 0 : log.usage.ms_of_day[row];
  return int64_t{log.usage.day[row]} * kMsPerDay + ms;
}

class UserEventOrder {
 public:
  /// threads: 0 = all cores.
  explicit UserEventOrder(const UsageLog& log, unsigned threads = 0);

  /// Users with at least one event.
  size_t groups() const { return by_user_.groups(); }
  /// The user code of a group.
  uint32_t user(size_t group) const { return by_user_.user(group); }
  /// The group's rows in time order.
  std::span<const uint32_t> Rows(size_t group) const {
    return std::span<const uint32_t>(order_).subspan(begin_[group],
                                                     begin_[group + 1] - begin_[group]);
  }
  /// The grouping, for ForEachUserChunk (chunks of about equal row count).
  const UserRows& by_user() const { return by_user_; }
  /// Whether some user's rows had to be sorted by time (the log was not in time order per user).
  bool sorted_by_time() const { return sorted_; }
  size_t MemoryBytes() const;

 private:
  UserRows by_user_;
  std::vector<size_t> begin_;    // per group + 1: into order_
  std::vector<uint32_t> order_;  // row numbers, grouped by user, each user's in time order
  bool sorted_ = false;
};

}  // namespace growthlens
