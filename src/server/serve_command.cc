// growthlens serve [FILES...]: loads the files (or generates demo data with --demo), then serves
// the dashboard and the JSON API on http://127.0.0.1:8501 until stopped. docs/API.md.

#include "server/serve_command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "cli/ingest_command.h"
#include "cli/option_bounds.h"
#include "cli/output_format.h"
#include "cli/workspace_option.h"
#include "server/access_gate.h"
#include "server/api_server.h"
#include "server/clickhouse_serving.h"
#include "server/request_guard.h"
#include "server/workspace_key_gate.h"

namespace growthlens::server {

namespace {

struct ServeArgs {
  std::vector<std::string> files;
  ServerSettings settings;
  bool demo = false;
  bool quiet = false;
  size_t max_upload_mb = 2048;
  size_t cache_mb = 512;
  int live_refresh = 30;
  int live_refresh_watched = 1;
  std::string access_key_file;
  std::string access_key;
  std::string workspace;
  bool no_workspace = false;
};

/// With a workspace, the files named on the command line and the demo data are stored in it
/// (a file stored before adds nothing) and the server holds what the workspace holds.
Status LoadIntoWorkspace(const ServeArgs& args, ApiServer& server) {
  const LoadSettings& load = args.settings.load;
  if (!args.quiet) fmt::print(stderr, "growthlens serve: workspace {}\n", load.workspace);
  for (const std::string& file : args.files) {
    Result<WorkspaceIngest> stored = IngestIntoWorkspace(
        file, std::filesystem::path(file).filename().string(), IngestOptions(), load);
    if (!stored.ok()) return stored.status();
    if (args.quiet) continue;
    if (stored->already_ingested)
      fmt::print(stderr, "growthlens serve: {} was already stored on {} UTC; nothing added\n", file,
                 stored->loaded_at);
    else
      fmt::print(stderr,
                 "growthlens serve: stored {}: {} rows added, {} already held and skipped\n", file,
                 cli::WithThousands(stored->rows_added), cli::WithThousands(stored->rows_skipped));
  }
  Result<std::vector<HeldPtr>> loaded =
      args.demo ? LoadDemo(args.settings.demo, load) : LoadWorkspace(load);
  if (!loaded.ok()) return loaded.status();
  for (HeldPtr& held : *loaded) server.Hold(std::move(held));
  return Status::Ok();
}

/// Without a workspace, the files and the demo data are held in memory only.
Status LoadFiles(const ServeArgs& args, ApiServer& server) {
  for (const std::string& file : args.files) {
    Result<HeldPtr> held = LoadDataset(file, std::filesystem::path(file).filename().string(),
                                       IngestOptions(), args.settings.load);
    if (!held.ok()) return held.status();
    server.Hold(std::move(held).value());
  }
  if (args.demo) {
    Result<std::vector<HeldPtr>> loaded = LoadDemo(args.settings.demo, args.settings.load);
    if (!loaded.ok()) return loaded.status();
    for (HeldPtr& held : *loaded) server.Hold(std::move(held));
  }
  return Status::Ok();
}

/// A ClickHouse workspace: the server holds its per-user aggregates and asks ClickHouse for each
/// analysis (clickhouse_serving.h). Files reach it through `growthlens ingest`, not serve.
Status HoldClickHouse(const ServeArgs& args, ApiServer& server,
                      std::optional<ClickHouseRefresher>& refresher) {
  if (!args.files.empty() || args.demo)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--workspace {}: serve does not store files or the demo data in a "
                              "ClickHouse workspace; store them with `growthlens ingest FILE "
                              "--workspace {}`, then serve it",
                              ClickHouseDisplay(args.settings.clickhouse),
                              ClickHouseDisplay(args.settings.clickhouse)));
  if (!args.quiet)
    fmt::print(stderr, "growthlens serve: ClickHouse workspace {}\n",
               ClickHouseDisplay(args.settings.clickhouse));
  Result<std::vector<HeldPtr>> loaded =
      LoadClickHouseHoldings(args.settings.clickhouse, args.quiet);
  if (!loaded.ok()) return loaded.status();
  for (const HeldPtr& held : *loaded) server.Hold(held);
  refresher.emplace(args.settings.clickhouse, args.settings.live_refresh, *loaded,
                    [&server](HeldPtr held) { server.Hold(std::move(held)); });
  return Status::Ok();
}

