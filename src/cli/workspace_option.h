#pragma once
// The --workspace option of the commands that read or write a workspace file, and its default:
// $GROWTHLENS_WORKSPACE, else ~/.local/share/growthlens/default.glw.

#include <CLI/CLI.hpp>

#include <string>

namespace growthlens::cli {

std::string DefaultWorkspacePath();

/// The workspace a command uses: `given` (its --workspace), else $GROWTHLENS_WORKSPACE, else,
/// when `use_default`, ~/.local/share/growthlens/default.glw; "" = none.
std::string ResolveWorkspace(const std::string& given, bool use_default);

/// Adds --workspace to `command`, filling `path` with the default first.
void AddWorkspaceOption(CLI::App& command, std::string& path);

}  // namespace growthlens::cli
