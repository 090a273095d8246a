#include "cli/workspace_init_command.h"

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/workspace_option.h"
#include "store/workspace.h"
#include "warehouse/clickhouse_schema.h"

namespace growthlens::cli {

namespace {

struct InitArgs {
  std::string path;
  ClickHouseCredentials credentials;
  std::string cluster;
  std::vector<std::string> shards;
};

Status InitClickHouse(const InitArgs& args) {
  Result<warehouse::ClickHouseEndpoint> endpoint =
      warehouse::ParseClickHouseUrl(args.path, args.credentials.user, args.credentials.password);
  if (!endpoint.ok()) return endpoint.status();
  if (args.cluster.empty() && !args.shards.empty())
    return Status(ErrorCode::kInvalidArgument,
                  "--shard names where a cluster's local tables go: give the cluster with "
                  "--cluster NAME too");
  warehouse::SchemaOptions options;
  options.cluster = args.cluster;
  for (const std::string& shard : args.shards) {
    Result<warehouse::ClickHouseEndpoint> shard_endpoint =
        warehouse::ParseClickHouseUrl(shard, args.credentials.user, args.credentials.password);
    if (!shard_endpoint.ok()) return shard_endpoint.status();
    shard_endpoint->database = endpoint->database;
    options.shards.push_back(std::move(*shard_endpoint));
  }
  Result<warehouse::ClickHouseClient> client =
      warehouse::ClickHouseClient::Connect(*endpoint, /*use_database=*/false);
  if (!client.ok()) return client.status();
  Result<warehouse::SchemaReport> report = warehouse::CreateSchema(*client, options);
  if (!report.ok()) return report.status();
  fmt::print("ClickHouse {} at {}: the GrowthLens tables are ready{}\n", client->version(),
             endpoint->Display(),
             args.cluster.empty() ? "" : fmt::format(" on cluster {}", args.cluster));
  fmt::print("  dictionaries as {}; insert deduplication {}\n",
             report->low_cardinality ? "LowCardinality(String)" : "String (server before 19.x)",
             report->deduplication_window
                 ? "by token on every block"
                 : "not available for MergeTree on this server (a failed ingest's rows are "
                   "deleted before it is retried)");
  for (const std::string& statement : report->statements) fmt::print("  {}\n", statement);
  return Status::Ok();
}

Status RunInit(const InitArgs& args) {
  if (IsClickHouseWorkspace(args.path)) return InitClickHouse(args);
  if (!args.cluster.empty() || !args.shards.empty())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--cluster and --shard apply to a ClickHouse workspace "
                              "(clickhouse://HOST:PORT/DATABASE), not to the file {}",
                              args.path));
  Result<store::Workspace> workspace = store::Workspace::Open(args.path, store::OpenMode::kCreate);
  if (!workspace.ok()) return workspace.status();
  fmt::print("workspace {} is ready\n", args.path);
  return Status::Ok();
}

}  // namespace

void RegisterWorkspaceInitCommand(CLI::App& workspace, CommandOutcome& outcome) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* command = workspace.add_subcommand(
      "init",
      "Create a workspace: a workspace file, or in a ClickHouse database the MergeTree tables of "
      "usage rows, events and transactions (partitioned by month, ordered by user and time) and "
      "the ingest history; running it again changes nothing");
  AddWorkspaceOption(*command, args->path);
  AddClickHouseCredentialOptions(*command, args->credentials);
  command->add_option("--cluster", args->cluster,
                      "ClickHouse cluster (of the servers' remote_servers): local tables on every "
                      "shard and Distributed tables sharded by a hash of the user");
  command->add_option(
      "--shard", args->shards,
      "With --cluster: a shard's clickhouse://HOST:PORT/DATABASE URL (the database is the "
      "workspace's) where the local "
      "tables are created (repeat per shard); without it, ON CLUSTER (which "
      "needs the servers' distributed DDL)");
  command->callback([args, &outcome] {
    const Status status = RunInit(*args);
    if (!status.ok()) ReportFailure("workspace init", status, outcome);
  });
}

}  // namespace growthlens::cli
