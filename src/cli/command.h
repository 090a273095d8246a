#pragma once
// The CLI's shared vocabulary: each command file registers one subcommand with the app and
// reports its outcome through the exit code that main() owns.

#include <CLI/CLI.hpp>

#include <string>

#include "core/status.h"

namespace growthlens::cli {

/// Where a command's outcome goes: main() returns it as the process exit code.
struct CommandOutcome {
  int exit_code = 0;
};

/// Prints "growthlens <command>: error: <message>" to stderr and records the exit code.
void ReportFailure(const std::string& command, const Status& status, CommandOutcome& outcome);

void RegisterGenerateCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterIngestCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterDemoCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterAnalyzeCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterInsightsCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterSegmentCommands(CLI::App& app, CommandOutcome& outcome);
void RegisterModelCommands(CLI::App& app, CommandOutcome& outcome);
void RegisterExperimentCommands(CLI::App& app, CommandOutcome& outcome);
void AddExperimentAnalyzeCommand(CLI::App& experiment, CommandOutcome& outcome);
void AddExperimentSimulateCommand(CLI::App& experiment, CommandOutcome& outcome);
void RegisterRfmCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterRevenueCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterCohortsCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterLifecycleCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterKpisCommand(CLI::App& app, CommandOutcome& outcome);
void RegisterUsageCommand(CLI::App& app, CommandOutcome& outcome);

}  // namespace growthlens::cli
