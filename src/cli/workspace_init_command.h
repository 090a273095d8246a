#pragma once
// growthlens workspace init: creates a workspace where it does not exist yet: a workspace file,
// or a ClickHouse database's tables (with --cluster, local tables on every shard and
// Distributed tables over them).

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace growthlens::cli {

/// Adds `init` to `workspace` (the `growthlens workspace` command).
void RegisterWorkspaceInitCommand(CLI::App& workspace, CommandOutcome& outcome);

}  // namespace growthlens::cli
