#pragma once
// The workspace's SQLite schema and its version. A workspace records the version that wrote it;
// one from an older version is migrated step by step inside one transaction, one from a newer
// version (or a file that is not a workspace) is refused with a message naming both versions,
// never read as if it were this one.

#include "core/status.h"
#include "store/sqlite_db.h"

namespace growthlens::store {

/// The schema this build writes. Bump it with a migration step in schema.cc.
inline constexpr int kSchemaVersion = 10;

/// Sets the connection's journal (WAL) and durability, then creates the schema in an empty
/// database or checks (and migrates) an existing one.
Status PrepareSchema(Database& db);

}  // namespace growthlens::store
