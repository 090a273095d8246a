#include "warehouse/clickhouse_schema.h"

#include <fmt/format.h>

#include <charconv>

namespace growthlens::warehouse {

namespace {

struct TableShape {
  const char* name;
  std::string columns;
  const char* time;  // partition and order after the user
  const char* user;
};

/// `load_id` is the ingest's number (a hash of the file's checksum), so rows of an ingest that
/// failed half-way can be deleted before it is tried again.
std::vector<TableShape> DataTables(bool low_cardinality) {
  const char* dictionary = low_cardinality ? "LowCardinality(String)" : "String";
  const std::string usage =
      fmt::format("user String, day Date, feature {}, events Int32, load_id UInt64", dictionary);
  const std::string events =
      fmt::format("user String, day Date, ms_of_day UInt32, event {}, events Int32, load_id UInt64",
                  dictionary);
  const std::string transactions = fmt::format(
      "invoice String, customer String, time DateTime('UTC'), country {}, stock_code String, "
      "description String, quantity Int32, price Float64, load_id UInt64",
      dictionary);
  return {{kUsageTable, usage, "day", "user"},
          {kEventsTable, events, "day", "user"},
          {kTransactionsTable, transactions, "time", "customer"}};
}

}  // namespace

int MajorVersion(const std::string& version) {
  int major = 0;
  std::from_chars(version.data(), version.data() + version.size(), major);
  return major;
}

Result<SchemaReport> CreateSchema(ClickHouseClient& client, const SchemaOptions& options) {
  const ClickHouseEndpoint& endpoint = client.endpoint();
  const std::string& db = endpoint.database;
  if (!options.cluster.empty())
    GROWTHLENS_RETURN_IF_ERROR(CheckIdentifier(options.cluster, "--cluster"));
  SchemaReport report;
  // LowCardinality is experimental in 18.x (a setting away) and standard from 19.x.
  report.low_cardinality = MajorVersion(client.version()) >= 19;
  Result<std::string> window = client.Query(
      "SELECT count() FROM system.merge_tree_settings WHERE name = "
      "'non_replicated_deduplication_window'");
  if (!window.ok()) return window.status();
  report.deduplication_window = window->starts_with("1");
  const std::string table_settings =
      report.deduplication_window ? " SETTINGS non_replicated_deduplication_window = 1000" : "";

  const bool sharded = !options.cluster.empty();
  const bool on_cluster = sharded && options.shards.empty();
  const std::string everywhere = on_cluster ? fmt::format(" ON CLUSTER {}", options.cluster) : "";
  // The statements run on the server of the URL (and, with --shard, on each shard).
  std::vector<std::string> local, top;
  local.push_back(fmt::format("CREATE DATABASE IF NOT EXISTS {}{}", db, everywhere));
  for (const TableShape& table : DataTables(report.low_cardinality)) {
    const std::string name = sharded ? fmt::format("{}_local", table.name) : table.name;
    local.push_back(fmt::format(
        "CREATE TABLE IF NOT EXISTS {}.{}{} ({}) ENGINE = MergeTree PARTITION BY toYYYYMM({}) "
        "ORDER BY ({}, {}){}",
        db, name, everywhere, table.columns, table.time, table.user, table.time, table_settings));
    if (sharded)
      top.push_back(fmt::format(
          "CREATE TABLE IF NOT EXISTS {0}.{1} AS {0}.{1}_local ENGINE = Distributed({2}, {0}, "
          "{1}_local, cityHash64({3}))",
          db, table.name, options.cluster, table.user));
  }
  // The history is small and read by the server of the URL only: never sharded.
  top.push_back(fmt::format(
      "CREATE TABLE IF NOT EXISTS {}.{} (checksum String, load_id UInt64, source String, kind "
      "String, bytes UInt64, rows_read UInt64, rows_kept UInt64, loaded DateTime('UTC'), report "
      "String) ENGINE = MergeTree ORDER BY checksum",
      db, kIngestHistoryTable));

  std::vector<ClickHouseClient> shard_clients;
  for (const ClickHouseEndpoint& shard : options.shards) {
    Result<ClickHouseClient> shard_client = ClickHouseClient::Connect(shard, false);
    if (!shard_client.ok()) return shard_client.status();
    shard_clients.push_back(std::move(*shard_client));
  }
  for (const std::string& statement : local) {
    if (shard_clients.empty() || !sharded) {
      GROWTHLENS_RETURN_IF_ERROR(client.Execute(statement));
    } else {
      // The server of the URL holds the Distributed tables and may be a shard itself.
      if (statement.starts_with("CREATE DATABASE"))
        GROWTHLENS_RETURN_IF_ERROR(client.Execute(statement));
      for (ClickHouseClient& shard : shard_clients)
        GROWTHLENS_RETURN_IF_ERROR(shard.Execute(statement));
    }
    report.statements.push_back(statement);
  }
  for (const std::string& statement : top) {
    GROWTHLENS_RETURN_IF_ERROR(client.Execute(statement));
    report.statements.push_back(statement);
  }
  return report;
}

}  // namespace growthlens::warehouse
