#include "metrics/user_event_order.h"

#include <algorithm>
#include <atomic>
#include <limits>

namespace growthlens {

UserEventOrder::UserEventOrder(const UsageLog& log, unsigned threads) : by_user_(log, threads) {
  const size_t groups = by_user_.groups();
  begin_.resize(groups + 1, 0);
  for (size_t group = 0; group < groups; ++group)
    begin_[group + 1] = begin_[group] + by_user_.RowCount(group);
  if (by_user_.grouped_in_place()) {
    // Rows grouped by user already: when every user's run is in time order too, the runs are
    // the order (begin_ the rows where they start) and nothing is copied.
    std::atomic<bool> in_order{true};
    ForEachUserChunk(by_user_, threads, 0, [&](int&, size_t first, size_t end) {
      for (size_t group = first; group < end; ++group) {
        if (!in_order.load(std::memory_order_relaxed)) return;
        int64_t previous = std::numeric_limits<int64_t>::min();
        bool sorted = true;
        by_user_.ForEachRow(group, [&](uint32_t row) {
          const int64_t time = EventTimeMs(log, row);
          sorted = sorted && previous <= time;
          previous = time;
        });
        if (!sorted) in_order.store(false, std::memory_order_relaxed);
      }
    });
    if (in_order.load()) return;
  }
  order_.resize(begin_[groups]);
  std::atomic<bool> sorted{false};
  // Each chunk writes only its own groups' slices: no shared writes, the same result on any
  // number of threads.
  ForEachUserChunk(by_user_, threads, 0, [&](int&, size_t first, size_t end) {
    bool any_sorted = false;
    for (size_t group = first; group < end; ++group) {
      uint32_t* out = order_.data() + begin_[group];
      size_t filled = 0;
      by_user_.ForEachRow(group, [&](uint32_t row) { out[filled++] = row; });
      const auto earlier = [&log](uint32_t left, uint32_t right) {
        return EventTimeMs(log, left) < EventTimeMs(log, right);
      };
      if (std::is_sorted(out, out + filled, earlier)) continue;
      std::stable_sort(out, out + filled, earlier);
      any_sorted = true;
    }
    if (any_sorted) sorted.store(true, std::memory_order_relaxed);
  });
  sorted_ = sorted.load();
}

size_t UserEventOrder::MemoryBytes() const {
  return by_user_.MemoryBytes() + begin_.capacity() * sizeof(size_t) +
         order_.capacity() * sizeof(uint32_t);
}

}  // namespace growthlens
