#pragma once
// The kinds of input GrowthLens reads, and what every kind's data reports about its memory.

#include <cstddef>
#include <cstdint>

#include "core/date.h"

namespace growthlens {

enum class DataKind : uint8_t { kUsage, kTransactions };
/// "usage", "transactions".
const char* DataKindName(DataKind kind);

/// The value for `kind`, one argument per kind: ByKind(kind, "users", "customers"). A new kind
/// adds an argument, and every choice made by kind stops compiling until it says what the new
/// kind gets.
template <typename T>
constexpr T ByKind(DataKind kind, T usage, T transactions) {
  switch (kind) {
    case DataKind::kUsage:
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
