#pragma once
// growthlens serve: registers the command that runs the dashboard and its API.

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace growthlens::server {

void RegisterServeCommand(CLI::App& app, cli::CommandOutcome& outcome);

}  // namespace growthlens::server
