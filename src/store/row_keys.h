#pragma once
// Row identities (store/dataset_merge.h) packed into 128 bits, and sets of them that grow a
// load at a time (store/sorted_runs.h: sorted runs merged as a binary counter, so a live fold
// does not slow down as the workspace grows, Workspace::RememberEventKeys). DayKeySets keeps
// such sets by day, so that a live fold holds and reads only the days its loads touch; within
// a day the day is implicit and a key takes 64 bits, not 128.

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "core/usage_log.h"
#include "store/sorted_runs.h"

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

/// Calls `key_of_row(RowKey)` with the identity of each row of an event or usage log (its codes,
/// its days), in row order.
template <typename Fn>
void ForEachUsageKey(const UsageColumns& rows, Fn&& key_of_row) {
  for (size_t row = 0; row < rows.user.size(); ++row)
    key_of_row(UsageKey(rows.user[row], rows.day[row], rows.feature[row],
                        rows.ms_of_day.empty() ? 0 : rows.ms_of_day[row]));
}

/// Whether a row's identity is among the stored ones (store/dataset_merge.h's duplicates).
class RowKeyLookup {
 public:
  virtual ~RowKeyLookup() = default;
  virtual bool Contains(RowKey key) const = 0;
};

class RowKeySet final : public RowKeyLookup {
 public:
  void Reserve(size_t keys) { keys_.Reserve(keys); }
  void Add(RowKey key) { keys_.Add(key); }
  /// Makes the keys added since the last Seal searchable.
  void Seal() { keys_.Seal(); }
  bool Contains(RowKey key) const override { return keys_.Contains(key); }
  size_t size() const { return keys_.size(); }

 private:
  SortedRuns<RowKey> keys_;
};

/// The usage keys of one day in 64 bits each: user (32 bits), millisecond of the day (27 bits:
/// a day has fewer than 2^27) and the feature's low 5 bits, in a set per 32 features. A key
/// that does not fit (a time outside the day) is kept whole in a set of its own, so Contains
/// answers exactly as a set of the 128-bit keys would.
class OneDayKeys {
 public:
  void Add(RowKey key);
  void Seal();
  bool Contains(RowKey key) const;
  size_t size() const;
  /// The bytes the keys' storage takes, for measurement.
  size_t bytes() const;

 private:
  std::vector<SortedRuns<uint64_t>> by_feature_group_;  // index: feature >> 5
  SortedRuns<RowKey> unpacked_;
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
  /// The bytes the held keys' storage takes, for measurement (bench/row_keys_benchmark.cc).
  size_t bytes() const;

 private:
  struct Held {
    OneDayKeys keys;
    uint64_t touched = 0;
  };
  std::map<Day, Held> days_;
};

}  // namespace growthlens::store
