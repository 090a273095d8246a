// growthlens serve [FILES...]: loads the files (or generates demo data with --demo), then serves
// the dashboard and the JSON API on http://127.0.0.1:8501 until stopped. docs/API.md.

#include "server/serve_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/ingest_command.h"
#include "server/api_server.h"

namespace growthlens::server {

namespace {

struct ServeArgs {
  std::vector<std::string> files;
  ServerSettings settings;
  bool demo = false;
  bool quiet = false;
  size_t max_upload_mb = 2048;
  size_t cache_mb = 512;
};

Status RunServe(ServeArgs& args) {
  ServerSettings& settings = args.settings;
  settings.load.quiet = args.quiet;
  settings.access_log = !args.quiet;
  settings.max_upload_bytes = args.max_upload_mb << 20;
  settings.cache_bytes = args.cache_mb << 20;
  if (!settings.web_root.empty() &&
      !std::filesystem::exists(std::filesystem::path(settings.web_root) / "index.html"))
    return Status(ErrorCode::kIoError,
                  fmt::format("--web-root '{}': no index.html there (the dashboard's files are "
                              "the repository's web/ folder)",
                              settings.web_root));

  ApiServer server(settings);
  Result<int> port = server.Bind();
  if (!port.ok()) return port.status();
  for (const std::string& file : args.files) {
    Result<HeldPtr> held = LoadDataset(file, std::filesystem::path(file).filename().string(),
                                       IngestOptions(), settings.load);
    if (!held.ok()) return held.status();
    server.Hold(std::move(held).value());
  }
  if (args.demo) {
    Result<std::vector<HeldPtr>> loaded = LoadDemo(settings.demo, settings.load);
    if (!loaded.ok()) return loaded.status();
    for (HeldPtr& held : *loaded) server.Hold(std::move(held));
  }
  fmt::print(
      stderr, "growthlens serve: dashboard on http://{}:{} (Ctrl+C stops it){}\n", settings.host,
      *port,
      server.shelf().Snapshot()->Empty() ? "; no data yet: upload a CSV or load the demo" : "");
  server.Serve();
  return Status::Ok();
}

}  // namespace

void RegisterServeCommand(CLI::App& app, cli::CommandOutcome& outcome) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* command = app.add_subcommand(
      "serve",
      "Serve the dashboard and its JSON API (docs/API.md) on http://127.0.0.1:8501. Loads the "
      "given usage log and/or transactions file (one of each) or, with --demo, generated demo "
      "data; with neither it opens on the upload page.");
  command->add_option("files", args->files, "Usage log and/or transactions CSV to load")
      ->check(CLI::ExistingFile);
  command->add_option("--host", args->settings.host, "Address to listen on (default 127.0.0.1)");
  command->add_option("--port", args->settings.port, "Port (default 8501; 0 = any free port)");
  command->add_flag(
      "--demo", args->demo,
      "Generate demo data (a usage log and transactions) into --data-dir and load it");
  command->add_option("--users", args->settings.demo.users,
                      "--demo: users in the usage log (default 5000)");
  command->add_option("--customers", args->settings.demo.customers,
                      "--demo: customers in the transactions (default 4000)");
  command->add_option("--seed", args->settings.demo.seed, "--demo: seed (default 42)");
  command->add_option(
      "--data-dir", args->settings.load.data_dir,
      "Where uploads (raw/) and the analysis tables (processed/) go (default data)");
  command->add_option("--web-root", args->settings.web_root,
                      "Development: read the dashboard's files from this folder (the repository's "
                      "web/) at each request instead of the copy built into growthlens");
  command->add_option("--max-upload-mb", args->max_upload_mb,
                      "Largest upload accepted, in MiB (default 2048)");
  command->add_option("--cache-mb", args->cache_mb,
                      "Memory for cached API responses, in MiB (default 512)");
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
