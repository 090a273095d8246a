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

/// What building a usage Dataset needs to know of the rows cleaning keeps: the users and
/// features they use, and each user's earliest and latest signup. The cleaner adds each
/// chunk's rows as it reads them, before every duplicate is known: a row the duplicate rule
/// drops later holds the values of its first occurrence, which the other rules keep or drop
/// just as they do the copy, so it adds nothing the kept rows lack. Transactions need none of it.
class KeptCodes {
 public:
  explicit KeptCodes(const StagedTable& table);
  /// Before the chunk's first Add, on the thread adding its rows (one thread per chunk).
  void StartChunk(size_t chunk_idx);
  /// Rows [begin, end) of the chunk whose status is kKeepRow.
  void Add(size_t chunk_idx, const std::vector<uint8_t>& status, size_t begin, size_t end);

  // Per chunk, per code.
  std::vector<std::vector<uint8_t>> used_users, used_features;
  std::vector<std::vector<Day>> first_signup, last_signup;

 private:
  const StagedTable& table_;
};

/// May take over the table's memory (usage logs): the table is spent afterwards. `kept` holds
/// every chunk's rows (usage logs).
BuildOutcome BuildDataset(StagedTable& table, const std::vector<std::vector<uint8_t>>& status,
                          const KeptCodes& kept, unsigned threads);

}  // namespace growthlens