/// The keys the server accepts: the shared key, if any, and the workspace's read and write keys.
/// A server that other machines may reach (a non-loopback --host, or --require-access-key) needs
/// one that reads, or it refuses to start.
Status OpenAccessGate(ServeArgs& args) {
  ServerSettings& settings = args.settings;
  Result<std::unique_ptr<AccessGate>> shared =
      LoadSharedKey(args.access_key_file, args.access_key, std::getenv("GROWTHLENS_ACCESS_KEY"));
  if (!shared.ok()) return shared.status();
  std::vector<std::shared_ptr<const AccessGate>> gates;
  if (*shared) gates.push_back(std::move(*shared));
  const bool reachable = settings.key_on_loopback || !IsLoopbackName(settings.host);
  std::error_code ignored;
  // A workspace that does not exist yet has no keys: a start refused for want of one creates
  // nothing.
  const bool keyless_new_workspace =
      reachable && gates.empty() && !std::filesystem::exists(settings.load.workspace, ignored);
  if (!settings.load.workspace.empty() && !keyless_new_workspace) {
    Result<std::unique_ptr<WorkspaceKeyGate>> workspace_keys =
        WorkspaceKeyGate::Open(settings.load.workspace);
    if (!workspace_keys.ok()) return workspace_keys.status();
    gates.push_back(std::move(*workspace_keys));
  }
  if (gates.size() == 1) settings.access = gates.front();
  if (gates.size() > 1) settings.access = std::make_shared<AnyOfGates>(std::move(gates));

  if (!reachable || (settings.access && settings.access->HasKeys())) return Status::Ok();
  const std::string option =
      settings.key_on_loopback ? "--require-access-key" : fmt::format("--host {}", settings.host);
  const std::string create =
      settings.load.workspace.empty()
          ? "give a shared key with --access-key-file FILE (or GROWTHLENS_ACCESS_KEY), or serve "
            "a workspace (--workspace W) and create a key with `growthlens workspace keys create "
            "--role read --workspace W`"
          : fmt::format(
                "create one with `growthlens workspace keys create --role read "
                "--workspace {}` (or give a shared key with --access-key-file FILE)",
                settings.load.workspace);
  return Status(
      ErrorCode::kInvalidArgument,
      fmt::format("{}: refusing to start: other machines would need an access key to "
                  "read, and none is configured; {}{}",
                  option, create, settings.key_on_loopback ? "" : ", or listen on 127.0.0.1"));
}

Status RunServe(ServeArgs& args) {
  ServerSettings& settings = args.settings;
  settings.load.quiet = args.quiet;
  settings.access_log = !args.quiet;
  settings.max_upload_bytes = args.max_upload_mb << 20;
  settings.cache_bytes = args.cache_mb << 20;
  settings.live_refresh = std::chrono::seconds(args.live_refresh);
  settings.live_refresh_watched = std::chrono::seconds(args.live_refresh_watched);
  if (!settings.web_root.empty() &&
      !std::filesystem::exists(std::filesystem::path(settings.web_root) / "index.html"))
    return Status(ErrorCode::kIoError,
                  fmt::format("--web-root '{}': no index.html there (the dashboard's files are "
                              "the repository's web/ folder)",
                              settings.web_root));

  // A plain `serve` opens the default workspace; files or --demo without one stay in memory.
  settings.load.workspace =
      args.no_workspace ? ""
                        : cli::ResolveWorkspace(args.workspace, args.files.empty() && !args.demo);
  // Its keys and saved views live in a workspace file: a ClickHouse server has the shared key.
  if (cli::IsClickHouseWorkspace(settings.load.workspace))
    settings.clickhouse = std::exchange(settings.load.workspace, "");
  GROWTHLENS_RETURN_IF_ERROR(OpenAccessGate(args));

  ApiServer server(settings);
  Result<int> port = server.Bind();
  if (!port.ok()) return port.status();
  std::optional<ClickHouseRefresher> refresher;  // stops before the server goes
  if (!settings.clickhouse.empty()) {
    GROWTHLENS_RETURN_IF_ERROR(HoldClickHouse(args, server, refresher));
  } else if (!settings.load.workspace.empty()) {
    GROWTHLENS_RETURN_IF_ERROR(LoadIntoWorkspace(args, server));
  } else {
    GROWTHLENS_RETURN_IF_ERROR(LoadFiles(args, server));
  }
  fmt::print(
      stderr, "growthlens serve: dashboard on http://{}:{} (Ctrl+C stops it){}\n", settings.host,
      *port,
      server.shelf().Snapshot()->Empty() ? "; no data yet: upload a CSV or load the demo" : "");
  if (!args.quiet && (settings.key_on_loopback || !IsLoopbackName(settings.host)))
    fmt::print(stderr,
               "growthlens serve: {} need an access key: a browser asks for it, scripts send "
               "`Authorization: Bearer KEY`{}\n",
               settings.key_on_loopback ? "all clients" : "clients on other machines",
               settings.load.workspace.empty()
                   ? ""
                   : fmt::format(" (growthlens workspace keys list --workspace {})",
                                 settings.load.workspace));
  server.Serve();
  return Status::Ok();
}

}  // namespace

