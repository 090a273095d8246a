#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "server/serve_command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "GrowthLens: fast product and customer analytics.\n"
      "Ingest feature-usage logs or e-commerce transactions, clean them with a full report,\n"
      "analyse them from the command line, or serve the dashboard ('growthlens serve --demo').\n"
      "Run 'growthlens <command> --help' for each command."};
  app.set_version_flag("--version", "growthlens 0.1.0");
  app.require_subcommand(1);

  growthlens::cli::CommandOutcome outcome;
  growthlens::cli::RegisterCommands(app, outcome);
  growthlens::server::RegisterServeCommand(app, outcome);

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
