#include "cli/workspace_option.h"

#include <cstdlib>
#include <filesystem>

namespace growthlens::cli {

std::string ResolveWorkspace(const std::string& given, bool use_default) {
  if (!given.empty()) return given;
  if (const char* chosen = std::getenv("GROWTHLENS_WORKSPACE"); chosen != nullptr && *chosen)
    return chosen;
  if (!use_default) return "";
  const char* home = std::getenv("HOME");
  const std::filesystem::path base = home != nullptr && *home ? home : ".";
  return (base / ".local/share/growthlens/default.glw").string();
}

std::string DefaultWorkspacePath() {
  return ResolveWorkspace("", true);
}

void AddWorkspaceOption(CLI::App& command, std::string& path) {
  path = DefaultWorkspacePath();
  command.add_option("--workspace", path,
                     "Workspace file (default: $GROWTHLENS_WORKSPACE, else "
                     "~/.local/share/growthlens/default.glw)");
}

}  // namespace growthlens::cli
