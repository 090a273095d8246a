#include "store/schema.h"

#include <fmt/format.h>

#include <chrono>
#include <iterator>
#include <string>
#include <thread>

#include "store/inbox_group.h"

namespace growthlens::store {

namespace {

// Version 1. `blocks` holds every stored table (rows, dictionaries, side tables) as compressed
// column blocks (store/block_codec.h); `loads` the ingest history.
constexpr const char* kCreateSchema = R"sql(
CREATE TABLE workspace_schema (
  version INTEGER NOT NULL,
  written_by TEXT NOT NULL
);
CREATE TABLE loads (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  source_name TEXT NOT NULL,
  source_bytes INTEGER NOT NULL,
  checksum TEXT NOT NULL,
  loaded_at TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_kept INTEGER NOT NULL,
  rows_added INTEGER NOT NULL,
  rows_duplicate INTEGER NOT NULL,
  report_json TEXT NOT NULL
);
CREATE INDEX loads_by_checksum ON loads (checksum);
CREATE TABLE blocks (
  id INTEGER PRIMARY KEY,
  load_id INTEGER REFERENCES loads (id),
  table_name TEXT NOT NULL,
  first_row INTEGER NOT NULL,
  row_count INTEGER NOT NULL,
  min_day INTEGER,
  max_day INTEGER,
  payload BLOB NOT NULL
);
CREATE UNIQUE INDEX blocks_by_table ON blocks (table_name, first_row);
)sql";

// Version 2 adds `saved_items`: what users save besides data (dashboard views, experiment
// analyses, persona models), each a JSON document named per kind (store/saved_items.h).
constexpr const char* kCreateSavedItems = R"sql(
CREATE TABLE saved_items (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (kind, name)
);
)sql";

// Version 3 adds the inbox of live events (store/event_inbox.h): one row per event committed by
// the HTTP collector or a stream consumer until it is folded into blocks, and the uuids seen
// within the deduplication window.
constexpr const char* kCreateInbox = R"sql(
CREATE TABLE inbox_events (
  id INTEGER PRIMARY KEY,
  received_ms INTEGER NOT NULL,
  user TEXT NOT NULL,
  event TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  properties TEXT
);
CREATE TABLE inbox_uuids (
  uuid TEXT PRIMARY KEY,
  received_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 4 lets a load's rows be stored by period so a date range reads few blocks: the rows
// blocks of such a run carry `regroup_unit` (the first row of the run), meaning "this run's rows
// are stored by period, each period in source order; reading the run back sorts it stably by
// user to give the source order". NULL: the rows are stored in source order, as before.
constexpr const char* kAddRegroupUnit = R"sql(
ALTER TABLE blocks ADD COLUMN regroup_unit INTEGER;
)sql";

// Version 5 adds `access_keys`: the read and write keys of `growthlens serve`, stored as the
// SHA-256 of the key, never the key (store/access_keys.h). Revoked keys stay, with revoked_at.
constexpr const char* kCreateAccessKeys = R"sql(
CREATE TABLE access_keys (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('read', 'write')),
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
)sql";

// Version 6 lets a key be an ingest key (`role = 'ingest'`: it may only send events, for SDKs
// whose key is public, e.g. in a web page). SQLite cannot change a CHECK constraint, so the table
// is rebuilt with its rows.
constexpr const char* kAllowIngestKeys = R"sql(
CREATE TABLE access_keys_v6 (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('read', 'write', 'ingest')),
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
INSERT INTO access_keys_v6 SELECT id, secret_hash, name, role, created_at, last_used_at, revoked_at
  FROM access_keys;
DROP TABLE access_keys;
ALTER TABLE access_keys_v6 RENAME TO access_keys;
)sql";

// Version 7 adds `consumer_status`: what each stream consumer (`growthlens consume`) last said
// about itself, for the Live page of a server on the same workspace (store/consumer_status.h).
constexpr const char* kCreateConsumerStatus = R"sql(
CREATE TABLE consumer_status (
  name TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  updated_ms INTEGER NOT NULL,
  messages INTEGER NOT NULL,
  stored INTEGER NOT NULL,
  duplicates INTEGER NOT NULL,
  dead_letters INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  lag INTEGER,
  pending INTEGER,
  last_message_ms INTEGER NOT NULL,
  error TEXT NOT NULL
);
)sql";

