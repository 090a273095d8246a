#pragma once
// Appending a cleaned Dataset to a ClickHouse workspace: the ingest history first (a file whose
// checksum is there adds nothing), then the rows in blocks of TabSeparated text, each with a
// deduplication token (the file's checksum, a random number of this ingest's own and the
// block's number) where the server knows `insert_deduplication_token` (22.x and later), then
// the history row. Rows of an earlier
// attempt of the same file that failed half-way (no history row) are deleted first, so a retry
// never counts them twice, on servers without insert deduplication too (18.16: its
// non-replicated MergeTree deduplicates nothing). The same rule makes a broken connection safe
// to retry within one ingest: a block is sent again with its token, or, without tokens, the
// attempt's rows are deleted and the file is sent again from its first block.
//
// A file too large to hold may be sent in parts (InsertParts: the cleaned chunks of one file,
// one load, blocks numbered across the parts, the history row once at the end).
//
//   Result<InsertOutcome> outcome = InsertDataset(client, dataset, record);

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/dataset.h"
#include "core/status.h"
#include "warehouse/clickhouse_client.h"

namespace growthlens::warehouse {

/// What the history keeps of one ingested file.
struct LoadRecord {
  std::string checksum;  // store::FileChecksum's text
  std::string source;
  uint64_t bytes = 0;
  uint64_t rows_read = 0;
  std::string report_json;
};

struct InsertOutcome {
  /// When the same file was ingested before (UTC), in which case nothing was added.
  std::optional<std::string> already_loaded;
  uint64_t rows_added = 0;
  size_t blocks = 0;
  bool deduplication_tokens = false;   // blocks carried insert_deduplication_token
  uint64_t leftover_rows_deleted = 0;  // of an earlier attempt that failed half-way
  int retries = 0;                     // inserts sent again after a broken connection
};

/// Tries of an insert whose connection breaks (the first and the retries), 1 + 2 + 4 + 8 s apart.
inline constexpr int kInsertAttempts = 5;

/// When `checksum` was ingested (UTC), if it was. Errors when the workspace has no schema.
Result<std::optional<std::string>> FindLoad(ClickHouseClient& client, const std::string& checksum);

/// Sends one part of a load (a Dataset of the load's kind) in blocks.
using PartSender = std::function<Status(const Dataset& part)>;
/// Hands every part of a load to the sender, in order. Called again from the first part when a
/// broken connection makes a server without deduplication tokens start the load again.
using PartProducer = std::function<Status(const PartSender& send)>;

/// Appends the parts `produce` hands over as one load of `kind`, then the history row from
/// `record` (which `produce` may complete: rows read, report), with the rows sent as kept.
Result<InsertOutcome> InsertParts(ClickHouseClient& client, DataKind kind, LoadRecord& record,
                                  const PartProducer& produce, size_t block_rows = 500'000);

/// Appends `dataset` (usage log, event log or transactions); `block_rows` rows per insert.
Result<InsertOutcome> InsertDataset(ClickHouseClient& client, const Dataset& dataset,
                                    const LoadRecord& record, size_t block_rows = 500'000);

}  // namespace growthlens::warehouse
