#pragma once
// A usage log: one row per (user, day, feature) with its event count, 14 bytes per row. The
// columns have the types the reader stages rows in, so building one reuses the reader's memory.

#include <cstdint>
#include <vector>

#include "core/column.h"
#include "core/data_kind.h"
#include "core/date.h"
#include "core/dictionary.h"

namespace growthlens {

struct UsageColumns {
  Column<uint32_t> user;     // code into UsageLog::users
  Column<Day> day;           // the event's day
  Column<uint16_t> feature;  // code into UsageLog::features
  Column<int32_t> events;    // events_count (> 0 unless non_positive_events is off)
};

struct UsageLog {
  static constexpr DataKind kKind = DataKind::kUsage;
  static constexpr bool kHasRevenue = false;  // rows carry amounts (quantity x price)

  StringDictionary users;
  std::vector<Day> user_signup;  // per user code; kNoDay when the log gives none
  StringDictionary features;
  UsageColumns usage;

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