// Version 8 makes the inbox's ids never reused (AUTOINCREMENT): with a plain INTEGER PRIMARY KEY,
// SQLite numbers from 1 again once a fold has emptied the inbox, so a later fold of the same ids
// had the checksum of an earlier load (`inbox:FIRST-LAST`, app/inbox_fold.h) and the live watcher,
// which reads rows after the last id it saw, missed the new ones. The table is rebuilt with its
// rows renumbered past every id an earlier fold took (a waiting row may already reuse one; no
// one keeps inbox ids across a restart), and its sequence starts there too.
constexpr const char* kInboxIdsNeverReused = R"sql(
CREATE TABLE inbox_events_v8 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  received_ms INTEGER NOT NULL,
  user TEXT NOT NULL,
  event TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  properties TEXT
);
INSERT INTO inbox_events_v8 SELECT id + coalesce((
    SELECT max(CAST(substr(checksum, instr(checksum, '-') + 1) AS INTEGER)) FROM loads
    WHERE checksum LIKE 'inbox:%'), 0), received_ms, user, event, time_ms, count, properties
  FROM inbox_events;
DROP TABLE inbox_events;
ALTER TABLE inbox_events_v8 RENAME TO inbox_events;
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'inbox_events', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'inbox_events');
UPDATE sqlite_sequence SET seq = max(seq, coalesce((
    SELECT max(CAST(substr(checksum, instr(checksum, '-') + 1) AS INTEGER)) FROM loads
    WHERE checksum LIKE 'inbox:%'), 0))
  WHERE name = 'inbox_events';
)sql";

// Version 9 stores a commit's events as one row (store/inbox_group.h): `id` is the group's last
// event id (AUTOINCREMENT: its sequence is the highest event id ever given, so ids are never
// reused, as version 8 made sure), `first_id` its first, `events` how many it holds. Version 8's
// rows move into groups with their ids (MoveInboxRowsIntoGroups); the sequence goes on from
// version 8's.
constexpr const char* kCreateInboxGroups = R"sql(
CREATE TABLE inbox_groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  first_id INTEGER NOT NULL,
  events INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  payload BLOB NOT NULL
);
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'inbox_groups', coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'inbox_events'), 0);
)sql";

// Version 10 counts every change of the stored rows: triggers on `blocks` and `loads` raise
// `blocks_generation`, whatever writes them (an append, a compaction, an erasure; an older writer
// cannot, it refuses the version). A connection that remembers what the blocks hold
// (Workspace::RememberEventKeys) reads one row to know whether they are as it left them, where
// a stamp of counts and sums scanned both tables and could be fooled by a reused id. The step
// can run again (a second process migrating the same file, a fixture holding the table already).
constexpr const char* kCreateBlocksGeneration = R"sql(
CREATE TABLE IF NOT EXISTS blocks_generation (value INTEGER NOT NULL);
INSERT INTO blocks_generation (value) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM blocks_generation);
CREATE TRIGGER IF NOT EXISTS blocks_inserted AFTER INSERT ON blocks
  BEGIN UPDATE blocks_generation SET value = value + 1; END;
CREATE TRIGGER IF NOT EXISTS blocks_updated AFTER UPDATE ON blocks
  BEGIN UPDATE blocks_generation SET value = value + 1; END;
CREATE TRIGGER IF NOT EXISTS blocks_deleted AFTER DELETE ON blocks
  BEGIN UPDATE blocks_generation SET value = value + 1; END;
CREATE TRIGGER IF NOT EXISTS loads_inserted AFTER INSERT ON loads
  BEGIN UPDATE blocks_generation SET value = value + 1; END;
CREATE TRIGGER IF NOT EXISTS loads_updated AFTER UPDATE ON loads
  BEGIN UPDATE blocks_generation SET value = value + 1; END;
CREATE TRIGGER IF NOT EXISTS loads_deleted AFTER DELETE ON loads
  BEGIN UPDATE blocks_generation SET value = value + 1; END;
)sql";

Status SetVersion(Database& db, int version) {
  Result<Statement> update = db.Prepare("UPDATE workspace_schema SET version = ?, written_by = ?");
  if (!update.ok()) return update.status();
  GROWTHLENS_RETURN_IF_ERROR(update->BindInt(1, version));
  GROWTHLENS_RETURN_IF_ERROR(update->BindText(2, "growthlens " GROWTHLENS_STORE_VERSION));
  return update->Run();
}

