#pragma once
// Builds a Dataset from the rows of a StagedTable that cleaning kept. Dictionaries are rebuilt
// with only the strings kept rows use, so counts of users, invoices or products never include
// ones whose rows were all dropped.

#include <cstdint>
#include <vector>

#include "core/dataset.h"
#include "io/staged_table.h"

namespace growthlens {

/// Row status per chunk row: kKeepRow, or the reason it was dropped.
inline constexpr uint8_t kKeepRow = 0xFF;

struct BuildOutcome {
  Dataset dataset{DataKind::kUsage};
  uint64_t signup_conflicts = 0;
};

/// May take over the table's memory (usage logs): the table is spent afterwards.
BuildOutcome BuildDataset(StagedTable& table, const std::vector<std::vector<uint8_t>>& status,
                          unsigned threads);

}  // namespace growthlens
