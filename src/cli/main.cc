#include <CLI/CLI.hpp>

#include "cli/command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "GrowthLens: fast product and customer analytics.\n"
      "Ingest feature-usage logs or e-commerce transactions, clean them with a full report,\n"
      "and analyse them. Run 'growthlens <command> --help' for each command."};
  app.set_version_flag("--version", "growthlens 0.1.0");
  app.require_subcommand(1);

  growthlens::cli::CommandOutcome outcome;
  growthlens::cli::RegisterGenerateCommand(app, outcome);
  growthlens::cli::RegisterIngestCommand(app, outcome);
  growthlens::cli::RegisterDemoCommand(app, outcome);
  growthlens::cli::RegisterAnalyzeCommand(app, outcome);
  growthlens::cli::RegisterInsightsCommand(app, outcome);
  growthlens::cli::RegisterSegmentCommands(app, outcome);
  growthlens::cli::RegisterModelCommands(app, outcome);
  growthlens::cli::RegisterExperimentCommands(app, outcome);
  growthlens::cli::RegisterRfmCommand(app, outcome);
  growthlens::cli::RegisterRevenueCommand(app, outcome);
  growthlens::cli::RegisterCohortsCommand(app, outcome);
  growthlens::cli::RegisterLifecycleCommand(app, outcome);
  growthlens::cli::RegisterKpisCommand(app, outcome);
  growthlens::cli::RegisterUsageCommand(app, outcome);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Help and version exit 0; every usage error (unknown option, bad value) exits 2, as the
    // commands' own option checks do.
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  return outcome.exit_code;
}