void RegisterServeCommand(CLI::App& app, cli::CommandOutcome& outcome) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* command = app.add_subcommand(
      "serve",
      "Serve the dashboard and its JSON API (docs/API.md) on http://127.0.0.1:8501. Loads the "
      "given usage log, event log and/or transactions file (one of each) or, with --demo, "
      "generated demo data; with neither it opens on the upload page.");
  command->add_option("files", args->files, "Usage log and/or transactions CSV to load")
      ->check(CLI::ExistingFile);
  command->add_option("--host", args->settings.host,
                      "Address to listen on (default 127.0.0.1). Any other than a loopback address "
                      "needs an access key: clients elsewhere read with a read key and change "
                      "data with a write key (growthlens workspace keys create --role read|write "
                      "--workspace W) or the shared --access-key-file key");
  command->add_option("--port", args->settings.port, "Port (default 8501; 0 = any free port)")
      ->check(cli::WholeNumberIn(0, 65535));
  command->add_option("--allowed-host", args->settings.allowed_hosts,
                      "A host name the dashboard may be reached by besides localhost and IP "
                      "addresses (repeatable), e.g. the machine's DNS name");
  command->add_option("--access-key-file", args->access_key_file,
                      "File whose first line is a shared access key that clients on other machines "
                      "may present (Authorization: Bearer KEY, or on the dashboard's login page); "
                      "it reads and writes. Workspace keys (growthlens workspace keys) work "
                      "beside it");
  command->add_option("--access-key", args->access_key,
                      "The access key itself (visible to other local users in the process list; "
                      "prefer --access-key-file or the GROWTHLENS_ACCESS_KEY variable)");
  command->add_flag("--require-access-key", args->settings.key_on_loopback,
                    "Ask the key from every client, this machine's too (e.g. behind a reverse "
                    "proxy)");
  command
      ->add_option("--max-client-connections", args->settings.connections.per_client,
                   "Connections one client address may hold open (default 16)")
      ->check(cli::WholeNumberIn(1, 1024));
  command->add_flag(
      "--demo", args->demo,
      "Generate demo data (a usage log, the event log of the same users and transactions) into "
      "--data-dir and load it");
  command
      ->add_option("--users", args->settings.demo.users,
                   "--demo: users in the usage and event logs (default 5000)")
      ->check(cli::WholeNumberIn(10, 2'000'000));
  command
      ->add_option("--customers", args->settings.demo.customers,
                   "--demo: customers in the transactions (default 4000)")
      ->check(cli::WholeNumberIn(10, 500'000));
  command->add_option("--seed", args->settings.demo.seed, "--demo: seed (default 42)")
      ->check(cli::WholeNumberIn(0, cli::kMaxSeed));
  CLI::Option* workspace = command->add_option(
      "--workspace", args->workspace,
      "Workspace file to serve (created with its folder on first use): the server shows all it "
      "holds, and stores the files named here, uploads and the demo data in it; or a ClickHouse "
      "database, clickhouse://HOST:PORT/DATABASE, whose analyses pushed down run in ClickHouse "
      "(docs/CLICKHOUSE.md; its data is stored with `growthlens ingest`). Default: "
      "$GROWTHLENS_WORKSPACE, else, when no file and no --demo is given, "
      "~/.local/share/growthlens/default.glw; files or --demo without a workspace are held in "
      "memory only");
  command
      ->add_flag("--no-workspace", args->no_workspace,
                 "Hold the data in memory only, even with $GROWTHLENS_WORKSPACE set: an upload "
                 "replaces the data of its kind and is kept under --data-dir")
      ->excludes(workspace);
  command->add_option(
      "--data-dir", args->settings.load.data_dir,
      "Where uploads (raw/) and the analysis tables (processed/) go (default data)");
  command->add_option("--web-root", args->settings.web_root,
                      "Development: read the dashboard's files from this folder (the repository's "
                      "web/) at each request instead of the copy built into growthlens");
  command
      ->add_option("--max-upload-mb", args->max_upload_mb,
                   "Largest upload accepted, in MiB (default 2048)")
      ->check(cli::WholeNumberIn(1, 1 << 20));
  command
      ->add_option(
          "--max-analysis-seconds",
          [args](const CLI::results_t& values) {
            args->settings.work.max_seconds = std::chrono::seconds(std::stoll(values.at(0)));
            return true;
          },
          "Time one analysis may run before it is stopped and answered 503 (default 300)")
      ->check(cli::WholeNumberIn(1, 86'400));
  command
      ->add_option("--cache-mb", args->cache_mb,
                   "Memory for cached API responses, in MiB (default 512; 0 = no cache, every "
                   "request computed)")
      ->check(cli::WholeNumberIn(0, 1 << 20));
  command
      ->add_option("--live-refresh", args->live_refresh,
                   "With a workspace: while events arrive and no dashboard page is open, "
                   "recompute the analyses at most every SECONDS, and no sooner than four times a "
                   "recomputation took (default 30; the Live page's counts follow each event). "
                   "With a ClickHouse workspace: how often its tables' row counts are checked for "
                   "new loads")
      ->check(cli::WholeNumberIn(1, 86'400));
  command
      ->add_option("--live-refresh-watched", args->live_refresh_watched,
                   "With a workspace: the same while a dashboard page is open, so that every "
                   "page follows new events (default 1)")
      ->check(cli::WholeNumberIn(1, 86'400));
  command->add_flag(
      "--no-warm-up", [args](int64_t) { args->settings.warm_up = false; },
      "Do not compute the pages' default views after loading");
  command->add_flag("--quiet", args->quiet, "No progress and no access log on stderr");
  command->callback([args, &outcome] {
    const Status status = RunServe(*args);
    if (!status.ok()) cli::ReportFailure("serve", status, outcome);
  });
}

}  // namespace growthlens::server
