#include <CLI/CLI.hpp>

#include <exception>
#include <new>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/terminal_text.h"
#include "server/serve_command.h"

namespace {

/// "growthlens experiment analyze", from the subcommands the parse reached.
std::string CommandName(const CLI::App& app) {
  std::string name = "growthlens";
  for (const CLI::App* command = &app;;) {
    const auto chosen = command->get_subcommands();
    if (chosen.empty()) return name;
    command = chosen.front();
    name += " " + command->get_name();
  }
}

}  // namespace

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

  // Every exception ends here, after the stack has unwound (so temporary files are removed by
  // their owners): a clear message and an exit code, never an abort.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Help and version exit 0; every usage error (unknown option, bad value) exits 2, as the
    // commands' own option checks do.
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "{}: error: out of memory\n", CommandName(app));
    return growthlens::ExitCodeOf(growthlens::ErrorCode::kInternal);
  } catch (const std::exception& error) {
    fmt::print(stderr, "{}: internal error: {}\n", CommandName(app),
               growthlens::TerminalSafe(error.what()));
    return growthlens::ExitCodeOf(growthlens::ErrorCode::kInternal);
  } catch (...) {
    fmt::print(stderr, "{}: internal error (unknown exception)\n", CommandName(app));
    return growthlens::ExitCodeOf(growthlens::ErrorCode::kInternal);
  }
  return outcome.exit_code;
}
