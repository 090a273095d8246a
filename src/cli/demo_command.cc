// growthlens demo: the main job on a fresh machine. Generates a demo usage log, the event log of
// the same users and demo transactions when none are there, ingests each with the default
// cleaning rules and prints its report, then analyses each (as `growthlens analyze`), printing
// the headlines and insights and writing the processed tables and reports. With --workspace the
// generated files are ingested into the workspace (a repeated demo adds nothing) and analysed from
// it, ready for `growthlens serve --workspace`.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "cli/analyze_command.h"
#include "cli/command.h"
#include "cli/ingest_command.h"
#include "cli/option_bounds.h"
#include "synth/demo_files.h"

namespace growthlens::cli {

namespace {

struct DemoArgs {
  int64_t users = 5000;
  int64_t customers = 4000;
  uint64_t seed = 42;
  std::string data_dir = "data";
  std::string workspace;  // "": no workspace
  bool regenerate = false;
};

bool UseExisting(const std::string& path, const DemoArgs& args) {
  if (args.regenerate || !std::filesystem::exists(path)) return false;
  fmt::print(stderr, "growthlens demo: using existing {} (pass --regenerate for new data)\n", path);
  return true;
}

Status Generated(const std::string& path, Result<synth::GenerationSummary> summary) {
  if (!summary.ok()) return summary.status();
  fmt::print(stderr, "growthlens demo: generated {} ({} rows in {:.2f} s)\n", path, summary->rows,
             summary->seconds);
  return Status::Ok();
}

Status GenerateDemo(DataKind kind, const std::string& path, const DemoArgs& args) {
  if (UseExisting(path, args)) return Status::Ok();
  const int64_t count = kind == DataKind::kTransactions ? args.customers : args.users;
  return Generated(path, synth::GenerateDemoFile(kind, count, args.seed, path));
}

Status RunDemo(const DemoArgs& args, CommandOutcome& outcome) {
  const std::string usage_path = args.data_dir + "/raw/usage_log.csv";
  const std::string events_path = args.data_dir + "/raw/events.csv";
  const std::string transactions_path = args.data_dir + "/raw/transactions.csv";
  const std::pair<std::string, DataKind> inputs[] = {{usage_path, DataKind::kUsage},
                                                     {events_path, DataKind::kEvents},
                                                     {transactions_path, DataKind::kTransactions}};
  for (const auto& [input, kind] : inputs)
    GROWTHLENS_RETURN_IF_ERROR(GenerateDemo(kind, input, args));
  for (const auto& [input, kind] : inputs) {
    IngestRequest request;
    request.input = input;
    request.output_dir = args.data_dir + "/processed";
    request.workspace = args.workspace;
    fmt::print("\n== {} ==\n", input);
    std::fflush(stdout);
    Result<CleanedData> ingested = RunIngestRequest(request);
    if (!ingested.ok()) return ingested.status();
    // With a workspace, what it holds of this kind (this file and any loaded before) is analysed.
    Result<LoadedData> cleaned =
        args.workspace.empty()
            ? LoadedData(std::make_shared<const CleanedData>(std::move(ingested).value()))
            : app::WorkspaceSource(args.workspace, StderrProgress("demo"),
                                   app::StoredKindChoice::Of(kind))
                  .Load();
    if (!cleaned.ok()) return cleaned.status();
    app::AnalyzeRequest analyze;
    analyze.input = input;
    analyze.progress = StderrProgress("analyze");
    analyze.output_dir = request.output_dir;
    fmt::print("\n");
    std::fflush(stdout);
    GROWTHLENS_RETURN_IF_ERROR(AnalyzeLoaded(**cleaned, analyze, outcome));
  }
  if (!args.workspace.empty())
    fmt::print(stderr,
               "growthlens demo: the demo data is in workspace {}; growthlens serve --workspace "
               "{} shows it in the dashboard\n",
               args.workspace, args.workspace);
  return Status::Ok();
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* command = app.add_subcommand(
      "demo",
      "The main job: generate a demo usage log, the event log of the same users and demo "
      "transactions (if missing), ingest and clean each, analyse each (as analyze does) and "
      "write the processed tables and reports to <data-dir>/processed");
  command
      ->add_option("--users", args->users,
                   "Users in the generated demo usage and event logs (default 5000)")
      ->check(WholeNumberIn(1, kMaxGeneratedRows / 10));
  command
      ->add_option("--customers", args->customers,
                   "Customers in the generated demo transactions (default 4000)")
      ->check(WholeNumberIn(1, kMaxGeneratedRows / 10));
  command->add_option("--seed", args->seed, "Seed of the generated data (default 42)")
      ->check(WholeNumberIn(0, kMaxSeed));
  command->add_option("--data-dir", args->data_dir,
                      "Root for raw/ and processed/ data (default data)");
  command->add_flag("--regenerate", args->regenerate, "Generate new demo data even if it exists");
  command->add_option("--workspace", args->workspace,
                      "Ingest the demo data into this workspace (created on first use; a file "
                      "stored before adds nothing) and analyse what it holds; then growthlens "
                      "serve --workspace W shows it");
  command->callback([args, &outcome] {
    const Status status = RunDemo(*args, outcome);
    if (!status.ok()) ReportFailure("demo", status, outcome);
  });
}

}  // namespace growthlens::cli
