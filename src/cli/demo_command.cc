// growthlens demo: the main job on a fresh machine. Generates demo data when none is there,
// ingests it with the default cleaning rules and prints the report and summary. Later steps
// (analysis, dashboard) extend this same command.

#include <filesystem>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/ingest_command.h"
#include "synth/usage_generator.h"

namespace growthlens::cli {

namespace {

struct DemoArgs {
  int64_t users = 5000;
  uint64_t seed = 42;
  std::string data_dir = "data";
  bool regenerate = false;
};

Status GenerateIfMissing(const std::string& path, const DemoArgs& args) {
  if (!args.regenerate && std::filesystem::exists(path)) {
    fmt::print(stderr, "growthlens demo: using existing {} (pass --regenerate for new data)\n",
               path);
    return Status::Ok();
  }
  synth::UsageGeneratorOptions options;
  options.users = args.users;
  options.seed = args.seed;
  Result<std::unique_ptr<synth::OutputSink>> sink = synth::OpenOutputSink(path);
  if (!sink.ok()) return sink.status();
  Result<synth::GenerationSummary> summary = synth::GenerateUsageLog(options, **sink);
  if (!summary.ok()) return summary.status();
  fmt::print(stderr, "growthlens demo: generated {} ({} users, {} rows, {:.2f} s)\n", path,
             summary->entities, summary->rows, summary->seconds);
  return Status::Ok();
}

Status RunDemo(const DemoArgs& args) {
  const std::string usage_path = args.data_dir + "/raw/usage_log.csv";
  GROWTHLENS_RETURN_IF_ERROR(GenerateIfMissing(usage_path, args));
  IngestRequest request;
  request.input = usage_path;
  request.output_dir = args.data_dir + "/processed";
  return RunIngestRequest(request);
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* command = app.add_subcommand(
      "demo",
      "The main job: generate demo data (if missing), ingest and clean it, and print the report");
  command->add_option("--users", args->users, "Users in the generated demo log (default 5000)")
      ->check(CLI::PositiveNumber);
  command->add_option("--seed", args->seed, "Seed of the generated data (default 42)");
  command->add_option("--data-dir", args->data_dir,
                      "Root for raw/ and processed/ data (default data)");
  command->add_flag("--regenerate", args->regenerate, "Generate new demo data even if it exists");
  command->callback([args, &outcome] {
    const Status status = RunDemo(*args);
    if (!status.ok()) ReportFailure("demo", status, outcome);
  });
}

}  // namespace growthlens::cli