Status MigrateFrom1(Database& db) {
  return db.Exec(kCreateSavedItems);
}

Status MigrateFrom2(Database& db) {
  return db.Exec(kCreateInbox);
}

Status MigrateFrom3(Database& db) {
  return db.Exec(kAddRegroupUnit);
}

Status MigrateFrom4(Database& db) {
  return db.Exec(kCreateAccessKeys);
}

Status MigrateFrom5(Database& db) {
  return db.Exec(kAllowIngestKeys);
}

Status MigrateFrom6(Database& db) {
  return db.Exec(kCreateConsumerStatus);
}

Status MigrateFrom7(Database& db) {
  return db.Exec(kInboxIdsNeverReused);
}

Status MigrateFrom8(Database& db) {
  GROWTHLENS_RETURN_IF_ERROR(db.Exec(kCreateInboxGroups));
  GROWTHLENS_RETURN_IF_ERROR(MoveInboxRowsIntoGroups(db));
  return db.Exec("DROP TABLE inbox_events");
}

Status MigrateFrom9(Database& db) {
  return db.Exec(kCreateBlocksGeneration);
}

// Migrations from version N to N + 1, at index N - 1.
using Migration = Status (*)(Database&);
constexpr Migration kMigrations[] = {MigrateFrom1, MigrateFrom2, MigrateFrom3,
                                     MigrateFrom4, MigrateFrom5, MigrateFrom6,
                                     MigrateFrom7, MigrateFrom8, MigrateFrom9};
static_assert(std::size(kMigrations) == static_cast<size_t>(kSchemaVersion - 1),
              "one migration per older version");

Status CheckVersion(Database& db);

/// Switching a file to WAL needs it to itself, and SQLite does not wait for that (the busy
/// timeout does not apply): when other processes open a new or old file at the same moment,
/// the switch is tried again for as long as a busy write would be waited for.
Status UseWriteAheadLog(Database& db) {
  constexpr auto kWait = std::chrono::seconds(10);
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    Result<Statement> mode = db.Prepare("PRAGMA journal_mode = WAL");
    if (!mode.ok()) return mode.status();
    Result<bool> row = mode->Step();
    // Answered (with the mode now, as before this retry: where WAL is impossible, the file
    // keeps its rollback journal), or failed for a reason other than another connection's lock.
    if (row.ok()) return Status::Ok();
    if (!db.LastFailedBusy() || std::chrono::steady_clock::now() - start > kWait)
      return row.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Status CreateSchema(Database& db) {
  Result<Transaction> transaction = Transaction::Begin(db);
  if (!transaction.ok()) return transaction.status();
  // Another process may have made the schema while this one waited for the write lock.
  Result<int64_t> tables = db.QueryInt("SELECT count(*) FROM sqlite_master");
  if (!tables.ok()) return tables.status();
  if (*tables != 0) {
    GROWTHLENS_RETURN_IF_ERROR(transaction->Commit());
    return CheckVersion(db);
  }
  GROWTHLENS_RETURN_IF_ERROR(db.Exec(kCreateSchema));
  GROWTHLENS_RETURN_IF_ERROR(db.Exec(kCreateSavedItems));
  GROWTHLENS_RETURN_IF_ERROR(db.Exec(kCreateInbox));
  GROWTHLENS_RETURN_IF_ERROR(db.Exec(kAddRegroupUnit));
  GROWTHLENS_RETURN_IF_ERROR(db.Exec(kCreateAccessKeys));
  GROWTHLENS_RETURN_IF_ERROR(db.Exec(kAllowIngestKeys));
  GROWTHLENS_RETURN_IF_ERROR(db.Exec(kCreateConsumerStatus));
  GROWTHLENS_RETURN_IF_ERROR(db.Exec(kInboxIdsNeverReused));
  GROWTHLENS_RETURN_IF_ERROR(MigrateFrom8(db));
  GROWTHLENS_RETURN_IF_ERROR(MigrateFrom9(db));
  Result<Statement> insert =
      db.Prepare("INSERT INTO workspace_schema (version, written_by) VALUES (?, ?)");
  if (!insert.ok()) return insert.status();
  GROWTHLENS_RETURN_IF_ERROR(insert->BindInt(1, kSchemaVersion));
  GROWTHLENS_RETURN_IF_ERROR(insert->BindText(2, "growthlens " GROWTHLENS_STORE_VERSION));
  GROWTHLENS_RETURN_IF_ERROR(insert->Run());
  return transaction->Commit();
}

/// The version and writer of the workspace's schema.
struct SchemaStamp {
  int64_t version = 0;
  std::string written_by;
};

Result<SchemaStamp> ReadStamp(Database& db) {
  Result<Statement> query = db.Prepare("SELECT version, written_by FROM workspace_schema");
  if (!query.ok()) return query.status();
  Result<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row)
    return Status(ErrorCode::kDataError,
                  fmt::format("workspace {}: its schema version is missing; it is damaged or not "
                              "a GrowthLens workspace",
                              db.path()));
  // Read whole before the statement ends: a pending read would lock the tables a step drops
  // (version 6 rebuilds access_keys).
  return SchemaStamp{query->Int(0), query->Text(1)};
}

