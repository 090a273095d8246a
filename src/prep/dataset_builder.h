#pragma once
// Builds a Dataset from the rows of a StagedTable that cleaning kept. Dictionaries are rebuilt
// with only the strings kept rows use, so counts of users, invoices or products never include
// ones whose rows were all dropped.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "io/staged_table.h"

namespace growthlens {

/// Row status per chunk row: kKeepRow, or the reason it was dropped.
inline constexpr uint8_t kKeepRow = 0xFF;

struct BuildOutcome {
  Dataset dataset;
  uint64_t signup_conflicts = 0;
};

/// What building the Dataset needs to know of the rows cleaning keeps, gathered by the
/// cleaner's passes over the chunks (in parallel, one thread per chunk):
///  - as it reads the rows, before every duplicate is known: the users and features usage
///    rows use, and each user's earliest and latest signup. A row the duplicate rule drops
///    later holds the values of its first occurrence, which the other rules keep or drop just
///    as they do the copy, so it adds nothing the kept rows lack;
///  - once the statuses are final: the rows kept in each slice of each chunk.
class KeptRows {
 public:
  static constexpr size_t kSlices = 8;  // per chunk; usage rows are copied a slice per task
  static size_t SliceBegin(size_t rows, size_t slice) { return rows * slice / kSlices; }

  explicit KeptRows(const StagedTable& table);
  /// Before the chunk's first AddCodes.
  void StartChunk(size_t chunk_idx);
  /// Rows [begin, end) of the chunk whose status is kKeepRow (usage logs; else nothing).
  void AddCodes(size_t chunk_idx, const std::vector<uint8_t>& status, size_t begin, size_t end);
  /// Counts the chunk's kept rows, per slice, from its final statuses.
  void Count(size_t chunk_idx, const std::vector<uint8_t>& status);
  size_t InChunk(size_t chunk_idx) const;

  // Per chunk, per code.
  std::vector<std::vector<uint8_t>> used_users, used_features;
  std::vector<std::vector<Day>> first_signup, last_signup;
  // Per chunk.
  std::vector<std::array<size_t, kSlices>> in_slice;

 private:
  const StagedTable& table_;
};

/// An event log's signups: each user's first day with the signup event, `signup_event` exactly
/// when given (--signup-event), else "sign_up", "signup", "Sign Up" (any case and separators).
/// Users without one keep their day (kNoDay as built), as usage logs without a signup column do.
void SignupsFromEvents(UsageLog& log, const std::string& signup_event);

/// May take over the table's memory (usage logs): the table is spent afterwards. `kept` holds
/// every chunk's codes and counts.
BuildOutcome BuildDataset(StagedTable& table, const std::vector<std::vector<uint8_t>>& status,
                          const KeptRows& kept, unsigned threads);

}  // namespace growthlens
