#pragma once
// Live events into a ClickHouse workspace's `events` table, each stored once however often it is
// sent (issue 22.5). Every row carries a key of its own in `load_id` (a stable 64-bit hash of
// the event's uuid, LiveEventKey). An insert first asks which of its rows' (user, key) are stored
// already and sends only the others, as JSONEachRow: a body cut short by a broken connection or
// a killed writer fails to parse, so ClickHouse 18.16 stores nothing of it (or whole rows when
// the cut falls between two), never the half row TabSeparated would keep. After a connection
// failure the writer stops its own insert if still running (KILL QUERY ... SYNC by its query
// id) and asks again; a writer opening under a name stops the inserts of its previous life
// first, so a killed consumer's insert cannot commit after its restart has asked.
// Servers that know `insert_deduplication_token` (22.x and later, and tables deduplicating
// inserts: Replicated*, or with non_replicated_deduplication_window) get a token derived from
// the rows' keys as well. The limit on 18.16's non-replicated MergeTree, which deduplicates
// nothing: two writers sending the same event at the same moment (a consumer's messages
// claimed by another while it still runs) can both find it missing and store it twice.
//
//   Result<LiveEventWriter> writer = LiveEventWriter::Open(endpoint, "consumer-c1");
//   Result<LiveInsertOutcome> outcome = writer->Insert(rows);

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/status.h"
#include "warehouse/clickhouse_client.h"

namespace growthlens::warehouse {

struct LiveEventRow {
  std::string_view user;
  std::string_view event;
  int64_t time_ms = 0;  // UTC, since the epoch
  int32_t count = 1;
  uint64_t key = 0;  // LiveEventKey of the event's uuid
};

struct LiveInsertOutcome {
  uint64_t stored = 0;
  uint64_t duplicates = 0;  // their key was stored already (or twice in the rows)
  int retries = 0;          // inserts sent again after a broken connection
};

/// The stored key of an event's uuid: FNV-1a, fixed here (it outlives program versions).
uint64_t LiveEventKey(std::string_view uuid);

/// The insert de-duplication token of rows with these keys (any order): "live-" and 16 hex
/// digits of FNV-1a over the sorted keys' little-endian bytes, fixed here so that a retry from
/// another build or machine sends the same token.
std::string LiveInsertToken(std::span<const uint64_t> keys);

/// The rows as ClickHouse's JSONEachRow lines of the events table (user, day, ms_of_day, event,
/// events, load_id).
void AppendLiveRowsJson(std::span<const LiveEventRow> rows, std::string& out);

class LiveEventWriter {
 public:
  /// Connects, checks the workspace has its tables, and stops the inserts still running of an
  /// earlier writer of the same `name` (letters, digits, '_', '-' and '.'; others are replaced).
  static Result<LiveEventWriter> Open(const ClickHouseEndpoint& endpoint, std::string_view name);
  /// Stores the rows whose key is not stored yet; returns when ClickHouse confirmed them.
  Result<LiveInsertOutcome> Insert(std::span<const LiveEventRow> rows);
  ClickHouseClient& client() { return client_; }

 private:
  LiveEventWriter(ClickHouseClient client, std::string name, bool tokens)
      : client_(std::move(client)), name_(std::move(name)), tokens_(tokens) {}
  /// Ends this name's inserts still running (KILL QUERY ... SYNC).
  Status StopEarlierInserts();
  /// "key\tuser" of the rows stored already.
  Result<std::unordered_set<std::string>> StoredOf(std::span<const LiveEventRow> rows);

  ClickHouseClient client_;
  std::string name_;  // query ids are growthlens-live-<name>-<number>
  bool tokens_ = false;
  bool distributed_sync_ = false;
  bool unsure_ = true;  // an insert of this name may still run (a failure, an earlier life)
  uint64_t inserts_ = 0;
};

}  // namespace growthlens::warehouse
