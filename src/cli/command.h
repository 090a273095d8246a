#pragma once
// The CLI's shared vocabulary: each command file registers one subcommand with the app and
// reports its outcome through the exit code that main() owns.

#include <CLI/CLI.hpp>

#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include "app/data_source.h"
#include "core/status.h"
#include "prep/ingest.h"

namespace growthlens::cli {

using app::LoadedData;

/// What a command reads and writes besides its options. main() runs a command on its FILE
/// argument, prints on stdout and returns `exit_code`; `growthlens serve` runs the same command
/// on data it already holds and captures what it prints and how it failed.
struct CommandOutcome {
  int exit_code = 0;
  /// The last failure (Ok if none): the server turns it into an HTTP error.
  Status failure;
  /// Where PrintOut writes; null = stdout.
  std::string* output = nullptr;
  /// When set, the command analyses this data and its FILE argument only names it.
  LoadedData preloaded;
  /// Requested (by the server) when nobody waits for the answer: long commands stop between
  /// stages with StoppedStatus().
  std::stop_token stop;
};

/// The failure of a command stopped through CommandOutcome::stop.
Status StoppedStatus();

/// Prints "growthlens <command>: error: <message>" to stderr (unless the output is captured)
/// and records the failure and its exit code.
void ReportFailure(const std::string& command, const Status& status, CommandOutcome& outcome);

/// A bad option value or combination: kInvalidArgument, a usage error (exit 2).
Status Invalid(std::string message);

/// Writes `text` to the command's output (stdout in one write, or the capture).
void PrintOut(CommandOutcome& outcome, std::string_view text);

/// Progress notes on stderr as "growthlens <command>: <note>".
app::ProgressFn StderrProgress(std::string command);

/// Every command of the CLI (all but `serve`), as main() and the server register them.
void RegisterCommands(CLI::App& app, CommandOutcome& outcome);

void RegisterGenerateCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterIngestCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterDemoCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterAnalyzeCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterSegmentCommands(CLI::App& app, CommandOutcome& outcome);
void RegisterModelCommands(CLI::App& app, CommandOutcome& outcome);
void RegisterChurnCommands(CLI::App& app, CommandOutcome& outcome);
void RegisterExperimentCommands(CLI::App& app, CommandOutcome& outcome);
void RegisterApiDocsCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterWorkspaceCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterConsumeCommand(CLI::App& app, CommandOutcome& outcome);

}  // namespace growthlens::cli
