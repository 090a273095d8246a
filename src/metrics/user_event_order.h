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

/// One user's rows in time order: a slice of a row list, or a run of consecutive rows.
class EventRows {
 public:
  EventRows(const uint32_t* order, uint32_t first, size_t size)
      : order_(order), first_(first), size_(size) {}
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint32_t operator[](size_t idx) const {
    return order_ != nullptr ? order_[idx] : first_ + static_cast<uint32_t>(idx);
  }

  class Iterator {
   public:
    Iterator(const EventRows& rows, size_t idx) : rows_(&rows), idx_(idx) {}
    uint32_t operator*() const { return (*rows_)[idx_]; }
    Iterator& operator++() {
      ++idx_;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return idx_ != other.idx_; }

   private:
    const EventRows* rows_;
    size_t idx_;
  };
  Iterator begin() const { return Iterator(*this, 0); }
  Iterator end() const { return Iterator(*this, size_); }

 private:
  const uint32_t* order_;  // null: the run first_, first_ + 1, ...
  uint32_t first_;
  size_t size_;
};

class UserEventOrder {
 public:
  /// threads: 0 = all cores.
  explicit UserEventOrder(const UsageLog& log, unsigned threads = 0);

  /// Users with at least one event.
  size_t groups() const { return by_user_.groups(); }
  /// The user code of a group.
  uint32_t user(size_t group) const { return by_user_.user(group); }
  /// The group's rows in time order.
  EventRows Rows(size_t group) const {
    const size_t size = begin_[group + 1] - begin_[group];
    if (order_.empty()) return EventRows(nullptr, static_cast<uint32_t>(begin_[group]), size);
    return EventRows(order_.data() + begin_[group], 0, size);
  }
  /// The grouping, for ForEachUserChunk (chunks of about equal row count).
  const UserRows& by_user() const { return by_user_; }
  /// Whether some user's rows had to be sorted by time (the log was not in time order per user).
  bool sorted_by_time() const { return sorted_; }
  size_t MemoryBytes() const;

 private:
  UserRows by_user_;
  std::vector<size_t> begin_;    // per group + 1: into order_, or rows when order_ is empty
  std::vector<uint32_t> order_;  // row numbers, grouped by user, each user's in time order;
                                 // empty when the log's rows are that order already
  bool sorted_ = false;
};

}  // namespace growthlens
