#pragma once
// The --workspace option of the commands that read or write a workspace file, and its default:
// $GROWTHLENS_WORKSPACE, else ~/.local/share/growthlens/default.glw.

#include <CLI/CLI.hpp>

#include <string>

namespace growthlens::cli {

std::string DefaultWorkspacePath();

/// Adds --workspace to `command`, filling `path` with the default first.
void AddWorkspaceOption(CLI::App& command, std::string& path);

}  // namespace growthlens::cli
