#pragma once
// The CLI adapter of the application layer: one subcommand per registered analysis
// (app/analysis_registry.h), its options generated from the analysis's parameter specs, plus
// the FILE argument, --quiet, --format and every loading flag of `growthlens ingest`.

#include <CLI/CLI.hpp>

#include "app/analysis_registry.h"
#include "cli/command.h"

namespace growthlens::cli {

/// Adds `growthlens <entry.name> FILE [options]` to `app`.
void AddAnalysisCommand(CLI::App& app, const app::AnalysisEntry& entry, CommandOutcome& outcome);

/// Every registered analysis as a command.
void RegisterAnalysisCommands(CLI::App& app, CommandOutcome& outcome);

}  // namespace growthlens::cli
