#include "metrics/user_event_order.h"

#include <algorithm>
#include <atomic>

namespace growthlens {

UserEventOrder::UserEventOrder(const UsageLog& log, unsigned threads) : by_user_(log) {
  const size_t groups = by_user_.groups();
  begin_.resize(groups + 1, 0);
  for (size_t group = 0; group < groups; ++group)
    begin_[group + 1] = begin_[group] + by_user_.RowCount(group);
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
