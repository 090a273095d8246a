#pragma once
// A usage log: one row per (user, day, feature) with its event count, 14 bytes per row. The
// columns have the types the reader stages rows in, so building one reuses the reader's memory.
//
// An event log (kind "events") is the same table at a finer grain: one row per event, with its
// UTC millisecond of the day in ms_of_day, and the "feature" column holding the event name.
// Event sources without a count column leave `events` empty (every row counts 1), so an event
// costs user 4 + day 4 + ms 4 + event 2 = 14 bytes. Analyses read counts through RowCounts,
// which serves both without a branch per row; a day-level usage log leaves ms_of_day empty.
// Property columns (core/event_properties.h) add 1-2 bytes per event each.

#include <cstdint>
#include <vector>

#include "core/column.h"
#include "core/data_kind.h"
#include "core/date.h"
#include "core/dictionary.h"
#include "core/event_properties.h"

namespace growthlens {

struct UsageColumns {
  Column<uint32_t> user;      // code into UsageLog::users
  Column<Day> day;            // the event's day
  Column<uint16_t> feature;   // code into UsageLog::features
  Column<int32_t> events;     // events_count (> 0 unless non_positive_events is off); empty:
                              // every row counts 1 (events without a count column)
  Column<int32_t> ms_of_day;  // events: UTC milliseconds since midnight; empty in usage logs
};

/// Each row's count, read without a branch per row: an empty count column reads one constant 1
/// through a zero index mask. Make one per loop: RowCounts counts(rows); ... counts[row].
class RowCounts {
 public:
  explicit RowCounts(const UsageColumns& columns)
      : data_(columns.events.empty() ? &kOne : columns.events.data()),
        mask_(columns.events.empty() ? 0 : ~size_t{0}) {}
  int32_t operator[](size_t row) const { return data_[row & mask_]; }

 private:
  static constexpr int32_t kOne = 1;
  const int32_t* data_;
  size_t mask_;
};

/// What one row of a UsageLog stands for.
enum class UsageGrain : uint8_t {
  kDay,    // a (user, day, feature) total: kind "usage"
  kEvent,  // one event with its time: kind "events"
};

struct UsageLog {
  static constexpr bool kHasRevenue = false;  // rows carry amounts (quantity x price)

  UsageGrain grain = UsageGrain::kDay;

  StringDictionary users;
  std::vector<Day> user_signup;  // per user code; kNoDay when the log gives none
  StringDictionary features;
  UsageColumns usage;
  /// Events: the source's property columns, row for row with `usage`; empty otherwise.
  EventProperties properties;

  /// kUsage or kEvents, from the grain.
  DataKind kind() const {
    return grain == UsageGrain::kEvent ? DataKind::kEvents : DataKind::kUsage;
  }
  size_t rows() const { return usage.user.size(); }
  DatasetMemory Memory() const;
  void ShrinkToFit();
};

inline uint32_t UserOfRow(const UsageLog& log, size_t row) {
  return log.usage.user[row];
}
inline Day DayOfRow(const UsageLog& log, size_t row) {
  return log.usage.day[row];
}

}  // namespace growthlens
