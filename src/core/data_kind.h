#pragma once
// The kinds of input GrowthLens reads, and what every kind's data reports about its memory.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

#include "core/date.h"

namespace growthlens {

/// kEvents is a usage log at a finer grain (one row per event, with its time of day): it is
/// held in the same UsageLog and runs the same analyses, so choices between usage-log and
/// transaction behaviour (ByKind) give events the usage value. Only what is named or shown
/// ("kind": "events", --kind events) tells the two apart, through DataKindName.
enum class DataKind : uint8_t { kUsage, kTransactions, kEvents };
/// "usage", "transactions", "events".
const char* DataKindName(DataKind kind);
/// The kind DataKindName names ("usage", "events", "transactions"), or nullopt.
std::optional<DataKind> DataKindFromName(std::string_view name);
/// Every kind, in the order of the enum (an index per kind: static_cast<size_t>(kind)).
inline constexpr DataKind kAllDataKinds[] = {DataKind::kUsage, DataKind::kTransactions,
                                             DataKind::kEvents};
inline constexpr size_t kDataKindCount = std::size(kAllDataKinds);

/// True for the kinds held in a UsageLog (usage and events).
constexpr bool IsUsageKind(DataKind kind) {
  return kind != DataKind::kTransactions;
}

/// The value for `kind`, one argument per log type: ByKind(kind, "users", "customers"); events
/// take the usage value (see kEvents). A new log type adds an argument, and every choice made
/// by kind stops compiling until it says what the new type gets.
template <typename T>
constexpr T ByKind(DataKind kind, T usage, T transactions) {
  switch (kind) {
    case DataKind::kUsage:
    case DataKind::kEvents:
      return usage;
    case DataKind::kTransactions:
      return transactions;
  }
  return usage;  // not reached: every kind is a case above
}

/// Day meaning "unknown" (a usage log without signup dates, for example).
inline constexpr Day kNoDay = INT32_MIN;

/// Memory held by a dataset, split so that bytes per row can be reported honestly.
struct DatasetMemory {
  size_t row_columns = 0;   // the per-row columns
  size_t side_tables = 0;   // orders, items, prices, per-user signup
  size_t dictionaries = 0;  // string dictionaries
  double BytesPerRow(size_t rows) const {
    return rows == 0 ? 0.0 : static_cast<double>(row_columns) / static_cast<double>(rows);
  }
};

}  // namespace growthlens
