#pragma once
// Row identities (store/dataset_merge.h) packed into 128 bits, and a set of them that grows a
// load at a time. The set keeps sorted runs of decreasing size and merges a new run into the
// last ones only while they are not larger (as a binary counter carries): adding n keys to a
// set of N costs about n log(N/n), not N, so a live fold does not slow down as the workspace
// grows (Workspace::RememberEventKeys). DayKeySets keeps such sets by day, so that a live fold
// holds and reads only the days its loads touch.

#include <cstddef>
#include <cstdint>
#include <map>
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

/// The day of a UsageKey.
inline Day DayOfUsageKey(RowKey key) {
  return static_cast<Day>(static_cast<uint32_t>(key.high));
}

/// The identities of an event or usage log's rows (its codes, its days).
std::vector<RowKey> UsageKeysOf(const UsageColumns& rows);

/// Whether a row's identity is among the stored ones (store/dataset_merge.h's duplicates).
class RowKeyLookup {
 public:
  virtual ~RowKeyLookup() = default;
  virtual bool Contains(RowKey key) const = 0;
};

class RowKeySet final : public RowKeyLookup {
 public:
  void Add(RowKey key) { pending_.push_back(key); }
  /// Makes the keys added since the last Seal searchable.
  void Seal();
  bool Contains(RowKey key) const override;
  size_t size() const;

 private:
  std::vector<std::vector<RowKey>> runs_;  // each sorted; sizes decrease
  std::vector<RowKey> pending_;
};

/// The stored usage keys of some days, each day whole or not at all. A day is held from Cover
/// (its stored keys then added) until Forget; Contains answers only for held days, and the
/// keys of other days are not kept. Loads are numbered by the caller: a day keeps the number of
/// the last load that touched it, so the days no recent load touched can be forgotten (one
/// stray old event holds its day's keys for a few loads, not for good).
class DayKeySets final : public RowKeyLookup {
 public:
  bool Covers(Day day) const { return days_.contains(day); }
  /// Holds `day`: its stored keys are to be added before the next Seal.
  void Cover(Day day) { days_.try_emplace(day); }
  /// Ignored for a day not held (it is read whole when a load touches it).
  void Add(RowKey key);
  void Seal();
  /// For a held day; false for the others.
  bool Contains(RowKey key) const override;
  void Touch(Day day, uint64_t load);
  /// Forgets the days last touched before load `load`.
  void ForgetTouchedBefore(uint64_t load);
  std::vector<Day> HeldDays() const;
  size_t size() const;

 private:
  struct Held {
    RowKeySet keys;
    uint64_t touched = 0;
  };
  std::map<Day, Held> days_;
};

}  // namespace growthlens::store
