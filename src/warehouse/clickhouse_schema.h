#pragma once
// The schema of a ClickHouse workspace: MergeTree tables of usage rows, events and transactions
// partitioned by month and ordered by (user, time), and the ingest history. With a cluster, each
// table is `<name>_local` on every shard plus a Distributed table `<name>` sharded by a hash of
// the user, so that one user's rows, and all per-user work, stay on one shard.
//
//   Status status = CreateSchema(client, SchemaOptions{});

#include <string>
#include <vector>

#include "core/status.h"
#include "warehouse/clickhouse_client.h"

namespace growthlens::warehouse {

/// The data tables, as named by queries (the Distributed table on a cluster).
inline constexpr const char* kUsageTable = "usage";
inline constexpr const char* kEventsTable = "events";
inline constexpr const char* kTransactionsTable = "transactions";
inline constexpr const char* kIngestHistoryTable = "ingest_history";

struct SchemaOptions {
  /// A cluster of the server's remote_servers: local tables on every shard, Distributed on top.
  std::string cluster;
  /// The shards' own endpoints (HTTP), where GrowthLens creates the local tables itself; empty:
  /// `ON CLUSTER` (the servers' distributed DDL, which needs ZooKeeper).
  std::vector<ClickHouseEndpoint> shards;
};

/// What CreateSchema did, for the person who ran `workspace init`.
struct SchemaReport {
  std::vector<std::string> statements;
  bool low_cardinality = false;       // dictionaries as LowCardinality(String) (servers from 19.x)
  bool deduplication_window = false;  // non_replicated_deduplication_window set (21.x and later)
};

/// Creates the database and the tables where missing (running it again changes nothing).
/// `client` connects without a database (Connect(endpoint, false)).
Result<SchemaReport> CreateSchema(ClickHouseClient& client, const SchemaOptions& options);

/// The server's major version ("18.16.1" gives 18; 0 when unreadable).
int MajorVersion(const std::string& version);

}  // namespace growthlens::warehouse
