#pragma once
// A workspace: one SQLite file (WAL) holding the ingested data of each kind, its dictionaries
// and the ingest history, so that analyses start from stored, clean data instead of a CSV.
//
//   Result<Workspace> workspace = Workspace::Open("shop.glw", OpenMode::kCreate);
//   Result<AppendOutcome> added = workspace->Append(cleaned.dataset, record);
//   Result<Dataset> data = workspace->Load(DataKind::kUsage, DayRange{from, to});
//
// Every change is one SQLite transaction: a load is stored whole or not at all, whatever kills
// the process or fills the disk.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data_kind.h"
#include "core/dataset.h"
#include "core/status.h"
#include "store/consumer_status.h"
#include "store/event_inbox.h"
#include "store/saved_items.h"
#include "store/stored_table.h"

namespace growthlens::store {

class Database;
class DayKeySets;

enum class OpenMode { kCreate, kExisting };

/// One ingest as the history keeps it.
struct LoadRecord {
  std::string source_name;  // the file as given
  uint64_t source_bytes = 0;
  std::string checksum;  // FileChecksum of the source
  uint64_t rows_read = 0;
  std::string report_json;  // the cleaning report
};

struct StoredLoad {
  int64_t id = 0;
  DataKind kind = DataKind::kUsage;
  LoadRecord record;
  std::string loaded_at;  // UTC, "2026-12-06 14:03:11"
  uint64_t rows_kept = 0;
  uint64_t rows_added = 0;
  uint64_t rows_duplicate = 0;  // rows already stored (an overlapping export)
};

struct AppendOutcome {
  /// Set when a load with the same checksum is stored already: nothing was added.
  std::optional<StoredLoad> already_loaded;
  int64_t load_id = 0;
  uint64_t rows_added = 0;
  uint64_t rows_duplicate = 0;
};

/// What a load read: rows blocks of the kind's rows table.
struct LoadStats {
  uint64_t blocks_read = 0;
  uint64_t blocks_stored = 0;
};

struct TableInfo {
  std::string name;
  uint64_t rows = 0;
  uint64_t blocks = 0;
  uint64_t bytes = 0;  // compressed payload
};

struct WorkspaceInfo {
  int schema_version = 0;
  uint64_t file_bytes = 0;  // the database file
  uint64_t wal_bytes = 0;   // its write-ahead log
  std::vector<TableInfo> tables;
  std::vector<StoredLoad> loads;
};

class Workspace {
 public:
  static Result<Workspace> Open(const std::string& path, OpenMode mode);
  Workspace(Workspace&&) noexcept;
  Workspace& operator=(Workspace&&) noexcept;
  ~Workspace();

  const std::string& path() const { return path_; }
  /// zstd level of blocks written from now on (3 by default; `compact` uses more).
  void SetCompressionLevel(int level) { level_ = level; }

  /// The stored load whose source had `checksum`, if any.
  Result<std::optional<StoredLoad>> FindLoad(const std::string& checksum);
  /// Adds `data` (one cleaned load) with its history record, in one transaction. A load whose
  /// checksum is stored already adds nothing; rows already stored are skipped (see
  /// store/dataset_merge.h for a row's identity).
  /// With `fold_inbox_through`, the inbox's rows up to that id leave the inbox in the same
  /// transaction: `data` is them, cleaned (app/inbox_fold.h), so they are never stored twice.
  Result<AppendOutcome> Append(const Dataset& data, const LoadRecord& record,
                               std::optional<int64_t> fold_inbox_through = std::nullopt);

  /// Keeps, between Appends on this connection, the identities of the stored events on the days
  /// appended to (store/row_keys.h), so that an events load reads only the dictionaries, not
  /// every stored row of its days, to find its duplicates: a live fold's cost stays flat as the
  /// workspace grows. Only the days a load has rows on are read (not the span between its first
  /// and last), and days no load touched in the last kKeepEventKeyLoads appends are forgotten
  /// (read again when a load touches them). Checked at each Append (inside its write
  /// transaction) against the blocks' generation (schema.cc, version 10); a change made by
  /// another connection has the keys read again.
  void RememberEventKeys() { remember_event_keys_ = true; }
  /// The days whose event keys are remembered now, ascending (what a test can see of it).
  std::vector<Day> RememberedEventKeyDays() const;

  /// The inbox of live events (store/event_inbox.h), on this workspace's connection.
  EventInbox Inbox() { return EventInbox(*db_); }
  /// What stream consumers report about themselves (store/consumer_status.h).
  ConsumerStatuses Consumers() { return ConsumerStatuses(*db_); }

  /// The kinds that have rows stored (events also when only the inbox holds some).
  Result<std::vector<DataKind>> Kinds();
  /// The stored data of `kind`, or only its rows on days in `range` (dictionaries and side tables
  /// stay whole, so codes mean the same in every range), rows in source order. `stats`, when
  /// given, says how many rows blocks were read of how many.
  Result<Dataset> Load(DataKind kind, const DayRange& range = {}, LoadStats* stats = nullptr);

  Result<WorkspaceInfo> Info();
  /// SQLite's integrity check and the workspace's own invariants: blocks that follow each other
  /// and decode, codes inside their dictionaries, block day spans that match their rows.
  /// Returns the problems found (none: healthy).
  Result<std::vector<std::string>> Check();
  /// A load's cleaning report replaced (erasure scrubs a user's id from the examples).
  struct ReportUpdate {
    int64_t load_id = 0;
    std::string report_json;
  };
  /// Stores `data` as all of its kind (rewritten into full blocks) and applies `reports`, in one
  /// transaction; the history stays. Compaction and erasure use it.
  Status Replace(const Dataset& data, const std::vector<ReportUpdate>& reports = {});
  /// Rewrites the file without free pages (after Replace), truncating the write-ahead log.
  Status Vacuum();

  /// Saved items (store/saved_items.h): `body` (a JSON document) stored under `name`, replacing
  /// an item of that kind and name, in one transaction; returns it without its body.
  Result<SavedItem> Save(SavedKind kind, const std::string& name, const std::string& body);
  /// The items of `kind`, newest first, without their bodies.
  Result<std::vector<SavedItem>> ListSaved(SavedKind kind);
  Result<std::optional<SavedItem>> FindSaved(SavedKind kind, const std::string& name);
  /// False when there was no such item.
  Result<bool> DeleteSaved(SavedKind kind, const std::string& name);

 private:
  Workspace(std::unique_ptr<Database> db, std::string path);
  /// `source_order` false: rows in block order, as stored (store/row_layout.h).
  Result<Dataset> LoadLocked(DataKind kind, const DayRange& range, bool source_order = true,
                             LoadStats* stats = nullptr);
  /// `stored_keys`, when given, holds the identities of `stored`'s rows (it has none), and gets
  /// those of the rows added.
  Status Write(const Dataset& data, std::optional<int64_t> load_id, Dataset* stored,
               uint64_t* duplicates, uint64_t* added, DayKeySets* stored_keys = nullptr);
  struct EventKeys;
  /// The remembered keys, with `days` (ascending, distinct) read where they are not held; all of
  /// them read again unless the blocks are as they left them. Inside a write transaction.
  Result<std::unique_ptr<EventKeys>> TakeEventKeys(const std::vector<Day>& days);

  std::unique_ptr<Database> db_;
  std::string path_;
  int level_ = 3;
  bool remember_event_keys_ = false;
  std::unique_ptr<EventKeys> event_keys_;
};

}  // namespace growthlens::store