/// Refuses a version this growthlens cannot read or migrate.
Status CheckMigratable(const Database& db, const SchemaStamp& stamp) {
  if (stamp.version > kSchemaVersion)
    return Status(ErrorCode::kDataError,
                  fmt::format("workspace {} has schema version {} (written by {}), newer than the "
                              "version {} this growthlens reads: open it with a newer growthlens",
                              db.path(), stamp.version, stamp.written_by, kSchemaVersion));
  if (stamp.version < 1)
    return Status(ErrorCode::kDataError,
                  fmt::format("workspace {} has schema version {} (written by {}), which this "
                              "growthlens (schema version {}) cannot migrate",
                              db.path(), stamp.version, stamp.written_by, kSchemaVersion));
  return Status::Ok();
}

Status CheckVersion(Database& db) {
  Result<SchemaStamp> stamp = ReadStamp(db);
  if (!stamp.ok()) return stamp.status();
  if (stamp->version == kSchemaVersion) return Status::Ok();
  GROWTHLENS_RETURN_IF_ERROR(CheckMigratable(db, *stamp));
  // Every step in one transaction: a kill mid-way leaves the old version, whole.
  Result<Transaction> transaction = Transaction::Begin(db);
  if (!transaction.ok()) return transaction.status();
  // Read again under the write lock: another process opening the same workspace may have
  // migrated it (to this version or a newer one) while this one waited for the lock, and a step
  // must not run twice.
  stamp = ReadStamp(db);
  if (!stamp.ok()) return stamp.status();
  if (stamp->version == kSchemaVersion) return transaction->Commit();
  GROWTHLENS_RETURN_IF_ERROR(CheckMigratable(db, *stamp));
  for (int64_t step = stamp->version; step < kSchemaVersion; ++step) {
    const Status migrated = kMigrations[step - 1](db);
    if (!migrated.ok())
      return Status(migrated.code(),
                    fmt::format("workspace {}: migrating schema version {} to {}: {}", db.path(),
                                step, step + 1, migrated.message()));
  }
  GROWTHLENS_RETURN_IF_ERROR(SetVersion(db, kSchemaVersion));
  return transaction->Commit();
}

}  // namespace

Status PrepareSchema(Database& db) {
  // WAL: readers never block the writer, and a commit is one append to the log. FULL: a commit
  // is on disk before it is acknowledged, so an acknowledged load survives a power loss too.
  GROWTHLENS_RETURN_IF_ERROR(UseWriteAheadLog(db));
  GROWTHLENS_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON"));

  Result<int64_t> tables = db.QueryInt("SELECT count(*) FROM sqlite_master");
  if (!tables.ok()) return tables.status();
  if (*tables == 0) return CreateSchema(db);
  Result<int64_t> has_schema = db.QueryInt(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'workspace_schema'");
  if (!has_schema.ok()) return has_schema.status();
  if (*has_schema == 0)
    return Status(ErrorCode::kDataError,
                  fmt::format("{} is a SQLite database but not a GrowthLens workspace (it has no "
                              "workspace_schema table)",
                              db.path()));
  return CheckVersion(db);
}

}  // namespace growthlens::store
