#pragma once
// Row identities (store/dataset_merge.h) packed into 128 bits, and a set of them that grows a
// load at a time. The set keeps sorted runs of decreasing size and merges a new run into the
// last ones only while they are not larger (as a binary counter carries): adding n keys to a
// set of N costs about n log(N/n), not N, so a live fold does not slow down as the workspace
// grows (Workspace::RememberEventKeys).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/usage_log.h"

namespace growthlens::store {

struct RowKey {
  uint64_t high = 0;
  uint64_t low = 0;
  auto operator<=>(const RowKey&) const = default;
};

/// Usage rows have no time of day (0); events are told apart by their millisecond.
inline RowKey UsageKey(uint32_t user, Day day, uint16_t feature, int32_t ms_of_day) {
  return {(uint64_t{user} << 32) | static_cast<uint32_t>(day),
          (uint64_t{feature} << 32) | static_cast<uint32_t>(ms_of_day)};
}

inline RowKey TransactionKey(uint32_t order, uint32_t item, int32_t quantity, uint32_t price) {
  return {(uint64_t{order} << 32) | item,
          (uint64_t{static_cast<uint32_t>(quantity)} << 32) | price};
}

/// The identities of an event or usage log's rows (its codes, its days).
std::vector<RowKey> UsageKeysOf(const UsageColumns& rows);

class RowKeySet {
 public:
  void Add(RowKey key) { pending_.push_back(key); }
  /// Makes the keys added since the last Seal searchable.
  void Seal();
  bool Contains(RowKey key) const;
  size_t size() const;

 private:
  std::vector<std::vector<RowKey>> runs_;  // each sorted; sizes decrease
  std::vector<RowKey> pending_;
};

}  // namespace growthlens::store
