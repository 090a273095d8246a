#pragma once
// Finds exact duplicate rows of a StagedTable (every column equal, as parsed), keeping the
// first occurrence, as pandas' DataFrame.drop_duplicates() does. Rows are hashed in parallel,
// radix-partitioned by hash so each partition's table fits in cache, and candidates with equal
// hashes are confirmed column by column, so a hash collision never drops a row. The partitions
// are taken in a few waves (rows split by user or invoice), each scattering only its own rows,
// so that the 8-byte references of all rows are never held at once. Before that, the rows of
// every user (or invoice) whose rows form a single run in the file, as in exports grouped by
// user, are checked within their run, which needs no partitioning at all.

#include <cstdint>
#include <vector>

#include "io/staged_table.h"

namespace growthlens {

/// How the rows are split; the defaults suit millions of rows, tests use small ones.
struct DuplicateLayout {
  // Few partitions keep the scatter to a few dozen write streams; each partition's table (a
  // few MB) still fits in cache. Measured on 9M rows: 16k rows per partition 0.17 s, 256k
  // 0.13 s.
  size_t rows_per_partition = 256 * 1024;
  // References held at once: the rows are split into this many rows per wave on average
  // (by user or invoice, so not exactly). Each wave reads one column of every row again,
  // cheap next to the memory saved (72 MB of references at 9M rows).
  size_t rows_per_wave = 3 * 1024 * 1024;
  // Rows of a user (invoice) whose rows are all in one contiguous run are checked within the
  // run; off, every row takes the partitioned path (tests compare the two).
  bool local_runs = true;
};

/// Sets status[chunk][row] to `duplicate` for every row that repeats an earlier one (status
/// has one entry per row of each chunk; other entries are left as they are).
void MarkDuplicateRows(const StagedTable& table, std::vector<std::vector<uint8_t>>& status,
                       uint8_t duplicate, unsigned threads, const DuplicateLayout& layout = {});

}  // namespace growthlens
