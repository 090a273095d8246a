#pragma once
// Finds exact duplicate rows of a StagedTable (every column equal, as parsed), keeping the
// first occurrence, as pandas' DataFrame.drop_duplicates() does. Rows are hashed in parallel,
// radix-partitioned by hash so each partition's table fits in cache, and candidates with equal
// hashes are confirmed column by column, so a hash collision never drops a row.

#include <cstdint>
#include <vector>

#include "io/staged_table.h"

namespace growthlens {

/// One flag per row of each chunk: true when the row repeats an earlier one.
std::vector<std::vector<uint8_t>> FindDuplicateRows(const StagedTable& table, unsigned threads);

}  // namespace growthlens
